"""The service modules can be imported before the first paint: none of them imports ``anthropic``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_importing_services_does_not_import_the_sdk() -> None:
    code = (
        "import sys\n"
        "import assistant.settings, assistant.secrets, assistant.catalog, assistant.logs, assistant.bridge\n"
        "import assistant.api.client, assistant.api.errors, assistant.api.files, assistant.api.chat\n"
        "import assistant.api.pricing\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('anthropic', 'httpx2', 'keyring'))\n"
        "print(loaded)\n"
        "assert not loaded, loaded\n"
    )
    _run(code)


def test_client_factory_imports_it_on_first_use(sandbox: object) -> None:
    code = (
        "import sys\n"
        "from assistant.api.client import ClientConfig, make_client\n"
        "assert 'anthropic' not in sys.modules\n"
        f"with make_client(ClientConfig(api_key='sk-ant-x-1234', base_url={sandbox.base_url!r})) as c:\n"  # type: ignore[attr-defined]
        "    assert 'anthropic' in sys.modules\n"
        "    assert c.max_retries == 2 and str(c.base_url).startswith('http://127.0.0.1')\n"
    )
    _run(code)


def test_no_qt_below_the_bridge() -> None:
    _run(
        "import sys\n"
        "import assistant.settings, assistant.secrets, assistant.catalog, assistant.logs\n"
        "import assistant.api.client, assistant.api.errors, assistant.api.files, assistant.api.chat\n"
        "import assistant.api.pricing\n"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
    )
