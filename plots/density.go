package plots

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"hw1/problems/records"
)

// densityBins is the number of points at which a spectral density is drawn.
const densityBins = 1000

// densityWidth is the standard deviation of the Gaussian that broadens a spectral
// density, as a share of the range of the eigenvalues drawn.
const densityWidth = 0.01

// densityFloor is the lowest density drawn on the log axis, as a share of the
// highest: lower values are drawn at it, as PyHessian's plots clip at 1e-10.
const densityFloor = 1e-7

// densityRuns is the number of 2-2 end points whose density is drawn.
const densityRuns = 4

// quadrature is a spectral density as a quadrature rule: nodes with weights summing to
// 1, from stochastic Lanczos quadrature or from a known spectrum (equal weights).
type quadrature struct {
	nodes, weights []float64
}

// slqOf reads the quadrature rule of rows (split slq of one model and seed).
func slqOf(rows records.Table) (quadrature, error) {
	w := rows.Values(records.MetricSLQWeight)
	nodes := slices.Clone(rows.Metric(records.MetricSLQNode))
	slices.SortFunc(nodes, func(a, b records.Row) int { return a.Step - b.Step })
	var q quadrature
	for _, n := range nodes {
		if v, ok := w[n.Key()]; ok {
			q.nodes, q.weights = append(q.nodes, n.Value), append(q.weights, v)
		}
	}
	if len(q.nodes) == 0 {
		return q, missing("no %q rows with a %q row of the same step in split %s", records.MetricSLQWeight, records.MetricSLQNode, records.SplitSLQ)
	}
	return q, nil
}

// moment returns Σ w·nodeᵏ, the k-th moment of the density (tr(Hᵏ)/n).
func (q quadrature) moment(k int) float64 {
	var s float64
	for i, x := range q.nodes {
		s += q.weights[i] * math.Pow(x, float64(k))
	}
	return s
}

// broaden returns Σ w·N(x; node, σ²) at every x of grid.
func (q quadrature) broaden(grid []float64, sigma float64) []float64 {
	out := make([]float64, len(grid))
	c := 1 / (math.Sqrt(2*math.Pi) * sigma)
	for j, x := range grid {
		for i, node := range q.nodes {
			d := (x - node) / sigma
			out[j] += q.weights[i] * c * math.Exp(-d*d/2)
		}
	}
	return out
}

// densityGrid returns densityBins points over the nodes of all qs with a margin of
// three broadening widths, and the width σ.
func densityGrid(qs ...quadrature) (grid []float64, sigma float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, q := range qs {
		for _, x := range q.nodes {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	sigma = densityWidth * math.Max(hi-lo, 1e-12)
	lo, hi = lo-3*sigma, hi+3*sigma
	grid = make([]float64, densityBins)
	for i := range grid {
		grid[i] = lo + (hi-lo)*float64(i)/float64(densityBins-1)
	}
	return grid, sigma
}

// densitySeries returns the density as a series for a log axis: values below
// densityFloor times peak drawn at that floor.
func densitySeries(label string, grid, d []float64, peak float64) Series {
	s := Series{Label: label, X: grid, Y: make([]float64, len(d))}
	for i, v := range d {
		s.Y[i] = math.Max(v, densityFloor*peak)
	}
	return s
}

// peakOf returns the largest value of the densities.
func peakOf(ds ...[]float64) float64 {
	p := 0.0
	for _, d := range ds {
		for _, v := range d {
			p = math.Max(p, v)
		}
	}
	return p
}

// densityJobs22 returns 2-2's figure of the spectral density of a few end points by
// stochastic Lanczos quadrature beside the density of their exact spectrum.
func densityJobs22(t records.Table) []job {
	slq := t.Split(records.SplitSLQ)
	runs := slq.Runs()
	if len(runs) == 0 {
		return nil
	}
	slices.SortFunc(runs, func(a, b string) int { // seed-2 before seed-10
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	runs = runs[:min(len(runs), densityRuns)]
	type pair struct{ est, exact quadrature }
	pairs := make([]pair, len(runs))
	var errs []string
	var notes []string
	for i, run := range runs {
		est, err := slqOf(slq.Run(run))
		ev := byStepValues(t.Run(run).Split(records.SplitSpectrum).Metric(records.MetricEigenvalue))
		if err != nil || len(ev) == 0 {
			errs = append(errs, run)
			continue
		}
		exact := quadrature{nodes: ev, weights: make([]float64, len(ev))}
		for k := range ev {
			exact.weights[k] = 1 / float64(len(ev))
		}
		pairs[i] = pair{est, exact}
		notes = append(notes, fmt.Sprintf("%s: %s and %s", run, momentNote(est, exact, 1), momentNote(est, exact, 2)))
	}
	caption := fmt.Sprintf("Spectral density of the Hessian of the training loss at the end points of %d runs, estimated by stochastic Lanczos quadrature (PyHessian's algorithm, %s nodes per end point) beside the density of the exact eigenvalues of the full Hessian, both broadened by the same Gaussian (standard deviation %g of the spectrum's range), log scale, values below %g of the peak drawn at that floor. A reader should see the estimate follow the exact density: the same support, the spike of near-zero eigenvalues and the same isolated large eigenvalues; the quadrature has fewer nodes than eigenvalues, so its finer structure is smoothed. First two moments (tr H/n, tr H²/n), estimate against exact: %s.",
		len(runs), nodeCount(pairs[0].est), densityWidth, densityFloor, strings.Join(notes, "; "))
	return []job{{
		name:    "density",
		caption: caption,
		build: func() (*Figure, error) {
			if len(errs) > 0 {
				return nil, missing("runs %s have %s rows but no %q rows in split %s or no %q rows", strings.Join(errs, ", "), records.SplitSLQ, records.MetricEigenvalue, records.SplitSpectrum, records.MetricSLQWeight)
			}
			var panels []Panel
			for i, p := range pairs {
				grid, sigma := densityGrid(p.est, p.exact)
				est, exact := p.est.broaden(grid, sigma), p.exact.broaden(grid, sigma)
				peak := peakOf(est, exact)
				panels = append(panels, Panel{Axes: Axes{Title: runs[i], X: "eigenvalue λ", Y: "density", LogY: true},
					Series: []Series{densitySeries("exact spectrum", grid, exact, peak), densitySeries("stochastic Lanczos quadrature", grid, est, peak)}})
			}
			return PanelChart("spectral density of the Hessian at end points: estimate and exact", panels...)
		},
	}}
}

// nodeCount formats the number of nodes of q.
func nodeCount(q quadrature) string { return fmt.Sprint(len(q.nodes)) }

// momentNote compares the k-th moments of an estimate and the exact density.
func momentNote(est, exact quadrature, k int) string {
	e, x := est.moment(k), exact.moment(k)
	return fmt.Sprintf("m%d %.3g vs %.3g (%+.1f%%)", k, e, x, 100*(e-x)/math.Abs(x))
}

// byStepValues returns the values of rows ordered by step.
func byStepValues(rows records.Table) []float64 {
	rows = slices.Clone(rows)
	slices.SortFunc(rows, func(a, b records.Row) int { return a.Step - b.Step })
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r.Value
	}
	return out
}

// densityJob33 returns 3-3's figure of the spectral densities of the models of the
// smallest and the largest batch size, or nothing when no density was recorded.
func densityJob33(t records.Table) []job {
	slq := t.Run(records.RunDensity).Split(records.SplitSLQ)
	if len(slq) == 0 {
		return nil
	}
	batch := map[string]float64{}
	for _, r := range t.Run(records.RunSensitivity).Metric(records.MetricBatchSize) {
		batch[r.Model] = r.Value
	}
	reached := t.Run(records.RunSensitivity).Metric(records.MetricReached)
	met := map[records.Key]bool{}
	for _, r := range reached {
		met[records.Key{Model: r.Model, Seed: r.Seed}] = r.Value == 1
	}
	var models []string
	for _, m := range slq.Models() {
		if _, ok := batch[m]; ok {
			models = append(models, m)
		}
	}
	slices.SortFunc(models, func(a, b string) int { return int(batch[a] - batch[b]) })
	if len(models) > 2 {
		models = []string{models[0], models[len(models)-1]}
	}
	type curve struct {
		model string
		qs    []quadrature
	}
	var curves []curve
	left := 0
	for _, m := range models {
		c := curve{model: m}
		for _, seed := range seedsOf(slq.Model(m)) {
			if ok, known := met[records.Key{Model: m, Seed: seed}]; known && !ok {
				left++
				continue
			}
			q, err := slqOf(slq.Model(m).Seed(seed))
			if err == nil {
				c.qs = append(c.qs, q)
			}
		}
		curves = append(curves, c)
	}
	var parts []string
	for _, c := range curves {
		parts = append(parts, fmt.Sprintf("batch %g (%d seeds)", batch[c.model], len(c.qs)))
	}
	caption := fmt.Sprintf("Spectral density of the Hessian of the training loss (on the Hessian's training subset) at the end of training for the smallest and the largest batch size, %s, by stochastic Lanczos quadrature (PyHessian's algorithm): for each batch, the mean over seeds of the densities, each broadened by a Gaussian of standard deviation %g of the range drawn; log scale, values below %g of the peak drawn at that floor; models that missed the training criterion left out (%d). A reader should see most of the mass at λ ≈ 0 (the Hessian is nearly singular) and a few large eigenvalues on the right; if the large batch sits in a sharper minimum, its right end lies further right, as its λ_max in the Hessian figure does.",
		strings.Join(parts, " and "), densityWidth, densityFloor, left)
	return []job{{
		name:    "hessian-density",
		caption: caption,
		build: func() (*Figure, error) {
			if len(curves) == 0 {
				return nil, missing("no %q rows of run %s for a model with a %q row", records.MetricSLQNode, records.RunDensity, records.MetricBatchSize)
			}
			var all []quadrature
			for _, c := range curves {
				if len(c.qs) == 0 {
					return nil, missing("model %s has no %q rows of a model that met the criterion", c.model, records.MetricSLQNode)
				}
				all = append(all, c.qs...)
			}
			grid, sigma := densityGrid(all...)
			var ds [][]float64
			for _, c := range curves {
				mean := make([]float64, len(grid))
				for _, q := range c.qs {
					for i, v := range q.broaden(grid, sigma) {
						mean[i] += v / float64(len(c.qs))
					}
				}
				ds = append(ds, mean)
			}
			peak := peakOf(ds...)
			var ss []Series
			for i, c := range curves {
				ss = append(ss, densitySeries(fmt.Sprintf("batch %g", batch[c.model]), grid, ds[i], peak))
			}
			return LineChart(Axes{Title: "spectral density of the Hessian: smallest and largest batch", X: "eigenvalue λ", Y: "density", LogY: true}, ss...)
		},
	}}
}

// seedsOf returns the distinct seeds of rows, in order of appearance.
func seedsOf(rows records.Table) []records.Seed {
	var out []records.Seed
	for _, r := range rows {
		if !slices.Contains(out, r.Seed) {
			out = append(out, r.Seed)
		}
	}
	return out
}

// filterJobs33 returns 3-3's figures of the loss along a filter-normalised direction
// through each model of an interpolation, one per run filter-<run>.
func filterJobs33(t records.Table) []job {
	var jobs []job
	for _, run := range t.Metric(records.MetricOffset).Runs() {
		pair := strings.TrimPrefix(run, records.RunFilterPrefix)
		rows := t.Run(run)
		jobs = append(jobs, job{
			name: fileName(run),
			caption: fmt.Sprintf("Train and test loss (log scale, left) and accuracy (right) of the two models of %s (%s) along one filter-normalised random direction through each (Li et al. 2018, their figure 3: θ + a·d, the Gaussian direction d rescaled for every neuron to the norm of that model's weights into it, biases left at zero, the same draw for both models); a = 0 is the trained model. Because the direction is scaled to each model's own weights, the widths can be compared: a reader should see the sharper minimum as the curve that rises faster away from 0, which Keskar et al. expect of the large batch (or the small learning rate).",
				pair, strings.Join(rows.Models(), " and ")),
			build: func() (*Figure, error) {
				panels, err := lossAccuracyPanels(run, rows, rows.Models(), records.MetricOffset, "a (filter-normalised direction)")
				if err != nil {
					return nil, err
				}
				return PanelChart(pair+": loss along a filter-normalised direction through each minimum", panels...)
			},
		})
	}
	return jobs
}
