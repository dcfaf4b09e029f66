package problems

import (
	"math"
	"testing"

	"hw1/problems/records"
)

// TestProblem31FitsRandomLabels checks Zhang et al.'s result on the quick profile: in
// every repetition the MLP fits training labels drawn at random while its test
// accuracy stays near chance, and the true labels are fitted in fewer epochs.
func TestProblem31FitsRandomLabels(t *testing.T) {
	res, tab, s, set := runQuickSummary[summary31, settings31](t, "3-1")
	check31(t, s, tab, set.Seeds, true)
	if s.Train < 4000 {
		t.Errorf("quick 3-1 trains on %d digits, want at least 4,000 (8,000 does not fit the budget)", s.Train)
	}
	r := s.Runs[0]
	if r.Reached != s.Seeds || r.TrainAccuracy.Mean < 0.99 {
		t.Errorf("random labels: %d of %d seeds reached the target, training accuracy %v; want all, >= 0.99", r.Reached, s.Seeds, r.TrainAccuracy)
	}
	if r.TestAccuracy.Mean >= 0.20 {
		t.Errorf("test accuracy after fitting random labels %v, want < 0.20 (chance 0.10)", r.TestAccuracy)
	}
	if a := s.LabelAgreement.Mean; a < 0.05 || a > 0.15 {
		t.Errorf("%.3f of the random labels equal the true ones, want about 0.1", a)
	}
	if !(s.EpochRatio.Mean > 1) {
		t.Errorf("random over true epochs %v, want more epochs for the random labels", s.EpochRatio)
	}
	t.Logf("answer: %s", answer31(*res))
}

// check31 checks what every 3-1 summary must hold: one entry per labelling with
// estimates over all seeds, and per seed as many recorded epochs of each split and
// metric as the summary's epochs say, in rows that carry the seed.
func check31(t *testing.T, s *summary31, tab records.Table, seeds int, contrast bool) {
	t.Helper()
	want := 1
	if contrast {
		want = 2
	}
	if s.Seeds != seeds || len(s.Runs) != want || s.LabelAgreement.N != seeds {
		t.Fatalf("summary has %d seeds, %d runs, agreement over %d; want %d seeds and %d runs", s.Seeds, len(s.Runs), s.LabelAgreement.N, seeds, want)
	}
	for _, r := range s.Runs {
		if r.Epochs.N != seeds || r.TestAccuracy.N != seeds || r.Reached < 0 || r.Reached > seeds {
			t.Errorf("%s: %+v", r.Run, r)
		}
		rows := tab.Run(r.Run).Split("train").Metric("loss")
		bySeed := map[records.Seed]int{}
		for _, row := range rows {
			bySeed[row.Seed]++
		}
		if len(bySeed) != seeds || bySeed[records.NoSeed] != 0 {
			t.Errorf("%s: training loss rows of seeds %v, want %d seeds", r.Run, bySeed, seeds)
		}
		total := 0
		for _, n := range bySeed {
			total += n
		}
		if got := float64(total) / float64(seeds); math.Abs(got-r.Epochs.Mean) > 1e-9 {
			t.Errorf("%s: %v recorded epochs per seed, summary says %v", r.Run, got, r.Epochs.Mean)
		}
	}
}
