"""Launch chapter 3's two-process run many times from a Jupyter kernel, with a core kept busy.

``make stress`` runs it: a kernel (as a learner's notebook has) trains a little, then starts
``helpers.training_function`` on 2 CPU processes with ``notebook_launcher`` ``--launches``
times in a row, while another process burns a core. Each launch must finish within
``--timeout`` seconds (the kit's start-up watchdog ends a stalled one within
``COURSE_START_TIMEOUT``); a launch that does not is reported with the Python stacks of its
processes (``py-spy``, when installed). Prints each launch's seconds and a summary; exits 1 if
any launch failed or hung.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import subprocess
import sys
import time
from pathlib import Path

SETUP = """
import json, tempfile
from pathlib import Path
import torch
from accelerate import notebook_launcher
import helpers
profile = helpers.setup("embedded", progress_bars=True)
checkpoint = helpers.model_checkpoint(profile, "mrpc")
raw_datasets = helpers.load_mrpc()
# as chapter 3 does before it launches: train in this kernel, with a progress bar
helpers.training_function(checkpoint, raw_datasets, num_epochs=1, lr=3e-3, batch_size=16)
"""

LAUNCH = """
helpers.reset_accelerate_state()
metrics_path = Path(tempfile.mkdtemp(prefix="stress-")) / "metrics.json"
args = (checkpoint, raw_datasets, 2, 3e-3, 16, 42, "no", metrics_path)
notebook_launcher(helpers.training_function, args=args, num_processes=2,
                  use_port=str(helpers.free_port()))
launched = json.loads(metrics_path.read_text())
assert launched["num_processes"] == 2, launched["num_processes"]
assert launched["eval_samples"] == len(raw_datasets["validation"]), launched["eval_samples"]
"""


def descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (children first), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def dump_stacks(pid: int) -> str:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return "(install py-spy to see the stacks of stalled processes)"
    out = []
    for target in [pid, *descendants(pid)]:
        done = subprocess.run(
            [spy, "dump", "--pid", str(target)], capture_output=True, text=True, timeout=60
        )
        out.append(f"--- process {target}\n{done.stdout}{done.stderr}")
    return "\n".join(out)


def run_cell(client, code: str, timeout: float) -> tuple[str, str]:
    """Execute ``code``; return ("ok" | "error" | "hang", text of errors)."""
    msg_id = client.execute(code)
    deadline = time.monotonic() + timeout
    errors = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "hang", ""
        try:
            msg = client.get_iopub_msg(timeout=min(left, 5))
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            errors.append("\n".join(msg["content"]["traceback"][-3:]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return ("error" if errors else "ok"), "\n".join(errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per launch")
    parser.add_argument("--no-load", dest="load", action="store_false", help="no busy core")
    args = parser.parse_args(argv)
    from jupyter_client.manager import start_new_kernel

    env = {**os.environ, "COURSE_PROFILE": "embedded", "HF_HUB_OFFLINE": "1", "CI": "1"}
    burner = None
    if args.load:
        burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    # the kernel's own log (widget messages its forked processes cannot send) would bury the summary
    manager, client = start_new_kernel(
        kernel_name="python3", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    results, failures = [], 0
    try:
        status, text = run_cell(client, SETUP, 300)
        if status != "ok":
            print(f"setup {status}: {text}")
            return 1
        for i in range(1, args.launches + 1):
            start = time.monotonic()
            status, text = run_cell(client, LAUNCH, args.timeout)
            seconds = time.monotonic() - start
            results.append(seconds)
            print(f"launch {i:2d}: {status} in {seconds:.1f} s", flush=True)
            if status != "ok":
                failures += 1
                print(text or dump_stacks(manager.provisioner.process.pid), flush=True)
                if status == "hang":
                    break
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        if burner is not None:
            burner.kill()
            burner.wait()
    if results:
        print(
            f"{len(results)} launches, {failures} failed or hung; seconds per launch: "
            f"min {min(results):.1f}, mean {sum(results) / len(results):.1f}, max {max(results):.1f}"
            f"{' (a core kept busy)' if args.load else ''}"
        )
    return 1 if failures or len(results) < args.launches else 0


if __name__ == "__main__":
    sys.exit(main())
