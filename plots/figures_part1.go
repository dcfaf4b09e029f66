package plots

import (
	"fmt"

	"hw1/problems/records"
)

// Problem 1-1: simulate a function.
var figures11 = problemFigures{
	figures: []FigureInfo{
		{"loss-<function>", "Training loss (MSE, log scale) of every model against epoch, one figure per target function: the median over seeds with the band from the 25th to the 75th percentile; the legend gives each model's parameter count and seeds."},
		{"predictions-<function>", "Each model's median prediction over seeds with its 25th–75th percentile band on a dense grid against the ground truth (thick dashed line), one figure per target function."},
	},
	plan: plan11,
}

// band11 is the band every 1-1 figure draws.
const band11 = MedianIQR

func plan11(t records.Table) ([]job, error) {
	loss := t.Split(records.SplitTrain).Metric(records.MetricLoss)
	grid := t.Split(records.SplitGrid)
	return perRun(union(loss.Runs(), grid.Runs()), `no "loss" rows in split train and no grid rows`, func(run string) []job {
		return []job{{
			name:    "loss-" + fileName(run),
			caption: fmt.Sprintf("Training loss (MSE, log scale) of every model against epoch when fitting %s: %s.", run, band11.Describe()),
			build: func() (*Figure, error) {
				rows := loss.Run(run)
				if len(rows) == 0 {
					return nil, missing("run %s has no %q rows in split train", run, records.MetricLoss)
				}
				b, err := SeedBands(rows, records.ByEpoch, band11, func(r records.Row) string { return withParams(t.Run(run), r.Model) })
				if err != nil {
					return nil, err
				}
				return BandChart(Axes{Title: run + ": training loss", X: "epoch", Y: "training loss (MSE)", LogY: true}, band11, b...)
			},
		}, {
			name:    "predictions-" + fileName(run),
			caption: fmt.Sprintf("Each model's prediction against the ground truth %s (thick dashed line) on a dense grid: %s.", run, band11.Describe()),
			build: func() (*Figure, error) {
				g := grid.Run(run)
				truth, err := sweep(g.Model(records.ModelTruth), records.MetricX, records.MetricY, func(records.Pair) string { return "ground truth" })
				if err != nil {
					return nil, fmt.Errorf("run %s, model truth: %w", run, err)
				}
				var preds []Band
				for _, m := range g.Models() {
					if m == records.ModelTruth {
						continue
					}
					b, err := SweepBands(g.Model(m), records.MetricX, records.MetricY, band11, func(records.Pair) string { return m })
					if err != nil {
						return nil, fmt.Errorf("run %s, model %s: %w", run, m, err)
					}
					preds = append(preds, b...)
				}
				if len(preds) == 0 {
					return nil, missing("run %s has no model predictions in split grid", run)
				}
				return PredictionBandChart(Axes{Title: run + ": predictions", X: "x", Y: "y"}, band11, truth[0], preds...)
			},
		}}
	})
}

// withParams labels a model with its parameter count when the records hold one.
func withParams(t records.Table, model string) string {
	if v, ok := last(t.Model(model).Metric(records.MetricParams)); ok {
		return fmt.Sprintf("%s (%.0f params)", model, v)
	}
	return model
}

// union returns the strings of a followed by those of b not in a.
func union(a, b []string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Problem 1-2: train on actual tasks.
var figures12 = problemFigures{
	figures: []FigureInfo{
		{"loss-<task>", "Training loss (cross-entropy, log scale) of every model against epoch, one figure per task: the median over seeds with the min–max band."},
		{"accuracy-<task>", "Training accuracy of every model against epoch, one figure per task: the median over seeds with the min–max band; the legend gives each model's mean test accuracy over seeds."},
	},
	plan: plan12,
}

func plan12(t records.Table) ([]job, error) {
	train := t.Split(records.SplitTrain)
	runs := train.Metric(records.MetricLoss).Runs()
	runs = union(runs, train.Metric(records.MetricAccuracy).Runs())
	return perRun(runs, `no "loss" or "accuracy" rows in split train`, func(run string) []job {
		label := func(r records.Row) string {
			if v, n, ok := meanLast(t.Run(run).Model(r.Model).Split(records.SplitTest).Metric(records.MetricAccuracy)); ok {
				return fmt.Sprintf("%s (test %s, mean of %d)", r.Model, percent(v, 2), n)
			}
			return r.Model
		}
		var jobs []job
		for _, c := range []struct {
			metric, y, caption string
			log                bool
		}{
			{records.MetricLoss, "training loss (cross-entropy)", "Training loss (cross-entropy, log scale) of every model against epoch on %s: %s; the legend gives each model's mean test accuracy over seeds.", true},
			{records.MetricAccuracy, "training accuracy", "Training accuracy of every model against epoch on %s: %s; the legend gives each model's mean test accuracy over seeds.", false},
		} {
			jobs = append(jobs, job{
				name:    c.metric + "-" + fileName(run),
				caption: fmt.Sprintf(c.caption, run, MedianRange.Describe()),
				build: func() (*Figure, error) {
					rows := train.Run(run).Metric(c.metric)
					if len(rows) == 0 {
						return nil, missing("run %s has no %q rows in split train", run, c.metric)
					}
					b, err := SeedBands(rows, records.ByEpoch, MedianRange, label)
					if err != nil {
						return nil, err
					}
					return BandChart(Axes{Title: run + ": " + c.y, X: "epoch", Y: c.y, LogY: c.log}, MedianRange, b...)
				},
			})
		}
		return jobs
	})
}

// meanLast returns the mean over seeds of the last value (in file order) of each seed's
// rows in t, and the number of seeds.
func meanLast(t records.Table) (float64, int, bool) {
	lastOf := map[records.Seed]float64{}
	var order []records.Seed
	for _, r := range t {
		if _, ok := lastOf[r.Seed]; !ok {
			order = append(order, r.Seed)
		}
		lastOf[r.Seed] = r.Value
	}
	if len(order) == 0 {
		return 0, 0, false
	}
	var sum float64
	for _, s := range order {
		sum += lastOf[s]
	}
	return sum / float64(len(order)), len(order), true
}
