"""Where the app keeps things, and every setting declared once with its default.

No Qt, no network. The API key is NOT a setting and never goes in these files (see ``secrets.py``).

Public API::

    paths = Paths.resolve(data_dir=None, environ=os.environ)
        # --data-dir DIR (the argument) > ASSISTANT_DATA_DIR > platformdirs
    paths = Paths.for_data_dir(dir)   # every folder under one folder: data/, config/, cache/, logs/
    paths = Paths.default()           # platformdirs user folders (data, config, cache, logs)
    paths.ensure() -> Paths           # creates the folders (user-only permissions) and checks that each
                                      # can be written; DataDirError (which folder, and why) otherwise
    paths.catalog  paths.settings_file  paths.log_file  paths.converted (cache/converted)

    Theme            system | light | dark
    Settings         frozen dataclass; its fields ARE the declarations: name, type, default and, in the
                     field's metadata, the description and the rule (range, choices) that validation and
                     the settings dialog both read:
        retention_days: int | None = 30      # expiry of new uploads; None = never (1..90 days)
        default_model: str = DEFAULT_MODEL   # not blank
        concurrent_uploads: int = 3          # 1..8
        base_url: str = DEFAULT_BASE_URL     # https, or http only on loopback
        theme: Theme = Theme.SYSTEM          # one of Theme
        max_tokens: int = 4096               # answer length cap per turn, 1..128000
        unused_days: int = 30                # Clean up offers files unused for longer than this, 1..3650
        cache_ttl: CacheTtl = CacheTtl.AUTO  # prompt-cache TTL: auto | 5m | 1h
        cost_limit_usd: float | None = None  # ask before sending a question estimated above this
        pdf_as_text: PdfAsText = PdfAsText.ASK  # send text-heavy PDFs as text: ask | always | never
        .retention_seconds -> int | None     # for ``expires_in_seconds``
        .replace(**changes) -> Settings      # validated
    Settings.load(path) -> Settings          # missing/corrupt file or bad values -> defaults (logged)
    settings.save(path)                      # atomic, durable write (tmp, fsync, rename, fsync dir)
    SETTING_DOCS: dict[str, str]             # a human description of each setting
    int_range(name) -> IntRange              # .low, .high of a whole-number setting
    choices(name) -> tuple[StrEnum, ...]     # the values a choice setting takes, in order
    validate_base_url(url) -> str            # raises SettingError with a readable message
    SettingError(ValueError)
    DataDirError(Exception)                  # a folder of the app cannot be created or written
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, Self
from urllib.parse import urlsplit

from assistant.paths import APP_AUTHOR, APP_DIR_NAME, DATA_DIR_ENV, DataDirError, Paths

__all__ = [
    "APP_AUTHOR",
    "APP_DIR_NAME",
    "DATA_DIR_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "DEFAULT_RETENTION_DAYS",
    "SETTING_DOCS",
    "CacheTtl",
    "Choices",
    "DataDirError",
    "IntRange",
    "Paths",
    "PdfAsText",
    "SettingError",
    "Settings",
    "Theme",
    "choices",
    "int_range",
    "validate_base_url",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MODEL = "claude-sonnet-5-5"
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 90  # the API accepts 3600 .. 7,776,000 seconds
DEFAULT_RETENTION_DAYS = 30


class SettingError(ValueError):
    """A setting value that cannot be used; the message says why."""


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


class CacheTtl(StrEnum):
    AUTO = "auto"
    FIVE_MINUTES = "5m"
    ONE_HOUR = "1h"


class PdfAsText(StrEnum):
    ASK = "ask"
    ALWAYS = "always"
    NEVER = "never"


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(url: str) -> str:
    """The API base URL, normalised (no trailing slash); https only, except on this machine."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        raise SettingError(f"“{url}” is not a URL; use e.g. {DEFAULT_BASE_URL}")
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and _is_loopback(parts.hostname):
        return url
    if parts.scheme == "http":
        raise SettingError("Plain http is only allowed for this machine (localhost); use https.")
    raise SettingError(f"Unsupported scheme “{parts.scheme}”; use https.")


# ---------------------------------------------------------------- rules


class Rule(Protocol):
    """How one setting is validated: the value to keep, or SettingError saying why not."""

    def check(self, value: Any) -> Any: ...


@dataclass(frozen=True)
class IntRange:
    """A whole number from ``low`` to ``high`` (inclusive); None too when ``optional``."""

    low: int
    high: int
    message: str  # formatted with low and high
    optional: bool = False

    def check(self, value: Any) -> Any:
        if value is None and self.optional:
            return None
        if not isinstance(value, int) or not self.low <= value <= self.high:
            raise SettingError(self.message.format(low=self.low, high=self.high))
        return value


@dataclass(frozen=True)
class Choices:
    """One of the members of a string enum (given as the enum or its value)."""

    enum: type[StrEnum]
    what: str  # "Theme"

    @property
    def values(self) -> tuple[StrEnum, ...]:
        return tuple(self.enum)

    def check(self, value: Any) -> Any:
        try:
            return self.enum(value)
        except ValueError:
            names = [str(v) for v in self.values]
            listed = ", ".join(names[:-1]) + " or " + names[-1]
            raise SettingError(f"{self.what} must be {listed}.") from None


@dataclass(frozen=True)
class Money:
    """An amount in US dollars from ``low`` to ``high``, or None (no limit)."""

    low: float
    high: float
    message: str

    def check(self, value: Any) -> Any:
        if value is None:
            return None
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not self.low <= value <= self.high:
            raise SettingError(self.message.format(low=self.low, high=self.high))
        return float(value)


@dataclass(frozen=True)
class NotBlank:
    message: str

    def check(self, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            raise SettingError(self.message)
        return value


@dataclass(frozen=True)
class BaseUrl:
    def check(self, value: Any) -> Any:
        return validate_base_url(str(value))


def _about(doc: str, rule: Rule) -> dict[str, Any]:
    """A setting's field metadata: its description (``{low}``/``{high}`` filled from a range) and rule."""
    if isinstance(rule, IntRange):
        doc = doc.format(low=rule.low, high=rule.high)
    return {"doc": doc, "rule": rule}


# ---------------------------------------------------------------- the settings


@dataclass(frozen=True)
class Settings:
    retention_days: int | None = field(
        default=DEFAULT_RETENTION_DAYS,
        metadata=_about(
            "Days until new uploads expire on the server ({low}-{high}), or never.",
            IntRange(
                MIN_RETENTION_DAYS,
                MAX_RETENTION_DAYS,
                "Retention must be {low} to {high} days, or never.",
                optional=True,
            ),
        ),
    )
    default_model: str = field(
        default=DEFAULT_MODEL,
        metadata=_about("The model new conversations use.", NotBlank("The default model cannot be empty.")),
    )
    concurrent_uploads: int = field(
        default=3,
        metadata=_about(
            "How many files upload at the same time ({low}-{high}).",
            IntRange(1, 8, "Concurrent uploads must be {low} to {high}."),
        ),
    )
    base_url: str = field(
        default=DEFAULT_BASE_URL,
        metadata=_about("The API address (https; http only for a local server).", BaseUrl()),
    )
    theme: Theme = field(
        default=Theme.SYSTEM,
        metadata=_about("Follow the system, or always light or dark.", Choices(Theme, "Theme")),
    )
    max_tokens: int = field(
        default=4096,
        metadata=_about(
            "The longest answer, in tokens.", IntRange(1, 128_000, "Max tokens must be {low} to {high}.")
        ),
    )
    unused_days: int = field(
        default=30,
        metadata=_about(
            "Clean up offers files not used for this many days.",
            IntRange(1, 3650, "Unused days must be {low} to {high}."),
        ),
    )

    cache_ttl: CacheTtl = field(
        default=CacheTtl.AUTO,
        metadata=_about(
            "How long the documents stay in the prompt cache after a question: 5 minutes (writes cost "
            "1.25x the input price), 1 hour (2x), or Automatic: 1 hour when your pauses between questions "
            "run past 5 minutes and the documents are large enough to cache.",
            Choices(CacheTtl, "The cache TTL"),
        ),
    )
    cost_limit_usd: float | None = field(
        default=None,
        metadata=_about(
            "Ask before sending a question whose estimated cost (input and the longest answer) is above "
            "this many dollars; none: never ask.",
            Money(0.001, 1000.0, "The cost limit must be ${low} to ${high}, or none."),
        ),
    )
    pdf_as_text: PdfAsText = field(
        default=PdfAsText.ASK,
        metadata=_about(
            "Send a text-heavy PDF as its text (about a third of the tokens; citations still name the "
            "page) or as the PDF (its pages are also read as images: keep it for scans and figures).",
            Choices(PdfAsText, "Send PDFs as text"),
        ),
    )

    def __post_init__(self) -> None:
        for f in fields(self):
            rule: Rule = f.metadata["rule"]
            object.__setattr__(self, f.name, rule.check(getattr(self, f.name)))

    @property
    def retention_seconds(self) -> int | None:
        return None if self.retention_days is None else self.retention_days * 86_400

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: (str(v) if isinstance(v, StrEnum) else v) for k, v in values.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Settings:
        """Known keys only; a bad value falls back to its default (and is logged), others are kept."""
        result = cls()
        for f in fields(cls):
            if f.name not in data:
                continue
            try:
                result = result.replace(**{f.name: data[f.name]})
            except (SettingError, TypeError, ValueError) as exc:
                log.warning("setting %s: ignored a bad value (%s)", f.name, exc)
        return result

    @classmethod
    def load(cls, path: Path) -> Settings:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable, using defaults: %s", path, exc)
            return cls()
        if not isinstance(raw, dict):
            return cls()
        return cls.from_json(raw)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_json(), fh, indent=2, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())  # the new content is on disk before it takes the old one's name
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)  # and the rename itself survives a power cut


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder for fsync; MoveFileEx is its own flush
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


SETTING_DOCS: dict[str, str] = {f.name: f.metadata["doc"] for f in fields(Settings)}


def _rule(name: str) -> Rule:
    for f in fields(Settings):
        if f.name == name:
            rule: Rule = f.metadata["rule"]
            return rule
    raise KeyError(name)


def int_range(name: str) -> IntRange:
    """The range a whole-number setting is declared with (for spin boxes)."""
    rule = _rule(name)
    if not isinstance(rule, IntRange):
        raise TypeError(f"{name} is not a whole-number setting")
    return rule


def choices(name: str) -> tuple[StrEnum, ...]:
    """The values a choice setting is declared with, in order (for combo boxes)."""
    rule = _rule(name)
    if not isinstance(rule, Choices):
        raise TypeError(f"{name} is not a choice setting")
    return rule.values
