"""Colab and Kaggle: the badges, the first code cell, and that cell run in a fresh environment."""

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
import torch

from helpers.colab import REPOSITORY, badge_markdown, colab_url, install_cell_source

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def badge_problem(path: Path) -> str | None:
    """What is wrong with a notebook's badge, or None: it must open this very notebook."""
    notebook = nbformat.read(path, as_version=4)
    first = next((c for c in notebook.cells if c.cell_type == "markdown"), None)
    if first is None or "colab-badge.svg" not in first.source:
        return f"{path.name}: no Colab badge in the first markdown cell"
    if badge_markdown(path.name) not in first.source.splitlines()[0]:
        return f"{path.name}: the badge does not open notebooks/{path.name} of {REPOSITORY}"
    return None


def first_code_cell(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return next(c.source for c in notebook.cells if c.cell_type == "code")


def test_there_are_chapters():
    assert len(CHAPTERS) >= 4


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_badge_opens_its_own_notebook(path):
    assert badge_problem(path) is None


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_chapter_starts_with_the_install_cell(path):
    assert first_code_cell(path) == install_cell_source()


def test_a_badge_for_another_notebook_is_caught(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(badge_markdown("02_mrpc_trainer.ipynb"))]
    wrong = tmp_path / "03_training_loop.ipynb"
    nbformat.write(notebook, wrong)
    assert "does not open notebooks/03_training_loop.ipynb" in badge_problem(wrong)
    notebook.cells = [nbformat.v4.new_markdown_cell("# Chapter 3")]
    nbformat.write(notebook, wrong)
    assert "no Colab badge" in badge_problem(wrong)


def test_the_badge_names_the_repository_once():
    url = colab_url("04_ner.ipynb")
    assert url.endswith(f"/github/{REPOSITORY}/blob/main/notebooks/04_ner.ipynb")
    assert REPOSITORY in install_cell_source()


# ---------------------------------------------------------------- the cell in a fresh venv


@pytest.fixture(scope="module")
def kit_wheel(tmp_path_factory) -> Path:
    """A wheel of the kit built from this checkout (sources copied: no build/ left behind)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "helpers", src / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run([*command, "-w", str(dist), str(src)], check=True, timeout=300)
    return dist


def fresh_venv_with_torch(tmp_path: Path) -> Path:
    """A new venv that sees this one's packages (torch and the kit's dependencies) but not the kit.

    The packages are shown through a folder of links named in a .pth file, leaving out the
    kit's own editable install, so pip in the new venv finds every dependency satisfied
    and installs only the kit, into the new venv.
    """
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    view = tmp_path / "view"
    view.mkdir()
    here = Path(sysconfig.get_paths()["purelib"])
    for entry in here.iterdir():
        name = entry.name.lower()
        if name.startswith(("ft_course_kit", "__editable__", "helpers")) or name.endswith(".pth"):
            continue
        (view / entry.name).symlink_to(entry)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    (Path(purelib) / "seen-packages.pth").write_text(f"{view}\n")
    return python


def run_cell(python: Path, tmp_path: Path, env: dict) -> subprocess.CompletedProcess:
    script = tmp_path / "first_cell.py"
    script.write_text(install_cell_source())
    return subprocess.run(
        [python, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )


def lock_differences() -> list[str]:
    """The course's libraries whose installed version is not the lock's (make test-oldest)."""
    from helpers.colab import HOSTED_PINS
    from tools.lock import pins

    locked = pins((ROOT / "constraints.txt").read_text())
    found = []
    for name in HOSTED_PINS:
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if name in locked and installed != locked[name]:
            found.append(f"{name} {installed} (lock: {locked[name]})")
    return found


def test_the_first_cell_installs_the_kit_on_colab_and_keeps_torch(kit_wheel, tmp_path):
    if differences := lock_differences():
        pytest.skip(f"not the lock's environment, the cell would need an index: {differences}")
    python = fresh_venv_with_torch(tmp_path)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("COLAB", "KAGGLE", "PIP_"))}
    base.update(HF_HUB_OFFLINE="1", COURSE_PROFILE="embedded", PYTHONPATH="")
    version = "import importlib.metadata as m; print(m.version('torch'))"

    def probe(code: str) -> str:
        done = subprocess.run(
            [python, "-c", code], env=base, capture_output=True, text=True, cwd=tmp_path
        )
        return done.stdout.strip() + done.stderr[-500:]

    assert probe(version) == importlib.metadata.version("torch")
    assert "ModuleNotFoundError" in probe("import helpers")

    # a local Jupyter: nothing is installed, and the error says how to install the kit
    local = run_cell(python, tmp_path, base)
    assert local.returncode != 0 and "make lab (or pip install -e .)" in local.stderr
    assert "ModuleNotFoundError" in probe("import helpers")

    # Colab, its package index replaced by the wheel built from this checkout, the lock read
    # from this checkout (these packages are the lock's versions: make venv installed them)
    colab = {**base, "COLAB_RELEASE_TAG": "release-colab-test", "COURSE_KIT": "ft-course-kit"}
    colab.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(kit_wheel), PIP_CONFIG_FILE=os.devnull)

    # the lock's pins are applied to the course's libraries: a pin that the installed
    # transformers does not meet makes pip fail
    lock = (ROOT / "constraints.txt").read_text()
    assert "\ntransformers==" in lock and "\njupyterlab==" in lock
    other = tmp_path / "other-lock.txt"
    other.write_text(lock.replace("\ntransformers==", "\ntransformers==0.0.1\n#"))
    refused = run_cell(python, tmp_path, {**colab, "COURSE_LOCK": other.as_uri()})
    assert refused.returncode != 0 and "conflicting dependencies" in refused.stderr
    assert "ModuleNotFoundError" in probe("import helpers")
    gone = run_cell(python, tmp_path, {**colab, "COURSE_LOCK": (tmp_path / "no").as_uri()})
    assert "could not read the tested versions from file://" in gone.stderr

    # ... and only to them: a pin of one of the runtime's own packages (jupyterlab) is left out
    other.write_text(lock.replace("\njupyterlab==", "\njupyterlab==0.0.1\n#"))
    colab["COURSE_LOCK"] = other.as_uri()
    first = run_cell(python, tmp_path, colab)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "installed the course kit from ft-course-kit at the versions of file://" in first.stdout
    assert "Runtime: Colab" in first.stdout and "Profile: embedded" in first.stdout
    assert ("CPU: no GPU or TPU found" in first.stdout) != torch.cuda.is_available()
    where = probe("import helpers; print(helpers.__file__)")
    assert where.startswith(str(tmp_path / "venv")), where  # installed there, not this checkout
    assert probe(version) == importlib.metadata.version("torch")  # torch untouched

    # run twice: nothing to do the second time
    second = run_cell(python, tmp_path, colab)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "is installed" in second.stdout and "installed the course kit from" not in second.stdout
