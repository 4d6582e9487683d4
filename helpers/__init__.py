"""Helpers for the fine-tuning course kit: what the lessons use but do not teach.

Every public name is importable as ``helpers.<name>`` (for example ``helpers.load_mrpc``).
Submodules are imported on first use, so ``import helpers`` is instant and has no side
effects; each module lists its public names in ``__all__``.
"""

from __future__ import annotations

import importlib
import importlib.util

# Modules whose __all__ names are re-exported here, in lookup order.
_MODULES = (
    "profiles",
    "session",
    "data",
    "metrics",
    "models",
    "labels",
    "spark",
    "plots",
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
    "train",
    "budget",
    "speed",
)


def _public(module_name: str) -> list[str]:
    if importlib.util.find_spec(f"{__name__}.{module_name}") is None:
        return []
    return list(getattr(importlib.import_module(f"{__name__}.{module_name}"), "__all__", []))


def __getattr__(name: str):
    for module_name in _MODULES:
        if importlib.util.find_spec(f"{__name__}.{module_name}") is None:
            continue
        module = importlib.import_module(f"{__name__}.{module_name}")
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({n for m in _MODULES for n in _public(m)} | set(globals()))
