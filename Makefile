# eservice-desktop — the two Quick start commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= $(CURDIR)/.demo-data
COUNTY_PORT ?= 8765

.PHONY: run test bench system-deps venv lint lock clean help translations

help:
	@echo "make run    - install what is missing, start the county server and the counter GUI with demo data"
	@echo "make test   - install what is missing, lint, type-check and run the whole test suite"
	@echo "make bench  - run the benchmarks and print the figures"
	@echo "make appdir | appimage | deb | msi-check | test-installer - installers (docs/it-guide.md)"

system-deps:
	@tools/install-system-deps.sh

$(STAMP): pyproject.toml requirements.lock | system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -r requirements.lock
	@$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

venv: system-deps $(STAMP) translations

# Qt translations: every resources/translations/<area>_en.ts compiles to a .qm (build output,
# not committed; gui/i18n.py explains the workflow and its runtime fallback).
TS_FILES := $(wildcard resources/translations/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)
translations: $(QM_FILES)
resources/translations/%.qm: resources/translations/%.ts | $(STAMP)
	@$(BIN)/pyside6-lrelease -silent $< -qm $@

run: venv
	@tools/run-demo.sh "$(DEMO_DIR)" "$(COUNTY_PORT)"

test: venv
	@tools/run-tests.sh

bench: venv
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

lint: venv
	@$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy && $(BIN)/lint-imports

# Re-resolves the lock file from pyproject.toml (needs the package registry).
lock:
	@rm -rf /tmp/eservice-lock && $(PYTHON) -m venv /tmp/eservice-lock
	@/tmp/eservice-lock/bin/pip install -q --upgrade pip
	@/tmp/eservice-lock/bin/pip install -q ".[dev]"
	@/tmp/eservice-lock/bin/pip freeze --exclude eservice-desktop > requirements.lock
	@echo "requirements.lock updated"

clean:
	rm -rf $(VENV) .demo-data build dist

# --- Installers (installer/, tools/build-*.sh; docs/it-guide.md) --------------------------------
.PHONY: appdir appimage deb msi-check test-installer

# Frozen program (PyInstaller onedir) laid out as an AppDir in build/AppDir.
appdir: venv
	@tools/build-appdir.sh build/AppDir

# AppImage from the AppDir: needs APPIMAGETOOL (or appimagetool on PATH) and APPIMAGE_RUNTIME.
appimage: appdir
	@tools/build-appimage.sh build/AppDir build

# Debian package from the same frozen tree: build/eservice-desktop_VERSION_ARCH.deb
deb: appdir
	@tools/build-deb.sh build/AppDir build

# MSI from installer/windows/eservice-desktop.wxs with wixl over the Linux tree, checked by msiinfo.
msi-check: appdir
	@tools/msi-check.sh build/AppDir build

# Builds all of the above and runs tests/installer against them (root: installs the .deb).
test-installer: venv
	@tools/test-installer.sh
