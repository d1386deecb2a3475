"""The project's PEP 517 build backend: setuptools, plus the run-time assets.

The app's icons and sample documents live in the top-level ``assets/`` folder (the project layout
keeps them there). A wheel gets a copy of ``assets/icons`` and ``assets/samples`` as
``assistant/_assets/`` (found by ``assistant.resources.assets_dir``), and an sdist carries them and
this folder, so a wheel built from the sdist has them too. Editable installs copy nothing: they
use the checkout's ``assets/``. Wired in ``pyproject.toml`` (``[build-system] backend-path`` and
``[tool.setuptools.cmdclass]``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools.build_meta import *  # noqa: F403  (the PEP 517 hooks, unchanged)
from setuptools.build_meta import __all__  # noqa: F401
from setuptools.command.build_py import build_py as _build_py
from setuptools.command.sdist import sdist as _sdist

RUNTIME_ASSETS = ("icons", "samples")  # assets/screenshots is for the README only
PACKAGE_ASSETS = Path("assistant") / "_assets"


def _runtime_asset_files() -> list[str]:
    files = []
    for folder in RUNTIME_ASSETS:
        for path in sorted(Path("assets", folder).rglob("*")):
            if path.is_file():
                files.append(path.as_posix())
    if not files:
        raise RuntimeError("assets/icons and assets/samples are missing: run the build from the project root")
    return files


class BuildPy(_build_py):
    """build_py that also copies the run-time assets into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / PACKAGE_ASSETS
        shutil.rmtree(target, ignore_errors=True)
        for name in _runtime_asset_files():
            dest = target / Path(name).relative_to("assets")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(name, dest)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [
                os.path.join(self.build_lib, PACKAGE_ASSETS, Path(n).relative_to("assets"))
                for n in _runtime_asset_files()
            ]
        return outputs


class Sdist(_sdist):
    """sdist that also carries the run-time assets and packaging/ (this backend, spec, desktop files)."""

    def make_distribution(self) -> None:
        extra = _runtime_asset_files()
        extra += [
            p.as_posix()
            for p in sorted(Path("packaging").rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
        ]
        for name in extra:
            if name not in self.filelist.files:
                self.filelist.append(name)
        super().make_distribution()
