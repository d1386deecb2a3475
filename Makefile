# Document Assistant. `make run` starts the app, `make test` runs every test headless.
# Both build .venv from nothing but python3, and refresh it when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint sandbox clean dist check-wheel check-pipx check-source bundle check-bundle deb check-deb packages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m assistant $(ARGS)

sandbox: $(STAMP)
	$(BIN)/python -m assistant.sandbox $(ARGS)

# Tests run headless (Qt offscreen); the keyring tests get a private, throwaway
# Secret Service (gnome-keyring in its own D-Bus session) when the machine has one.
test: $(STAMP)
	tests/with-keyring $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m pytest tests/benchmarks -p no:cacheprovider -s -o addopts="-ra --strict-markers" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check assistant tests packaging
	$(BIN)/ruff format --check assistant tests packaging
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# -- Installers (README "Install"; packaging/README.md) ----------------------------------------------
# `make packages` builds and checks everything CI ships: sdist + wheel, the wheel in a fresh venv and
# through pipx, the PyInstaller one-folder bundle, the .deb (installed with dpkg, so root or sudo).
# Each check starts the installed app offscreen on the sandbox from another folder and passes only
# when its window lists the two samples (packaging/check_start.py); sizes and start times are
# printed side by side at the end.
DIST := dist
BUNDLE_DIR := $(DIST)/bundle/document-assistant
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' assistant/__init__.py)
WHEEL = $(DIST)/document_assistant-$(VERSION)-py3-none-any.whl
DEB = $(DIST)/document-assistant_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb
PKG_STAMP := $(VENV)/.installed-packaging
TIMES := $(DIST)/start-times.tsv
CHECK = $(BIN)/python packaging/check_start.py --record $(TIMES)
SUDO := $(shell test "$$(id -u)" = 0 || echo sudo)

$(PKG_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dist,bundle]'
	@touch $@

dist: $(PKG_STAMP)
	rm -f $(DIST)/*.whl $(DIST)/*.tar.gz
	$(BIN)/python -m build --quiet --outdir $(DIST) .   # the sdist, then the wheel built from it
	@ls -l $(DIST)/*.whl $(DIST)/*.tar.gz

check-wheel: $(STAMP)
	@test -f $(WHEEL) || $(MAKE) dist
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(PYTHON) -m venv "$$tmp/venv" && \
	  "$$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check $(WHEEL) && \
	  $(CHECK) --label "wheel in a fresh venv" --size "$$tmp/venv" -- "$$tmp/venv/bin/document-assistant"

check-pipx: $(PKG_STAMP)
	@test -f $(WHEEL) || $(MAKE) dist
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  PIPX_HOME="$$tmp/pipx" PIPX_BIN_DIR="$$tmp/bin" PIPX_MAN_DIR="$$tmp/man" \
	    $(BIN)/python -m pipx install --quiet $(WHEEL) && \
	  $(CHECK) --label "pipx install" --size "$$tmp/pipx" -- "$$tmp/bin/document-assistant"

check-source: $(STAMP)
	$(CHECK) --label "source checkout (make run)" -- $(BIN)/python -m assistant

bundle: $(PKG_STAMP)
	rm -rf $(BUNDLE_DIR)
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath $(DIST)/bundle --workpath build/pyinstaller \
	  packaging/document-assistant.spec
	@echo "bundle $(BUNDLE_DIR): $$(du -sh $(BUNDLE_DIR) | cut -f1)"

check-bundle: $(STAMP)
	@test -x $(BUNDLE_DIR)/document-assistant || $(MAKE) bundle
	$(CHECK) --label "PyInstaller bundle" --size $(BUNDLE_DIR) -- $(BUNDLE_DIR)/document-assistant

deb:
	@test -x $(BUNDLE_DIR)/document-assistant || $(MAKE) bundle
	packaging/linux/build-deb.sh $(BUNDLE_DIR) $(DIST)

# Installs the .deb system-wide, checks /usr/bin/document-assistant and its desktop files, removes it
# again (KEEP=1 keeps it installed).
check-deb: $(STAMP)
	@test -f $(DEB) || $(MAKE) deb
	$(SUDO) dpkg -i $(DEB)
	test -f /usr/share/applications/io.github.documentassistant.DocumentAssistant.desktop
	test -f /usr/share/icons/hicolor/scalable/apps/io.github.documentassistant.DocumentAssistant.svg
	test -f /usr/share/metainfo/io.github.documentassistant.DocumentAssistant.metainfo.xml
	! command -v desktop-file-validate >/dev/null || \
	  desktop-file-validate /usr/share/applications/io.github.documentassistant.DocumentAssistant.desktop
	! command -v appstreamcli >/dev/null || \
	  appstreamcli validate --no-net /usr/share/metainfo/io.github.documentassistant.DocumentAssistant.metainfo.xml
	$(CHECK) --label "deb (/usr/bin)" --size /opt/document-assistant -- /usr/bin/document-assistant
	@test -n "$(KEEP)" || $(SUDO) dpkg -r document-assistant >/dev/null

packages: $(PKG_STAMP)
	@mkdir -p $(DIST) && rm -f $(TIMES)
	$(MAKE) dist
	$(MAKE) check-source check-wheel check-pipx
	$(MAKE) bundle
	$(MAKE) check-bundle deb check-deb
	@echo && echo "Sizes and start times (start to the two samples listed, offscreen, this run):"
	@$(BIN)/python packaging/check_start.py --summary $(TIMES)
	@ls -l $(WHEEL) $(DEB) | awk '{printf "  %-45s %6.1f MB\n", $$9, $$5 / 1e6}'
