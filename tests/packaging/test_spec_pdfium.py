"""The bundle carries the source pane's PDF renderer whole: pypdfium2 loads PDFium (a shared library in
pypdfium2_raw) with ctypes, which PyInstaller cannot follow, and both packages read a version.json."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_bundle_takes_pdfium_its_library_and_its_version_files() -> None:
    spec = (ROOT / "packaging" / "document-assistant.spec").read_text("utf-8")
    assert 'collect_dynamic_libs("pypdfium2_raw")' in spec, "libpdfium is loaded by ctypes: bundle it"
    assert "binaries=binaries" in spec
    assert 'collect_data_files("pypdfium2")' in spec and 'collect_data_files(\n    "pypdfium2_raw"' in spec
    assert 'collect_submodules("pypdfium2")' in spec
    excludes = spec[spec.index("excludes = [") :]
    assert '"pypdfium2' not in excludes[: excludes.index("]")]
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    assert '"pypdfium2>=' in pyproject, "the app depends on it"
