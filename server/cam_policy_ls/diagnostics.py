"""Diagnostics for a CAM policy: every rule, run in order over a parsed policy.

Each rule has a stable code, listed in ``CODES``. Rules are pure functions in
the ``*_checks`` modules: they take the parsed :class:`Policy` and the
:class:`Catalog` and return findings with code-point offsets and quick fixes.
"""

from __future__ import annotations

from cam_policy_ls.action_checks import check_actions, check_granularity, check_overly_permissive, check_redundant_actions
from cam_policy_ls.catalog import Catalog
from cam_policy_ls.condition_checks import check_conditions
from cam_policy_ls.findings import Finding
from cam_policy_ls.grammar_checks import (
    check_double_encoded,
    check_duplicate_keys,
    check_effect,
    check_length,
    check_policy_elements,
    check_statement_elements,
    check_syntax,
)
from cam_policy_ls.policy import Policy
from cam_policy_ls.resource_checks import check_resources, check_unused_resources
from cam_policy_ls.rule_docs import RULE_DOCS

CODES = tuple(RULE_DOCS)
"""Every diagnostic code, in the order of the rule documentation."""


def analyze(policy: Policy, catalog: Catalog) -> list[Finding]:
    """Run every rule over a policy. Findings come back sorted by position."""
    findings: list[Finding] = []
    findings.extend(check_syntax(policy))
    findings.extend(check_length(policy))
    findings.extend(check_duplicate_keys(policy))
    findings.extend(check_double_encoded(policy))
    findings.extend(check_policy_elements(policy, catalog))
    for statement in policy.statements:
        findings.extend(check_statement_elements(policy, statement, catalog))
        findings.extend(check_effect(statement))
        refs = check_actions(policy, statement, catalog, findings)
        findings.extend(check_redundant_actions(policy, statement, catalog))
        findings.extend(check_overly_permissive(statement))
        findings.extend(check_resources(policy, statement, catalog))
        findings.extend(check_unused_resources(statement, refs))
        findings.extend(check_granularity(policy, statement, refs))
        findings.extend(check_conditions(policy, statement, refs, catalog))
    findings.sort(key=lambda finding: (finding.start, finding.end, finding.code))
    return findings
