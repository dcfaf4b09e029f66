package plots

import (
	"strings"

	"hw1/problems/records"
)

// sensitivityBands draws 3-3's batch-size sweep over seeds: train and test loss and
// accuracy, sensitivity and sharpness (every ε and space) against the batch size,
// each the median over seeds with a min–max band. Models marked as having missed the
// training criterion (reached 0) are left out; so are sweeps without seeds, which
// sweepChart draws.
func sensitivityBands(t records.Table) (*Figure, error) {
	rows := reachedRows(t)
	if len(rows.Metric(records.MetricBatchSize)) == 0 {
		return nil, missing("no %q rows of models that met the criterion", records.MetricBatchSize)
	}
	ticks := distinctValues(rows.Metric(records.MetricBatchSize))
	bySplit := func(p records.Pair) string { return p.Split }
	panel := func(title, y string, logY bool, metrics ...string) (Panel, error) {
		var bands []Band
		for _, m := range metrics {
			label := bySplit
			if strings.HasPrefix(m, records.MetricSharpnessPrefix) {
				label = func(records.Pair) string { return "ε = " + strings.TrimPrefix(m, records.MetricSharpnessPrefix) }
			}
			b, err := SweepBands(rows, records.MetricBatchSize, m, MedianRange, label)
			if err != nil {
				return Panel{}, err
			}
			bands = append(bands, b...)
		}
		return Panel{Axes: Axes{Title: title, X: "batch size", Y: y, LogX: true, LogY: logY, XTicks: ticks}, Bands: bands, BandKind: MedianRange}, nil
	}
	var sharp []string
	for _, m := range rows.Metrics() {
		if strings.HasPrefix(m, records.MetricSharpnessPrefix) {
			sharp = append(sharp, m)
		}
	}
	var panels []Panel
	for _, c := range []struct {
		title, y string
		log      bool
		metrics  []string
	}{
		{"loss", "cross-entropy", true, []string{records.MetricLoss}},
		{"accuracy", "accuracy", false, []string{records.MetricAccuracy}},
		{"sensitivity", "mean Frobenius norm of the Jacobian", false, []string{records.MetricSensitivity}},
		{"sharpness", "sharpness (%)", false, sharp},
	} {
		if len(c.metrics) == 0 {
			continue
		}
		p, err := panel(c.title, c.y, c.log, c.metrics...)
		if err != nil {
			return nil, err
		}
		panels = append(panels, p)
	}
	return PanelChart("trained to a common criterion: 3-3 against batch size", panels...)
}

// reachedRows returns the rows of 3-3's batch-size sweep of the models that met the
// training criterion (those marked reached 0 left out).
func reachedRows(t records.Table) records.Table {
	rows := t.Run(records.RunSensitivity)
	missed := map[records.Key]bool{}
	for _, r := range rows.Metric(records.MetricReached) {
		if r.Value != 1 {
			missed[records.Key{Model: r.Model, Seed: r.Seed}] = true
		}
	}
	return rows.Where(func(r records.Row) bool { return !missed[records.Key{Model: r.Model, Seed: r.Seed}] })
}

// hessianBands draws 3-3's largest Hessian eigenvalue and Hessian trace of the
// training loss against the batch size, each the median over seeds with a min–max
// band, of the models that met the training criterion.
func hessianBands(t records.Table) (*Figure, error) {
	rows := reachedRows(t)
	if len(rows.Metric(records.MetricBatchSize)) == 0 || len(rows.Metric(records.MetricMaxEigenvalue)) == 0 {
		return nil, missing("no %q rows with %q rows of models that met the criterion", records.MetricMaxEigenvalue, records.MetricBatchSize)
	}
	ticks := distinctValues(rows.Metric(records.MetricBatchSize))
	var panels []Panel
	for _, c := range []struct{ metric, title, y string }{
		{records.MetricMaxEigenvalue, "largest eigenvalue", "λ_max (Lanczos)"},
		{records.MetricHessianTrace, "trace", "tr H (Hutchinson)"},
	} {
		b, err := SweepBands(rows, records.MetricBatchSize, c.metric, MedianRange, func(records.Pair) string { return c.title })
		if err != nil {
			return nil, err
		}
		panels = append(panels, Panel{Axes: Axes{Title: c.title, X: "batch size", Y: c.y, LogX: true, XTicks: ticks}, Bands: b, BandKind: MedianRange, Markers: true})
	}
	return PanelChart("Hessian of the training loss: 3-3 against batch size", panels...)
}
