"""Run All of every notebook a learner opens, in JupyterLab in headless Chromium.

Each notebook of ``notebooks_to_run()`` (the chapters, and the student edition once
``make student`` has built it) must finish with no error output, every code cell executed
in order, and every widget rendered. The screenshot is in ``build/browser/``.
"""

from __future__ import annotations

import hashlib

import pytest
from tier import ROOT, notebooks_to_run, report


@pytest.mark.parametrize(
    "path", notebooks_to_run(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_run_all_in_jupyterlab(tier, path):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run = tier.run(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, f"{path} was modified"
    problems = run.problems(tier.timeout)
    assert not problems, "Run All in JupyterLab failed:\n" + report(path, run, tier.timeout)
