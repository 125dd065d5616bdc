#!/usr/bin/env python3
"""Run the cam-policy-ls benchmark suite, print the results table and write it to docs/benchmarks.md.

Usage: python bench/run.py [--only SECTION ...] [--profile misses|all|none] [--output FILE]

Every figure is printed next to a peer measured in the same run: the Node JSON language
service for analysis, a request that needs no analysis for latency, a bare
``import pygls, lsprotocol.types`` for cold start and memory, and a ``json.loads`` loop for
the CLI. A full run takes about four minutes on 2 CPUs. With ``--only``, the chosen sections
run and nothing is written unless ``--output`` is given. Started with another interpreter,
the script runs itself again with the project's .venv (created by ``make setup``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
REEXEC_MARKER = "CAM_POLICY_LS_BENCH_REEXEC"


def _use_project_venv() -> None:
    """Run this script again with the project's .venv when cam_policy_ls is not importable here."""
    try:
        import cam_policy_ls  # noqa: F401
        return
    except ImportError:
        pass
    venv_python = VENV / "bin" / "python"
    if not venv_python.exists() or os.environ.get(REEXEC_MARKER):
        raise SystemExit("bench: cam_policy_ls is not importable; run `make setup` first, then `python bench/run.py`")
    os.environ[REEXEC_MARKER] = "1"
    os.execv(str(venv_python), [str(venv_python), str(Path(__file__).resolve()), *sys.argv[1:]])


_use_project_venv()

import argparse
import datetime
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib.metadata import version

import measure
import profiles
from cam_policy_ls.catalog import load_catalog
from stats import format_ms, format_sample

SECTIONS = ("analysis", "latency", "cold-start", "cli", "memory")
DOCS_PATH = ROOT / "docs" / "benchmarks.md"
RESULTS_START = "<!-- bench/run.py writes the results below; edit outside these markers -->"
RESULTS_END = "<!-- end of bench/run.py results -->"

ANALYSIS_LIMIT_MS = 5.0
COMPLETION_P95_LIMIT_MS = 20.0
COLD_START_MAX_RATIO = 1.5
NODE_PEER_MAX_RATIO = 1.0
CLI_MAX_RATIO = 3.0
PEAK_RSS_LIMIT_MIB = 80.0


@dataclass
class Row:
    figure: str
    ours: str
    peer: str
    peer_value: str
    ratio: float | None
    target: str
    result: str
    """PASS, MISS with the amount, or "info" for a figure without a target."""


def judge_ratio(ratio: float, limit: float) -> str:
    if ratio <= limit:
        return "PASS"
    return f"MISS: {ratio / limit:.1f} times the allowed {limit:g}×"


def judge_absolute(value: float, limit: float, unit: str) -> str:
    if value <= limit:
        return "PASS"
    return f"MISS: +{value - limit:.1f} {unit}, {value / limit:.2f} times the allowed {limit:g} {unit}"


def combine(*results: tuple[str, str]) -> str:
    """Join the results of several targets of one figure, each named, such as "≤ 5 ms: PASS; peer: MISS: ..."."""
    if all(result == "PASS" for _, result in results):
        return "PASS"
    return "; ".join(f"{name}: {result}" for name, result in results)


# Sections.

@dataclass
class Report:
    rows: list[Row]
    details: list[str]
    missed: set[str]


def analysis_section(catalog, texts: dict[str, list[str]], report: Report) -> dict[str, str]:
    print("bench: analysis, Node peer", file=sys.stderr)
    node, node_details = measure.measure_node_peer(catalog, texts)
    print("bench: analysis, analyze_text", file=sys.stderr)
    ours = measure.measure_analysis(catalog, texts)
    peer_name = f"vscode-json-languageservice {node_details['versions']['vscode-json-languageservice']} parse + schema validation"

    for size in measure.DOCUMENT_SIZES:
        ratio = ours[size.label].median / node[size.label].median
        result = judge_ratio(ratio, NODE_PEER_MAX_RATIO)
        target = f"≤ {NODE_PEER_MAX_RATIO:.0f}× peer"
        if size is measure.LIMIT_SIZE:
            target = f"median ≤ {ANALYSIS_LIMIT_MS:.0f} ms; {target}"
            result = combine(("≤ 5 ms", judge_absolute(ours[size.label].median_ms, ANALYSIS_LIMIT_MS, "ms")), ("peer", result))
        if "MISS" in result:
            report.missed.add("analysis")
        figure = f"`analyze_text`, {size.label}"
        if size.variants > 1:
            figure += f" ({size.variants} documents of {size.length:,} characters in turn)"
        elif "characters" not in size.label:
            figure += f" ({size.length:,} characters)"
        report.rows.append(Row(figure, format_sample(ours[size.label]), peer_name, format_sample(node[size.label]),
                               ratio, target, result))

    first = measure.DOCUMENT_SIZES[0]
    per_kb = {size.label: ours[size.label].median / 1e3 / (size.length / 1_000) for size in measure.DOCUMENT_SIZES}
    node_per_kb = {size.label: node[size.label].median / 1e3 / (size.length / 1_000) for size in measure.DOCUMENT_SIZES}
    for size in measure.DOCUMENT_SIZES[1:]:
        report.rows.append(Row(f"`analyze_text` time per KB at {size.label}", f"{per_kb[size.label]:,.0f} µs/KB",
                               f"the same at {first.label}", f"{per_kb[first.label]:,.0f} µs/KB",
                               per_kb[size.label] / per_kb[first.label], "none (1.0× is linear)", "info"))

    lines = [("**Analysis per size** (one run is one full parse and analysis of the whole text; "
              "KB = 1,000 characters):"), "",
             "| size | characters | runs | ours median | ours p95 | ours per KB | peer median | peer p95 | peer per KB | peer diagnostics |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in measure.DOCUMENT_SIZES:
        mine, theirs = ours[size.label], node[size.label]
        lines.append(f"| {size.label} | {size.length:,} | {mine.count} | {format_ms(mine.median_ms)} | {format_ms(mine.p95_ms)} "
                     f"| {per_kb[size.label]:,.0f} µs | {format_ms(theirs.median_ms)} | {format_ms(theirs.p95_ms)} "
                     f"| {node_per_kb[size.label]:,.0f} µs | {node_details['diagnostics'][size.label]} |")
    report.details += lines + [""]
    return node_details["versions"]


def latency_section(texts: dict[str, list[str]], work_dir: Path, report: Report) -> None:
    print("bench: completion and hover latency", file=sys.stderr)
    result = measure.measure_latency(texts[measure.LIMIT_SIZE.label][0], work_dir)
    floor = result.protocol_floor
    peer = "round trip of a hover on a document that is not open"
    for figure, sample, has_target in (
        ("completion, unchanged document", result.completion, True),
        ("completion after a keystroke (2 didChange + completion)", result.completion_after_edit, True),
        ("hover, unchanged document", result.hover, False),
    ):
        if has_target:
            judged = judge_absolute(sample.p95_ms, COMPLETION_P95_LIMIT_MS, "ms")
            target = f"p95 ≤ {COMPLETION_P95_LIMIT_MS:.0f} ms"
        else:
            judged, target = "info", "none"
        if judged.startswith("MISS"):
            report.missed.add("latency")
        report.rows.append(Row(f"{figure}, {measure.LIMIT_SIZE.label} policy over stdio", format_sample(sample), peer,
                               format_sample(floor), sample.median / floor.median, target, judged))
    report.details += [
        (f"**Latency**: {result.requests_each} requests of each kind at positions inside the policy's strings, "
         f"interleaved; {result.completion_with_items} of the unchanged-document completions returned items and "
         f"{result.hover_with_result} of the hovers returned a hover."), ""]


def cold_start_section(work_dir: Path, report: Report) -> None:
    print("bench: cold start", file=sys.stderr)
    ours, floor = measure.measure_cold_start(work_dir)
    ratio = ours.median / floor.median
    result = judge_ratio(ratio, COLD_START_MAX_RATIO)
    if result != "PASS":
        report.missed.add("cold-start")
    report.rows.append(Row("cold start: spawn to `initialize` result", format_sample(ours),
                           f"spawn to exit of `python -c \"{measure.IMPORT_FLOOR_CODE}\"`", format_sample(floor), ratio,
                           f"≤ {COLD_START_MAX_RATIO}× peer", result))


def cli_section(catalog, work_dir: Path, report: Report) -> measure.CliResult:
    print("bench: CLI over 10,000 files (writing them first)", file=sys.stderr)
    result = measure.measure_cli(catalog, work_dir)
    ratio = result.ours.median / result.floor.median
    judged = judge_ratio(ratio, CLI_MAX_RATIO)
    if judged != "PASS":
        report.missed.add("cli")
    report.rows.append(Row(f"`cam-policy-ls check` on {result.files:,} files, wall time", format_sample(result.ours),
                           "a Python loop that only `json.loads` each file", format_sample(result.floor), ratio,
                           f"≤ {CLI_MAX_RATIO:.0f}× peer", judged))
    report.details += [
        (f"**CLI**: {result.files:,} policies of 300 to 1,500 characters ({result.characters:,} characters in all) in "
         f"{result.files // 100} folders; every tenth has an `operation-level-resource` mistake. `check` printed "
         f"\"{result.summary}\" and exited with {result.exit_code}; {len(result.ours.values)} runs of each command. "
         f"CPU time (user + system, the command and its workers), median: `check` {format_ms(result.ours_cpu.median_ms)}, "
         f"the `json.loads` loop {format_ms(result.floor_cpu.median_ms)}."), ""]
    return result


def memory_section(texts: list[str], work_dir: Path, report: Report) -> None:
    print("bench: peak memory", file=sys.stderr)
    result = measure.measure_memory(texts, work_dir)
    peak_mib, floor_mib = result.peak_kib / 1024, result.floor_peak_kib / 1024
    judged = judge_absolute(peak_mib, PEAK_RSS_LIMIT_MIB, "MiB")
    if judged != "PASS":
        report.missed.add("memory")
    report.rows.append(Row(f"peak RSS (VmHWM) after opening {result.documents} policies over stdio", f"{peak_mib:.1f} MiB",
                           f"VmHWM of `python -c \"{measure.IMPORT_FLOOR_CODE}\"`", f"{floor_mib:.1f} MiB",
                           peak_mib / floor_mib, f"≤ {PEAK_RSS_LIMIT_MIB:.0f} MiB", judged))
    report.details += [
        (f"**Memory**: {result.documents} policies of 2,000 to 6,000 characters ({result.characters:,} characters in all), "
         f"opened one after another; the figure is read when the last one's diagnostics arrived. VmHWM right after "
         f"`initialize`: {result.initialized_peak_kib / 1024:.1f} MiB; VmRSS at the end: {result.rss_kib / 1024:.1f} MiB."), ""]


# Output.

def format_table(rows: list[Row]) -> str:
    lines = ["| # | figure | ours: median (p95) | peer | peer: median (p95) | ratio | target | result |",
             "|---:|---|---:|---|---:|---:|---|---|"]
    for number, row in enumerate(rows, 1):
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
        lines.append(f"| {number} | {row.figure} | {row.ours} | {row.peer} | {row.peer_value} | {ratio} | {row.target} | {row.result} |")
    return "\n".join(lines)


def format_profile(profile: profiles.Profile) -> str:
    lines = [f"#### {profile.title}", ""]
    for note in profile.notes:
        lines += [note, ""]
    if profile.rows:
        lines.append("| " + " | ".join(profile.header) + " |")
        numeric = [profile.rows[0][index][:1].isdigit() for index in range(len(profile.header))]
        lines.append("|" + "|".join("---:" if right else "---" for right in numeric) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in profile.rows]
        lines.append("")
    return "\n".join(lines)


def _read_first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _git_revision() -> str:
    git = shutil.which("git")
    if git is None:
        return "unknown"
    head = subprocess.run([git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    if head.returncode != 0:
        return "unknown"
    changed = subprocess.run([git, "status", "--porcelain", "--", "server", "catalog", "pyproject.toml"],
                             cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    return head.stdout.strip() + (" with uncommitted changes to the server" if changed else "")


def machine_description(node_versions: dict[str, str] | None, load_at_start: str) -> list[tuple[str, str]]:
    if node_versions:
        node = node_versions["node"]
    elif shutil.which("node"):
        node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    else:
        node = "not found"
    memory_kib = _read_first("/proc/meminfo", "MemTotal")
    rows = [
        ("CPU", _read_first("/proc/cpuinfo", "model name")),
        ("CPUs available", f"{measure.cpu_count()} (os.cpu_count() {os.cpu_count()})"),
        ("memory", f"{int(memory_kib.split()[0]) / 2**20:.1f} GiB" if memory_kib != "unknown" else "unknown"),
        ("OS", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Node", node),
        ("packages", f"cam-policy-ls {version('cam-policy-ls')}, pygls {version('pygls')}, lsprotocol {version('lsprotocol')}"
                     + (f", vscode-json-languageservice {node_versions['vscode-json-languageservice']}" if node_versions else "")),
        ("commit", _git_revision()),
        ("load average (1, 5, 15 min) at start / end", f"{load_at_start} / {_load_average()}"),
    ]
    return rows


def results_markdown(report: Report, machine: list[tuple[str, str]], started: datetime.datetime, seconds: float,
                     profile_sections: list[profiles.Profile]) -> str:
    lines = [
        "## Results", "",
        f"Written by `python bench/run.py` on {started:%Y-%m-%d %H:%M} UTC; the run took {seconds:.0f} s.", "",
        "| machine | |", "|---|---|",
        *[f"| {name} | {value} |" for name, value in machine], "",
        format_table(report.rows), "",
        ("Ratios divide our median by the peer's median. Times are wall-clock: `time.perf_counter_ns` in Python, "
         "`process.hrtime` in Node. p95 is the nearest-rank 95th percentile."), "",
        "### Details", "",
        *report.details,
    ]
    if profile_sections:
        lines += ["### Profiles", "",
                  ("Taken by the same run for each missed target. cProfile slows Python code down, so compare "
                   "shares, not times, with the table above."), ""]
        lines += [format_profile(profile) for profile in profile_sections]
    return "\n".join(lines).rstrip() + "\n"


DEFAULT_DOCUMENT = """\
# Benchmarks

`python bench/run.py` measures the server and the CLI and rewrites the results section below.

{start}
{end}
"""


def write_docs(path: Path, results: str) -> None:
    """Replace the text between the results markers of ``path``, creating the file when it is missing."""
    text = path.read_text(encoding="utf-8") if path.exists() else DEFAULT_DOCUMENT.format(start=RESULTS_START, end=RESULTS_END)
    if RESULTS_START not in text or RESULTS_END not in text:
        raise SystemExit(f"bench: {path} has no results markers; add the lines\n{RESULTS_START}\n{RESULTS_END}")
    head, rest = text.split(RESULTS_START, 1)
    _, tail = rest.split(RESULTS_END, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}{RESULTS_START}\n\n{results}\n{RESULTS_END}{tail}", encoding="utf-8")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the cam-policy-ls benchmarks and write docs/benchmarks.md.")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, metavar="SECTION",
                        help=f"run only these sections ({', '.join(SECTIONS)}); docs are then written only with --output")
    parser.add_argument("--profile", choices=("misses", "all", "none"), default="misses",
                        help="which sections to profile: those that missed a target (default), all, or none")
    parser.add_argument("--output", type=Path, help=f"Markdown file to write the results into (default: {DOCS_PATH.relative_to(ROOT)} on a full run)")
    return parser.parse_args()


def main() -> int:
    arguments = parse_arguments()
    sections = set(arguments.only or SECTIONS)
    output = arguments.output or (None if arguments.only else DOCS_PATH)
    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.monotonic()
    load_at_start = _load_average()
    if os.getloadavg()[0] > 0.5 * measure.cpu_count():
        print(f"bench: the 1-minute load average is {os.getloadavg()[0]:.2f} on {measure.cpu_count()} CPUs; "
              "other processes will slow down and spread the measurements", file=sys.stderr)

    catalog = load_catalog()
    texts = measure.documents(catalog)
    memory_texts = measure.memory_texts(catalog)
    work_dir = measure.make_work_dir()
    report = Report([], [], set())
    node_versions = None
    cli_result = None
    try:
        if "analysis" in sections:
            node_versions = analysis_section(catalog, texts, report)
        if "latency" in sections:
            latency_section(texts, work_dir, report)
        if "cold-start" in sections:
            cold_start_section(work_dir, report)
        if "cli" in sections:
            cli_result = cli_section(catalog, work_dir, report)
        if "memory" in sections:
            memory_section(memory_texts, work_dir, report)

        wanted = {"misses": report.missed, "all": sections, "none": set()}[arguments.profile]
        profile_sections = []
        for section in SECTIONS:
            if section not in wanted or section not in sections:
                continue
            print(f"bench: profiling {section}", file=sys.stderr)
            if section == "analysis":
                profile_sections.append(profiles.analysis_profile(texts, catalog))
            elif section == "latency":
                profile_sections.append(profiles.server_latency_profile(texts[measure.LIMIT_SIZE.label][0], work_dir))
            elif section == "cold-start":
                profile_sections.append(profiles.cold_start_profile())
            elif section == "cli" and cli_result is not None:
                profile_sections.append(profiles.cli_profile(cli_result.folder, catalog))
            elif section == "memory":
                profile_sections.append(profiles.memory_profile(memory_texts))
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)

    seconds = time.monotonic() - clock
    results = results_markdown(report, machine_description(node_versions, load_at_start), started, seconds, profile_sections)
    print(results)
    if output is not None:
        write_docs(output, results)
        print(f"bench: wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
