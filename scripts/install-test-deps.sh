#!/usr/bin/env bash
# install-test-deps.sh installs what "make test" needs beyond Go and libtensorflow:
# Debian's chromium package, with which the report's test opens report.html in a real
# browser (headless) and checks that every figure loads. Where chromium is already
# installed, or apt-get is missing, it does nothing; the browser test then runs or is
# skipped accordingly. A failed installation is reported but does not stop the tests.
set -uo pipefail
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
