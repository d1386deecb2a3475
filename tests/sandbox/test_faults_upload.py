"""Upload faults that act after the file is stored: a lost answer, an answer with another file's id."""

from __future__ import annotations

import anthropic
import pytest

from assistant.sandbox.faults import FaultPlan
from assistant.sandbox.server import SandboxServer


def _upload(client: anthropic.Anthropic, name: str, data: bytes) -> anthropic.types.FileMetadata:
    return client.files.upload(file=(name, data, "text/plain"))


def test_upload_faults_only_match_uploads() -> None:
    plan = FaultPlan("lose-upload,reuse-id-upload")
    assert plan.draw(frozenset({"files"})) is None
    fault = plan.draw(frozenset({"files", "upload"}))
    assert fault is not None and fault.kind == "lose-upload"
    assert plan.drawn() == fault


def test_a_lost_upload_answer_leaves_the_file_stored(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    server.faults.set("upload:lose-uploadx1")
    with pytest.raises(anthropic.APIConnectionError):
        _upload(client, "kept.txt", b"stored, but the answer is lost")
    (stored,) = client.files.list().data
    assert (stored.filename, stored.size_bytes) == ("kept.txt", len(b"stored, but the answer is lost"))
    assert server.faults.hits == [("upload", "lose-upload")]
    again = _upload(client, "next.txt", b"answered")  # used up: the next upload is answered
    assert again.filename == "next.txt"


def test_an_upload_answered_with_another_files_id(server: SandboxServer, client: anthropic.Anthropic) -> None:
    first = _upload(client, "first.txt", b"first")
    server.faults.set("upload:reuse-id-uploadx1")
    answer = _upload(client, "second.txt", b"second file")
    assert answer.id == first.id  # the wrong id: the second file is stored under its own
    listed = {f.filename: f.id for f in client.files.list().data}
    assert listed["first.txt"] == first.id and listed["second.txt"] != first.id
