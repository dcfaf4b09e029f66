package problems

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"hw1/problems/records"
)

// accumulatorScript reads a folder of event files with TensorBoard's own
// EventAccumulator, keeping every scalar, and prints {tag: [[step, value], ...]}.
const accumulatorScript = `
import json, sys
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
ea = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
ea.Reload()
print(json.dumps({t: [[e.step, e.value] for e in ea.Scalars(t)] for t in ea.Tags()["scalars"]}))
`

// readWithTensorBoard returns the scalars in dir as TensorBoard reads them. Under CI
// a missing tensorboard package fails the test; elsewhere it skips it.
func readWithTensorBoard(t *testing.T, dir string) map[string][][2]float64 {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err == nil {
		err = exec.Command(py, "-c", "import tensorboard.backend.event_processing.event_accumulator").Run()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 with tensorboard is needed (scripts/install-test-deps.sh): %v", err)
		}
		t.Skipf("python3 with tensorboard not found (scripts/install-test-deps.sh installs it): %v", err)
	}
	out, err := exec.Command(py, "-c", accumulatorScript, dir).Output()
	if err != nil {
		t.Fatalf("EventAccumulator: %v", err)
	}
	var got map[string][][2]float64
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// expectedScalars maps each series of tab to its points, with tags and steps spelled
// out here rather than through ScalarTag and ScalarStep.
func expectedScalars(tab records.Table) map[string]map[int64]float64 {
	want := map[string]map[int64]float64{}
	for _, r := range tab {
		tag := r.Run + "/" + r.Model + "/"
		if s, ok := r.Seed.Get(); ok {
			tag += fmt.Sprintf("seed-%d/", s)
		}
		if r.Split != "" {
			tag += r.Split + "/"
		}
		tag += r.Metric
		var step int64
		if r.Step != records.NoStep {
			step = int64(r.Step)
		} else if !math.IsNaN(r.Epoch) {
			step = int64(r.Epoch)
		}
		if want[tag] == nil {
			want[tag] = map[int64]float64{}
		}
		want[tag][step] = r.Value
	}
	return want
}

// compareScalars checks that got holds exactly the points of want, each step once,
// with values equal at float32 precision.
func compareScalars(t *testing.T, got map[string][][2]float64, want map[string]map[int64]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("TensorBoard has %d tags, records.csv %d series", len(got), len(want))
	}
	for tag, pts := range want {
		g, ok := got[tag]
		if !ok {
			t.Errorf("tag %s missing", tag)
			continue
		}
		if len(g) != len(pts) {
			t.Errorf("tag %s: %d points, want %d", tag, len(g), len(pts))
		}
		for _, p := range g {
			v, ok := pts[int64(p[0])]
			if !ok {
				t.Errorf("tag %s: step %v not in records.csv", tag, p[0])
				continue
			}
			// float32 keeps 24 bits: a relative error of 2^-24, with room for the
			// rounding of the JSON round trip.
			if tol := 1.2e-7 * math.Max(math.Abs(v), 1e-30); math.Abs(p[1]-v) > tol && float64(float32(v)) != p[1] {
				t.Errorf("tag %s step %v: %v, want %v", tag, p[0], p[1], v)
			}
		}
	}
}

func TestTensorBoardMatchesRecords(t *testing.T) {
	cases := []struct {
		name      string
		overrides map[string]string
	}{
		{"1-1 two functions", map[string]string{"epochs": "3", "functions": "sinc,sign", "depths": "1,2", "seeds": "2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := testEnv(t, c.overrides)
			_, tab := mustExecute(t, "1-1", env)
			got := readWithTensorBoard(t, filepath.Join(env.Dir, records.TensorBoardDir))
			compareScalars(t, got, expectedScalars(tab))
		})
	}
}

// stopAfterEpochs is a progress display that cancels the run after n epochs in all.
type stopAfterEpochs struct {
	n      *int
	cancel context.CancelFunc
}

func (c stopAfterEpochs) Add(k int) {
	if *c.n -= k; *c.n <= 0 {
		c.cancel()
	}
}
func (stopAfterEpochs) Describe(string) {}
func (stopAfterEpochs) Close()          {}

func TestTensorBoardResumeAppends(t *testing.T) {
	cases := []struct {
		name        string
		interruptAt int // epochs, over all models, before the first run is cancelled
	}{
		{"interrupted in the first model", 5},
		{"interrupted in the third model", 25},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := testEnv(t, map[string]string{"epochs": "10", "functions": "sinc", "depths": "1,2", "seeds": "2"})
			p, _ := Lookup("1-1")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			left := c.interruptAt
			env.Progress = func(int, string) Progress { return stopAfterEpochs{&left, cancel} }
			if _, err := Execute(ctx, p, env, "test"); err == nil {
				t.Fatal("the first run was not interrupted")
			}
			env.Progress, env.Resume = nil, true
			_, tab := mustExecute(t, "1-1", env)
			dir := filepath.Join(env.Dir, records.TensorBoardDir)
			files, _ := filepath.Glob(filepath.Join(dir, "events.out.tfevents.*"))
			if len(files) != 2 {
				t.Errorf("%d event files, want 2 (one per run)", len(files))
			}
			compareScalars(t, readWithTensorBoard(t, dir), expectedScalars(tab))
		})
	}
}

func TestTensorBoardOff(t *testing.T) {
	env := testEnv(t, map[string]string{"epochs": "1", "functions": "sinc", "depths": "1", "seeds": "1"})
	env.NoTensorBoard = true
	mustExecute(t, "1-1", env)
	if _, err := os.Stat(filepath.Join(env.Dir, records.TensorBoardDir)); !os.IsNotExist(err) {
		t.Errorf("NoTensorBoard: the tensorboard folder exists (%v)", err)
	}
}
