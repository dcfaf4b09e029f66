package problems

import (
	"math"
	"testing"

	"hw1/problems/records"
)

// TestProblem12CNNLearnsDigits checks the quick profile of 1-2: three seeds per model
// with seeded rows, CNNs of similar size that learn the digits, and a summary whose
// estimates agree with the records.
func TestProblem12CNNLearnsDigits(t *testing.T) {
	quickProfileOnly(t)
	env := testEnv(t, nil)
	env.Dataset = "digits"
	res, tab := mustExecute(t, "1-2", env)
	s := mustSummary[summary12](t, res)
	set := defaults12(Quick).(*settings12)
	check12(t, s, tab, set.Seeds, set.Epochs)
	best, params := 0.0, map[string]int{}
	for _, m := range s.Models {
		params[m.Model] = m.Params
		if m.Model != "dnn" {
			best = max(best, m.TestAccuracy.Mean)
		}
	}
	if best < 0.96 { // 3 epochs on 8,000 digits; 10 epochs reach about 0.98
		t.Errorf("best CNN mean test accuracy %.4f on the embedded digits, want at least 0.96", best)
	}
	if r := float64(params["cnn-4"]) / float64(params["cnn-2"]); r < 0.9 || r > 1.1 {
		t.Errorf("CNN parameter counts %v differ by more than 10%%", params)
	}
	if s.Tasks[0].Train != 8000 || s.Tasks[0].Test != 2000 {
		t.Errorf("task sizes %+v, want the 8,000 and 2,000 embedded digits", s.Tasks[0])
	}
	t.Logf("answer: %s", answer12(*res))
}

// check12 checks what every 1-2 summary must hold: three models per task, each with an
// estimate over all seeds whose mean equals the mean of the seeded last-epoch test
// accuracy rows, one row per epoch and seed, and an effect and ordering per task.
func check12(t *testing.T, s *summary12, tab records.Table, seeds, epochs int) {
	t.Helper()
	if s.Seeds != seeds || len(s.Tasks) == 0 || len(s.Models) != 3*len(s.Tasks) {
		t.Fatalf("summary has %d seeds, %d tasks, %d models; want %d seeds and 3 models per task", s.Seeds, len(s.Tasks), len(s.Models), seeds)
	}
	if len(s.Effects) != 2*len(s.Tasks) || len(s.Orderings) != len(s.Tasks) {
		t.Errorf("%d effects and %d orderings for %d tasks", len(s.Effects), len(s.Orderings), len(s.Tasks))
	}
	for _, m := range s.Models {
		if m.TestAccuracy.N != seeds || (seeds > 1 && !m.TestAccuracy.Defined()) {
			t.Errorf("%s: test accuracy %+v, want an estimate over %d seeds", m.Label, m.TestAccuracy, seeds)
		}
		rows := tab.Run(m.Task).Model(m.Model).Split("test").Metric("accuracy").Where(func(r records.Row) bool { return r.Epoch == float64(epochs) })
		if len(rows) != seeds {
			t.Errorf("%s: %d last-epoch test accuracy rows, want one per seed (%d)", m.Label, len(rows), seeds)
			continue
		}
		var sum float64
		for _, r := range rows {
			if r.Seed == records.NoSeed {
				t.Errorf("%s: test accuracy row without a seed", m.Label)
			}
			sum += r.Value
		}
		if got := sum / float64(seeds); math.Abs(got-m.TestAccuracy.Mean) > 1e-12 {
			t.Errorf("%s: summary mean test accuracy %v, rows say %v", m.Label, m.TestAccuracy.Mean, got)
		}
	}
}
