package problems

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"

	"hw1/problems/records"
)

// check21 asserts the outcome of a 2-1 run: runs trainings with at least minSnaps
// snapshots each, finite projections keyed like the training rows, and a PCA whose
// two components explain a share of variance in (0, 1] in decreasing order.
func check21(t *testing.T, dir string, runs, minSnaps int) records.Table {
	t.Helper()
	tab, err := records.Read(filepath.Join(dir, "records.csv"))
	if err != nil {
		t.Fatal(err)
	}
	acc := tab.Split("train").Metric("accuracy").Values("accuracy")
	type cell struct {
		records.Key
		metric string
	}
	seen := map[cell]bool{}
	for _, r := range tab {
		if c := (cell{r.Key(), r.Metric}); seen[c] {
			t.Errorf("duplicate row %+v", r)
		} else {
			seen[c] = true
		}
	}
	for _, split := range []string{"pca-layer", "pca-model"} {
		for i := 1; i <= runs; i++ {
			run := fmt.Sprintf("seed-%d", i)
			pc1 := tab.Run(run).Split(split).Metric("pc1")
			pc2 := tab.Run(run).Split(split).Metric("pc2")
			if len(pc1) < minSnaps || len(pc1) != len(pc2) {
				t.Fatalf("%s %s: %d pc1 and %d pc2 rows, want at least %d each", split, run, len(pc1), len(pc2), minSnaps)
			}
			sort.Slice(pc1, func(a, b int) bool { return pc1[a].Step < pc1[b].Step })
			for j, r := range pc1 {
				if r.Step != j {
					t.Errorf("%s %s: snapshot %d has step %d", split, run, j, r.Step)
				}
				if j > 0 && !(r.Epoch > pc1[j-1].Epoch) {
					t.Errorf("%s %s: snapshot %d at epoch %v does not follow epoch %v", split, run, j, r.Epoch, pc1[j-1].Epoch)
				}
				if r.Seed == records.NoSeed {
					t.Errorf("%s %s: snapshot %d has no seed", split, run, r.Step)
				}
				if _, ok := acc[records.Key{Run: run, Model: r.Model, Split: "train", Seed: r.Seed, Step: r.Step}]; !ok {
					t.Errorf("%s %s: no training accuracy for snapshot %d", split, run, r.Step)
				}
			}
			for _, r := range append(pc1, pc2...) {
				if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
					t.Errorf("%s %s step %d: %s = %v", split, run, r.Step, r.Metric, r.Value)
				}
			}
		}
		all := tab.Run("all").Split(split)
		e1, e2 := all.Metric("explained1"), all.Metric("explained2")
		if len(e1) != 1 || len(e2) != 1 {
			t.Fatalf("%s: %d explained1 and %d explained2 rows, want 1 each", split, len(e1), len(e2))
		}
		if v1, v2 := e1[0].Value, e2[0].Value; !(v1 > 0 && v2 > 0 && v1 >= v2 && v1+v2 <= 1+1e-12) {
			t.Errorf("%s: explained shares %v and %v, want 1 >= e1+e2, e1 >= e2 > 0", split, v1, v2)
		}
	}
	return tab
}

func init() {
	tinyChecks["2-1"] = func(t *testing.T, res *RunResult, tab records.Table) {
		s := tinyConfig[settings21](t, "2-1", defaults21)
		check21(t, res.Dir, s.Runs, s.Epochs/s.Every+1)
		checkSurfaces21(t, tab, s.Surface.Points)
		sum := mustSummary[summary21](t, res)
		if len(sum.Runs) != s.Runs || sum.FinalTrainAcc.N != s.Runs || len(sum.PCA) != 2 || sum.InitialDistance.N != s.Runs*(s.Runs-1)/2 {
			t.Errorf("summary %+v for %d runs", *sum, s.Runs)
		}
	}
}

func TestP21QuickProfile(t *testing.T) {
	quickProfileOnly(t)
	p, _ := Lookup("2-1")
	env := testEnv(t, nil)
	res, tab := mustExecute(t, "2-1", env)
	check21(t, env.Dir, 8, 8)
	checkSurfaces21(t, tab, 21)
	sum := mustSummary[summary21](t, res)
	if sum.SnapshotsPerRun < 8 || len(sum.Runs) != 8 || sum.FinalTrainAcc.N != 8 {
		t.Errorf("%d snapshots per run, %d runs, accuracy over %d: want at least 8, 8 and 8", sum.SnapshotsPerRun, len(sum.Runs), sum.FinalTrainAcc.N)
	}
	// The trainings must actually learn: a 784-15-30-10 network reaches well over 90%
	// training accuracy on the digits in 24 epochs.
	for _, r := range sum.Runs {
		if r.FinalTrainAcc < 0.9 {
			t.Errorf("%s: final training accuracy %.3f < 0.9", r.Run, r.FinalTrainAcc)
		}
	}
	if len(sum.PCA) != 2 || !(sum.PCA[0].Explained1 >= sum.PCA[0].Explained2) {
		t.Errorf("PCA summary %+v, want two views with decreasing explained variance", sum.PCA)
	}
	if len(res.Manifest.Seeds) != 8 {
		t.Errorf("%d seeds recorded, want 8", len(res.Manifest.Seeds))
	}
	t.Log(p.Answer(*res))
}

// cancelAfter is a progress display that cancels a run after n epochs in all.
type cancelAfter struct {
	n      *atomic.Int64
	cancel func()
}

func (c cancelAfter) Add(int) {
	if c.n.Add(-1) == 0 {
		c.cancel()
	}
}
func (cancelAfter) Describe(string) {}
func (cancelAfter) Close()          {}

// interrupted runs p in env and cancels it after epochs epochs of training in all.
func interrupted(t *testing.T, p Problem, env Env, epochs int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var left atomic.Int64
	left.Store(epochs)
	env.Progress = func(int, string) Progress { return cancelAfter{&left, cancel} }
	if _, err := Execute(ctx, p, env, "test"); err == nil {
		t.Fatalf("run interrupted after %d epochs returned no error", epochs)
	}
}

func TestP21ResumeAfterInterrupt(t *testing.T) {
	p, _ := Lookup("2-1")
	over := map[string]string{"runs": "3", "epochs": "7", "every": "2", "train": "600", "batch": "100", "surface_points": "5"}
	env := testEnv(t, over)
	// Stop in run 2 at its recorded epoch 4 (checkpointed), then in run 3 after its
	// epoch 1 (no checkpoint yet: run 3 starts over), then finish.
	interrupted(t, p, env, 7+4)
	env.Resume = true
	interrupted(t, p, env, 3+1)
	res, err := Execute(context.Background(), p, env, "test")
	if err != nil {
		t.Fatal(err)
	}
	// Epochs 0, 2, 4, 6 and the last, 7: five snapshots per run.
	check21(t, env.Dir, 3, 5)

	fresh := testEnv(t, over)
	want, err := Execute(context.Background(), p, fresh, "test")
	if err != nil {
		t.Fatal(err)
	}
	var got, exp summary21
	if err := res.DecodeSummary(&got); err != nil {
		t.Fatal(err)
	}
	if err := want.DecodeSummary(&exp); err != nil {
		t.Fatal(err)
	}
	same := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	if len(got.PCA) != 2 || len(exp.PCA) != 2 || !same(got.PCA[0].Explained1, exp.PCA[0].Explained1) || !same(got.PCA[1].Explained1, exp.PCA[1].Explained1) ||
		!same(got.FinalTrainAcc.Mean, exp.FinalTrainAcc.Mean) || !same(got.FinalDistance.Mean, exp.FinalDistance.Mean) ||
		len(got.Surfaces) != 2 || len(exp.Surfaces) != 2 || !same(got.Surfaces[1].MaxTrain, exp.Surfaces[1].MaxTrain) {
		t.Errorf("resumed summary %+v, uninterrupted %+v", got, exp)
	}
}
