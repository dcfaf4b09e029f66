#!/usr/bin/env bash
# install-test-deps.sh installs what "make test" needs beyond Go and libtensorflow:
# Debian's chromium package, with which the report's test opens report.html in a real
# browser (headless) and checks that every figure loads. Where chromium is already
# installed, or apt-get is missing, it does nothing; the browser test then runs or is
# skipped accordingly. A failed installation is reported but does not stop the tests.
# It also installs pandas (PyPI), with which a test reads records.csv as a user would,
# tensorboard (PyPI), whose EventAccumulator a test reads hw1's event files with, and
# Debian's dataset-fashion-mnist, which a data test loads.
set -uo pipefail
if command -v python3 >/dev/null && ! python3 -c 'import pandas' 2>/dev/null; then
	python3 -m pip install --quiet pandas || echo "install-test-deps: pandas could not be installed"
fi
# tensorboard 2.15 (TensorFlow 2.15's own) does not import with NumPy 2, which pandas
# brings: the check imports the module the test uses, and the pin is a release that does.
if command -v python3 >/dev/null &&
	! python3 -c 'import tensorboard.backend.event_processing.event_accumulator' 2>/dev/null; then
	python3 -m pip install --quiet 'tensorboard==2.21.0' || echo "install-test-deps: tensorboard could not be installed"
fi
if [[ -d /usr/share/datasets/fashion-mnist ]] || ! command -v apt-get >/dev/null; then
	:
elif [[ $(id -u) -eq 0 ]]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null; } ||
		echo "install-test-deps: dataset-fashion-mnist could not be installed"
fi
for b in chromium chromium-browser; do
	if command -v "$b" >/dev/null; then
		echo "install-test-deps: $b already installed"
		exit 0
	fi
done
if ! command -v apt-get >/dev/null; then
	echo "install-test-deps: no apt-get; the report's browser test will be skipped"
	exit 0
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
	if ! command -v sudo >/dev/null; then
		echo "install-test-deps: not root and no sudo; the report's browser test will be skipped"
		exit 0
	fi
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || echo "install-test-deps: apt-get update failed"
if $sudo apt-get install -y -qq chromium >/dev/null; then
	echo "install-test-deps: installed $(chromium --version 2>/dev/null || echo chromium)"
else
	echo "install-test-deps: chromium could not be installed; the report's browser test will be skipped"
fi
exit 0
