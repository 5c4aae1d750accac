"""A real 80x24 terminal for tests: a program run in a tmux session, read from its screen and
driven by keys, as a person at the terminal (or over SSH) would."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest


def require_tmux() -> str:
    """tmux's path; the test is skipped (saying why) only where tmux is not installed: CI
    installs it (.ci/run)."""
    found = shutil.which("tmux")
    if found is None:
        pytest.skip("tmux is not installed (apt-get install -y tmux): the interactive resolver "
                    "is tested in a real terminal")
    return found


class Terminal:
    """One tmux server (its own socket) holding one 80x24 session."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.tmux = require_tmux()
        self.folder = folder
        self.socket = folder / "tmux.sock"
        self.env = {**env, "TERM": "xterm-256color"}

    def start(self, command: list[str], cwd: Path) -> None:
        """Run `command` in `cwd`; when it ends, the screen shows `EXIT=<code>`."""
        script = self.folder / "terminal.sh"
        exports = "".join(f"export {key}={shlex.quote(value)}\n" for key, value in
                          self.env.items() if key.isidentifier())
        script.write_text(f"{exports}cd {shlex.quote(str(cwd))}\n{shlex.join(command)}\n"
                          'echo "EXIT=$?"\nsleep 600\n')
        self._tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", "t", f"bash {script}")

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "t").stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """The screen once it shows `text` (AssertionError with the screen after `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen:\n{shown}")
            time.sleep(0.05)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", "t", key)

    def close(self) -> None:
        subprocess.run([self.tmux, "-S", str(self.socket), "kill-server"], capture_output=True,
                       check=False)

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([self.tmux, "-S", str(self.socket), "-f", "/dev/null", *args],
                              env=self.env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr}")
        return done
