package problems

import (
	"fmt"
	"math"
	"strings"

	"hw1/problems/records"
)

// summary21 is the typed summary of 2-1.
type summary21 struct {
	sizes
	// SnapshotsPerRun is the fewest snapshots of a run.
	SnapshotsPerRun int `json:"snapshots_per_run"`
	// Runs has one row per training.
	Runs []runRow21 `json:"runs"`
	// FinalTrainAcc, Travel (distance from a run's start to its end), FinalDistance and
	// InitialDistance (between two runs' end points and start points) are over the
	// runs, or over the pairs of runs for the distances.
	FinalTrainAcc   records.Estimate `json:"final_train_accuracy"`
	Travel          records.Estimate `json:"travel"`
	FinalDistance   records.Estimate `json:"final_distance"`
	InitialDistance records.Estimate `json:"initial_distance"`
	// PCA has the variance the first two components explain, per view.
	PCA []pca21 `json:"pca"`
	// Surfaces are the loss surfaces around the first run's trained model.
	Surfaces []surface21 `json:"surfaces,omitempty"`
}

// runRow21 is one training of 2-1.
type runRow21 struct {
	Run           string  `json:"run"`
	Seed          uint64  `json:"seed"`
	Snapshots     int     `json:"snapshots"`
	FinalTrainAcc float64 `json:"final_train_accuracy"`
	Travel        float64 `json:"travel"`
}

// pca21 is what one PCA of 2-1 explains.
type pca21 struct {
	View       string  `json:"view"`
	Dims       int     `json:"dims"`
	Explained1 float64 `json:"explained1"`
	Explained2 float64 `json:"explained2"`
}

// summarize21 summarises the runs: final accuracies, how far each run travelled from
// its start and how far apart the runs started and ended.
func summarize21(names []string, seeds []uint64, runs [][]snapshot) summary21 {
	sum := summary21{SnapshotsPerRun: math.MaxInt}
	var accs, travel, spread, start []float64
	for i, r := range runs {
		sum.SnapshotsPerRun = min(sum.SnapshotsPerRun, len(r))
		last := r[len(r)-1]
		d := dist32(last.Params, r[0].Params)
		accs, travel = append(accs, last.Acc), append(travel, d)
		sum.Runs = append(sum.Runs, runRow21{Run: names[i], Seed: seeds[i], Snapshots: len(r), FinalTrainAcc: last.Acc, Travel: d})
		for _, o := range runs[i+1:] {
			spread = append(spread, dist32(last.Params, o[len(o)-1].Params))
			start = append(start, dist32(r[0].Params, o[0].Params))
		}
	}
	sum.FinalTrainAcc, sum.Travel = records.NewEstimate(accs), records.NewEstimate(travel)
	sum.FinalDistance, sum.InitialDistance = records.NewEstimate(spread), records.NewEstimate(start)
	return sum
}

// answer21 reports the explained variance and how the trajectories relate, from the
// typed summary.
func answer21(res RunResult) string { return answerFrom(res, write21) }

// write21 writes the answer of 2-1 from its summary.
func write21(sum *summary21, b *strings.Builder) {
	fmt.Fprintf(b, "%d trainings from different seeds (%d training and %d test examples, %d parameters), %d snapshots each, reached a final training accuracy of %s;",
		len(sum.Runs), sum.TrainExamples, sum.TestExamples, sum.Params, sum.SnapshotsPerRun, percent(sum.FinalTrainAcc, 4))
	for _, r := range sum.Runs {
		fmt.Fprintf(b, " %s %.2f%%", r.Run, 100*r.FinalTrainAcc)
	}
	b.WriteString(". One PCA over all snapshots of all runs:")
	for _, p := range sum.PCA {
		fmt.Fprintf(b, " for %s (%d parameters) the first two components explain %.1f%% + %.1f%% of the variance;", p.View, p.Dims, 100*p.Explained1, 100*p.Explained2)
	}
	fmt.Fprintf(b, " two runs start at a distance of %s (the Euclidean distance between their parameters), each run moves %s from its start, and two runs end at a distance of %s: ",
		sum.InitialDistance.Quote(3, "", "pairs"), sum.Travel.Interval(3), sum.FinalDistance.Quote(3, "", "pairs"))
	if sum.FinalDistance.Mean > sum.Travel.Mean {
		b.WriteString("different seeds lead to different end points, farther from each other than from where they started, so the PCA plane shows separate trajectories that reach a similar accuracy.")
	} else {
		b.WriteString("the runs travel further than the distance that finally separates them.")
	}
	b.WriteString(surfaceText21(sum.Surfaces))
}
