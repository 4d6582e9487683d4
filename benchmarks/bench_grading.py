"""Seconds nbgrader takes to autograde the kit's chapters: one submission, then a class.

    python benchmarks/bench_grading.py [--learners 30] [--chapters 1 2 3 4] [--out build/bench-grading]

Builds the English course as ``make class`` does, then per chapter times ``nbgrader
autograde`` of one full-marks submission (nbgrader's start, the kernel, a Run All of the
chapter on the active profile, the gradebook), then of ``--learners`` copies of it in one
nbgrader run, and prints seconds per submission side by side, the ratio of the two, and what
a class of 30 and of 300 learners costs at the measured rate (nbgrader grades one
submission after another). The machine's load is printed with the figures: on a shared
machine they are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from grading_class import learners, write  # noqa: E402

from tools.nbgrader_course import assignments, build, nbgrader  # noqa: E402


def autograde_seconds(course: Path, name: str) -> float:
    start = time.perf_counter()
    result = nbgrader(course, "autograde", name, timeout=6 * 3600, check=False)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"nbgrader autograde {name} failed:\n{result.stderr[-3000:]}")
    return seconds


def fresh_submissions(course: Path, chapter: int, count: int) -> None:
    """``count`` full-marks submissions of ``chapter`` (learners full-0, full-1, ...)."""
    shutil.rmtree(course / "submitted", ignore_errors=True)
    shutil.rmtree(course / "autograded", ignore_errors=True)
    full = next(x for x in learners((chapter,)) if x.student == "full")
    for n in range(count):
        full.student = f"full-{n}"
        write(course, [full])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--chapters", type=int, nargs="*", default=[1, 2, 3, 4])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "bench-grading")
    args = parser.parse_args(argv)
    os.environ.setdefault("COURSE_PROFILE", "embedded")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    course = args.out.resolve()
    shutil.rmtree(course, ignore_errors=True)
    build("en", course)
    print(f"profile {os.environ['COURSE_PROFILE']}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    per_one, per_class = {}, {}
    for chapter in args.chapters:
        name = assignments()[chapter]
        fresh_submissions(course, chapter, 1)
        per_one[chapter] = autograde_seconds(course, name)
        if args.learners > 1:
            fresh_submissions(course, chapter, args.learners)
            per_class[chapter] = autograde_seconds(course, name) / args.learners
        batch = f"{per_class[chapter]:7.1f} s each of {args.learners}" if per_class else ""
        print(f"{name:18} one submission {per_one[chapter]:7.1f} s   {batch}", flush=True)
    rate = sum((per_class or per_one).values())
    print(f"all {len(args.chapters)} chapters: {rate:.0f} s per learner")
    for size in (30, 300):
        print(
            f"a class of {size}: {size * rate / 3600:.1f} h of autograde, one submission at a time"
        )
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
