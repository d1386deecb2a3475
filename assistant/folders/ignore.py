"""Ignore patterns of a linked folder: a small gitignore subset (see ``DEFAULT_IGNORE_PATTERNS``)."""

from __future__ import annotations

import fnmatch
import re
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
        # (pattern, matches the whole relative path (else the name), folders only, compiled)
        self._rules: list[tuple[str, bool, bool, re.Pattern[str]]] = []
        for pattern in self.patterns:
            body = pattern.rstrip("/").lstrip("/")
            if body:
                whole = "/" in body or pattern.startswith("/")
                self._rules.append(
                    (pattern, whole, pattern.endswith("/"), re.compile(fnmatch.translate(body)))
                )

    def ignores(self, relative: PurePosixPath | str, is_dir: bool) -> bool:
        return self.pattern_for(relative, is_dir) is not None

    def pattern_for(self, relative: PurePosixPath | str, is_dir: bool) -> str | None:
        """The first pattern that ignores the path (for the message), or None."""
        text = relative.as_posix() if isinstance(relative, PurePosixPath) else relative
        name = text.rsplit("/", 1)[-1]
        for pattern, whole, dir_only, compiled in self._rules:
            if dir_only and not is_dir:
                continue
            if compiled.match(text if whole else name):
                return pattern
        return None
