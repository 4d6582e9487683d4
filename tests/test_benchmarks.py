"""The benchmark runs end to end (on toy data: a check of the script, not a measurement)."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_benchmark():
    spec = importlib.util.spec_from_file_location(
        "bench_train", ROOT / "benchmarks" / "bench_train.py"
    )
    module = importlib.util.module_from_spec(spec)
    # registered under its name, as an import would: doctest finds a function's examples only
    # in the module that sys.modules names for it (bench_paths imports bench_train too)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_time_to_target():
    bench = load_benchmark()
    history = [{"train_seconds": 10, "eval_f1": 0.8}, {"train_seconds": 20, "eval_f1": 0.9}]
    assert bench.time_to(history, {"f1": 0.85}) == 20
    assert bench.time_to(history, {"f1": 0.95}) is None


def test_run_key_changes_with_every_setting():
    bench = load_benchmark()
    spec = {"task": "mrpc", "recipe_name": "kit", "precision": "no", "seed": 1, "options": []}
    keys = {bench.run_key(spec)}
    for change in ({"seed": 2}, {"precision": "bf16"}, {"options": ["--lr", "1e-4"]}):
        keys.add(bench.run_key({**spec, **change}))
    assert len(keys) == 4
    assert bench.run_key(dict(reversed(spec.items()))) == bench.run_key(spec)


def test_summary_counts_the_seeds_that_reach_the_reference():
    bench = load_benchmark()
    runs = [
        {
            "name": "kit",
            "mixed_precision": "no",
            "seed": seed,
            "history": [{"epoch": 1, "train_seconds": 5.0, "eval_f1": f1}],
            "train_seconds": 5.0,
            "train_samples_per_second": 10.0,
            "load_mean": 1.0,
            "cpu_share": 0.9,
        }
        for seed, f1 in ((1, 0.88), (2, 0.86))  # the second misses NER's 0.873
    ]
    (summary,) = bench.summary_rows("ner", runs)
    assert "reached the reference scores on 1/2 seeds" in summary
    assert "f1 0.870 ± 0.014" in summary and "min f1 0.8600" in summary
    table = "\n".join(bench.table_rows("ner", runs))
    assert table.count(" yes ") == 1 and table.count(" NO ") == 1


def test_bf16_without_fast_bf16_is_skipped_with_the_reason(monkeypatch):
    import helpers.train

    bench = load_benchmark()
    monkeypatch.setattr(helpers.train, "fast_bf16_available", lambda: False)
    assert "no fast bf16" in bench.precision_skip_reason("bf16", allow_slow_bf16=False)
    assert bench.precision_skip_reason("bf16", allow_slow_bf16=True) is None
    assert bench.precision_skip_reason("no", allow_slow_bf16=False) is None
    monkeypatch.setattr(helpers.train, "fast_bf16_available", lambda: True)
    assert bench.precision_skip_reason("bf16", allow_slow_bf16=False) is None


@pytest.mark.slow
@pytest.mark.parametrize("task", ["mrpc", "ner"])
def test_benchmark_runs_seeds_and_precisions_side_by_side(task, tmp_path, capsys):
    bench = load_benchmark()
    out = tmp_path / "results.json"
    argv = [task, "--profile", "embedded", "--course-epochs", "1", "--max-train-samples", "32"]
    argv += ["--seeds", "1", "2", "--precisions", "no", "bf16", "--allow-slow-bf16"]
    argv += ["--results-dir", str(tmp_path / "runs"), "--epochs", "1", "--peak-seconds", "0.02"]
    assert bench.main([*argv, "--json", str(out), "--variant", "--lr 1e-3"]) == 0
    printed = capsys.readouterr().out
    # the limit: both peaks measured in this run, each run's share, the bound beside the ratio
    assert "matmul peak here" in printed and "bf16/fp32" in printed
    assert printed.count("of the bf16 peak") == 4 and printed.count("of the fp32 peak") == 5
    assert printed.count("bound on this machine") == 8
    runs = json.loads(out.read_text())
    # the course once (first seed); the kit and its variant for each precision and seed
    assert [(r["name"], r["seed"]) for r in runs if r["name"] == "course"] == [("course", 1)]
    kit_runs = {(r["name"], r["mixed_precision"], r["seed"]) for r in runs if r["name"] != "course"}
    assert kit_runs == {
        (name, precision, seed)
        for name in ("kit", "kit[--lr 1e-3]")
        for precision in ("no", "bf16")
        for seed in (1, 2)
    }
    assert printed.count("2 seed(s)") == 4 and "reached the reference scores on" in printed
    assert all(0 < r["cpu_share"] <= 1.5 and r["load_mean"] >= 0 for r in runs)

    # run again: every run comes from the stored results, none trains again
    assert bench.main(argv) == 0
    printed = capsys.readouterr().out
    assert "[run]" not in printed and printed.count("[cached]") == 1 + 2 * 2


def test_doctests_of_the_benchmark():
    import doctest

    bench = load_benchmark()
    failed, attempted = doctest.testmod(bench)
    assert attempted > 0 and failed == 0


def limit(bf16_peak=300.0, fp32_peak=120.0):
    return {
        "tokens_per_sample": 53.2,
        "flops_per_sample": 3.47e9,
        "peaks": {
            "bf16": {"model": bf16_peak, "square": 350.0},
            "no": {"model": fp32_peak, "square": 140.0},
        },
        "padding": {"course": 0.34, "kit": 0.02},
    }


def run(name, precision, samples_per_second, seconds, epochs=2):
    return {
        "name": name,
        "mixed_precision": precision,
        "seed": 42,
        "train_samples_per_second": samples_per_second,
        "train_seconds": seconds,
        "recipe": {"epochs": epochs},
    }


def test_each_run_gets_its_share_of_its_precisions_peak_and_a_low_share_is_flagged():
    bench = load_benchmark()
    runs = [run("course", "no", 30.0, 500.0, 3), run("kit", "bf16", 60.0, 100.0)]
    lines = bench.limit_rows(runs, limit())
    # 30 x 3.47 = 104 GFLOP/s of fp32's 120; 60 x 3.47 = 208 of bf16's 300
    assert "course no seed 42: 104 GFLOP/s, 87% of the fp32 peak" in lines[2]
    assert "kit bf16 seed 42: 208 GFLOP/s, 69% of the bf16 peak" in lines[3]
    assert not any("below 50%" in line for line in lines)
    # the same kit speed against a peak 2.5x higher: 28%, flagged for profiling
    flagged = bench.limit_rows(runs, limit(bf16_peak=750.0))
    assert "28% of the bf16 peak  <- below 50%" in flagged[3]


def test_the_bound_stands_beside_the_measured_ratio():
    bench = load_benchmark()
    runs = [run("course", "no", 30.0, 500.0, 3), run("kit", "bf16", 60.0, 100.0)]
    (line,) = bench.bound_rows("mrpc", runs, limit(), course_epochs=3)
    # measured 500 / 100 = 5.0x; bound (300 / 120) x (3 / 2) x (0.98 / 0.66) = 5.6x
    assert "took 5.0x as long; bound on this machine 5.6x" in line


def test_doctests_of_the_flop_count():
    import doctest

    bench = load_benchmark()
    failed, attempted = doctest.testmod(sys.modules["flops"])
    assert bench and attempted > 0 and failed == 0
