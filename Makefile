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

.PHONY: all build run demo test bench fuzz lint deps chdb debian-deps rules web-assets tidy-check clean model

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

## debian-deps: Debian's ClickHouse (18.16) and ZooKeeper for the native
## backend's and the cluster's tests, poppler-utils (pdftoppm) to check the
## report's PDF, chromium (with a font) for the web app's browser test,
## Prometheus and Alertmanager (promtool, amtool) for the alert rules, Caddy
## for the TLS front of the deployment
DEBIAN_PKGS := clickhouse-server poppler-utils chromium fonts-dejavu-core zookeeper prometheus prometheus-alertmanager caddy
debian-deps:
	@{ command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/bin/clickhouse-server ]; } && command -v pdftoppm >/dev/null 2>&1 \
		&& command -v chromium >/dev/null 2>&1 && [ -f /usr/share/java/zookeeper.jar ] && command -v promtool >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1 \
		&& command -v caddy >/dev/null 2>&1 || { \
		echo ">> installing $(DEBIAN_PKGS) from Debian"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(DEBIAN_PKGS) >/dev/null; }

## rules: Prometheus alert rules checked and unit-tested, the compose
## Prometheus and Alertmanager configs checked
rules: debian-deps
	promtool check rules deploy/prometheus/pantau-rules.yml
	cd deploy/prometheus && promtool test rules pantau-rules_test.yml
	amtool check-config deploy/prometheus/alertmanager.yml
	@tmp=$$(mktemp -d) && mkdir $$tmp/pantau && cp deploy/prometheus/pantau-rules.yml $$tmp/pantau/ \
		&& sed "s#/etc/prometheus/pantau/#$$tmp/pantau/#" deploy/compose/prometheus.yml >$$tmp/prometheus.yml \
		&& promtool check config $$tmp/prometheus.yml; rc=$$?; rm -rf $$tmp; exit $$rc

deps: chdb debian-deps
	$(GO) mod download

run: chdb build
	./bin/pantau run

demo: chdb build
	./bin/pantau demo

test: deps lint rules
	$(GO) test -race -count=1 -shuffle=on -timeout 45m ./...

## bench: Go benchmarks (writer rows/s per backend, classifier, extraction),
## the end-to-end pipeline load test (articles/s on a local site) and
## freshness (seconds from publication to stored, p95, default settings),
## and placing an article into issues with 100,000 in the history.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./classifier/ ./crawler/ ./store/chdb/ ./tagger/
	$(GO) test -run '^$$' -bench . -skip Freshness -benchmem -benchtime 3x -timeout 30m ./store/ ./e2e/
	$(GO) test -run '^$$' -bench Freshness -benchtime 1x -timeout 20m ./e2e/
	$(GO) test -run '^$$' -bench Place -benchtime 3000x -timeout 40m ./issuemap/

## fuzz: each fuzz target for FUZZTIME (`make test` runs their seed corpora
## only). Add yours to FUZZ as package:FuzzName.
FUZZTIME    ?= 1m
FUZZ        := ./config:FuzzLoad ./crawler:FuzzExtract ./crawler:FuzzFeed ./crawler:FuzzCanonical ./crawler:FuzzParseDate ./classifier:FuzzClassify ./cli:FuzzClassifyStream ./tagger:FuzzTagIn

fuzz:
	@set -e; for t in $(FUZZ); do \
		echo ">> fuzzing $${t#*:} in $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) $${t%%:*}; \
	done

## model: retrain the classifier from the repository's data alone (no
## corrections; the full cross-validated protocol, tens of minutes on two
## cores) and check that it is the shipped model bit for bit
model: build
	@d=$$(mktemp -d) && ./bin/pantau train --data $$d/store --out $$d/pantau.model --force >$$d/REPORT.md && \
		cmp $$d/pantau.model classifier/model/pantau.model && \
		echo "classifier/model/pantau.model reproduced bit for bit (report: $$d/REPORT.md)"

lint: tidy-check
	@fmt=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet ./...

tidy-check:
	@$(GO) mod tidy -diff >/dev/null || { echo "go.mod/go.sum not tidy: run go mod tidy"; $(GO) mod tidy -diff; exit 1; }

clean:
	rm -rf bin
