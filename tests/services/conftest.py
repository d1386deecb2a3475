"""Only test_lifecycle.py is left here (its split is under way; it moves to tests/api/ after that).

It imports ``REPORT_TEXT`` from this conftest; the text now lives in ``tests/support.py`` and every
fixture it uses (sandbox, paths, store, client, files, chat, report) in ``tests/conftest.py``.
"""

from __future__ import annotations

from tests.support import REPORT_TEXT

__all__ = ["REPORT_TEXT"]
