"""The six measurements of bench/run.py. Each returns raw samples, which run.py turns into rows."""

from __future__ import annotations

import gc
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cam_policy_ls.catalog import Catalog
from cam_policy_ls.document import MAX_ANALYZED_CHARS, analyze_text
from inputs import policy_schema, policy_text, small_policy_files
from lsp_client import LspClient
from stats import Sample

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SERVER_ARGV = [sys.executable, "-m", "cam_policy_ls", "serve"]
IMPORT_FLOOR_CODE = "import pygls, lsprotocol.types"
JSON_FLOOR_CODE = """\
import json, os, sys
for root, folders, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".json"):
            with open(os.path.join(root, name), "rb") as stream:
                json.loads(stream.read())
"""
STRING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"')


@dataclass(frozen=True)
class DocumentSize:
    label: str
    length: int
    """Number of characters. 1 KB is 1,000 characters, and 1 MB is 1,000,000, the server's analysis limit."""
    seed: int
    repeat: int
    warmup: int
    variants: int = 1
    """Different documents of this length, timed in turn, so that the mix of statements in a
    small document does not decide its time per KB."""


DOCUMENT_SIZES = (
    DocumentSize("1 KB", 1_000, 1001, repeat=1000, warmup=200, variants=10),
    DocumentSize("6,144 characters", 6_144, 1002, repeat=300, warmup=50),
    DocumentSize("64 KB", 64_000, 1003, repeat=40, warmup=5),
    DocumentSize("1 MB", 1_000_000, 1004, repeat=7, warmup=2),
)
LIMIT_SIZE = DOCUMENT_SIZES[1]
"""The document at CAM's 6,144-character limit: the one the latency figures use."""


def documents(catalog: Catalog) -> dict[str, list[str]]:
    """Return the analysis documents by size label: one, or ``variants`` of them."""
    texts = {}
    for size in DOCUMENT_SIZES:
        if size.length > MAX_ANALYZED_CHARS:
            raise SystemExit(f"bench: the {size.label} document ({size.length:,} characters) exceeds the server's "
                             f"analysis limit of {MAX_ANALYZED_CHARS:,}; lower its length in bench/measure.py")
        texts[size.label] = [policy_text(catalog, size.length, size.seed + 100 * variant) for variant in range(size.variants)]
    return texts


# 1. Server compute per keystroke.

def time_analysis(texts: list[str], catalog: Catalog, repeat: int, warmup: int) -> Sample:
    """Time ``analyze_text`` on ``texts`` in turn, with the cyclic garbage collector on as in the server and collected before each run."""
    for index in range(warmup):
        analyze_text(texts[index % len(texts)], catalog)
    times = []
    for index in range(repeat):
        text = texts[index % len(texts)]
        gc.collect()
        start = time.perf_counter_ns()
        analyze_text(text, catalog)
        times.append(time.perf_counter_ns() - start)
    return Sample.of(times)


def measure_analysis(catalog: Catalog, texts: dict[str, list[str]]) -> dict[str, Sample]:
    # Objects alive now (catalog, documents, imported modules) are left out of every later
    # collection, so the gc.collect() before each run costs little and times stay comparable.
    gc.collect()
    gc.freeze()
    try:
        return {size.label: time_analysis(texts[size.label], catalog, size.repeat, size.warmup) for size in DOCUMENT_SIZES}
    finally:
        gc.unfreeze()


# 4. Node peer: vscode-json-languageservice.

def ensure_node_modules() -> None:
    """Run ``npm ci`` in bench/ when node_modules is missing."""
    if (BENCH_DIR / "node_modules" / "vscode-json-languageservice").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("bench: npm not found; install Node.js 18 or newer with npm for the JSON language service peer")
    print("bench: installing the Node peer with npm ci", file=sys.stderr)
    # npm's output goes to stderr, so that stdout carries only the results table.
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BENCH_DIR, stdout=sys.stderr, check=True)


def measure_node_peer(catalog: Catalog, texts: dict[str, list[str]]) -> tuple[dict[str, Sample], dict[str, Any]]:
    """Return the peer's parse and validation times by label, and its versions and diagnostic counts."""
    node = shutil.which("node")
    if node is None:
        raise SystemExit("bench: node not found; install Node.js 18 or newer for the JSON language service peer")
    ensure_node_modules()
    request = {
        "schema": policy_schema(catalog),
        "documents": [{"name": size.label, "texts": texts[size.label], "warmup": size.warmup, "repeat": size.repeat}
                      for size in DOCUMENT_SIZES],
    }
    completed = subprocess.run([node, str(BENCH_DIR / "json_peer.mjs")], input=json.dumps(request),
                               capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"bench: the Node peer failed with exit code {completed.returncode}:\n{completed.stderr}")
    output = json.loads(completed.stdout)
    samples = {result["name"]: Sample.of(result["times_ns"]) for result in output["results"]}
    details = {"versions": output["versions"],
               "diagnostics": {result["name"]: result["diagnostics"] for result in output["results"]},
               "messages": {result["name"]: result["messages"] for result in output["results"]}}
    return samples, details


# 2. Completion and hover latency over stdio.

@dataclass(frozen=True)
class Position:
    offset: int
    line: int
    character: int


def _position(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    # The generated documents are ASCII, so UTF-16 code units equal characters.
    return Position(offset, line, offset - line_start)


def string_positions(text: str, count: int, seed: int) -> list[Position]:
    """Return ``count`` cursor positions inside string tokens (keys, actions, resources, conditions), at least one character past the opening quote."""
    rng = random.Random(seed)
    tokens = [match.span() for match in STRING_TOKEN.finditer(text) if match.end() - match.start() > 2]
    positions = []
    for _ in range(count):
        start, end = rng.choice(tokens)
        positions.append(_position(text, rng.randint(start + 2, end - 1)))
    return positions


@dataclass
class LatencyResult:
    completion: Sample
    completion_after_edit: Sample
    hover: Sample
    protocol_floor: Sample
    completion_with_items: int
    hover_with_result: int
    requests_each: int


def _text_document(uri: str) -> dict[str, str]:
    return {"uri": uri}


def measure_latency(text: str, work_dir: Path, requests_each: int = 240, warmup: int = 30,
                    argv: list[str] = SERVER_ARGV, on_measuring: Callable[[int], None] | None = None) -> LatencyResult:
    """Time completion and hover on ``text`` over stdio, interleaved with a request that needs no analysis.

    Each round sends, one at a time: a completion on the unchanged document; a hover; a hover on
    a document that is not open (the server looks it up and returns null, so this is the
    pygls and pipe floor); and a keystroke followed by a completion: didChange deleting the
    character before the cursor, didChange typing it again, then completion at the cursor,
    which makes the server analyse the new version before it completes. ``on_measuring`` is
    called with the server's process id when the warm-up rounds are done.
    """
    uri = (work_dir / "latency.cam.json").as_uri()
    closed_uri = (work_dir / "not-open.cam.json").as_uri()
    completions = string_positions(text, requests_each + warmup, seed=2001)
    hovers = string_positions(text, requests_each + warmup, seed=2002)
    client = LspClient(argv, work_dir / "latency-server.log", cwd=work_dir)
    try:
        client.initialize(work_dir)
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}})
        client.wait_for(lambda body: body.get("method") == "textDocument/publishDiagnostics" and body["params"]["uri"] == uri)

        version = 1
        timings: dict[str, list[int]] = {"completion": [], "edit": [], "hover": [], "floor": []}
        with_items = with_hover = 0
        for index in range(requests_each + warmup):
            measured = index >= warmup
            if index == warmup and on_measuring is not None:
                on_measuring(client.pid)
            cursor, hover_at = completions[index], hovers[index]
            position = {"line": cursor.line, "character": cursor.character}

            response = client.request("textDocument/completion", {"textDocument": _text_document(uri), "position": position})
            items = response.result.get("items", []) if isinstance(response.result, dict) else response.result or []
            if measured:
                timings["completion"].append(response.latency_ns)
                with_items += bool(items)

            response = client.request("textDocument/hover", {
                "textDocument": _text_document(uri), "position": {"line": hover_at.line, "character": hover_at.character}})
            if measured:
                timings["hover"].append(response.latency_ns)
                with_hover += response.result is not None

            response = client.request("textDocument/hover", {"textDocument": _text_document(closed_uri), "position": position})
            if measured:
                timings["floor"].append(response.latency_ns)

            before = {"line": cursor.line, "character": cursor.character - 1}
            typed = text[cursor.offset - 1]
            version += 1
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": before, "end": position}, "text": ""}]})
            version += 1
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": before, "end": before}, "text": typed}]})
            response = client.request("textDocument/completion", {
                "textDocument": _text_document(uri), "position": position,
                "context": {"triggerKind": 2, "triggerCharacter": typed} if typed in '":/' else {"triggerKind": 1}})
            if measured:
                timings["edit"].append(response.latency_ns)
    finally:
        client.shutdown()
    return LatencyResult(Sample.of(timings["completion"]), Sample.of(timings["edit"]), Sample.of(timings["hover"]),
                         Sample.of(timings["floor"]), with_items, with_hover, requests_each)


# 3. Cold start.

def measure_cold_start(work_dir: Path, rounds: int = 25) -> tuple[Sample, Sample]:
    """Return spawn-to-initialize-result times of the server and spawn-to-exit times of the import floor, interleaved, after one unmeasured round."""
    ours, floor = [], []
    for index in range(rounds + 1):
        start = time.perf_counter_ns()
        subprocess.run([sys.executable, "-c", IMPORT_FLOOR_CODE], check=True)
        floor_ns = time.perf_counter_ns() - start

        client = LspClient(SERVER_ARGV, work_dir / "cold-start-server.log", cwd=work_dir)
        try:
            _, ours_ns = client.initialize(work_dir)
        finally:
            client.shutdown()
        if index > 0:
            ours.append(ours_ns)
            floor.append(floor_ns)
    return Sample.of(ours), Sample.of(floor)


# 5. CLI over 10,000 files.

@dataclass
class CliResult:
    ours: Sample
    floor: Sample
    ours_cpu: Sample
    """User plus system CPU time of the command and the worker processes it waited for."""
    floor_cpu: Sample
    folder: Path
    files: int
    characters: int
    exit_code: int
    summary: str


def measure_cli(catalog: Catalog, work_dir: Path, files: int = 10_000, rounds: int = 3) -> CliResult:
    """Time ``cam-policy-ls check`` on a folder of small policies against a loop that only ``json.loads`` them."""
    folder = work_dir / "policies"
    characters = small_policy_files(catalog, folder, files, seed=3001)
    script = Path(sys.executable).with_name("cam-policy-ls")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cam_policy_ls"]
    check_argv = [*command, "check", "--no-progress", str(folder)]
    floor_argv = [sys.executable, "-c", JSON_FLOOR_CODE, str(folder)]

    subprocess.run(floor_argv, check=True)  # reads every file once, so both sides find them in the page cache
    ours, floor, ours_cpu, floor_cpu = [], [], [], []
    exit_code, summary = 0, ""
    for _ in range(rounds):
        cpu = _children_cpu_ns()
        start = time.perf_counter_ns()
        subprocess.run(floor_argv, check=True)
        floor.append(time.perf_counter_ns() - start)
        floor_cpu.append(_children_cpu_ns() - cpu)

        cpu = _children_cpu_ns()
        start = time.perf_counter_ns()
        completed = subprocess.run(check_argv, cwd=work_dir, capture_output=True, check=False)
        ours.append(time.perf_counter_ns() - start)
        ours_cpu.append(_children_cpu_ns() - cpu)
        exit_code = completed.returncode
        if exit_code not in (0, 1):
            raise SystemExit(f"bench: cam-policy-ls check failed with exit code {exit_code}:\n{completed.stderr.decode()}")
        summary = completed.stdout.decode().strip().splitlines()[-1]
    return CliResult(Sample.of(ours), Sample.of(floor), Sample.of(ours_cpu), Sample.of(floor_cpu), folder, files,
                     characters, exit_code, summary)


def _children_cpu_ns() -> int:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return int((usage.ru_utime + usage.ru_stime) * 1e9)


# 6. Peak memory after opening 100 policies.

def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found in /proc/{pid}/status")


@dataclass
class MemoryResult:
    peak_kib: int
    """VmHWM of the server after the documents' diagnostics arrived."""
    rss_kib: int
    initialized_peak_kib: int
    """VmHWM right after initialize, before any document."""
    floor_peak_kib: int
    """VmHWM of a process that only imports pygls and lsprotocol.types."""
    documents: int
    characters: int


def memory_texts(catalog: Catalog, count: int = 100) -> list[str]:
    """Return ``count`` different policies of 2,000 to 6,000 characters."""
    rng = random.Random(4001)
    return [policy_text(catalog, rng.randint(2_000, 6_000), 4100 + index) for index in range(count)]


def measure_memory(texts: list[str], work_dir: Path) -> MemoryResult:
    count = len(texts)
    client = LspClient(SERVER_ARGV, work_dir / "memory-server.log", cwd=work_dir)
    try:
        client.initialize(work_dir)
        # The hover makes the server handle initialized (and its configuration request) first.
        client.request("textDocument/hover", {"textDocument": {"uri": "file:///none.json"}, "position": {"line": 0, "character": 0}})
        initialized_peak = _status_kib(client.pid, "VmHWM")
        uris = [(work_dir / "memory" / f"policy-{index:03d}.cam.json").as_uri() for index in range(count)]
        for uri, text in zip(uris, texts):
            client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}})
        pending = set(uris)
        while pending:
            message = client.wait_for(lambda body: body.get("method") == "textDocument/publishDiagnostics"
                                      and body["params"]["uri"] in pending)
            pending.discard(message.body["params"]["uri"])
        peak, rss = _status_kib(client.pid, "VmHWM"), _status_kib(client.pid, "VmRSS")
    finally:
        client.shutdown()

    code = IMPORT_FLOOR_CODE + "\nprint(open('/proc/self/status').read())"
    status = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    floor_peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
    return MemoryResult(peak, rss, initialized_peak, floor_peak, count, sum(len(text) for text in texts))


def make_work_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="cam-policy-ls-bench-"))


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))
