"""A JupyterLab server for the browser tier: loopback only, a token, a throwaway root.

The server runs the notebooks as a learner's JupyterLab would (the project's ``.venv``
kernel, JupyterLab's default settings), offline on the embedded profile, in a temporary
folder so the committed notebooks are never written to.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"

# Display-only settings for whole-notebook screenshots: no news toast, no blank page after the
# last cell. Nothing here changes how a notebook runs.
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"scrollPastEnd": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    """Return a TCP port on the loopback address that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(state_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment JupyterLab and its kernels run in: offline, embedded, isolated.

    Args:
        state_dir: a temporary folder for Jupyter's config, data, runtime, settings and
            workspaces, so neither the user's settings nor their kernels leak in.
        base: the environment to start from (default ``os.environ``).

    Returns:
        A new environment mapping. ``CI`` is removed: the notebooks turn progress bars off
        under CI, and the tier checks what a learner sees, widgets included.

    >>> env = server_env(Path("/tmp/x"), {"CI": "1", "PATH": "/bin"})
    >>> env["HF_HUB_OFFLINE"], env["COURSE_PROFILE"], "CI" in env
    ('1', 'embedded', False)
    """
    env = dict(os.environ if base is None else base)
    env.pop("CI", None)
    env.setdefault("COURSE_PROFILE", "embedded")
    env.update(
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        JUPYTER_PLATFORM_DIRS="1",
        JUPYTER_CONFIG_DIR=str(state_dir / "config"),
        JUPYTER_DATA_DIR=str(state_dir / "data"),
        JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(state_dir / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state_dir / "workspaces"),
    )
    return env


def write_user_settings(settings_dir: Path) -> None:
    """Write :data:`USER_SETTINGS` as JupyterLab user settings files under ``settings_dir``."""
    for name, values in USER_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


class LabServer:
    """``jupyter lab`` on ``127.0.0.1``, a free port and a random token, rooted at ``root``.

    Use as a context manager; :meth:`start` waits at most ``startup_timeout`` seconds for
    ``/api/status`` and raises ``RuntimeError`` with the tail of the server's log otherwise.
    """

    def __init__(
        self, root: Path, startup_timeout: float = 90.0, disabled_extensions: tuple[str, ...] = ()
    ) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise ValueError(f"the server's root {self.root} is not a folder; create it first")
        self.disabled_extensions = disabled_extensions  # the tier's own tests disable widgets
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self._state = Path(tempfile.mkdtemp(prefix="browser-tier-jupyter-"))
        self.log_path = self._state / "server.log"
        self._proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The server's base URL, without the token."""
        return f"http://{HOST}:{self.port}"

    def command(self) -> list[str]:
        """The ``jupyter lab`` command line; the token travels in the environment, not argv."""
        return [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.ip={HOST}",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            # the default ("pypi") may query PyPI; the tier stays offline
            "--LabApp.extension_manager=readonly",
        ] + (["--allow-root"] if os.geteuid() == 0 else [])  # CI runs as root

    def start(self) -> LabServer:
        write_user_settings(self._state / "settings")
        if self.disabled_extensions:
            page_config = self._state / "config" / "labconfig" / "page_config.json"
            page_config.parent.mkdir(parents=True)
            disabled = dict.fromkeys(self.disabled_extensions, True)
            page_config.write_text(json.dumps({"disabledExtensions": disabled}), encoding="utf-8")
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                self.command(),
                cwd=self.root,
                env={**server_env(self._state), "JUPYTER_TOKEN": self.token},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                tail = self.log_tail()
                self.stop()
                raise RuntimeError(
                    f"JupyterLab exited with code {self._proc.returncode} before it served "
                    f"{self.url}; its log ends with:\n{tail}"
                )
            if self.status(token=True) == 200:
                return
            time.sleep(0.25)
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(
            f"JupyterLab did not answer on {self.url}/api/status within "
            f"{self.startup_timeout:.0f} s (is the machine overloaded? raise "
            f"BROWSER_TIER_STARTUP_TIMEOUT); its log ends with:\n{tail}"
        )

    def status(self, token: bool) -> int | None:
        """HTTP status of ``GET /api/status``, with or without the token; None if no answer."""
        url = f"{self.url}/api/status"
        request = urllib.request.Request(url)
        if token:
            request.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code
        except OSError:
            return None

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the server's log."""
        if not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server and its kernels (SIGTERM, SIGKILL after 15 s, then its process
        group) and delete its state folder."""
        if self._proc is None:
            shutil.rmtree(self._state, ignore_errors=True)
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=15)
        # kernels (and their Spark JVMs) left behind live in the server's own session
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._proc.pid, signal.SIGKILL)
        shutil.rmtree(self._state, ignore_errors=True)

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
