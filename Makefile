# The two commands a new user needs:  make site  (build the course)  and  make test  (run every test).
SWIFT ?= swift
APT_PACKAGES := pandoc libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config unzip
# For the browser tests (skipped with a notice when absent, outside CI) and readable CJK in their screenshots.
BROWSER_PACKAGES := chromium fonts-wqy-microhei
BIN = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

.DEFAULT_GOAL := site
PREFIX ?= /usr/local

.PHONY: site test test-packages check fix clean deps build bench bench-record bench-peer install

# Installs the Debian packages the build needs when run as root; otherwise says exactly what to install.
deps:
	@missing=""; for p in $$(scripts/missing-debs.sh $(APT_PACKAGES) $(BROWSER_PACKAGES)); do missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing"; echo "install them with:  sudo apt-get install$$missing"; \
	    for p in $(APT_PACKAGES); do case "$$missing" in *" $$p"*) exit 1;; esac; done; \
	    echo "(only the browser tests need chromium; they will be skipped)"; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

site: build
	"$(BIN)/workbook" build
	@echo "open $(CURDIR)/site/out/index.html"

check: build
	"$(BIN)/workbook" check

fix: build
	"$(BIN)/workbook" fix

test: build
	$(SWIFT) test

# Real packages as books (swift-system, swift-numerics, swift-algorithms, swift-collections, swift-case-paths):
# each is cloned, `workbook init` and a chapter calling its API, fix, check, a library change caught. Their
# release builds take minutes (swift-syntax about ten), so they are not part of `make test`; CI runs both.
test-packages: build
	WORKBOOK_PACKAGE_TESTS=1 $(SWIFT) test --filter PackageBookTests

# A release workbook (and rope) in PREFIX/bin, its theme and helper sources in PREFIX/share/workbook.
# Also the man pages (swift-argument-parser's generate-manual plugin, which builds the package's products in
# release first) and bash/zsh/fish completions.
install: deps
	$(SWIFT) build -c release --product workbook
	$(SWIFT) build -c release --product rope
	rm -rf .build/man && mkdir -p .build/man
	$(SWIFT) package --allow-writing-to-directory .build/man generate-manual --output-directory .build/man
	scripts/install.sh "$$($(SWIFT) build -c release --show-bin-path)" "$(PREFIX)" .build/man

clean:
	@if [ -x "$(BIN)/workbook" ]; then "$(BIN)/workbook" clean; else rm -rf .workbook-cache site/out; fi

# Benchmarks: release builds, every ratio against a baseline measured in the same run (Benchmarks/README.md).
bench: deps
	$(SWIFT) build -c release
	python3 Benchmarks/bench.py

# Keeps the last `make bench` figures in Benchmarks/results.txt (chapter 19 shows them; then run make fix).
bench-record:
	cp .build/bench-latest.txt Benchmarks/results.txt

# Side by side with Jupyter Book 1 on the same course at 12 and 48 chapters (Benchmarks/peer/): not part of `make test`.
# Installs jupyter-book<2, ipykernel and numpy from PyPI into a venv under .build/ the first time.
PEER_VENV := .build/peer-venv
bench-peer: deps
	$(SWIFT) build -c release --product workbook
	$(SWIFT) build -c release --product rope
	@if [ ! -x $(PEER_VENV)/bin/jupyter-book ]; then \
	  python3 -m venv $(PEER_VENV) && $(PEER_VENV)/bin/pip install -q "jupyter-book<2" ipykernel numpy; fi
	python3 Benchmarks/peer/bench_peer.py --venv $(PEER_VENV)
