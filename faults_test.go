package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"hw1/problems/records"
)

// The fault suite runs the real binary against each fault and records what happened.
// With HW1_FAULTS_DOC set (make faults), the outcomes are written to that file.

// faultLog collects one line per fault tried.
type faultLog struct{ rows []string }

var faults faultLog

// add records the outcome of one fault. t must be the fault's own test or subtest, so
// that its status is that of this fault alone.
func (f *faultLog) add(t *testing.T, fault, outcome string) {
	status := "handled"
	if t.Failed() {
		status = "FAILED"
	}
	f.rows = append(f.rows, fmt.Sprintf("| %s | %s | %s |", fault, outcome, status))
}

// faultSeed returns the seed of a test's random delays: HW1_FAULT_SEED when set, to
// replay a failure, else one from the clock. It is logged either way.
func faultSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("HW1_FAULT_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HW1_FAULT_SEED=%q: %v", s, err)
		}
		seed = n
	}
	t.Logf("random delays from seed %d (replay with HW1_FAULT_SEED=%d)", seed, seed)
	return seed
}

// manifestStatus reads the manifest at path and returns its status, or a description
// of why it could not be read, failing t in that case.
func manifestStatus(t *testing.T, path, when string) records.Status {
	t.Helper()
	man, err := records.ReadManifest(path)
	if err != nil {
		t.Errorf("manifest %s: %v", when, err)
		return "unreadable"
	}
	return man.Status
}

// plotNamesWhatIsMissing checks the outcome of hw1 plot on a partial folder: success,
// or status 1 with one message saying which records are missing.
func plotNamesWhatIsMissing(t *testing.T, out string, code int) {
	t.Helper()
	if code == 0 {
		return
	}
	if code != 1 || !strings.Contains(out, "missing records") || strings.Contains(out, "goroutine ") {
		t.Errorf("hw1 plot: exit %d without naming the missing records: %s", code, out)
	}
}

// faultWait is the deadline of every wait on the binary: generous, because other
// processes may load the machine.
const faultWait = 5 * time.Minute

// quick11 are the arguments of a short 1-1 run used by the faults.
func quick11(epochs int) []string {
	return []string{"run", "1-1", "--quiet", "--threads", "1", "--set", "functions=sinc", "--set", "depths=1,4", "--set", fmt.Sprintf("epochs=%d", epochs)}
}

// startRun starts the binary in the background.
func startRun(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(hw1Bin, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &buf
}

// waitFor polls until a file matching pattern exists or the timeout passes. The run
// must still be going for the wait to be useful; waitFor does not check it.
func waitFor(pattern string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// waitForLock polls until the lock file at path holds pid or the timeout passes.
func waitForLock(path string, pid int, timeout time.Duration) bool {
	want := strconv.Itoa(pid) + "\n"
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && string(b) == want {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func TestFaultKilledMidRun(t *testing.T) {
	longTest(t)
	rng := rand.New(rand.NewPCG(faultSeed(t), 1))
	for i, phase := range []string{"training", "record writing"} {
		t.Run(phase, func(t *testing.T) {
			dir := t.TempDir()
			cmd, _ := startRun(t, append(quick11(1500), "--out", dir)...)
			// Training: kill at a random moment once the first checkpoint exists.
			// Record writing: kill while the grid rows of the first model are written.
			pattern := filepath.Join(dir, "1-1", "checkpoints", "*", "ckpt.epoch")
			if i == 1 {
				pattern = filepath.Join(dir, "1-1", "records.csv")
			}
			if !waitFor(pattern, faultWait) {
				t.Fatal("the run wrote nothing to interrupt")
			}
			delay := time.Duration(rng.IntN(1500)) * time.Millisecond
			if i == 1 {
				delay = time.Duration(rng.IntN(30)) * time.Millisecond
			}
			time.Sleep(delay)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			tab, err := records.Read(filepath.Join(dir, "1-1", "records.csv"))
			if err != nil && !errors.Is(err, records.ErrNoRows) {
				t.Errorf("records after SIGKILL: %v", err)
			}
			manPath := filepath.Join(dir, "1-1", "manifest.json")
			status := manifestStatus(t, manPath, "after SIGKILL")
			if status != records.StatusRunning && status != "unreadable" {
				t.Errorf("manifest status %q after SIGKILL, want the complete running one", status)
			}
			plotOut, plotCode := hw1(t, "plot", "1-1", "--in", dir)
			plotNamesWhatIsMissing(t, plotOut, plotCode)
			out, resumeCode := hw1(t, append(quick11(1500), "--out", dir, "--resume")...)
			if resumeCode != 0 {
				t.Errorf("resume after SIGKILL: exit %d\n%s", resumeCode, out)
			}
			if final := manifestStatus(t, manPath, "after resume"); final != records.StatusOK {
				t.Errorf("manifest status %q after resume, want ok", final)
			}
			faults.add(t, "SIGKILL during "+phase+fmt.Sprintf(" (after %v)", delay),
				fmt.Sprintf("%d complete rows readable; manifest status %q; hw1 plot exit %d; --resume exit %d", len(tab), status, plotCode, resumeCode))
		})
	}
}

func TestFaultCorruptCheckpoint(t *testing.T) {
	longTest(t)
	dir := t.TempDir()
	cmd, _ := startRun(t, append(quick11(1500), "--out", dir)...)
	if !waitFor(filepath.Join(dir, "1-1", "checkpoints", "*", "ckpt.epoch"), faultWait) {
		t.Fatal("no checkpoint was written")
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	files, _ := filepath.Glob(filepath.Join(dir, "1-1", "checkpoints", "*", "ckpt.data-*"))
	if len(files) == 0 {
		t.Fatal("no checkpoint data file")
	}
	if err := os.WriteFile(files[0], []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := hw1(t, append(quick11(1500), "--out", dir, "--resume")...)
	if code != 1 || !strings.Contains(out, "checkpoint") || !strings.Contains(out, filepath.Dir(files[0])) {
		t.Errorf("resume from a corrupt checkpoint: exit %d, output %q; want status 1 and an error naming the checkpoint", code, out)
	}
	if strings.Contains(out, "goroutine ") {
		t.Errorf("stack trace in output:\n%s", out)
	}
	faults.add(t, "corrupt checkpoint data on --resume", fmt.Sprintf("exit %d: %s", code, oneLine(out)))
}

func TestFaultDivergence(t *testing.T) {
	dir := t.TempDir()
	out, code := hw1(t, "run", "1-1", "--quiet", "--out", dir, "--set", "optimizer=sgd", "--set", "lr=1000", "--set", "functions=sinc")
	if code != 1 || !strings.Contains(out, "diverged at step") {
		t.Errorf("diverging run: exit %d, output %q; want status 1 naming the step", code, out)
	}
	status := manifestStatus(t, filepath.Join(dir, "1-1", "manifest.json"), "of the diverged run")
	if man, err := records.ReadManifest(filepath.Join(dir, "1-1", "manifest.json")); err == nil && (man.Status != records.StatusFailed || !strings.Contains(man.Error, "diverged")) {
		t.Errorf("manifest of the diverged run: status %q, error %q; want failed, naming the divergence", man.Status, man.Error)
	}
	faults.add(t, "divergence (SGD, learning rate 1e3)", fmt.Sprintf("exit %d: %s; manifest status %q", code, oneLine(out), status))
}

func TestFaultTwoRunsOneFolder(t *testing.T) {
	longTest(t)
	dir := t.TempDir()
	a, abuf := startRun(t, append(quick11(400), "--out", dir)...)
	lockPath := filepath.Join(dir, "1-1", ".lock")
	if !waitForLock(lockPath, a.Process.Pid, faultWait) {
		t.Fatal("the first run took no lock")
	}
	// The first run is stopped while the second one tries, so that it cannot finish
	// first on a fast machine, nor the second start late on a loaded one.
	if err := a.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	out, code := hw1(t, append(quick11(400), "--out", dir)...)
	if err := a.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if code != 1 || !strings.Contains(out, "in use by another hw1 run") {
		t.Errorf("second run: exit %d, output %q; want a refusal", code, out)
	}
	if err := a.Wait(); err != nil {
		t.Errorf("first run failed: %v\n%s", err, abuf.String())
	}
	status := manifestStatus(t, filepath.Join(dir, "1-1", "manifest.json"), "of the first run")
	if status != records.StatusOK {
		t.Errorf("first run's manifest status %q, want ok", status)
	}
	if _, err := records.Read(filepath.Join(dir, "1-1", "records.csv")); err != nil {
		t.Errorf("first run's records: %v", err)
	}
	faults.add(t, "two runs into one output folder", fmt.Sprintf("second exit %d: %s; first finished %q", code, oneLine(out), status))
}

func TestFaultUnwritableOutput(t *testing.T) {
	parent := t.TempDir()
	file := filepath.Join(parent, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, out string }{{"a file where the folder should be", file}, {"a folder below a file", filepath.Join(file, "sub")}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, code := hw1(t, "run", "1-1", "--out", c.out)
			if code != 1 || strings.Count(strings.TrimSpace(out), "\n") > 0 || !strings.Contains(out, c.out) {
				t.Errorf("exit %d, output %q; want status 1 and one line naming %s", code, out, c.out)
			}
			faults.add(t, "output folder: "+c.name, fmt.Sprintf("exit %d: %s", code, oneLine(out)))
		})
	}
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return strings.ReplaceAll(s, "|", "/")
}

// tinyAll are --set values that make every problem of "hw1 all" take seconds.
var tinyAll = []string{
	"1-2.epochs=1", "1-2.train=300", "1-2.seeds=2",
	"2-1.epochs=3", "2-1.every=1", "2-1.runs=2", "2-1.train=300", "2-1.surface_points=7",
	"2-2.trainings=2", "2-2.phase1_epochs=20", "2-2.phase2_newton=3", "2-2.phase2_steps=5", "2-2.mnist_epochs=1", "2-2.mnist_train=300", "2-2.fn_epochs=5",
	"3-1.epochs=2", "3-1.train=300", "3-1.seeds=2",
	"3-2.epochs=1", "3-2.train=300", "3-2.widths=2,8,32", "3-2.seeds=2",
	"3-3.train=256", "3-3.hidden=16", "3-3.seeds=2", "3-3.batches=32,256", "3-3.pair_batches=32,256", "3-3.step_budget=16",
	"3-3.alphas=11", "3-3.sharpness_iters=1", "3-3.sensitivity_examples=50", "3-3.subspace=10", "3-3.filter_points=5",
}

func TestFaultDivergenceInAll(t *testing.T) {
	longTest(t)
	dir := t.TempDir()
	args := []string{"all", "--quiet", "--out", dir, "--set", "1-1.optimizer=sgd", "--set", "1-1.lr=1000", "--set", "1-1.functions=sinc"}
	for _, kv := range tinyAll {
		args = append(args, "--set", kv)
	}
	out, code := hw1(t, args...)
	if code != 1 || !strings.Contains(out, "1-1 failed") || !strings.Contains(out, "diverged at step") {
		t.Errorf("hw1 all with a diverging 1-1: exit %d; want status 1 naming the failure\n%s", code, out)
	}
	for _, p := range []string{"1-2", "2-1", "2-2", "3-1", "3-2", "3-3"} {
		if status := manifestStatus(t, filepath.Join(dir, p, "manifest.json"), p+" after 1-1 failed"); status != records.StatusOK {
			t.Errorf("%s after 1-1 failed: manifest status %q, want ok", p, status)
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "diverged at step") {
		t.Error("the report does not show 1-1's failure")
	}
	faults.add(t, "divergence of one problem in hw1 all", fmt.Sprintf("exit %d; the other six problems finished ok; report.html shows %q", code, "diverged at step"))
}

// TestFaultDiskFull runs 1-1 into a tmpfs of 4 MB that a filler file has left almost
// full: the run must stop with one line naming the path and status 1, leave its
// records readable, and finish with --resume once the filler is removed. Mounting
// needs root, which CI has.
func TestFaultDiskFull(t *testing.T) {
	longTest(t)
	if os.Geteuid() != 0 {
		missingDependency(t, "root (mounting a tmpfs needs it)")
	}
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=4m"); err != nil {
		t.Fatalf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(mnt, 0) })
	filler := filepath.Join(mnt, "filler")
	if err := os.WriteFile(filler, make([]byte, 3900000), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(mnt, "out")
	args := append(quick11(300), "--set", "depths=1,2", "--out", out)
	msg, code := hw1(t, args...)
	// TensorFlow's own warning (its summary kernel's failed write) may come first: the
	// quiet terminal keeps TensorFlow's warnings. hw1 says what failed in one line.
	msg = withoutTFLog(msg)
	if code != 1 || strings.Count(strings.TrimSpace(msg), "\n") > 0 || !strings.Contains(msg, out) || !strings.Contains(strings.ToLower(msg), "no space left") {
		t.Errorf("run on a full disk: exit %d, output %q; want status 1 and one line naming the path", code, msg)
	}
	tab, err := records.Read(filepath.Join(out, "1-1", "records.csv"))
	if err != nil && !errors.Is(err, records.ErrNoRows) {
		t.Errorf("records after the disk filled: %v", err)
	}
	status := manifestStatus(t, filepath.Join(out, "1-1", "manifest.json"), "after the disk filled")
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	resumeOut, resumeCode := hw1(t, append(args, "--resume")...)
	if resumeCode != 0 {
		t.Errorf("resume once space is free: exit %d\n%s", resumeCode, resumeOut)
	}
	if final := manifestStatus(t, filepath.Join(out, "1-1", "manifest.json"), "after resume"); final != records.StatusOK {
		t.Errorf("manifest status %q after resume, want ok", final)
	}
	faults.add(t, "output folder on a full file system (tmpfs of 4 MB)",
		fmt.Sprintf("exit %d: %s; %d complete rows readable; manifest status %q; --resume with space free exit %d", code, oneLine(msg), len(tab), status, resumeCode))
}

// TestZZWriteFaultsDoc writes docs/faults.md from the outcomes above when asked to. It
// is the last test of the file, so that it runs after every fault.
func TestZZWriteFaultsDoc(t *testing.T) {
	path := os.Getenv("HW1_FAULTS_DOC")
	if path == "" || len(faults.rows) == 0 {
		return
	}
	var b strings.Builder
	b.WriteString("# Faults tried\n\nGenerated by `make faults` (faults_test.go) on " + time.Now().UTC().Format("2006-01-02") + "; do not edit.\n\n")
	b.WriteString("| fault | outcome | result |\n|---|---|---|\n")
	for _, r := range faults.rows {
		b.WriteString(r + "\n")
	}
	// The hand-written part, from "## Measured" on, is kept.
	if old, err := os.ReadFile(path); err == nil {
		if k := strings.Index(string(old), "\n## Measured"); k >= 0 {
			b.WriteString(string(old[k:]))
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// withoutTFLog drops the lines of TensorFlow's logger from out, with the indented
// lines that continue them.
func withoutTFLog(out string) string {
	var keep []string
	inLog := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case tfLogLine.MatchString(l):
			inLog = true
		case inLog && (strings.HasPrefix(l, "\t") || strings.HasPrefix(l, " ")):
		default:
			inLog = false
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
