package problems

import (
	"math"
	"testing"

	"hw1/problems/records"
)

// checkSurfaces21 asserts 2-1's loss surfaces around the trained model of seed-1: both
// planes hold an n×n grid of finite losses and accuracies, symmetric about the trained
// model, whose centre reproduces the model's recorded final training and test loss
// within 1e-6 relative; the PCA plane passes through the final snapshot (coordinates 0)
// and its grid covers the whole trajectory.
func checkSurfaces21(t *testing.T, tab records.Table, n int) {
	t.Helper()
	final := func(split string) float64 {
		rows := tab.Run("seed-1").Model(model21).Split(split).Metric(records.MetricLoss)
		if len(rows) == 0 {
			t.Fatalf("seed-1 has no %s loss", split)
		}
		last := rows[0]
		for _, r := range rows {
			if r.Step > last.Step {
				last = r
			}
		}
		return last.Value
	}
	centre := n/2*n + n/2
	for _, run := range []string{records.RunSurfaceRandom, records.RunSurfacePCA} {
		rows := tab.Run(run).Model(model21)
		a, b := rows.Split("").Values(records.MetricSurfaceA), rows.Split("").Values(records.MetricSurfaceB)
		if len(a) != n*n || len(b) != n*n {
			t.Fatalf("%s: %d and %d coordinate rows, want %d each", run, len(a), len(b), n*n)
		}
		var maxA, maxB float64
		for k, v := range a {
			maxA, maxB = math.Max(maxA, math.Abs(v)), math.Max(maxB, math.Abs(b[k]))
		}
		for _, split := range []string{records.SplitTrain, records.SplitTest} {
			loss, acc := rows.Split(split).Metric(records.MetricLoss), rows.Split(split).Metric(records.MetricAccuracy)
			if len(loss) != n*n || len(acc) != n*n {
				t.Fatalf("%s %s: %d loss and %d accuracy rows, want %d", run, split, len(loss), len(acc), n*n)
			}
			for _, r := range loss {
				if !(r.Value > 0) || math.IsInf(r.Value, 0) {
					t.Errorf("%s %s step %d: loss %v", run, split, r.Step, r.Value)
				}
				if r.Step == centre {
					k := r.Key()
					k.Split = ""
					if a[k] != 0 || b[k] != 0 {
						t.Errorf("%s: centre step %d at (%g, %g), want (0, 0)", run, centre, a[k], b[k])
					}
					if want := final(split); math.Abs(r.Value-want) > 1e-6*want {
						t.Errorf("%s %s: loss %.9g at the trained model, recorded %.9g", run, split, r.Value, want)
					}
				}
			}
			for _, r := range acc {
				if !(r.Value >= 0 && r.Value <= 1) {
					t.Errorf("%s %s step %d: accuracy %v", run, split, r.Step, r.Value)
				}
			}
		}
		if pr := rows.Metric(records.MetricPointsPerRun); len(pr) != 1 || pr[0].Value < 1 || pr[0].Value > float64(n*n) {
			t.Errorf("%s: points per session run %v", run, pr)
		}
		if run != records.RunSurfacePCA {
			continue
		}
		tr := rows.Split(records.SplitTrajectory)
		ta, tb := tr.Values(records.MetricSurfaceA), tr.Values(records.MetricSurfaceB)
		if len(ta) < 2 || len(tb) != len(ta) {
			t.Fatalf("%s: %d and %d trajectory coordinates", run, len(ta), len(tb))
		}
		lastStep := -1
		var last records.Key
		for k, v := range ta {
			if math.Abs(v) > maxA || math.Abs(tb[k]) > maxB {
				t.Errorf("snapshot %d at (%g, %g) lies outside the grid ±(%g, %g)", k.Step, v, tb[k], maxA, maxB)
			}
			if k.Step > lastStep {
				lastStep, last = k.Step, k
			}
		}
		if scale := maxA + maxB; math.Abs(ta[last])+math.Abs(tb[last]) > 1e-9*scale {
			t.Errorf("final snapshot at (%g, %g), want the plane's origin", ta[last], tb[last])
		}
		e1, e2 := rows.Split("").Metric(records.MetricExplained1), rows.Split("").Metric(records.MetricExplained2)
		if len(e1) != 1 || len(e2) != 1 || !(e1[0].Value >= e2[0].Value && e2[0].Value > 0 && e1[0].Value+e2[0].Value <= 1+1e-12) {
			t.Errorf("explained variance %v and %v", e1, e2)
		}
	}
}
