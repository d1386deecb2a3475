"""Ignore patterns of a linked folder: a small gitignore subset (see ``DEFAULT_IGNORE_PATTERNS``)."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from pathlib import PurePosixPath

__all__ = ["IgnoreRules"]


class IgnoreRules:
    """``ignores(relative, is_dir)``: whether a path under the folder matches one of ``patterns``.

    "name/" matches folders only; "name" (no "/") matches a file or folder name at any depth; "a/b*"
    (a "/" inside) matches the path relative to the folder. Wildcards as ``fnmatch`` (case-sensitive).
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(p.strip() for p in patterns if p.strip() and not p.strip().startswith("#"))
        self._names: list[str] = []
        self._dir_names: list[str] = []
        self._paths: list[str] = []
        self._dir_paths: list[str] = []
        for pattern in self.patterns:
            dir_only = pattern.endswith("/")
            body = pattern.rstrip("/").lstrip("/")
            if not body:
                continue
            if "/" in body or pattern.startswith("/"):
                (self._dir_paths if dir_only else self._paths).append(body)
            else:
                (self._dir_names if dir_only else self._names).append(body)

    def ignores(self, relative: PurePosixPath | str, is_dir: bool) -> bool:
        rel = PurePosixPath(relative)
        name = rel.name
        text = rel.as_posix()
        if any(fnmatch.fnmatchcase(name, p) for p in self._names):
            return True
        if any(fnmatch.fnmatchcase(text, p) for p in self._paths):
            return True
        if is_dir:
            if any(fnmatch.fnmatchcase(name, p) for p in self._dir_names):
                return True
            if any(fnmatch.fnmatchcase(text, p) for p in self._dir_paths):
                return True
        return False

    def pattern_for(self, relative: PurePosixPath | str, is_dir: bool) -> str | None:
        """The first pattern that ignores the path (for the message), or None."""
        for pattern in self.patterns:
            if IgnoreRules([pattern]).ignores(relative, is_dir):
                return pattern
        return None
