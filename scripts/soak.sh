#!/usr/bin/env bash
# soak.sh runs the kill-and-resume soak (TestSoakKillAndResume in soak_test.go): a
# short 1-1 run measured once uninterrupted, then killed with SIGKILL at KILLS moments
# spread evenly over it, each followed by the checks on records, manifest, hw1 plot and
# --resume. The counts go into the soak part of docs/faults.md.
#
# Usage: scripts/soak.sh [KILLS [EPOCHS]]   (defaults 100 and 150)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-100}
epochs=${2:-150}
# Every kill costs a partial run, a hw1 plot and a resume: allow two minutes each.
timeout=$((10 + kills * 2))m
echo "soak: $kills kills of a 1-1 run of $epochs epochs (test timeout $timeout)"
HW1_SOAK_KILLS=$kills HW1_SOAK_EPOCHS=$epochs HW1_SOAK_DOC="$PWD/docs/faults.md" \
	${GO:-go} test -count=1 -timeout "$timeout" -run '^TestSoakKillAndResume$' -v . | grep --line-buffered -v '^=== '
