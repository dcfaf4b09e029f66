#!/usr/bin/env bash
# install-test-deps.sh installs what "make test" needs beyond Go and libtensorflow
# ("make test-deps" runs it):
#   - chromium (Debian), with which the report's test opens report.html in a headless
#     browser and checks that every figure loads;
#   - pandas (and numpy, which it brings), with which tests read records.csv and rebuild
#     exported models (scripts/params_loss.py) as a user would: Debian's
#     python3-pandas where apt-get can install it, else a virtual environment in
#     .deps/pyenv (pip inside a venv, which Debian's externally managed Python allows);
#   - tensorboard (PyPI), whose EventAccumulator reads hw1's event files in a test;
#   - dataset-fashion-mnist (Debian), which a data test loads;
#   - pyflakes (Debian's python3-pyflakes), with which a test checks the project's Python
#     scripts (the benchmark peers above all) for undefined and unused names;
#   - slurm-wlm and munge (Debian), with which a test runs a one-node Slurm cluster on
#     localhost and submits the sbatch recipe (scripts/slurm/) to it.
# What is already there is left alone. When anything cannot be installed the script
# says which and exits 1: under CI=true the tests fail on a missing dependency instead
# of skipping, so a failed install must stop "make test" here, with the reason.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
sudo=""
if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null; then
	sudo="sudo"
fi
can_apt() { command -v apt-get >/dev/null && { [[ $(id -u) -eq 0 ]] || [[ -n $sudo ]]; }; }
updated=""
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get install -y -qq "$@" >/dev/null 2>&1 && return 0
	if [[ -z $updated ]]; then
		updated=1
		$sudo apt-get update -qq >/dev/null 2>&1 || echo "install-test-deps: apt-get update failed"
		$sudo apt-get install -y -qq "$@" >/dev/null && return 0
	fi
	return 1
}

# pandas: Debian's package (for Debian's /usr/bin/python3, which the pandas test tries
# after python3 on the PATH), else a venv that the test finds at .deps/pyenv.
has_pandas() {
	local py
	for py in python3 /usr/bin/python3 .deps/pyenv/bin/python3; do
		if command -v "$py" >/dev/null && "$py" -c 'import pandas' 2>/dev/null; then
			return 0
		fi
	done
	return 1
}
if ! command -v python3 >/dev/null; then
	failed+=("python3 (needed for pandas)")
elif has_pandas; then
	echo "install-test-deps: pandas already installed"
elif can_apt && apt_install python3-pandas && has_pandas; then
	echo "install-test-deps: installed Debian's python3-pandas"
elif python3 -m venv .deps/pyenv && .deps/pyenv/bin/python3 -m pip install --quiet pandas && .deps/pyenv/bin/python3 -c 'import pandas'; then
	echo "install-test-deps: installed pandas in .deps/pyenv"
else
	failed+=("pandas")
fi

# tensorboard, whose EventAccumulator a test reads hw1's event files with, into the
# python3 on the PATH. TensorBoard 2.15 (TensorFlow 2.15's own) does not import with
# NumPy 2: the pin is a release that does.
has_tensorboard() { python3 -c 'import tensorboard.backend.event_processing.event_accumulator' 2>/dev/null; }
if ! command -v python3 >/dev/null; then
	failed+=("python3 (needed for tensorboard)")
elif has_tensorboard; then
	echo "install-test-deps: tensorboard already installed"
elif python3 -m pip install --quiet 'tensorboard==2.21.0' && has_tensorboard; then
	echo "install-test-deps: installed tensorboard 2.21.0"
else
	failed+=("tensorboard")
fi

if [[ -d /usr/share/datasets/fashion-mnist ]]; then
	echo "install-test-deps: dataset-fashion-mnist already installed"
elif can_apt && apt_install dataset-fashion-mnist; then
	echo "install-test-deps: installed dataset-fashion-mnist"
else
	failed+=("dataset-fashion-mnist")
fi

if /usr/bin/python3 -m pyflakes --version >/dev/null 2>&1; then
	echo "install-test-deps: pyflakes already installed"
elif can_apt && apt_install python3-pyflakes; then
	echo "install-test-deps: installed Debian's python3-pyflakes"
else
	failed+=("pyflakes")
fi

if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
	echo "install-test-deps: chromium already installed"
elif can_apt && apt_install chromium; then
	echo "install-test-deps: installed $(chromium --version 2>/dev/null || echo chromium)"
else
	failed+=("chromium")
fi

has_slurm() {
	local tool
	for tool in munged slurmctld slurmd sbatch scontrol sinfo scancel; do
		command -v "$tool" >/dev/null || return 1
	done
}
if has_slurm; then
	echo "install-test-deps: slurm-wlm and munge already installed"
elif can_apt && apt_install slurm-wlm munge && has_slurm; then
	echo "install-test-deps: installed Debian's slurm-wlm $(dpkg-query -W -f='${Version}' slurm-wlm 2>/dev/null) and munge"
else
	failed+=("slurm-wlm and munge")
fi

if ((${#failed[@]} > 0)); then
	echo "install-test-deps: could not install: ${failed[*]}" >&2
	exit 1
fi
