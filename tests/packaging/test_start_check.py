"""The pieces installers rely on: the assets are found, and ASSISTANT_SELF_TEST reports what the
window lists (packaging/check_start.py drives the wheel, the bundle and the .deb with it in CI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.resources import assets_dir

SAMPLES = ("remote-work-policy.md", "solar-maintenance-guide.pdf")


def test_assets_dir_holds_the_samples_and_the_icon() -> None:
    folder = assets_dir()
    for name in SAMPLES:
        assert (folder / "samples" / name).is_file()
    assert (folder / "icons" / "document-assistant.svg").is_file()


def test_app_samples_come_from_assets_dir() -> None:
    from assistant import app

    assert {p.name for p in app.SAMPLES} == set(SAMPLES)
    assert all(p.parent == assets_dir() / "samples" for p in app.SAMPLES)


def _start(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "ASSISTANT_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", ASSISTANT_SELF_TEST="1", **extra)
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    return subprocess.run(
        [sys.executable, "-m", "assistant", "--sandbox", "--data-dir", str(tmp_path / "data")],
        check=False,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.mark.slow
def test_self_test_lists_the_samples_and_exits_zero(tmp_path: Path) -> None:
    out = _start(tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    listed = [line.removeprefix("listed: ") for line in lines if line.startswith("listed: ")]
    assert sorted(listed) == sorted(SAMPLES)
    assert "self-test: ok after" in out.stdout


@pytest.mark.slow
def test_self_test_fails_when_an_expected_name_is_not_listed(tmp_path: Path) -> None:
    out = _start(tmp_path, ASSISTANT_SELF_TEST_EXPECT="not-there.pdf", ASSISTANT_SELF_TEST_TIMEOUT="3")
    assert out.returncode == 1, out.stderr[-2000:]
    assert "self-test: FAILED after" in out.stdout
