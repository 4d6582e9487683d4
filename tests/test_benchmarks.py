"""The benchmark runs end to end (on toy data: a check of the script, not a measurement)."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_benchmark():
    spec = importlib.util.spec_from_file_location(
        "bench_train", ROOT / "benchmarks" / "bench_train.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_time_to_target():
    bench = load_benchmark()
    history = [{"train_seconds": 10, "eval_f1": 0.8}, {"train_seconds": 20, "eval_f1": 0.9}]
    assert bench.time_to(history, {"f1": 0.85}) == 20
    assert bench.time_to(history, {"f1": 0.95}) is None


@pytest.mark.slow
@pytest.mark.parametrize("task", ["mrpc", "ner"])
def test_benchmark_runs_both_recipes_side_by_side(task, tmp_path, capsys):
    bench = load_benchmark()
    out = tmp_path / "results.json"
    argv = [task, "--profile", "embedded", "--course-epochs", "1", "--max-train-samples", "32"]
    assert bench.main([*argv, "--json", str(out), "--epochs", "1", "--variant", "--lr 1e-3"]) == 0
    printed = capsys.readouterr().out
    assert "course: Trainer, batch 8" in printed and "throughput" in printed
    assert printed.count("time to the course run's final scores") == 2  # the kit and its variant
    assert out.is_file()
