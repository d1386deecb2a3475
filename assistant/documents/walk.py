"""The files inside what a person dropped: folders walked recursively, in a stable order."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path


def walk(paths: Iterable[Path]) -> list[Path]:
    """Dropped paths as a list of files. Files given directly are kept as given (even hidden or
    special ones, so `prepare` can say what is wrong with them); folders are walked recursively,
    sorted by name, skipping hidden entries (".name"), special files and symlink loops. Each file
    appears once, at its first place."""
    seen_files: set[tuple[int, int]] = set()
    result: list[Path] = []

    def add(path: Path, info: os.stat_result | None) -> None:
        key = (info.st_dev, info.st_ino) if info is not None else None
        if key is not None:
            if key in seen_files:
                return
            seen_files.add(key)
        result.append(path)

    def visit_dir(folder: Path, ancestors: frozenset[tuple[int, int]]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: (e.name.casefold(), e.name))
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child = folder / entry.name
            try:
                info = os.stat(child)  # follows links
            except OSError:
                continue  # a broken link or a vanished entry
            if stat.S_ISDIR(info.st_mode):
                key = (info.st_dev, info.st_ino)
                if key in ancestors:
                    continue  # a link back up: a loop
                visit_dir(child, ancestors | {key})
            elif stat.S_ISREG(info.st_mode):
                add(child, info)

    for raw in paths:
        path = Path(raw)
        try:
            info = os.stat(path)
        except OSError:
            add(path, None)  # prepare() will say what is wrong
            continue
        if stat.S_ISDIR(info.st_mode):
            visit_dir(path, frozenset({(info.st_dev, info.st_ino)}))
        else:
            add(path, info)
    return result
