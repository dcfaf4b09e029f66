#!/usr/bin/env bash
# time-problems.sh times `hw1 run` problem by problem and prints a Markdown table for
# the README: the wall time and CPU time of each problem, per dataset, and the total.
#
#   scripts/bench/time-problems.sh [PROFILE [DATASET...]]
#
# PROFILE is quick (default) or full; the datasets default to digits for quick and to
# "digits fashion-mnist" for full (the science issue's seeds). Each problem runs in a
# fresh output folder under $TIME_OUT (default .deps/bench/time-problems), one after
# another, with the threads hw1 chooses. The 1-minute load average before each run is
# printed too, since a busy machine stretches every time. Exits non-zero when a run
# fails.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
profile=${1:-quick}
shift || true
if (($#)); then
	datasets=("$@")
elif [[ $profile == full ]]; then
	datasets=(digits fashion-mnist)
else
	datasets=(digits)
fi
hw1=${HW1:-bin/hw1}
[[ -x $hw1 ]] || { echo "time-problems: $hw1 is missing; run make build" >&2; exit 1; }
out=${TIME_OUT:-$root/.deps/bench/time-problems}
mapfile -t problems < <("$hw1" list --names)

cpu_of() { # user+system seconds of the finished children of this shell
	local t
	t=$(times | tail -1)
	awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' <<<"$t"
}

echo "| dataset | problem | wall (s) | CPU (s) | load before |"
echo "|---|---|---:|---:|---:|"
for ds in "${datasets[@]}"; do
	total=0
	for p in "${problems[@]}"; do
		load=$(cut -d' ' -f1 /proc/loadavg)
		rm -rf "${out:?}/$ds/$p"
		c0=$(cpu_of)
		t0=$(date +%s.%N)
		"$hw1" run "$p" --profile "$profile" --dataset "$ds" --out "$out/$ds" --quiet >&2
		t1=$(date +%s.%N)
		c1=$(cpu_of)
		wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
		cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.0f", b - a }')
		total=$((total + wall))
		echo "| $ds | $p | $wall | $cpu | $load |"
	done
	echo "| $ds | **all ($profile)** | **$total** | | |"
done
