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
		t.Fatalf("problem %s is not in the catalogue", name)
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

// TestProblem11DeepFitsSmoothFunction checks the quick profile of 1-1: models of
// matched size, every model trained from 5 seeds whose rows carry the seed, a good fit
// of sinc, and an answer with an interval for every depth against the shallowest.
func TestProblem11DeepFitsSmoothFunction(t *testing.T) {
	res, tab := runQuick(t, "1-1")
	s := mustSummary[summary11](t, res)
	check11(t, s, tab, []string{"sinc", "sign"}, 4, 5)
	lo, hi := math.Inf(1), 0.0
	for _, m := range s.Models {
		lo, hi = math.Min(lo, float64(m.Params)), math.Max(hi, float64(m.Params))
	}
	if (hi-lo)/lo > 0.10 {
		t.Errorf("parameter counts %+v differ by more than 10%%", s.Models)
	}
	best := math.Inf(1)
	for _, f := range s.Fits {
		if f.Function == "sinc" {
			best = math.Min(best, f.MedianMSE)
		}
	}
	if best >= 1e-2 {
		t.Errorf("best median final MSE on sinc %.3g, want < 1e-2", best)
	}
	for _, f := range s.Fits {
		if n := len(tab.Run(f.Function).Model(f.Model).Split("grid").Metric("y")); n != 1000*s.Seeds {
			t.Errorf("%s: %d grid predictions, want 1000 per seed", f.Label, n)
		}
	}
	t.Logf("answer: %s", answer11(*res))
}

// check11 checks what every 1-1 summary must hold: one fit per function and model with
// one final MSE per seed (finite and equal to the seeded final_loss rows), the share
// past the plateau counted from those MSEs, one effect per deeper model and function
// over all seeds, and an ordering per function.
func check11(t *testing.T, s *summary11, tab records.Table, fns []string, depths, seeds int) {
	t.Helper()
	if s.Seeds != seeds || len(s.Models) != depths || len(s.Functions) != len(fns) {
		t.Fatalf("summary has %d seeds, %d models, %d functions; want %d, %d, %d", s.Seeds, len(s.Models), len(s.Functions), seeds, depths, len(fns))
	}
	if len(s.Fits) != len(fns)*depths || len(s.Effects) != len(fns)*(depths-1) || len(s.Orderings) != len(fns) {
		t.Fatalf("%d fits, %d effects, %d orderings; want %d, %d, %d", len(s.Fits), len(s.Effects), len(s.Orderings), len(fns)*depths, len(fns)*(depths-1), len(fns))
	}
	thr := map[string]float64{}
	for _, f := range s.Functions {
		thr[f.Function] = f.Threshold
		if !(f.Threshold > 0 && f.Threshold < f.ConstantMSE) {
			t.Errorf("%s: plateau threshold %v not between 0 and the constant MSE %v", f.Function, f.Threshold, f.ConstantMSE)
		}
	}
	for _, f := range s.Fits {
		if len(f.FinalMSE) != seeds || f.Log10MSE.N != seeds {
			t.Errorf("%s: %d final MSEs, estimate over %d, want %d seeds", f.Label, len(f.FinalMSE), f.Log10MSE.N, seeds)
			continue
		}
		rows := tab.Run(f.Function).Model(f.Model).Metric("final_loss")
		past := 0
		for i, v := range f.FinalMSE {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				t.Errorf("%s: final MSE %v", f.Label, v)
			}
			if v < thr[f.Function] {
				past++
			}
			if i < len(rows) && rows[i].Value != v {
				t.Errorf("%s seed %d: summary %v, final_loss row %v", f.Label, i, v, rows[i].Value)
			}
		}
		if past != f.PastPlateau {
			t.Errorf("%s: %d seeds past the plateau, the MSEs say %d", f.Label, f.PastPlateau, past)
		}
		seen := map[records.Seed]bool{}
		for _, r := range rows {
			if r.Seed == records.NoSeed {
				t.Errorf("%s: final_loss row without a seed", f.Label)
			}
			seen[r.Seed] = true
		}
		if len(seen) != seeds {
			t.Errorf("%s: final_loss rows of %d seeds, want %d", f.Label, len(seen), seeds)
		}
	}
	for _, e := range s.Effects {
		if e.Estimate.N != seeds || (seeds > 1 && !e.Estimate.Defined()) || e.Lower < 0 || e.Lower+e.Higher > 1 {
			t.Errorf("effect %s - %s (%s): %+v, shares %v %v", e.A, e.B, e.Measure, e.Estimate, e.Lower, e.Higher)
		}
	}
}
