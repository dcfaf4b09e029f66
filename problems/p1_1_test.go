package problems

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// testEnv returns the environment the problem tests run in: quick profile, seed 1,
// CPU with two threads, output in a temporary folder.
func testEnv(t *testing.T, overrides map[string]string) Env {
	return Env{
		Dir: t.TempDir(), Profile: Quick, Seed: 1, Overrides: overrides,
		Session: tfgraph.SessionConfig{Device: "cpu", IntraOpThreads: 2, InterOpThreads: 1},
	}
}

func mustExecute(t *testing.T, name string, env Env) (*RunResult, records.Table) {
	t.Helper()
	p, ok := Lookup(name)
	if !ok {
		t.Fatalf("problem %s is not registered", name)
	}
	res, err := Execute(context.Background(), p, env, "test")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if res.Manifest.Status != records.StatusOK {
		t.Fatalf("%s: manifest status %q", name, res.Manifest.Status)
	}
	tab, err := records.Read(filepath.Join(env.Dir, "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %.1fs, %d rows", name, res.Manifest.WallSecs, len(tab))
	return res, tab
}

func TestWidthForMeetsBudget(t *testing.T) {
	for _, depth := range []int{1, 2, 4, 7} {
		w := widthFor(depth, 600)
		n := mlpParams(1, depth, w, 1)
		spec := tfgraph.MLP("m", 1, repeat(w, depth), 1, tfgraph.Tanh, tfgraph.MSE)
		got, err := spec.NumParams()
		if err != nil || got != n {
			t.Fatalf("depth %d: mlpParams %d, spec counts %d (%v)", depth, n, got, err)
		}
		if math.Abs(float64(n-600))/600 > 0.1 {
			t.Errorf("depth %d: width %d gives %d parameters, more than 10%% from 600", depth, w, n)
		}
	}
}

func repeat(w, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = w
	}
	return out
}

func TestProblem11DeepFitsSmoothFunction(t *testing.T) {
	quickProfileOnly(t)
	res, tab := mustExecute(t, "1-1", testEnv(t, nil))
	sum := res.Manifest.Flat()
	var counts []float64
	best := math.Inf(1)
	for _, d := range []string{"depth-1", "depth-2", "depth-4", "depth-7"} {
		counts = append(counts, summaryValue(t, sum, d+"/params"))
		best = math.Min(best, summaryValue(t, sum, "sinc/"+d+"/final_loss"))
		if n := len(tab.Run("sinc").Model(d).Split("grid").Metric("y")); n != 1000 {
			t.Errorf("%s: %d grid predictions, want 1000", d, n)
		}
	}
	lo, hi := counts[0], counts[0]
	for _, c := range counts {
		lo, hi = math.Min(lo, c), math.Max(hi, c)
	}
	if (hi-lo)/lo > 0.10 {
		t.Errorf("parameter counts %v differ by more than 10%%", counts)
	}
	if best >= 1e-2 {
		t.Errorf("best final MSE on sinc %.3g, want < 1e-2", best)
	}
	t.Logf("params %v, best sinc MSE %.3g; answer: %s", counts, best, answer11(*res))
}
