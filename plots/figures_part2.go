package plots

import (
	"fmt"
	"strings"

	"hw1/problems/records"
)

// Problem 2-1: visualize the optimization process.
var figures21 = problemFigures{
	figures: append([]FigureInfo{
		{"pca-layer", "Training trajectories of the first layer's parameters, one colour per run, projected on the first two principal components of one PCA fitted on all snapshots of all runs; points are labelled with the training accuracy (%), rings mark the start. The caption gives the explained variance."},
		{"pca-model", "The same for the parameters of the whole model."},
	}, surfaceFigures21...),
	plan: plan21,
}

func plan21(t records.Table) ([]job, error) {
	var jobs []job
	for _, c := range []struct{ split, what string }{{records.SplitPCALayer, "the first layer"}, {records.SplitPCAModel, "the whole model"}} {
		rows := t.Split(c.split)
		var ex [2]float64
		var haveEx [2]bool
		for i := range ex {
			ex[i], haveEx[i] = last(rows.Metric(fmt.Sprintf("explained%d", i+1)))
		}
		axis := func(i int) string {
			if haveEx[i] {
				return fmt.Sprintf("PC%d (%s of variance)", i+1, percent(ex[i], 1))
			}
			return fmt.Sprintf("PC%d", i+1)
		}
		caption := fmt.Sprintf("Training trajectories of the parameters of %s, one colour per run, projected on the first two principal components of one PCA fitted on all snapshots of all runs", c.what)
		if haveEx[0] && haveEx[1] {
			caption += fmt.Sprintf(", which explain %s and %s of the variance", percent(ex[0], 1), percent(ex[1], 1))
		}
		caption += ". Points are labelled with the training accuracy (%) at the snapshot; rings mark the start."
		jobs = append(jobs, job{
			name:    c.split,
			caption: caption,
			build: func() (*Figure, error) {
				pairs, err := rows.Join(records.MetricPC1, records.MetricPC2)
				if err != nil {
					return nil, missing("no %q rows with a %q row of the same run, model and step in split %s", records.MetricPC2, records.MetricPC1, c.split)
				}
				acc := t.Split(records.SplitTrain).Values(records.MetricAccuracy)
				_, models := distinctPairs(pairs)
				label := func(p records.Pair) string {
					if len(models) > 1 {
						return p.Run + " " + p.Model
					}
					return p.Run
				}
				var trs []Trajectory
				index := make(map[string]int)
				for _, p := range pairs {
					l := label(p)
					i, ok := index[l]
					if !ok {
						i = len(trs)
						index[l] = i
						trs = append(trs, Trajectory{Label: l, Notes: []string{}})
					}
					note := ""
					k := p.Key
					k.Split = records.SplitTrain
					if a, ok := acc[k]; ok {
						note = fmt.Sprintf("%.0f", 100*a)
					}
					trs[i].X = append(trs[i].X, p.X)
					trs[i].Y = append(trs[i].Y, p.Y)
					trs[i].Notes = append(trs[i].Notes, note)
				}
				for i := range trs {
					thinNotes(trs[i].Notes, maxNotes)
				}
				return TrajectoryChart(Axes{Title: "PCA of " + c.what + " (labels: training accuracy, %)", X: axis(0), Y: axis(1)}, trs...)
			},
		})
	}
	return append(jobs, surfaceJobs21(t)...), nil
}

// maxNotes is about the most labels a trajectory gets before they are thinned.
const maxNotes = 12

// thinNotes blanks notes so that at most about max remain, evenly spaced, keeping the
// first and the last.
func thinNotes(notes []string, max int) {
	n := len(notes)
	if n <= max {
		return
	}
	every := (n + max - 2) / (max - 1)
	for i := range notes {
		if i%every != 0 && i != n-1 {
			notes[i] = ""
		}
	}
}

// distinctPairs returns the distinct runs and models of pairs.
func distinctPairs(pairs []records.Pair) (runs, models []string) {
	seenR, seenM := map[string]bool{}, map[string]bool{}
	for _, p := range pairs {
		if !seenR[p.Run] {
			seenR[p.Run] = true
			runs = append(runs, p.Run)
		}
		if !seenM[p.Model] {
			seenM[p.Model] = true
			models = append(models, p.Model)
		}
	}
	return runs, models
}

// Problem 2-2: gradient norm and the minimal ratio.
var figures22 = problemFigures{
	figures: []FigureInfo{
		{"gradnorm-<task>", "Training loss (top) and gradient norm (bottom, global L2 norm over all parameters) against iteration, both on log scales, one figure per task."},
		{"minimal-ratio", "Loss against minimal ratio (share of positive eigenvalues of the full Hessian) where the gradient-norm minimisation stopped, one point per run; converged runs reached the gradient-norm tolerance."},
		{"spectra", "Sorted eigenvalues of the full Hessian at the end points of a few runs, on a signed logarithmic scale."},
		{"ratio-tolerance", "Minimal ratio against the absolute tolerance of \"eigenvalue > 0\", median over runs with the 25th–75th percentile band."},
		{"ratio-relative-tolerance", "The same against the tolerance relative to each end point's largest |eigenvalue|."},
		{"density", "Spectral density of the Hessian at a few end points by stochastic Lanczos quadrature beside the density of their exact spectrum, broadened alike, log scale; drawn where the densities were recorded."},
	},
	plan: plan22,
}

func plan22(t records.Table) ([]job, error) {
	var jobs []job
	for _, run := range t.Runs() {
		if !strings.HasPrefix(run, records.RunGradNormPrefix) {
			continue
		}
		task := strings.TrimPrefix(run, records.RunGradNormPrefix)
		jobs = append(jobs, job{
			name:    "gradnorm-" + fileName(task),
			caption: fmt.Sprintf("Training loss (top) and gradient norm (bottom, global L2 norm over all parameters) against iteration on %s, both on log scales.", task),
			build: func() (*Figure, error) {
				rows := t.Run(run).Split(records.SplitTrain)
				var panels [2][]Series
				for i, metric := range []string{records.MetricLoss, records.MetricGradNorm} {
					m := rows.Metric(metric).Where(func(r records.Row) bool { return r.HasStep() })
					if len(m) == 0 {
						return nil, missing("run %s has no %q rows with a step in split train", run, metric)
					}
					s, err := curves(m, records.ByStep, func(r records.Row) string { return r.Model })
					if err != nil {
						return nil, err
					}
					panels[i] = s
				}
				return StackedChart(task+": loss and gradient norm",
					Panel{Axes: Axes{Y: "training loss", LogY: true}, Series: panels[0]},
					Panel{Axes: Axes{X: "iteration", Y: "gradient norm", LogY: true}, Series: panels[1]})
			},
		})
	}

	if len(jobs) == 0 {
		jobs = append(jobs, job{name: "gradnorm", build: func() (*Figure, error) {
			return nil, missing("no run named gradnorm-<task>")
		}})
	}

	// The minimal-ratio runs: every run with minimal_ratio rows.
	pairs, pairErr := t.Join(records.MetricMinimalRatio, records.MetricLoss)
	conv := t.Values(records.MetricConverged)
	var pts []RatioPoint
	nconv := 0
	for _, p := range pairs {
		c := conv[p.Key] == 1
		if c {
			nconv++
		}
		pts = append(pts, RatioPoint{Ratio: p.X, Loss: p.Y, Converged: c})
	}
	caption := fmt.Sprintf("Loss against minimal ratio (share of positive eigenvalues of the full Hessian) where the gradient-norm minimisation stopped, for %d runs; %d reached the gradient-norm tolerance (converged).", len(pts), nconv)
	if tol, ok := last(t.Metric(records.MetricEigTolerance)); ok {
		caption += fmt.Sprintf(" Eigenvalues above %.3g count as positive.", tol)
	}
	jobs = append(jobs, job{
		name:    "minimal-ratio",
		caption: caption,
		build: func() (*Figure, error) {
			if pairErr != nil {
				return nil, missing("no %q rows with a %q row of the same run, model, split and step", records.MetricLoss, records.MetricMinimalRatio)
			}
			return RatioChart(Axes{Title: fmt.Sprintf("loss against minimal ratio (%d runs)", len(pts)), X: "minimal ratio", Y: "loss"}, pts)
		},
	})
	if len(t.Split(records.SplitSpectrum)) == 0 {
		return jobs, nil // records from before the spectra were recorded
	}
	return append(append(jobs, spectrumJobs(t)...), densityJobs22(t)...), nil
}
