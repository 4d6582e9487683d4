"""Which precision to train in, from what the hardware runs fast.

bf16 on GPUs and CPUs that have fast bf16 matrix units (Ampere and later; CPUs with AMX or
AVX512-BF16) and on TPUs; fp16 with loss scaling on GPUs without them (Colab's T4, Kaggle's
P100); fp32 everywhere else. The decision (``choose_mixed_precision``) is a pure function of a
``Hardware`` description, so it is tested with made-up machines; ``detect_hardware`` fills one
in from this machine without starting any device runtime.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PRECISIONS = ("no", "bf16", "fp16")


@dataclass(frozen=True)
class Hardware:
    """What this machine trains on, as far as the precision choice and the banner go.

    Attributes:
        kind: ``"cuda"``, ``"xla"``, ``"mps"`` or ``"cpu"``.
        name: the GPU's name, the XLA device type, or ``"CPU"``.
        cuda_capability: the GPU's compute capability, e.g. ``(7, 5)`` for a T4.
        cpu_fast_bf16: the CPU has AMX or AVX512-BF16.
        xla_device: PJRT's device type (``"TPU"``, ``"CPU"``, ``"CUDA"``) under torch-xla.
        cores: GPUs, or XLA devices (TPU cores) this host sees; 0 when unknown.
    """

    kind: str
    name: str = "CPU"
    cuda_capability: tuple[int, int] | None = None
    cpu_fast_bf16: bool = False
    xla_device: str | None = None
    cores: int = 0


def choose_mixed_precision(hardware: Hardware) -> str:
    """``"bf16"``, ``"fp16"`` or ``"no"`` (fp32) for ``hardware``.

    ``torch.cuda.is_bf16_supported()`` says True on a T4 (bf16 emulated, slower than fp32),
    so GPUs are judged by compute capability: 8.0 (Ampere) and later have bf16 tensor cores;
    6.0 to 7.5 (P100, V100, T4) run fp16 fast, which needs loss scaling (Accelerate's and the
    Trainer's fp16 add a gradient scaler).

    >>> choose_mixed_precision(Hardware("cuda", "Tesla T4", cuda_capability=(7, 5)))
    'fp16'
    >>> choose_mixed_precision(Hardware("cuda", "NVIDIA A100", cuda_capability=(8, 0)))
    'bf16'
    >>> choose_mixed_precision(Hardware("cuda", "Tesla K80", cuda_capability=(3, 7)))
    'no'
    >>> choose_mixed_precision(Hardware("xla", "TPU", xla_device="TPU"))
    'bf16'
    >>> choose_mixed_precision(Hardware("xla", "CPU", xla_device="CPU"))
    'no'
    >>> choose_mixed_precision(Hardware("cpu", cpu_fast_bf16=True))
    'bf16'
    >>> choose_mixed_precision(Hardware("cpu"))
    'no'

    Used in: ``resolve_mixed_precision`` (``--mixed-precision auto``), ``precision_arguments``.
    """
    if hardware.kind == "xla":
        if hardware.xla_device == "TPU":
            return "bf16"  # every TPU's matrix unit multiplies in bf16
        if hardware.xla_device not in ("CUDA", "GPU"):
            return "no"
    if hardware.kind in ("cuda", "xla") and hardware.cuda_capability is not None:
        if hardware.cuda_capability >= (8, 0):
            return "bf16"
        return "fp16" if hardware.cuda_capability >= (6, 0) else "no"
    if hardware.kind == "cpu" and hardware.cpu_fast_bf16:
        return "bf16"
    return "no"


def cpu_has_fast_bf16() -> bool:
    """True when this CPU has AMX or AVX512-BF16 (bf16 matrix products about 3x faster)."""
    import torch

    cpu = getattr(torch, "cpu", None)
    for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"):
        fn = getattr(cpu, probe, None)
        if fn is not None and fn():
            return True
    return False


def xla_device_type() -> str | None:
    """PJRT's device type when torch-xla is installed and ``PJRT_DEVICE`` names one, else None.

    Reads the environment only: starting the XLA runtime here would stop
    ``notebook_launcher`` from spawning the TPU processes later.
    """
    device = os.environ.get("PJRT_DEVICE", "").upper()
    if not device or importlib.util.find_spec("torch_xla") is None:
        return None
    return device


def xla_core_count(device: str) -> int:
    """The XLA devices this host has, without starting the runtime (0 when unknown)."""
    if device == "CPU":
        return int(os.environ.get("CPU_NUM_DEVICES", "1"))
    try:
        from torch_xla._internal import tpu

        return int(tpu.num_available_devices())
    except Exception:  # an older torch-xla, or no TPU visible: say unknown, not wrong
        return 0


# What a GPU driver leaves on Linux (NVIDIA's, ROCm's): without any of these, and without
# torch-xla or an Apple GPU, torch can only train on the CPU.
GPU_DRIVER_PATHS = ("/proc/driver/nvidia", "/dev/nvidia0", "/dev/nvidiactl", "/dev/kfd")


def cpu_only_hardware(
    cpuinfo: str | Path = "/proc/cpuinfo", driver_paths: tuple[str, ...] = GPU_DRIVER_PATHS
) -> Hardware | None:
    """The CPU's ``Hardware``, read without importing torch (1.5 s), where that is certain.

    Certain on Linux with no GPU driver (``driver_paths``), no XLA device named and a
    readable ``cpuinfo``, whose flags tell AMX and AVX512-BF16 as torch's probes do. Else
    None: another system, or a GPU or TPU may be there, and ``detect_hardware`` must ask torch.

    >>> import tempfile; flags = Path(tempfile.mkdtemp(), "cpuinfo")
    >>> _ = flags.write_text("flags : fpu sse2 avx512f avx512_bf16")
    >>> cpu_only_hardware(flags, driver_paths=()).cpu_fast_bf16
    True
    >>> cpu_only_hardware(flags, driver_paths=(str(flags),)) is None  # a GPU driver is there
    True

    Used in: ``describe_runtime`` (chapter 1 imports no torch at all).
    """
    if not sys.platform.startswith("linux") or xla_device_type() is not None:
        return None
    if any(os.path.exists(path) for path in driver_paths):
        return None
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines()
                  if line.startswith("flags") and ":" in line), None)  # fmt: skip
    if flags is None:
        return None
    fast_bf16 = "amx_tile" in flags or "avx512_bf16" in flags
    return Hardware("cpu", "CPU", cpu_fast_bf16=fast_bf16, cores=os.cpu_count() or 0)


def detect_hardware(quick: bool = False) -> Hardware:
    """Describe this machine: a CUDA GPU, a TPU (or other XLA device), an Apple GPU, or the CPU.

    ``quick=True`` answers from ``cpu_only_hardware`` where that is certain, without torch.

    Used in: ``resolve_mixed_precision``, ``describe_runtime`` (the first cell on Colab).
    """
    if quick and (hardware := cpu_only_hardware()) is not None:
        return hardware
    import torch

    xla = xla_device_type()
    if xla is not None:
        return Hardware("xla", xla, xla_device=xla, cores=xla_core_count(xla))
    if torch.cuda.is_available():
        return Hardware(
            "cuda",
            torch.cuda.get_device_name(0),
            cuda_capability=tuple(torch.cuda.get_device_capability(0)),
            cores=torch.cuda.device_count(),
        )
    if torch.backends.mps.is_available():
        return Hardware("mps", "Apple GPU", cores=1)
    return Hardware("cpu", "CPU", cpu_fast_bf16=cpu_has_fast_bf16(), cores=os.cpu_count() or 0)


def fast_bf16_available() -> bool:
    """True where bf16 runs fast: an Ampere or later GPU, a TPU, or a CPU with AMX/AVX512-BF16.

    Used in: 02_mrpc_trainer, 04_ner.
    """
    return choose_mixed_precision(detect_hardware()) == "bf16"


def resolve_mixed_precision(value: str, hardware: Hardware | None = None) -> str:
    """``--mixed-precision``'s value as Accelerate takes it: ``"auto"`` becomes a choice.

    >>> resolve_mixed_precision("auto", Hardware("cuda", "Tesla T4", cuda_capability=(7, 5)))
    'fp16'
    >>> resolve_mixed_precision("fp32")
    Traceback (most recent call last):
    ...
    ValueError: --mixed-precision must be auto, no, bf16 or fp16, got 'fp32' (fp32 is 'no')

    Used in: ``helpers.train`` (the script), 03_training_loop.
    """
    if value == "auto":
        return choose_mixed_precision(hardware or detect_hardware())
    if value not in PRECISIONS:
        hint = " (fp32 is 'no')" if value == "fp32" else ""
        raise ValueError(f"--mixed-precision must be auto, no, bf16 or fp16, got {value!r}{hint}")
    return value


def precision_arguments(value: str = "auto", hardware: Hardware | None = None) -> dict[str, bool]:
    """``TrainingArguments`` keywords for a precision: ``bf16``, ``fp16`` and ``use_cpu``.

    The Trainer accepts ``bf16=True`` without a GPU only when told to train on the CPU, and
    adds loss scaling itself for ``fp16=True``.

    >>> precision_arguments("auto", Hardware("cuda", "Tesla T4", cuda_capability=(7, 5)))
    {'bf16': False, 'fp16': True, 'use_cpu': False}
    >>> precision_arguments("auto", Hardware("cpu", cpu_fast_bf16=True))
    {'bf16': True, 'fp16': False, 'use_cpu': True}

    Used in: 02_mrpc_trainer, 04_ner (``TrainingArguments(**helpers.precision_arguments())``).
    """
    hardware = hardware or detect_hardware()
    chosen = resolve_mixed_precision(value, hardware)
    return {
        "bf16": chosen == "bf16",
        "fp16": chosen == "fp16",
        "use_cpu": chosen == "bf16" and hardware.kind == "cpu",
    }


__all__ = [
    "Hardware",
    "choose_mixed_precision",
    "detect_hardware",
    "fast_bf16_available",
    "precision_arguments",
    "resolve_mixed_precision",
]
