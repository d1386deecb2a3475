"""Watched folders (issue 12; run by `make bench`). Figures are printed beside a baseline measured in
the same run; assertions are loose.

- The first scan of a 10,000-file folder, most of it skipped (ignored patterns, kinds that cannot be read)
  or already on the server (linked by content, not uploaded again): its work beyond hashing must stay under
  2 s. Baseline: hashing the same files (every one of them, as a scan that knew nothing would).
- 2,000 files changed at once (a checkout) while the engine runs: ONE batch of work, not 2,000. Baseline:
  writing those files.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from assistant.catalog import Store
from assistant.documents.hashing import sha256_file
from assistant.folders import FolderSync, SyncBatch, SyncConfig


def _report(title: str, lines: list[str]) -> None:
    print(f"\n== {title}")
    for line in lines:
        print(f"   {line}")


def _old(path: Path) -> None:
    then = time.time() - 600
    os.utime(path, (then, then))


def test_first_scan_of_ten_thousand_files(tmp_path: Path) -> None:
    root = tmp_path / "big"
    kinds = {"tmp": 4000, "bin": 2000, "known": 3500, "new": 500}
    with Store.open(tmp_path / "catalog.sqlite3") as store:
        n = 0
        for kind, count in kinds.items():
            for _ in range(count):
                folder = root / f"d{n % 50:02}"
                folder.mkdir(parents=True, exist_ok=True)
                if kind == "bin":
                    path = folder / f"blob{n}.bin"
                    path.write_bytes(b"\x00\x01\x02BIN" + os.urandom(2000))
                else:
                    path = folder / (f"scratch{n}.tmp" if kind == "tmp" else f"note{n}.txt")
                    path.write_text(f"Note {n} of the big folder. " * 60, encoding="utf-8")
                _old(path)
                if kind == "known":
                    store.add_file(
                        file_id=f"file_{n}",
                        filename=path.name,
                        mime_type="text/plain",
                        size_bytes=path.stat().st_size,
                        sha256=sha256_file(path),
                    )
                n += 1
        every = [p for p in root.rglob("*") if p.is_file()]
        assert len(every) == 10_000

        start = time.perf_counter()
        for path in every:
            sha256_file(path)
        hashing = time.perf_counter() - start

        doc_set = store.create_set("Big")
        sync = FolderSync(store, lambda batch: None, config=SyncConfig(settle_seconds=0))
        sync.link(doc_set.id, root)
        start = time.perf_counter()
        batch = sync.scan_now()
        scan = time.perf_counter() - start
        start = time.perf_counter()
        again = sync.scan_now()
        rescan = time.perf_counter() - start

        summary = store.set_summary(doc_set.id)
        assert len(batch.uploads) == kinds["new"] and again.uploads == ()  # handed out once
        assert (summary.skipped, summary.synced, summary.waiting) == (6000, 3500, 500)
        beyond = scan - hashing
        _report(
            "first scan of a 10,000-file folder "
            "(4,000 ignored, 2,000 unsupported, 3,500 on the server, 500 new)",
            [
                f"hashing all 10,000 files: {hashing * 1000:.0f} ms = baseline 1.00",
                f"first scan (list, judge, hash what can be sent, one catalog write): {scan * 1000:.0f} ms "
                f"= {scan / hashing:.2f}",
                f"work beyond hashing: {beyond * 1000:.0f} ms (limit 2,000 ms)",
                f"rescan with nothing changed: {rescan * 1000:.0f} ms = {rescan / hashing:.2f}",
            ],
        )
        assert beyond < 2.0


def test_two_thousand_changes_at_once_are_one_batch(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    batches: list[tuple[float, SyncBatch]] = []
    arrived = threading.Event()

    def on_batch(batch: SyncBatch) -> None:
        batches.append((time.monotonic(), batch))
        arrived.set()

    config = SyncConfig(rescan_seconds=600)  # the defaults: settle 2 s, debounce 0.5 s, at most 5 s
    with Store.open(tmp_path / "catalog.sqlite3") as store:
        store.link_folder(store.create_set("Repo").id, root)
        sync = FolderSync(store, on_batch, config=config)
        sync.start()
        try:
            assert sync.wait_idle(30)
            batches.clear()
            start = time.perf_counter()
            for i in range(2000):  # a checkout writes 2,000 files
                (root / "src" / f"file_{i:04}.py").write_text(f"VALUE = {i}\n" * 20, encoding="utf-8")
            writing = time.perf_counter() - start
            last_write = time.monotonic()
            assert arrived.wait(60)
            assert sync.wait_idle(60)
        finally:
            sync.stop()
    assert len(batches) == 1, [len(b.uploads) for _, b in batches]
    when, batch = batches[0]
    assert len(batch.uploads) == 2000
    after = when - last_write
    _report(
        "2,000 files written at once while watched",
        [
            f"writing the 2,000 files: {writing * 1000:.0f} ms = baseline 1.00",
            f"batches of work: {len(batches)} (limit 1), holding {len(batch.uploads)} uploads",
            f"from the last write to the batch: {after * 1000:.0f} ms = {after / writing:.2f} "
            f"(of which {max(config.settle_seconds, config.debounce_seconds) * 1000:.0f} ms is the quiet "
            "time a burst must keep before it is judged)",
        ],
    )
