package problems

import (
	"testing"
)

func TestProblem12CNNLearnsDigits(t *testing.T) {
	quickProfileOnly(t)
	env := testEnv(t, nil)
	env.Dataset = "digits"
	res, tab := mustExecute(t, "1-2", env)
	sum := res.Manifest.Flat()
	best := 0.0
	for _, m := range []string{"cnn-2", "cnn-4"} {
		acc := summaryValue(t, sum, "digits/"+m+"/test_accuracy")
		best = max(best, acc)
		if n, want := len(tab.Run("digits").Model(m).Split("train").Metric("loss")), defaults12(Quick).(*settings12).Epochs; n != want {
			t.Errorf("%s: %d training-loss rows, want one per epoch (%d)", m, n, want)
		}
	}
	if best < 0.975 {
		t.Errorf("best CNN test accuracy %.4f on the embedded digits, want at least 0.975", best)
	}
	p2, p4 := summaryValue(t, sum, "digits/cnn-2/params"), summaryValue(t, sum, "digits/cnn-4/params")
	if r := p4 / p2; r < 0.9 || r > 1.1 {
		t.Errorf("CNN parameter counts %v and %v differ by more than 10%%", p2, p4)
	}
	t.Logf("answer: %s", answer12(*res))
}
