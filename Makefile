# Every tool runs through `go run` at the version go.mod pins (see tools.go), so
# a fresh clone needs nothing but Go.
GO        ?= go
GINKGO    := $(GO) run github.com/onsi/ginkgo/v2/ginkgo
REPORTS   ?= reports
ACTIONLINT_VERSION := v1.7.12
GOVULNCHECK_VERSION := v1.9.0
STATICCHECK_VERSION = $(shell $(GO) list -m -f '{{.Version}}' honnef.co/go/tools)
# The main module and the nested ones that keep heavy dependencies away from it.
MODULES   := . contract/lab/bench contract/lab/image openapi/drift
DRIFT     := $(GO) -C openapi/drift
# Upstream documents make spec-fetch downloads; git-ignored.
SPEC_CACHE := .cache/upstream
BENCH     := $(GO) -C contract/lab/bench
IMAGETEST := $(GO) -C contract/lab/image

# What release binaries and the image say they are: the tag on a release.
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
REVISION   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_URL ?= https://github.com/certcontract/certcontract
# Archive timestamps: the commit's, so that a release rebuilt from the same
# tag has the same checksums.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
EMULATOR_PKG      := ./contract/cmd/emulator
EMULATOR_LDFLAGS  := -s -w -X main.version=$(VERSION)
RELEASE_DIR       := dist/release
# The contract suite as a command: its test binary is the release binary.
RUNNER_PKG        := ./contract
RUNNER_LDFLAGS    := -s -w -X github.com/certcontract/certcontract/contract/internal/runner.version=$(VERSION)
RELEASE_PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64

IMAGE           ?= certcontract-emulator
# certcontract-contract's image, beside the emulator's: the same name with
# contract for emulator.
CONTRACT_IMAGE  ?= $(IMAGE:emulator=contract)
IMAGE_TAG       ?= $(VERSION)
IMAGE_BUILD     ?= auto
IMAGE_PLATFORMS ?= linux/amd64,linux/arm64
GO_IMAGE_VERSION := $(shell sed -n 's/^ARG GO_VERSION=//p' Containerfile)
GO_IMAGE         := docker.io/library/golang:$(GO_IMAGE_VERSION)
# docker when its daemon answers, else podman; found once, when first used.
CONTAINER_ENGINE ?= $(eval CONTAINER_ENGINE := $(shell if docker info >/dev/null 2>&1; then echo docker; elif command -v podman >/dev/null 2>&1; then echo podman; fi))$(CONTAINER_ENGINE)
IMAGE_BUILD_ARGS = --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) --build-arg SOURCE=$(SOURCE_URL)
# podman writes OCI images by default, which have no HEALTHCHECK; up to 4.x
# it neither sets the target platform's arguments by itself nor lets a new
# --build-arg value invalidate its cached LABEL step (image-test caught an old
# version label), and the from-binary build has nothing worth caching.
PODMAN_BUILD_ARGS = --format docker --no-cache --build-arg TARGETOS=linux --build-arg TARGETARCH=$$($(GO) env GOARCH)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-15s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: check
check: ## The inner loop: go test -short ./... of the main module, under a minute warm; make test is the full gate.
	$(GO) test -short ./...

.PHONY: generate
generate: ## Regenerate generated/*.gen.go and the emulator's server from openapi/.
	$(GO) generate ./...

.PHONY: generate-check
generate-check: generate ## Regenerate; fail on any changed or new generated file.
	@changed=$$(git status --porcelain --untracked-files=all | awk '{print $$NF}' | grep '\.gen\.go$$' || true); \
	if [ -n "$$changed" ]; then \
		git --no-pager diff -- $$changed; \
		echo "stale or new generated files (run 'make generate' and commit them):" >&2; \
		echo "$$changed" >&2; exit 1; \
	fi

.PHONY: tidy-check
tidy-check: ## Fail when a go.mod or go.sum is not tidy.
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy -diff) || exit 1; done

.PHONY: fmt-check
fmt-check: ## Fail when a Go file of any module is not gofmt-formatted.
	@# The toolchain's own gofmt, and no npm package's files.
	@files=$$(find . -name '*.go' -not -path '*/node_modules/*' -not -path './.git/*'); \
	bad=$$("$$($(GO) env GOROOT)/bin/gofmt" -l $$files); \
	if [ -n "$$bad" ]; then echo "not gofmt-formatted (run gofmt -w on them):" >&2; echo "$$bad" >&2; exit 1; fi

.PHONY: lint
lint: ## go vet and staticcheck over every module, actionlint over the workflows.
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck ./...
	@# The nested modules do not pin staticcheck; they run the main module's version.
	$(DRIFT) vet ./...
	$(DRIFT) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	$(BENCH) vet ./...
	$(BENCH) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	$(IMAGETEST) vet ./...
	$(IMAGETEST) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	$(GO) run github.com/rhysd/actionlint/cmd/actionlint@$(ACTIONLINT_VERSION)

.PHONY: vulncheck
vulncheck: ## govulncheck over every module (needs the Go vulnerability database online; CI runs it, make test does not).
	@for m in $(MODULES); do echo "govulncheck: $$m"; $(GO) -C $$m run golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) ./... || exit 1; done

.PHONY: unit
unit: ## Unit tests of the main module with the race detector (needs cgo and a C compiler).
	@# go turns cgo off when it finds no C compiler, and -race then fails with
	@# a message that does not say why.
	@cc=$$($(GO) env CC); if [ "$$($(GO) env CGO_ENABLED)" != 1 ] || ! command -v "$${cc%% *}" >/dev/null; then \
		echo "make unit: the race detector needs cgo and a C compiler (go env CC: $$cc, CGO_ENABLED: $$($(GO) env CGO_ENABLED))." >&2; \
		echo "Install a C compiler (on Debian: apt-get install gcc) or set CC to one, and leave CGO_ENABLED unset." >&2; \
		exit 1; \
	fi
	@# -count=1: teeth, the README and shared-check tests run the suite or the
	@# emulator as separate processes, whose inputs go's test cache does not
	@# see; a cached pass would hide a spec that stopped catching its mutation.
	@# Those tests share one build of each (contract/internal/prebuilt).
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) test -c -o "$$tmp/contract.test" ./contract && $(GO) build -o "$$tmp/emulator" ./contract/cmd/emulator && \
	echo '$(GO) test -race -count=1 ./...' && \
	CERTCONTRACT_SUITE_TEST="$$tmp/contract.test" CERTCONTRACT_EMULATOR_BIN="$$tmp/emulator" $(GO) test -race -count=1 ./...

# The contract suite's reports; the suite writes every one but junit.xml.
CONTRACT_REPORTS := junit.xml coverage.json coverage.md coverage.txt

.PHONY: contract
contract: ## Contract suite on the in-process emulator, or on CONTRACT_BASE_URL; GINKGO_FLAGS="--focus=..." adds ginkgo flags.
	@rm -f $(addprefix $(REPORTS)/,$(CONTRACT_REPORTS))
	@# The trap lets ginkgo finish its cleanup after a Ctrl-C; the coverage
	@# table and the reports are printed, and ginkgo's status kept, either way.
	@trap : INT; status=0; \
	echo '$(GINKGO) -p --randomize-all $(if $(CI),--no-color) --junit-report=junit.xml --output-dir=$(REPORTS) $(GINKGO_FLAGS) ./contract'; \
	$(if $(CONTRACT_RECORD),mkdir -p "$(dir $(abspath $(CONTRACT_RECORD)))"; CONTRACT_RECORD="$(abspath $(CONTRACT_RECORD))") $(GINKGO) -p --randomize-all $(if $(CI),--no-color) --junit-report=junit.xml --output-dir=$(REPORTS) $(GINKGO_FLAGS) ./contract || status=$$?; \
	if [ -f $(REPORTS)/coverage.txt ]; then echo; cat $(REPORTS)/coverage.txt; fi; \
	echo; echo "Reports:"; \
	for f in $(CONTRACT_REPORTS); do if [ -f $(REPORTS)/$$f ]; then echo "  $(REPORTS)/$$f"; fi; done; \
	$(if $(CONTRACT_RECORD),if [ -f "$(abspath $(CONTRACT_RECORD))" ]; then echo "  $(CONTRACT_RECORD) (the recording: make replay HAR=$(CONTRACT_RECORD))"; fi;) \
	exit $$status

# What make contract-shared makes the emulator look like: a busy organization
# others use too, slow and rate-limited at times.
SHARED_EMULATOR_ARGS ?= -quiet -foreign 12 -actor-rate 5 -actor-slots 3 -fault-latency 20ms -fault-rate 0.03 -fault-statuses 429 -fault-retry-after 1

.PHONY: contract-shared
contract-shared: ## The suite against a standalone emulator shaped like a shared, busy organization; fails if it changed others' certificates or left its own.
	@dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	$(GO) build -o "$$dir/emulator" ./contract/cmd/emulator && \
	$(GO) run ./contract/cmd/shared-check -suite '$(MAKE) --no-print-directory contract' -- "$$dir/emulator" $(SHARED_EMULATOR_ARGS)

.PHONY: teeth
teeth: ## Prove the contract suite catches each deliberately wrong emulator behaviour.
	$(GO) test -count=1 -v -run TestEveryMutationIsCaught ./contract/lab/teeth

.PHONY: replay
replay: ## Replay a recording (CONTRACT_RECORD's file): HAR=<file> [TARGET=<base url>] [FORMAT=text|markdown|json]; fails on a divergence.
	@test -n "$(HAR)" || { echo "usage: make replay HAR=<recording.har> [TARGET=<base url>] [FORMAT=text|markdown|json]" >&2; exit 2; }
	$(GO) run ./contract/cmd/replay -har "$(abspath $(HAR))" $(if $(TARGET),-target "$(TARGET)") -format "$(or $(FORMAT),text)"

# How long make fuzz runs each fuzz target.
FUZZTIME ?= 30s

# fuzz-targets prints "<module dir> <package> <target>" for every Fuzz
# function in every module, read from the test files (go test -list would
# link a test binary per package only to name them).
define fuzz-targets
for m in $(MODULES); do \
	$(GO) -C $$m list -f '{{.ImportPath}} {{.Dir}} {{join .TestGoFiles " "}} {{join .XTestGoFiles " "}}' ./... | \
	while read -r pkg dir files; do \
		[ -n "$$files" ] || continue; \
		(cd "$$dir" && sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*\*testing\.F).*/\1/p' $$files) | sed "s|^|$$m $$pkg |"; \
	done; \
done
endef

.PHONY: fuzz
fuzz: ## Run every fuzz target of every module for FUZZTIME each (default 30s); seeds in testdata/fuzz.
	@targets=$$($(fuzz-targets)) || exit 1; \
	[ -n "$$targets" ] || { echo "no fuzz targets found" >&2; exit 1; }; \
	echo "$$targets" | while read -r m pkg target; do \
		echo "--- $$target in $$pkg for $(FUZZTIME)"; \
		$(GO) -C $$m test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) "$$pkg" || exit 1; \
	done

.PHONY: fuzz-short
fuzz-short: ## Every fuzz target for 5 s: the pass make test and CI run.
	@$(MAKE) --no-print-directory fuzz FUZZTIME=5s

.PHONY: emulator
emulator: ## Serve the emulator on 127.0.0.1:8080 until Ctrl-C; ARGS="-fault-rate 0.1 ..." for flags.
	$(GO) run ./contract/cmd/emulator $(ARGS)

.PHONY: emulator-bench
emulator-bench: ## Benchmark the emulator's request path: a list page of 20, a page of 1, an activate.
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./contract/emulator

# What make profile profiles: <package dir>:<benchmark>.
PROFILES := contract/emulator:BenchmarkListPage contract/emulator:BenchmarkListPageOfOne \
	contract/emulator:BenchmarkActivate generated:BenchmarkDecodePage
PROFILE_BENCHTIME ?= 3s

.PHONY: profile
profile: ## CPU and allocation profiles of a list page of 20, a page of 1, an activate and the client decoding a page; top entries printed, pprof files in reports/profiles/.
	@mkdir -p $(REPORTS)/profiles && set -e; for p in $(PROFILES); do \
		dir=$${p%%:*}; bench=$${p#*:}; out=$(REPORTS)/profiles/$$bench; \
		$(GO) test -c -o $$out.test ./$$dir; \
		echo "=== $$bench ($$dir), load average $$(cut -d' ' -f1-3 /proc/loadavg)"; \
		$$out.test -test.run '^$$' -test.bench "^$$bench\$$" -test.benchmem -test.benchtime $(PROFILE_BENCHTIME) -test.cpuprofile $$out.cpu.pprof | grep '^Benchmark'; \
		$(GO) tool pprof -top -cum -nodecount 25 $$out.test $$out.cpu.pprof 2>/dev/null | sed -n '/flat%/,$$p'; \
		$$out.test -test.run '^$$' -test.bench "^$$bench\$$" -test.benchtime 2000x -test.memprofilerate 1 -test.memprofile $$out.mem.pprof >/dev/null; \
		echo "--- allocations (objects, 2000 requests, the request path only)"; \
		$(GO) tool pprof -sample_index alloc_objects -focus 'benchmarkRequest|AdminClient' -top -nodecount 15 $$out.test $$out.mem.pprof 2>/dev/null | sed -n '/flat%/,$$p'; \
	done

.PHONY: load
PRISM := contract/lab/bench/_prism

load: $(PRISM)/node_modules/.package-lock.json ## Emulator and Prism under wrk on loopback, each between two runs of a ceiling; met/missed per target (about 2.5 min; needs wrk and npm).
	@command -v wrk >/dev/null || { echo "make load needs wrk: apt-get install wrk" >&2; exit 2; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) build -o "$$tmp/emulator" ./contract/cmd/emulator && \
	$(BENCH) run ./load -emulator "$$tmp/emulator" -prism "$(CURDIR)/$(PRISM)/node_modules/.bin/prism" \
		-spec "$(CURDIR)/openapi/certificates.yaml" $(LOAD_ARGS)

# npm writes this file last; it is newer than the lock file once npm ci has installed it.
$(PRISM)/node_modules/.package-lock.json: $(PRISM)/package-lock.json
	npm ci --prefix $(PRISM) --no-audit --no-fund --loglevel=error

.PHONY: bench
bench: ## One page of 20 certificates through net/http, our client and openai-go; benchstat table, met/missed per target.
	$(BENCH) test -run '^$$' -bench . -benchmem -count 10 . > contract/lab/bench/bench.out
	$(BENCH) run golang.org/x/perf/cmd/benchstat -col /impl bench.out
	$(BENCH) run ./verdict bench.out

.PHONY: bench-test
bench-test: ## Tests of the nested module contract/lab/bench (all three clients decode the same page).
	$(BENCH) test ./...

.PHONY: spec-fetch
spec-fetch: ## Download upstream's openapi.yaml [REF=<branch|tag|commit>] [FILE=<path>] into .cache/upstream/; print its path.
	@$(DRIFT) run ./cmd/spec-fetch -dir "$(CURDIR)/$(SPEC_CACHE)" $(if $(REF),-ref "$(REF)") $(if $(FILE),-file "$(FILE)")

.PHONY: spec-check
spec-check: ## Compare the fragment with a full upstream document: UPSTREAM=<file> [FORMAT=text|markdown|json].
	@test -n "$(UPSTREAM)" || { echo "usage: make spec-check UPSTREAM=<upstream openapi.yaml> [FORMAT=text|markdown|json]" >&2; echo "(make -s spec-fetch downloads upstream's current document and prints its path)" >&2; exit 2; }
	$(DRIFT) run ./cmd/spec-check -upstream "$(abspath $(UPSTREAM))" -format "$(or $(FORMAT),text)"

.PHONY: api-diff
api-diff: ## Go API changes of generated/ since BASE=<rev> [HEAD_REV=<rev>] [FORMAT=markdown] [FAIL=1].
	@test -n "$(BASE)" || { echo "usage: make api-diff BASE=<git revision> [HEAD_REV=<rev>] [FORMAT=text|markdown] [FAIL=1]" >&2; exit 2; }
	$(DRIFT) run ./cmd/api-diff -base "$(BASE)" $(if $(HEAD_REV),-head "$(HEAD_REV)") $(if $(FAIL),-fail-on-incompatible) -format "$(or $(FORMAT),text)"

.PHONY: drift-test
drift-test: ## Tests of the nested module openapi/drift: spec-check, spec-fetch, api-diff and the regeneration fire drill.
	$(DRIFT) test ./...

.PHONY: image
image: ## Build the emulator's container image and certcontract-contract's with docker or podman (IMAGE, CONTRACT_IMAGE, IMAGE_TAG; IMAGE_BUILD=auto|source|binary).
	@test -n "$(CONTAINER_ENGINE)" || { echo "make image needs docker (with its daemon running) or podman" >&2; exit 2; }
	@set -e; build=$(IMAGE_BUILD); \
	if [ "$$build" = auto ]; then \
		if $(CONTAINER_ENGINE) image inspect $(GO_IMAGE) >/dev/null 2>&1 || $(CONTAINER_ENGINE) pull -q $(GO_IMAGE) >/dev/null 2>&1; then \
			build=source; \
		else \
			build=binary; \
			echo "$(GO_IMAGE) cannot be pulled here: the binary is built with Go $(GO_IMAGE_VERSION) outside and copied into the runtime stage"; \
		fi; \
	fi; \
	case "$$build" in \
	source) target=image contract=contract-image ;; \
	binary) target=from-binary contract=contract-from-binary; \
		echo "GOTOOLCHAIN=go$(GO_IMAGE_VERSION) GOOS=linux go build -o dist/image/emulator $(EMULATOR_PKG)"; \
		GOTOOLCHAIN=go$(GO_IMAGE_VERSION) CGO_ENABLED=0 GOOS=linux GOARCH=$$($(GO) env GOARCH) \
			$(GO) build -trimpath -ldflags "$(EMULATOR_LDFLAGS)" -o dist/image/emulator $(EMULATOR_PKG); \
		echo "GOTOOLCHAIN=go$(GO_IMAGE_VERSION) GOOS=linux go test -c -o dist/image/certcontract-contract.test $(RUNNER_PKG)"; \
		mkdir -p dist/image/reports; \
		GOTOOLCHAIN=go$(GO_IMAGE_VERSION) CGO_ENABLED=0 GOOS=linux GOARCH=$$($(GO) env GOARCH) \
			$(GO) test -c -trimpath -ldflags "$(RUNNER_LDFLAGS)" -o dist/image/certcontract-contract.test $(RUNNER_PKG) ;; \
	*) echo "IMAGE_BUILD=$$build: want auto, source or binary" >&2; exit 2 ;; \
	esac; \
	echo "$(CONTAINER_ENGINE) build --target $$target -t $(IMAGE):$(IMAGE_TAG)"; \
	$(CONTAINER_ENGINE) build -q -f Containerfile --target $$target $(if $(filter podman,$(CONTAINER_ENGINE)),$(PODMAN_BUILD_ARGS)) \
		$(IMAGE_BUILD_ARGS) -t $(IMAGE):$(IMAGE_TAG) .; \
	echo "$(CONTAINER_ENGINE) build --target $$contract -t $(CONTRACT_IMAGE):$(IMAGE_TAG)"; \
	$(CONTAINER_ENGINE) build -q -f Containerfile --target $$contract $(if $(filter podman,$(CONTAINER_ENGINE)),$(PODMAN_BUILD_ARGS)) \
		$(IMAGE_BUILD_ARGS) -t $(CONTRACT_IMAGE):$(IMAGE_TAG) .

.PHONY: image-test
image-test: image ## Take the image apart: its config and size, then its binary on loopback through a smoke test.
	CERTCONTRACT_IMAGE=$(IMAGE):$(IMAGE_TAG) CERTCONTRACT_CONTRACT_IMAGE=$(CONTRACT_IMAGE):$(IMAGE_TAG) CERTCONTRACT_IMAGE_ENGINE=$(CONTAINER_ENGINE) \
	CERTCONTRACT_IMAGE_VERSION=$(VERSION) CERTCONTRACT_IMAGE_SOURCE=$(SOURCE_URL) \
		$(IMAGETEST) test -count=1 -v ./...

.PHONY: image-push
image-push: ## Build from source for IMAGE_PLATFORMS and push IMAGE and CONTRACT_IMAGE with IMAGE_TAGS (docker buildx; for release.yml).
	@test -n "$(IMAGE_TAGS)" || { echo "usage: make image-push IMAGE=<registry/name> IMAGE_TAGS=\"v1.2.3 latest\"" >&2; exit 2; }
	docker buildx build -f Containerfile --target image --platform $(IMAGE_PLATFORMS) $(IMAGE_BUILD_ARGS) \
		$(foreach t,$(IMAGE_TAGS),-t $(IMAGE):$(t)) --push .
	docker buildx build -f Containerfile --target contract-image --platform $(IMAGE_PLATFORMS) $(IMAGE_BUILD_ARGS) \
		$(foreach t,$(IMAGE_TAGS),-t $(CONTRACT_IMAGE):$(t)) --push .

# release-archive puts $$dir/$$exe, stamped with the commit's time, into
# $$name.zip (windows) or $$name.tar.gz in RELEASE_DIR.
define release-archive
touch -d @$(SOURCE_DATE_EPOCH) $$dir/$$exe; \
if [ $$os = windows ]; then \
	(cd $$dir && zip -qX ../$$name.zip $$exe); \
else \
	tar -C $$dir --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$(SOURCE_DATE_EPOCH) -cf - $$exe | gzip -n > $(RELEASE_DIR)/$$name.tar.gz; \
fi
endef

.PHONY: release-check
release-check: ## Cross-compile the emulator and certcontract-contract for six platforms with VERSION; archives and SHA256SUMS in dist/release/.
	@rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)
	@set -e; for p in $(RELEASE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; exe=certcontract-emulator; [ $$os = windows ] && exe=$$exe.exe; \
		name=certcontract-emulator_$(VERSION)_$${os}_$${arch}; dir=$(RELEASE_DIR)/$$name; \
		echo "$$os/$$arch"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(EMULATOR_LDFLAGS)" -o $$dir/$$exe $(EMULATOR_PKG); \
		$(GO) version -m $$dir/$$exe | grep -q "GOOS=$$os" || { echo "$$dir/$$exe is not for $$os" >&2; exit 1; }; \
		$(release-archive); \
	done
	@# certcontract-contract, the contract suite as a command: the suite's
	@# test binary (contract/internal/runner says why), for the same platforms.
	@set -e; for p in $(RELEASE_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; exe=certcontract-contract; [ $$os = windows ] && exe=$$exe.exe; \
		name=certcontract-contract_$(VERSION)_$${os}_$${arch}; dir=$(RELEASE_DIR)/$$name; \
		echo "$$os/$$arch: certcontract-contract"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) test -c -trimpath -ldflags "$(RUNNER_LDFLAGS)" -o $$dir/$$exe $(RUNNER_PKG); \
		$(release-archive); \
	done
	@# The -X path is checked by running the binary this machine can run: a wrong one is silently ignored.
	@host=$(RELEASE_DIR)/certcontract-emulator_$(VERSION)_$$($(GO) env GOOS)_$$($(GO) env GOARCH)/certcontract-emulator; \
	out=$$($$host -version); echo "$$out"; \
	case "$$out" in "emulator $(VERSION) "*) ;; *) echo "$$host does not report version $(VERSION)" >&2; exit 1 ;; esac
	@host=$(RELEASE_DIR)/certcontract-contract_$(VERSION)_$$($(GO) env GOOS)_$$($(GO) env GOARCH)/certcontract-contract; \
	out=$$($$host -version); echo "$$out"; \
	case "$$out" in "certcontract-contract $(VERSION) "*) ;; *) echo "$$host does not report version $(VERSION)" >&2; exit 1 ;; esac
	cd $(RELEASE_DIR) && sha256sum *.tar.gz *.zip > SHA256SUMS && sha256sum --quiet -c SHA256SUMS && cat SHA256SUMS

# make test runs its targets two at a time (the cores CI has), each one's
# output printed whole when it ends; generate-check first, alone, since it
# rewrites files the others compile.
ifneq ($(filter test,$(MAKECMDGOALS)),)
MAKEFLAGS += -j2 --output-sync=target
tidy-check fmt-check lint unit contract drift-test bench-test fuzz-short: | generate-check
endif

.PHONY: test
test: generate-check tidy-check fmt-check lint unit contract drift-test bench-test fuzz-short ## Everything: generation check, formatting, lint, every test and a short pass of every fuzz target.
