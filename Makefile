# hw1 Makefile. "make run" reproduces the whole report with the quick profile on the
# embedded digits; "make test" runs every test. Both install what they need first.

SHELL := /bin/bash
GO ?= go
OUT ?= results
PROFILE ?= quick
HW1 := bin/hw1
# PROBLEMS is records.Problems, in order ("bin/hw1 list --names"); TestProblemLists
# fails when the two disagree.
PROBLEMS := 1-1 1-2 2-1 2-2 3-1 3-2 3-3

# .deps/tf.env is written by scripts/install-libtensorflow.sh: CGO flags and rpath.
-include .deps/tf.env

.PHONY: all setup deps build test test-deps test-short check-gpu run readme readme-full full bench bench-go faults faults-under-load soak problems clean $(PROBLEMS)

all: build

.deps/tf.env: scripts/install-libtensorflow.sh
	bash scripts/install-libtensorflow.sh

# deps installs libtensorflow (or finds the system one) and the Go modules.
deps: .deps/tf.env
	$(GO) mod download

# setup also installs the optional system packages (Fashion-MNIST from Debian).
setup: deps
	bash scripts/setup-system.sh

build: deps
	@$(MAKE) --no-print-directory $(HW1)

$(HW1): .deps/tf.env $(shell find . -name '*.go' -not -path './.deps/*' 2>/dev/null) go.mod go.sum
	$(GO) build -o $(HW1) .

# test-deps installs what the tests need beyond Go (chromium, pandas, Fashion-MNIST,
# Slurm and munge);
# it fails when an install fails, since under CI=true a missing dependency fails its test.
test-deps:
	bash scripts/install-test-deps.sh

# test runs every test; test-short the fast tier (go test -short: every problem on tiny
# settings, no long fault runs), within 90 s on a 2-core machine.
# TEST_TIMEOUT is go test's limit per package, a guard against a hung test: the slowest
# package (problems) takes about 7 minutes on 2 quiet cores and twice that beside a
# process that keeps both cores busy.
TEST_TIMEOUT ?= 30m

test: deps test-deps
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) test -count=1 ./plots/... ./problems/records/... ./problems/data/... ./problems/analysis/...
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

test-short: deps
	$(GO) test -short -count=1 ./...

# check-gpu builds bin/hw1-gpu against the GPU build of libtensorflow, unpacked with its
# CUDA libraries into .deps/libtensorflow-gpu (about 2.3 GB of wheels), and checks it
# (scripts/check-gpu.sh; --on-gpu for a machine with a GPU). The CPU build is untouched.
check-gpu:
	bash scripts/check-gpu.sh $(CHECK_GPU_FLAGS)

run: build
	$(HW1) all --profile $(PROFILE) --out $(OUT)
	$(HW1) version

# readme rewrites the README's findings from the summaries of the runs in $(OUT).
readme: build
	$(HW1) readme --out $(OUT)

# readme-full rewrites the README's full-profile findings from the runs in results-full.
readme-full: build
	$(HW1) readme --out results-full --block findings-full

full:
	@$(MAKE) --no-print-directory run PROFILE=full OUT=results-full

# SET holds --set values for the problem targets, each KEY=VALUE, e.g.
# SET="1-2.epochs=1 3-3.alphas=11"; a key qualified with another problem is ignored.
SET ?=
SETFLAGS := $(foreach s,$(SET),--set $(s))

$(PROBLEMS): build
	$(HW1) run $@ --profile $(PROFILE) --out $(OUT) $(SETFLAGS)

# problems runs the seven problem targets into one $(OUT), all at once under make -j,
# and then writes the report of all seven.
problems: $(PROBLEMS)
	$(HW1) report --out $(OUT)

# bench compares hw1's engine with Keras, PyTorch and JAX on the same workloads,
# traces hw1's CNN step, and rewrites BENCHMARKS.md (scripts/bench.sh: sets up the
# peers, waits a bounded time for a quiet machine, alternates the implementations run
# by run over several rounds; BENCH_ROUNDS, BENCH_SCALE, BENCH_IMPLS and the others
# are listed there). bench-go runs only the engine's own Go benchmarks.
bench: build
	bash scripts/bench.sh

bench-go: deps
	$(GO) test -run '^$$' -bench . -benchtime 3s ./tfgraph/

# faults runs the fault suite against the real binary and rewrites docs/faults.md.
faults: deps
	set -o pipefail; HW1_FAULTS_DOC=$(CURDIR)/docs/faults.md $(GO) test -count=1 -timeout 60m -run 'Fault|ZZWriteFaultsDoc' -v . | grep -E '^(---|ok|FAIL)'

# faults-under-load runs the fault suite FAULT_RUNS times in a row while stress-ng keeps
# every core busy (scripts/faults-under-load.sh).
FAULT_RUNS ?= 20
faults-under-load: deps
	bash scripts/faults-under-load.sh $(FAULT_RUNS)

# soak kills a short 1-1 run with SIGKILL at SOAK_KILLS moments spread over it and
# checks records, manifest, hw1 plot and --resume after each (scripts/soak.sh); it
# writes the counts into docs/faults.md. make test runs the same check with 10 kills.
SOAK_KILLS ?= 100
SOAK_EPOCHS ?= 150
soak: deps
	bash scripts/soak.sh $(SOAK_KILLS) $(SOAK_EPOCHS)

clean:
	rm -rf bin $(OUT) results-full
