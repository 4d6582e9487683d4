"""The lock (``constraints.txt``) and the constraint files made from it and from pyproject.toml.

``constraints.txt`` pins every package of the environment CI tested (``make venv``, ``.ci/run``,
``environment.yml`` and the chapters' first cell on Colab or Kaggle install through it);
``pyproject.toml`` keeps the ranges. Subcommands:

- ``freeze PYTHON``: write the lock from the environment of ``PYTHON`` (``make lock`` uses the
  newest-versions venv after its tests passed);
- ``lowest``: ``name==floor`` for every dependency of pyproject.toml with a lower bound, the
  kit's and the ``dev`` and ``instructor`` extras' (``make test-oldest``; what ``--resolution lowest-direct`` does);
- ``swap NAME==VERSION...``: the lock with those packages' pins replaced (``make tpu-smoke``:
  the lock with torch-xla's torch).
"""

from __future__ import annotations

import argparse
import datetime
import platform
import re
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "constraints.txt"
DISTRIBUTION = "ft-course-kit"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def canonical(name: str) -> str:
    """A package name as pip compares it.

    >>> canonical("Huggingface_Hub"), canonical("ruamel.yaml")
    ('huggingface-hub', 'ruamel-yaml')
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    """The ``name==version`` lines of a constraints file, by canonical name.

    >>> pins("# tested\\ntorch==2.13.0\\nHuggingface_Hub==2.4.0\\n")
    {'torch': '2.13.0', 'huggingface-hub': '2.4.0'}
    """
    return {canonical(m[1]): m[2] for line in text.splitlines() if (m := PIN.match(line.strip()))}


def frozen(python: str) -> list[str]:
    """``name==version`` of every package in ``python``'s environment but the kit itself.

    Local version labels go (``2.13.0+cpu`` becomes ``2.13.0``): the lock names a release,
    and pip matches any build of it (CPU here, the CUDA build on a GPU machine).
    """
    done = subprocess.run(
        [python, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = []
    for name, version in pins(done.stdout).items():
        if name not in (DISTRIBUTION, "pip"):  # pip upgrades itself first
            lines.append(f"{name}=={version.split('+')[0]}")
    return sorted(lines)


def pyproject_requirements(path: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    """The kit's dependencies and its ``dev`` and ``instructor`` extras, parsed."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        from pip._vendor import tomli as tomllib
    project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    texts = project["dependencies"] + extras["dev"] + extras["instructor"]
    return [Requirement(text) for text in texts]


def floors(requirements: list[Requirement]) -> tuple[list[str], list[str]]:
    """``name==lowest`` for each requirement with a lower bound, and the names without one.

    >>> floors([Requirement("torch>=2.9,<2.14"), Requirement("evaluate==0.4.6"),
    ...         Requirement("tqdm")])
    (['torch==2.9', 'evaluate==0.4.6'], ['tqdm'])
    """
    pinned, open_ended = [], []
    for requirement in requirements:
        lows = [s.version for s in requirement.specifier if s.operator in (">=", "==", "~=")]
        if lows:
            pinned.append(f"{canonical(requirement.name)}=={lows[0]}")
        else:
            open_ended.append(canonical(requirement.name))
    return pinned, open_ended


def swap(text: str, replacements: list[str]) -> str:
    """The constraints ``text`` with the pins of ``replacements`` put in place of its own.

    >>> swap("numpy==2.3.0\\ntorch==2.13.0\\n", ["torch==2.9.0", "torch-xla==2.9.0"])
    'numpy==2.3.0\\ntorch==2.9.0\\ntorch-xla==2.9.0\\n'
    """
    new = pins("\n".join(replacements))
    kept = [line for line in text.splitlines() if pins(line).keys().isdisjoint(new)]
    lines = [line for line in kept if line.strip()] + [f"{k}=={v}" for k, v in new.items()]
    return "\n".join(lines) + "\n"


def header(python: str) -> str:
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    today = datetime.date.today().isoformat()
    return (
        "# The versions CI tested: make venv, .ci/run, environment.yml and the chapters' first\n"
        "# cell on Colab/Kaggle install through this file; pyproject.toml keeps the ranges.\n"
        f"# Written by `make lock` on {today} (Python {version}, {platform.system()}"
        f" {platform.machine()}) after the newest-versions tests passed; see docs/versions.md.\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    freeze = commands.add_parser("freeze", help="write the lock from PYTHON's environment")
    freeze.add_argument("python")
    freeze.add_argument("-o", "--output", type=Path, default=LOCK)
    lowest = commands.add_parser("lowest", help="name==floor for each ranged dependency")
    lowest.add_argument("-o", "--output", type=Path, required=True)
    swapped = commands.add_parser("swap", help="the lock with some pins replaced")
    swapped.add_argument("pins", nargs="+", metavar="NAME==VERSION")
    swapped.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if args.command == "freeze":
        lines = frozen(args.python)
        args.output.write_text(header(args.python) + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} pins to {args.output}")
    elif args.command == "lowest":
        pinned, open_ended = floors(pyproject_requirements())
        note = "# the floors of pyproject.toml's ranges (tools/lock.py lowest); no floor, so the\n"
        note += f"# newest: {', '.join(open_ended)}\n"
        args.output.write_text(note + "\n".join(pinned) + "\n", encoding="utf-8")
        print(f"wrote {len(pinned)} floors to {args.output}")
    else:
        args.output.write_text(swap(LOCK.read_text(encoding="utf-8"), args.pins), encoding="utf-8")
        print(f"wrote {args.output}: the lock with {', '.join(args.pins)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
