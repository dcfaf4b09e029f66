package main

import (
	"bytes"
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
	args := []string{"run", "1-1", "--quiet", "--threads", "1", "--set", "functions=sinc", "--set", "depths=1,4", "--set", "epochs=1500"}
	ref := t.TempDir()
	if out, code := hw1(t, append(args, "--out", ref)...); code != 0 {
		t.Fatalf("uninterrupted run: exit %d\n%s", code, out)
	}
	want := finalLosses(t, ref)

	dir := t.TempDir()
	cmd := exec.Command(hw1Bin, append(args, "--out", dir)...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the first model has written a checkpoint and records.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(dir, "1-1", "checkpoints", "*", "ckpt.epoch")); len(m) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
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
