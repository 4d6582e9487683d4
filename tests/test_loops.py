"""The Accelerate loop of chapter 3: one process and two, on the tiny model and embedded data."""

import json
import socket
from functools import partial

import pytest
import torch
from accelerate import Accelerator, debug_launcher
from accelerate.state import AcceleratorState, PartialState
from accelerate.utils import patch_environment
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from helpers.data import load_mrpc
from helpers.loops import free_port, plain_gather_count, reset_accelerate_state, training_function


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """The tiny model's ops are too small to share out: threads would only wait for each other."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def _fresh_accelerate_state():
    """Each test starts without an Accelerator, as a fresh process would."""
    reset_accelerate_state()
    yield
    reset_accelerate_state()


def small_mrpc(num_train: int, num_eval: int):
    raw_datasets = load_mrpc()
    raw_datasets["train"] = raw_datasets["train"].select(range(num_train))
    raw_datasets["validation"] = raw_datasets["validation"].select(range(num_eval))
    return raw_datasets


def test_training_function_loss_goes_down(tiny_model, tmp_path):
    # 32 pairs, 15 passes: enough for the tiny model to learn them by heart
    metrics_path = tmp_path / "metrics.json"
    result = training_function(
        tiny_model,
        small_mrpc(32, 24),
        num_epochs=15,
        lr=3e-3,
        batch_size=8,
        metrics_path=metrics_path,
    )
    losses = result["train_losses"]
    steps_per_epoch = 32 // 8
    assert len(losses) == 15 * steps_per_epoch
    first, last = losses[:steps_per_epoch], losses[-steps_per_epoch:]
    assert sum(last) / len(last) < 0.5 * sum(first) / len(first)
    assert result["num_processes"] == 1 and result["eval_samples"] == 24
    assert 0.0 <= result["accuracy"] <= 1.0 and 0.0 <= result["f1"] <= 1.0
    assert json.loads(metrics_path.read_text()) == result


@pytest.fixture(scope="module")
def classifier_checkpoint(tmp_path_factory, tiny_model) -> str:
    """The tiny model with a classification head large enough to give mixed predictions."""
    folder = tmp_path_factory.mktemp("classifier")
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(tiny_model, num_labels=2)
    with torch.no_grad():
        model.classifier.weight.normal_(0.0, 1.0)
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_model).save_pretrained(folder)
    return str(folder)


def test_evaluation_on_two_processes_matches_one_process(classifier_checkpoint, tmp_path):
    # 41 examples in eval batches of 8: the last batch is short, so two processes get
    # repeated examples to even out, which gather_for_metrics must drop
    raw_datasets = small_mrpc(16, 41)
    evaluate_only = partial(
        training_function,
        classifier_checkpoint,
        raw_datasets,
        num_epochs=0,
        batch_size=4,
    )
    # on the CPU, as debug_launcher's processes are, even on a machine with a GPU
    with patch_environment(accelerate_use_cpu="yes"):
        one = evaluate_only(metrics_path=tmp_path / "one.json")
    reset_accelerate_state()
    debug_launcher(partial(evaluate_only, metrics_path=tmp_path / "two.json"), num_processes=2)
    two = json.loads((tmp_path / "two.json").read_text())
    assert (one["num_processes"], two["num_processes"]) == (1, 2)
    assert two["eval_samples"] == one["eval_samples"] == 41
    assert plain_gather_count(41, 8, num_processes=2) == 48  # what plain gather would count
    assert two["accuracy"] == pytest.approx(one["accuracy"])
    assert two["f1"] == pytest.approx(one["f1"])
    assert 0.0 < one["accuracy"] < 1.0  # mixed predictions: a real comparison


CASES = [(41, 8), (96, 32), (96, 16), (36, 8), (3, 8)]


def _count_gathered(path: str) -> None:
    accelerator = Accelerator(cpu=True)
    counts = []
    for num_examples, batch_size in CASES:
        loader = torch.utils.data.DataLoader(torch.arange(num_examples), batch_size=batch_size)
        loader = accelerator.prepare(loader)
        plain = for_metrics = 0
        for batch in loader:
            plain += len(accelerator.gather(batch))
            for_metrics += len(accelerator.gather_for_metrics(batch))
        counts.append([plain, for_metrics])
    if accelerator.is_main_process:
        with open(path, "w") as f:
            json.dump(counts, f)


def test_plain_gather_count_matches_accelerate(tmp_path):
    path = tmp_path / "counts.json"
    debug_launcher(partial(_count_gathered, str(path)), num_processes=2)
    counts = json.loads(path.read_text())
    for (num_examples, batch_size), (plain, for_metrics) in zip(CASES, counts):
        assert plain == plain_gather_count(num_examples, batch_size, num_processes=2)
        assert for_metrics == num_examples


def test_reset_lets_a_launcher_start_again():
    Accelerator()
    # what notebook_launcher checks before starting several processes
    assert len(AcceleratorState._shared_state) > 0
    reset_accelerate_state()
    assert AcceleratorState._shared_state == {} and PartialState._shared_state == {}


def test_reset_refuses_inside_a_distributed_run(tmp_path):
    store = torch.distributed.FileStore(str(tmp_path / "store"), 1)
    torch.distributed.init_process_group("gloo", store=store, rank=0, world_size=1)
    try:
        with pytest.raises(RuntimeError, match="belongs to a distributed run"):
            reset_accelerate_state()
    finally:
        torch.distributed.destroy_process_group()


def test_free_port_can_be_bound():
    port = free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))
