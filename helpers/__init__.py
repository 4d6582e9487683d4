"""Helpers for the fine-tuning course kit: what the lessons use but do not teach.

Every public name is importable as ``helpers.<name>`` (for example ``helpers.load_mrpc``).
Submodules are imported on first use, so ``import helpers`` is instant and has no side
effects; each module lists its public names in ``__all__``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
from pathlib import Path

# Modules whose __all__ names are re-exported here, in lookup order.
_MODULES = (
    "profiles",
    "session",
    "data",
    "data_files",
    "data_size",
    "metrics",
    "models",
    "labels",
    "spark",
    "history",
    "plots",
    "entity_plots",
    "ner",
    "mrpc",
    "loops",
    "precision",
    "colab",
    "hub_kernels",
    "launch",
    "checkpoints",
    "evaluation",
    "train_data",
    "train_model",
    "train_loop",
    "trainer_resume",
    "trainer_order",
    "recipes",
    "train",
    "budget",
    "speed",
)


def _spec(module_name: str):
    return importlib.util.find_spec(f"{__name__}.{module_name}")


@functools.cache
def _index() -> dict[str, str]:
    """Each public name and the first module in ``_MODULES`` that lists it, read from the
    modules' ``__all__`` literals without importing them: a lookup imports one module, not
    every module before it (which pulled torch and transformers into chapter 1)."""
    index: dict[str, str] = {}
    for module_name in _MODULES:
        spec = _spec(module_name)
        if spec is None or spec.origin is None:
            continue
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                for name in ast.literal_eval(node.value):
                    index.setdefault(name, module_name)
    return index


def _public(module_name: str) -> list[str]:
    return [name for name, module in _index().items() if module == module_name]


def __getattr__(name: str):
    if not name.startswith("__") and _spec(name) is not None:
        # a submodule: `from helpers import classroom` asks for the attribute first
        return importlib.import_module(f"{__name__}.{name}")
    module_name = _index().get(name)
    if module_name is None:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module_name}"), name)


def __dir__() -> list[str]:
    return sorted({n for m in _MODULES for n in _public(m)} | set(globals()))
