"""The ``Trainer`` with the training script's batch order: length-grouped batches, shuffled.

``TrainingArguments(train_sampling_strategy="group_by_length")`` makes the ``Trainer`` cut
each epoch into windows of 50 batches, sort every window from its longest example to its
shortest, and train the batches in that order: five sweeps from long pairs to short ones per
MRPC epoch, the last steps of the run on the shortest pairs. The kit's training script groups
the same way but shuffles the batches (``helpers.train_data.LengthGroupedBatchSampler``).
On MRPC in bf16 (seed 42, all-MiniLM-L6-v2, the kit's recipe) the sorted order ended at
accuracy 0.755 and F1 0.837 in issue 20's run; the shuffled order, everything else equal,
at 0.809 and 0.868 (see docs/benchmarks.md). ``GroupedBatchTrainer`` keeps the padding
saving and drops the sweeps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from transformers import Trainer

from helpers.train_data import LengthGroupedBatchSampler


class ShuffledGroupsSampler:
    """Indices in length-grouped batches, the batches in a random order, reshuffled per epoch.

    A flat index sampler for a ``DataLoader`` with ``batch_size``: every batch but the last
    is full, so the loader's batches are exactly the grouped ones. The order depends only
    on ``seed`` and the epoch (``set_epoch``, which the ``Trainer`` calls; without it, each
    pass counts as the next epoch).

    >>> sampler = ShuffledGroupsSampler([5, 1, 4, 2, 3], batch_size=2, seed=0)
    >>> order = list(sampler)
    >>> sorted(order), len(sampler)
    ([0, 1, 2, 3, 4], 5)

    Used in: ``GroupedBatchTrainer``.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, seed: int) -> None:
        self.batches = LengthGroupedBatchSampler(lengths, batch_size, seed)
        self.batch_size = batch_size
        self.epoch: int | None = None
        self.passes = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.batches.lengths)

    def __iter__(self) -> Iterator[int]:
        self.batches.set_epoch(self.epoch if self.epoch is not None else self.passes)
        self.passes += 1
        batches = list(self.batches)
        # the one short batch goes last, so that the loader's cuts fall between batches
        batches.sort(key=lambda batch: len(batch) < self.batch_size)
        for batch in batches:
            yield from batch


class GroupedBatchTrainer(Trainer):
    """A ``Trainer`` whose ``group_by_length`` batches come in a shuffled order, as the script's.

    Everything else is the ``Trainer``'s; with any other ``train_sampling_strategy`` it is the
    ``Trainer`` itself.

    Used in: 02_mrpc_trainer, 04_ner (the kit's recipe).
    """

    def _get_train_sampler(self, train_dataset=None):
        dataset = train_dataset if train_dataset is not None else self.train_dataset
        if self.args.train_sampling_strategy != "group_by_length" or dataset is None:
            return super()._get_train_sampler(train_dataset)
        name = self.processing_class.model_input_names[0] if self.processing_class else "input_ids"
        lengths = [len(ids) for ids in dataset[name]]
        # the loader cuts batches of train_batch_size: the groups must be that size
        batch_size = self.args.train_batch_size
        return ShuffledGroupsSampler(lengths, batch_size, self.args.seed)


__all__ = ["GroupedBatchTrainer", "ShuffledGroupsSampler"]
