"""A full training loop with Accelerate (chapter 3 of the course, section 4).

``training_function`` keeps the course's name: notebook 03 shows its source and launches it
on several processes with ``notebook_launcher``. It creates the ``Accelerator`` inside itself,
as every function handed to a launcher must, so that each process builds its own.
"""

from __future__ import annotations

import json
import math
import os
import socket
from pathlib import Path

import helpers
from helpers.data import load_mrpc
from helpers.metrics import metric_source
from helpers.mrpc import tokenize_function


def training_function(
    checkpoint: str,
    raw_datasets=None,
    num_epochs: int = 3,
    lr: float = 5e-5,
    batch_size: int = 8,
    seed: int = 42,
    mixed_precision: str = "no",
    metrics_path: str | os.PathLike[str] | None = None,
) -> dict:
    """Fine-tune ``checkpoint`` on MRPC with Accelerate, then evaluate it on every process.

    The same code runs on one CPU, one GPU, several GPUs or a TPU: ``Accelerator`` reads how
    it was launched, ``prepare`` shards the data and wraps the model, and
    ``gather_for_metrics`` collects the predictions of all processes without the samples
    repeated to even out the last batch.

    Args:
        checkpoint: a Hub id or a local model folder (``helpers.model_checkpoint``).
        raw_datasets: MRPC as ``helpers.load_mrpc`` returns it (train and validation
            splits), or a source for ``load_mrpc`` (a Hub id or a folder); None loads the
            active profile's data.
        num_epochs: passes over the train split; 0 only evaluates the model.
        lr: AdamW's learning rate (peak of the linear decay).
        batch_size: examples per batch and per process.
        seed: seeds the model's new classification head and the shuffling.
        mixed_precision: ``"no"``, ``"bf16"`` or ``"fp16"``.
        metrics_path: where the main process writes the returned metrics as JSON (a launcher
            returns nothing, so this is how the notebook reads the result).

    Returns:
        ``accuracy`` and ``f1`` on the validation split, ``eval_samples`` (examples
        counted once each), ``num_processes`` (on a TPU: the cores the launcher found),
        ``distributed_type`` (``"NO"``, ``"MULTI_CPU"``, ``"MULTI_GPU"``, ``"XLA"``...) and
        ``train_losses`` (the main process's loss at each step).

    Used in: 03_training_loop (the notebook's cell is this function's twin, launched on 2
    processes).
    """
    import evaluate
    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed
    from tqdm.auto import tqdm
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        get_scheduler,
    )

    # several processes on a machine without a GPU form a (gloo) group only when told so
    cpu = not torch.cuda.is_available() and int(os.environ.get("WORLD_SIZE", "1")) > 1
    if cpu:
        # one thread each: the processes share the cores, and a process forked from a kernel
        # that ran multi-threaded (OpenMP) ops hangs in its first such op; OMP_NUM_THREADS
        # also stops the Accelerator from choosing another number (cores / local processes)
        os.environ["OMP_NUM_THREADS"] = "1"
        torch.set_num_threads(1)
    # a process that cannot meet the others stops with an error naming the step, never hangs
    with helpers.StartupWatchdog():
        accelerator = Accelerator(
            cpu=cpu,
            mixed_precision=mixed_precision,
            kwargs_handlers=helpers.process_group_kwargs(),
        )
        accelerator.wait_for_everyone()
    set_seed(seed)
    if raw_datasets is None or isinstance(raw_datasets, str):
        raw_datasets = load_mrpc(raw_datasets)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    # the main process tokenizes first and caches; the others then read its cache
    with accelerator.main_process_first():
        tokenized_datasets = raw_datasets.map(
            tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer}
        )
    tokenized_datasets = tokenized_datasets.remove_columns(["sentence1", "sentence2", "idx"])
    tokenized_datasets = tokenized_datasets.rename_column("label", "labels")
    tokenized_datasets.set_format("torch")
    # on a TPU (XLA) every new batch shape compiles a new graph: pad to a few fixed lengths
    pad_to = 32 if accelerator.distributed_type == "XLA" else None
    data_collator = DataCollatorWithPadding(tokenizer=tokenizer, pad_to_multiple_of=pad_to)
    train_dataloader = torch.utils.data.DataLoader(
        tokenized_datasets["train"], shuffle=True, batch_size=batch_size, collate_fn=data_collator
    )
    # no gradients to keep during evaluation: twice the batch fits in the same memory
    eval_dataloader = torch.utils.data.DataLoader(
        tokenized_datasets["validation"], batch_size=2 * batch_size, collate_fn=data_collator
    )

    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    train_dataloader, eval_dataloader, model, optimizer = accelerator.prepare(
        train_dataloader, eval_dataloader, model, optimizer
    )
    # after prepare: each process now sees len(train_dataloader) batches per epoch
    num_training_steps = num_epochs * len(train_dataloader)
    lr_scheduler = get_scheduler(
        "linear", optimizer=optimizer, num_warmup_steps=0, num_training_steps=num_training_steps
    )

    progress_bar = tqdm(range(num_training_steps), disable=not accelerator.is_local_main_process)
    train_losses = []
    model.train()
    for epoch in range(num_epochs):
        progress_bar.set_description(f"epoch {epoch + 1}")
        for batch in train_dataloader:
            outputs = model(**batch)
            loss = outputs.loss
            accelerator.backward(loss)
            optimizer.step()
            lr_scheduler.step()
            optimizer.zero_grad()
            progress_bar.update(1)
            train_losses.append(loss.item())
    progress_bar.close()

    metric = evaluate.load(metric_source("glue"), "mrpc")  # the Hub's module, or the kit's
    eval_samples = 0
    model.eval()
    for batch in eval_dataloader:
        # no_grad, not inference_mode: XLA (TPUs) cannot run inference tensors
        with torch.no_grad():
            outputs = model(**batch)
        predictions = outputs.logits.argmax(dim=-1)
        # all processes' predictions, without the samples repeated to fill the last batch
        predictions, references = accelerator.gather_for_metrics((predictions, batch["labels"]))
        metric.add_batch(predictions=predictions, references=references)
        eval_samples += len(references)

    results = {
        **metric.compute(),
        "eval_samples": eval_samples,
        "num_processes": accelerator.num_processes,
        "distributed_type": accelerator.distributed_type.value,
        "train_losses": train_losses,
    }
    if metrics_path is not None and accelerator.is_main_process:
        Path(metrics_path).write_text(json.dumps(results, indent=2))
    accelerator.end_training()
    return results


def plain_gather_count(num_examples: int, batch_size: int, num_processes: int) -> int:
    """How many predictions plain ``accelerator.gather`` returns over a prepared eval loader.

    ``prepare`` gives every process the same number of full batches (``even_batches``, the
    default), filling the missing places with examples from the start of the data set, so
    that no process waits forever for the others in a collective call. ``gather`` returns
    those fillers too; ``gather_for_metrics`` drops them and returns ``num_examples``.

    >>> plain_gather_count(96, 32, num_processes=2)  # 3 batches: the second process repeats one
    128
    >>> plain_gather_count(96, 16, num_processes=2)  # 6 full batches: nothing repeated
    96
    >>> plain_gather_count(41, 8, num_processes=1)
    41

    Used in: 03_training_loop (why ``gather_for_metrics``), tests.
    """
    if num_processes == 1:
        return num_examples
    batches = math.ceil(num_examples / batch_size)
    return math.ceil(batches / num_processes) * num_processes * batch_size


def reset_accelerate_state() -> None:
    """Forget the ``Accelerator`` settings this process holds, so a launcher can start others.

    Accelerate keeps one state per process (``PartialState``, ``AcceleratorState``,
    ``GradientState``), created by the first ``Accelerator()`` and shared by all later
    ones. ``notebook_launcher`` refuses to start several processes once it exists, and a
    forked process would inherit it and take itself for a lone process. Accelerate has no
    public call for this; these are the resets its own tests use. Also makes this process
    safe to fork (``helpers.make_fork_safe``).

    Raises:
        RuntimeError: when this process is part of a distributed run (a process group is
            initialised): its state describes the other processes and must stay.

    Used in: 03_training_loop (before ``notebook_launcher``), tests.
    """
    import torch.distributed
    from accelerate.state import AcceleratorState, GradientState

    if torch.distributed.is_available() and torch.distributed.is_initialized():
        raise RuntimeError(
            "this process belongs to a distributed run (a torch.distributed process group is "
            "initialised), so its Accelerate state cannot be reset. Fix: call "
            "reset_accelerate_state() only in a single process, such as a notebook's kernel."
        )
    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()
    # the launcher forks this process next: give the children fresh output locks
    helpers.make_fork_safe()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that no one listens on now, for the processes to meet on.

    ``notebook_launcher`` and ``accelerate launch`` default to port 29500; two launches at
    once on one machine (two notebooks, tests in parallel) would collide there.

    >>> 1024 <= free_port() <= 65535
    True

    Used in: 03_training_loop, tests.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


__all__ = ["free_port", "plain_gather_count", "reset_accelerate_state", "training_function"]
