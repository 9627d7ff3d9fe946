# Pantau — everything a fresh machine needs goes through these targets.
# `make run` runs the pipeline on the embedded default; `make test` runs the
# whole suite, installing what it uses first (chDB library, Debian's
# clickhouse-server and poppler-utils, Go modules).

GO          ?= go
CHDB_PKG    := @chdb/lib-linux-x64-gnu
CHDB_VER    := 26.7.3-stable.1
CHDB_DIR    := $(HOME)/.cache/pantau/chdb
CHDB_LIB    := $(CHDB_DIR)/libchdb.so
VERSION     := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X github.com/diskominfo-kaltim/pantau/cli.Version=$(VERSION)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BENCHTIME   ?= 2s

export PANTAU_CHDB_LIB := $(CHDB_LIB)

.PHONY: all build run demo test bench fuzz lint deps chdb debian-deps web-assets tidy-check clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/pantau ./cmd/pantau

## chdb: the ClickHouse engine as a library, from npm, cached in ~/.cache/pantau
chdb: $(CHDB_LIB)

$(CHDB_LIB):
	@echo ">> fetching $(CHDB_PKG)@$(CHDB_VER) (about 180 MB)"
	rm -rf $(CHDB_DIR)/tmp && mkdir -p $(CHDB_DIR)/tmp
	cd $(CHDB_DIR)/tmp && npm pack --silent $(CHDB_PKG)@$(CHDB_VER) >/dev/null
	cd $(CHDB_DIR)/tmp && tar xzf chdb-lib-linux-x64-gnu-$(CHDB_VER).tgz package/libchdb.so
	mv $(CHDB_DIR)/tmp/package/libchdb.so $(CHDB_LIB)
	rm -rf $(CHDB_DIR)/tmp

## debian-deps: Debian's ClickHouse (18.16) for the native backend's tests,
## poppler-utils (pdftoppm) to check the report's PDF, and chromium (with a
## font) for the web app's browser test
debian-deps:
	@{ command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/bin/clickhouse-server ]; } && command -v pdftoppm >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 || { \
		echo ">> installing clickhouse-server, poppler-utils and chromium from Debian"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends clickhouse-server poppler-utils chromium fonts-dejavu-core >/dev/null; }

## web-assets: the web app's browser libraries from npm (htmx, Apache
## ECharts), checked against web/static/vendor/SOURCE.md and copied there;
## they are committed, so a build needs neither npm nor the internet
HTMX_VER    := 2.0.11
ECHARTS_VER := 6.1.0
VENDOR      := web/static/vendor
web-assets:
	rm -rf .web-assets && mkdir -p .web-assets
	cd .web-assets && npm pack --silent htmx.org@$(HTMX_VER) echarts@$(ECHARTS_VER) >/dev/null
	cd .web-assets && mkdir h e && tar xzf htmx.org-$(HTMX_VER).tgz -C h && tar xzf echarts-$(ECHARTS_VER).tgz -C e
	cp .web-assets/h/package/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp .web-assets/h/package/LICENSE $(VENDOR)/LICENSE-htmx
	cp .web-assets/e/package/dist/echarts.common.min.js $(VENDOR)/echarts.min.js
	cp .web-assets/e/package/LICENSE $(VENDOR)/LICENSE-echarts
	cp .web-assets/e/package/NOTICE $(VENDOR)/NOTICE-echarts
	cp .web-assets/e/package/licenses/LICENSE-d3 $(VENDOR)/LICENSE-echarts-d3
	rm -rf .web-assets
	@cd $(VENDOR) && for f in htmx.min.js echarts.min.js; do \
		want=$$(grep -o "\`$$f\`.*\`[0-9a-f]\{64\}\`" SOURCE.md | grep -o '[0-9a-f]\{64\}'); \
		got=$$(sha256sum $$f | cut -d' ' -f1); \
		[ "$$want" = "$$got" ] || { echo "$$f: sha256 $$got, SOURCE.md says $$want"; exit 1; }; done
	@echo ">> web assets match SOURCE.md"

deps: chdb debian-deps
	$(GO) mod download

run: chdb build
	./bin/pantau run

demo: chdb build
	./bin/pantau demo

test: deps lint
	$(GO) test -race -count=1 -shuffle=on -timeout 45m ./...

## bench: Go benchmarks (writer rows/s per backend, classifier, extraction)
## and the end-to-end pipeline load test (articles/s on a local site).
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./classifier/ ./crawler/ ./store/chdb/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x -timeout 30m ./store/ ./e2e/

## fuzz: each fuzz target for FUZZTIME (`make test` runs their seed corpora
## only). Add yours to FUZZ as package:FuzzName.
FUZZTIME    ?= 1m
FUZZ        := ./config:FuzzLoad ./crawler:FuzzExtract ./crawler:FuzzFeed ./crawler:FuzzCanonical ./crawler:FuzzParseDate

fuzz:
	@set -e; for t in $(FUZZ); do \
		echo ">> fuzzing $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) $${t%%:*}; \
	done

lint: tidy-check
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet ./...

tidy-check:
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1; }

clean:
	rm -rf bin
