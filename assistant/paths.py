"""Where the app keeps things: one redirect for every folder (``--data-dir``, ``ASSISTANT_DATA_DIR``,
else platformdirs), and a check that each folder can be used. No Qt. ``assistant.settings`` re-exports
these names; the API is described there.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["APP_AUTHOR", "APP_DIR_NAME", "DATA_DIR_ENV", "DataDirError", "Paths"]

APP_DIR_NAME = "document-assistant"
APP_AUTHOR = "DocumentAssistant"
DATA_DIR_ENV = "ASSISTANT_DATA_DIR"


class DataDirError(Exception):
    """A folder of the app cannot be created or written to; the message says which one and why."""

    def __init__(self, message: str, folder: Path) -> None:
        super().__init__(message)
        self.message = message
        self.folder = folder


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    cache: Path
    logs: Path

    @classmethod
    def default(cls) -> Paths:
        import platformdirs

        dirs = platformdirs.PlatformDirs(APP_DIR_NAME, APP_AUTHOR)
        return cls(
            data=Path(dirs.user_data_dir),
            config=Path(dirs.user_config_dir),
            cache=Path(dirs.user_cache_dir),
            logs=Path(dirs.user_log_dir),
        )

    @classmethod
    def for_data_dir(cls, root: Path | str) -> Paths:
        root = Path(root).expanduser().absolute()
        return cls(data=root / "data", config=root / "config", cache=root / "cache", logs=root / "logs")

    @classmethod
    def resolve(cls, data_dir: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Paths:
        env = os.environ if environ is None else environ
        chosen = data_dir or env.get(DATA_DIR_ENV) or None
        return cls.for_data_dir(chosen) if chosen else cls.default()

    def ensure(self) -> Paths:
        for folder in (self.data, self.config, self.cache, self.logs):
            _usable_folder(folder)
        return self

    @property
    def catalog(self) -> Path:
        return self.data / "catalog.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.logs / "document-assistant.log"

    @property
    def converted(self) -> Path:
        return self.cache / "converted"


def _usable_folder(folder: Path) -> None:
    """Create ``folder`` (user-only) if needed and check that a file can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise DataDirError(
            f"“{blocker}” is a file, not a folder, so the app cannot keep its data in “{folder}”.", folder
        ) from None
    except OSError as exc:
        raise DataDirError(f"The folder “{folder}” cannot be created: {_why(exc)}.", folder) from None
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise DataDirError(f"The folder “{folder}” cannot be written to: {_why(exc)}.", folder) from None


def _why(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "it is on a read-only file system"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return (exc.strerror or type(exc).__name__).lower()
