"""The Trainer path: a run killed by SIGKILL (mid-epoch, during a save) resumes to the same metrics."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from transformers import TrainerControl, TrainerState, TrainingArguments
from transformers.trainer_utils import get_last_checkpoint

from helpers.trainer_resume import SaveEveryMinutes, last_checkpoint

# chapter 2's training cell, small: 96 pairs in batches of 16, 2 epochs (12 steps), a
# checkpoint every 2 steps; "step:N" / "save:N" kill it with SIGKILL after step N / inside
# the save of step N (after the model and optimizer, before trainer_state.json)
TRAINING = textwrap.dedent(
    """
    import json, os, signal, sys
    import torch, transformers
    from transformers import (AutoModelForSequenceClassification, AutoTokenizer,
        DataCollatorWithPadding, Trainer, TrainerCallback, TrainingArguments)
    import helpers
    from helpers.mrpc import compute_metrics

    output_dir, fault = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    transformers.set_seed(42)
    checkpoint = helpers.model_checkpoint(helpers.get_profile("embedded"), "mrpc")
    raw_datasets = helpers.load_mrpc()
    raw_datasets["train"] = raw_datasets["train"].select(range(96))
    raw_datasets["validation"] = raw_datasets["validation"].select(range(48))
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    tokenized_datasets = raw_datasets.map(
        helpers.tokenize_function, batched=True, fn_kwargs={"tokenizer": tokenizer})
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)

    class Fault(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if fault == f"step:{state.global_step}":
                os.kill(os.getpid(), signal.SIGKILL)

    save_rng_state = Trainer._save_rng_state
    def save_rng_state_or_die(self, output_dir):
        if fault == f"save:{self.state.global_step}":
            os.kill(os.getpid(), signal.SIGKILL)
        return save_rng_state(self, output_dir)
    Trainer._save_rng_state = save_rng_state_or_die

    args = TrainingArguments(
        output_dir=output_dir, save_strategy="steps", save_steps=2, save_total_limit=2,
        per_device_train_batch_size=16, num_train_epochs=2, learning_rate=3e-3,
        logging_steps=1, report_to="none", seed=42, use_cpu=True)
    trainer = Trainer(model=model, args=args, train_dataset=tokenized_datasets["train"],
        eval_dataset=tokenized_datasets["validation"],
        data_collator=DataCollatorWithPadding(tokenizer=tokenizer),
        processing_class=tokenizer, compute_metrics=compute_metrics, callbacks=[Fault()])
    trainer.train(resume_from_checkpoint=helpers.last_checkpoint(output_dir))
    metrics = trainer.evaluate()
    print(json.dumps({k: v for k, v in metrics.items() if k in ("eval_loss", "eval_accuracy", "eval_f1")}))
    """
)


def train(output_dir: Path, fault: str = "none") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "COURSE_PROFILE": "embedded",
        "HF_HUB_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }
    command = [sys.executable, "-c", TRAINING, str(output_dir), fault]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def metrics_of(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict:
    return metrics_of(train(tmp_path_factory.mktemp("whole")))


def test_killed_mid_epoch_the_training_cell_resumes_to_the_same_metrics(uninterrupted, tmp_path):
    killed = train(tmp_path, "step:5")
    assert killed.returncode == -signal.SIGKILL
    assert sorted(p.name for p in tmp_path.glob("checkpoint-*")) == ["checkpoint-2", "checkpoint-4"]
    resumed = train(tmp_path)
    assert f"resuming from {tmp_path / 'checkpoint-4'}" in resumed.stdout
    assert metrics_of(resumed) == uninterrupted


def test_killed_during_a_save_the_half_written_checkpoint_is_never_resumed(uninterrupted, tmp_path):
    killed = train(tmp_path, "save:4")
    assert killed.returncode == -signal.SIGKILL
    # what resume_from_checkpoint=True would take: the half-written folder
    assert get_last_checkpoint(str(tmp_path)) == str(tmp_path / "checkpoint-4")
    assert not (tmp_path / "checkpoint-4" / "trainer_state.json").exists()
    resumed = train(tmp_path)
    assert f"resuming from {tmp_path / 'checkpoint-2'}" in resumed.stdout
    assert metrics_of(resumed) == uninterrupted


def test_last_checkpoint_on_a_fresh_folder_starts_afresh(tmp_path):
    assert last_checkpoint(tmp_path / "not-yet") is None
    (tmp_path / "checkpoint-7").mkdir()
    (tmp_path / "checkpoint-7" / "trainer_state.json").write_text("{trunc")  # killed mid-write
    assert last_checkpoint(tmp_path) is None and not (tmp_path / "checkpoint-7").exists()


def test_save_every_minutes_asks_for_a_save_when_due(tmp_path):
    callback = SaveEveryMinutes(1)
    args = TrainingArguments(output_dir=str(tmp_path), report_to="none")
    state, control = TrainerState(), TrainerControl()
    assert not callback.on_step_end(args, state, control).should_save
    callback.last -= 61
    assert callback.on_step_end(args, state, control).should_save
    callback.on_save(args, state, control)
    control.should_save = False
    assert not callback.on_step_end(args, state, control).should_save
    with pytest.raises(ValueError, match="minutes above 0, got 0"):
        SaveEveryMinutes(0)
