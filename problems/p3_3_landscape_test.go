package problems

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"hw1/problems/records"
)

// checkLandscape33 asserts 3-3's spectral densities and filter-normalised profiles:
// every model of the sweep has a quadrature rule of at most density_runs ×
// density_iters nodes whose weights are positive and sum to 1; every model of each
// interpolation has filter_points finite losses along its direction, symmetric about
// the model, and at offset 0 its training loss reproduces the one recorded at the end
// of its training within 1e-6 relative.
func checkLandscape33(t *testing.T, sum summary33, tab records.Table, s *settings33) {
	t.Helper()
	checkRises33(t, sum, tab, s)
	sweep := tab.Run(records.RunSensitivity).Metric(records.MetricReached)
	if len(sweep) == 0 {
		t.Fatal("no models in the sweep")
	}
	slq := tab.Run(records.RunDensity).Split(records.SplitSLQ)
	for _, r := range sweep {
		rows := slq.Model(r.Model).Seed(r.Seed)
		nodes, weights := rows.Metric(records.MetricSLQNode), rows.Values(records.MetricSLQWeight)
		if s.SpectrumIters == 0 || s.DensityRuns == 0 {
			if len(nodes) != 0 {
				t.Errorf("%s seed %v: %d nodes with the density off", r.Model, r.Seed, len(nodes))
			}
			continue
		}
		if len(nodes) < s.DensityRuns || len(nodes) > s.DensityRuns*s.DensityIters || len(weights) != len(nodes) {
			t.Fatalf("%s seed %v: %d nodes and %d weights, want between %d and %d", r.Model, r.Seed, len(nodes), len(weights), s.DensityRuns, s.DensityRuns*s.DensityIters)
		}
		var sum float64
		for _, n := range nodes {
			w, ok := weights[n.Key()]
			if !ok || !(w >= 0) || math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
				t.Errorf("%s seed %v step %d: node %v, weight %v", r.Model, r.Seed, n.Step, n.Value, w)
			}
			sum += w
		}
		if math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s seed %v: weights sum to %v, want 1", r.Model, r.Seed, sum)
		}
	}

	final := map[records.Key]float64{} // the last recorded training loss of each model
	epochs := map[records.Key]float64{}
	for _, r := range tab.Run(records.RunTraining).Split(records.SplitTrain).Metric(records.MetricLoss) {
		k := records.Key{Model: r.Model, Seed: r.Seed}
		if e, ok := epochs[k]; !ok || r.Epoch > e {
			epochs[k], final[k] = r.Epoch, r.Value
		}
	}
	for _, run := range []string{records.RunInterpBatch, records.RunInterpLR} {
		rows := tab.Run(records.RunFilterPrefix + run)
		if s.Filter.Points == 0 {
			if len(rows) != 0 {
				t.Errorf("%s: %d rows with the profiles off", run, len(rows))
			}
			continue
		}
		if models := rows.Models(); len(models) != 2 {
			t.Fatalf("%s: filter-normalised profiles of %v, want two models", run, models)
		}
		offsets := rows.Values(records.MetricOffset)
		for _, m := range rows.Models() {
			for _, split := range []string{records.SplitTrain, records.SplitTest} {
				loss := rows.Model(m).Split(split).Metric(records.MetricLoss)
				if len(loss) != s.Filter.Points {
					t.Fatalf("%s %s %s: %d losses, want %d", run, m, split, len(loss), s.Filter.Points)
				}
				for _, r := range loss {
					k := r.Key()
					k.Split = ""
					a, ok := offsets[k]
					if !ok || math.Abs(a) > s.Filter.Range*(1+1e-12) || !(r.Value > 0) || math.IsInf(r.Value, 0) {
						t.Errorf("%s %s %s step %d: loss %v at offset %v", run, m, split, r.Step, r.Value, a)
					}
					if a != 0 || split != records.SplitTrain {
						continue
					}
					want, ok := final[records.Key{Model: m, Seed: r.Seed}]
					if !ok || math.Abs(r.Value-want) > 1e-6*want {
						t.Errorf("%s %s: training loss %.9g at the model, recorded %.9g at the end of its training", run, m, r.Value, want)
					}
				}
			}
		}
	}
}

// checkRises33 checks each interpolation's filter rises against its profiles' records:
// the mean training loss at ±offset less the one at 0, for θ1 and θ2, within 1e-12
// relative, at the grid offset nearest half the range; all zero with the profiles off.
func checkRises33(t *testing.T, sum summary33, tab records.Table, s *settings33) {
	t.Helper()
	for _, in := range sum.Interpolations {
		if s.Filter.Points == 0 {
			if in.FilterOffset != 0 || in.Theta1FilterRise != 0 || in.Theta2FilterRise != 0 {
				t.Errorf("%s: filter rises %+v with the profiles off", in.Run, in)
			}
			continue
		}
		step := 2 * s.Filter.Range / float64(s.Filter.Points-1)
		if math.Abs(in.FilterOffset-s.Filter.Range/2) > step/2+1e-12 {
			t.Errorf("%s: offset %v, want the grid point nearest %v (spacing %v)", in.Run, in.FilterOffset, s.Filter.Range/2, step)
		}
		rows := tab.Run(records.RunFilterPrefix + in.Run)
		offsets := rows.Values(records.MetricOffset)
		for _, c := range []struct {
			model string
			rise  float64
		}{{in.Theta1, in.Theta1FilterRise}, {in.Theta2, in.Theta2FilterRise}} {
			at := map[float64]float64{}
			for _, r := range rows.Model(c.model).Split(records.SplitTrain).Metric(records.MetricLoss) {
				k := r.Key()
				k.Split = ""
				at[offsets[k]] = r.Value
			}
			lo, ok1 := at[-in.FilterOffset]
			hi, ok2 := at[in.FilterOffset]
			mid, ok3 := at[0]
			if want := (lo+hi)/2 - mid; !ok1 || !ok2 || !ok3 || !scalar.EqualWithinRel(c.rise, want, 1e-12) {
				t.Errorf("%s %s: rise %v, records give %v (losses %v, %v, %v)", in.Run, c.model, c.rise, want, lo, mid, hi)
			}
		}
	}
}

// TestRiseAtHalf checks riseAtHalf on profiles whose values are known: the offset is
// the grid point nearest half the range, and the rise is the mean of the two sides less
// the centre.
func TestRiseAtHalf(t *testing.T) {
	for _, c := range []struct {
		name         string
		n            int
		r            float64
		f            func(a float64) float64
		offset, rise float64
	}{
		{"41 points, parabola", 41, 1, func(a float64) float64 { return 1 + 2*a*a }, 0.5, 0.5},
		{"51 points, one-sided", 51, 1, func(a float64) float64 { return 3 + math.Max(0, a) }, 0.52, 0.26},
		{"3 points", 3, 2, func(a float64) float64 { return math.Abs(a) }, 2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			grid := symmetricGrid(c.n, c.r)
			loss := make([]float64, len(grid))
			for i, a := range grid {
				loss[i] = c.f(a)
			}
			got := riseAtHalf(grid, loss)
			if math.Abs(got.offset-c.offset) > 1e-12 || math.Abs(got.rise-c.rise) > 1e-12 {
				t.Errorf("riseAtHalf = %+v, want offset %v, rise %v", got, c.offset, c.rise)
			}
		})
	}
}
