package main

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"hw1/problems/records"
)

// hw1Bin is the binary built once for the end-to-end tests.
var hw1Bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hw1-e2e")
	if err != nil {
		panic(err)
	}
	hw1Bin = filepath.Join(dir, "hw1")
	out, err := exec.Command("go", "build", "-o", hw1Bin, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hw1 runs the binary in the test's own environment and returns its output and exit
// status.
func hw1(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return hw1Env(t, nil, args...)
}

// longTest skips a test that trains for tens of seconds when -short asks for the fast
// tier; make test runs it.
func longTest(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("trains for tens of seconds; run without -short (make test)")
	}
}

// missingDependency skips t for want of what, except under CI=true, where every test
// dependency must be installed (make test-deps) and a missing one fails the test.
func missingDependency(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI=true requires it (make test-deps installs it)", what)
	}
	t.Skipf("%s is missing (make test-deps installs it)", what)
}

// runManifest returns the manifest of a quick-profile run of problem that ended with
// status after wall seconds, started at a fixed moment.
func runManifest(problem string, status records.Status, wall float64) *records.Manifest {
	start := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	return &records.Manifest{
		Problem: problem, Profile: "quick", Status: status,
		Start: start, End: start.Add(time.Duration(wall * float64(time.Second))), WallSecs: wall,
	}
}

// writeManifest writes m into dir/<m.Problem>/manifest.json.
func writeManifest(t *testing.T, dir string, m *records.Manifest) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, m.Problem), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := records.WriteManifest(filepath.Join(dir, m.Problem, records.ManifestFile), m); err != nil {
		t.Fatal(err)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"bogus"}, "unknown command"},
		{"unknown problem", []string{"run", "9-9"}, "unknown problem"},
		{"no problem", []string{"run"}, "at least one problem"},
		{"bad profile", []string{"run", "1-1", "--profile", "huge"}, "unknown profile"},
		{"bad device", []string{"run", "1-1", "--device", "tpu"}, "--device"},
		{"bad set", []string{"run", "1-1", "--set", "epochs"}, "KEY=VALUE"},
		{"unknown flag", []string{"run", "1-1", "--bogus"}, "flag provided but not defined"},
		{"unknown setting", []string{"run", "1-1", "--set", "foo=1"}, "unknown setting foo=1"},
		{"unparsable setting", []string{"run", "1-1", "--set", "epochs=abc"}, "setting epochs=abc: want an integer in [1, inf)"},
		{"setting out of range", []string{"run", "1-1", "--set", "epochs=-5"}, "setting epochs=-5: want an integer in [1, inf)"},
		{"second problem's setting", []string{"run", "1-1", "3-3", "--set", "3-3.alphas=1"}, "3-3: setting alphas=1"},
		{"setting in all", []string{"all", "--set", "2-2.tol=-1"}, "2-2: setting tol=-1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, code := hw1(t, append(c.args, "--out", t.TempDir())...)
			if code != 2 {
				t.Errorf("exit status %d, want 2; output:\n%s", code, out)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output %q does not mention %q", out, c.want)
			}
			if strings.Contains(out, "goroutine ") {
				t.Errorf("output has a stack trace:\n%s", out)
			}
			if n := strings.Count(strings.TrimSpace(out), "\n"); n > 0 && !strings.Contains(c.want, "flag") {
				t.Errorf("output has %d lines, want one:\n%s", n+1, out)
			}
		})
	}
}

func TestUnwritableOutputFailsBeforeTraining(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// With a budget of a million epochs, a run that started training would not return
	// within the test's timeout; the check of the output folder comes first.
	out, code := hw1(t, "run", "1-1", "--out", file, "--set", "epochs=1000000")
	if code != 1 || !strings.Contains(out, "cannot write output folder") {
		t.Errorf("exit %d, output %q; want status 1 and a one-line error", code, out)
	}
	if n := strings.Count(strings.TrimSpace(out), "\n"); n > 0 {
		t.Errorf("output has %d lines, want one:\n%s", n+1, out)
	}
}

// finalLosses reads the final_loss rows of a 1-1 run.
func finalLosses(t *testing.T, dir string) map[string]float64 {
	t.Helper()
	tab, err := records.Read(filepath.Join(dir, "1-1", "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, r := range tab.Metric("final_loss") {
		out[r.Run+"/"+r.Model] = r.Value
	}
	return out
}

func TestInterruptAndResumeReachSameResult(t *testing.T) {
	longTest(t)
	args := quick11(1500)
	ref := t.TempDir()
	if out, code := hw1(t, append(args, "--out", ref)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, out)
	}
	want := finalLosses(t, ref)

	dir := t.TempDir()
	cmd, buf := startRun(t, append(args, "--out", dir)...)
	// Interrupt once the first model has written a checkpoint and records.
	if !waitFor(filepath.Join(dir, "1-1", "checkpoints", "*", "ckpt.epoch"), faultWait) {
		t.Fatal("the run wrote no checkpoint to interrupt")
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("interrupted run: %v, want exit status 130\n%s", err, buf.String())
	}
	man, err := records.ReadManifest(filepath.Join(dir, "1-1", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if man.Status != records.StatusInterrupted {
		t.Errorf("manifest status %q, want interrupted", man.Status)
	}
	if _, err := records.Read(filepath.Join(dir, "1-1", "records.csv")); err != nil {
		t.Errorf("records of the interrupted run: %v", err)
	}
	if out, code := hw1(t, append(args, "--out", dir, "--resume")...); code != 0 {
		t.Fatalf("resumed run: exit %d\n%s", code, out)
	}
	got := finalLosses(t, dir)
	if len(got) != len(want) || len(want) != 2 {
		t.Fatalf("final losses %v, want %v", got, want)
	}
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-6*math.Max(1, math.Abs(w)) {
			t.Errorf("%s: resumed final loss %.9g, uninterrupted %.9g", k, got[k], w)
		}
	}
	out, code := hw1(t, append(args, "--out", dir, "--resume")...)
	if code != 0 || !strings.Contains(out, "already done") {
		t.Errorf("second resume: exit %d, output %q; want the finished problem skipped", code, out)
	}
}
