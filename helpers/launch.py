"""Launches that never hang: a bounded start-up for every process the kit starts.

Three guards, each ending a stalled launch with an error that names the step:

- ``process_group_kwargs()``: the process group's timeout (the rendezvous and every collective
  wait at most that long), handed to ``Accelerator(kwargs_handlers=...)``;
- ``StartupWatchdog``: inside each launched process, from its start until the first
  collective has completed; a process stuck longer (in the rendezvous, in the first
  collective, or waiting for a worker that died) writes what it was waiting for and exits;
- ``launch_watchdog()``: around the launch (``notebook_launcher`` or a subprocess), in the
  process that launches; if the workers have not all started in time, it ends them and
  raises ``LaunchStalledError`` with what each one was doing.

The time is ``COURSE_START_TIMEOUT`` seconds, 120 by default, or the ``timeout`` argument.
``make_fork_safe()`` removes the cause of the rare hang of ``notebook_launcher`` on CPU: see
its docstring.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

START_TIMEOUT_ENV = "COURSE_START_TIMEOUT"
LAUNCH_DIR_ENV = "COURSE_LAUNCH_DIR"
DEFAULT_START_TIMEOUT = 120.0
POLL_S = 0.25
GROUP_GRACE_S = 10.0  # the process group gives up this long after the watchdog
LAUNCHER_GRACE_S = 20.0  # the launcher stops the processes this long after their watchdogs


class LaunchStalledError(RuntimeError):
    """A launched run did not start within the start-up timeout."""


def start_timeout(timeout: float | None = None) -> float:
    """Seconds a launch may take to start: ``timeout``, else ``COURSE_START_TIMEOUT``, else 120.

    >>> start_timeout(30)
    30.0
    >>> start_timeout(-1)
    Traceback (most recent call last):
    ...
    ValueError: the start-up timeout must be a number of seconds above 0, got -1 (COURSE_START_TIMEOUT or timeout=)
    """
    value = (
        timeout
        if timeout is not None
        else os.environ.get(START_TIMEOUT_ENV) or DEFAULT_START_TIMEOUT
    )
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if not seconds > 0:
        raise ValueError(
            f"the start-up timeout must be a number of seconds above 0, got {value!r} "
            f"({START_TIMEOUT_ENV} or timeout=)"
        )
    return seconds


def process_group_kwargs(timeout: float | None = None) -> list:
    """``Accelerator(kwargs_handlers=...)`` that bound the rendezvous and each collective.

    torch's default is 30 minutes for a CPU (gloo) group: a process whose partner never
    comes would wait that long. Here it is the start-up timeout (120 s unless set) plus 10 s.

    Used in: 03_training_loop (``training_function``), ``helpers.train``.
    """
    from datetime import timedelta

    from accelerate.utils import InitProcessGroupKwargs

    # 10 s more than the watchdog's limit: the watchdog's error, which names the step, comes first
    seconds = start_timeout(timeout) + GROUP_GRACE_S
    return [InitProcessGroupKwargs(timeout=timedelta(seconds=seconds))]


def _rank_and_world() -> tuple[int, int]:
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))


def launch_dir() -> Path:
    """The folder where this launch's processes report their start-up (shared by all of them)."""
    if os.environ.get(LAUNCH_DIR_ENV):
        return Path(os.environ[LAUNCH_DIR_ENV])
    # the processes of one launch share their parent (the launcher) and the meeting port
    port = os.environ.get("MASTER_PORT", "0")
    return Path(tempfile.gettempdir()) / f"ft-course-launch-{os.getppid()}-{port}"


def _write_status(folder: Path, rank: int, **status) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".rank{rank}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"rank": rank, "pid": os.getpid(), **status}))
    os.replace(tmp, folder / f"rank{rank}.json")


def read_statuses(folder: Path) -> dict[int, dict]:
    """What each process of a launch last reported, by rank."""
    statuses = {}
    for path in Path(folder).glob("rank*.json"):
        try:
            status = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        statuses[int(status["rank"])] = status
    return statuses


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return Path(f"/proc/{pid}").exists() and "Z" not in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


HINTS = {
    "rendezvous": (
        "not every process reached the meeting point {address}: one may have died before it "
        "(see its error above), another program may hold the port, or the machine is too busy "
        "to start them in time"
    ),
    "first collective": (
        "the processes met, but their first exchange (a barrier) did not complete: another "
        "process is stuck or has died (see its error above)"
    ),
}


def stall_message(rank: int, world: int, phase: str, seconds: float, statuses: dict) -> str:
    """The error a stalled start-up ends with: who waited, for what, and what to try.

    >>> print(stall_message(1, 2, "rendezvous", 120, {0: {"pid": 0, "phase": "dead"}}))  # doctest: +ELLIPSIS
    launch stalled: process 1 of 2 waited 120 s in the rendezvous; process 0 died ... COURSE_START_TIMEOUT ...
    """
    dead = [
        f"process {r} died (pid {s['pid']}) during its {s.get('phase', 'start-up')}"
        for r, s in sorted(statuses.items())
        if r != rank and s.get("phase") != "started" and not _alive(int(s["pid"]))
    ]
    missing = [f"process {r} never started" for r in range(world) if r not in statuses]
    if dead or missing:
        why = "; ".join(dead + missing) + " (a dead worker: see its error above)"
    else:
        address = f"{os.environ.get('MASTER_ADDR', '?')}:{os.environ.get('MASTER_PORT', '?')}"
        why = HINTS.get(phase, "it made no progress").format(address=address)
    return (
        f"launch stalled: process {rank} of {world} waited {seconds:.0f} s in the {phase}; "
        f"{why}. Fix the cause above, or set {START_TIMEOUT_ENV} (seconds) to wait longer."
    )


class StartupWatchdog:
    """Inside a launched process: end it with a clear error if its start-up stalls.

    Use it around the creation of the ``Accelerator`` and a first ``wait_for_everyone()``.
    Until the process group exists the step is "rendezvous", then "first collective". A
    process that exceeds the timeout writes the error to its stderr and to the launch folder
    (where ``launch_watchdog`` reads it) and exits with status 3; the launcher then stops the
    others. A single process (no ``WORLD_SIZE`` above 1) has nothing to wait for.

    Used in: 03_training_loop (``training_function``), ``helpers.train``.
    """

    def __init__(self, timeout: float | None = None):
        self.timeout = start_timeout(timeout)
        self.rank, self.world = _rank_and_world()
        self.folder = launch_dir()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def phase(self) -> str:
        import torch.distributed

        ready = torch.distributed.is_available() and torch.distributed.is_initialized()
        return "first collective" if ready else "rendezvous"

    def __enter__(self) -> StartupWatchdog:
        if self.world > 1:
            _write_status(self.folder, self.rank, phase="rendezvous", world=self.world)
            self._thread = threading.Thread(
                target=self._watch, daemon=True, name="startup-watchdog"
            )
            self._thread.start()
        return self

    def _watch(self) -> None:
        start = time.monotonic()
        last = None
        while not self._done.wait(POLL_S):
            phase = self.phase()
            if phase != last:
                _write_status(self.folder, self.rank, phase=phase, world=self.world)
                last = phase
            if time.monotonic() - start > self.timeout:
                message = stall_message(
                    self.rank, self.world, phase, self.timeout, read_statuses(self.folder)
                )
                _write_status(self.folder, self.rank, phase=phase, world=self.world, error=message)
                # straight to the file descriptor: a stream object may hold a lock forever
                os.write(2, f"\n{message}\n".encode())
                os._exit(3)

    def __exit__(self, *exc) -> None:
        self._done.set()
        if self._thread is None:
            return
        self._thread.join()
        if exc[0] is not None:
            return
        if os.environ.get(LAUNCH_DIR_ENV):  # a launch_watchdog waits for this
            _write_status(self.folder, self.rank, phase="started", world=self.world)
        elif self.rank == 0:  # every process passed the first collective: nobody reads it now
            shutil.rmtree(self.folder, ignore_errors=True)


def descendants(pid: int) -> list[int]:
    """The processes below ``pid``, children first (from /proc; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(0), []):
            found.append(child)
            todo.append(child)
    return found


def _verdict(statuses: dict, seconds: float) -> str:
    if not statuses:
        return (
            f"launch stalled: no process reported its start within {seconds:.0f} s (they hang "
            "before the training function runs, or it has no StartupWatchdog). Set "
            f"{START_TIMEOUT_ENV} (seconds) to wait longer."
        )
    errors = [s["error"] for _, s in sorted(statuses.items()) if s.get("error")]
    if errors:
        return errors[0]
    world = max(int(s.get("world", 1)) for s in statuses.values())
    waiting = [r for r in range(world) if statuses.get(r, {}).get("phase") != "started"]
    rank = waiting[0] if waiting else 0
    phase = statuses.get(rank, {}).get("phase", "start-up")
    return stall_message(rank, world, phase, seconds, statuses)


@contextmanager
def launch_watchdog(timeout: float | None = None):
    """Around a launch: its processes must all start within the timeout, or it ends with an error.

    Sets ``COURSE_LAUNCH_DIR`` (inherited by the processes, forked or started as commands)
    and ``COURSE_START_TIMEOUT``, then watches what the processes' ``StartupWatchdog`` report.
    If they have not all started within the timeout (plus 20 s for their own watchdog to
    speak first), it kills the processes this process started since the launch began (not
    older children, such as a Spark JVM of the same kernel) and raises
    ``LaunchStalledError`` naming the stalled step. Once they have started, it stops
    watching: a long training is not a stall. Also calls ``make_fork_safe()``.

    Used in: 03_training_loop (around ``notebook_launcher`` and ``accelerate launch``).
    """
    seconds = start_timeout(timeout)
    make_fork_safe()
    folder = Path(tempfile.mkdtemp(prefix="ft-course-launch-"))
    saved = {k: os.environ.get(k) for k in (LAUNCH_DIR_ENV, START_TIMEOUT_ENV)}
    os.environ.update({LAUNCH_DIR_ENV: str(folder), START_TIMEOUT_ENV: str(seconds)})
    stop, verdict = threading.Event(), []
    # children from before the launch are not the launch's: a stall must not kill them
    older = set(descendants(os.getpid()))

    def watch() -> None:
        deadline = time.monotonic() + seconds + LAUNCHER_GRACE_S
        while not stop.wait(POLL_S):
            statuses = read_statuses(folder)
            world = max((int(s.get("world", 1)) for s in statuses.values()), default=0)
            if world and all(statuses.get(r, {}).get("phase") == "started" for r in range(world)):
                return
            if any(s.get("error") for s in statuses.values()) or time.monotonic() > deadline:
                verdict.append(_verdict(statuses, seconds))
                if time.monotonic() > deadline:
                    for pid in descendants(os.getpid()):
                        if pid not in older:
                            _kill(pid)
                return

    thread = threading.Thread(target=watch, daemon=True, name="launch-watchdog")
    thread.start()
    try:
        yield folder
    except BaseException as error:
        stop.set()
        thread.join()
        if verdict:
            raise LaunchStalledError(verdict[0]) from error
        raise
    finally:
        stop.set()
        thread.join()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)
    if verdict and "stalled" in verdict[0]:
        raise LaunchStalledError(verdict[0])


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


_FORK_SAFE = False


def make_fork_safe() -> None:
    """Give forked processes fresh copies of the locks this kernel's threads may hold.

    ``notebook_launcher`` on a CPU forks the Jupyter kernel. A fork copies only the thread
    that calls it: a lock that another thread held at that instant stays locked forever in
    the child. ipykernel's output thread takes the lock of ``sys.stdout``'s and
    ``sys.stderr``'s buffers each time it flushes them, which it does 0.2 s after any print,
    such as the launcher's own "Launching training on 2 CPUs." just before it forks; on a
    busy machine the thread can be paused while it holds the lock. A child forked then hangs
    at its first print (a warning, a progress bar), and its partner waits for it in the
    first collective. Registered once per process with ``os.register_at_fork``.

    Used in: ``launch_watchdog``, 03_training_loop.
    """
    global _FORK_SAFE
    if _FORK_SAFE or not hasattr(os, "register_at_fork"):
        return
    os.register_at_fork(after_in_child=_fresh_locks_in_child)
    _FORK_SAFE = True


def _fresh_locks_in_child() -> None:
    import sys

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "_buffer_lock"):
            stream._buffer_lock = threading.RLock()
    tqdm = sys.modules.get("tqdm.std")
    if tqdm is not None and getattr(tqdm.tqdm, "_lock", None) is not None:
        tqdm.tqdm._lock = tqdm.TqdmDefaultWriteLock()


__all__ = [
    "LaunchStalledError",
    "StartupWatchdog",
    "launch_watchdog",
    "make_fork_safe",
    "process_group_kwargs",
    "start_timeout",
]
