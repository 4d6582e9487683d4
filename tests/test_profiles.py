import socket
import time

import pytest

from helpers import profiles
from helpers.profiles import HubUnreachableError, get_profile, hub_reachable, require_hub


def test_offline_flag_short_circuits_the_probe(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("no connection may be attempted with HF_HUB_OFFLINE=1")

    monkeypatch.setattr(socket, "create_connection", boom)
    assert hub_reachable() is False


def test_unreachable_hub_is_decided_within_two_seconds(monkeypatch):
    # A closed port on this machine stands for an unreachable Hub: no traffic leaves it.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    start = time.perf_counter()
    assert hub_reachable() is False
    assert time.perf_counter() - start < 2


def test_hanging_hub_is_cut_off_at_the_timeout(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")

    def hang(*args, **kwargs):
        time.sleep(3)
        raise OSError("no answer")

    monkeypatch.setattr(socket, "create_connection", hang)
    start = time.perf_counter()
    assert hub_reachable() is False
    assert time.perf_counter() - start < 2


def test_reachable_hub(monkeypatch):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        monkeypatch.delenv("HF_HUB_OFFLINE")
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.getsockname()[1]}")
        assert hub_reachable() is True


def test_automatic_choice(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    assert get_profile().name == "embedded"  # Hub off
    monkeypatch.setattr(profiles, "hub_reachable", lambda: True)
    monkeypatch.setattr(profiles, "accelerator_available", lambda: False)
    assert get_profile().name == "laptop"
    monkeypatch.setattr(profiles, "accelerator_available", lambda: True)
    assert get_profile().name == "full"


def test_full_profile_is_the_course(monkeypatch):
    for var in ("COURSE_DATA_DIR", "COURSE_MODEL", "COURSE_MRPC_MODEL", "COURSE_NER_MODEL"):
        monkeypatch.delenv(var, raising=False)
    full = get_profile("full")
    assert (full.mrpc_data, full.conll_data) == ("nyu-mll/glue", "lhoestq/conll2003")
    assert (full.mrpc_model, full.ner_model) == ("bert-base-uncased", "bert-base-cased")


def test_env_overrides_replace_hub_ids(monkeypatch, tmp_path):
    (tmp_path / "mrpc").mkdir()
    (tmp_path / "conll2003").mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_MODEL", "/models/mine")
    monkeypatch.setenv("COURSE_NER_MODEL", "/models/ner")
    laptop = get_profile("laptop")
    assert laptop.mrpc_data == str(tmp_path / "mrpc")
    assert laptop.conll_data == str(tmp_path / "conll2003")
    assert (laptop.mrpc_model, laptop.ner_model) == ("/models/mine", "/models/ner")


def test_explicit_profile_without_hub_is_a_clear_error_not_a_switch(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    from helpers import load_mrpc

    monkeypatch.setenv("COURSE_PROFILE", "full")
    start = time.perf_counter()
    with pytest.raises(HubUnreachableError, match=r"'full' profile.*COURSE_PROFILE=embedded"):
        load_mrpc()
    assert time.perf_counter() - start < 2


def test_require_hub_names_the_fixes():
    with pytest.raises(HubUnreachableError) as info:
        require_hub("the model 'bert-base-cased'", "laptop")
    message = str(info.value)
    assert "HF_HUB_OFFLINE is set" in message
    assert "COURSE_DATA_DIR" in message and "COURSE_MODEL" in message


def test_unknown_profile():
    with pytest.raises(ValueError, match="choose one of embedded, laptop, full"):
        get_profile("gpu")


@pytest.mark.parametrize(
    "fast_bf16, env, precision_line, ner",
    [
        (True, {}, "Precision: bf16 autocast", "all NER sentences"),
        (False, {}, "Precision: fp32 (this machine has no fast bf16", "5000 of the NER"),
        (True, {"COURSE_MIXED_PRECISION": "no"}, "Precision: fp32, as COURSE_", "5000 of the"),
        (True, {"COURSE_RECIPE": "course"}, "Precision: fp32, as COURSE_", "5000 of the NER"),
    ],
)
def test_banner_names_the_precision_the_runs_use(monkeypatch, fast_bf16, env, precision_line, ner):
    from helpers import precision

    monkeypatch.delenv("COURSE_MIXED_PRECISION", raising=False)
    monkeypatch.delenv("COURSE_RECIPE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(
        precision, "detect_hardware", lambda: precision.Hardware("cpu", cpu_fast_bf16=fast_bf16)
    )
    text = profiles.banner(profiles._base_profile("laptop"))
    assert precision_line in text
    assert ner in text
    # the old banner promised fp32 on every machine
    assert "CPU (fp32)" not in text
