"""The server on TCP: `serve --tcp` responds to initialize on a loopback port."""

import json
import socket
import subprocess
import sys

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream) -> dict:
    headers = {}
    while True:
        line = stream.readline().decode().strip()
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.lower()] = value.strip()
    return json.loads(stream.read(int(headers["content-length"])))


def _wait_until_serving(process: subprocess.Popen) -> None:
    """Read the server's log until pygls reports the bound socket."""
    for line in process.stderr:
        if b"Serving on" in line:
            return
    raise AssertionError(f"server exited with {process.wait()} before listening")


@pytest.fixture
def tcp_server():
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "cam_policy_ls", "serve", "--tcp", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    yield port, process
    process.kill()
    process.wait()
    process.stderr.close()


def test_tcp_initialize(tcp_server):
    port, process = tcp_server
    _wait_until_serving(process)
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        stream = connection.makefile("rwb")
        stream.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                             "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
        stream.flush()
        message = _read_message(stream)
        while "id" not in message:
            message = _read_message(stream)
    assert message["result"]["serverInfo"]["name"] == "cam-policy-ls"
    assert message["result"]["capabilities"]["hoverProvider"] is True
