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
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from grading_class import learners, write  # noqa: E402

from tools.nbgrader_course import assignments, build, nbgrader  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def autograde_seconds(course: Path, name: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (nbgrader and its kernels) of one ``nbgrader autograde``."""
    start, cpu = time.perf_counter(), _cpu()
    result = nbgrader(course, "autograde", name, timeout=6 * 3600, check=False)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"nbgrader autograde {name} failed:\n{result.stderr[-3000:]}")
    return seconds, _cpu() - cpu


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
    print("chapter            one submission: wall s (CPU s)   in a batch: wall s (CPU s) each")
    for chapter in args.chapters:
        name = assignments()[chapter]
        fresh_submissions(course, chapter, 1)
        per_one[chapter] = autograde_seconds(course, name)
        line = f"{name:18} {per_one[chapter][0]:7.1f} ({per_one[chapter][1]:6.1f})"
        if args.learners > 1:
            fresh_submissions(course, chapter, args.learners)
            wall, cpu = autograde_seconds(course, name)
            per_class[chapter] = (wall / args.learners, cpu / args.learners)
            each = per_class[chapter]
            ratio = each[0] / per_one[chapter][0]
            line += f"   {each[0]:7.1f} ({each[1]:6.1f}) of {args.learners}, ratio {ratio:.2f}"
        print(line, flush=True)
    rates = per_class or per_one
    wall, cpu = sum(r[0] for r in rates.values()), sum(r[1] for r in rates.values())
    print(f"all {len(args.chapters)} chapters: {wall:.0f} s wall, {cpu:.0f} s CPU per learner")
    for size in (30, 300):
        print(
            f"a class of {size}: {size * wall / 3600:.1f} h wall as measured, "
            f"{size * cpu / 3600:.1f} CPU-hours (one submission at a time)"
        )
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
