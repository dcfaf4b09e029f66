#!/usr/bin/env bash
# submit.sh submits a sharded sweep of one problem to Slurm: an array of SHARDS tasks
# (hw1-array.sbatch, task i runs shard i) and a merge job (hw1-merge.sbatch) that
# starts once every task has ended ok, and is cancelled if one fails. It prints the two
# job ids, one a line: "array <id>" and "merge <id>".
#
#   scripts/slurm/submit.sh PROBLEM SHARDS OUT [hw1 run flags ...]
#   scripts/slurm/submit.sh 2-2 10 /scratch/$USER/hw1 --profile full --set trainings=1000
#
# OUT must be on a file system shared by the nodes; the tasks' logs go to OUT/slurm/.
# The hw1 run flags (--profile, --seed, --set K=V, --dataset ...) go to every task; the
# merge reads them back from the shards' manifests.
#
# Environment:
#   HW1                 the hw1 binary (default: hw1 on the PATH, else this
#                       repository's bin/hw1, built by make build)
#   HW1_ARRAY_PARALLEL  at most this many tasks at once (sbatch --array=0-N%K)
#   HW1_SBATCH_ARGS     further sbatch options for both jobs, e.g. "--partition=cpu
#                       --account=proj --time=02:00:00"; sbatch's own SBATCH_PARTITION,
#                       SBATCH_ACCOUNT, SBATCH_TIMELIMIT ... work too
#   HW1_DATA_DIR        hw1's own: the folder of the datasets (hw1 data fetch), read
#                       by the tasks and by the merge (2-1's merge reloads its data)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	echo "usage: $0 PROBLEM SHARDS OUT [hw1 run flags ...]" >&2
	exit 2
}
(($# >= 3)) || usage
problem=$1 shards=$2 out=$3
shift 3
[[ $shards =~ ^[1-9][0-9]*$ ]] || {
	echo "submit.sh: SHARDS must be a positive integer, not \"$shards\"" >&2
	exit 2
}
command -v sbatch >/dev/null || {
	echo "submit.sh: sbatch not found: run this on a Slurm login node" >&2
	exit 1
}

hw1=${HW1:-}
if [[ -z $hw1 ]]; then
	if command -v hw1 >/dev/null; then
		hw1=$(command -v hw1)
	else
		hw1=$here/../../bin/hw1
	fi
fi
[[ -x $hw1 ]] || {
	echo "submit.sh: no hw1 binary at $hw1: run make build, or set HW1" >&2
	exit 1
}
hw1=$(cd "$(dirname "$hw1")" && pwd)/$(basename "$hw1")
mkdir -p "$out/slurm"
out=$(cd "$out" && pwd)

export HW1=$hw1 HW1_PROBLEM=$problem HW1_OUT=$out HW1_SHARDS=$shards
# The run flags travel as one string, split on spaces by the task: values hold none.
HW1_RUN_ARGS="$*"
export HW1_RUN_ARGS

array=0-$((shards - 1))
if [[ -n ${HW1_ARRAY_PARALLEL:-} ]]; then
	array+=%$HW1_ARRAY_PARALLEL
fi
# shellcheck disable=SC2086 # HW1_SBATCH_ARGS holds several options
arr=$(sbatch --parsable ${HW1_SBATCH_ARGS:-} --job-name="hw1-$problem" --array="$array" \
	--output="$out/slurm/hw1-$problem-%A_%a.out" "$here/hw1-array.sbatch")
arr=${arr%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${HW1_SBATCH_ARGS:-} --job-name="hw1-$problem-merge" \
	--dependency="afterok:$arr" --kill-on-invalid-dep=yes \
	--output="$out/slurm/hw1-$problem-merge-%j.out" "$here/hw1-merge.sbatch")
merge=${merge%%;*}
echo "array $arr"
echo "merge $merge"
echo "submit.sh: $shards tasks of hw1 run $problem --shard auto into $out; logs in $out/slurm/" >&2
