"""After a full run (key set, settings saved, upload, chat, a failure, debug logs) the key is in no file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.api.chat import ChatService, Done
from assistant.api.client import ClientConfig, make_client
from assistant.api.errors import ApiFailure
from assistant.api.files import FileService
from assistant.catalog import Store
from assistant.logs import register_secret, setup_logging, shutdown_logging
from assistant.secrets import KeySource, KeyStore, save_checked
from assistant.settings import Paths, Settings


def test_key_is_in_no_file_under_the_data_dir(
    sandbox: Any, tmp_path: Path, report: Path, no_keyring: None
) -> None:
    key = sandbox.api_key
    paths = Paths.for_data_dir(tmp_path / "app").ensure()
    setup_logging(paths, debug=True)  # the SDK's debug logs (requests, responses) included
    try:
        keys = KeyStore(environ={})
        status = save_checked(keys, key, sandbox.base_url)
        assert status.source is KeySource.SESSION
        register_secret(key)
        settings = Settings(base_url=sandbox.base_url)
        settings.save(paths.settings_file)
        config = ClientConfig(api_key=keys.key() or "", base_url=settings.base_url)
        with Store.open(paths.catalog) as store, make_client(config) as client:
            files = FileService(client, store, retention_seconds=settings.retention_seconds)
            conv = store.create_conversation("c", settings.default_model, [files.upload(report).record.id])
            chat = ChatService(client, store)
            assert isinstance(list(chat.ask(conv.id, "Who was the keeper?"))[-1], Done)
            files.reconcile()
        bad_config = ClientConfig(api_key=key + "x", base_url=sandbox.base_url)
        with make_client(bad_config) as bad, Store.open(paths.catalog) as store, pytest.raises(ApiFailure):
            FileService(bad, store).list_remote()  # a 401, logged
    finally:
        shutdown_logging()

    written = [p for p in (tmp_path / "app").rglob("*") if p.is_file()]
    assert paths.log_file in written and paths.catalog in written and paths.settings_file in written
    assert paths.log_file.stat().st_size > 0
    for path in written:
        assert key.encode() not in path.read_bytes(), f"the key leaked into {path}"
