# Every tool runs through `go run` at the version go.mod pins (see tools.go), so
# a fresh clone needs nothing but Go.
GO        ?= go
GINKGO    := $(GO) run github.com/onsi/ginkgo/v2/ginkgo
REPORTS   ?= reports
ACTIONLINT_VERSION := v1.7.12
GOVULNCHECK_VERSION := v1.9.0
STATICCHECK_VERSION = $(shell $(GO) list -m -f '{{.Version}}' honnef.co/go/tools)
# The main module and the nested ones that keep heavy dependencies away from it.
MODULES   := . contract/lab/bench contract/lab/image contract/release openapi/drift _examples/openai-go
DRIFT     := $(GO) -C openapi/drift
# Upstream documents make spec-fetch downloads; git-ignored.
SPEC_CACHE := .cache/upstream
BENCH     := $(GO) -C contract/lab/bench
IMAGETEST := $(GO) -C contract/lab/image

# What the images say they are: the tag on a release. (The release archives'
# binaries take theirs from GoReleaser: contract/release/goreleaser.yaml.)
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
REVISION   ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE_URL ?= https://github.com/certcontract/certcontract
EMULATOR_PKG      := ./contract/cmd/emulator
EMULATOR_LDFLAGS  := -s -w -X main.version=$(VERSION)
# The contract suite as a command: its test binary is the release binary.
RUNNER_PKG        := ./contract
RUNNER_LDFLAGS    := -s -w -X github.com/certcontract/certcontract/contract/internal/runner.version=$(VERSION)

# GoReleaser at the version the nested module contract/release pins, run from
# the repository root: -modfile takes that module's requirements, so
# GoReleaser's dependencies never enter go.mod.
RELEASE_MODULE := contract/release
# GoReleaser reads the commit, its time and the tags from git, but gives up on
# all of them in a repository without a remote (this one's worktrees have
# none): git is then told the repository's address, for GoReleaser only.
GORELEASER      = $(if $(shell git remote 2>/dev/null),,GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=$(SOURCE_URL)) \
	$(GO) run -modfile=$(RELEASE_MODULE)/go.mod github.com/goreleaser/goreleaser/v2
RELEASE_CONFIG := $(RELEASE_MODULE)/goreleaser.yaml
RELEASE_DIR    := dist/release
# What the snapshot skips: signing needs the release workflow's identity, and
# an SBOM needs syft, which release.yml installs (here: only when on PATH).
RELEASE_SKIP   ?= sign$(if $(shell command -v syft),,$(comma)sbom)
comma := ,
# Empty: every platform of the configuration. RELEASE_PLATFORMS="linux/amd64
# windows/arm64" builds those alone (GoReleaser reads the configuration with
# its platform lines replaced from stdin), for .ci/run's cheaper pass.
RELEASE_PLATFORMS ?=
space := $(subst ,, )
RELEASE_CONFIG_IN = $(if $(RELEASE_PLATFORMS),sed -e '/^    goos: /c\    targets: [$(subst $(space),$(comma) ,$(subst /,_,$(strip $(RELEASE_PLATFORMS))))]' -e '/^    goarch: /d' $(RELEASE_CONFIG) |)
RELEASE_CONFIG_ARG = $(if $(RELEASE_PLATFORMS),-,$(RELEASE_CONFIG))

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
	@echo "  (make test runs $(TEST_PARTS), each a CI job; read the Makefile for each)"

.PHONY: check
check: ## The inner loop: go test -short ./... of the main module, under a minute warm; make test is the full gate.
	$(GO) test -short ./...

.PHONY: generate
generate: ## Regenerate generated/*.gen.go and the emulator's server from openapi/.
	$(GO) generate ./...

.PHONY: generate-check
# generate-check: Regenerate; fail on any changed or new generated file.
generate-check: generate
	@changed=$$(git status --porcelain --untracked-files=all | awk '{print $$NF}' | grep '\.gen\.go$$' || true); \
	if [ -n "$$changed" ]; then \
		git --no-pager diff -- $$changed; \
		echo "stale or new generated files (run 'make generate' and commit them):" >&2; \
		echo "$$changed" >&2; exit 1; \
	fi

.PHONY: tidy-check
# tidy-check: Fail when a go.mod or go.sum is not tidy.
tidy-check:
	@for m in $(MODULES); do (cd $$m && $(GO) mod tidy -diff) || exit 1; done

.PHONY: fmt-check
# fmt-check: Fail when a Go file of any module is not gofmt-formatted.
fmt-check:
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
	$(GO) -C $(RELEASE_MODULE) vet ./...
	$(GO) -C $(RELEASE_MODULE) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
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
	@GO="$(GO)" .ci/unit.sh

# The contract suite's reports; the suite writes every one but junit.xml.
CONTRACT_REPORTS := junit.xml coverage.json coverage.md coverage.txt

.PHONY: contract
contract: ## Contract suite on the in-process emulator, or on CONTRACT_BASE_URL; GINKGO_FLAGS="--focus=..." adds ginkgo flags.
	@rm -f $(addprefix $(REPORTS)/,$(CONTRACT_REPORTS))
	@.ci/contract.sh $(REPORTS) "$(if $(CONTRACT_RECORD),$(abspath $(CONTRACT_RECORD)))" \
		$(GINKGO) -p --randomize-all $(if $(CI),--no-color) --junit-report=junit.xml --output-dir=$(REPORTS) $(GINKGO_FLAGS)

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

.PHONY: fuzz
fuzz: ## Run every fuzz target of every module for FUZZTIME each (default 30s); seeds in testdata/fuzz.
	@GO="$(GO)" FUZZFLAGS="$(FUZZFLAGS)" .ci/fuzz.sh $(FUZZTIME) $(MODULES)

# Each input that widens coverage is minimized before fuzzing goes on, for
# up to a minute by default: a 5 s pass spent it all minimizing its seeds
# (7 inputs tried in 5 s by FuzzRead, 46 by FuzzCertificatePEM). A hundred
# tries each leaves the time to fuzzing; a crasher is still written to
# testdata/fuzz, a little less short.
FUZZFLAGS ?= -fuzzminimizetime 100x

.PHONY: fuzz-short
# fuzz-short: Every fuzz target for 8,000 inputs with one worker (1 to 8 s
# each here): the pass make test and CI run, on one core, so that the tests
# beside it keep the other. A count, not a duration: Go 1.26's coordinator
# can fail a target that found nothing when a duration runs out under load
# ("context deadline exceeded", go.dev/issue/75804, fixed in Go 1.27), and
# a count has no deadline to race.
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=8000x FUZZFLAGS="$(FUZZFLAGS) -parallel 1"

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

load: $(PRISM)/node_modules/.package-lock.json ## Emulator and Prism under wrk on loopback, each between two runs of a ceiling; met/missed per target; then GET /v1/models plain and through the mTLS gate (about 2.5 min; needs wrk and npm).
	@command -v wrk >/dev/null || { echo "make load needs wrk: apt-get install wrk" >&2; exit 2; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GO) build -o "$$tmp/emulator" ./contract/cmd/emulator && \
	$(BENCH) run ./load -emulator "$$tmp/emulator" -prism "$(CURDIR)/$(PRISM)/node_modules/.bin/prism" \
		-spec "$(CURDIR)/openapi/certificates.yaml" $(LOAD_ARGS)

# npm writes this file last; it is newer than the lock file once npm ci has installed it.
$(PRISM)/node_modules/.package-lock.json: $(PRISM)/package-lock.json
	npm ci --prefix $(PRISM) --no-audit --no-fund --loglevel=error

# Thirty short rounds, not ten of a second: these machines' speed drifts
# over seconds (a loop that allocates nothing ran 25% slower from one
# second to the next), so the three clients take turns often and each
# median is taken over the same stretches of time (docs/performance.md).
.PHONY: bench
bench: ## One page of 20 certificates through net/http, our client and openai-go; benchstat table, met/missed per target.
	$(BENCH) test -run '^$$' -bench . -benchmem -count 30 -benchtime 1500x . > contract/lab/bench/bench.out
	$(BENCH) run golang.org/x/perf/cmd/benchstat -col /impl bench.out
	$(BENCH) run ./verdict bench.out

.PHONY: bench-test
# bench-test: Tests of the nested module contract/lab/bench (all three clients decode the same page).
bench-test:
	$(BENCH) test ./...

.PHONY: spec-fetch
# spec-fetch: Download upstream's openapi.yaml [REF=<branch|tag|commit>] [FILE=<path>] into .cache/upstream/; print its path.
spec-fetch:
	@$(DRIFT) run ./cmd/spec-fetch -dir "$(CURDIR)/$(SPEC_CACHE)" $(if $(REF),-ref "$(REF)") $(if $(FILE),-file "$(FILE)")

.PHONY: spec-check
spec-check: ## Compare the fragment with a full upstream document: UPSTREAM=<file> [FORMAT=text|markdown|json].
	@test -n "$(UPSTREAM)" || { echo "usage: make spec-check UPSTREAM=<upstream openapi.yaml> [FORMAT=text|markdown|json]" >&2; echo "(make -s spec-fetch downloads upstream's current document and prints its path)" >&2; exit 2; }
	$(DRIFT) run ./cmd/spec-check -upstream "$(abspath $(UPSTREAM))" -format "$(or $(FORMAT),text)"

.PHONY: api-diff
api-diff: ## Go API changes of generated/ since the latest release tag, or BASE=<rev> [HEAD_REV=<rev>] [FORMAT=markdown] [FAIL=1].
	$(DRIFT) run ./cmd/api-diff $(if $(BASE),-base "$(BASE)") $(if $(HEAD_REV),-head "$(HEAD_REV)") $(if $(FAIL),-fail-on-incompatible) -format "$(or $(FORMAT),text)"

.PHONY: drift-test
# drift-test: Tests of the nested module openapi/drift: spec-check, spec-fetch, api-diff and the regeneration fire drill.
drift-test:
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
		mkdir -p dist/image/mtls; \
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
# image-push: Build from source for IMAGE_PLATFORMS and push IMAGE and CONTRACT_IMAGE with IMAGE_TAGS; IMAGE_METADATA=<dir> keeps their digests (docker buildx; for release.yml).
image-push:
	@test -n "$(IMAGE_TAGS)" || { echo "usage: make image-push IMAGE=<registry/name> IMAGE_TAGS=\"v1.2.3 latest\" [IMAGE_METADATA=<dir>]" >&2; exit 2; }
	docker buildx build -f Containerfile --target image --platform $(IMAGE_PLATFORMS) $(IMAGE_BUILD_ARGS) \
		$(foreach t,$(IMAGE_TAGS),-t $(IMAGE):$(t)) $(if $(IMAGE_METADATA),--metadata-file $(IMAGE_METADATA)/image.json) --push .
	docker buildx build -f Containerfile --target contract-image --platform $(IMAGE_PLATFORMS) $(IMAGE_BUILD_ARGS) \
		$(foreach t,$(IMAGE_TAGS),-t $(CONTRACT_IMAGE):$(t)) $(if $(IMAGE_METADATA),--metadata-file $(IMAGE_METADATA)/contract-image.json) --push .

.PHONY: release-check
release-check: ## GoReleaser offline: check its configuration, build a snapshot of the release into dist/release/, check every artifact [RELEASE_PLATFORMS="linux/amd64 ..."].
	$(GO) -C $(RELEASE_MODULE) test ./...
	$(GORELEASER) check --config $(RELEASE_CONFIG)
	$(RELEASE_CONFIG_IN) $(GORELEASER) release --config $(RELEASE_CONFIG_ARG) --snapshot --clean --skip=$(RELEASE_SKIP)
	$(GO) -C $(RELEASE_MODULE) run ./distcheck -root $(CURDIR) -dist $(RELEASE_DIR) -commit-time $$(git log -1 --format=%ct) \
		$(if $(RELEASE_PLATFORMS),-platforms $(subst $(space),$(comma),$(strip $(RELEASE_PLATFORMS))))
	cat $(RELEASE_DIR)/SHA256SUMS

.PHONY: release
# release: Build, sign and upload the release of the tag at HEAD to a draft GitHub release (release.yml runs it; needs GITHUB_TOKEN, cosign, syft).
release:
	$(GORELEASER) release --config $(RELEASE_CONFIG) --clean
	$(GO) -C $(RELEASE_MODULE) run ./distcheck -root $(CURDIR) -dist $(RELEASE_DIR) -commit-time $$(git log -1 --format=%ct)

TEST_PARTS := generate-check unit drift-test lint contract fuzz-short bench-test tidy-check fmt-check

# make test runs its targets two at a time (the cores CI has), each one's
# output printed whole when it ends; generate-check first, alone, since it
# rewrites files the others compile. The longest (unit, then the fire
# drill's drift-test) start first, and the short ones fill in beside them.
ifneq ($(filter test,$(MAKECMDGOALS)),)
MAKEFLAGS += -j2 --output-sync=target
$(filter-out generate-check,$(TEST_PARTS)): | generate-check
endif

.PHONY: test
test: $(TEST_PARTS) ## Everything: generation check, formatting, lint, every test and a short pass of every fuzz target.
