"""Deterministic benchmark inputs: KMS policies of exact sizes, and the JSON schema for the Node peer.

Every document is built from the bundled catalog with a seeded ``random.Random``, so the same
seed and catalog give the same text. Statements group actions by resource template, so a
generated policy has no findings other than ``policy-too-long`` above 6,144 characters,
unless it is asked for a mistake.
"""

from __future__ import annotations

import json
import random
import uuid
from collections import defaultdict
from pathlib import Path

from cam_policy_ls.catalog import Api, Catalog

ACCOUNT_UIN = "100000000001"
CREATOR_UINS = ("100000000001", "100000000002", "100000000003")
REGIONS = ("ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-hongkong", "ap-singapore", "eu-frankfurt")
TAGS = ("env&prod", "env&staging", "team&payments", "team&identity", "cost-center&1024")
CIDR_BLOCKS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.10.0/24", "203.0.113.7", "198.51.100.0/24")
INDENT = "  "
STATEMENT_INDENT = INDENT * 2
DOCUMENT_HEAD = '{\n  "version": "2.0",\n  "statement": [\n'
DOCUMENT_TAIL = "\n  ]\n}\n"
STATEMENT_SEPARATOR = ",\n"
MAX_MISSES = 5
"""Consecutive random statements that do not fit before the rest of a document is filled."""
MISTAKE_TRIES = 1_000
"""Random statements with a mistake drawn before a length is declared too short for one."""


class PolicyGenerator:
    """Random but valid KMS statements, drawn from one catalog service."""

    def __init__(self, catalog: Catalog, seed: int, service: str = "kms"):
        self.rng = random.Random(seed)
        apis = list(catalog.services[service].apis.values())
        self.operation_level = [api for api in apis if api.is_operation_level]
        by_template: dict[str, list[Api]] = defaultdict(list)
        for api in apis:
            if not api.is_operation_level:
                for template in api.resources:
                    by_template[template].append(api)
        self.by_template = dict(sorted(by_template.items()))

    def key_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def resource(self, template: str) -> str:
        values = {
            "region": self.rng.choice(REGIONS),
            "uin": ACCOUNT_UIN,
            "creatorUin": self.rng.choice(CREATOR_UINS),
            "keyId": self.key_id(),
            "dataKeyId": self.key_id(),
        }
        text = template
        for name, value in values.items():
            text = text.replace("${" + name + "}", value)
        return text

    def condition(self, apis: list[Api]) -> dict[str, dict[str, object]]:
        condition: dict[str, dict[str, object]] = {}
        # qcs:ip is only valid when every action of the statement supports IP restriction.
        if all(api.ip_restriction for api in apis) and self.rng.random() < 0.6:
            condition["ip_equal"] = {"qcs:ip": self.rng.sample(CIDR_BLOCKS, self.rng.randint(1, 3))}
        if self.rng.random() < 0.4:
            condition["date_less_than"] = {"qcs:current_time": f"2027-{self.rng.randint(1, 12):02d}-28T00:00:00Z"}
        if self.rng.random() < 0.3:
            condition["for_any_value:string_equal"] = {"qcs:resource_tag": self.rng.sample(TAGS, self.rng.randint(1, 2))}
        return condition

    def statement(self, mistake: bool = False) -> dict[str, object]:
        """Return one statement: resource-level actions on matching resources (3 in 4), else operation-level on "*".

        With ``mistake``, an operation-level action joins resource-level actions on specific
        resources, which is the ``operation-level-resource`` error.
        """
        if self.rng.random() < 0.25 and not mistake:
            apis = self.rng.sample(self.operation_level, self.rng.randint(1, 4))
            resources = ["*"]
        else:
            template = self.rng.choice(list(self.by_template))
            candidates = self.by_template[template]
            apis = self.rng.sample(candidates, self.rng.randint(1, min(6, len(candidates))))
            resources = [self.resource(template) for _ in range(self.rng.randint(1, 3))]
            if mistake:
                apis.append(self.rng.choice(self.operation_level))
        statement: dict[str, object] = {
            "effect": "deny" if self.rng.random() < 0.15 else "allow",
            "action": [api.action for api in apis],
            "resource": resources,
        }
        condition = self.condition(apis)
        if condition:
            statement["condition"] = condition
        return statement

    def filler_statement_text(self, room: int) -> str | None:
        """Return an operation-level statement on "*" with as many actions as fit in ``room`` characters, or None."""
        order = self.rng.sample(self.operation_level, len(self.operation_level))
        first = order[0].action
        length = len(_statement_text(_filler_statement([first])))
        if length > room:
            return None
        chosen = [first]
        for api in order[1:]:
            # Each further action adds a line: ",\n", the indentation and the quoted name.
            added = len(",\n") + len(STATEMENT_INDENT) + 2 * len(INDENT) + len(json.dumps(api.action))
            if length + added <= room:
                chosen.append(api.action)
                length += added
        text = _statement_text(_filler_statement(chosen))
        assert len(text) == length, (len(text), length)
        return text


def _filler_statement(actions: list[str]) -> dict[str, object]:
    return {"effect": "allow", "action": actions, "resource": ["*"]}


def _statement_text(statement: dict[str, object]) -> str:
    lines = json.dumps(statement, indent=2).split("\n")
    return "\n".join(STATEMENT_INDENT + line for line in lines)


def policy_text(catalog: Catalog, length: int, seed: int, mistake: bool = False) -> str:
    """Return a pretty-printed KMS policy of exactly ``length`` characters.

    Random statements are added while they fit. Then one operation-level statement on "*"
    takes as many actions as fit in the room left, and trailing spaces before the final
    newline fill the rest (less than one action line, about 40 characters). With ``mistake``,
    the first statement has an ``operation-level-resource`` error.
    """
    generator = PolicyGenerator(catalog, seed)
    parts: list[str] = []
    used = len(DOCUMENT_HEAD) + len(DOCUMENT_TAIL)
    if mistake:
        for _ in range(MISTAKE_TRIES):
            candidate = _statement_text(generator.statement(mistake=True))
            if used + len(candidate) <= length:
                parts.append(candidate)
                used += len(candidate)
                break
        else:
            raise ValueError(f"length {length} is too short for a statement with a mistake")
    misses = 0
    while misses < MAX_MISSES:
        candidate = _statement_text(generator.statement())
        cost = len(candidate) + (len(STATEMENT_SEPARATOR) if parts else 0)
        if used + cost <= length:
            parts.append(candidate)
            used += cost
            misses = 0
        else:
            misses += 1
    filler = generator.filler_statement_text(length - used - (len(STATEMENT_SEPARATOR) if parts else 0))
    if filler is not None:
        parts.append(filler)
    if not parts:
        raise ValueError(f"length {length} is too short for one statement")
    text = DOCUMENT_HEAD + STATEMENT_SEPARATOR.join(parts) + DOCUMENT_TAIL
    text = text[:-1] + " " * (length - len(text)) + "\n"
    assert len(text) == length, (len(text), length)
    json.loads(text)
    return text


def small_policy_files(catalog: Catalog, folder: Path, count: int, seed: int, per_folder: int = 100) -> int:
    """Write ``count`` policies of 300 to 1,500 characters into subfolders of ``folder`` and return the characters written.

    Every tenth file puts an operation-level action next to a specific resource, which
    ``cam-policy-ls check`` reports as an error, so the run also formats findings.
    """
    rng = random.Random(seed)
    total = 0
    for index in range(count):
        subfolder = folder / f"team-{index // per_folder:03d}"
        if index % per_folder == 0:
            subfolder.mkdir(parents=True, exist_ok=True)
        text = policy_text(catalog, rng.randint(300, 1500), seed * 100_003 + index, mistake=index % 10 == 0)
        path = subfolder / f"policy-{index:05d}.json"
        path.write_text(text, encoding="utf-8")
        total += len(text)
    return total


def policy_schema(catalog: Catalog, service: str = "kms") -> dict[str, object]:
    """Return a JSON schema (draft 7) for CAM policies with the actions of one catalogued service.

    It checks what JSON schema can express: the elements at each level, the ``version`` and
    ``effect`` enums, an enum of the service's actions, and a pattern for six-segment resources.
    """
    actions = [api.action for api in catalog.services[service].apis.values()]
    string_or_list = lambda item: {
        "anyOf": [item, {"type": "array", "items": item, "minItems": 1}],
    }
    action = {"type": "string", "enum": actions}
    resource = {"type": "string", "pattern": r"^(\*|qcs:[^:]*:[a-z]+:[a-z0-9-]*:(uin/[0-9]+)?:.+)$"}
    condition_value = {"anyOf": [{"type": ["string", "number", "boolean"]},
                                 {"type": "array", "items": {"type": ["string", "number", "boolean"]}}]}
    condition = {
        "type": "object",
        "propertyNames": {"pattern": r"^((for_any_value|for_all_value):)?[a-z_]+$"},
        "additionalProperties": {
            "type": "object",
            "propertyNames": {"pattern": r"^[a-z]+:[a-z_]+(/.+)?$"},
            "additionalProperties": condition_value,
        },
    }
    statement = {
        "type": "object",
        "required": ["effect", "action", "resource"],
        "additionalProperties": False,
        "properties": {
            "effect": {"type": "string", "enum": ["allow", "deny"]},
            "action": string_or_list(action),
            "resource": string_or_list(resource),
            "condition": condition,
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"CAM policy ({service} actions)",
        "type": "object",
        "required": ["version", "statement"],
        "additionalProperties": False,
        "properties": {
            "version": {"type": "string", "enum": ["2.0"]},
            "statement": {"type": "array", "items": statement, "minItems": 1},
        },
    }
