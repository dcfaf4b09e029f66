package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestPythonScriptsHaveNoUndefinedNames runs pyflakes over every Python script of the
// project (the benchmark peers, the report's tools): an undefined name in a peer only
// shows when make bench reaches that workload, an hour into a run, so it is caught here.
// Any message, unused imports included, fails the test.
func TestPythonScriptsHaveNoUndefinedNames(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-m", "pyflakes", "--version").Run(); err != nil {
		missingDependency(t, "pyflakes (Debian's python3-pyflakes)")
	}
	scripts, err := filepath.Glob("scripts/*.py")
	if err != nil {
		t.Fatal(err)
	}
	bench, err := filepath.Glob("scripts/bench/*.py")
	if err != nil {
		t.Fatal(err)
	}
	scripts = append(scripts, bench...)
	if len(scripts) < 7 {
		t.Fatalf("found %d Python scripts (%v), want the 7 or more of scripts/ and scripts/bench/", len(scripts), scripts)
	}
	out, err := exec.Command("/usr/bin/python3", append([]string{"-m", "pyflakes"}, scripts...)...).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("pyflakes: %v\n%s", err, out)
	}
}
