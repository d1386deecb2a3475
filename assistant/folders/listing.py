"""One pass over a linked folder: its files (with their stat), what the ignore patterns left out, and
the subfolders that could not be read. Symlinked folders are followed once (loops cut); special files
and broken links are left out. Blocking: the engine's thread."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from assistant.catalog.set_records import FolderHealth, FolderState
from assistant.folders.ignore import IgnoreRules

__all__ = ["Listing", "list_folder"]


@dataclass
class Listing:
    root: Path
    files: dict[str, os.stat_result] = field(default_factory=dict)  # absolute path -> stat (links followed)
    ignored: dict[str, str] = field(default_factory=dict)  # absolute path of an ignored file -> pattern
    unreadable: list[Path] = field(default_factory=list)  # subfolders that could not be listed


def list_folder(set_id: int, root: Path, rules: IgnoreRules) -> Listing | FolderState:
    """The folder's files, or why the folder itself cannot be scanned (gone, not a folder, denied)."""
    try:
        info = os.stat(root)
    except FileNotFoundError:
        return FolderState(
            set_id,
            root,
            FolderHealth.UNAVAILABLE,
            f"The folder {root} is not there (an unmounted drive, or moved or deleted). Its files keep "
            "their state; syncing resumes when it is back.",
        )
    except OSError as exc:
        return FolderState(
            set_id, root, FolderHealth.UNAVAILABLE, f"The folder {root} cannot be reached: {exc}."
        )
    if not stat.S_ISDIR(info.st_mode):
        return FolderState(
            set_id,
            root,
            FolderHealth.UNAVAILABLE,
            f"{root} is no longer a folder. Link the set to a folder again.",
        )
    listing = Listing(root)
    seen_dirs: set[tuple[int, int]] = {(info.st_dev, info.st_ino)}
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except PermissionError:
            if folder == root:
                return FolderState(
                    set_id,
                    root,
                    FolderHealth.DENIED,
                    f"The folder {root} cannot be read: permission denied. Give yourself read access to it.",
                )
            listing.unreadable.append(folder)
            continue
        except OSError:
            if folder == root:
                return FolderState(
                    set_id, root, FolderHealth.UNAVAILABLE, f"The folder {root} cannot be read."
                )
            listing.unreadable.append(folder)
            continue
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            path = os.path.join(folder, entry.name)
            try:
                st = entry.stat()  # follows links
            except OSError:
                continue  # a broken link, or gone since the listing
            if stat.S_ISDIR(st.st_mode):
                if rules.ignores(child_rel, True):
                    continue  # not looked into
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:
                    continue  # a link back up (a loop) or a second way to the same folder
                seen_dirs.add(key)
                stack.append((Path(path), child_rel))
            elif stat.S_ISREG(st.st_mode):
                pattern = rules.pattern_for(child_rel, False)
                if pattern is not None:
                    listing.ignored[path] = pattern
                else:
                    listing.files[path] = st
    return listing
