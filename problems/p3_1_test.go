package problems

import (
	"testing"

	"hw1/problems/records"
)

// TestProblem31FitsRandomLabels checks Zhang et al.'s result on the quick profile: the
// MLP fits training labels drawn at random while its test accuracy stays near chance.
func TestProblem31FitsRandomLabels(t *testing.T) {
	quickProfileOnly(t)
	res, tab := mustExecute(t, "3-1", testEnv(t, nil))
	sum := res.Manifest.Flat()
	trainAcc, testAcc := summaryValue(t, sum, "random-labels/train_accuracy"), summaryValue(t, sum, "random-labels/test_accuracy")
	if trainAcc < 0.99 {
		t.Errorf("training accuracy on random labels %.4f, want >= 0.99", trainAcc)
	}
	if testAcc >= 0.20 {
		t.Errorf("test accuracy after fitting random labels %.4f, want < 0.20 (chance 0.10)", testAcc)
	}
	if a := summaryValue(t, sum, "label_agreement"); a < 0.05 || a > 0.15 {
		t.Errorf("%.3f of the random labels equal the true ones, want about 0.1", a)
	}
	rows := tab.Run("random-labels")
	for _, split := range []string{"train", "test"} {
		for _, metric := range []string{"loss", "accuracy"} {
			pts, err := rows.Split(split).Metric(metric).Series(records.ByEpoch)
			if err != nil {
				t.Fatalf("%s %s: %v", split, metric, err)
			}
			if len(pts) != int(summaryValue(t, sum, "random-labels/epochs")) {
				t.Errorf("%s %s: %d epochs recorded, training ran %v", split, metric, len(pts), sum["random-labels/epochs"])
			}
		}
	}
	if te, re := summaryValue(t, sum, "true-labels/epochs"), summaryValue(t, sum, "random-labels/epochs"); te >= re {
		t.Errorf("true labels took %v epochs, random labels %v: want fewer for the true labels", te, re)
	}
	t.Logf("answer: %s", answer31(*res))
}
