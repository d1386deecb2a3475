"""The log file: keys (their shapes and every registered secret) are redacted, tracebacks included."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.logs import register_secret, setup_logging, shutdown_logging
from assistant.settings import Paths


def test_log_file_never_holds_a_key(tmp_path: Path) -> None:
    paths = Paths.for_data_dir(tmp_path)
    log_file = setup_logging(paths)
    try:
        register_secret("my-custom-secret-value")
        log = logging.getLogger("assistant.test")
        log.warning("key is %s", "sk-ant-api03-leakleakleak")
        log.warning("custom my-custom-secret-value here")
        try:
            raise ValueError("sk-ant-api03-intraceback")
        except ValueError:
            log.exception("failed")
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = log_file.read_text()
        assert "key is" in text and "custom" in text and "ValueError" in text
        assert "leakleakleak" not in text and "my-custom-secret-value" not in text
        assert "intraceback" not in text
    finally:
        shutdown_logging()
