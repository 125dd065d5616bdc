"""The command line: check output format and exit codes, serve help and version."""

import io
import subprocess
import sys
from pathlib import Path

from cam_policy_ls.cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, check, main

BAD = '{\n  "version": "2.0",\n  "statement": [{"effect": "allow", "action": ["kms:Decrypt"], "resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"]}]\n}\n'
WARN = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Encrypt", "resource": "qcs::kms:gz:uin/1:key/*"}]}'
GOOD = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "*"}]}'


def run_check(catalog, *paths):
    out, err = io.StringIO(), io.StringIO()
    status = check(catalog, [Path(path) for path in paths], out, err)
    return status, out.getvalue(), err.getvalue()


def test_error_line_format(catalog, tmp_path):
    path = tmp_path / "bad.cam.json"
    path.write_text(BAD, encoding="utf-8")
    status, out, _ = run_check(catalog, path)
    assert status == EXIT_FINDINGS
    assert out.startswith(f"{path}:3:49: error operation-level-resource \"kms:Decrypt\" is an operation-level API")


def test_clean_file_exit_zero(catalog, tmp_path):
    path = tmp_path / "good.cam.json"
    path.write_text(GOOD, encoding="utf-8")
    assert run_check(catalog, path) == (EXIT_OK, "", "")


def test_folder_skips_non_policies(catalog, tmp_path):
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "policy.json").write_text(BAD, encoding="utf-8")
    status, out, _ = run_check(catalog, tmp_path)
    assert status == EXIT_FINDINGS
    assert out.count("\n") == 1
    assert "sub/policy.json:3:49" in out


def test_named_file_always_checked(catalog, tmp_path):
    path = tmp_path / "aws-style.json"
    path.write_text('{"Version": "2.0", "Statement": []}', encoding="utf-8")
    status, out, _ = run_check(catalog, path)
    assert status == EXIT_FINDINGS
    assert "unknown-element" in out


def test_warnings_only_exit_zero(catalog, tmp_path):
    path = tmp_path / "warn.cam.json"
    path.write_text(WARN, encoding="utf-8")
    status, out, _ = run_check(catalog, path)
    assert status == EXIT_OK
    assert ": warning unknown-region " in out


def test_missing_path_exit_two(catalog, tmp_path):
    status, _, err = run_check(catalog, tmp_path / "absent.json")
    assert status == EXIT_USAGE
    assert "absent.json: no such file or folder" in err


def test_undecodable_file_exit_two(catalog, tmp_path):
    path = tmp_path / "latin1.cam.json"
    path.write_bytes(b'{"version": "\xe9"}')
    status, _, err = run_check(catalog, path)
    assert status == EXIT_USAGE
    assert "cannot be read" in err


def test_column_counts_code_points(catalog, tmp_path):
    path = tmp_path / "emoji.cam.json"
    path.write_text('{"version": "2.0", "statement": [{"effect": "😀", "action": "*", "resource": "*"}]}', encoding="utf-8")
    _, out, _ = run_check(catalog, path)
    assert f"{path}:1:46: error invalid-effect" in out


def test_no_command_prints_help(capsys):
    assert main([]) == EXIT_USAGE
    assert "usage: cam-policy-ls" in capsys.readouterr().err


def test_module_version():
    result = subprocess.run([sys.executable, "-m", "cam_policy_ls", "--version"], capture_output=True, text=True, check=True)
    assert result.stdout.startswith("cam-policy-ls ")


def test_help_has_examples():
    result = subprocess.run([sys.executable, "-m", "cam_policy_ls", "--help"], capture_output=True, text=True, check=True)
    assert "cam-policy-ls check policies/" in result.stdout
