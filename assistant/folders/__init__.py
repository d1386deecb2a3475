"""Watched folders (issue 12): a set's linked folder kept in sync with the catalog. No Qt, no widgets.

May import the catalog, the documents layer and (``actions`` only) the API layer; the UI drives it.

    model.py    UploadItem, ChangedItem, MissingItem, SyncBatch (one callback per debounced round),
                SyncConfig (settle, debounce, rescan times; size limit; native events on/off)
    ignore.py   IgnoreRules(patterns).ignores(relative_path, is_dir)
    scan.py     scan_folder (one pass over a folder: what is new, changed, gone, skipped, and why)
    engine.py   FolderSync(store, on_batch, config): start/stop, link/unlink, rescan, retry, and the
                upload outcomes (uploading/uploaded/upload_failed) the UI reports back
    actions.py  reupload_changed(files, store, sync, item, cache_dir): a changed file swapped in place
"""

from assistant.folders.engine import FolderSync
from assistant.folders.ignore import IgnoreRules
from assistant.folders.model import ChangedItem, MissingItem, SyncBatch, SyncConfig, UploadItem

__all__ = ["ChangedItem", "FolderSync", "IgnoreRules", "MissingItem", "SyncBatch", "SyncConfig", "UploadItem"]
