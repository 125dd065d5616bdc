"""Six-segment resource strings: splitting, and whether a policy resource can match an API's template.

A resource is ``qcs:project_id:service_type:region:account:resource``. In a
policy an empty service, region or account segment matches any value, ``*``
matches any characters, and ``${name}`` is a policy variable. In a catalog
template ``${name}`` is a placeholder for one path component.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

SEGMENT_NAMES = ("qcs", "project", "service", "region", "account", "resource")
_VARIABLE_RE = re.compile(r"\$\{\w+\}")

_STAR = "*"
_VARIABLE = "$"


@dataclass(frozen=True)
class Segment:
    """One segment of a resource string, with its ``[start, end)`` indexes in the string."""

    name: str
    text: str
    start: int
    end: int


@functools.lru_cache(maxsize=4096)
def split_resource(value: str) -> tuple[Segment, ...]:
    """Split a resource into at most six segments; the last keeps any further colons."""
    segments = []
    start = 0
    for name in SEGMENT_NAMES[:-1]:
        colon = value.find(":", start)
        if colon < 0:
            break
        segments.append(Segment(name, value[start:colon], start, colon))
        start = colon + 1
    segments.append(Segment(SEGMENT_NAMES[len(segments)], value[start:], start, len(value)))
    return tuple(segments)


def is_well_formed(value: str) -> bool:
    """Return whether a resource is ``*`` or has six segments, the ``qcs`` prefix, an empty project and a resource part."""
    if value == "*":
        return True
    segments = split_resource(value)
    return len(segments) == 6 and segments[0].text == "qcs" and segments[1].text == "" and segments[5].text != ""


def _tokens(pattern: str) -> tuple[str, ...]:
    """Split a pattern into single characters, ``*`` wildcards and ``${name}`` variables."""
    tokens: list[str] = []
    index = 0
    while index < len(pattern):
        match = _VARIABLE_RE.match(pattern, index)
        if match:
            tokens.append(_VARIABLE)
            index = match.end()
            continue
        tokens.append(_STAR if pattern[index] == "*" else "\0" + pattern[index])
        index += 1
    return tuple(tokens)


@functools.lru_cache(maxsize=4096)
def patterns_overlap(first: str, second: str) -> bool:
    """Return whether some string matches both patterns.

    ``*`` matches any characters; ``${name}`` matches any characters but ``/``,
    so a variable or placeholder stands for one path component.
    """
    left = _tokens(first)
    right = _tokens(second)

    @functools.lru_cache(maxsize=None)
    def overlap(i: int, j: int) -> bool:
        if i == len(left) and j == len(right):
            return True
        left_wild = i < len(left) and left[i] in (_STAR, _VARIABLE)
        right_wild = j < len(right) and right[j] in (_STAR, _VARIABLE)
        if left_wild:
            if overlap(i + 1, j):
                return True
            if j < len(right) and (left[i] == _STAR or right[j] != "\0/") and overlap(i, j + 1):
                return True
        if right_wild:
            if overlap(i, j + 1):
                return True
            if i < len(left) and (right[j] == _STAR or left[i] != "\0/") and overlap(i + 1, j):
                return True
        if i < len(left) and j < len(right) and not left_wild and not right_wild:
            return left[i] == right[j] and overlap(i + 1, j + 1)
        return False

    return overlap(0, 0)


def resource_matches_template(resource: str, template: str) -> bool:
    """Return whether a policy resource can match some resource described by a catalog template."""
    if resource == "*" or template == "*":
        return True
    policy_segments = split_resource(resource)
    template_segments = split_resource(template)
    if len(policy_segments) != 6 or len(template_segments) != 6:
        return False
    for policy_segment, template_segment in zip(policy_segments, template_segments):
        wanted = policy_segment.text
        if policy_segment.name in ("service", "region", "account") and wanted == "":
            continue
        if not patterns_overlap(wanted, template_segment.text):
            return False
    return True
