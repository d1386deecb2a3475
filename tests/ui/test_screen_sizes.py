"""The window on the screens newcomers have (issue 10, items 7 and 8): a first run at 1024×700, at
1366×768, and at 1366×768 on a 2x display, each on a real X server (Xvfb), with three files attached
and a question answered (``tests/ui/newcomer.py``); the test reads the widgets' geometry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.ui.files_model import Col
from tests.processes import ROOT

SAMPLES = ["remote-work-policy.md", "solar-maintenance-guide.pdf"]


def _layout(tmp_path: Path, screen: str, scale: int = 1, *more: str) -> dict[str, Any]:
    if shutil.which("xvfb-run") is None:
        why = "needs xvfb-run (apt: xvfb) for a real screen of a given size"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run this: {why}")
        pytest.skip(why)
    width, height = (int(n) * scale for n in screen.split("x"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "ASSISTANT_", "QT_"))}
    env.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="xcb", QT_SCALE_FACTOR=str(scale))
    out = tmp_path / f"layout-{screen}-{scale}x.json"
    command = ["xvfb-run", "-a", "-s", f"-screen 0 {width}x{height}x24", sys.executable, "-m"]
    done = subprocess.run(
        [*command, "tests.ui.newcomer", "--measure", str(out), *more],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0 and out.exists(), done.stdout.decode() + done.stderr.decode()
    figures: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return figures


@pytest.mark.parametrize(("screen", "scale"), [("1024x700", 1), ("1366x768", 1), ("1366x768", 2)])
def test_a_first_run_fits_the_screen_and_gives_the_conversation_the_room(
    tmp_path: Path, screen: str, scale: int
) -> None:
    f = _layout(tmp_path, screen, scale)
    x, y, w, h = f["frame"]
    sx, sy, sw, sh = f["screen"]
    assert [sw, sh] == [int(n) for n in screen.split("x")]  # the screen in the window's own pixels
    assert sx <= x and sy <= y and x + w <= sx + sw and y + h <= sy + sh, f"the window runs off {screen}"
    # the conversation gets the room: the transcript is over half the window (it was ~280 px of 1280)
    assert f["transcript_width"] >= f["window_width"] / 2
    # one conversation: no empty list beside it
    assert not f["conversation_list_shown"]
    # names get the space: the samples' names are whole, and no column falls off the table's edge
    assert set(SAMPLES) <= set(f["names_whole"]), f"names cut at {screen}: {f['name_width']} px"
    assert Col.STATE in f["shown_columns"] and f["columns_right"] <= f["table_viewport_width"]
    # chips wrap: all three attached files show whole (one of three showed, scrolling sideways)
    assert (f["chips"], f["chips_whole"]) == (3, 3)
    # the totals are read whole ("Total $0.0…" was cut), and so is the model's name
    assert f["totals"] and f["totals_whole"] and f["model_whole"]


@pytest.mark.parametrize("screen", ["1024x700", "1366x768"])
def test_a_citation_opened_beside_the_chat_reads_and_so_does_the_chat(tmp_path: Path, screen: str) -> None:
    # the answer's [2] is on the PDF's first page; the pane opens beside the chat
    f = _layout(tmp_path, screen, 1, "--cite", "2")
    assert f["source_shown"] and f["source_page"] == "Page 1 of 2"
    # the page reads: fitted to the pane's width at 60 % or more (it showed at 40 %, the pane at 300 px)
    assert f["source_zoom"] >= 60, f"the page shows at {f['source_zoom']} % in {f['source_width']} px"
    # and the chat still reads: its transcript over a third of the window
    assert f["transcript_width"] >= 0.35 * f["window_width"], f
    # the files side gave the room: it folded, or kept room for names
    assert f["files_width"] == 0 or f["files_width"] >= 240, f
    # the composer's row under a narrower chat: the model's name still whole (the totals may be cut
    # beside the pane on a 1024 px screen, whole in their tooltip; never in the plain window, above)
    assert f["model_whole"], f
    assert f["totals_whole"] or screen == "1024x700", f
