package problems

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"hw1/problems/records"
)

// summary33 is the typed summary of 3-3.
type summary33 struct {
	sizes
	Seeds        int    `json:"seeds"`
	Criterion    string `json:"criterion"`
	LearningRate string `json:"learning_rate"`
	// Models has one row per batch size; its estimates are over the seeds that met
	// the criterion.
	Models []batch33 `json:"models"`
	// Sharpness has one row per batch size, ε and space.
	Sharpness []sharpRow33 `json:"sharpness"`
	// Comparison sets the largest batch against the smallest, paired by seed over
	// the seeds where both met the criterion; Keskar gives the published F1 figures.
	Comparison     []compare33 `json:"comparison"`
	Interpolations []interp33  `json:"interpolations"`
	// Missed names the trainings that missed the criterion within the step budget.
	Missed []string `json:"missed"`
}

// batch33 is one batch size of the sweep.
type batch33 struct {
	Batch        int              `json:"batch"`
	LearningRate float64          `json:"learning_rate"`
	Reached      int              `json:"reached"`
	Trained      int              `json:"trained"`
	Steps        records.Estimate `json:"steps"`
	finals
	Sensitivity records.Estimate `json:"sensitivity"`
	// LambdaMax and Trace are the largest eigenvalue and the trace of the Hessian of
	// the training loss (n = 0 where the run computed no spectrum).
	LambdaMax records.Estimate `json:"lambda_max"`
	Trace     records.Estimate `json:"hessian_trace"`
}

// sharpRow33 is the sharpness of one batch size at one ε in one space.
type sharpRow33 struct {
	Batch     int              `json:"batch"`
	Eps       float64          `json:"eps"`
	Space     string           `json:"space"`
	Sharpness records.Estimate `json:"sharpness"`
}

// compare33 is one quantity of the small against large batch comparison.
type compare33 struct {
	Quantity string           `json:"quantity"`
	Small    records.Estimate `json:"small_batch"`
	Large    records.Estimate `json:"large_batch"`
	Diff     records.Estimate `json:"large_minus_small"`
	// LargerShare is the share of paired seeds in which the large batch's value is
	// the larger.
	LargerShare float64 `json:"share_large_larger"`
	Keskar      string  `json:"keskar_f1"`
}

// keskarF1 are Keskar et al.'s (2017) figures for network F1 (fully connected, MNIST),
// small batch against large batch, by quantity.
var keskarF1 = map[string]string{
	"test accuracy":                   "98.03 ± 0.07% vs 97.81 ± 0.07%",
	"sharpness ε=1e-3 full":           "1.23 ± 0.83 vs 205.14 ± 69.52",
	"sharpness ε=5e-4 full":           "0.61 ± 0.27 vs 42.90 ± 17.14",
	"sharpness ε=1e-3 random 100-dim": "0.11 vs 9.22",
}

func spaceName(sub int) string {
	if sub == 0 {
		return "full"
	}
	return fmt.Sprintf("random %d-dim", sub)
}

// summarize33 builds and stores the typed summary of a 3-3 run from its trained models.
func summarize33(rec *Recorder, s *settings33, x *exp33, batches []int, sweep []*trained33, interps []interp33) error {
	n, err := x.spec.NumParams()
	if err != nil {
		return err
	}
	sum := summary33{sizes: sizes{TrainExamples: x.ntrain, TestExamples: x.testData.N(), Params: n}, Seeds: s.Seeds,
		Criterion:    fmt.Sprintf("training accuracy >= %g%%%s within %d steps", 100*s.TargetAccuracy, targetLossText(s.TargetLoss), s.StepBudget),
		LearningRate: x.lrText(), Interpolations: interps, Missed: []string{}}
	by := map[int][]*trained33{}
	for _, t := range sweep {
		by[t.cfg.batch] = append(by[t.cfg.batch], t)
		if !t.reached {
			sum.Missed = append(sum.Missed, fmt.Sprintf("%s seed %d: training accuracy %.2f%% after %d steps", t.name, t.cfg.seed+1, 100*t.trainAcc, t.steps))
		}
	}
	pick := func(ts []*trained33, f func(*trained33) float64) []float64 {
		var v []float64
		for _, t := range ts {
			if t.reached {
				v = append(v, f(t))
			}
		}
		return v
	}
	for _, b := range batches {
		ts := by[b]
		est := func(q quantity33) records.Estimate { return records.NewEstimate(pick(ts, q.value)) }
		row := batch33{Batch: b, LearningRate: x.lr(b), Trained: len(ts),
			Steps: est(steps33),
			finals: finalsOf(pick(ts, trainAcc33.value), pick(ts, testAcc33.value),
				pick(ts, trainLoss33.value), pick(ts, testLoss33.value)),
			Sensitivity: est(sensitivity33),
			LambdaMax:   records.NewEstimate(computed(pick(ts, lambdaMax33.value))),
			Trace:       records.NewEstimate(computed(pick(ts, trace33.value)))}
		row.Reached = len(pick(ts, func(*trained33) float64 { return 0 }))
		sum.Models = append(sum.Models, row)
		for k, sh := range ts[0].sharp {
			sum.Sharpness = append(sum.Sharpness, sharpRow33{Batch: b, Eps: sh.eps, Space: spaceName(sh.sub), Sharpness: est(sharpQuantity33(k, sh))})
		}
	}
	if len(batches) >= 2 {
		small, large := by[batches[0]], by[batches[len(batches)-1]]
		var ps, pl []*trained33
		for i := range small {
			if i < len(large) && small[i].reached && large[i].reached {
				ps, pl = append(ps, small[i]), append(pl, large[i])
			}
		}
		for _, q := range compared33(small[0]) {
			a, b := pick(ps, q.value), pick(pl, q.value)
			e := pairedEffect(b, a)
			sum.Comparison = append(sum.Comparison, compare33{Quantity: q.name, Small: records.NewEstimate(a), Large: records.NewEstimate(b),
				Diff: e.Estimate, LargerShare: e.Higher, Keskar: keskarF1[q.name]})
		}
	}
	return rec.SetSummary(sum)
}

// quantity33 is one measurement of a trained model of 3-3, with its name in the
// comparison of small against large batch.
type quantity33 struct {
	name  string
	value func(*trained33) float64
}

// The measurements of a trained model of 3-3 that the summary estimates over seeds.
var (
	steps33       = quantity33{"steps", func(t *trained33) float64 { return float64(t.steps) }}
	trainAcc33    = quantity33{"training accuracy", func(t *trained33) float64 { return t.trainAcc }}
	testAcc33     = quantity33{"test accuracy", func(t *trained33) float64 { return t.testAcc }}
	trainLoss33   = quantity33{"training loss", func(t *trained33) float64 { return t.trainLoss }}
	testLoss33    = quantity33{"test loss", func(t *trained33) float64 { return t.testLoss }}
	sensitivity33 = quantity33{"sensitivity", func(t *trained33) float64 { return t.sensitivity }}
	lambdaMax33   = quantity33{"Hessian λ_max", func(t *trained33) float64 { return t.lambdaMax }}
	trace33       = quantity33{"Hessian trace", func(t *trained33) float64 { return t.trace }}
)

// sharpQuantity33 is a model's k-th sharpness measurement, of which sh is one instance.
func sharpQuantity33(k int, sh sharp33) quantity33 {
	return quantity33{fmt.Sprintf("sharpness ε=%s %s", epsName(sh.eps), spaceName(sh.sub)), func(t *trained33) float64 { return t.sharp[k].value }}
}

// compared33 lists the quantities that the comparison of small against large batch
// covers: the test metrics, the steps, the Hessian's λ_max and trace where the run
// computed them (as it did for t), and the sharpness at every ε and space t has.
func compared33(t *trained33) []quantity33 {
	qs := []quantity33{testAcc33, testLoss33, sensitivity33, steps33}
	if !math.IsNaN(t.lambdaMax) {
		qs = append(qs, lambdaMax33, trace33)
	}
	for k, sh := range t.sharp {
		qs = append(qs, sharpQuantity33(k, sh))
	}
	return qs
}

// computed leaves out the NaN values of xs, which stand for models whose run computed
// no Hessian spectrum (spectrum refuses a NaN eigenvalue).
func computed(xs []float64) []float64 {
	return slices.DeleteFunc(xs, math.IsNaN)
}

// answer33 reports the interpolations, every batch size with intervals over seeds,
// and the small against large batch comparison beside Keskar et al.'s figures.
func answer33(res RunResult) string { return answerFrom(res, write33) }

// write33 writes the answer of 3-3 from its summary.
func write33(sum *summary33, b *strings.Builder) {
	for _, in := range sum.Interpolations {
		fmt.Fprintf(b, "%s: the training loss is %.3g at θ1 (%s) and %.3g at θ2 (%s); α = 0 and 1 reproduce them (largest difference %.2g) and it is %.3g halfway",
			in.Run, in.Theta1TrainLoss, in.Theta1, in.Theta2TrainLoss, in.Theta2, in.MaxEndpointDiff, in.HalfTrainLoss)
		if in.HalfTrainLoss > math.Max(in.Theta1TrainLoss, in.Theta2TrainLoss) {
			b.WriteString(", a barrier between the two minima")
		} else {
			b.WriteString(", no barrier between them")
		}
		fmt.Fprintf(b, "; test accuracy %.2f%% at θ1 and %.2f%% at θ2. ", 100*in.Theta1TestAcc, 100*in.Theta2TestAcc)
		if in.FilterOffset > 0 {
			fmt.Fprintf(b, "Along one filter-normalised random direction (Li et al. 2018), the training loss rises by %.3g at θ1 and %.3g at θ2 at offset ±%.2g, so %s. ",
				in.Theta1FilterRise, in.Theta2FilterRise, in.FilterOffset, widerText(in))
		}
	}
	fmt.Fprintf(b, "Every model trained to the same criterion (%s; %s) on %d training examples, tested on %d. ", sum.Criterion, sum.LearningRate, sum.TrainExamples, sum.TestExamples)
	for _, m := range sum.Models {
		fmt.Fprintf(b, "Batch %d (lr %g): %d of %d seeds met it, in %s; test accuracy %s, sensitivity %s",
			m.Batch, m.LearningRate, m.Reached, m.Trained, m.Steps.Quote(3, " steps", "seeds"), percent(m.TestAccuracy, 4), m.Sensitivity.Interval(3))
		if m.LambdaMax.N > 0 {
			fmt.Fprintf(b, "; Hessian λ_max %s, trace %s", m.LambdaMax.Interval(3), m.Trace.Interval(3))
		}
		b.WriteString(". ")
	}
	if len(sum.Missed) > 0 {
		fmt.Fprintf(b, "Left out of the comparison for missing the criterion: %s. ", strings.Join(sum.Missed, "; "))
	}
	for _, c := range sum.Comparison {
		// Accuracies are quoted in percent and their difference in points, as
		// Keskar's figures are.
		value, diff := records.Estimate.Interval, records.Estimate.Interval
		if c.Quantity == testAcc33.name {
			value, diff = percent, points
		}
		fmt.Fprintf(b, "%s, largest minus smallest batch: %s (large batch larger in %.0f%% of paired seeds)", c.Quantity, diff(c.Diff, 3), 100*c.LargerShare)
		if c.Keskar != "" {
			fmt.Fprintf(b, "; here %s vs %s, Keskar's F1 %s", value(c.Small, 3), value(c.Large, 3), c.Keskar)
		}
		b.WriteString(". ")
	}
}

// widerText says which minimum of in is the wider along its filter-normalised
// direction, or that they rise alike (within 10%).
func widerText(in interp33) string {
	r1, r2 := in.Theta1FilterRise, in.Theta2FilterRise
	switch {
	case math.Abs(r1-r2) <= 0.1*math.Max(math.Abs(r1), math.Abs(r2)):
		return "the two minima are about equally wide on that scale"
	case r1 < r2:
		return fmt.Sprintf("θ1 (%s) is the wider minimum on that scale", in.Theta1)
	default:
		return fmt.Sprintf("θ2 (%s) is the wider minimum on that scale", in.Theta2)
	}
}
