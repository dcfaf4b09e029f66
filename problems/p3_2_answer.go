package problems

import (
	"fmt"
	"strings"

	"hw1/problems/analysis"
	"hw1/problems/records"
)

// point32 is one model of the sweep over seeds, in the order of the seeds.
type point32 struct {
	name                                   string
	params                                 float64
	trainLoss, testLoss, trainAcc, testAcc []float64
}

// summary32 is the typed summary of problem 3-2.
type summary32 struct {
	// Seeds is the number of trainings per model; Train and Test the data sizes;
	// Epochs the budget every model gets.
	Seeds  int `json:"seeds"`
	Train  int `json:"train"`
	Test   int `json:"test"`
	Epochs int `json:"epochs"`
	// Models has every model, smallest first, with its final measurements over seeds
	// (accuracies as fractions; Gap is train minus test accuracy).
	Models []model32 `json:"models"`
	// BestTestLoss and BestTestAccuracy name the model with the best mean and the
	// share of seeds in which it is the best one.
	BestTestLoss     best32 `json:"best_test_loss"`
	BestTestAccuracy best32 `json:"best_test_accuracy"`
	// LargestMinusBest is the largest model's test loss minus that of the model with
	// the lowest mean test loss, seed by seed.
	LargestMinusBest Effect `json:"largest_minus_best_test_loss"`
	// TrainAccuracyRank is the Spearman correlation of training accuracy with the
	// parameter count, one per seed.
	TrainAccuracyRank records.Estimate `json:"spearman_train_accuracy_params"`
}

// model32 is one model of the sweep with its final measurements over seeds.
type model32 struct {
	Model  string `json:"model"`
	Params int    `json:"params"`
	finals
	Gap records.Estimate `json:"gap_accuracy"`
}

type best32 struct {
	Model  string  `json:"model"`
	Params int     `json:"params"`
	Share  float64 `json:"share_of_seeds_best"`
}

// fill summarises the sweep; pts are sorted by parameter count.
func (s *summary32) fill(pts []point32) {
	if len(pts) == 0 {
		return
	}
	for _, p := range pts {
		gap := make([]float64, len(p.trainAcc))
		for i := range gap {
			gap[i] = p.trainAcc[i] - p.testAcc[i]
		}
		s.Models = append(s.Models, model32{
			Model: p.name, Params: int(p.params),
			finals: finalsOf(p.trainAcc, p.testAcc, p.trainLoss, p.testLoss),
			Gap:    records.NewEstimate(gap),
		})
	}
	s.BestTestLoss = bestOf(pts, func(p point32) []float64 { return p.testLoss }, false)
	s.BestTestAccuracy = bestOf(pts, func(p point32) []float64 { return p.testAcc }, true)
	var bestPt point32
	for _, p := range pts {
		if p.name == s.BestTestLoss.Model {
			bestPt = p
		}
	}
	large := pts[len(pts)-1]
	s.LargestMinusBest = namedEffect(large.name, bestPt.name, "test loss", large.testLoss, bestPt.testLoss)
	var rho []float64
	for k := range pts[0].trainAcc {
		var params, acc []float64
		for _, p := range pts {
			params, acc = append(params, p.params), append(acc, p.trainAcc[k])
		}
		rho = append(rho, analysis.Spearman(params, acc))
	}
	s.TrainAccuracyRank = records.NewEstimate(rho)
}

// bestOf returns the model with the best mean of value (the highest with high, else
// the lowest) and the share of seeds in which it is the best model.
func bestOf(pts []point32, value func(point32) []float64, high bool) best32 {
	sign := 1.0
	if high {
		sign = -1
	}
	bi := 0
	for i, p := range pts {
		if sign*records.NewEstimate(value(p)).Mean < sign*records.NewEstimate(value(pts[bi])).Mean {
			bi = i
		}
	}
	n, wins := len(value(pts[bi])), 0
	for k := range n {
		ok := true
		for _, p := range pts {
			if sign*value(p)[k] < sign*value(pts[bi])[k] {
				ok = false
			}
		}
		if ok {
			wins++
		}
	}
	return best32{Model: pts[bi].name, Params: int(pts[bi].params), Share: float64(wins) / float64(max(n, 1))}
}

// answer32 describes how the train and test metrics move with the number of parameters,
// with intervals over seeds, every model's test accuracy, and how often the best model
// is the best in each seed.
func answer32(res RunResult) string { return answerFrom(res, write32) }

// write32 writes the answer of 3-2 from its summary.
func write32(s *summary32, b *strings.Builder) {
	if len(s.Models) == 0 {
		b.WriteString("No model finished.")
		return
	}
	small, large := s.Models[0], s.Models[len(s.Models)-1]
	fmt.Fprintf(b, "%d models from %d to %d parameters (%.0fx), %d seeds each, all trained for %d epochs on %d digits and tested on %d. ",
		len(s.Models), small.Params, large.Params, float64(large.Params)/float64(small.Params), s.Seeds, s.Epochs, s.Train, s.Test)
	var parts []string
	for _, m := range s.Models {
		parts = append(parts, fmt.Sprintf("%d: %.1f%%", m.Params, 100*m.TestAccuracy.Mean))
	}
	fmt.Fprintf(b, "Mean test accuracy by parameter count: %s. ", strings.Join(parts, ", "))
	fmt.Fprintf(b, "Training accuracy goes from %s for the smallest to %s for the largest (Spearman correlation with the parameter count %s). ",
		percent(small.TrainAccuracy, 3), percent(large.TrainAccuracy, 4), s.TrainAccuracyRank.Interval(2))
	fmt.Fprintf(b, "Test accuracy is best on average at %d parameters (best in %s seeds) and test loss lowest at %d parameters (lowest in %s seeds). ",
		s.BestTestAccuracy.Params, ofSeeds(s.BestTestAccuracy.Share, s.Seeds), s.BestTestLoss.Params, ofSeeds(s.BestTestLoss.Share, s.Seeds))
	fmt.Fprintf(b, "The generalization gap (train minus test accuracy) is %s for the smallest model and %s for the largest. ",
		points(small.Gap, 2), points(large.Gap, 2))
	e := s.LargestMinusBest
	switch {
	case e.A == e.B:
		b.WriteString("The test loss kept falling up to the largest model.")
	case e.Estimate.Excludes(0) && e.Estimate.Mean > 0:
		fmt.Fprintf(b, "The largest model's test loss is above the best model's by %s (higher in %s seeds): the larger models overfit in test loss.", e.Estimate.Interval(2), ofSeeds(e.Higher, e.Estimate.N))
	default:
		fmt.Fprintf(b, "The largest model minus the best one in test loss: %s (higher in %s seeds); the interval contains 0, so past %d parameters the test loss does not clearly change.", e.Estimate.Interval(2), ofSeeds(e.Higher, e.Estimate.N), s.BestTestLoss.Params)
	}
}
