"""How close a training run comes to this machine's limit: matmul peak, FLOPs per sample, share.

The training of a BERT-family model is almost all matrix products, so the most a run can
reach is the machine's matmul rate in its precision. ``matmul_peak`` measures that rate for
bf16 and fp32 on the shapes of the model's own products (a batch of tokens times each weight
matrix) and on a 2048 x 2048 square; ``training_flops_per_sample`` counts the products of one
training step by hand; a run's FLOP rate is its samples per second times that count, and its
share of the peak says how much of the step is not matmul (or is matmul run badly).

Used in: benchmarks/bench_train.py (the peak, each run's share, the bound on the ratio).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelShape:
    """What the FLOP count needs of a BERT-family encoder (from its config)."""

    layers: int
    hidden: int
    intermediate: int

    @classmethod
    def from_config(cls, config) -> ModelShape:
        return cls(config.num_hidden_layers, config.hidden_size, config.intermediate_size)


def training_flops_per_sample(shape: ModelShape, tokens: float, num_labels: int = 2) -> float:
    """FLOPs of one training example: forward and backward through every matrix product.

    Per token and layer the forward pass multiplies by the four attention projections
    (4 h^2 weights), the two feed-forward matrices (2 h i), and forms the attention scores and
    their weighted sum (2 t h multiply-adds against the other t tokens); each multiply-add is
    2 FLOPs, and the backward pass costs twice the forward (gradients for the inputs and for
    the weights). The head is small but counted; embeddings are lookups, not products.

    Args:
        shape: the encoder's layers, hidden size and feed-forward size.
        tokens: the example's tokens (unpadded: padding is waste, not work).
        num_labels: the head's outputs.

    Returns:
        FLOPs per training example.

    >>> minilm = ModelShape(layers=6, hidden=384, intermediate=1536)
    >>> round(training_flops_per_sample(minilm, 53.2) / 1e9, 2)  # MiniLM, a mean MRPC pair
    3.47
    """
    weights = shape.layers * (4 * shape.hidden**2 + 2 * shape.hidden * shape.intermediate)
    attention = shape.layers * 2 * tokens * shape.hidden
    forward = 2 * tokens * (weights + attention) + 2 * tokens * shape.hidden * num_labels
    return 3 * forward


def model_matmul_shapes(shape: ModelShape, tokens_per_batch: int) -> list[tuple[int, int, int]]:
    """The (m, k, n) products of one layer's forward pass for a batch of tokens.

    >>> model_matmul_shapes(ModelShape(6, 384, 1536), 848)
    [(848, 384, 384), (848, 384, 1536), (848, 1536, 384)]
    """
    m, h, i = tokens_per_batch, shape.hidden, shape.intermediate
    return [(m, h, h), (m, h, i), (m, i, h)]


def matmul_rate(m: int, k: int, n: int, dtype, min_seconds: float = 0.5) -> float:
    """GFLOP/s of ``(m x k) @ (k x n)`` in ``dtype`` on this machine's torch threads.

    Warms up once (kernel selection), then repeats the product for at least ``min_seconds``.
    """
    import torch

    a = torch.randn(m, k).to(dtype)
    b = torch.randn(k, n).to(dtype)
    torch.matmul(a, b)
    repeats, start = 0, time.perf_counter()
    while True:
        torch.matmul(a, b)
        repeats += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return 2 * m * k * n * repeats / elapsed / 1e9


def matmul_peak(shape: ModelShape, tokens_per_batch: int, min_seconds: float = 0.5) -> dict:
    """This machine's bf16 and fp32 matmul rates, side by side, in GFLOP/s.

    Returns:
        ``{"bf16": {"model": ..., "square": ...}, "no": {...}}``: ``model`` is the
        FLOP-weighted rate over the model's own products (what a training step can reach),
        ``square`` the rate of a 2048 x 2048 product (the machine's best case).
    """
    import torch

    rates = {}
    shapes = model_matmul_shapes(shape, tokens_per_batch)
    for precision, dtype in (("bf16", torch.bfloat16), ("no", torch.float32)):
        flops = [2 * m * k * n for m, k, n in shapes]
        seconds = [
            f / (matmul_rate(m, k, n, dtype, min_seconds) * 1e9)
            for f, (m, k, n) in zip(flops, shapes)
        ]
        rates[precision] = {
            "model": sum(flops) / sum(seconds) / 1e9,
            "square": matmul_rate(2048, 2048, 2048, dtype, min_seconds),
        }
    return rates


def ratio_bound(peaks: dict, course_epochs: float, kit_epochs: float, padding: dict) -> float:
    """The most the kit's recipe can save over the course's: precision, epochs, padding.

    A run cannot go faster than its precision's matmul peak, so the kit's bf16 run can beat
    the course's fp32 run by at most the bf16/fp32 peak ratio, times the epochs it does not
    run, times the padded tokens it does not compute.

    Args:
        peaks: ``matmul_peak``'s result.
        course_epochs, kit_epochs: the epochs each recipe trains.
        padding: the share of padded tokens in each recipe's batches, ``{"course": 0.34,
            "kit": 0.02}``.

    >>> peaks = {"bf16": {"model": 354.0}, "no": {"model": 139.0}}
    >>> round(ratio_bound(peaks, 3, 2, {"course": 0.34, "kit": 0.02}), 1)
    5.7
    """
    precision = peaks["bf16"]["model"] / peaks["no"]["model"]
    padded = (1 - padding["kit"]) / (1 - padding["course"])
    return precision * (course_epochs / kit_epochs) * padded


def token_lengths(task: str, checkpoint: str, data_dir: str | None) -> list[int]:
    """The tokenized length of every training example (what a step computes, unpadded)."""
    from transformers import AutoTokenizer

    from helpers.data import load_conll2003, load_mrpc

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    if task == "mrpc":
        train = (load_mrpc(data_dir) if data_dir else load_mrpc())["train"]
        ids = tokenizer(list(train["sentence1"]), list(train["sentence2"]), truncation=True)
    else:
        train = (load_conll2003(data_dir) if data_dir else load_conll2003())["train"]
        ids = tokenizer(list(train["tokens"]), is_split_into_words=True, truncation=True)
    return [len(x) for x in ids["input_ids"]]


def limits(task: str, checkpoint: str, data_dir: str | None, min_seconds: float) -> dict:
    """This machine's matmul peaks, the FLOPs of a training example, and the padding shares."""
    from transformers import AutoConfig

    shape = ModelShape.from_config(AutoConfig.from_pretrained(checkpoint))
    lengths = token_lengths(task, checkpoint, data_dir)
    tokens = statistics.fmean(lengths)
    num_labels = 2 if task == "mrpc" else 9
    return {
        "tokens_per_sample": tokens,
        "flops_per_sample": training_flops_per_sample(shape, tokens, num_labels),
        "peaks": matmul_peak(shape, round(16 * tokens), min_seconds),
        # the course: random batches of 8; the kit: length-grouped batches of 16
        "padding": {
            "course": padding_share(lengths, 8, grouped=False),
            "kit": padding_share(lengths, 16, grouped=True),
        },
    }


def limit_rows(runs: list[dict], limit: dict) -> list[str]:
    """Per run: its training FLOP rate and its share of its precision's matmul peak."""
    peaks = limit["peaks"]
    lines = [
        f"matmul peak here (GFLOP/s, torch threads as the runs): bf16 {peaks['bf16']['model']:.0f} "
        f"on the model's shapes, {peaks['bf16']['square']:.0f} at 2048^2; fp32 "
        f"{peaks['no']['model']:.0f} and {peaks['no']['square']:.0f}; bf16/fp32 "
        f"{peaks['bf16']['model'] / peaks['no']['model']:.2f}x on the model's shapes",
        f"training FLOPs per example: {limit['flops_per_sample'] / 1e9:.2f} GFLOP "
        f"({limit['tokens_per_sample']:.1f} tokens, unpadded); padding: course "
        f"{limit['padding']['course']:.0%}, kit {limit['padding']['kit']:.0%}",
    ]
    for run in runs:
        precision = "bf16" if run["mixed_precision"] == "bf16" else "no"
        rate = run["train_samples_per_second"] * limit["flops_per_sample"] / 1e9
        share = rate / peaks[precision]["model"]
        flag = "" if share >= 0.5 else "  <- below 50%: profile what is not matmul"
        lines.append(
            f"{run['name']} {run['mixed_precision']} seed {run['seed']}: {rate:.0f} GFLOP/s, "
            f"{share:.0%} of the {'bf16' if precision == 'bf16' else 'fp32'} peak{flag}"
        )
    return lines


def bound_rows(task: str, runs: list[dict], limit: dict, course_epochs: float) -> list[str]:
    """The kit/course time ratio measured, beside the bound this machine's peaks put on it."""
    course = [r for r in runs if r["name"] == "course"]
    lines = []
    for run in runs:
        if run["name"] == "course" or not course:
            continue
        measured = course[0]["train_seconds"] / run["train_seconds"]
        peaks = limit["peaks"]
        if run["mixed_precision"] != "bf16":
            peaks = {"bf16": peaks["no"], "no": peaks["no"]}  # fp32 against fp32
        bound = ratio_bound(peaks, course_epochs, run["recipe"]["epochs"], limit["padding"])
        lines.append(
            f"{run['name']} {run['mixed_precision']} seed {run['seed']}: the course's run took "
            f"{measured:.1f}x as long; bound on this machine {bound:.1f}x (peak ratio x "
            "epochs x padding)"
        )
    return lines


__all__ = [
    "ModelShape",
    "bound_rows",
    "limit_rows",
    "limits",
    "matmul_peak",
    "model_matmul_shapes",
    "padding_share",
    "ratio_bound",
    "token_lengths",
    "training_flops_per_sample",
]


def padding_share(lengths: list[int], batch_size: int, grouped: bool, seed: int = 42) -> float:
    """The share of a recipe's batch tokens that are padding, for examples of ``lengths``.

    Random batches (the course) or length-grouped ones (the kit: as transformers'
    ``LengthGroupedSampler``, megabatches of 50 batches sorted by length), each padded to its
    longest example.

    >>> padding_share([10, 10, 20, 20], 2, grouped=True)
    0.0
    >>> padding_share([10, 20], 2, grouped=False)
    0.25
    """
    import random

    order = list(range(len(lengths)))
    random.Random(seed).shuffle(order)
    if grouped:
        mega = 50 * batch_size
        order = [
            i
            for start in range(0, len(order), mega)
            for i in sorted(order[start : start + mega], key=lambda j: -lengths[j])
        ]
    padded = real = 0
    for start in range(0, len(order), batch_size):
        chunk = [lengths[i] for i in order[start : start + batch_size]]
        padded += max(chunk) * len(chunk)
        real += sum(chunk)
    return 1 - real / padded if padded else 0.0
