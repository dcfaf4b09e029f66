package problems

import (
	"fmt"
	"math"
	"strings"

	"hw1/problems/records"
)

// summary31 is the typed summary of problem 3-1.
type summary31 struct {
	// Seeds is the number of repetitions; Train and Test the data sizes; Model and
	// Params the network; Target the training accuracy that ends a training and
	// EpochBudget the epochs it may take at most.
	Seeds       int     `json:"seeds"`
	Train       int     `json:"train"`
	Test        int     `json:"test"`
	Model       string  `json:"model"`
	Params      int     `json:"params"`
	Target      float64 `json:"target"`
	EpochBudget int     `json:"epoch_budget"`
	// LabelAgreement is the fraction of random labels equal to the true ones.
	LabelAgreement records.Estimate `json:"label_agreement"`
	// Runs has one entry per labelling (random, and true for contrast).
	Runs []labelling31 `json:"runs"`
	// EpochRatio is, seed by seed, the epochs the random labels took over those the
	// true labels took (NaN without the contrast).
	EpochRatio records.Estimate `json:"epoch_ratio_random_over_true"`
}

// labelling31 is one labelling of 3-1 (random, or true for contrast) over seeds: how
// many seeds reached the target, in how many epochs, and the final measurements.
type labelling31 struct {
	Run     string           `json:"run"`
	Reached int              `json:"seeds_reaching_target"`
	Epochs  records.Estimate `json:"epochs"`
	finals
	FirstTestLoss records.Estimate `json:"first_epoch_test_loss"`
	epochs        []float64
}

// fill summarises the outcomes of every run over seeds.
func (s *summary31) fill(outcomes map[string][]outcome31) {
	for _, name := range []string{run31Random, run31True} {
		os, ok := outcomes[name]
		if !ok {
			continue
		}
		r := labelling31{Run: name}
		var tra, tea, trl, tel, first []float64
		for _, o := range os {
			if o.reached {
				r.Reached++
			}
			r.epochs = append(r.epochs, float64(o.epochs))
			tra, tea = append(tra, o.trainAcc), append(tea, o.testAcc)
			trl, tel, first = append(trl, o.trainLoss), append(tel, o.testLoss), append(first, o.firstTestLoss)
		}
		r.Epochs, r.FirstTestLoss = records.NewEstimate(r.epochs), records.NewEstimate(first)
		r.finals = finalsOf(tra, tea, trl, tel)
		s.Runs = append(s.Runs, r)
	}
	s.EpochRatio = records.NewEstimate(nil)
	if len(s.Runs) == 2 {
		ratio := make([]float64, len(s.Runs[0].epochs))
		for i := range ratio {
			ratio[i] = s.Runs[0].epochs[i] / s.Runs[1].epochs[i]
		}
		s.EpochRatio = records.NewEstimate(ratio)
	}
}

// answer31 says whether the network fitted the random labels in every seed, in how
// many epochs, and what its test accuracy was, against the true-label contrast.
func answer31(res RunResult) string { return answerFrom(res, write31) }

// write31 writes the answer of 3-1 from its summary.
func write31(s *summary31, b *strings.Builder) {
	if len(s.Runs) == 0 {
		b.WriteString("No training finished.")
		return
	}
	r := s.Runs[0]
	fmt.Fprintf(b, "%d repetitions, each with its own random labels and initialisation, on %d training and %d test digits; the %d-parameter MLP trains until %.0f%% training accuracy or %d epochs. ",
		s.Seeds, s.Train, s.Test, s.Params, 100*s.Target, s.EpochBudget)
	switch {
	case r.Reached == s.Seeds:
		fmt.Fprintf(b, "Yes: it fitted the random labels in all %d repetitions, reaching a training accuracy of %s after %s. ", s.Seeds, percent(r.TrainAccuracy, 4), r.Epochs.Quote(3, " epochs", "seeds"))
	case r.Reached > 0:
		fmt.Fprintf(b, "Only in %d of %d repetitions did it reach the target on the random labels; the training accuracy ended at %s after %s. ", r.Reached, s.Seeds, percent(r.TrainAccuracy, 4), r.Epochs.Quote(3, " epochs", "seeds"))
	default:
		fmt.Fprintf(b, "It did not reach %.0f%% training accuracy on the random labels within %d epochs in any repetition: the training accuracy ended at %s. ", 100*s.Target, s.EpochBudget, percent(r.TrainAccuracy, 4))
	}
	fmt.Fprintf(b, "Its test accuracy ended at %s (chance is 10%%) and its test loss went from %s after the first epoch to %s: what it learned about the random labels does not transfer to the true ones. ",
		percent(r.TestAccuracy, 3), r.FirstTestLoss.Interval(3), r.TestLoss.Interval(3))
	if len(s.Runs) > 1 {
		t := s.Runs[1]
		fmt.Fprintf(b, "With the true labels the same model reached a training accuracy of %s in %s (%d of %d repetitions reached the target) and a test accuracy of %s",
			percent(t.TrainAccuracy, 4), t.Epochs.Quote(3, " epochs", "seeds"), t.Reached, s.Seeds, percent(t.TestAccuracy, 4))
		if !math.IsNaN(s.EpochRatio.Mean) {
			fmt.Fprintf(b, "; fitting noise took %s", s.EpochRatio.Quote(3, " times as many epochs", "seeds"))
		}
		b.WriteString(".")
	}
}
