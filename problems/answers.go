package problems

import (
	"strings"

	"hw1/problems/records"
)

// This file holds what the typed summaries and answers of several problems share: a
// model's final accuracies and losses over seeds, the sizes of the data and the
// network, effects between two named models, grouped by the function or task they
// were measured on, the verdict an answer draws from one, and accuracies in percent.

// finals are a model's final training and test accuracy and loss over seeds
// (accuracies as fractions). Embedded in a summary's row, they add the keys
// train_accuracy, test_accuracy, train_loss and test_loss, in this order.
type finals struct {
	TrainAccuracy records.Estimate `json:"train_accuracy"`
	TestAccuracy  records.Estimate `json:"test_accuracy"`
	TrainLoss     records.Estimate `json:"train_loss"`
	TestLoss      records.Estimate `json:"test_loss"`
}

// finalsOf estimates finals from the final measurements of every seed: trainAcc[k],
// testAcc[k], trainLoss[k] and testLoss[k] are those of seed k.
func finalsOf(trainAcc, testAcc, trainLoss, testLoss []float64) finals {
	return finals{
		TrainAccuracy: records.NewEstimate(trainAcc), TestAccuracy: records.NewEstimate(testAcc),
		TrainLoss: records.NewEstimate(trainLoss), TestLoss: records.NewEstimate(testLoss),
	}
}

// sizes are the sizes of the data and of the network in a problem whose models all
// share them: the number of training and test examples, and the number of parameters
// of each model.
type sizes struct {
	TrainExamples int `json:"train_examples"`
	TestExamples  int `json:"test_examples"`
	Params        int `json:"params"`
}

// namedEffect returns pairedEffect(va, vb), the effect of model a with the values va
// against model b with the values vb, seed by seed, on measure.
func namedEffect(a, b, measure string, va, vb []float64) Effect {
	e := pairedEffect(va, vb)
	e.A, e.B, e.Measure = a, b, measure
	return e
}

// groupMeasure names measure within one group of models (a function of 1-1, a task
// of 1-2) as "group: measure", the form groupEffects selects by.
func groupMeasure(group, measure string) string { return group + ": " + measure }

// groupEffects returns the effects of es whose measure groupMeasure named in group.
func groupEffects(es []Effect, group string) []Effect {
	var out []Effect
	for _, e := range es {
		if strings.HasPrefix(e.Measure, group+":") {
			out = append(out, e)
		}
	}
	return out
}

// noClearDifference is the verdict on an effect whose interval contains 0.
const noClearDifference = "no clear difference (the interval contains 0)"

// better returns the model of e that is clearly the better one, A or B: the one with
// the lower values when lowerIsBetter and the higher ones otherwise. It returns ""
// when the interval of A minus B contains 0.
func better(e Effect, lowerIsBetter bool) string {
	switch {
	case !e.Estimate.Excludes(0):
		return ""
	case (e.Estimate.Mean < 0) == lowerIsBetter:
		return e.A
	}
	return e.B
}

// percent formats an estimate of a fraction (an accuracy) in percent with digits
// significant digits: "95.86% [95.49, 96.23], 5 seeds".
func percent(e records.Estimate, digits int) string {
	return inPercent(e).Quote(digits, "%", "seeds")
}

// points formats an estimate of a difference of two fractions (of two accuracies) in
// percentage points: "-0.93 points [-1.02, -0.84], 5 seeds".
func points(e records.Estimate, digits int) string {
	return inPercent(e).Quote(digits, " points", "seeds")
}

// inPercent returns e with its mean, standard deviation and interval times 100.
func inPercent(e records.Estimate) records.Estimate {
	e.Mean, e.SD, e.Lo, e.Hi = 100*e.Mean, 100*e.SD, 100*e.Lo, 100*e.Hi
	return e
}
