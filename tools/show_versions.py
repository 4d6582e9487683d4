"""Print the versions of the libraries the kit's ranges are about, in this Python.

``make test-oldest``, ``make test-newest`` and ``make tpu-smoke`` print them first, so their
logs say which versions passed (docs/versions.md collects them).
"""

from __future__ import annotations

import importlib.metadata
import platform
import sys

LIBRARIES = (
    "torch",
    "torch-xla",
    "transformers",
    "kernels",
    "tokenizers",
    "huggingface-hub",
    "datasets",
    "accelerate",
    "evaluate",
    "numpy",
    "pandas",
    "pyarrow",
    "pyspark",
    "scikit-learn",
    "jupyterlab",
    "nbval",
    "pytest",
)


def versions() -> dict[str, str]:
    """Each library's installed version, or "-" where it is not installed."""
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def main() -> int:
    pairs = [f"{name} {version}" for name, version in versions().items()]
    print(f"Python {platform.python_version()}: " + ", ".join(pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
