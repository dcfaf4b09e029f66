package plots

import (
	"fmt"
	"slices"
	"strings"

	"hw1/problems/records"
)

// Problem 3-1: can a network fit random labels?
var figures31 = problemFigures{
	figures: []FigureInfo{
		{"curves-<run>", "Train and test loss (log scale, left) and accuracy (right) against epoch, one figure per run (random labels; true labels for contrast): the median over seeds with the min–max band."},
	},
	plan: plan31,
}

func plan31(t records.Table) ([]job, error) {
	runs := union(t.Metric(records.MetricLoss).Runs(), t.Metric(records.MetricAccuracy).Runs())
	return perRun(runs, `no "loss" or "accuracy" rows`, func(run string) []job {
		return []job{{
			name:    "curves-" + fileName(run),
			caption: fmt.Sprintf("Train and test loss (log scale, left) and accuracy (right) against epoch for %s: %s (each seed stops at its own epoch, so later epochs summarise the seeds still training); the training labels were drawn once per seed and kept fixed, the test set keeps its true labels.", run, MedianRange.Describe()),
			build: func() (*Figure, error) {
				rows := t.Run(run).Where(func(r records.Row) bool { return r.Split == records.SplitTrain || r.Split == records.SplitTest })
				label := rowLabel(bySplit(nil, rows.Models()))
				var panels []Panel
				for _, c := range []struct {
					metric, y string
					log       bool
				}{{records.MetricLoss, "cross-entropy", true}, {records.MetricAccuracy, "accuracy", false}} {
					m := rows.Metric(c.metric)
					if len(m) == 0 {
						return nil, missing("run %s has no %q rows in split train or test", run, c.metric)
					}
					b, err := SeedBands(m, records.ByEpoch, MedianRange, label)
					if err != nil {
						return nil, err
					}
					panels = append(panels, Panel{Axes: Axes{Title: c.metric, X: "epoch", Y: c.y, LogY: c.log}, Bands: b, BandKind: MedianRange})
				}
				return PanelChart(run+": train and test against epoch", panels...)
			},
		}}
	})
}

// Problem 3-2: number of parameters against generalization.
var figures32 = problemFigures{
	figures: []FigureInfo{
		{"params", "Train and test loss (left) and accuracy (right) of every model against its number of parameters (log scale), all trained with the same budget: the median over seeds with the min–max band."},
	},
	plan: plan32,
}

func plan32(t records.Table) ([]job, error) {
	return []job{{
		name:    "params",
		caption: fmt.Sprintf("Train and test loss (left) and accuracy (right) of %d models against their number of parameters (log scale), all trained with the same budget: %s.", len(t.Metric(records.MetricParams).Models()), MedianRange.Describe()),
		build: func() (*Figure, error) {
			return sweepBandChart(t, records.MetricParams, "number of parameters", "train and test against the number of parameters")
		},
	}}, nil
}

// sweepRows returns the coord rows of a sweep, every row of the runs that have them,
// and the labels of their series; a table without coord rows is missing records.
func sweepRows(t records.Table, coord string) (coords, rows records.Table, label func(records.Pair) string, err error) {
	coords = t.Metric(coord)
	if len(coords) == 0 {
		return nil, nil, nil, missing("no %q rows", coord)
	}
	rows = t.Where(func(r records.Row) bool { return slices.Contains(coords.Runs(), r.Run) })
	return coords, rows, pairLabel(bySplit(coords.Runs(), nil)), nil
}

// sweepBandChart draws loss and accuracy, train and test, against a coordinate metric
// with log x: the median over seeds with the min–max band.
func sweepBandChart(t records.Table, coord, xlabel, title string) (*Figure, error) {
	_, rows, label, err := sweepRows(t, coord)
	if err != nil {
		return nil, err
	}
	var panels []Panel
	for _, c := range []struct {
		metric, y string
		log       bool
	}{{records.MetricLoss, "cross-entropy", true}, {records.MetricAccuracy, "accuracy", false}} {
		m := slices.Concat(rows.Metric(coord), rows.Metric(c.metric).Where(func(r records.Row) bool {
			return r.Split == records.SplitTrain || r.Split == records.SplitTest
		}))
		b, err := SweepBands(m, coord, c.metric, MedianRange, label)
		if err != nil {
			return nil, err
		}
		panels = append(panels, Panel{Axes: Axes{Title: c.metric, X: xlabel, Y: c.y, LogX: true, LogY: c.log}, Bands: b, BandKind: MedianRange})
	}
	return PanelChart(title, panels...)
}

// sweepChart draws loss and accuracy, train and test, against a coordinate metric,
// with log x; with extra it adds the sensitivity and sharpness panels of 3-3.
func sweepChart(t records.Table, coord, xlabel, title string, extra bool) (*Figure, error) {
	coords, rows, label, err := sweepRows(t, coord)
	if err != nil {
		return nil, err
	}
	var ticks []float64
	if extra {
		ticks = distinctValues(coords)
	}
	panel := func(metric, y string, logY bool, splits ...string) (Panel, error) {
		m := slices.Concat(rows.Metric(coord), rows.Metric(metric).Where(func(r records.Row) bool { return slices.Contains(splits, r.Split) }))
		s, err := sweep(m, coord, metric, label)
		if err != nil {
			return Panel{}, err
		}
		return Panel{Axes: Axes{Title: metric, X: xlabel, Y: y, LogX: true, LogY: logY, XTicks: ticks}, Series: s, Markers: true}, nil
	}
	var panels []Panel
	for _, c := range []struct {
		metric, y string
		log       bool
		splits    []string
	}{
		{records.MetricLoss, "cross-entropy", true, []string{records.SplitTrain, records.SplitTest}},
		{records.MetricAccuracy, "accuracy", false, []string{records.SplitTrain, records.SplitTest}},
	} {
		p, err := panel(c.metric, c.y, c.log, c.splits...)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	if extra {
		p, err := panel(records.MetricSensitivity, "mean Frobenius norm of the Jacobian", false, records.SplitTest)
		if err != nil {
			return nil, err
		}
		p.Title = "sensitivity"
		panels = append(panels, p)
		var sharp []Series
		for _, m := range rows.Metrics() {
			eps, ok := strings.CutPrefix(m, records.MetricSharpnessPrefix)
			if !ok {
				continue
			}
			s, err := sweep(slices.Concat(rows.Metric(coord), rows.Metric(m)), coord, m, func(p records.Pair) string {
				if len(coords.Runs()) > 1 {
					return p.Run + " ε = " + eps
				}
				return "ε = " + eps
			})
			if err != nil {
				continue // sharpness is optional
			}
			sharp = append(sharp, s...)
		}
		if len(sharp) > 0 {
			panels = append(panels, Panel{Axes: Axes{Title: "sharpness", X: xlabel, Y: "sharpness (%)", LogX: true, XTicks: ticks}, Series: sharp, Markers: true})
		}
	}
	return PanelChart(title, panels...)
}

// distinctValues returns the distinct values of t's rows, sorted.
func distinctValues(t records.Table) []float64 {
	var vs []float64
	for _, r := range t {
		vs = append(vs, r.Value)
	}
	slices.Sort(vs)
	return slices.Compact(vs)
}

// hessianCaption33 is the caption of 3-3's Hessian figure.
const hessianCaption33 = "Largest eigenvalue λ_max (left) and trace (right) of the Hessian of the training loss at the end of training, against the training batch size (log scale), every model trained to the same criterion; median over seeds with a min–max band, models that missed the criterion left out. λ_max comes from a few Lanczos iterations (10 in the quick profile, 30 in the full one; a lower bound), the trace from Hutchinson's estimator with Rademacher probes (10 quick, 50 full), both with exact Hessian-vector products on a training subset (the first 256 examples quick, 6,000 full). If large batches find sharper minima, both curves rise with the batch size, as the sharpness beside them does; flat or falling curves say the curvature does not separate them."

// Problem 3-3: flatness against generalization.
var figures33 = problemFigures{
	figures: []FigureInfo{
		{"interpolation-<run>", "Train and test loss (log scale, left) and accuracy (right) along the line θ(α) = (1-α)·θ1 + α·θ2 between two trained models, one figure per pair (batch size, learning rate)."},
		{"sensitivity", "Train and test loss and accuracy, sensitivity (mean Frobenius norm of the softmax output's Jacobian with respect to the input, on the test set) and, when measured, sharpness against the training batch size (log scale)."},
		{"hessian", hessianCaption33 + " Drawn when the spectrum was measured (spectrum_iters > 0)."},
		{"hessian-density", "Spectral density of the Hessian of the training loss (stochastic Lanczos quadrature) for the smallest and the largest batch size, mean over seeds, log scale; drawn when the densities were measured."},
		{"filter-<run>", "Train and test loss and accuracy along one filter-normalised random direction through each of the two models of an interpolation (Li et al. 2018), one figure per pair."},
	},
	plan: plan33,
}

func plan33(t records.Table) ([]job, error) {
	alphaRuns := t.Metric(records.MetricAlpha).Runs()
	if len(alphaRuns) == 0 {
		alphaRuns = []string{"interp"}
	}
	var jobs []job
	for _, run := range alphaRuns {
		jobs = append(jobs, job{
			name:    "interpolation-" + fileName(run),
			caption: fmt.Sprintf("Train and test loss (log scale, left) and accuracy (right) along θ(α) = (1-α)·θ1 + α·θ2 between the two models of %s; α = 0 and α = 1 are the trained models.", run),
			build: func() (*Figure, error) {
				rows := t.Run(run)
				if len(rows.Metric(records.MetricAlpha)) == 0 {
					return nil, missing("no %q rows (interpolation runs)", records.MetricAlpha)
				}
				panels, err := lossAccuracyPanels(run, rows, rows.Metric(records.MetricAlpha).Models(), records.MetricAlpha, "α")
				if err != nil {
					return nil, err
				}
				return PanelChart(run+": interpolation between two minima", panels...)
			},
		})
	}
	jobs = append(jobs, job{
		name:    "sensitivity",
		caption: "Train and test loss and accuracy, sensitivity (mean Frobenius norm of the softmax output's Jacobian with respect to the input, on the test set) and sharpness (ε as given; _sub<p>: in a random p-dimensional subspace) against the training batch size, every model trained to the same training criterion; median over seeds with a min–max band, models that missed the criterion left out.",
		build: func() (*Figure, error) {
			if len(t.Metric(records.MetricReached)) > 0 {
				return sensitivityBands(t)
			}
			return sweepChart(t, records.MetricBatchSize, "batch size", "generalization, sensitivity and sharpness against batch size", true)
		},
	})
	// The Hessian figure is drawn when the spectrum was measured (spectrum_iters > 0).
	if len(t.Run(records.RunSensitivity).Metric(records.MetricMaxEigenvalue)) > 0 {
		jobs = append(jobs, job{name: "hessian", caption: hessianCaption33, build: func() (*Figure, error) { return hessianBands(t) }})
	}
	return append(append(jobs, densityJob33(t)...), filterJobs33(t)...), nil
}
