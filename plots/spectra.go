package plots

import (
	"fmt"
	"math"
	"slices"

	"hw1/problems/records"
)

// spectrumRuns is the number of runs whose sorted Hessian spectrum 2-2's figure draws.
const spectrumRuns = 4

// signedLogFloor is the scale of the signed logarithm of the spectrum figure:
// sign(λ)·log10(1 + |λ|/signedLogFloor) is about 0 for |λ| well below it.
const signedLogFloor = 1e-8

// zeroTolerance is where a tolerance of 0 is drawn on the log axis of the
// ratio-against-tolerance figures.
const zeroTolerance = 1e-10

// spectrumJobs returns 2-2's figures of the Hessian spectra: the sorted spectrum of a
// few runs, and the minimal ratio against the absolute and the relative tolerance,
// median over runs with the 25th–75th percentile band.
func spectrumJobs(t records.Table) []job {
	spec := t.Split(records.SplitSpectrum).Metric(records.MetricEigenvalue)
	runs := spec.Runs()
	if len(runs) > spectrumRuns {
		runs = runs[:spectrumRuns]
	}
	jobs := []job{{
		name: "spectra",
		caption: fmt.Sprintf("Sorted eigenvalues of the full Hessian at the end point of %d runs, drawn as sign(λ)·log10(1 + |λ|/%g): eigenvalues well below %g in magnitude sit near 0, which is why the minimal ratio depends on the tolerance.",
			len(runs), signedLogFloor, signedLogFloor),
		build: func() (*Figure, error) {
			if len(runs) == 0 {
				return nil, missing("no %q rows in split %s", records.MetricEigenvalue, records.SplitSpectrum)
			}
			var ss []Series
			for _, run := range runs {
				rows := slices.Clone(spec.Run(run))
				slices.SortFunc(rows, func(a, b records.Row) int { return a.Step - b.Step })
				s := Series{Label: run}
				for _, r := range rows {
					s.X = append(s.X, float64(r.Step+1))
					s.Y = append(s.Y, math.Copysign(math.Log10(1+math.Abs(r.Value)/signedLogFloor), r.Value))
				}
				ss = append(ss, s)
			}
			return LineChart(Axes{Title: "sorted Hessian spectra", X: "rank of the eigenvalue", Y: fmt.Sprintf("sign(λ)·log10(1 + |λ|/%g)", signedLogFloor)}, ss...)
		},
	}}
	for _, c := range []struct{ split, name, x string }{
		{records.SplitTolAbs, "ratio-tolerance", "absolute tolerance"},
		{records.SplitTolRel, "ratio-relative-tolerance", "tolerance relative to the largest |λ|"},
	} {
		rows := t.Split(c.split)
		jobs = append(jobs, job{
			name: c.name,
			caption: fmt.Sprintf("Minimal ratio (share of eigenvalues above the tolerance) against the %s, over %d runs (%s); a tolerance of 0 is drawn at %g.",
				c.x, len(rows.Metric(records.MetricMinimalRatio).Runs()), MedianIQR.Describe(), zeroTolerance),
			build: func() (*Figure, error) {
				var curves []Series
				for _, run := range rows.Runs() {
					pairs, err := rows.Run(run).Join(records.MetricTolerance, records.MetricMinimalRatio)
					if err != nil {
						return nil, missing("run %s has no %q rows with a %q row in split %s", run, records.MetricMinimalRatio, records.MetricTolerance, c.split)
					}
					s := Series{Label: run}
					for _, p := range pairs {
						s.X = append(s.X, math.Max(p.X, zeroTolerance))
						s.Y = append(s.Y, p.Y)
					}
					curves = append(curves, s)
				}
				if len(curves) == 0 {
					return nil, missing("no %q rows in split %s", records.MetricMinimalRatio, c.split)
				}
				b, err := SeedBand("minimal ratio", MedianIQR, curves)
				if err != nil {
					return nil, err
				}
				return BandChart(Axes{Title: "minimal ratio against the tolerance", X: c.x, Y: "minimal ratio", LogX: true}, MedianIQR, b)
			},
		})
	}
	return jobs
}
