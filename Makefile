# eservice-desktop — the two Quick start commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= $(CURDIR)/.demo-data
COUNTY_PORT ?= 8765

.PHONY: run test bench system-deps system-deps-run venv venv-run lint lock clean help translations translations-run

help:
	@echo "make run    - install what is missing, start the county server and the counter GUI with demo data"
	@echo "make test   - install what is missing, lint, type-check and run the whole test suite"
	@echo "make bench  - run the benchmarks and print the figures"
	@echo "make appdir | appimage | deb | msi-check | test-installer - installers (docs/it-guide.md)"

# Two installs: `make run` gets the runtime only ([run] apt section, requirements-run.lock);
# `make test` adds the test stack ([test] section, requirements.lock with the dev tools).
RUN_STAMP := $(VENV)/.installed-run

system-deps:
	@tools/install-system-deps.sh test

system-deps-run:
	@tools/install-system-deps.sh run

$(RUN_STAMP): pyproject.toml requirements-run.lock | system-deps-run
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -r requirements-run.lock
	@$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(RUN_STAMP)

$(STAMP): pyproject.toml requirements.lock | system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -r requirements.lock
	@$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP) $(RUN_STAMP)

venv: system-deps $(STAMP) translations

venv-run: system-deps-run $(RUN_STAMP) translations-run

# Qt translations: every resources/translations/<area>_en.ts compiles to a .qm (build output,
# not committed; gui/i18n.py explains the workflow and its runtime fallback).
TS_FILES := $(wildcard resources/translations/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)
translations: $(QM_FILES)
translations-run: $(RUN_STAMP)
	@for ts in $(TS_FILES); do qm=$${ts%.ts}.qm; [ "$$qm" -nt "$$ts" ] || $(BIN)/pyside6-lrelease -silent "$$ts" -qm "$$qm"; done
resources/translations/%.qm: resources/translations/%.ts | $(STAMP)
	@$(BIN)/pyside6-lrelease -silent $< -qm $@

run: venv-run
	@tools/run-demo.sh "$(DEMO_DIR)" "$(COUNTY_PORT)"

test: venv
	@tools/run-tests.sh

bench: venv
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

lint: venv
	@$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy && $(BIN)/lint-imports

# Re-resolves both lock files from pyproject.toml (needs the package registry): the runtime set
# (requirements-run.lock, what `make run` installs) is resolved within the full one.
lock:
	@rm -rf /tmp/eservice-lock && $(PYTHON) -m venv /tmp/eservice-lock
	@/tmp/eservice-lock/bin/pip install -q --upgrade pip
	@/tmp/eservice-lock/bin/pip install -q ".[dev]"
	@{ /tmp/eservice-lock/bin/pip freeze --exclude eservice-desktop; \
	  grep -hv '^#' tools/lock-windows.txt tools/lock-windows-dev.txt; } > requirements.lock
	@rm -rf /tmp/eservice-lock-run && $(PYTHON) -m venv /tmp/eservice-lock-run
	@/tmp/eservice-lock-run/bin/pip install -q --upgrade pip
	@/tmp/eservice-lock-run/bin/pip install -q -c requirements.lock .
	@{ echo "# Runtime dependencies only (what \`make run\` installs): a subset of requirements.lock, made by \`make lock\`."; \
	  /tmp/eservice-lock-run/bin/pip freeze --exclude eservice-desktop; \
	  grep -hv '^#' tools/lock-windows.txt; } > requirements-run.lock
	@echo "requirements.lock and requirements-run.lock updated"

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
