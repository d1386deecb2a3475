"""A process killed mid-answer: after a restart the answer so far is there, marked incomplete."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from assistant.api.files import FileService
from assistant.catalog import Store, TurnState

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import json, sys
from assistant.api.chat import ChatService, TextDelta
from assistant.api.client import ClientConfig, make_client
from assistant.catalog import Store

base_url, key, catalog, conv = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with make_client(ClientConfig(api_key=key, base_url=base_url)) as client, Store.open(catalog) as store:
    chat = ChatService(client, store, save_interval=0.0)  # save on every delta
    for event in chat.ask(conv, "Describe every maintenance log entry in detail."):
        if isinstance(event, TextDelta):
            print(json.dumps(event.text), flush=True)  # after the delta was saved
"""


def test_killed_mid_answer_reads_incomplete_after_restart(
    files: FileService, store: Store, report: Path, sandbox: Any, paths: Any
) -> None:
    conv = store.create_conversation("c", "claude-sonnet-5-5", [files.upload(report).record.id]).id
    sandbox.tokens_per_second = 30  # slow enough to be killed in the middle
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, sandbox.base_url, sandbox.api_key, str(paths.catalog), str(conv)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    received: list[str] = []
    try:
        assert child.stdout is not None
        while len(received) < 3:
            line = child.stdout.readline()
            assert line, "the child ended before streaming"
            received.append(json.loads(line))
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if child.stdout is not None:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with Store.open(paths.catalog) as reopened:
        (turn,) = reopened.list_turns(conv)
    assert turn.state is TurnState.INCOMPLETE
    assert turn.answer.startswith("".join(received))
    assert turn.question == "Describe every maintenance log entry in detail."
