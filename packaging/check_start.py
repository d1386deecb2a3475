#!/usr/bin/env python3
"""Start an installed Document Assistant and check what its window shows.

    python3 packaging/check_start.py --label wheel [--runs 2] [--record FILE] -- /path/to/document-assistant

Runs ``COMMAND --version`` (it must print "Document Assistant <version>"), then ``COMMAND --sandbox
--data-dir <fresh temp dir>`` from a fresh temporary folder, offscreen (``QT_QPA_PLATFORM=offscreen``),
with ``ASSISTANT_SELF_TEST=1`` (``assistant/ui/selftest.py``): the app itself reports the names its files
table lists once both sample documents are there, and quits. The check passes only if both samples
(remote-work-policy.md, solar-maintenance-guide.pdf) were listed. Each run is timed from process start
to that report (start-up, the in-process sandbox, the samples uploaded and listed). ``--record`` appends
one tab-separated line (label, size in bytes of --size PATH, start seconds) for ``--summary``.

Standard library only: it runs with any python3, outside the install it checks.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = ("remote-work-policy.md", "solar-maintenance-guide.pdf")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("ANTHROPIC_API_KEY", "ASSISTANT_DATA_DIR")}
    env.update(QT_QPA_PLATFORM="offscreen", ASSISTANT_SELF_TEST="1", ASSISTANT_SELF_TEST_TIMEOUT="90")
    env.pop("ASSISTANT_SELF_TEST_EXPECT", None)
    return env


def tree_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def human(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def check_version(command: list[str], cwd: str) -> str:
    out = subprocess.run(
        [*command, "--version"], cwd=cwd, env=_env(), check=False, capture_output=True, text=True, timeout=60
    )
    text = (out.stdout + out.stderr).strip()
    if out.returncode != 0 or not text.startswith("Document Assistant "):
        raise SystemExit(f"--version failed (exit {out.returncode}): {text!r}")
    return text


def start_once(command: list[str], cwd: str) -> tuple[float, list[str]]:
    with tempfile.TemporaryDirectory(prefix="da-check-data-") as data:
        started = time.monotonic()
        out = subprocess.run(
            [*command, "--sandbox", "--data-dir", data],
            check=False,
            cwd=cwd,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=150,
        )
        elapsed = time.monotonic() - started
        listed = [
            line.removeprefix("listed: ") for line in out.stdout.splitlines() if line.startswith("listed: ")
        ]
        missing = [s for s in SAMPLES if s not in listed]
        if out.returncode != 0 or missing or "self-test: ok" not in out.stdout:
            logs = "".join(p.read_text(errors="replace")[-3000:] for p in Path(data, "logs").glob("*.log"))
            raise SystemExit(
                f"start failed (exit {out.returncode}); listed {listed}, missing {missing}\n"
                f"--- stdout\n{out.stdout}\n--- stderr\n{out.stderr[-3000:]}\n--- log\n{logs}"
            )
        return elapsed, listed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", default="app")
    parser.add_argument("--runs", type=int, default=2, help="starts to time (the first is a cold start)")
    parser.add_argument("--size", type=Path, help="a file or folder whose size to report with the times")
    parser.add_argument("--record", type=Path, help="append label, size and start time here")
    parser.add_argument("--summary", type=Path, help="print the recorded table and exit")
    parser.add_argument("command", nargs="*")
    args = parser.parse_args()

    if args.summary:
        print(f"{'install':<28} {'size':>10} {'first start':>12} {'next start':>11}")
        for line in args.summary.read_text().splitlines():
            label, size, first, best = line.split("\t")
            size_text = human(int(size)) if size != "-" else "-"
            print(f"{label:<28} {size_text:>10} {float(first):>10.2f} s {float(best):>9.2f} s")
        return 0
    if not args.command:
        parser.error("give the command to start, after --")

    command = list(args.command)
    if os.sep in command[0]:  # a path: it must still name the same file from the other folder
        command[0] = os.path.abspath(command[0])
    with tempfile.TemporaryDirectory(prefix="da-check-cwd-") as cwd:  # "from any folder"
        version = check_version(command, cwd)
        times = []
        for _ in range(max(1, args.runs)):
            elapsed, listed = start_once(command, cwd)
            times.append(elapsed)
    size = tree_size(args.size) if args.size else None
    size_text = f", size {human(size)}" if size is not None else ""
    print(
        f"{args.label}: {version}; the window listed {', '.join(listed)}; "
        f"start to samples listed: {', '.join(f'{t:.2f} s' for t in times)}{size_text}"
    )
    if args.record:
        with args.record.open("a") as rec:
            best = min(times[1:]) if len(times) > 1 else times[0]
            rec.write(f"{args.label}\t{size if size is not None else '-'}\t{times[0]:.3f}\t{best:.3f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
