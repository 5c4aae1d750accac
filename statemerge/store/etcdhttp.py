"""A small client for etcd's v3 JSON gateway (`POST /v3/...`, keys and values in base64).

It keeps one HTTP connection per endpoint, puts a timeout on every request, and fails over to the
next endpoint when one is down or without a leader. A write whose request went out but got no
answer may or may not have happened: the client says so (AmbiguousWrite) instead of resending
it, and the caller finds out (see EtcdStore.compare_and_set).
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import time
from typing import Any

from statemerge.errors import StoreError

# gRPC status codes that mean "this member cannot serve now; another may" (and, for a write,
# "it may still happen"): Unknown, DeadlineExceeded, Unavailable.
_RETRYABLE_CODES = {2, 4, 14}
#: Seconds after which a call whose every attempt found no server listening (connection refused,
#: no route) gives up, whatever its deadline: etcd is down, and waiting for the deadline helps no one.
DOWN_AFTER = 3.0


def b64(data: str | bytes) -> str:
    """Base64 text of a key or value, as the gateway wants it."""
    raw = data.encode() if isinstance(data, str) else data
    return base64.b64encode(raw).decode("ascii")


def unb64(text: str) -> bytes:
    """The bytes of a base64 key or value from the gateway."""
    return base64.b64decode(text)


class AmbiguousWrite(StoreError):
    """A write was sent but no answer came back: it may or may not have been applied."""


class DeadlineReached(StoreError):
    """No endpoint answered before the call's deadline; `waiting` when the last one was slow
    (as a lock wait is), not down."""

    def __init__(self, message: str, *, waiting: bool) -> None:
        super().__init__(message)
        self.waiting = waiting


class EtcdRequestError(StoreError):
    """etcd answered with an error that retrying elsewhere will not fix; `code` is gRPC's."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class _NotSent(Exception):
    """The request never reached the server: resending it anywhere is safe."""


class _NoAnswer(Exception):
    """The request went out; the answer did not come (in time)."""

    def __init__(self, reason: str, *, slow: bool) -> None:
        super().__init__(reason)
        self.slow = slow


class EtcdClient:
    """POST JSON to the gateway of whichever endpoint answers."""

    def __init__(self, endpoints: list[tuple[str, int]], *, name: str, request_cap: float) -> None:
        self.endpoints = endpoints
        self.name = name
        self.request_cap = request_cap  # one request's timeout at most; a lock wait is uncapped
        self.current = 0
        self._connections: dict[int, http.client.HTTPConnection] = {}

    def call(
        self,
        path: str,
        body: dict[str, Any],
        *,
        deadline: float,
        idempotent: bool = True,
        uncapped: bool = False,
    ) -> dict[str, Any]:
        """The decoded answer to one request, failing over between endpoints until `deadline`."""
        last = "no answer"
        slow = False
        failures = 0
        reached = False  # whether any endpoint accepted a connection during this call
        started = time.monotonic()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 and failures:
                raise DeadlineReached(
                    f"{self.name}: no etcd endpoint answered within "
                    f"{max(deadline - started, 0.0):.1f} s (last: {last}).",
                    waiting=slow,
                )
            remaining = max(remaining, 0.2)  # a call whose time is up still asks once
            index = self.current
            timeout = remaining if uncapped else min(remaining, self.request_cap)
            try:
                return self._post(index, path, body, timeout)
            except _NotSent as error:
                last, slow = str(error), False
                if not reached and time.monotonic() - started >= DOWN_AFTER:
                    where = ", ".join(f"{host}:{port}" for host, port in self.endpoints)
                    raise StoreError(
                        f"{self.name}: etcd is not reachable at {where} (last: {last}); is it running?"
                    ) from None
            except _NoAnswer as error:
                reached = True
                if not idempotent:
                    self.current = (index + 1) % len(self.endpoints)
                    raise AmbiguousWrite(
                        f"{self.name}: a write got no answer ({error}); it may have landed."
                    ) from None
                last, slow = str(error), error.slow
            self.current = (index + 1) % len(self.endpoints)
            failures += 1
            if failures % len(self.endpoints) == 0:  # every endpoint failed: pause, then again
                time.sleep(max(0.0, min(0.05 * failures, deadline - time.monotonic(), 0.5)))

    def close(self) -> None:
        """Close every connection."""
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def _post(self, index: int, path: str, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        host, port = self.endpoints[index]
        where = f"{host}:{port}"
        connection = self._connections.get(index)
        if connection is None:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
            try:
                connection.connect()
            except OSError as error:
                connection.close()
                raise _NotSent(f"{where}: {_reason(error)}") from None
            # http.client sends headers and body in two writes: without NODELAY, Nagle's
            # algorithm and delayed ACKs can hold the body back for 40 ms.
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._connections[index] = connection
        assert connection.sock is not None
        connection.sock.settimeout(timeout)
        payload = json.dumps(body).encode()
        try:
            connection.request("POST", path, payload, {"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self._drop(index)
            slow = isinstance(error, socket.timeout | TimeoutError)
            raise _NoAnswer(f"{where}: {_reason(error)}", slow=slow) from None
        if response.will_close:
            self._drop(index)
        return self._decode(where, response.status, data)

    def _decode(self, where: str, status: int, data: bytes) -> dict[str, Any]:
        try:
            answer = json.loads(data)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise EtcdRequestError(
                f"{self.name}: {where} is not an etcd v3 JSON gateway (HTTP {status}).", code=-1
            )
        if status == 200 and "error" not in answer:
            return answer
        code = int(answer.get("code", -1))
        message = str(answer.get("message") or answer.get("error") or f"HTTP {status}")
        if code in _RETRYABLE_CODES or status >= 500:
            raise _NoAnswer(f"{where}: {message}", slow=False)
        raise EtcdRequestError(f"{self.name}: etcd refused the request: {message}.", code=code)

    def _drop(self, index: int) -> None:
        connection = self._connections.pop(index, None)
        if connection is not None:
            connection.close()


def _reason(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__
