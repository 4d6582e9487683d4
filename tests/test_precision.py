"""Precision by hardware: the decision, on made-up machines and with mocked torch probes."""

import pytest
import torch

from helpers import precision
from helpers.precision import (
    Hardware,
    choose_mixed_precision,
    detect_hardware,
    precision_arguments,
    resolve_mixed_precision,
)

MACHINES = [
    (Hardware("cuda", "Tesla T4", cuda_capability=(7, 5)), "fp16"),  # Colab's free GPU
    (Hardware("cuda", "Tesla P100-PCIE-16GB", cuda_capability=(6, 0)), "fp16"),  # Kaggle
    (Hardware("cuda", "Tesla V100-SXM2-16GB", cuda_capability=(7, 0)), "fp16"),
    (Hardware("cuda", "NVIDIA A100-SXM4-40GB", cuda_capability=(8, 0)), "bf16"),
    (Hardware("cuda", "NVIDIA L4", cuda_capability=(8, 9)), "bf16"),
    (Hardware("cuda", "NVIDIA H100", cuda_capability=(9, 0)), "bf16"),
    (Hardware("cuda", "Tesla K80", cuda_capability=(3, 7)), "no"),
    (Hardware("xla", "TPU", xla_device="TPU", cores=4), "bf16"),
    (Hardware("xla", "CPU", xla_device="CPU", cores=1), "no"),
    (Hardware("mps", "Apple GPU"), "no"),
    (Hardware("cpu", cpu_fast_bf16=True), "bf16"),  # AMX / AVX512-BF16
    (Hardware("cpu", cpu_fast_bf16=False), "no"),
]


@pytest.mark.parametrize(("hardware", "expected"), MACHINES)
def test_choice_by_hardware(hardware, expected):
    assert choose_mixed_precision(hardware) == expected
    arguments = precision_arguments("auto", hardware)
    assert arguments["bf16"] == (expected == "bf16") and arguments["fp16"] == (expected == "fp16")
    # the Trainer takes bf16 without a GPU only when told the run is on the CPU
    assert arguments["use_cpu"] == (expected == "bf16" and hardware.kind == "cpu")


def mock_gpu(monkeypatch, name, capability, bf16_supported=True):
    monkeypatch.delenv("PJRT_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: name)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda i=0: capability)
    # torch says True on a T4, where bf16 is emulated and slower than fp32
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16_supported)


def test_a_t4_gets_fp16_although_torch_says_it_supports_bf16(monkeypatch):
    mock_gpu(monkeypatch, "Tesla T4", (7, 5), bf16_supported=True)
    hardware = detect_hardware()
    assert (hardware.kind, hardware.name, hardware.cuda_capability) == ("cuda", "Tesla T4", (7, 5))
    assert resolve_mixed_precision("auto") == "fp16"
    assert not precision.fast_bf16_available()


def test_an_ampere_gpu_gets_bf16(monkeypatch):
    mock_gpu(monkeypatch, "NVIDIA A100-SXM4-40GB", (8, 0))
    assert resolve_mixed_precision("auto") == "bf16" and precision.fast_bf16_available()


@pytest.mark.parametrize(("amx", "avx512_bf16", "expected"), [(True, False, "bf16"), (False, True, "bf16"), (False, False, "no")])  # fmt: skip
def test_a_cpu_gets_bf16_only_with_fast_bf16_units(monkeypatch, amx, avx512_bf16, expected):
    monkeypatch.delenv("PJRT_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx, raising=False)
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16, raising=False)
    assert detect_hardware().kind == "cpu"
    assert resolve_mixed_precision("auto") == expected


def test_a_tpu_is_read_from_the_environment_without_starting_it(monkeypatch):
    monkeypatch.setenv("PJRT_DEVICE", "TPU")
    monkeypatch.setattr(precision.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(precision, "xla_core_count", lambda device: 4)
    assert detect_hardware() == Hardware("xla", "TPU", xla_device="TPU", cores=4)
    assert resolve_mixed_precision("auto") == "bf16"


def test_explicit_values_pass_and_wrong_ones_are_refused():
    assert resolve_mixed_precision("fp16") == "fp16" and resolve_mixed_precision("no") == "no"
    with pytest.raises(ValueError, match=r"got 'fp32' \(fp32 is 'no'\)"):
        resolve_mixed_precision("fp32")
    with pytest.raises(ValueError, match="must be auto, no, bf16 or fp16, got 'half'"):
        resolve_mixed_precision("half")


def test_the_quick_cpu_reading_agrees_with_torch_on_this_machine():
    quick = precision.cpu_only_hardware()
    if quick is None:
        pytest.skip("not a Linux machine without a GPU driver: the quick reading does not apply")
    assert quick == detect_hardware() == detect_hardware(quick=True)


def test_the_quick_cpu_reading_reads_the_bf16_flags(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n")
    assert precision.cpu_only_hardware(cpuinfo, driver_paths=()).cpu_fast_bf16 is False
    for flag in ("avx512_bf16", "amx_tile"):
        cpuinfo.write_text(f"flags\t\t: fpu avx512f {flag}\n")
        assert precision.cpu_only_hardware(cpuinfo, driver_paths=()).cpu_fast_bf16 is True
    # "avx512_bf16" as a part of another flag is not the flag
    cpuinfo.write_text("flags\t\t: fpu no_avx512_bf16x\n")
    assert precision.cpu_only_hardware(cpuinfo, driver_paths=()).cpu_fast_bf16 is False


def test_the_quick_reading_asks_torch_where_a_gpu_or_tpu_may_be(tmp_path, monkeypatch):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("flags\t\t: fpu\n")
    driver = tmp_path / "nvidia0"
    driver.write_text("")
    assert precision.cpu_only_hardware(cpuinfo, driver_paths=(str(driver),)) is None
    assert precision.cpu_only_hardware(tmp_path / "missing", driver_paths=()) is None
    assert precision.cpu_only_hardware(driver, driver_paths=()) is None  # no flags line
    monkeypatch.setattr(precision, "xla_device_type", lambda: "TPU")
    assert precision.cpu_only_hardware(cpuinfo, driver_paths=()) is None
    # and detect_hardware(quick=True) then takes torch's answer, here a (mocked) GPU
    monkeypatch.setattr(precision, "xla_device_type", lambda: None)
    mock_gpu(monkeypatch, "NVIDIA L4", (8, 9))
    monkeypatch.setattr(precision, "cpu_only_hardware", lambda: None)
    assert detect_hardware(quick=True).kind == "cuda"
