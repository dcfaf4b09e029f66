#!/usr/bin/env bash
# install-libtensorflow.sh finds or installs the TensorFlow C library that hw1 links
# against, and writes .deps/tf.env, a make include that sets CGO_CFLAGS, CGO_LDFLAGS
# (with an rpath) and HW1_LIBTENSORFLOW.
#
# Order of preference:
#   1. LIBTENSORFLOW_DIR, when set (a folder with lib/ and include/, as the official
#      libtensorflow tarball unpacks);
#   2. a system install under /usr/local, then /usr (lib/libtensorflow.so.2 and
#      include/tensorflow/c/c_api.h);
#   3. the official TensorFlow 2.15 wheel from PyPI (tensorflow-cpu, or tensorflow when
#      TF_VARIANT=gpu), of which only the C library and headers are unpacked into
#      .deps/libtensorflow-<variant>/. With TF_VARIANT=gpu it also fetches the NVIDIA
#      CUDA 12 and cuDNN 8.9 runtime wheels at the versions that the tensorflow wheel's
#      "and-cuda" extra pins (read from its METADATA), and unpacks only their shared
#      libraries into .deps/libtensorflow-gpu/nvidia/<package>/lib, where the
#      TensorFlow library's own RUNPATH ($ORIGIN/../nvidia/...) finds them: no system
#      CUDA is needed, only the NVIDIA driver.
#
# TF_ENV_FILE names the make include to write (default .deps/tf.env), so that a GPU
# build can sit beside the CPU one (scripts/check-gpu.sh writes .deps/tf-gpu.env).
#
# The script is idempotent: a second run reuses what the first one found or unpacked.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="$root/.deps"
envfile="${TF_ENV_FILE:-$deps/tf.env}"
variant="${TF_VARIANT:-cpu}"
tf_version="${TF_WHEEL_VERSION:-2.15.1}"
mkdir -p "$deps"

die() {
	cat >&2 <<MSG
install-libtensorflow: $*

hw1 needs the TensorFlow 2.x C library. Provide it in one of these ways:
  - install the official libtensorflow tarball under /usr/local
    (lib/libtensorflow.so.2 and include/tensorflow/c/c_api.h), or
  - unpack it anywhere and set LIBTENSORFLOW_DIR to that folder, or
  - let this script fetch the tensorflow-cpu ${tf_version} wheel from PyPI (needs pip
    and access to PyPI; TF_VARIANT=gpu fetches the CUDA build instead).
MSG
	exit 1
}

# verify LIB checks that the library exports the C API symbols hw1 uses.
verify() {
	local lib=$1 missing=()
	command -v nm >/dev/null || die "nm (binutils) is needed to check $lib"
	local syms
	syms=$(nm -D --defined-only "$lib" 2>/dev/null) || die "cannot read the symbols of $lib"
	for s in TF_NewSession TF_AddGradientsWithPrefix TF_Version TF_GetRegisteredKernelsForOp; do
		grep -qw "$s" <<<"$syms" || missing+=("$s")
	done
	if ((${#missing[@]})); then
		die "$lib does not export ${missing[*]}: it is not a TensorFlow 2.x C library"
	fi
}

# write_env LIBDIR INCDIR... writes the make include and prints where the library is.
# RPATHS, when set, adds further rpath folders (the CUDA libraries of the GPU build).
write_env() {
	local libdir=$1
	shift
	local cflags="" rpaths=""
	for inc in "$@"; do cflags+="-I$inc "; done
	for r in ${RPATHS:-}; do rpaths+=" -Wl,-rpath,$r"; done
	local tmp
	tmp=$(mktemp "$deps/tf.env.XXXXXX")
	cat >"$tmp" <<ENV
# Written by scripts/install-libtensorflow.sh; do not edit.
HW1_LIBTENSORFLOW := $libdir
export CGO_CFLAGS := ${cflags% }
export CGO_LDFLAGS := -L$libdir -Wl,-rpath,$libdir$rpaths -ltensorflow
ENV
	mv "$tmp" "$envfile"
	echo "install-libtensorflow: using $libdir"
}

# system DIR succeeds when DIR holds an installed libtensorflow 2.x.
system() {
	local dir=$1
	[[ -f "$dir/include/tensorflow/c/c_api.h" ]] || return 1
	local lib
	for lib in "$dir/lib/libtensorflow.so.2" "$dir/lib/libtensorflow.so" "$dir/lib64/libtensorflow.so.2"; do
		if [[ -e "$lib" ]]; then
			verify "$lib"
			write_env "$(dirname "$lib")" "$dir/include"
			return 0
		fi
	done
	return 1
}

# unpack WHEEL DIR extracts the C library and the headers from the wheel, with unzip
# where it is installed and Python's zipfile otherwise.
unpack() {
	if command -v unzip >/dev/null; then
		unzip -q "$1" 'tensorflow/libtensorflow_cc.so.2' 'tensorflow/libtensorflow_framework.so.2' \
			'tensorflow/include/*' -d "$2"
		return
	fi
	python3 - "$1" "$2" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
keep = ("tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2")
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name in keep or name.startswith("tensorflow/include/"):
            z.extract(name, dest)
PY
}

if [[ -n "${LIBTENSORFLOW_DIR:-}" ]]; then
	system "$LIBTENSORFLOW_DIR" && exit 0
	die "LIBTENSORFLOW_DIR=$LIBTENSORFLOW_DIR has no lib/libtensorflow.so.2 with include/tensorflow/c/c_api.h"
fi
for dir in /usr/local /usr; do
	system "$dir" && exit 0
done

case "$variant" in
cpu) pkg=tensorflow-cpu ;;
gpu) pkg=tensorflow ;;
*) die "TF_VARIANT must be cpu or gpu, not '$variant'" ;;
esac

dest="$deps/libtensorflow-$variant"
pip=""
for p in pip3 pip "python3 -m pip"; do
	if $p --version >/dev/null 2>&1; then pip=$p; break; fi
done
# The GPU wheels go to a folder of their own, so that the CPU build's is left alone.
wheels="$deps/wheels"
[[ "$variant" == gpu ]] && wheels="$deps/wheels-gpu"
if [[ ! -f "$dest/.complete" ]]; then
	[[ -n "$pip" ]] || die "neither a system libtensorflow nor pip was found"
	mkdir -p "$wheels"
	wheel=$(ls "$wheels"/"${pkg//-/_}"-"$tf_version"-*.whl 2>/dev/null | head -n1 || true)
	if [[ -z "$wheel" ]]; then
		echo "install-libtensorflow: downloading the $pkg $tf_version wheel from PyPI"
		$pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
			--platform manylinux_2_17_x86_64 -d "$wheels" "$pkg==$tf_version" ||
			die "pip could not download $pkg==$tf_version"
		wheel=$(ls "$wheels"/"${pkg//-/_}"-"$tf_version"-*.whl 2>/dev/null | head -n1 || true)
		[[ -n "$wheel" ]] || die "pip reported success but no $pkg wheel is in $wheels"
	fi
	echo "install-libtensorflow: unpacking $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	unpack "$wheel" "$dest.tmp" || die "cannot unpack $wheel"
	mkdir -p "$dest.tmp/lib"
	mv "$dest.tmp/tensorflow/libtensorflow_cc.so.2" "$dest.tmp/tensorflow/libtensorflow_framework.so.2" "$dest.tmp/lib/"
	mv "$dest.tmp/tensorflow/include" "$dest.tmp/include"
	rmdir "$dest.tmp/tensorflow"
	# graft links with -ltensorflow; the C API lives in libtensorflow_cc.so.2.
	ln -sf libtensorflow_cc.so.2 "$dest.tmp/lib/libtensorflow.so.2"
	ln -sf libtensorflow.so.2 "$dest.tmp/lib/libtensorflow.so"
	ln -sf libtensorflow_framework.so.2 "$dest.tmp/lib/libtensorflow_framework.so"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
	echo "$wheel" >"$dest/.complete"
fi

# cuda_pins prints the requirements of the tensorflow wheel's "and-cuda" extra
# (name==version, one a line), read from the wheel's METADATA.
cuda_pins() {
	python3 - "$1" <<'PY'
import re, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
    for line in z.read(meta).decode().splitlines():
        m = re.match(r"Requires-Dist: ([A-Za-z0-9_.-]+) ?\(?==([^);]+)\)? ?; extra == .and-cuda.", line)
        if m:
            print(f"{m.group(1)}=={m.group(2).strip()}")
PY
}

# unpack_cuda WHEEL DIR extracts only the shared libraries (lib*.so, lib*.so.N) of an
# NVIDIA wheel, at their paths in the wheel (nvidia/<package>/lib/...).
unpack_cuda() {
	python3 - "$1" "$2" <<'PY'
import re, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith("nvidia/") and re.search(r"/lib[^/]*\.so(\.[0-9.]+)?$", name):
            z.extract(name, dest)
PY
}

if [[ "$variant" == gpu && ! -f "$dest/nvidia/.complete" ]]; then
	command -v python3 >/dev/null || die "python3 is needed to read the tensorflow wheel's CUDA pins"
	[[ -n "$pip" ]] || die "pip is needed to fetch the NVIDIA CUDA wheels"
	tfwheel=$(cat "$dest/.complete")
	[[ -f "$tfwheel" ]] || tfwheel=$(ls "$wheels"/tensorflow-"$tf_version"-*.whl 2>/dev/null | head -n1 || true)
	[[ -f "$tfwheel" ]] || die "the tensorflow wheel is needed to read its CUDA pins; remove $dest and rerun"
	pins=$(cuda_pins "$tfwheel")
	[[ -n "$pins" ]] || die "$(basename "$tfwheel") pins no CUDA wheels (no and-cuda extra)"
	echo "install-libtensorflow: downloading the CUDA wheels that $(basename "$tfwheel") pins:" $pins
	# The NVIDIA wheels are tagged manylinux1; pip takes only the platforms named.
	# shellcheck disable=SC2086
	$pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
		--platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
		-d "$wheels" $pins || die "pip could not download the CUDA wheels"
	rm -rf "$dest/nvidia.tmp"
	mkdir -p "$dest/nvidia.tmp"
	for pin in $pins; do
		name=${pin%%==*}
		ver=${pin#*==}
		w=$(ls "$wheels"/"${name//-/_}"-"$ver"-*.whl 2>/dev/null | head -n1 || true)
		[[ -n "$w" ]] || die "no wheel for $pin in $wheels"
		unpack_cuda "$w" "$dest/nvidia.tmp" || die "cannot unpack $w"
	done
	rm -rf "$dest/nvidia"
	mv "$dest/nvidia.tmp/nvidia" "$dest/nvidia"
	rmdir "$dest/nvidia.tmp"
	echo "$pins" >"$dest/nvidia/.complete"
	echo "install-libtensorflow: CUDA libraries in $dest/nvidia ($(du -sh "$dest/nvidia" | cut -f1))"
fi
if [[ "$variant" == gpu ]]; then
	# TensorFlow dlopens CUDA through its own RUNPATH; the binary's rpath names the same
	# folders, so that ldd and a debugger see what the process will load.
	RPATHS=$(find "$dest/nvidia" -name 'lib*.so*' -printf '%h\n' | sort -u | tr '\n' ' ')
fi

verify "$dest/lib/libtensorflow_cc.so.2"
[[ -f "$dest/include/tensorflow/c/c_api.h" ]] || die "the wheel has no tensorflow/c/c_api.h"
# The tsl headers (tsl/platform/ctstring.h) are included as <tsl/...>: find the folder
# that holds them instead of assuming one layout.
incs=("$dest/include")
tsl=$(find "$dest/include" -path '*/tsl/platform/ctstring.h' -printf '%h\n' 2>/dev/null |
	awk '{ print length($0) " " $0 }' | sort -n | head -n1 | cut -d' ' -f2-)
[[ -n "$tsl" ]] || die "the wheel has no tsl/platform/ctstring.h"
tslroot=$(dirname "$(dirname "$tsl")")
[[ "$tslroot" != "$dest/include" ]] && incs+=("$tslroot")
write_env "$dest/lib" "${incs[@]}"
