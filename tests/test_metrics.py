"""The kit's evaluate modules, loaded as the notebooks load them: evaluate.load(<folder>, config).

Every score is compared with scikit-learn, scipy or seqeval called directly on the same
inputs, for each input kind evaluate accepts; each invalid input gets a ValueError that says
what to pass instead.
"""

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import evaluate
import numpy as np
import pytest
import seqeval.metrics
import seqeval.scheme
import torch
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

import helpers
from helpers.metrics import LOCAL_METRICS, load_metric, local_metric_path, metric_source

ROOT = Path(__file__).resolve().parent.parent


def load(name, config_name=None):
    return evaluate.load(local_metric_path(name), config_name)


# ---------------------------------------------------------------- glue, accuracy, f1

PREDICTIONS = [1, 0, 1, 1, 0, 1, 0, 0]
REFERENCES = [1, 0, 0, 1, 1, 1, 0, 1]
MRPC = {
    "accuracy": float(accuracy_score(REFERENCES, PREDICTIONS)),
    "f1": float(f1_score(REFERENCES, PREDICTIONS)),
}


def _feed_labels(metric, kind):
    p, r = PREDICTIONS, REFERENCES
    if kind == "lists":
        return metric.compute(predictions=p, references=r)
    if kind == "tuples":
        return metric.compute(predictions=tuple(p), references=tuple(r))
    if kind == "numpy_int64":
        return metric.compute(predictions=np.array(p), references=np.array(r))
    if kind == "numpy_int32":
        return metric.compute(predictions=np.array(p, np.int32), references=np.array(r, np.int32))
    if kind == "torch":
        return metric.compute(predictions=torch.tensor(p), references=torch.tensor(r))
    if kind == "add_batch_chunks":  # as an evaluation loop adds them, mixed containers
        metric.add_batch(predictions=torch.tensor(p[:3]), references=torch.tensor(r[:3]))
        metric.add_batch(predictions=np.array(p[3:6]), references=np.array(r[3:6]))
        metric.add_batch(predictions=p[6:], references=r[6:])
        return metric.compute()
    if kind == "add":
        for i, (pred, ref) in enumerate(zip(p, r)):
            pred = (torch.tensor(pred), np.int64(pred), pred)[i % 3]
            metric.add(prediction=pred, reference=ref)
        return metric.compute()
    raise AssertionError(kind)


LABEL_KINDS = ["lists", "tuples", "numpy_int64", "numpy_int32", "torch", "add_batch_chunks", "add"]


@pytest.mark.parametrize("kind", LABEL_KINDS)
def test_glue_mrpc_matches_sklearn(kind):
    result = _feed_labels(load("glue", "mrpc"), kind)
    assert result == MRPC
    assert all(type(v) is float for v in result.values())


def test_glue_mrpc_differs_when_a_prediction_changes():
    changed = [1 - PREDICTIONS[0], *PREDICTIONS[1:]]
    assert load("glue", "mrpc").compute(predictions=changed, references=REFERENCES) != MRPC


def test_glue_resets_after_compute_like_evaluate():
    metric = load("glue", "mrpc")
    assert metric.compute(predictions=[0, 1], references=[0, 1]) == {"accuracy": 1.0, "f1": 1.0}
    with pytest.raises(ValueError, match="call `add` or `add_batch`"):
        metric.compute()


@pytest.mark.parametrize(
    ("config_name", "expected"),
    [
        ("qqp", MRPC),
        ("sst2", {"accuracy": MRPC["accuracy"]}),
        ("rte", {"accuracy": MRPC["accuracy"]}),
        ("cola", {"matthews_correlation": float(matthews_corrcoef(REFERENCES, PREDICTIONS))}),
    ],
)
def test_glue_other_configs(config_name, expected):
    result = load("glue", config_name).compute(predictions=PREDICTIONS, references=REFERENCES)
    assert result == expected


def test_glue_stsb_correlations():
    predictions, references = [0.5, 2.0, 3.5, 4.0], [0.0, 2.5, 3.0, 5.0]
    result = load("glue", "stsb").compute(predictions=predictions, references=references)
    assert result["pearson"] == pytest.approx(pearsonr(predictions, references)[0])
    assert result["spearmanr"] == pytest.approx(spearmanr(predictions, references)[0])


@pytest.mark.parametrize("config_name", ["mrcp", None])
def test_glue_unknown_config(config_name):
    with pytest.raises(ValueError, match=r"GLUE has no config .* evaluate.load\(\.\.\., 'mrpc'\)"):
        load("glue", config_name)


@pytest.mark.parametrize("kind", ["lists", "torch", "add_batch_chunks", "add"])
def test_accuracy_and_f1_match_sklearn(kind):
    assert _feed_labels(load("accuracy"), kind) == {"accuracy": MRPC["accuracy"]}
    assert _feed_labels(load("f1"), kind) == {"f1": MRPC["f1"]}


def test_accuracy_and_f1_options():
    p, r = [0, 1, 2, 2, 1], [0, 2, 2, 1, 1]
    f1 = load("f1").compute(predictions=p, references=r, average=None)
    assert f1 == {"f1": [float(s) for s in f1_score(r, p, average=None)]}
    assert f1["f1"] != [1.0, 1.0, 1.0]
    macro = load("f1").compute(predictions=p, references=r, average="macro")
    assert macro == {"f1": float(f1_score(r, p, average="macro"))}
    count = load("accuracy").compute(predictions=p, references=r, normalize=False)
    assert count == {"accuracy": 3.0}
    p2, r2 = [[0, 1], [1, 1]], [[0, 1], [1, 0]]
    multilabel = load("accuracy", "multilabel").compute(predictions=p2, references=r2)
    assert (
        multilabel
        == {"accuracy": float(accuracy_score(np.array(r2), np.array(p2)))}
        == {"accuracy": 0.5}
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda m: m.compute(predictions=np.array([[0.1, 0.9], [0.7, 0.3]]), references=[1, 0]),
            r"shape \(2, 2\).*logits.argmax",
        ),
        (lambda m: m.compute(predictions=[0.9, 0.2], references=[1, 0]), r"non-integer"),
        (lambda m: m.compute(predictions=[1, 0], references=[1]), r"2 predictions but 1 ref"),
        (lambda m: m.add_batch(predictions=[1], references=[1, 0]), r"1 predictions but 2 ref"),
        (lambda m: m.add(prediction=[0.3, 0.7], reference=1), r"shape \(1, 2\)"),
        (lambda m: m.compute(predictions=[1, 0], references=None), r"references is None"),
    ],
)
def test_glue_invalid_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call(load("glue", "mrpc"))


# ---------------------------------------------------------------- seqeval

REF_TAGS = [
    ["B-PER", "I-PER", "O", "B-LOC"],
    ["B-ORG", "I-ORG", "O", "B-MISC", "I-MISC"],
    ["O", "B-PER", "O"],
]
PRED_TAGS = [
    ["B-PER", "I-PER", "O", "B-ORG"],
    ["I-ORG", "I-ORG", "O", "B-MISC", "O"],  # an ORG opened with I-: lenient counts it, strict not
    ["O", "B-PER", "O"],
]


def seqeval_direct(predictions, references, scheme=None, **options):
    """seqeval itself, called as the Hub's module calls it."""
    if scheme is not None:
        scheme = getattr(seqeval.scheme, scheme)
    report = seqeval.metrics.classification_report(
        references, predictions, output_dict=True, scheme=scheme, **options
    )
    overall = report.pop("micro avg")
    expected = {
        t: {
            "precision": s["precision"],
            "recall": s["recall"],
            "f1": s["f1-score"],
            "number": s["support"],
        }
        for t, s in report.items()
        if t not in ("macro avg", "weighted avg")
    }
    expected.update(
        overall_precision=overall["precision"],
        overall_recall=overall["recall"],
        overall_f1=overall["f1-score"],
        overall_accuracy=seqeval.metrics.accuracy_score(references, predictions),
    )
    return expected


def _feed_tags(metric, kind, **options):
    p, r = PRED_TAGS, REF_TAGS
    if kind == "lists":
        return metric.compute(predictions=p, references=r, **options)
    if kind == "list_of_tuples":
        return metric.compute(
            predictions=[tuple(s) for s in p], references=[tuple(s) for s in r], **options
        )
    if kind == "numpy_per_sentence":
        return metric.compute(
            predictions=[np.array(s) for s in p], references=[np.array(s) for s in r], **options
        )
    if kind == "add_batch_chunks":
        metric.add_batch(predictions=[tuple(p[0])], references=[np.array(r[0])])
        metric.add_batch(predictions=p[1:], references=r[1:])
        return metric.compute(**options)
    if kind == "add":
        for pred, ref in zip(p, r):
            metric.add(prediction=pred, reference=tuple(ref))
        return metric.compute(**options)
    raise AssertionError(kind)


TAG_KINDS = ["lists", "list_of_tuples", "numpy_per_sentence", "add_batch_chunks", "add"]


@pytest.mark.parametrize("kind", TAG_KINDS)
def test_seqeval_matches_seqeval(kind):
    result = _feed_tags(load("seqeval"), kind, zero_division=0)
    assert result == seqeval_direct(PRED_TAGS, REF_TAGS, zero_division=0)
    assert list(result) == [
        "LOC", "MISC", "ORG", "PER",
        "overall_precision", "overall_recall", "overall_f1", "overall_accuracy",
    ]  # fmt: skip
    assert result["PER"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "number": 2}
    assert type(result["PER"]["number"]) is int
    assert all(type(result[k]) is float for k in result if k.startswith("overall_"))


def test_seqeval_tuples_crashed_the_old_local_metric():
    """[("B-PER", "O")] raised AttributeError ('tuple' ... 'startswith') before."""
    result = load("seqeval").compute(
        predictions=[("B-PER", "O")], references=[("B-PER", "B-LOC")], zero_division=0
    )
    assert result["overall_f1"] == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "strict", "scheme": "IOB2"},
        {"zero_division": 1},
        {"zero_division": 0, "sample_weight": [1, 2, 1]},
        {"zero_division": "warn"},
    ],
)
def test_seqeval_options_match_seqeval(options):
    with warnings_allowed():
        result = load("seqeval").compute(predictions=PRED_TAGS, references=REF_TAGS, **options)
        assert result == seqeval_direct(PRED_TAGS, REF_TAGS, **options)


def test_seqeval_options_reach_seqeval():
    """Wrong-answer check for the test above: the options change the scores on these tags."""
    lenient = load("seqeval").compute(predictions=PRED_TAGS, references=REF_TAGS, zero_division=0)
    strict = load("seqeval").compute(
        predictions=PRED_TAGS, references=REF_TAGS, zero_division=0, mode="strict", scheme="IOB2"
    )
    assert strict["ORG"]["precision"] == 0.0 != lenient["ORG"]["precision"]
    assert strict["overall_f1"] < lenient["overall_f1"]
    zero = load("seqeval").compute(predictions=[["B-PER"]], references=[["O"]], zero_division=0)
    one = load("seqeval").compute(predictions=[["B-PER"]], references=[["O"]], zero_division=1)
    assert zero["PER"]["recall"] == 0.0 and one["PER"]["recall"] == 1.0


def test_seqeval_suffix():
    predictions = [["PER-B", "PER-I", "O"], ["LOC-B", "O"]]
    references = [["PER-B", "PER-I", "O"], ["ORG-B", "O"]]
    result = load("seqeval").compute(
        predictions=predictions, references=references, suffix=True, zero_division=0
    )
    assert result == seqeval_direct(predictions, references, suffix=True, zero_division=0)
    assert set(result) >= {"PER", "LOC", "ORG"} and result["PER"]["f1"] == 1.0


@contextlib.contextmanager
def warnings_allowed():
    """zero_division='warn' warns, as seqeval does; the scores are what is checked."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        yield


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m: m.compute(predictions=[[1, 0]], references=[[1, 2]]), r"predictions\[0\]\[0\] is 1 \(int\).*label_names"),
        (lambda m: m.compute(predictions=["B-PER", "O"], references=["B-PER", "O"]), r"flat list of tags.*\[\['B-PER', 'O'\]\]"),
        (lambda m: m.compute(predictions=np.array(["B-PER", "O"]), references=[["B-PER", "O"]]), r"flat list of tags"),
        (lambda m: m.compute(predictions=[["O"], ["O"]], references=[["O"]]), r"2 predicted sentences but 1 reference"),
        (lambda m: m.compute(predictions=[["O", "O"]], references=[["O"]]), r"sentence 0: 2 predicted tags but 1 reference"),
        (lambda m: m.add(prediction=["B-PER"], reference=["B-PER", "O"]), r"sentence 0: 1 predicted tags but 2"),
        (lambda m: m.add(prediction="B-PER", reference="B-PER"), r"flat list of tags"),
        (lambda m: m.compute(predictions=[["O"]], references=[["O"]], scheme="IOB3"), r"scheme='IOB3' is not a seqeval tagging scheme.*'IOB2'"),
        (lambda m: m.compute(predictions=[["O"]], references=[["O"]], mode="lenient"), r"mode='lenient'.*mode='strict'"),
        (lambda m: m.compute(predictions=[["O"]], references=[["O"]], zero_division=2), r"zero_division=2"),
        (lambda m: m.compute(predictions=[["O"]], references=[["O"]], schem="IOB2"), r"no option schem. Fix: use suffix, scheme"),
    ],
)  # fmt: skip
def test_seqeval_invalid_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call(load("seqeval"))


def test_seqeval_bad_option_keeps_what_was_added():
    """Options are checked before compute reads the stored batches: the retry works."""
    metric = load("seqeval")
    metric.add_batch(predictions=PRED_TAGS, references=REF_TAGS)
    with pytest.raises(ValueError, match="scheme='IOB3'"):
        metric.compute(scheme="IOB3", mode="strict")
    result = metric.compute(scheme="IOB2", mode="strict", zero_division=0)
    assert result == seqeval_direct(
        PRED_TAGS, REF_TAGS, scheme="IOB2", mode="strict", zero_division=0
    )


# ---------------------------------------------------------------- choosing the source


def test_every_local_module_loads_and_is_the_kits():
    for name in LOCAL_METRICS:
        metric = load(name, "mrpc" if name == "glue" else None)
        assert "fine-tuning course kit" in metric.description
        assert Path(local_metric_path(name), f"{name}.py").is_file()


def test_metric_source_offline_is_the_kits_folder():
    assert metric_source("glue") == local_metric_path("glue")
    assert metric_source("seqeval").endswith(os.path.join("metric_modules", "seqeval"))
    assert metric_source(local_metric_path("f1")) == local_metric_path("f1")  # a path stays


def test_metric_source_ignores_a_folder_that_is_no_module(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "glue").mkdir()  # a learner's own folder named glue, without glue.py
    assert metric_source("glue") == local_metric_path("glue")
    (tmp_path / "glue" / "glue.py").write_text("")
    assert metric_source("glue") == "glue"  # evaluate.load("glue") would load this one


def test_metric_source_offline_unknown_metric():
    with pytest.raises(ValueError, match=r"no offline module for metric 'bleu'.*glue, seqeval"):
        metric_source("bleu")


@pytest.fixture
def hub_answers(monkeypatch):
    """The Hub answers a TCP connection (without any network), HF_HUB_OFFLINE unset."""
    import helpers.profiles

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(
        helpers.profiles.socket, "create_connection", lambda *a, **k: contextlib.nullcontext()
    )
    helpers.profiles.hub_reachable.cache_clear()


def test_hub_path_asks_evaluate_for_the_hub_modules(hub_answers, monkeypatch):
    calls = []
    monkeypatch.setattr(evaluate, "load", lambda *args, **kwargs: calls.append((args, kwargs)))
    load_metric("glue", "mrpc")
    load_metric("seqeval")
    load_metric("accuracy", keep_in_memory=True)
    assert calls == [(("glue", "mrpc"), {}), (("seqeval", None), {}), (("accuracy", None), {"keep_in_memory": True})]  # fmt: skip
    assert metric_source("bleu") == "bleu"


def test_hf_hub_offline_wins_over_a_reachable_hub(hub_answers, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert metric_source("glue") == local_metric_path("glue")


def test_load_metric_offline_is_the_kits_module():
    metric = load_metric("glue", "mrpc")
    assert isinstance(metric, evaluate.EvaluationModule)
    assert "fine-tuning course kit" in metric.description
    assert helpers.load_metric is load_metric and helpers.metric_source is metric_source


# ---------------------------------------------------------------- offline, two processes at once

WORKER = textwrap.dedent(
    """
    import json, os, socket, sys
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(args[1:2])
        raise OSError("network blocked by the test")
    socket.socket.connect = refuse
    socket.getaddrinfo = refuse
    import numpy as np
    from helpers.metrics import load_metric
    rng = np.random.default_rng(int(sys.argv[1]))
    ok = True
    for _ in range(5):
        p, r = rng.integers(0, 2, 64), rng.integers(0, 2, 64)
        metric = load_metric("glue", "mrpc")  # as compute_metrics does at every evaluation
        for k in range(0, 64, 8):
            metric.add_batch(predictions=p[k : k + 8], references=r[k : k + 8])
        ok &= metric.compute()["accuracy"] == float((p == r).mean())
        tags = load_metric("seqeval").compute(predictions=[["B-PER", "O"]], references=[["B-PER", "O"]])
        ok &= tags["overall_f1"] == 1.0
    print(json.dumps({"ok": bool(ok), "attempts": len(attempts)}))
    """
)


def test_two_processes_offline_at_once(tmp_path):
    """Two processes load and compute at the same moment, with a fresh shared cache (module
    copies and Arrow files), no network: both get the right scores; HF_HUB_OFFLINE=1 never
    tries the network, and without it the 1.5 s Hub probe fails over to the kit's modules."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    base = {**os.environ, "HF_HOME": str(tmp_path / "hf"), "PYTHONPATH": str(ROOT)}
    base.pop("HF_HUB_OFFLINE", None)
    runs = [
        subprocess.Popen(
            [sys.executable, str(script), str(seed)],
            env={**base, **({"HF_HUB_OFFLINE": "1"} if seed == 0 else {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in (0, 1)
    ]
    outputs = []
    for run in runs:
        try:
            out, err = run.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            run.kill()
            pytest.fail("a metric process hung for 300 s")
        assert run.returncode == 0, err[-3000:]
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    assert outputs[0] == {"ok": True, "attempts": 0}
    assert outputs[1]["ok"] is True and outputs[1]["attempts"] >= 1
    copies = list((tmp_path / "hf" / "modules" / "evaluate_modules" / "metrics").glob("*/*/*.py"))
    assert {p.name for p in copies} >= {"glue.py", "seqeval.py"}


def test_counted_accuracy_and_f1_are_sklearns_to_the_bit():
    """The glue module counts accuracy and F1 itself (no sklearn import in a launch's
    processes): on 500 random label vectors, sizes 1 to 60, both equal scikit-learn's."""
    from helpers.metrics import accuracy_of, binary_f1_of

    rng = np.random.default_rng(0)
    for _ in range(500):
        size = int(rng.integers(1, 61))
        p, r = rng.integers(0, 2, size), rng.integers(0, 2, size)
        assert accuracy_of(p, r) == accuracy_score(r, p)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn warns where no label is positive
            assert binary_f1_of(p, r) == f1_score(r, p)
    assert binary_f1_of([0, 0], [0, 0]) == 0.0


@pytest.mark.parametrize(
    ("predictions", "references", "message"),
    [
        ([0, 2, 1], [0, 1, 1], r"labels 0 and 1, but these inputs hold \[2\]"),
        ([0, 1], [0, 1, 1], "as many predictions as references"),
    ],
)
def test_counted_f1_refuses_what_sklearn_refuses(predictions, references, message):
    from helpers.metrics import binary_f1_of

    with pytest.raises(ValueError, match=message):
        binary_f1_of(predictions, references)
    with pytest.raises(ValueError):
        f1_score(references, predictions)


def test_counted_scores_refuse_no_examples():
    """scikit-learn 1.4 returns 0.0 for no examples and later versions raise; the kit says
    what is missing in both."""
    from helpers.metrics import accuracy_of, binary_f1_of

    for score in (accuracy_of, binary_f1_of):
        with pytest.raises(ValueError, match="as many predictions as references"):
            score([], [])
