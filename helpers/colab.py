"""Colab and Kaggle: the "Open in Colab" badge and the first code cell of every chapter.

``REPOSITORY`` is the one place that names where the course lives; the badges and the install
cell are built from it, and ``tools/colab_cells.py`` writes them into the notebooks (a test
checks that every chapter's badge opens its own notebook and that its first code cell is
``install_cell_source()``).

The first cell cannot import ``helpers`` before the kit is installed, so its text stands alone:
on Colab or Kaggle it runs ``pip install`` of the repository once, with a constraints file
that pins the libraries the course is about (``HOSTED_PINS``) to the versions CI tested (the
repository's ``constraints.txt``) and the runtime's torch to itself (pip fails rather than
replace the build that matches the GPU or TPU); on a local Jupyter it installs nothing. Then
it prints what the runtime has.
"""

from __future__ import annotations

import os
import sys

# owner/name on GitHub, and the branch the badges open
REPOSITORY = "ft-course-kit/ft-course-kit"
BRANCH = "main"
DISTRIBUTION = "ft-course-kit"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def colab_url(notebook: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """The address that opens ``notebooks/<notebook>`` of the repository in Colab.

    >>> colab_url("03_training_loop.ipynb", "me/kit")
    'https://colab.research.google.com/github/me/kit/blob/main/notebooks/03_training_loop.ipynb'

    Used in: ``badge_markdown``.
    """
    return (
        f"https://colab.research.google.com/github/{repository}/blob/{branch}/notebooks/{notebook}"
    )


def badge_markdown(notebook: str, repository: str = REPOSITORY) -> str:
    """The "Open in Colab" badge for a chapter, as the first line of its first markdown cell.

    >>> badge_markdown("04_ner.ipynb", "me/kit")  # doctest: +ELLIPSIS
    '[![Open In Colab](https://colab.../colab-badge.svg)](https://colab.../me/kit/blob/main/notebooks/04_ner.ipynb)'

    Used in: every chapter's first cell (written by ``tools/colab_cells.py``).
    """
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook, repository)})"


# What the first cell pins on Colab and Kaggle to the lock's versions: the libraries the
# course teaches and the ones they move with. The runtime's other packages (its Jupyter, numpy,
# pandas, Google's own) stay as the runtime has them: replacing them can break the runtime.
HOSTED_PINS = (
    "transformers",
    "tokenizers",
    "safetensors",
    "huggingface-hub",
    "hf-xet",
    "kernels",
    "datasets",
    "accelerate",
    "evaluate",
    "seqeval",
    "polib",
)


def lock_url(repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """Where the first cell reads the versions CI tested: the repository's constraints.txt.

    >>> lock_url("me/kit")
    'https://raw.githubusercontent.com/me/kit/main/constraints.txt'
    """
    return f"https://raw.githubusercontent.com/{repository}/{branch}/constraints.txt"


def kit_requirement(repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """What the first cell hands to pip: the kit from its repository.

    >>> kit_requirement("me/kit")
    'ft-course-kit @ git+https://github.com/me/kit@main'
    """
    return f"{DISTRIBUTION} @ git+https://github.com/{repository}@{branch}"


INSTALL_CELL = """\
# Colab or Kaggle: install the course kit, once; the runtime's torch stays. Elsewhere: nothing.
# Its libraries come at the versions the kit's tests ran with (LOCK).
import importlib.metadata
import os
import subprocess
import sys
import tempfile
import urllib.request

KIT = "{requirement}"
LOCK = "{lock}"
# pinned to the versions of LOCK; the runtime keeps its other packages
{pinned}
hosted = "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ
hosted = hosted or "KAGGLE_KERNEL_RUN_TYPE" in os.environ
try:
    print("course kit", importlib.metadata.version("{distribution}"), "is installed")
except importlib.metadata.PackageNotFoundError:
    if hosted:
        lock = os.environ.get("COURSE_LOCK", LOCK)  # COURSE_LOCK: another copy (URL, file://)
        try:
            with urllib.request.urlopen(lock, timeout=60) as response:
                tested = response.read().decode().splitlines()
        except OSError as error:
            raise RuntimeError(
                f"could not read the tested versions from {{lock}} ({{error}}). Fix: check the "
                "runtime's internet connection and run this cell again, or set COURSE_LOCK"
            ) from None
        pins = [line for line in tested if line.split("==")[0] in PINNED]
        # pip fails rather than replace the runtime's torch (its installed version: a wheel's
        # torch.__version__ may carry a +cu128 that its metadata does not)
        pins.append(f"torch=={{importlib.metadata.version('torch')}}")
        constraints = os.path.join(tempfile.mkdtemp(), "constraints.txt")
        with open(constraints, "w") as f:
            f.write("\\n".join(pins) + "\\n")
        kit = os.environ.get("COURSE_KIT", KIT)  # COURSE_KIT: a fork, a branch, a wheel
        pip = [sys.executable, "-m", "pip", "install", "-q", "-c", constraints, kit]
        subprocess.run(pip, check=True)
        print("installed the course kit from", kit, "at the versions of", lock)
    else:
        raise ModuleNotFoundError(
            "the course kit is not installed in this Python. Fix: in the repository, run "
            "make lab (or pip install -e .), and pick that environment's kernel"
        ) from None
import helpers

helpers.describe_runtime()"""


def install_cell_source(repository: str = REPOSITORY) -> str:
    """The text of every chapter's first code cell (see the module's docstring).

    ``COURSE_KIT`` replaces the requirement (a fork, a branch, a local wheel).

    Used in: every chapter's first code cell (written by ``tools/colab_cells.py``).
    """
    return INSTALL_CELL.format(
        distribution=DISTRIBUTION,
        requirement=kit_requirement(repository),
        lock=lock_url(repository),
        pinned=_set_lines("PINNED", HOSTED_PINS),
    )


def _set_lines(name: str, items: tuple[str, ...], width: int = 100) -> str:
    """``name = {...}`` then ``name |= {...}`` lines, each within ``width`` (as ruff keeps them).

    >>> print(_set_lines("X", ("a", "b", "c"), width=14))
    X = {"a", "b"}
    X |= {"c"}
    """
    lines: list[list[str]] = [[]]
    for item in items:
        start = f"{name} = " if len(lines) == 1 else f"{name} |= "
        if lines[-1] and len(start + "{" + ", ".join([*lines[-1], f'"{item}"']) + "}") > width:
            lines.append([])
        lines[-1].append(f'"{item}"')
    return "\n".join(
        f"{name} {'=' if i == 0 else '|='} {{{', '.join(chunk)}}}" for i, chunk in enumerate(lines)
    )


def hosted_runtime() -> str | None:
    """``"Colab"``, ``"Kaggle"``, or None on any other Jupyter or Python."""
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
        return "Colab"
    if "KAGGLE_KERNEL_RUN_TYPE" in os.environ:
        return "Kaggle"
    return None


def hardware_line(hardware) -> str:
    """One line on what trains here and in which precision.

    >>> from helpers.precision import Hardware
    >>> hardware_line(Hardware("cuda", "Tesla T4", cuda_capability=(7, 5), cores=1))
    'GPU: Tesla T4 (compute capability 7.5), 1 device: fp16 with loss scaling (no fast bf16)'
    >>> hardware_line(Hardware("xla", "TPU", xla_device="TPU", cores=4))
    'TPU: PJRT device TPU, 4 cores: bf16'
    >>> hardware_line(Hardware("cpu", cores=2))
    'CPU: no GPU or TPU found, 2 cores: fp32 (no fast bf16 on this CPU)'
    """
    from helpers.precision import choose_mixed_precision

    precision = choose_mixed_precision(hardware)
    said = {
        "bf16": "bf16",
        "fp16": "fp16 with loss scaling (no fast bf16)",
        "no": "fp32" + (" (no fast bf16 on this CPU)" if hardware.kind == "cpu" else ""),
    }[precision]
    plural = "" if hardware.cores == 1 else "s"
    if hardware.kind == "cuda":
        major, minor = hardware.cuda_capability or (0, 0)
        where = f"GPU: {hardware.name} (compute capability {major}.{minor}), {hardware.cores} device{plural}"
    elif hardware.kind == "xla":
        label = "TPU" if hardware.xla_device == "TPU" else "XLA"
        cores = f"{hardware.cores} core{plural}" if hardware.cores else "cores unknown"
        where = f"{label}: PJRT device {hardware.xla_device}, {cores}"
    elif hardware.kind == "mps":
        where = "Apple GPU (MPS)"
    else:
        where = f"CPU: no GPU or TPU found, {hardware.cores} core{plural}"
    return f"{where}: {said}"


def describe_runtime() -> str:
    """Print where the notebook runs, the hardware and precision, and the profile that follows.

    Used in: every chapter's first code cell.
    """
    from helpers.precision import detect_hardware
    from helpers.profiles import get_profile

    runtime = hosted_runtime() or "local Python (nothing installed)"
    profile = get_profile()
    text = (
        f"Runtime: {runtime}\n{hardware_line(detect_hardware(quick=True))}\n"
        f"Profile: {profile.name} ({profile.expected})"
    )
    print(text)
    return text


__all__ = [
    "HOSTED_PINS",
    "REPOSITORY",
    "badge_markdown",
    "colab_url",
    "describe_runtime",
    "hosted_runtime",
    "install_cell_source",
    "lock_url",
]
