"""The analysis opens no network connection and evaluates nothing from a document."""

import socket
import subprocess
from pathlib import Path

import pytest

from cam_policy_ls.completion import Request, complete
from cam_policy_ls.document import analyze_text
from cam_policy_ls.hover import hover

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.json"))


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the analysis tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_examples_without_network(catalog, no_network, path):
    text = path.read_text(encoding="utf-8")
    analysis = analyze_text(text, catalog)
    for offset in range(0, len(text), 7):
        complete(analysis.policy, catalog, Request(offset))
        hover(analysis.policy, catalog, offset)
    assert analysis.findings is not None


def test_document_content_not_evaluated(catalog, tmp_path):
    marker = tmp_path / "ran"
    text = ('{"version": "2.0", "statement": [{"effect": "allow", "action": "__import__(\'os\').system(\'touch '
            + str(marker) + '\')", "resource": "*"}]}')
    analyze_text(text, catalog)
    assert not marker.exists()
