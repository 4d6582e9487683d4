"""Checkpoints of the script: timing, atomic saves, and runs killed by SIGKILL that resume exactly."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.checkpoints import SavePolicy, complete_checkpoints, find_checkpoint
from helpers.train import run

ROOT = Path(__file__).resolve().parent.parent
# 96 pairs in batches of 16: 6 steps an epoch, 12 in all; a checkpoint every 2 steps
FAST = ["mrpc", "--epochs", "2", "--max-train-samples", "96", "--max-eval-samples", "48"]
FAST += ["--save-steps", "2", "--save-total-limit", "3", "--no-save-model"]


def train_in_process(output_dir: Path, *extra: str, fault: str | None = None):
    """Run the script in its own process (as a learner's run is), one thread, optionally killed."""
    env = {
        **os.environ,
        "COURSE_PROFILE": "embedded",
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }
    env.pop("COURSE_FAULT", None)
    if fault:
        env["COURSE_FAULT"] = fault
    command = [
        sys.executable,
        "-m",
        "helpers.train",
        *FAST,
        "--output-dir",
        str(output_dir),
        *extra,
    ]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def result_of(output_dir: Path) -> dict:
    return json.loads((output_dir / "metrics.json").read_text())


def evaluation(result: dict) -> dict:
    return {k: v for k, v in result.items() if k.startswith("eval_")}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict:
    output_dir = tmp_path_factory.mktemp("whole")
    done = train_in_process(output_dir)
    assert done.returncode == 0, done.stderr[-3000:]
    return result_of(output_dir)


def test_killed_mid_epoch_resumes_to_the_same_metrics(uninterrupted, tmp_path):
    killed = train_in_process(tmp_path, fault="step:5")  # SIGKILL after step 5 of 6
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "metrics.json").exists()
    assert [p.name for p in complete_checkpoints(tmp_path)] == ["step_2", "step_4"]
    resumed = train_in_process(tmp_path, "--resume", "latest")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resumed from" in resumed.stdout and "step 4, epoch 0" in resumed.stdout
    result = result_of(tmp_path)
    assert evaluation(result) == evaluation(uninterrupted)
    assert result["step"] == uninterrupted["step"] == 12
    whole_losses = [h["train_loss"] for h in uninterrupted["history"]]
    assert [h["train_loss"] for h in result["history"]] == pytest.approx(whole_losses, rel=1e-6)


def test_killed_during_a_save_leaves_the_previous_checkpoint_latest(uninterrupted, tmp_path):
    killed = train_in_process(tmp_path, fault="save:8")  # in the middle of writing step 8
    assert killed.returncode == -signal.SIGKILL
    staging = tmp_path / "checkpoints" / ".staging-step_8"
    assert staging.is_dir() and not (staging / "trainer_state.json").exists()  # half-written
    assert find_checkpoint("latest", tmp_path).name == "step_6"  # epoch 1 ended at step 6
    resumed = train_in_process(tmp_path, "--resume", "latest")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert evaluation(result_of(tmp_path)) == evaluation(uninterrupted)
    assert not staging.exists()  # cleaned by the next save


def test_save_minutes_and_the_total_limit(tmp_path):
    small = ["mrpc", "--epochs", "1", "--max-train-samples", "64", "--max-eval-samples", "16"]
    run(
        [*small, "--save-minutes", "1e-9", "--save-total-limit", "2", "--output-dir", str(tmp_path)]
    )
    # every step was due (4 in all); the newest two are kept, each complete
    assert [p.name for p in complete_checkpoints(tmp_path)] == ["step_3", "step_4"]
    assert not list((tmp_path / "checkpoints").glob(".staging-*"))


def test_latest_ignores_half_written_folders(tmp_path):
    for name, state in [("step_3", True), ("step_10", False), (".staging-step_12", True)]:
        folder = tmp_path / "checkpoints" / name
        folder.mkdir(parents=True)
        if state:
            (folder / "trainer_state.json").write_text("{}")
    assert find_checkpoint("latest", tmp_path).name == "step_3"
    with pytest.raises(FileNotFoundError, match="no checkpoint there"):
        find_checkpoint(str(tmp_path / "checkpoints" / "step_10"), tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"steps": 0}, "--save-steps must be 1 or more, got 0"),
        ({"minutes": -1.0}, "--save-minutes must be above 0, got -1.0"),
        ({"keep": 0}, "--save-total-limit must be 1 or more, got 0"),
    ],
)
def test_bad_save_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SavePolicy(**kwargs)
