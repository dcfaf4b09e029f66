#!/usr/bin/env bash
# check-gpu.sh builds hw1 against the GPU (CUDA) build of libtensorflow and checks it.
# It is "make check-gpu", not part of "make test": the first run downloads about 2.3 GB
# of wheels from PyPI (the tensorflow 2.15.1 wheel and the NVIDIA CUDA 12 / cuDNN 8.9
# runtime wheels that its "and-cuda" extra pins) and unpacks about 4 GB.
#
# The GPU build goes to .deps/libtensorflow-gpu (wheels in .deps/wheels-gpu) with its
# make include in .deps/tf-gpu.env, and the binary to bin/hw1-gpu: the CPU build
# (.deps/tf.env, bin/hw1) is left as it is. A system libtensorflow under /usr/local
# or /usr, or LIBTENSORFLOW_DIR, still wins, as in scripts/install-libtensorflow.sh.
#
# Without arguments it makes the checks that hold on a machine without a GPU:
#   - the GPU build links, and the binary loads the library unpacked here;
#   - "hw1 doctor" names that library, says it is the GPU build and that no GPU is
#     visible;
#   - "hw1 run 1-2 --device gpu" stops with exit status 1 and hw1's one line saying
#     that TensorFlow sees no GPU, before writing anything (hw1 never falls back to
#     the CPU when the GPU was asked for);
#   - "hw1 run 1-2 --device cpu" runs the quick 1-2 with the GPU build.
# With --on-gpu it makes the checks for a machine with an NVIDIA GPU and driver:
#   - "hw1 doctor" lists a GPU device;
#   - the quick 1-2 runs with --device gpu and with --device cpu, and the script
#     prints the training throughput (images/s) of both.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
on_gpu=0
case "${1:-}" in
"") ;;
--on-gpu) on_gpu=1 ;;
*)
	echo "usage: scripts/check-gpu.sh [--on-gpu]" >&2
	exit 2
	;;
esac

envfile="$root/.deps/tf-gpu.env"
bin="$root/bin/hw1-gpu"
out=$(mktemp -d "${TMPDIR:-/tmp}/hw1-check-gpu.XXXXXX")
trap 'rm -rf "$out"' EXIT
failed=0
ok() { echo "check-gpu: ok    $*"; }
bad() {
	echo "check-gpu: FAIL  $*"
	failed=1
}

start=$(date +%s)
TF_VARIANT=gpu TF_ENV_FILE="$envfile" bash scripts/install-libtensorflow.sh
echo "check-gpu: libtensorflow (GPU) ready in $(($(date +%s) - start))s;" \
	"wheels $(du -sh .deps/wheels-gpu 2>/dev/null | cut -f1 || echo none)," \
	"unpacked $(du -sh .deps/libtensorflow-gpu 2>/dev/null | cut -f1 || echo none)"
libdir=$(sed -n 's/^HW1_LIBTENSORFLOW := //p' "$envfile")
export CGO_CFLAGS CGO_LDFLAGS
CGO_CFLAGS=$(sed -n 's/^export CGO_CFLAGS := //p' "$envfile")
CGO_LDFLAGS=$(sed -n 's/^export CGO_LDFLAGS := //p' "$envfile")

start=$(date +%s)
mkdir -p bin
if go build -o "$bin" .; then
	ok "the GPU build links ($(($(date +%s) - start))s)"
else
	bad "the GPU build does not link"
	exit 1
fi
if ldd "$bin" | grep -q "$libdir/libtensorflow"; then
	ok "bin/hw1-gpu loads libtensorflow from $libdir"
else
	bad "bin/hw1-gpu does not load libtensorflow from $libdir:"
	ldd "$bin" | grep tensorflow
fi

doctor=$("$bin" doctor 2>/dev/null) || bad "hw1 doctor failed"
echo "$doctor" | sed 's/^/  | /'
grep -q "^library .*$libdir/libtensorflow" <<<"$doctor" && ok "doctor names $libdir" ||
	bad "doctor does not name the library in $libdir"
if grep -q "^build .*GPU" <<<"$doctor"; then ok "doctor: GPU build"; else bad "doctor does not report the GPU build"; fi

# quick12 DEVICE runs the quick 1-2 on DEVICE and prints its training images/s.
quick12() {
	local dir="$out/$1"
	"$bin" run 1-2 --device "$1" --out "$dir" --quiet --tensorboard=false >"$out/$1.log" 2>&1 || {
		cat "$out/$1.log"
		return 1
	}
	# Training images: each model's last epoch in its train/loss rows, each epoch a pass
	# over the training set; over the wall time, evaluation included.
	python3 - "$dir/1-2" <<'PY'
import csv, json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
last = {}
with open(sys.argv[1] + "/records.csv") as f:
    for r in csv.DictReader(f):
        if r["split"] == "train" and r["metric"] == "loss" and r["epoch"]:
            k = (r["run"], r["model"])
            last[k] = max(last.get(k, 0.0), float(r["epoch"]))
epochs = round(sum(last.values()))
images = epochs * m["dataset"]["train"]
print(f'{m["status"]}, {m["wall_seconds"]:.1f}s, {images / m["wall_seconds"]:.0f} images/s ({epochs} model-epochs of {m["dataset"]["train"]} images)')
PY
}

if ((on_gpu)); then
	if grep -q "^device .*(GPU" <<<"$doctor"; then ok "doctor lists a GPU"; else bad "doctor lists no GPU"; fi
	for dev in gpu cpu; do
		if r=$(quick12 $dev); then
			ok "quick 1-2 on $dev: $r"
		else
			bad "quick 1-2 on $dev failed"
		fi
	done
else
	if grep -q "^gpu .*none visible" <<<"$doctor"; then ok "doctor: no GPU visible"; else bad "doctor does not say that no GPU is visible"; fi
	set +e
	msg=$("$bin" run 1-2 --device gpu --out "$out/gpu" 2>&1)
	code=$?
	set -e
	own=$(grep '^hw1:' <<<"$msg" || true)
	if [[ $code -eq 1 && $(wc -l <<<"$own") -eq 1 && "$own" == *"sees no GPU"* && ! -e "$out/gpu" ]]; then
		ok "--device gpu stops: exit 1, $own"
	else
		bad "--device gpu: exit $code, output:"
		echo "$msg"
	fi
	if r=$(quick12 cpu); then ok "quick 1-2 on cpu with the GPU build: $r"; else bad "quick 1-2 on cpu with the GPU build failed"; fi
fi
if ((failed)); then
	echo "check-gpu: some checks failed"
	exit 1
fi
echo "check-gpu: all checks passed"
