"""Document conversion speed and memory (run by `make bench`).

Each case runs `prepare()` in a fresh subprocess that reports its wall time (the fastest of a few runs,
each into an empty cache) and its peak RSS growth during the first run (VmHWM, reset after imports,
minus the RSS after imports). Figures are printed as ratios against a
baseline measured in the same run: preparing a plain UTF-8 text file holding the same text (what the
app does for any .txt: read, hash, check the encoding). Assertions are on behaviour and memory bounds,
never on wall-clock time.

- a 50-page .docx and a 10,000-row .xlsx, against the text they convert to;
- 200 MB archives: a stored zip and a tar of text logs (converted within the archive limits), and a
  tar.gz bomb of zeros (rejected); memory stays bounded, far below the archive's size.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

ARCHIVE_BYTES = 200 * 1024 * 1024
MIB = 1024 * 1024

CHILD = r"""
import json, sys, time
from pathlib import Path
from assistant.documents import DocumentError, prepare
import assistant.documents.office, openpyxl, docx, pptx, pypdf  # imports are not what is measured

def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field)

source, cache, repeat = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current RSS: the imports' peak is not measured
before = status_kb("VmRSS")
times = []
for i in range(repeat):  # the fastest of a few runs, each with its own (empty) cache
    start = time.perf_counter()
    try:
        doc = prepare(source, cache_dir=cache / str(i))
        outcome = {"ok": True, "kind": doc.kind.value, "upload_size": doc.upload_size,
                   "upload_path": str(doc.upload_path), "warnings": list(doc.warnings)}
    except DocumentError as exc:
        outcome = {"ok": False, "error": exc.kind.value, "message": exc.message}
    times.append(time.perf_counter() - start)
    if i == 0:
        peak = status_kb("VmHWM")  # memory: the first run, from a fresh process
seconds = min(times)
outcome.update(seconds=seconds, rss_before_kb=before, peak_kb=peak, growth_kb=max(0, peak - before))
print(json.dumps(outcome))
"""


def run_prepare(source: Path, cache: Path, repeat: int = 1) -> dict[str, Any]:
    env = dict(os.environ, PYTHONWARNINGS="error")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(cache), str(repeat)],
        capture_output=True,
        text=True,
        check=False,
        timeout=110,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def report(label: str, case: dict[str, Any], base: dict[str, Any]) -> None:
    growth_mb = case["growth_kb"] / 1024
    base_growth_mb = max(base["growth_kb"], 100) / 1024
    print(
        f"\n[documents] {label}: {case['seconds'] / max(base['seconds'], 1e-6):.1f}x the time of the text "
        f"baseline ({case['seconds']:.3f} s vs {base['seconds']:.3f} s); peak RSS growth {growth_mb:.1f} MB "
        f"= {growth_mb / base_growth_mb:.1f}x the baseline's {base_growth_mb:.1f} MB"
    )


def text_twin(case: dict[str, Any], folder: Path) -> Path:
    """A plain .txt source holding exactly the text a conversion produced."""
    folder.mkdir()
    twin = folder / "twin.txt"
    twin.write_bytes(Path(case["upload_path"]).read_bytes())
    return twin


def make_docx(path: Path, pages: int) -> None:
    import docx

    document = docx.Document()
    for page in range(1, pages + 1):
        document.add_heading(f"Section {page}", level=2)
        for p in range(5):
            document.add_paragraph(f"Page {page}, paragraph {p}: " + "lorem ipsum dolor sit amet " * 14)
        table = document.add_table(rows=5, cols=4)
        for r in range(5):
            for c in range(4):
                table.cell(r, c).text = f"r{r}c{c}p{page}"
        document.add_page_break()  # type: ignore[no-untyped-call]
    document.save(str(path))


def make_xlsx(path: Path, rows: int) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(["id", "name", "amount", "category", "note"])
    for i in range(1, rows + 1):
        sheet.append([i, f"item {i}", i * 1.25, f"cat{i % 7}", "ok" if i % 3 else "check"])
    workbook.save(str(path))


def test_office_conversion_against_reading_the_same_text(tmp_path: Path) -> None:
    docx_path = tmp_path / "fifty-pages.docx"
    make_docx(docx_path, 50)
    xlsx_path = tmp_path / "ten-thousand-rows.xlsx"
    make_xlsx(xlsx_path, 10_000)

    docx_case = run_prepare(docx_path, tmp_path / "cache-docx", repeat=3)
    assert docx_case["ok"] and docx_case["kind"] == "docx", docx_case
    text = Path(docx_case["upload_path"]).read_text(encoding="utf-8")
    assert "## Section 50" in text and "| r4c0p50 | r4c1p50 | r4c2p50 | r4c3p50 |" in text
    docx_base = run_prepare(text_twin(docx_case, tmp_path / "a"), tmp_path / "cache-a", repeat=20)
    report("50-page .docx", docx_case, docx_base)

    xlsx_case = run_prepare(xlsx_path, tmp_path / "cache-xlsx", repeat=3)
    assert xlsx_case["ok"] and xlsx_case["kind"] == "xlsx", xlsx_case
    text = Path(xlsx_case["upload_path"]).read_text(encoding="utf-8")
    assert "## Data (A1:E10001)" in text and "| 10001 | 10000 | item 10000 | 12500 | cat4 | ok |" in text
    xlsx_base = run_prepare(text_twin(xlsx_case, tmp_path / "b"), tmp_path / "cache-b", repeat=20)
    report("10,000-row .xlsx", xlsx_case, xlsx_base)
    # Rows are streamed: memory grows by far less than the whole converted text would need as objects.
    assert xlsx_case["growth_kb"] < 200 * 1024


def log_block(index: int) -> bytes:
    """Exactly 1 MiB of log lines."""
    lines = [
        f"2026-11-24T05:{index % 60:02d}:{n % 60:02d}Z host{n % 17} service[{index}.{n}] level=INFO "
        f"request id={index * 100_000 + n} took {n % 997} ms path=/api/v1/items/{n * 7919 % 100_003}\n"
        for n in range(10_000)
    ]
    return "".join(lines).encode()[: MIB - 1] + b"\n"


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 MB of text logs, the baseline's source."""
    path = tmp_path_factory.mktemp("logs") / "all.log"
    with path.open("wb") as out:
        for i in range(ARCHIVE_BYTES // MIB):
            out.write(log_block(i))
    return path


def test_200mb_archives_are_converted_or_rejected_with_bounded_memory(logs: Path, tmp_path: Path) -> None:
    base = run_prepare(logs, tmp_path / "cache-base")
    assert base["ok"] and base["kind"] == "log"

    stored_zip = tmp_path / "logs.zip"
    with zipfile.ZipFile(stored_zip, "w", compression=zipfile.ZIP_STORED) as archive, logs.open("rb") as src:
        for part in range(40):
            archive.writestr(f"logs/part-{part:02d}.log", src.read(5 * MIB))
    assert stored_zip.stat().st_size >= ARCHIVE_BYTES
    zip_case = run_prepare(stored_zip, tmp_path / "cache-zip")
    assert zip_case["ok"] and zip_case["kind"] == "archive", zip_case
    assert zip_case["upload_size"] > ARCHIVE_BYTES
    report("200 MB stored .zip of logs (converted)", zip_case, base)

    plain_tar = tmp_path / "logs.tar"
    with tarfile.open(plain_tar, "w") as archive, logs.open("rb") as src:
        for part in range(4):
            info = tarfile.TarInfo(f"logs/quarter-{part}.log")
            info.size = 50 * MIB
            archive.addfile(info, io.BytesIO(src.read(50 * MIB)))
    tar_case = run_prepare(plain_tar, tmp_path / "cache-tar")
    assert tar_case["ok"] and tar_case["kind"] == "archive", tar_case
    report("200 MB .tar of logs (converted)", tar_case, base)

    bomb = tmp_path / "zeros.tar.gz"
    zeros = bytes(MIB)
    with gzip.open(bomb, "wb", compresslevel=9) as gz:
        header = tarfile.TarInfo("zeros.bin")
        header.size = ARCHIVE_BYTES
        gz.write(header.tobuf(format=tarfile.GNU_FORMAT))
        for _ in range(ARCHIVE_BYTES // MIB):
            gz.write(zeros)
        gz.write(bytes(1024))
    bomb_case = run_prepare(bomb, tmp_path / "cache-bomb")
    assert not bomb_case["ok"] and bomb_case["error"] == "archive_compression_ratio", bomb_case
    report(f"tar.gz bomb, {bomb.stat().st_size // 1024} KB unpacking to 200 MB (rejected)", bomb_case, base)

    for case in (zip_case, tar_case, bomb_case):
        # Bounded: a few MB of spool and buffers, nowhere near the 200 MB that went through.
        assert case["growth_kb"] < 64 * 1024, case
