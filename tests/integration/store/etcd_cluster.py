"""Real etcd clusters on loopback for the tests and the benchmark: install, start, kill, stop.

Debian's `etcd-server` package is installed when etcd is missing (CI runs as root with the Debian
mirrors reachable). Members listen on free 127.0.0.1 ports and keep their data in a temporary
folder (in /dev/shm when there is one: fsync is the slow part of etcd). `stop` kills every member
this module started, so a test run never leaves an etcd behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEBIAN_BINARY = "/usr/bin/etcd"


def ensure_etcd() -> str:
    """The path of the etcd binary, installing Debian's etcd-server first when it is missing."""
    found = shutil.which("etcd") or (DEBIAN_BINARY if os.path.exists(DEBIAN_BINARY) else None)
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("etcd is missing; install it with: apt-get install -y etcd-server")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "etcd-server"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    if not os.path.exists(DEBIAN_BINARY):
        raise RuntimeError(f"etcd-server was installed but {DEBIAN_BINARY} is not there")
    return DEBIAN_BINARY


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listened on a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Member:
    """One etcd process."""

    name: str
    client_port: int
    peer_port: int
    command: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.client_port}"


@dataclass
class Cluster:
    """`size` etcd members on loopback; use as a context manager or call start and stop."""

    size: int = 1
    members: list[Member] = field(default_factory=list)
    folder: Path | None = None

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def endpoints(self) -> str:
        """`HOST:PORT,HOST:PORT...` of every member."""
        return ",".join(member.endpoint for member in self.members)

    def url(self, key: str) -> str:
        """A store URL for `key` on this cluster."""
        return f"etcd://{self.endpoints}/{key}"

    def start(self, attempts: int = 3) -> None:
        """Start the members and wait until the cluster answers (a port taken meanwhile: again)."""
        binary = ensure_etcd()
        for attempt in range(attempts):
            try:
                self._launch(binary)
                self._wait_ready(timeout=30.0)
                return
            except RuntimeError:
                self.stop()
                if attempt == attempts - 1:
                    raise

    def kill(self, index: int) -> None:
        """kill -9 one member."""
        process = self.members[index].process
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()

    def restart(self, index: int) -> None:
        """Start a killed member again on its data (it rejoins the cluster)."""
        self._spawn(self.members[index])

    def leader(self) -> int:
        """The index of the member that leads now."""
        for index, member in enumerate(self.members):
            status = _status(member)
            if status and status.get("leader") == status.get("header", {}).get("member_id"):
                return index
        raise RuntimeError("no member leads")

    def stop(self) -> None:
        """Kill every member this cluster started and remove their data."""
        for index in range(len(self.members)):
            self.kill(index)
        self.members = []
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def log(self) -> str:
        """The members' logs (for a failing test's message)."""
        if self.folder is None:
            return ""
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in self.folder.glob("*.log"))

    def _launch(self, binary: str) -> None:
        shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
        self.folder = Path(tempfile.mkdtemp(prefix="statemerge-etcd-", dir=shm))
        self.members = [Member(f"m{i}", free_port(), free_port()) for i in range(self.size)]
        initial = ",".join(f"{m.name}=http://127.0.0.1:{m.peer_port}" for m in self.members)
        for member in self.members:
            client, peer = f"http://{member.endpoint}", f"http://127.0.0.1:{member.peer_port}"
            command = [
                binary, "--name", member.name, "--data-dir", str(self.folder / member.name),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", initial, "--initial-cluster-state", "new",
                "--initial-cluster-token", self.folder.name, "--logger", "zap",
                "--log-outputs", str(self.folder / f"{member.name}.log"),
            ]  # fmt: skip
            member.command = command
            self._spawn(member)

    def _spawn(self, member: Member) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETCD")}
        member.process = subprocess.Popen(
            member.command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for member in self.members:
            while not _answers(member):
                process = member.process
                if process is None or process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"etcd member {member.name} did not start:\n{self.log()}")
                time.sleep(0.05)


def _die_with_parent() -> None:
    """In the child, before exec: be killed when the process that started us dies (Linux), so that
    even a test run killed with -9 leaves no etcd behind."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _post(member: Member, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """A member's answer to one gateway request, None when it gives none (in 2 s)."""
    connection = http.client.HTTPConnection("127.0.0.1", member.client_port, timeout=2)
    try:
        connection.request("POST", path, json.dumps(body))
        response = connection.getresponse()
        answer = json.loads(response.read())
        return answer if response.status == 200 and isinstance(answer, dict) else None
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        connection.close()


def _answers(member: Member) -> bool:
    """Whether a member serves a linearizable read (so the cluster has a leader)."""
    answer = _post(member, "/v3/kv/range", {"key": "AA=="})
    return answer is not None and "header" in answer


def _status(member: Member) -> dict[str, Any] | None:
    """A member's /v3/maintenance/status (its id and its leader's)."""
    return _post(member, "/v3/maintenance/status", {})
