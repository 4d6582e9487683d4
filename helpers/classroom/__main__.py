"""``python -m helpers.classroom``: progress tables, the student edition, the gettext template."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent.parent / "notebooks"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.classroom", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("progress", help="one table per learner notebook")
    show.add_argument("notebooks", nargs="+", type=Path, help="learner notebooks (.ipynb)")
    student = commands.add_parser("student", help="write the student edition")
    student.add_argument("--out", type=Path, default=Path("build/student"))
    student.add_argument(
        "--no-solutions",
        action="store_true",
        help="leave the reference solutions out: solution() has none, no file holds them",
    )
    student.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    pot = commands.add_parser("pot", help="write the gettext template of the learner texts")
    pot.add_argument("--out", type=Path, help="default: standard output")
    args = parser.parse_args(argv)

    if args.command == "progress":
        from helpers.classroom.report import table

        print("\n\n".join(table(path) for path in args.notebooks))
        return 0
    if args.command == "student":
        from helpers.classroom.student import build

        notebooks = args.notebooks or sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
        if not notebooks:
            parser.error(f"no notebooks given and none in {NOTEBOOKS_DIR}")
        written = build(notebooks, args.out, solutions=not args.no_solutions)
        kind = "without solutions" if args.no_solutions else "solution() available"
        print(f"student edition ({kind}): {len(written)} notebooks in {args.out}/")
        return 0
    from helpers.classroom.text import catalogue_strings
    from helpers.classroom.text import pot as make_pot

    content = make_pot(catalogue_strings())
    if args.out:
        args.out.write_text(content, encoding="utf-8")
    else:
        sys.stdout.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
