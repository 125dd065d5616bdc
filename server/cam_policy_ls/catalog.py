"""Typed catalog of the CAM policy language and of each service's CAM-enabled APIs.

The data lives in YAML files: ``language.yaml`` for the policy language and one
file per service (``kms.yaml``). Files are read with ``yaml.safe_load`` and
validated field by field; a malformed file raises :class:`CatalogError` naming
the file, the entry and the field.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml

# libyaml's safe loader when PyYAML was built with it: the same safe subset of YAML, about 5 times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LANGUAGE_FILE = "language.yaml"
IF_EXIST = "_if_exist"
QUALIFIER_PREFIXES = ("for_any_value:", "for_all_value:")
PLACEHOLDER_RE = re.compile(r"\$\{(\w+)\}")


class CatalogError(ValueError):
    """A catalog file that cannot be read or does not match the catalog schema."""


class Granularity(enum.Enum):
    """Authorization granularity of a service or an API."""

    SERVICE = "service"
    OPERATION = "operation"
    RESOURCE = "resource"


class IpRestriction(enum.Enum):
    """Whether a service enforces the ``qcs:ip`` condition for its APIs."""

    SUPPORTED = "supported"
    PARTIAL = "partial"
    UNSUPPORTED = "unsupported"


class Category(enum.Enum):
    """Group of an API on its service's CAM documentation page."""

    WRITE = "write"
    READ = "read"
    LIST = "list"
    OTHER = "other"


@dataclass(frozen=True)
class Api:
    """One CAM-enabled API of a service."""

    service: str
    name: str
    description: str
    category: Category
    granularity: Granularity
    resources: tuple[str, ...]
    """Six-segment resource templates with ``${placeholder}`` parts, or ``("*",)``."""
    ip_restriction: bool

    @property
    def action(self) -> str:
        return f"{self.service}:{self.name}"

    @property
    def is_operation_level(self) -> bool:
        return self.granularity is Granularity.OPERATION


@dataclass(frozen=True)
class Service:
    """A catalogued service with its CAM facts and APIs."""

    name: str
    abbreviation: str
    console_access: bool
    authorization_by_tag: bool
    granularity: Granularity
    ip_restriction: IpRestriction
    source_url: str
    updated: str
    """Date the source page was last updated, ``YYYY-MM-DD``."""
    apis: Mapping[str, Api]
    """APIs by exact name, in the order of the source page."""
    apis_by_folded_name: Mapping[str, Api] = field(repr=False)

    @functools.cached_property
    def templates(self) -> tuple[str, ...]:
        """Distinct six-segment resource templates of the service's APIs, ``*`` left out, in page order."""
        return tuple(dict.fromkeys(template for api in self.apis.values() for template in api.resources if template != "*"))

    def match(self, pattern: str) -> list[Api]:
        """Return the APIs whose names match ``pattern``, where ``*`` matches any characters."""
        if pattern == "*":
            return list(self.apis.values())
        regex = wildcard_regex(pattern)
        return [api for api in self.apis.values() if regex.fullmatch(api.name)]


@dataclass(frozen=True)
class Element:
    """A key that the grammar allows at one level of a policy."""

    name: str
    required: bool
    type: str
    doc: str


@dataclass(frozen=True)
class ConditionOperator:
    name: str
    type: str
    """Value type: string, number, date, boolean, binary or ip."""
    doc: str
    if_exist: bool
    """Whether the ``_if_exist`` suffix is allowed."""


@dataclass(frozen=True)
class ConditionQualifier:
    name: str
    doc: str


@dataclass(frozen=True)
class ConditionKey:
    name: str
    type: str
    doc: str
    confirmed: bool
    """False when no documentation page lists the key plainly."""


@dataclass(frozen=True)
class PolicyVariable:
    name: str
    doc: str


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    note: str = ""


@dataclass(frozen=True)
class LegacyRegion:
    id: str
    region: str | None


@dataclass(frozen=True)
class Catalog:
    """The policy language and every catalogued service, validated."""

    version: str
    elements: Mapping[str, Mapping[str, Element]]
    """Allowed keys by level (``policy``, ``statement``), then by name."""
    operators: Mapping[str, ConditionOperator]
    qualifiers: Mapping[str, ConditionQualifier]
    condition_keys: Mapping[str, ConditionKey]
    policy_variables: Mapping[str, PolicyVariable]
    regions: Mapping[str, Region]
    legacy_regions: Mapping[str, LegacyRegion]
    services: Mapping[str, Service]
    """Services by abbreviation (the action prefix, such as ``kms``)."""

    @property
    def api_count(self) -> int:
        return sum(len(service.apis) for service in self.services.values())

    def api(self, service: str, name: str) -> Api | None:
        entry = self.services.get(service)
        return entry.apis.get(name) if entry else None

    def closest_actions(self, service: str, name: str, limit: int = 3) -> list[str]:
        """Return up to ``limit`` catalogued API names of ``service`` closest to ``name``."""
        entry = self.services.get(service)
        if entry is None:
            return []
        return closest_names(name, list(entry.apis), limit)


@functools.lru_cache(maxsize=1024)
def wildcard_regex(pattern: str) -> re.Pattern:
    """Return a regular expression for an action name pattern, where ``*`` matches any characters; use fullmatch."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def split_operator(name: str) -> tuple[str, str, bool]:
    """Split a condition operator key into (qualifier, operator, whether it has the ``_if_exist`` suffix)."""
    qualifier = ""
    for prefix in QUALIFIER_PREFIXES:
        if name.startswith(prefix):
            qualifier = prefix[:-1]
            name = name[len(prefix):]
    if_exist = name.endswith(IF_EXIST)
    if if_exist:
        name = name[: -len(IF_EXIST)]
    return qualifier, name, if_exist


def closest_names(word: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Return up to ``limit`` candidates closest to ``word``, ignoring case, best first."""
    import difflib

    folded = {candidate.lower(): candidate for candidate in candidates}
    matches = difflib.get_close_matches(word.lower(), list(folded), n=limit, cutoff=0.6)
    return [folded[match] for match in matches]


class _Entry:
    """Typed access to one mapping of a catalog file, with errors that name the place."""

    def __init__(self, data: Any, where: str):
        if data is None:
            raise CatalogError(f"{where}: missing")
        if not isinstance(data, dict):
            raise CatalogError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data = data
        self.where = where

    def _fail(self, name: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.where}: field '{name}': {problem}")

    def text(self, name: str, default: str | None = None) -> str:
        value = self.data.get(name, default)
        if value is None:
            raise self._fail(name, "missing")
        if not isinstance(value, str) or not value:
            raise self._fail(name, f"expected a non-empty string, got {value!r}")
        return value

    def flag(self, name: str, default: bool | None = None) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self._fail(name, f"expected true or false, got {value!r}")
        return value

    def choice(self, name: str, kind: type[enum.Enum]) -> Any:
        value = self.data.get(name)
        allowed = [member.value for member in kind]
        if value not in allowed:
            raise self._fail(name, f"expected one of {', '.join(allowed)}, got {value!r}")
        return kind(value)

    def items(self, name: str) -> list[Any]:
        value = self.data.get(name)
        if not isinstance(value, list):
            raise self._fail(name, f"expected a list, got {type(value).__name__}")
        return value


def _read_yaml(path: Path) -> _Entry:
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.load(stream, Loader=_SAFE_LOADER)
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"{path.name}: cannot be read: {error}") from error
    return _Entry(data, path.name)


def _named_entries(document: _Entry, section: str, key: str = "name") -> Iterable[_Entry]:
    for index, raw in enumerate(document.items(section)):
        label = raw.get(key) if isinstance(raw, dict) else None
        where = f"{document.where}: {section}[{index}]" + (f" ({label})" if label else "")
        yield _Entry(raw, where)


def _load_service(path: Path) -> Service:
    document = _read_yaml(path)
    facts = _Entry(document.data.get("service"), f"{path.name}: service")
    source = _Entry(document.data.get("source"), f"{path.name}: source")
    abbreviation = facts.text("abbreviation")
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", abbreviation):
        raise CatalogError(f"{facts.where}: field 'abbreviation': invalid service prefix {abbreviation!r}")
    updated = source.text("updated")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", updated):
        raise CatalogError(f"{source.where}: field 'updated': expected YYYY-MM-DD, got {updated!r}")

    apis: dict[str, Api] = {}
    for entry in _named_entries(document, "apis"):
        api = _load_api(entry, abbreviation)
        if api.name in apis:
            raise CatalogError(f"{entry.where}: field 'name': duplicate API {api.name!r}")
        apis[api.name] = api

    return Service(
        name=facts.text("name"),
        abbreviation=abbreviation,
        console_access=facts.flag("console_access"),
        authorization_by_tag=facts.flag("authorization_by_tag"),
        granularity=facts.choice("granularity", Granularity),
        ip_restriction=facts.choice("ip_restriction", IpRestriction),
        source_url=source.text("url"),
        updated=updated,
        apis=apis,
        apis_by_folded_name={name.lower(): api for name, api in apis.items()},
    )


def _load_api(entry: _Entry, service: str) -> Api:
    name = entry.text("name")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        raise CatalogError(f"{entry.where}: field 'name': invalid API name {name!r}")
    granularity = entry.choice("granularity", Granularity)
    resources = entry.items("resources")
    for resource in resources:
        if not isinstance(resource, str):
            raise CatalogError(f"{entry.where}: field 'resources': expected strings, got {resource!r}")
        if resource != "*" and (resource.count(":") < 5 or not resource.startswith("qcs:")):
            raise CatalogError(f"{entry.where}: field 'resources': {resource!r} is not a six-segment resource")
    if granularity is Granularity.OPERATION and resources != ["*"]:
        raise CatalogError(f"{entry.where}: field 'resources': an operation-level API has the resource \"*\"")
    return Api(
        service=service,
        name=name,
        description=entry.text("description"),
        category=entry.choice("category", Category),
        granularity=granularity,
        resources=tuple(resources),
        ip_restriction=entry.flag("ip_restriction"),
    )


def _load_language(path: Path) -> dict[str, Any]:
    document = _read_yaml(path)
    levels = _Entry(document.data.get("elements"), f"{path.name}: elements")
    elements = {}
    for level in ("policy", "statement"):
        elements[level] = {
            entry.text("name"): Element(entry.text("name"), entry.flag("required"), entry.text("type"), entry.text("doc"))
            for entry in _named_entries(levels, level)
        }
    operators = {
        entry.text("name"): ConditionOperator(
            entry.text("name"), entry.text("type"), entry.text("doc"), entry.flag("if_exist", True)
        )
        for entry in _named_entries(document, "condition_operators")
    }
    qualifiers = {
        entry.text("name"): ConditionQualifier(entry.text("name"), entry.text("doc"))
        for entry in _named_entries(document, "condition_qualifiers")
    }
    keys = {
        entry.text("name"): ConditionKey(entry.text("name"), entry.text("type"), entry.text("doc"), entry.flag("confirmed", True))
        for entry in _named_entries(document, "condition_keys")
    }
    variables = {
        entry.text("name"): PolicyVariable(entry.text("name"), entry.text("doc"))
        for entry in _named_entries(document, "policy_variables")
    }
    regions = {
        entry.text("id"): Region(entry.text("id"), entry.text("name"), entry.data.get("note", ""))
        for entry in _named_entries(document, "regions", key="id")
    }
    legacy = {
        entry.text("id"): LegacyRegion(entry.text("id"), entry.data.get("region"))
        for entry in _named_entries(document, "legacy_regions", key="id")
    }
    return {
        "version": document.text("version"),
        "elements": elements,
        "operators": operators,
        "qualifiers": qualifiers,
        "condition_keys": keys,
        "policy_variables": variables,
        "regions": regions,
        "legacy_regions": legacy,
    }


def default_catalog_dir() -> Path:
    """Return the bundled catalog folder: inside the package when installed, else the source tree's."""
    packaged = Path(__file__).parent / "catalog"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "catalog"


def load_catalog(directory: Path | None = None, extra_directories: Iterable[Path] = ()) -> Catalog:
    """Load and validate ``language.yaml`` and every service file in ``directory``, then the service files
    of each extra directory, which add services that the bundled catalog does not have."""
    directory = directory or default_catalog_dir()
    language_path = directory / LANGUAGE_FILE
    if not language_path.is_file():
        raise CatalogError(f"{language_path}: not found; the catalog folder must contain {LANGUAGE_FILE}")
    language = _load_language(language_path)

    services: dict[str, Service] = {}
    origins: dict[str, Path] = {}
    for folder in (directory, *extra_directories):
        if not folder.is_dir():
            raise CatalogError(f"{folder}: catalog folder not found")
        for path in sorted(folder.glob("*.yaml")):
            if path.name == LANGUAGE_FILE:
                continue
            service = _load_service(path)
            if service.abbreviation in services:
                raise CatalogError(f"{path}: service {service.abbreviation!r} is already defined in {origins[service.abbreviation]}")
            services[service.abbreviation] = service
            origins[service.abbreviation] = path
    return Catalog(services=services, **language)


def template_placeholders(template: str) -> list[str]:
    """Return the placeholder names of a resource template, in order."""
    return PLACEHOLDER_RE.findall(template)

