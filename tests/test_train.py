"""The launchable script: resume, processes, bad input. Embedded profile, tiny model, seconds each."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.loops import free_port
from helpers.train import (
    LengthGroupedBatchSampler,
    find_checkpoint,
    model_overrides,
    recipe_for,
    run,
)

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--epochs", "2", "--max-train-samples", "96", "--max-eval-samples", "48"]


def metrics_of(result):
    return {k: v for k, v in result.items() if k.startswith("eval_")}


@pytest.mark.parametrize("task", ["mrpc", "ner"])
def test_loss_goes_down_and_outputs_are_written(task, tmp_path):
    result = run(
        [
            task,
            "--output-dir",
            str(tmp_path),
            "--epochs",
            "4",
            "--max-train-samples",
            "96",
            "--max-eval-samples",
            "48",
        ]
    )
    losses = [h["train_loss"] for h in result["history"]]
    assert losses[-1] < losses[0]
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved["eval_samples"] == 48 and saved["num_processes"] == 1
    for key in ("eval_accuracy", "eval_f1", "train_seconds", "train_samples_per_second"):
        assert key in saved
    if task == "ner":
        assert {"eval_precision", "eval_recall"} <= set(saved)
    assert (tmp_path / "config.json").is_file() and (tmp_path / "tokenizer.json").is_file()
    # 96 examples in batches of 16: 6 steps an epoch; the newest 2 checkpoints are kept
    kept = sorted((p.name for p in (tmp_path / "checkpoints").iterdir()), key=len)
    assert kept == ["step_18", "step_24"]


@pytest.mark.parametrize("task", ["mrpc", "ner"])
def test_a_resumed_run_ends_like_an_uninterrupted_one(task, tmp_path):
    whole = run([task, "--output-dir", str(tmp_path / "whole"), *FAST, "--no-save-model"])
    stopped = run(
        [
            task,
            "--output-dir",
            str(tmp_path / "cut"),
            *FAST,
            "--stop-after-epochs",
            "1",
            "--no-save-model",
        ]
    )
    assert stopped["epoch"] == 1
    resumed = run(
        [
            task,
            "--output-dir",
            str(tmp_path / "cut"),
            *FAST,
            "--resume",
            "latest",
            "--no-save-model",
        ]
    )
    assert resumed["epoch"] == 2
    assert metrics_of(resumed) == metrics_of(whole)
    assert [h["train_loss"] for h in resumed["history"]] == pytest.approx(
        [h["train_loss"] for h in whole["history"]]
    )


def test_resume_without_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint in"):
        find_checkpoint("latest", tmp_path)
    with pytest.raises(FileNotFoundError, match="no checkpoint there"):
        run(["mrpc", "--output-dir", str(tmp_path), "--resume", str(tmp_path)])


def test_model_with_another_number_of_labels_is_refused_before_training(tmp_path):
    run(
        [
            "mrpc",
            "--output-dir",
            str(tmp_path / "mrpc"),
            "--epochs",
            "1",
            "--max-train-samples",
            "16",
            "--max-eval-samples",
            "16",
        ]
    )
    with pytest.raises(ValueError, match=r"has 9 labels but the model .* num_labels=2"):
        run(
            [
                "ner",
                "--model",
                str(tmp_path / "mrpc"),
                "--output-dir",
                str(tmp_path / "ner"),
                "--epochs",
                "1",
            ]
        )


def test_data_folder_missing_a_split(tmp_path):
    folder = tmp_path / "mrpc"
    folder.mkdir()
    (folder / "train.tsv").write_text(
        "\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\ta\tb\n"
    )
    with pytest.raises(FileNotFoundError, match=r"lacks dev.tsv \(validation\)"):
        run(["mrpc", "--data-dir", str(folder), "--output-dir", str(tmp_path / "out")])


def test_labels_out_of_range_are_refused(tmp_path):
    folder = tmp_path / "conll2003"
    folder.mkdir()
    for name in ("train.txt", "valid.txt", "test.txt"):
        (folder / name).write_text("EU NNP B-NP B-ORG\nrejects VBZ B-VP B-FOO\n")
    with pytest.raises(ValueError, match="unknown ner tag 'B-FOO'"):
        run(["ner", "--data-dir", str(folder), "--output-dir", str(tmp_path / "out")])


def test_length_grouped_batches_cover_every_example_once_and_depend_only_on_the_epoch():
    lengths = [5, 50, 7, 48, 6, 49, 8, 51, 9, 47] * 10
    sampler = LengthGroupedBatchSampler(lengths, batch_size=4, seed=1, window=5)
    first = list(sampler)
    assert sorted(i for b in first for i in b) == list(range(100))
    spread = [max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in first]
    assert sum(spread) / len(spread) < 10  # batches hold similar lengths
    sampler.set_epoch(1)
    second = list(sampler)
    sampler.set_epoch(0)
    assert list(sampler) == first and second != first


def test_recipes():
    assert recipe_for("laptop", "ner").mixed_precision == "auto"
    assert recipe_for("full", "mrpc", "course").batch_size == 8
    with pytest.raises(ValueError, match="task must be one of"):
        recipe_for("laptop", "squad")


def test_the_kit_recipe_turns_dropout_off_and_picks_eager_attention_on_cpu(tiny_model):
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    kit = recipe_for("laptop", "mrpc")
    overrides = model_overrides(tiny_model, kit)
    # every dropout the config names, whatever the architecture calls it
    dropouts = [k for k, v in AutoConfig.from_pretrained(tiny_model).to_dict().items()
                if "dropout" in k and isinstance(v, float)]  # fmt: skip
    assert {"hidden_dropout_prob", "attention_probs_dropout_prob"} <= set(dropouts)
    assert all(overrides[k] == 0.0 for k in dropouts)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model, **overrides)
    assert model.config.hidden_dropout_prob == 0.0
    if torch.cuda.is_available():  # a GPU keeps the library's choice (SDPA)
        assert "attn_implementation" not in overrides
    else:
        assert overrides["attn_implementation"] == "eager"
        assert model.config._attn_implementation == "eager"
    # the course recipe keeps the checkpoint's dropout and the library's attention
    assert model_overrides(tiny_model, recipe_for("laptop", "mrpc", "course")) == {}


def test_dropout_out_of_range_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"--dropout must be in \[0, 1\), got 1.5"):
        run(["mrpc", "--dropout", "1.5", "--output-dir", str(tmp_path)])


def launch_two_processes(args, output_dir):
    """`accelerate launch --multi_gpu --num_processes 2` starts two gloo processes on a CPU."""
    command = [
        sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", "2",
        "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
        "--main_process_port", str(free_port()),  # not 29500: another launch may hold it
        "-m", "helpers.train", *args, "--output-dir", str(output_dir),
    ]  # fmt: skip
    env = {
        **os.environ,
        "COURSE_PROFILE": "embedded",
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    saved = json.loads((output_dir / "metrics.json").read_text())
    return saved, done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("task", ["mrpc", "ner"])
def test_two_processes_train_and_evaluate_every_example_once(task, tmp_path):
    args = [task, "--epochs", "1", "--max-train-samples", "64", "--max-eval-samples", "41"]
    saved, printed = launch_two_processes(args, tmp_path)
    assert saved["num_processes"] == 2
    # the new head's load report once, from the main process, not once per process
    assert printed.count("LOAD REPORT") == 1
    assert (
        saved["eval_samples"] == 41
    )  # odd: the duplicates that even out the last batch are dropped


@pytest.mark.slow
@pytest.mark.parametrize("task", ["mrpc", "ner"])
def test_evaluation_under_two_processes_equals_one(task, tmp_path):
    run(
        [
            task,
            "--output-dir",
            str(tmp_path / "model"),
            "--epochs",
            "2",
            "--max-train-samples",
            "96",
        ]
    )
    evaluate = [task, "--eval-only", "--model", str(tmp_path / "model"), "--mixed-precision", "no"]
    evaluate += ["--max-eval-samples", "77"]
    one = run([*evaluate, "--output-dir", str(tmp_path / "one")])
    two, _ = launch_two_processes(evaluate, tmp_path / "two")
    assert (one["num_processes"], two["num_processes"]) == (1, 2)
    assert one["eval_samples"] == two["eval_samples"] == 77
    assert metrics_of(one) == pytest.approx(metrics_of(two))
