#!/usr/bin/env bash
# bench.sh benchmarks hw1's engine against Keras, PyTorch and JAX and writes BENCHMARKS.md.
#
# It trains the same models on the same data with the same batch size, thread count
# and number of steps in four implementations, alternating them run by run:
#   1. hw1's engine (BenchmarkCompare in tfgraph/bench_compare_test.go);
#   2. Keras on the same TensorFlow (tensorflow-cpu 2.15.1 in the bench venv), model.fit;
#   3. PyTorch on the CPU (Debian's python3-torch, with OpenBLAS);
#   4. JAX on the CPU (the newest jax[cpu] from PyPI in a venv of its own), jit-compiled
#      steps.
# See scripts/bench/run.py for the rounds and the report.
#
# Set-up (idempotent): creates the virtual environments (pip install --find-links
# .deps/wheels tensorflow-cpu==2.15.1; pip install jax[cpu] in a second one, because
# current jaxlib needs an ml-dtypes that TensorFlow 2.15 refuses), apt-installs
# python3-torch and libopenblas0-pthread when missing, compiles the tfgraph test binary
# and the trace shim (scripts/bench/trace_shim.c, with cc).
#
# Environment:
#   BENCH_ROUNDS=5        rounds (each runs every workload in every implementation)
#   BENCH_THREADS=2       intra-op threads of all three
#   BENCH_SCALE=1         multiplies the units of work per run
#   BENCH_WORKLOADS=...   comma-separated subset of tiny,cnn,dnn,hessian,jacobian,matmul,
#                         lanczos,surface (these two: hw1 against PyTorch only)
#   BENCH_IMPLS=...       comma-separated subset of hw1,hw1-auto,hw1-eigen,keras,
#                         keras-onednn,torch,jax,jax-scan
#   BENCH_WAIT_LOAD=1.5   wait until the 1-minute load average is below this ...
#   BENCH_WAIT_MAX=300    ... for at most this many seconds (then run, and say in the
#                         output and the report that the machine was busy); the same
#                         budget again, for the whole run, for waiting before each run
#                         until other processes use less than BENCH_QUIET_CORES=0.3
#                         cores and for running again the runs they disturbed
#   BENCH_VENV=.deps/bench-venv          the Python environment of Keras
#   BENCH_JAX_VENV=.deps/bench-jax-venv  the Python environment of JAX
#   BENCH_TRACE=1         also trace hw1's CNN step (scripts/bench/trace_cnn.py) and
#                         put the per-op breakdown into the report
#   BENCH_WORK=.deps/bench        the test binary and the raw results (results.jsonl)
#   BENCH_OUT=BENCHMARKS.md
#   BENCH_REPORT_ONLY=1   rewrite the report from the last results without running
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
deps="$root/.deps"
venv="${BENCH_VENV:-$deps/bench-venv}"
jvenv="${BENCH_JAX_VENV:-$deps/bench-jax-venv}"
work="${BENCH_WORK:-$deps/bench}"
mkdir -p "$work"
say() { echo "bench: $*" >&2; }

# The TensorFlow C library and the cgo flags, as the Makefile sets them.
if [[ ! -f "$deps/tf.env" ]]; then
	bash scripts/install-libtensorflow.sh
fi
if [[ -z "${CGO_LDFLAGS:-}" ]]; then
	eval "$(sed -n 's/^export \([A-Z_]*\) := \(.*\)/export \1="\2"/p' "$deps/tf.env")"
fi

# The system Python: Debian's python3-torch installs for /usr/bin/python3.
syspy=/usr/bin/python3
if [[ ${BENCH_REPORT_ONLY:-0} != 1 ]]; then
	apt_pkgs=()
	"$syspy" -c 'import torch' 2>/dev/null || apt_pkgs+=(python3-torch)
	dpkg -s libopenblas0-pthread >/dev/null 2>&1 || apt_pkgs+=(libopenblas0-pthread)
	"$syspy" -c 'import venv, ensurepip' 2>/dev/null || apt_pkgs+=(python3-venv)
	if ((${#apt_pkgs[@]})); then
		say "installing ${apt_pkgs[*]}"
		sudo=""
		[[ $(id -u) == 0 ]] || sudo=sudo
		export DEBIAN_FRONTEND=noninteractive
		$sudo apt-get install -y -q "${apt_pkgs[@]}" >&2 || {
			$sudo apt-get update -q >&2
			$sudo apt-get install -y -q "${apt_pkgs[@]}" >&2
		}
	fi

	if ! "$venv/bin/python" -c 'import tensorflow' 2>/dev/null; then
		say "creating $venv with tensorflow-cpu 2.15.1"
		rm -rf "$venv"
		"$syspy" -m venv "$venv"
		links=()
		[[ -d "$deps/wheels" ]] && links=(--find-links "$deps/wheels")
		"$venv/bin/pip" install -q "${links[@]}" tensorflow-cpu==2.15.1 >&2
	fi
	if ! "$jvenv/bin/python" -c 'import jax' 2>/dev/null; then
		say "creating $jvenv with jax[cpu]"
		rm -rf "$jvenv"
		"$syspy" -m venv "$jvenv"
		"$jvenv/bin/pip" install -q 'jax[cpu]' >&2
	fi

	say "compiling the tfgraph benchmarks"
	go test -c -o "$work/tfgraph.test" ./tfgraph/
	if [[ ${BENCH_TRACE:-1} == 1 ]]; then
		# shellcheck disable=SC2086 # the cgo flags are word lists
		cc -shared -fPIC -O2 -o "$work/trace_shim.so" scripts/bench/trace_shim.c $CGO_CFLAGS $CGO_LDFLAGS -ldl
	fi
fi

hw1=bin/hw1
[[ -x $hw1 ]] || { go build -o "$work/hw1" . && hw1=$work/hw1; }
hw1_version="TensorFlow $("$hw1" version 2>/dev/null | sed -n 's/^TensorFlow //p') C library ($(sed -n 's/^HW1_LIBTENSORFLOW := //p' "$deps/tf.env")), $(go version | cut -d' ' -f3)"

args=(
	--hw1-test "$work/tfgraph.test"
	--keras-python "$venv/bin/python"
	--jax-python "$jvenv/bin/python"
	--torch-python "$syspy"
	--threads "${BENCH_THREADS:-2}"
	--rounds "${BENCH_ROUNDS:-5}"
	--scale "${BENCH_SCALE:-1}"
	--wait-load "${BENCH_WAIT_LOAD:-1.5}"
	--wait-max "${BENCH_WAIT_MAX:-300}"
	--quiet-cores "${BENCH_QUIET_CORES:-0.3}"
	--results "$work/results.jsonl"
	--out "${BENCH_OUT:-$root/BENCHMARKS.md}"
	--hw1-version "$hw1_version"
)
[[ -n ${BENCH_WORKLOADS:-} ]] && args+=(--workloads "$BENCH_WORKLOADS")
[[ -n ${BENCH_IMPLS:-} ]] && args+=(--impls "$BENCH_IMPLS")
[[ ${BENCH_REPORT_ONLY:-0} == 1 ]] && args+=(--report-only)
if [[ ${BENCH_TRACE:-1} == 1 ]]; then
	args+=(--trace "$work/trace.json")
	if [[ ${BENCH_REPORT_ONLY:-0} != 1 ]]; then
		trace=(--trace-cmd "$venv/bin/python scripts/bench/trace_cnn.py --test-binary $work/tfgraph.test --shim $work/trace_shim.so --threads ${BENCH_THREADS:-2} --out $work/trace.json")
		args+=("${trace[@]}")
	fi
fi

# The command line that reproduces this report, with the settings that differ.
cmdline="make bench"
for v in BENCH_ROUNDS BENCH_THREADS BENCH_SCALE BENCH_WORKLOADS BENCH_IMPLS TF_ENABLE_ONEDNN_OPTS; do
	[[ -n ${!v:-} ]] && cmdline="$v=${!v} $cmdline"
done
args+=(--command "$cmdline")

exec "$syspy" scripts/bench/run.py "${args[@]}"
