"""Real editors, headless, against the real server: Neovim's built-in LSP client and Emacs eglot.

Each test writes one policy into tmp_path and runs a driver in the editor as a subprocess.
The driver opens the policy as a user does, waits for the operation-level-resource
diagnostic and checks its range, accepts a completion inside "kms:Enc, hovers over
kms:Decrypt, fixes the policy and waits for the diagnostics to clear. It writes one line
per check to a results file. On failure the assertion message also contains the editor's
output and its LSP log.

The expected positions below were counted by hand. They are LSP positions: 0-based
lines, and columns in UTF-16 code units, which both editors negotiate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SERVER_COMMAND = [sys.executable, "-m", "cam_policy_ls", "serve"]
EDITOR_TIMEOUT_SECONDS = 45
"""Maximum duration of one driver run. It is below pytest's 60-second timeout, so the logs still reach the report."""

EXIT_NO_EGLOT = 77
"""Exit code of eglot_driver.el when Emacs has no eglot."""

LOG_TAIL_CHARS = 20_000
"""How much of the end of each log file goes into a failure message."""

POLICY = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": ["kms:Decrypt", "kms:Enc"],
      "resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/*"]
    }
  ]
}
"""

# The statement is on one line, with a key id of two CJK characters and an emoji before the actions.
# "密" and "钥" are one UTF-16 unit each and "😀" is two, so each column after the emoji is one more
# than its code-point index.
POLICY_EMOJI_CJK = """\
{
  "version": "2.0",
  "statement": [
    {"effect": "allow", "resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/密钥😀"], "action": ["kms:Decrypt", "kms:Enc"]}
  ]
}
"""


def position(line: int, character: int) -> dict[str, int]:
    return {"line": line, "character": character}


@dataclass(frozen=True)
class Case:
    """A policy file and what a driver must find in it.

    ``expected`` becomes the driver's CAM_EDITOR_CASE, a JSON object with:

    - fileformat: "unix" or "dos", the line endings the editor must detect;
    - diagnostic: the code, the text it must underline and its range;
    - completion: the anchor the cursor goes right after, the position the editor must send,
      the label of the item to accept and the whole line after accepting it;
    - hover: the anchor, the position and a text the hover must contain;
    - fix: the anchor and the text typed there, after which the policy has no findings.
    """

    name: str
    text: str
    newline: str
    expected: dict


def _case(name: str, text: str, newline: str, line: int, decrypt: int, completion_line: str) -> Case:
    """Build a case whose kms:Decrypt starts at UTF-16 column ``decrypt`` of ``line``, followed by "kms:Enc"."""
    return Case(
        name,
        text,
        newline,
        {
            "fileformat": "dos" if newline == "\r\n" else "unix",
            "diagnostic": {
                "code": "operation-level-resource",
                "text": "kms:Decrypt",
                "range": {"start": position(line, decrypt), "end": position(line, decrypt + 11)},
            },
            # After kms:Decrypt come the closing quote, ", " and the opening quote, then kms:Enc.
            "completion": {
                "after": '"kms:Enc',
                "position": position(line, decrypt + 11 + 4 + 7),
                "label": "kms:Encrypt",
                "line": completion_line,
            },
            "hover": {"after": '"kms:Dec', "position": position(line, decrypt + 7), "contains": "operation level"},
            "fix": {"after": '"resource": [', "insert": '"*", '},
        },
    )


CASES = [
    _case("plain", POLICY, "\n", 5, 18, '      "action": ["kms:Decrypt", "kms:Encrypt"],'),
    _case("crlf", POLICY, "\r\n", 5, 18, '      "action": ["kms:Decrypt", "kms:Encrypt"],'),
    _case(
        "emoji-cjk",
        POLICY_EMOJI_CJK,
        "\n",
        3,
        125,
        '    {"effect": "allow", "resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/密钥😀"],'
        ' "action": ["kms:Decrypt", "kms:Encrypt"]}',
    ),
]


@dataclass(frozen=True)
class Run:
    """One driver run and the files it leaves behind."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path
    results: Path
    logs: list[Path]


def prepare(tmp_path: Path, case: Case) -> tuple[Path, dict[str, str], Path]:
    """Write the policy and return its path, an environment confined to tmp_path and the results file."""
    policy = tmp_path / "work" / f"{case.name}.cam.json"
    policy.parent.mkdir()
    policy.write_bytes(case.text.replace("\n", case.newline).encode("utf-8"))

    env = dict(os.environ)
    for variable, folder in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_RUNTIME_DIR", "runtime"),
        ("TMPDIR", "tmp"),
    ):
        path = tmp_path / folder
        path.mkdir(mode=0o700)
        env[variable] = str(path)
    results = tmp_path / "results.txt"
    env["CAM_POLICY_LS_COMMAND"] = json.dumps(SERVER_COMMAND)
    env["CAM_EDITOR_CASE"] = json.dumps(case.expected)
    env["CAM_EDITOR_RESULTS"] = str(results)
    return policy, env, results


def run_driver(run: Run) -> tuple[int | None, str]:
    """Run the editor; return its exit code (None on timeout) and a report of everything it left behind."""
    try:
        completed = subprocess.run(
            run.argv, env=run.env, cwd=run.cwd, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=EDITOR_TIMEOUT_SECONDS,
        )
        code, stdout, stderr = completed.returncode, completed.stdout, completed.stderr
    except subprocess.TimeoutExpired as timeout:
        code, stdout, stderr = None, timeout.stdout or b"", timeout.stderr or b""

    sections = [
        f"$ {' '.join(run.argv)}",
        f"exit code: {'timed out after %d s' % EDITOR_TIMEOUT_SECONDS if code is None else code}",
        f"--- results ({run.results})\n{_read(run.results)}",
        f"--- stdout\n{stdout.decode('utf-8', 'replace')}",
        f"--- stderr\n{stderr.decode('utf-8', 'replace')}",
    ]
    for log in run.logs:
        sections.append(f"--- {log} (last {LOG_TAIL_CHARS} characters)\n{_read(log)[-LOG_TAIL_CHARS:]}")
    return code, "\n".join(sections)


def _read(path: Path) -> str:
    if not path.exists():
        return "(not written)"
    return path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_neovim(case: Case, tmp_path: Path):
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not on PATH; install Neovim 0.7 or newer (Debian: apt-get install neovim)")
    policy, env, results = prepare(tmp_path, case)
    run = Run(
        argv=[nvim, "--headless", "--clean", "-n", "-u", "NONE", "-c", f"luafile {HERE / 'nvim_driver.lua'}",
              str(policy)],
        env=env,
        cwd=policy.parent,
        results=results,
        # Neovim 0.7 writes lsp.log to the cache folder, and later versions to the state folder.
        logs=[tmp_path / "cache" / "nvim" / "lsp.log", tmp_path / "state" / "nvim" / "lsp.log"],
    )

    code, report = run_driver(run)

    assert code == 0, report
    assert _read(results).rstrip().endswith("all checks passed"), report


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_emacs_eglot(case: Case, tmp_path: Path):
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip("emacs is not on PATH; install Emacs 28 or newer with eglot (Debian: apt-get install emacs-nox elpa-eglot)")
    policy, env, results = prepare(tmp_path, case)
    log = tmp_path / "eglot-events.txt"
    env["CAM_EDITOR_LOG"] = str(log)
    run = Run(
        argv=[emacs, "--batch", "-Q", "-l", str(HERE / "eglot_driver.el"), str(policy)],
        env=env,
        cwd=policy.parent,
        results=results,
        logs=[log],
    )

    code, report = run_driver(run)

    if code == EXIT_NO_EGLOT:
        pytest.skip("Emacs has no eglot; install it (Debian: apt-get install elpa-eglot)")
    assert code == 0, report
    assert _read(results).rstrip().endswith("all checks passed"), report
