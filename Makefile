# Hookdesk: `make run` opens the app, `make test` runs every check. Both install what is missing first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

APT_PACKAGES := libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev librsvg2-dev libdbus-1-dev \
                xvfb xauth webkit2gtk-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: help run test deps apt-deps node-deps tools ui lint deny core-test ui-test e2e build-app serve bench startup

help:
	@echo "make run   build and open Hookdesk (headless: runs 'hookdesk serve')"
	@echo "make test  fmt, clippy, core tests, UI checks and tests, WebDriver e2e under Xvfb"

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

test: deps ui lint deny core-test ui-test e2e

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
	@if grep -a -i -n canary $(TRACE_LOG) | head -3 | grep .; then echo "a canary secret reached the trace log"; exit 1; fi
	@echo "trace log: $$(wc -l < $(TRACE_LOG)) lines, no canary secret in it"

ui-test: node-deps
	cd ui && npm run check && npm test

e2e: build-app tools
	cd tests/e2e && xvfb-run -a --server-args="-screen 0 1280x900x24" \
	  cargo test -- --test-threads=1

## ---- measurements (not part of make test) ---------------------------------------------------------

bench:
	cargo bench -p hookdesk-core --bench delivery

startup: deps ui
	cargo build --release -p hookdesk-desktop
	xvfb-run -a --server-args="-screen 0 1280x900x24" scripts/measure-startup.sh
