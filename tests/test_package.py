"""The ``helpers`` package namespace: ``helpers.<name>`` for every public name, imported lazily."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import helpers


def _modules() -> list[str]:
    return [m for m in helpers._MODULES if helpers._spec(m) is not None]


@pytest.mark.parametrize("module_name", _modules())
def test_every_public_name_is_reachable_from_the_package(module_name):
    module = importlib.import_module(f"helpers.{module_name}")
    for name in module.__all__:
        owner = helpers._index()[name]  # the first module of _MODULES that lists it
        assert getattr(helpers, name) is getattr(importlib.import_module(f"helpers.{owner}"), name)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'no_such_helper'"):
        helpers.no_such_helper  # noqa: B018


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_a_lookup_imports_only_the_module_that_holds_the_name():
    # `from helpers import classroom` asks helpers for the attribute before it imports the
    # submodule; a lookup that imported every module in turn pulled torch and transformers
    # into chapter 1 (4 s of its Run All)
    assert not {"torch", "transformers"} & _imported_after("from helpers import classroom")
    assert not {"torch", "transformers"} & _imported_after("import helpers; helpers.setup")
