"""A minimal synchronous LSP client over a subprocess's pipes, for timing requests.

It runs in one thread with no event loop, so a measured latency is the server's time plus
the pipe transfer and this client's framing. The clock stops when the last byte of the
response body has been read, before the body is decoded.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_SECONDS = 30.0

# Capabilities of a VS Code-like client that gets pushed diagnostics: snippets, Markdown,
# UTF-16 positions. No textDocument.diagnostic, so the server pushes diagnostics.
CLIENT_CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
    "textDocument": {
        "synchronization": {"didSave": True, "dynamicRegistration": True},
        "completion": {
            "completionItem": {
                "snippetSupport": True,
                "documentationFormat": ["markdown", "plaintext"],
                "insertReplaceSupport": True,
            },
            "contextSupport": True,
        },
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True, "tagSupport": {"valueSet": [1, 2]}},
        "documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
    },
}


class LspError(RuntimeError):
    """The server exited, timed out or returned an error response."""


@dataclass
class Response:
    result: Any
    sent_ns: int
    """``time.perf_counter_ns()`` just before the request was written."""
    received_ns: int

    @property
    def latency_ns(self) -> int:
        return self.received_ns - self.sent_ns


@dataclass
class Message:
    body: dict[str, Any]
    received_ns: int
    """``time.perf_counter_ns()`` when the last byte of the body was read."""


class LspClient:
    """One server process driven over stdin and stdout, with its stderr written to a file for diagnosis."""

    def __init__(self, argv: list[str], stderr_path: Path, cwd: Path | None = None, env: dict[str, str] | None = None):
        self.stderr_file = stderr_path.open("wb")
        self.started_ns = time.perf_counter_ns()
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_file,
                                        cwd=cwd, env=env, bufsize=0)
        self.stdout_fd = self.process.stdout.fileno()
        self.buffer = bytearray()
        self.next_id = 1
        self.notifications: list[Message] = []
        self.configuration: Any = None
        """Returned for each item of a workspace/configuration request."""

    @property
    def pid(self) -> int:
        return self.process.pid

    # Framing.

    def send(self, message: dict[str, Any]) -> int:
        """Write one message and return ``time.perf_counter_ns()`` taken just before the write."""
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        sent_ns = time.perf_counter_ns()
        self.process.stdin.write(data)
        return sent_ns

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LspError(f"no message from the server (pid {self.pid}) before the time-out")
        ready, _, _ = select.select([self.stdout_fd], [], [], remaining)
        if not ready:
            raise LspError(f"no message from the server (pid {self.pid}) before the time-out")
        chunk = os.read(self.stdout_fd, 1 << 20)
        if not chunk:
            raise LspError(f"the server (pid {self.pid}) closed its stdout; exit code {self.process.poll()}")
        self.buffer += chunk

    def receive(self, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Message:
        deadline = time.monotonic() + timeout
        while (header_end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._fill(deadline)
        length = None
        for line in bytes(self.buffer[:header_end]).split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise LspError(f"message header without Content-Length: {bytes(self.buffer[:header_end])!r}")
        body_end = header_end + 4 + length
        while len(self.buffer) < body_end:
            self._fill(deadline)
        received_ns = time.perf_counter_ns()
        body = bytes(self.buffer[header_end + 4:body_end])
        del self.buffer[:body_end]
        return Message(json.loads(body), received_ns)

    # Dispatch.

    def _answer_server_request(self, body: dict[str, Any]) -> None:
        if body["method"] == "workspace/configuration":
            result: Any = [self.configuration for _ in body["params"]["items"]]
        else:
            result = None
        self.send({"jsonrpc": "2.0", "id": body["id"], "result": result})

    def _handle(self, message: Message) -> None:
        body = message.body
        if "method" in body and "id" in body:
            self._answer_server_request(body)
        elif "method" in body:
            self.notifications.append(message)

    def request(self, method: str, params: Any, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Response:
        """Send a request and wait for its response, responding to server requests and keeping notifications meanwhile."""
        request_id = self.next_id
        self.next_id += 1
        sent_ns = self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        while True:
            message = self.receive(timeout)
            body = message.body
            if body.get("id") == request_id and "method" not in body:
                if "error" in body:
                    raise LspError(f"{method} failed: {body['error']}")
                return Response(body.get("result"), sent_ns, message.received_ns)
            self._handle(message)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, accept: Callable[[dict[str, Any]], bool], timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Message:
        """Return the first notification, already received or still to come, that ``accept`` returns true for."""
        for index, message in enumerate(self.notifications):
            if accept(message.body):
                return self.notifications.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(0.001, deadline - time.monotonic()))
            self._handle(message)
            if "id" not in message.body and accept(message.body):
                self.notifications.remove(message)
                return message

    # Session.

    def initialize(self, root: Path, initialization_options: Any = None) -> tuple[Any, int]:
        """Send initialize and initialized, and return the initialize result and the nanoseconds from spawn to it."""
        params = {
            "processId": os.getpid(),
            "clientInfo": {"name": "cam-policy-ls bench", "version": "1"},
            "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": CLIENT_CAPABILITIES,
            "initializationOptions": initialization_options,
        }
        response = self.request("initialize", params)
        self.notify("initialized", {})
        return response.result, response.received_ns - self.started_ns

    def shutdown(self, timeout: float = 10.0) -> int:
        """Send shutdown and exit, wait for the process (killing it after ``timeout`` seconds) and return its exit code."""
        try:
            if self.process.poll() is None:
                self.request("shutdown", None, timeout)
                self.notify("exit", None)
                self.process.stdin.close()
            return self.process.wait(timeout)
        except (LspError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            return self.process.wait()
        finally:
            self.stderr_file.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr_file.close()
