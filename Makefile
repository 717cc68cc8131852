# Hookdesk: `make run` opens the app, `make test` runs every check. Both install what is missing first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

APT_PACKAGES := libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev librsvg2-dev libdbus-1-dev \
                xvfb xauth webkit2gtk-driver dbus-daemon libayatana-appindicator3-dev postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: help run test deps apt-deps node-deps tools ui lint deny core-test core-test-postgres ipc-check ipc-types \
        ui-test e2e build-app \
        serve bench startup dist dist-test

help:
	@echo "make run   build and open Hookdesk (headless: runs 'hookdesk serve')"
	@echo "make test  fmt, clippy, core tests, UI checks and tests, WebDriver e2e under Xvfb"
	@echo "make dist  release .deb and .rpm packages (target/release/bundle/)"
	@echo "make dist-test  install the built .deb, check it and open its app under Xvfb, remove it"

## ---- set-up (idempotent) --------------------------------------------------------------------------

deps: apt-deps node-deps tools

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

node-deps:
	@command -v node >/dev/null || { echo "Node.js 20.19+ is required (https://nodejs.org)"; exit 1; }
	@if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then \
	  cd ui && npm ci --no-audit --no-fund; \
	fi

tools:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked
	@command -v cargo-deny >/dev/null || cargo install cargo-deny --locked

## ---- build --------------------------------------------------------------------------------------

ui: node-deps
	cd ui && npm run build

build-app: ui
	cargo build -p hookdesk-desktop -p hookdesk-core

run: deps build-app
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  ./target/debug/hookdesk-desktop; \
	else \
	  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): starting the headless engine instead."; \
	  ./target/debug/hookdesk serve; \
	fi

serve: build-app
	./target/debug/hookdesk serve

## ---- checks -------------------------------------------------------------------------------------

test: deps ui lint deny core-test ipc-check ui-test e2e

lint: ui
	cargo fmt --all --check
	cd tests/e2e && cargo fmt --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd tests/e2e && cargo clippy --all-targets -- -D warnings

deny: tools
	cargo deny check bans licenses sources

# Tests make many throw-away data directories; none of their keys belongs in the user's keychain.
# The whole suite runs with trace logging into one file, which must then hold none of the tests' canary
# secrets (every secret the tests use contains "canary").
TRACE_LOG := $(CURDIR)/target/test-logs/trace.log
core-test:
	rm -rf $(dir $(TRACE_LOG)) && mkdir -p $(dir $(TRACE_LOG))
	HOOKDESK_NO_KEYCHAIN=1 HOOKDESK_LOG=trace HOOKDESK_LOG_FILE=$(TRACE_LOG) cargo test -p hookdesk-core
	@test -s $(TRACE_LOG) || { echo "no trace log was written"; exit 1; }
	@if grep -a -i -n -m 3 canary $(TRACE_LOG); then echo "a canary secret reached the trace log"; exit 1; fi
	@echo "trace log: $$(wc -l < $(TRACE_LOG)) lines, no canary secret in it"
	$(MAKE) core-test-postgres

# The integration suite again, on PostgreSQL: a throw-away cluster of its own (scripts/test-postgres.sh, a
# free loopback port, stopped at the end, never a server already running), one database per test. Then its
# trace log and every file of the cluster must hold none of the canary secrets (the only other "canary"
# there is PostgreSQL's own name for a Spanish locale).
PG_TRACE_LOG := $(CURDIR)/target/test-logs/trace-postgres.log
# The cluster lives under /tmp: the `postgres` user must be able to reach its folder, and a checkout under
# a private home directory would not let it.
core-test-postgres:
	@rm -f $(PG_TRACE_LOG); pg=$$(mktemp -d /tmp/hookdesk-test-postgres.XXXXXX); chmod 755 $$pg; \
	trap '$(CURDIR)/scripts/test-postgres.sh stop '$$pg'/cluster; rm -rf '$$pg EXIT; \
	url=$$($(CURDIR)/scripts/test-postgres.sh start $$pg/cluster); \
	echo "PostgreSQL for the tests: $$url"; \
	HOOKDESK_NO_KEYCHAIN=1 HOOKDESK_LOG=trace HOOKDESK_LOG_FILE=$(PG_TRACE_LOG) \
	  HOOKDESK_TEST_POSTGRES=$$url HOOKDESK_TEST_POSTGRES_DATA=$$pg/cluster/data \
	  cargo test -p hookdesk-core --test it; \
	if grep -a -i -n -m 3 canary $(PG_TRACE_LOG); then echo "a canary secret reached the trace log"; exit 1; fi; \
	found=$$(grep -r -a -o -i -E 'canary.{0,8}' $$pg/cluster/data | grep -v -i 'canary islan' || true); \
	if [ -n "$$found" ]; then echo "$$found" | head -3; echo "a canary secret reached PostgreSQL's files"; exit 1; fi; \
	echo "PostgreSQL run: no canary secret in its trace log or in $$(du -sh $$pg/cluster/data | cut -f1) of cluster files"

# The window's TypeScript types are generated from the Rust types (README, "The IPC contract"):
# ipc-check fails when ui/src/lib/gen/ipc.ts differs from what the Rust types say; ipc-types rewrites it.
ipc-check: ui
	cargo test -p hookdesk-desktop --lib ipc_types

ipc-types: ui
	HOOKDESK_WRITE_IPC_TYPES=1 cargo test -p hookdesk-desktop --lib ipc_types

ui-test: node-deps
	cd ui && npm run check && npm test

# tests/e2e/tests/team.rs runs two apps on one PostgreSQL database: a throw-away server as for the core suite.
e2e: build-app tools
	@pg=$$(mktemp -d /tmp/hookdesk-e2e-postgres.XXXXXX); chmod 755 $$pg; \
	trap '$(CURDIR)/scripts/test-postgres.sh stop '$$pg'/cluster; rm -rf '$$pg EXIT; \
	url=$$($(CURDIR)/scripts/test-postgres.sh start $$pg/cluster); \
	psql "$$url" -q -c "CREATE DATABASE e2e_team"; \
	cd tests/e2e && HOOKDESK_E2E_DATABASE=$${url%/postgres}/e2e_team xvfb-run -a --server-args="-screen 0 1280x900x24" \
	  cargo test -- --test-threads=1

## ---- measurements (not part of make test) ---------------------------------------------------------

bench:
	cargo bench -p hookdesk-core --bench delivery

startup: deps ui
	cargo build --release -p hookdesk-desktop -p hookdesk-blank-window
	xvfb-run -a --server-args="-screen 0 1280x900x24" scripts/measure-startup.sh

## ---- packages (not part of make test: a release build takes a quarter of an hour) -------------------

# The Tauri bundler (npm @tauri-apps/cli, pinned in ui/package.json) builds the app in release mode and
# writes both packages itself; neither needs rpmbuild or dpkg-deb. packaging/stage.sh adds the CLI, the
# systemd unit, the /etc/hookdesk/env template and, when the CLI can make them, completions and a man page.
TAURI := $(CURDIR)/ui/node_modules/.bin/tauri

dist: deps ui
	cargo build --release -p hookdesk-core --bin hookdesk
	packaging/stage.sh
	cd src-tauri && $(TAURI) build --ci --bundles deb,rpm --config ../target/dist/bundle.json
	@ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

# Installs the newest .deb on this machine with apt (which also pulls its runtime dependencies), checks
# what it put where, opens the installed app under Xvfb through the e2e harness, then removes it again.
# The .rpm's file list is checked with rpm (installed here if missing).
dist-test: tools
	@deb=$$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -1); \
	rpm=$$(ls -t target/release/bundle/rpm/*.rpm 2>/dev/null | head -1); \
	[ -n "$$deb" ] && [ -n "$$rpm" ] || { echo "no packages: run make dist first"; exit 1; }; \
	pkg=$$(dpkg-deb -f "$$deb" Package); \
	echo "installing $$deb ($$pkg)"; \
	trap '$(SUDO) apt-get remove -y -qq '"$$pkg"' >/dev/null 2>&1 || true' EXIT; \
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq "$$(realpath $$deb)"; \
	hookdesk --version; \
	test -x /usr/bin/hookdesk-desktop; \
	test -f /usr/lib/systemd/system/hookdesk.service; \
	test -f /etc/hookdesk/env; \
	test ! -e /etc/systemd/system/multi-user.target.wants/hookdesk.service || { echo "the unit must not be enabled"; exit 1; }; \
	grep -q '^Exec=hookdesk-desktop' /usr/share/applications/Hookdesk.desktop; \
	for s in 16 24 32 48 64 128 256 512; do \
	  test -f /usr/share/icons/hicolor/$${s}x$${s}/apps/hookdesk-desktop.png || { echo "no $${s}px icon"; exit 1; }; \
	done; \
	for f in /usr/share/bash-completion/completions/hookdesk /usr/share/zsh/vendor-completions/_hookdesk \
	         /usr/share/fish/vendor_completions.d/hookdesk.fish /usr/share/man/man1/hookdesk.1.gz; do \
	  test -f "$$f" || { echo "the package did not install $$f"; exit 1; }; \
	done; \
	man -l /usr/share/man/man1/hookdesk.1.gz 2>/dev/null | grep -q "ingest-token" || { echo "the man page lacks ingest-token"; exit 1; }; \
	echo "completions (bash, zsh, fish) and the man page installed"; \
	cd tests/e2e && HOOKDESK_E2E_APP=/usr/bin/hookdesk-desktop xvfb-run -a --server-args="-screen 0 1280x900x24" \
	  cargo test --test installed -- --ignored --test-threads=1; \
	cd $(CURDIR); \
	command -v rpm >/dev/null || DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq rpm; \
	files=$$(rpm -qlp "$$rpm"); \
	for f in /usr/bin/hookdesk /usr/bin/hookdesk-desktop /usr/lib/systemd/system/hookdesk.service \
	         /usr/share/bash-completion/completions/hookdesk /usr/share/man/man1/hookdesk.1.gz; do \
	  grep -qx "$$f" <<<"$$files" || { echo "the rpm lacks $$f"; exit 1; }; \
	done; \
	echo "rpm: $$(wc -l <<<"$$files") files, CLI, app, unit, completions and man page among them"; \
	$(SUDO) apt-get remove -y -qq "$$pkg"; \
	test ! -e /usr/bin/hookdesk-desktop && test ! -e /usr/bin/hookdesk; \
	echo "dist-test: $$pkg installed, checked, opened under Xvfb and removed"
