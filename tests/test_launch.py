"""Launches never hang: stalled start-ups end with an error naming the step, and forks are safe."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers.launch import (
    LaunchStalledError,
    launch_watchdog,
    process_group_kwargs,
    start_timeout,
)
from helpers.loops import free_port

ROOT = Path(__file__).resolve().parent.parent

# what every launched process of the kit does first (training_function, helpers.train)
WORKER = textwrap.dedent(
    """
    import os, sys
    from accelerate import Accelerator
    import helpers
    with helpers.StartupWatchdog():
        if os.environ.get("DIE_EARLY") == os.environ["RANK"]:
            os._exit(1)  # a worker that crashes before the rendezvous
        accelerator = Accelerator(cpu=True, kwargs_handlers=helpers.process_group_kwargs())
        accelerator.wait_for_everyone()
    print("started", accelerator.process_index, flush=True)
    """
)


def start_worker(rank: int, world: int, port: int, folder: Path, **env) -> subprocess.Popen:
    env = {
        **os.environ,
        "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": str(world),
        "LOCAL_WORLD_SIZE": str(world), "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port),
        "COURSE_LAUNCH_DIR": str(folder), "COURSE_START_TIMEOUT": "5", "OMP_NUM_THREADS": "1",
        **env,
    }  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-c", WORKER], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def test_two_workers_start(tmp_path):
    port = free_port()
    workers = [start_worker(rank, 2, port, tmp_path) for rank in (0, 1)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs[0][1][-2000:]
    # torch 2.9's gloo prints its own "[Gloo] Rank 0 is connected to 1 peer ranks" lines
    printed = [
        [line for line in o[0].splitlines() if not line.startswith("[Gloo]")] for o in outputs
    ]
    assert printed == [["started 0"], ["started 1"]]


def test_a_stalled_rendezvous_ends_with_a_clear_error_within_the_timeout(tmp_path):
    start = time.monotonic()
    lonely = start_worker(1, 2, free_port(), tmp_path)  # process 0 never comes
    _, stderr = lonely.communicate(timeout=120)
    seconds = time.monotonic() - start
    assert lonely.returncode == 3, stderr[-2000:]
    assert "launch stalled: process 1 of 2 waited 5 s in the rendezvous" in stderr
    assert "process 0 never started" in stderr and "COURSE_START_TIMEOUT" in stderr
    assert seconds < 5 + 30  # the timeout, plus starting Python and importing torch


def test_a_dead_worker_is_named(tmp_path):
    port = free_port()
    workers = [start_worker(rank, 2, port, tmp_path, DIE_EARLY="1") for rank in (0, 1)]
    outputs = [w.communicate(timeout=120) for w in workers]
    assert [w.returncode for w in workers] == [3, 1]
    assert "waited 5 s in the rendezvous; process 1 died" in outputs[0][1]
    assert "a dead worker" in outputs[0][1]


def test_the_launcher_side_ends_a_launch_whose_processes_never_report(tmp_path):
    start = time.monotonic()
    with pytest.raises(LaunchStalledError, match="no process reported its start within 1 s"):
        with launch_watchdog(timeout=1):
            # a launched process stuck before its own watchdog could start
            subprocess.run([sys.executable, "-c", "import time; time.sleep(600)"], timeout=300)
    assert time.monotonic() - start < 1 + 20 + 10
    assert "COURSE_LAUNCH_DIR" not in os.environ  # restored


def test_a_stalled_launch_kills_its_own_processes_not_older_children():
    """A child started before the launch (a Spark JVM in the same kernel, say) survives the
    stall; the launch's stuck process does not."""
    older = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        with pytest.raises(LaunchStalledError):
            with launch_watchdog(timeout=1):
                stuck = subprocess.run(
                    [sys.executable, "-c", "import time; time.sleep(600)"], timeout=300
                )
        assert older.poll() is None  # still running
    finally:
        older.kill()
        older.wait(timeout=30)
    assert stuck.returncode == -signal.SIGKILL  # the launch's own process was ended


def test_the_launcher_side_lets_a_good_launch_through(tmp_path):
    port = free_port()
    with launch_watchdog(timeout=60) as folder:
        workers = [start_worker(rank, 2, port, folder) for rank in (0, 1)]
        for worker in workers:
            worker.communicate(timeout=120)
    assert [w.returncode for w in workers] == [0, 0]


def test_timeouts(monkeypatch):
    monkeypatch.delenv("COURSE_START_TIMEOUT", raising=False)
    assert start_timeout() == 120.0
    monkeypatch.setenv("COURSE_START_TIMEOUT", "45")
    assert start_timeout() == 45.0
    assert process_group_kwargs()[0].timeout.total_seconds() == 55.0
    monkeypatch.setenv("COURSE_START_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="got 'soon'"):
        start_timeout()


# A fork copies only the forking thread: a lock another thread holds at that instant stays
# locked in the child. ipykernel's output thread holds sys.stdout's and sys.stderr's
# _buffer_lock while it flushes; this stands in for it, caught at the fork.
FORK_RACE = textwrap.dedent(
    """
    import os, sys, threading, time
    import helpers

    class KernelStream:  # ipykernel's OutStream, as far as locks go
        def __init__(self):
            self._buffer_lock = threading.RLock()
        def write(self, text):
            with self._buffer_lock:
                return len(text)
        def flush(self):
            pass

    sys.stdout = sys.stderr = KernelStream()
    if sys.argv[1] == "fixed":
        helpers.make_fork_safe()
    release = threading.Event()
    def output_thread(ready):
        with sys.stderr._buffer_lock:
            ready.set()
            release.wait(10)
    def before_fork():
        ready = threading.Event()
        threading.Thread(target=output_thread, args=(ready,), daemon=True).start()
        ready.wait()
    os.register_at_fork(before=before_fork, after_in_parent=release.set)
    pid = os.fork()
    if pid == 0:
        sys.stderr.write("a warning from the launched process")
        os._exit(0)
    for _ in range(60):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            os.write(1, b"child finished")
            os._exit(0)
        time.sleep(0.1)
    os.kill(pid, 9)
    os.write(1, b"child hung")
    os._exit(0)
    """
)


@pytest.mark.parametrize(("variant", "expected"), [("unfixed", "child hung"), ("fixed", "child finished")])  # fmt: skip
def test_a_child_forked_while_the_output_lock_is_held(variant, expected):
    done = subprocess.run(
        [sys.executable, "-c", FORK_RACE, variant], capture_output=True, text=True, timeout=60
    )
    assert done.stdout == expected, done.stderr[-2000:]
