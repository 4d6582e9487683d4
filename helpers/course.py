"""Run every chapter notebook headless and summarise: ``python -m helpers.course`` (``make course``).

Each notebook runs in a fresh kernel of this Python, in its own folder, with the current
environment (so ``COURSE_PROFILE`` and the other switches apply). The executed copies go to
``--output``; the summary lists each notebook, its seconds and the ``Headline:`` line it
printed (see ``helpers.session.headline``).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def headline_of(notebook) -> str:
    """The last ``Headline:`` line a notebook printed, or "" when it printed none."""
    found = ""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else ""
            for line in text.splitlines():
                if line.startswith("Headline: "):
                    found = line[len("Headline: ") :]
    return found


def run_notebook(path: Path, output_dir: Path, timeout: int) -> tuple[float, str]:
    """Execute ``path``; write the executed copy into ``output_dir``; return (seconds, headline)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # cells tagged to skip (Hub pushes, full-size runs) stay skipped here too
        skip_cells_with_tag="skip-execution",
    )
    start = time.perf_counter()
    try:
        client.execute()
    finally:
        seconds = time.perf_counter() - start
        output_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, output_dir / path.name)
    return seconds, headline_of(notebook)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", default="build/course", help="folder for the executed notebooks"
    )
    parser.add_argument("--timeout", type=int, default=3600, help="seconds allowed per cell")
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="notebooks run at once; each kernel mostly waits on its start and imports",
    )
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: all chapters)")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    output_dir = Path(args.output)
    rows: list[tuple[str, str, str]] = []
    failed = False
    total = time.perf_counter()
    print(f"running {len(paths)} notebooks, {args.jobs} at a time ...", flush=True)
    # separate processes: each notebook has its own kernel client and event loop
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_notebook, path, output_dir, args.timeout) for path in paths]
        for path, future in zip(paths, futures):
            try:
                seconds, headline = future.result()
                rows.append((path.name, f"{seconds:.1f}", headline or "-"))
            except Exception as error:  # noqa: BLE001 - report every notebook, then fail
                failed = True
                first = str(error).strip().splitlines()[-1:] or [type(error).__name__]
                rows.append((path.name, "failed", first[0][:120]))
    total = time.perf_counter() - total
    width = max(len(r[0]) for r in rows) if rows else 10
    lines = [f"{'notebook':<{width}}  {'seconds':>7}  headline"]
    lines += [f"{name:<{width}}  {secs:>7}  {head}" for name, secs, head in rows]
    lines.append(f"{'total (wall)':<{width}}  {total:>7.1f}")
    summary = "\n".join(lines)
    print(f"\nExecuted notebooks are in {output_dir}/\n{summary}")
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / "summary.txt").write_text(summary + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
