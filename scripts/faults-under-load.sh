#!/usr/bin/env bash
# faults-under-load.sh runs the whole fault suite (the tests make faults runs) RUNS
# times in a row while stress-ng keeps every core busy, and prints how many runs
# passed. The suite is compiled once; each run is the same test binary. The log of
# every run goes to LOGDIR (default: a new temporary folder).
#
# Usage: scripts/faults-under-load.sh [RUNS]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
logdir=${LOGDIR:-$(mktemp -d -t hw1-faults-XXXXXX)}
command -v stress-ng >/dev/null || { echo "faults-under-load: stress-ng is not installed (apt-get install stress-ng)" >&2; exit 1; }
bin="$logdir/hw1.test"
${GO:-go} test -c -o "$bin" .
stress-ng --cpu "$(nproc)" --quiet &
hog=$!
trap 'kill "$hog" 2>/dev/null; wait "$hog" 2>/dev/null || true' EXIT
passed=0 failed=0
for i in $(seq 1 "$runs"); do
	start=$(date +%s)
	if "$bin" -test.count=1 -test.timeout 60m -test.run 'Fault|ZZWriteFaultsDoc' -test.v >"$logdir/run-$i.log" 2>&1; then
		passed=$((passed + 1)) result=ok
	else
		failed=$((failed + 1)) result=FAIL
	fi
	echo "run $i: $result in $(($(date +%s) - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg) ($logdir/run-$i.log)"
done
echo "faults under load: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
