"""User settings of the server (the ``camPolicy`` section), typed, with defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

SECTION = "camPolicy"


@dataclass(frozen=True)
class Settings:
    default_uin: str | None = None
    """Account ID (uin) filled into resource templates; digits only."""
    default_region: str | None = None
    """Region id preselected in resource templates, such as ap-guangzhou."""
    inlay_hints: bool = True
    """Whether to show the granularity of each action after it."""
    extra_catalogs: tuple[str, ...] = ()
    """Folders of service catalog YAML files that add services to the bundled catalog."""


def read_settings(raw: Any, regions: Iterable[str]) -> tuple[Settings, list[str]]:
    """Build settings from a ``camPolicy`` object, or from an object that contains one.

    Invalid values fall back to their defaults; each one yields a problem message.
    """
    problems: list[str] = []
    if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
        raw = raw[SECTION]
    if raw is None:
        return Settings(), problems
    if not isinstance(raw, dict):
        return Settings(), [f"Invalid {SECTION} settings {raw!r}: expected an object; using the defaults"]

    uin = raw.get("defaultUin")
    if isinstance(uin, int) and not isinstance(uin, bool):
        uin = str(uin)
    if uin in (None, ""):
        uin = None
    elif not isinstance(uin, str) or not re.fullmatch(r"\d{5,20}", uin):
        problems.append(f"Invalid {SECTION}.defaultUin {uin!r}: expected an account ID of 5 to 20 digits, such as \"100000000001\"; ignoring it")
        uin = None

    region = raw.get("defaultRegion")
    known = set(regions)
    if region in (None, ""):
        region = None
    elif not isinstance(region, str) or region not in known:
        problems.append(f"Invalid {SECTION}.defaultRegion {region!r}: expected a region id such as \"ap-guangzhou\"; ignoring it")
        region = None

    inlay_hints = raw.get("inlayHints", True)
    if not isinstance(inlay_hints, bool):
        problems.append(f"Invalid {SECTION}.inlayHints {inlay_hints!r}: expected true or false; using true")
        inlay_hints = True

    extra = raw.get("extraCatalogs", [])
    if not isinstance(extra, list) or not all(isinstance(item, str) and item for item in extra):
        problems.append(f"Invalid {SECTION}.extraCatalogs {extra!r}: expected a list of folder paths; ignoring it")
        extra = []

    settings = Settings(default_uin=uin, default_region=region, inlay_hints=inlay_hints, extra_catalogs=tuple(extra))
    return settings, problems
