package problems

import (
	"math"
	"testing"

	"hw1/problems/records"
)

// TestProblem32ParamSweep checks the sweep on the quick profile: at least ten models
// spanning two orders of magnitude of parameters, three seeds each, and training
// accuracy that grows with size in every seed (the largest models fit the training
// set, the smallest cannot).
func TestProblem32ParamSweep(t *testing.T) {
	res, tab, s, set := runQuickSummary[summary32, settings32](t, "3-2")
	check32(t, s, tab, set.Seeds, len(set.Widths))
	if r := float64(s.Models[len(s.Models)-1].Params) / float64(s.Models[0].Params); r < 100 {
		t.Errorf("parameter counts span %.0fx, want at least 100x", r)
	}
	if s.TrainAccuracyRank.Mean < 0.8 {
		t.Errorf("rank correlation of training accuracy with parameter count %v, want a mean >= 0.8", s.TrainAccuracyRank)
	}
	small, large := s.Models[0], s.Models[len(s.Models)-1]
	if large.TrainAccuracy.Mean < 0.98 || large.TrainAccuracy.Mean-small.TrainAccuracy.Mean < 0.3 {
		t.Errorf("training accuracy %v for the smallest, %v for the largest: want the largest >= 0.98 and 0.3 above", small.TrainAccuracy, large.TrainAccuracy)
	}
	t.Logf("answer: %s", answer32(*res))
}

// check32 checks what every 3-2 summary must hold: the models in order of size, with
// estimates over all seeds whose means equal the seeded sweep rows, finite metrics, a
// parameter count per model, and loss and accuracy that join with it for every seed.
func check32(t *testing.T, s *summary32, tab records.Table, seeds, models int) {
	t.Helper()
	if s.Seeds != seeds || len(s.Models) != models {
		t.Fatalf("summary has %d seeds and %d models, want %d and %d", s.Seeds, len(s.Models), seeds, models)
	}
	sweep := tab.Run("sweep")
	for i, m := range s.Models {
		if i > 0 && m.Params <= s.Models[i-1].Params {
			t.Errorf("models not in order of size: %d after %d", m.Params, s.Models[i-1].Params)
		}
		for _, e := range []records.Estimate{m.TrainLoss, m.TestLoss, m.TrainAccuracy, m.TestAccuracy} {
			if e.N != seeds || math.IsNaN(e.Mean) || math.IsInf(e.Mean, 0) {
				t.Errorf("%s: estimate %+v, want a finite mean over %d seeds", m.Model, e, seeds)
			}
		}
		rows := sweep.Model(m.Model).Split("test").Metric("accuracy")
		var sum float64
		for _, r := range rows {
			if r.Seed == records.NoSeed {
				t.Errorf("%s: sweep row without a seed", m.Model)
			}
			sum += r.Value
		}
		if len(rows) != seeds || math.Abs(sum/float64(seeds)-m.TestAccuracy.Mean) > 1e-12 {
			t.Errorf("%s: %d test accuracy rows with mean %v, summary %v", m.Model, len(rows), sum/float64(len(rows)), m.TestAccuracy.Mean)
		}
	}
	if n := len(sweep.Metric("params")); n != models {
		t.Errorf("%d params rows, want one per model (%d)", n, models)
	}
	for _, metric := range []string{"loss", "accuracy"} {
		pairs, err := sweep.Join("params", metric)
		if err != nil || len(pairs) != 2*models*seeds {
			t.Errorf("join of %s with params: %d pairs (%v), want %d", metric, len(pairs), err, 2*models*seeds)
		}
	}
}
