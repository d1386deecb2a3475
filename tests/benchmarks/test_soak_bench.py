"""Soak (``make bench``): over 1,000 operations through the service layer, as the app runs them, with about a
fifth of the requests faulted by the sandbox; then nothing lost and nothing wrong, counted from real state.

What runs: the app's services on one SDK client (``make_client``, the app's retries), one catalog
(``Store.open``), the sandbox over real HTTP. Uploads go as the app sends them (``documents.prepare``, then
``lifecycle.upload_document``) on a pool of 3 threads, the app's default ``concurrent_uploads``; beside them
one thread refreshes (``FileService.reconcile``), one renews and deletes (``lifecycle.renew``,
``FileService.delete`` and Clean up's ``delete_many``) and one asks questions (``ChatService.start`` saves
the question, ``ChatService.answer`` streams and saves the answer): 6 working threads, as the app's
TaskRunner has (``max(4, concurrent_uploads + 3)``; a seventh only waits for the upload pool). They are
plain ``concurrent.futures`` threads calling the same service functions the TaskRunner's workers call,
not the TaskRunner itself: the bridge turns every exception into an ``ApiFailure`` (``to_failure``),
which would hide the raw exceptions this soak counts.
A failed upload is sent again once (the queue's Retry). The other threads pace themselves on the
uploads' progress, so renewals, deletes, questions and refreshes run beside uploads from start to end.

Faults (``FaultPlan``, seeded): 429 with retry-after 0, 529 and 500 on any request, dropped and lost
(stored, then the connection closed) uploads, streams dropped, ended by an overloaded ``error`` event,
ended cleanly before ``message_stop``, or answered with plain JSON. The same operations run first with
no faults: the baseline time printed beside the soak's.

The figures, each from the catalog, the server's list and the server's stored bytes afterwards (after one
quiet refresh, as the app's next F5):

- questions lost: a question asked (``start`` called) with no turn in the catalog;
- answers cut without a mark: a turn left "streaming", a turn saved complete whose stream the reader saw
  fail, whose stop reason is not ``end_turn``, or whose text is shorter than the answer the server sent
  (the server's output tokens, by the sandbox's documented token rule, against the saved text);
- rows wrong: an active row whose file is not on the server, or whose stored bytes are not the row's hash,
  or that is not origin "app" (every file here is this app's; a renewal's old file whose delete failed is
  recorded as its leftover, ``leftover_of``), a missing, expired or deleted row whose file is still on the
  server, a row an upload returned whose content is not its source's or that is a renewal's leftover, and
  every "missing"/"expired" mark or adoption a refresh made meanwhile (nothing here removes a file behind
  the app's back, and nothing is uploaded but by the app);
- orphans: a server file no active row holds, or held only as adopted (a recorded leftover is known);
- duplicates on the server: two stored files with the same bytes (a renewal's recorded leftover aside:
  every source's bytes differ, and dedupe reuses an active row of the same bytes, a copy's too);
- raw exceptions: anything out of a service call that is not ``ApiFailure`` or ``DocumentError``.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import Any, TypeVar

import pytest

from assistant.api.chat import ChatService, Done, Failed, TextDelta
from assistant.api.client import ClientConfig, make_client
from assistant.api.errors import ApiFailure
from assistant.api.files import FileService
from assistant.api.files_reconcile import ReconcileReport
from assistant.api.lifecycle import renew, upload_document
from assistant.api.pricing import load_prices
from assistant.catalog import FileOrigin, FileRecord, FileState, Store, TurnState
from assistant.documents import DocumentError, prepare
from assistant.sandbox.faults import Fault, FaultPlan
from assistant.sandbox.reading.text import count_tokens
from assistant.sandbox.server import SandboxServer
from assistant.settings import Paths, Settings
from tests.support import SANDBOX_KEY

MODEL = "claude-sonnet-5-5"
SEED = 9
SOURCES = 300  # distinct documents
COPIES = 30  # the same bytes as another document, under another name (dedupe: not sent again)
AGAIN = 120  # documents dropped again later (dedupe, or a fresh upload when deleted meanwhile)
RENEWALS = 150
DELETES = 60  # one at a time (right-click > Delete)
CLEANUPS = 10  # Clean up runs of 3 files each (delete_many)
QUESTIONS = 250
REFRESHES = 150
UPLOAD_THREADS = Settings().concurrent_uploads  # the app's default: 3

# About a fifth of the requests: the upload and stream faults first, then 429/529/500 on any request.
FAULTS = (
    "upload:lose-upload@0.05,upload:drop-upload=512@0.05,"
    "stream:drop-stream=5@0.05,stream:error-stream=4@0.04,stream:end-stream=4@0.03,stream:json-stream@0.02,"
    "429@0.05,529@0.05,500@0.04,retry-after=0,seed=" + str(SEED)
)

# fmt: off
_WORDS = [
    "harbour", "council", "lighthouse", "keeper", "budget", "restoration", "lamp", "beam", "tower",
    "volunteers", "donors", "summer", "paraffin", "burner", "lens", "gallery", "storm", "ledger", "survey",
    "rock", "channel", "pilot", "beacon", "fog", "signal", "quay",
]
# fmt: on

T = TypeVar("T")


class _CountingPlan(FaultPlan):
    """The sandbox's fault plan, also counting every request it draws for (one draw per request)."""

    def __init__(self, spec: str | None = None) -> None:
        super().__init__(spec)
        self._count_lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.faulted: Counter[str] = Counter()

    def draw(self, tags: frozenset[str]) -> Fault | None:
        fault = super().draw(tags)
        route = next((r for r in ("stream", "upload", "messages", "files") if r in tags), "other")
        with self._count_lock:
            self.requests[route] += 1
            if fault is not None:
                self.faulted[fault.kind] += 1
        return fault


# ------------------------------------------------------------------ the operations


def _write_sources(folder: Path) -> list[tuple[Path, str]]:
    """The documents (a few KB of text each, every one different) and copies of some; (path, sha256)."""
    rnd = random.Random(SEED)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[tuple[Path, str]] = []
    for i in range(SOURCES):
        lines = [f"Document {i}: the {rnd.choice(_WORDS)} report."]
        for _ in range(rnd.randint(20, 90)):
            words = " ".join(rnd.choice(_WORDS) for _ in range(rnd.randint(6, 14)))
            lines.append(f"In {1850 + rnd.randint(0, 170)} the {words} cost {rnd.randint(1, 999)} pounds.")
        data = ("\n".join(lines) + "\n").encode()
        path = folder / f"doc-{i:03}.txt"
        path.write_bytes(data)
        out.append((path, hashlib.sha256(data).hexdigest()))
    for j in range(COPIES):
        original, digest = out[rnd.randrange(SOURCES)]
        copy = folder / f"copy-{j:02}-of-{original.name}"
        copy.write_bytes(original.read_bytes())
        out.append((copy, digest))
    return out


@dataclass
class _Seen:
    """What the reader of one answer saw: how it ended and the text that arrived."""

    ending: str = "none"  # done | failed | none
    text: list[str] = field(default_factory=list)


@dataclass
class _Soak:
    """One run: the services and everything the figures are computed from."""

    server: SandboxServer
    store: Store
    files: FileService
    chat: ChatService
    converted: Path
    sources: list[tuple[Path, str]]
    lock: threading.Lock = field(default_factory=threading.Lock)
    progress: threading.Condition = field(default_factory=threading.Condition)
    uploads_done: int = 0
    ops: Counter[str] = field(default_factory=Counter)
    typed: Counter[str] = field(default_factory=Counter)
    raw: list[tuple[str, str]] = field(default_factory=list)
    expected: dict[int, set[str]] = field(default_factory=dict)  # row id -> hashes uploaded into it
    asked: list[tuple[int, str]] = field(default_factory=list)  # (conversation id, question)
    seen: dict[int, _Seen] = field(default_factory=dict)  # turn id -> what its reader saw
    marks: list[str] = field(default_factory=list)  # false "missing"/"expired" marks, adoptions
    failed_uploads: list[str] = field(default_factory=list)  # names, for the findings' notes

    def call(self, op: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """A service call as a worker makes it: typed failures counted, anything else is a finding."""
        with self.lock:
            self.ops[op] += 1
        try:
            return fn(*args, **kwargs)
        except (ApiFailure, DocumentError) as failure:
            kind = getattr(failure, "kind", "?")
            with self.lock:
                self.typed[f"{op}: {kind}"] += 1
        except Exception as exc:
            with self.lock:
                self.raw.append((op, "".join(traceback.format_exception(exc))))
        return None

    def wait_for_uploads(self, share: float) -> None:
        """Pace a thread on the uploads: wait until ``share`` of the planned uploads are done."""
        planned = SOURCES + COPIES + AGAIN
        with self.progress:
            self.progress.wait_for(lambda: self.uploads_done >= min(planned, 12 + share * (planned - 12)))

    def active(self, *, app_only: bool) -> list[FileRecord]:
        rows = self.store.list_files([FileState.ACTIVE])
        if app_only:
            rows = [r for r in rows if r.origin is FileOrigin.APP and r.leftover_of is None]
        return sorted(rows, key=lambda r: r.id)

    # -- uploads ---------------------------------------------------------------------------------------
    def upload(self, path: Path, digest: str) -> bool:
        def send() -> Any:
            doc = prepare(path, cache_dir=self.converted)
            return upload_document(self.files, self.store, doc)

        before = sum(self.typed.values())
        result = self.call("upload", send)
        if result is None and sum(self.typed.values()) > before:
            with self.lock:
                self.failed_uploads.append(path.name)
        if result is not None:
            with self.lock:
                self.expected.setdefault(result.record.id, set()).add(digest)
        return result is not None

    def uploads(self) -> None:
        rnd = random.Random(SEED + 1)
        queue: Queue[tuple[Path, str, bool]] = Queue()
        for path, digest in self.sources:
            queue.put((path, digest, True))
        for _ in range(AGAIN):
            path, digest = rnd.choice(self.sources)
            queue.put((path, digest, True))

        def worker() -> None:
            while True:
                try:
                    path, digest, retry = queue.get_nowait()
                except Empty:
                    return
                ok = self.upload(path, digest)
                if not ok and retry:
                    queue.put((path, digest, False))  # Retry, once, as a person would
                with self.progress:
                    self.uploads_done += 1
                    self.progress.notify_all()

        with ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="upload") as pool:
            for f in [pool.submit(worker) for _ in range(UPLOAD_THREADS)]:
                f.result()

    # -- renewals and deletes --------------------------------------------------------------------------
    def lifecycle(self) -> None:
        rnd = random.Random(SEED + 2)
        plan = ["renew"] * RENEWALS + ["delete"] * DELETES + ["cleanup"] * CLEANUPS
        rnd.shuffle(plan)
        for i, op in enumerate(plan):
            self.wait_for_uploads(i / len(plan))
            if op == "renew":
                rows = self.active(app_only=True)
                if rows:
                    row = rnd.choice(rows)
                    self.call("renew", renew, self.files, self.store, row.id, cache_dir=self.converted)
            elif op == "delete":
                rows = self.active(app_only=True)
                if rows:
                    self.call("delete", self.files.delete, rnd.choice(rows).id)
            else:
                rows = self.active(app_only=False)
                picked = rnd.sample(rows, min(3, len(rows)))
                outcomes = self.call(
                    "clean up", lambda ids: list(self.files.delete_many(ids)), [r.id for r in picked]
                )
                for outcome in outcomes or ():
                    if outcome.failure is not None:
                        with self.lock:
                            self.typed[f"clean up: {outcome.failure.kind}"] += 1

    # -- questions -------------------------------------------------------------------------------------
    def questions(self) -> None:
        rnd = random.Random(SEED + 3)
        conversation: int | None = None
        for i in range(QUESTIONS):
            self.wait_for_uploads(i / QUESTIONS)
            if conversation is None or rnd.random() < 0.6:
                rows = self.active(app_only=True)
                if not rows:
                    continue
                picked = rnd.sample(rows, min(len(rows), rnd.randint(1, 2)))
                conversation = self.store.create_conversation(f"soak {i}", MODEL, [r.id for r in picked]).id
            question = f"Question {i}: what did the {rnd.choice(_WORDS)} and the {rnd.choice(_WORDS)} cost?"
            self.ask(conversation, question)

    def ask(self, conversation: int, question: str) -> None:
        with self.lock:
            self.asked.append((conversation, question))
        turn = self.call("question", self.chat.start, conversation, question)
        if turn is None:
            return
        seen = self.seen[turn.id] = _Seen()

        def read() -> None:
            for event in self.chat.answer(turn):
                if isinstance(event, TextDelta):
                    seen.text.append(event.text)
                elif isinstance(event, Done):
                    seen.ending = "done"
                elif isinstance(event, Failed):
                    seen.ending = "failed"
                    with self.lock:
                        self.typed[f"answer: {event.failure.kind}"] += 1

        self.call("answer", read)

    # -- refreshes -------------------------------------------------------------------------------------
    def note(self, report: ReconcileReport | None, when: str) -> None:
        if report is None:
            return
        for row_id in (*report.missing, *report.expired):
            row = self.store.get_file(row_id)
            self.marks.append(f"{when}: row {row_id} ({row and row.filename}) marked {row and row.state}")
        for row in report.adopted:
            self.marks.append(f"{when}: {row.filename} ({row.file_id}) adopted, not this app's")

    def refreshes(self) -> None:
        for i in range(REFRESHES):
            self.wait_for_uploads(i / REFRESHES)
            self.note(self.call("refresh", self.files.reconcile), "refresh")

    def run(self) -> float:
        start = time.perf_counter()
        with ThreadPoolExecutor(4, thread_name_prefix="soak") as pool:
            jobs = [pool.submit(fn) for fn in (self.uploads, self.lifecycle, self.questions, self.refreshes)]
            for job in jobs:
                job.result()
        return time.perf_counter() - start


# ------------------------------------------------------------------ the figures


def _server_files(soak: _Soak) -> dict[str, tuple[str, str]]:
    """Every file the server holds: file id -> (name, sha256 of the stored bytes)."""
    out: dict[str, tuple[str, str]] = {}
    with make_client(ClientConfig(api_key=SANDBOX_KEY, base_url=soak.server.base_url, max_retries=0)) as c:
        for item in c.files.list(limit=1000):
            data = soak.server.files.blob(item.id).read_bytes()
            out[item.id] = (item.filename, hashlib.sha256(data).hexdigest())
    return out


def _rows_of(rows: list[FileRecord], file_id: str) -> str:
    held = [
        f"row {r.id} {r.state} {r.origin} leftover_of={r.leftover_of}" for r in rows if r.file_id == file_id
    ]
    return "; ".join(held) or "no row"


def _figures(soak: _Soak) -> tuple[dict[str, int], dict[str, list[str]]]:
    server = _server_files(soak)
    rows = soak.store.list_files()
    why: dict[str, list[str]] = {k: [] for k in ("lost", "cut", "wrong", "orphans", "duplicates", "raw")}

    # questions lost
    for conversation, question in soak.asked:
        if not any(t.question == question for t in soak.store.list_turns(conversation)):
            why["lost"].append(f"conversation {conversation}: {question!r}")

    # answers cut without a mark
    for conversation in {c for c, _ in soak.asked}:
        for turn in soak.store.list_turns(conversation):
            seen = soak.seen.get(turn.id, _Seen())
            label = f"turn {turn.id} ({turn.question[:12]}…)"
            if turn.state is TurnState.STREAMING:
                why["cut"].append(f"{label} left streaming")
            elif turn.state is TurnState.COMPLETE:
                sent = turn.usage.output_tokens if turn.usage is not None else -1
                if seen.ending != "done":
                    why["cut"].append(f"{label} saved complete, its reader saw {seen.ending}")
                elif turn.stop_reason != "end_turn":
                    why["cut"].append(f"{label} saved complete with stop reason {turn.stop_reason}")
                elif count_tokens(turn.answer) != sent:
                    why["cut"].append(f"{label} complete: {count_tokens(turn.answer)} tokens saved of {sent}")
            if turn.id in soak.seen and turn.answer != "".join(seen.text):
                why["cut"].append(f"{label} saved text is not the text that arrived ({turn.state})")

    # rows wrong
    why["wrong"].extend(soak.marks)
    for row in rows:
        label = f"row {row.id} {row.filename} ({row.file_id}, {row.state}, {row.origin})"
        stored = server.get(row.file_id)
        if row.state is FileState.ACTIVE:
            if stored is None:
                why["wrong"].append(f"{label}: active, not on the server")
            elif stored[1] != row.sha256:
                why["wrong"].append(f"{label}: the server's bytes are not the row's hash")
            if row.origin is not FileOrigin.APP and row.leftover_of is None:
                why["wrong"].append(f"{label}: this app's upload, labelled not this app's")
        elif stored is not None:
            why["wrong"].append(f"{label}: {row.state}, but its file is on the server")
        hashes = soak.expected.get(row.id, set())
        if hashes and (len(hashes) > 1 or row.sha256 not in hashes):
            why["wrong"].append(f"{label}: holds {row.sha256}, uploaded from {sorted(hashes)}")
        if hashes and row.state is FileState.ACTIVE and row.leftover_of is not None:
            why["wrong"].append(f"{label}: an upload's row, but a renewal's leftover (Clean up offers it)")

    # orphans
    holders: dict[str, list[FileRecord]] = {}
    for row in rows:
        if row.state is FileState.ACTIVE:
            holders.setdefault(row.file_id, []).append(row)
    for file_id, (name, _) in server.items():
        held = holders.get(file_id, [])
        if not held:
            why["orphans"].append(f"{name} ({file_id}): no active row")
        elif all(r.origin is not FileOrigin.APP and r.leftover_of is None for r in held):
            why["orphans"].append(f"{name} ({file_id}): known only as adopted")

    # duplicates on the server
    by_bytes: dict[str, list[str]] = {}
    leftovers = {r.file_id for r in rows if r.leftover_of is not None}
    for file_id, (_, digest) in server.items():
        if file_id not in leftovers:
            by_bytes.setdefault(digest, []).append(file_id)
    for ids in by_bytes.values():
        for extra in ids[1:]:
            holding = ", ".join(f"{i} in {_rows_of(rows, i)}" for i in ids)
            name = server[extra][0]
            failed = soak.failed_uploads.count(name)
            why["duplicates"].append(f"{name}: {len(ids)} copies ({holding}); {failed} failed uploads of it")

    # raw exceptions
    why["raw"].extend(f"{op}: {tb}" for op, tb in soak.raw)
    return {k: len(v) for k, v in why.items()}, why


@contextmanager
def _soak(folder: Path, sources: list[tuple[Path, str]], faults: str | None) -> Iterator[_Soak]:
    """A sandbox, a catalog and the app's services on them, built as the session builds them."""
    paths = Paths.for_data_dir(folder / "app").ensure()
    settings = Settings()
    with SandboxServer(data_dir=folder / "sandbox", api_key=SANDBOX_KEY) as server:
        server.faults = _CountingPlan(faults)
        config = ClientConfig(api_key=SANDBOX_KEY, base_url=server.base_url)  # the app's retries
        with make_client(config) as client, Store.open(paths.catalog) as store:
            files = FileService(client, store, retention_seconds=lambda: settings.retention_seconds)
            chat = ChatService(client, store, max_tokens=settings.max_tokens, prices=load_prices())
            yield _Soak(server, store, files, chat, paths.converted, sources)


def _operations(soak: _Soak) -> int:
    ops = soak.ops
    return sum(ops[k] for k in ("upload", "renew", "delete", "question", "refresh")) + 3 * ops["clean up"]


@pytest.mark.timeout(300)
def test_soak_nothing_lost_nothing_wrong(tmp_path: Path) -> None:
    sources = _write_sources(tmp_path / "sources")

    with _soak(tmp_path / "baseline", sources, None) as base:
        base_time = base.run()
        base.note(base.call("refresh", base.files.reconcile), "last refresh")
        base_figures, base_why = _figures(base)
    base_ops = _operations(base)

    with _soak(tmp_path / "faulted", sources, FAULTS) as soak:
        soak_time = soak.run()
        plan = soak.server.faults
        assert isinstance(plan, _CountingPlan)
        plan.clear()
        soak.note(soak.call("refresh", soak.files.reconcile), "last refresh")  # the app's next F5
        figures, why = _figures(soak)
        requests = sum(plan.requests.values())
        faulted = sum(plan.faulted.values())
        ops = _operations(soak)
        leftovers = sum(1 for r in soak.store.list_files() if r.leftover_of is not None)

    names = {
        "lost": "questions lost",
        "cut": "answers cut without a mark",
        "wrong": "rows wrong",
        "orphans": "orphans",
        "duplicates": "duplicates on the server",
        "raw": "raw exceptions",
    }
    print(f"\n== soak: {ops} operations, {UPLOAD_THREADS} upload threads + refresh, renew/delete, questions")
    print(
        f"   baseline (no faults): {base_ops} operations in {base_time:.1f} s; "
        f"its figures: {', '.join(f'{names[k]} {v}' for k, v in base_figures.items())}"
    )
    print(
        f"   soak: {ops} operations in {soak_time:.1f} s ({soak_time / base_time:.2f} x the baseline); "
        f"{faulted} of {requests} requests faulted ({faulted / requests:.0%})"
    )
    print(f"   operations: {dict(sorted(soak.ops.items()))}")
    print(f"   faults: {dict(sorted(plan.faulted.items()))}; requests: {dict(sorted(plan.requests.items()))}")
    print(
        f"   typed failures (said to the user): {sum(soak.typed.values())} {dict(sorted(soak.typed.items()))}"
    )
    print(f"   leftovers recorded for Clean up: {leftovers}")
    for key, name in names.items():
        print(f"   {name}: {figures[key]}")
    for key, name in names.items():
        for line in why[key][:5]:
            print(f"   ! {name}: {line}")
    assert ops >= 1000 and 0.15 <= faulted / requests <= 0.30
    assert base_figures == dict.fromkeys(names, 0), {k: v[:5] for k, v in base_why.items() if v}
    assert figures == dict.fromkeys(names, 0), {k: v[:5] for k, v in why.items() if v}
