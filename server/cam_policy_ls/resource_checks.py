"""Rules on resources: six-segment syntax, region ids, and resources no action of the statement can match."""

from __future__ import annotations

import functools
import re
from typing import Iterator

from cam_policy_ls.catalog import Catalog, closest_names
from cam_policy_ls.findings import Finding, Severity
from cam_policy_ls.jsonparse import Node
from cam_policy_ls.policy import FEATURE_SET_PREFIXES, ActionRef, Policy, Statement
from cam_policy_ls.resources import is_well_formed, resource_matches_template, split_resource
from cam_policy_ls.rules import finding_at, finding_in_string, related_to, replace_in_string

_VARIABLE_RE = re.compile(r"\$\{\w+\}")
_ACCOUNT_RE = re.compile(r"(?:uin|uid)/(?:\d+|\$\{\w+\}|\*)|\*")
_EXAMPLE = "qcs::kms:ap-guangzhou:uin/100000000001:key/*"


def check_resources(policy: Policy, statement: Statement, catalog: Catalog) -> Iterator[Finding]:
    for node in statement.strings("resource"):
        yield from check_resource(policy, node, catalog)


def check_resource(policy: Policy, node: Node, catalog: Catalog) -> Iterator[Finding]:
    """Check one resource string: ``*`` or a six-segment resource."""
    value: str = node.value
    if value == "*":
        return
    if value == "":
        yield finding_at(node, "invalid-resource", Severity.ERROR,
                         f"Empty resource: write \"*\" or a six-segment resource, as in \"{_EXAMPLE}\"")
        return
    segments = split_resource(value)
    if len(segments) < 6:
        yield finding_at(node, "invalid-resource", Severity.ERROR,
                         f"Invalid resource \"{value}\": it has {len(segments)} of the 6 segments "
                         f"qcs:project:service:region:account:resource, as in \"{_EXAMPLE}\"")
        return

    qcs, project, service, region, account, resource = segments
    if qcs.text != "qcs":
        yield finding_in_string(policy, node, qcs.start, qcs.end, "invalid-resource", Severity.ERROR,
                                f"Invalid resource prefix \"{qcs.text}\": a six-segment resource starts with \"qcs:\"")
    if project.text != "":
        yield finding_in_string(policy, node, project.start, project.end, "invalid-resource", Severity.ERROR,
                                f"Project segment \"{project.text}\" must be empty: write \"qcs::{service.text}:...\"")
    if service.text and service.text != "*" and not re.fullmatch(r"[a-z][a-z0-9_-]*", service.text):
        yield finding_in_string(policy, node, service.start, service.end, "invalid-resource", Severity.ERROR,
                                f"Invalid service \"{service.text}\" in the resource: write the lowercase service prefix, as in \"kms\"")
    if account.text and not _ACCOUNT_RE.fullmatch(account.text):
        yield finding_in_string(policy, node, account.start, account.end, "invalid-resource", Severity.ERROR,
                                f"Invalid account \"{account.text}\": write uin/ followed by the root account's ID, "
                                f"as in \"uin/100000000001\", or leave it empty")
    if resource.text == "":
        yield finding_in_string(policy, node, resource.start - 1, resource.start, "invalid-resource", Severity.ERROR,
                                "Missing the resource segment after the account: write a resource such as \"key/*\", or \"*\"")
    yield from _check_region(policy, node, region.text, region.start, region.end, catalog)
    yield from _check_placeholders(policy, node, service.text, resource, catalog)


_PLACEHOLDER_MEANINGS = {
    "creatorUin": "the ID of the account that created the key",
    "keyId": "the key's ID",
    "dataKeyId": "the data key's ID",
}


def _check_placeholders(policy: Policy, node: Node, service_name: str, resource, catalog: Catalog) -> Iterator[Finding]:
    """Report a placeholder name left in the resource part, as when a completed template was not filled in."""
    service = catalog.services.get(service_name)
    if service is None:
        return
    positions = _placeholder_positions(service.templates)
    start = resource.start
    for index, component in enumerate(resource.text.split("/")):
        if component in positions.get(index, ()):
            meaning = _PLACEHOLDER_MEANINGS.get(component, "its value")
            yield finding_in_string(policy, node, start, start + len(component), "invalid-resource", Severity.WARNING,
                                    f"Placeholder \"{component}\" is still in the resource: replace it with {meaning}")
        start += len(component) + 1


@functools.lru_cache(maxsize=64)
def _placeholder_positions(templates: tuple[str, ...]) -> dict[int, frozenset[str]]:
    """Return, for each path position of the templates' resource parts, the placeholder names found there."""
    positions: dict[int, set[str]] = {}
    for template in templates:
        for index, component in enumerate(split_resource(template)[5].text.split("/")):
            match = re.fullmatch(r"\$\{(\w+)\}", component)
            if match:
                positions.setdefault(index, set()).add(match[1])
    return {index: frozenset(names) for index, names in positions.items()}


def _check_region(policy: Policy, node: Node, region: str, start: int, end: int, catalog: Catalog) -> Iterator[Finding]:
    if region in ("", "*") or region in catalog.regions or "*" in region or _VARIABLE_RE.search(region):
        return
    legacy = catalog.legacy_regions.get(region)
    fixes = []
    if legacy is not None:
        if legacy.region:
            message = f"Legacy region id \"{region}\": write \"{legacy.region}\""
            fixes.append(replace_in_string(policy, node, start, end, legacy.region, f"Change to {legacy.region}", preferred=True))
        else:
            message = f"Legacy region id \"{region}\": write the current region id, as in \"ap-guangzhou\""
    else:
        suggestions = closest_names(region, catalog.regions)
        if suggestions:
            message = f"Unknown region \"{region}\": did you mean {', '.join(suggestions)}?"
            fixes.extend(replace_in_string(policy, node, start, end, name, f"Change to {name}") for name in suggestions)
        else:
            message = f"Unknown region \"{region}\": write a region id such as \"ap-guangzhou\", or leave it empty for all regions"
    yield finding_in_string(policy, node, start, end, "unknown-region", Severity.WARNING, message, fixes=fixes)


def check_unused_resources(statement: Statement, refs: list[ActionRef]) -> Iterator[Finding]:
    """Report a resource that no action of its statement can match, when every action is catalogued."""
    actions = statement.strings("action")
    if any(node.value == "*" or node.value.startswith(FEATURE_SET_PREFIXES) for node in actions):
        return
    resource_level = [api for ref in refs for api in ref.apis if not api.is_operation_level]
    if not resource_level:
        return
    uncatalogued = {ref.service for ref in refs if not ref.catalogued}
    unused = []
    for node in statement.strings("resource"):
        value = node.value
        if value == "*" or not is_well_formed(value):
            continue
        service = split_resource(value)[2].text
        if service in ("", "*") or service in uncatalogued:
            continue
        if not any(resource_matches_template(value, template) for api in resource_level for template in api.resources):
            unused.append(node)
    # When no resource matches, resource-mismatch already reports each action, with the resources as related places.
    if len(unused) == len(statement.strings("resource")):
        return
    forms = sorted({template for api in resource_level for template in api.resources})
    for node in unused:
        value = node.value
        yield finding_at(node, "unused-resource", Severity.WARNING,
                         f"No action of this statement can match resource \"{value}\": the statement's resource-level "
                         f"APIs take {' or '.join(forms)}",
                         [related_to(ref.node, f"action \"{ref.node.value}\"") for ref in refs if ref.apis])
