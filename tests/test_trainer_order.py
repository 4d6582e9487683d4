"""helpers.trainer_order: length-grouped batches in a shuffled order, in the Trainer."""

import numpy as np
import pytest
from datasets import Dataset
from transformers import Trainer, TrainingArguments

from helpers.trainer_order import GroupedBatchTrainer, ShuffledGroupsSampler

LENGTHS = list(np.random.default_rng(0).integers(10, 120, size=803))


def batches_of(order, batch_size):
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def descending_runs(batch_lengths):
    """How many consecutive batch pairs go from longer to shorter-or-equal."""
    return sum(a >= b for a, b in zip(batch_lengths, batch_lengths[1:]))


def test_every_example_once_in_homogeneous_batches_the_short_one_last():
    sampler = ShuffledGroupsSampler(LENGTHS, batch_size=16, seed=42)
    order = list(sampler)
    assert sorted(order) == list(range(len(LENGTHS)))
    batches = batches_of(order, 16)
    assert all(len(b) == 16 for b in batches[:-1]) and len(batches[-1]) == 803 % 16
    # grouped: within a batch the lengths differ little (random batches differ by ~80)
    spreads = [max(LENGTHS[i] for i in b) - min(LENGTHS[i] for i in b) for b in batches]
    assert np.mean(spreads) < 10


def test_the_batches_are_shuffled_not_swept_from_long_to_short():
    batch_max = [
        max(LENGTHS[i] for i in b)
        for b in batches_of(list(ShuffledGroupsSampler(LENGTHS, 16, seed=42)), 16)
    ]
    # a shuffled order goes down about half the time; the Trainer's own sweeps almost always
    assert descending_runs(batch_max) < 0.7 * (len(batch_max) - 1)


def test_the_trainers_own_grouping_sweeps_from_long_to_short(tmp_path):
    """What GroupedBatchTrainer changes: transformers sorts each window longest first."""
    import torch

    dataset = Dataset.from_dict({"input_ids": [[1] * n for n in LENGTHS]})
    args = TrainingArguments(
        str(tmp_path), per_device_train_batch_size=16, train_sampling_strategy="group_by_length"
    )
    torch.manual_seed(0)
    order = list(Trainer(args=args, model=torch.nn.Linear(1, 1))._get_train_sampler(dataset))
    batch_max = [max(LENGTHS[i] for i in b) for b in batches_of(order, 16)]
    assert descending_runs(batch_max) > 0.9 * (len(batch_max) - 1)
    ours = GroupedBatchTrainer(args=args, model=torch.nn.Linear(1, 1))._get_train_sampler(dataset)
    assert isinstance(ours, ShuffledGroupsSampler)
    mine = [max(LENGTHS[i] for i in b) for b in batches_of(list(ours), 16)]
    assert descending_runs(mine) < 0.7 * (len(mine) - 1)


def test_each_epoch_has_its_own_order_and_the_same_epoch_the_same():
    sampler = ShuffledGroupsSampler(LENGTHS, 16, seed=1)
    sampler.set_epoch(0)
    first = list(sampler)
    sampler.set_epoch(1)
    second = list(sampler)
    sampler.set_epoch(0)
    assert list(sampler) == first != second
    # without set_epoch, each pass is the next epoch
    counting = ShuffledGroupsSampler(LENGTHS, 16, seed=1)
    assert list(counting) == first and list(counting) == second


@pytest.mark.parametrize("strategy", ["random", "sequential"])
def test_other_strategies_are_the_trainers_own(tmp_path, strategy):
    import torch

    dataset = Dataset.from_dict({"input_ids": [[1] * n for n in LENGTHS[:40]]})
    args = TrainingArguments(str(tmp_path), train_sampling_strategy=strategy)
    sampler = GroupedBatchTrainer(args=args, model=torch.nn.Linear(1, 1))._get_train_sampler(
        dataset
    )
    assert not isinstance(sampler, ShuffledGroupsSampler)
