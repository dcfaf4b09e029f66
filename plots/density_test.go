package plots

import (
	"math"
	"testing"

	"hw1/problems/records"
)

func TestQuadratureBroadening(t *testing.T) {
	q := quadrature{nodes: []float64{-1, 0, 0.5, 4}, weights: []float64{0.1, 0.6, 0.2, 0.1}}
	grid, sigma := densityGrid(q)
	if len(grid) != densityBins || grid[0] > -1-2.9*sigma || grid[len(grid)-1] < 4+2.9*sigma {
		t.Fatalf("grid [%g, %g] with σ %g does not cover the nodes with a margin", grid[0], grid[len(grid)-1], sigma)
	}
	if want := densityWidth * 5; math.Abs(sigma-want) > 1e-12 {
		t.Errorf("σ = %g, want %g", sigma, want)
	}
	d := q.broaden(grid, sigma)
	var mass, mean float64
	h := grid[1] - grid[0]
	for i, v := range d {
		mass += v * h
		mean += grid[i] * v * h
	}
	// Three widths of margin keep all but about 0.13% of the end nodes' mass.
	for _, c := range []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"mass", mass, 1, 2e-3},
		{"mean", mean, q.moment(1), 2e-2},
		{"moment 1", q.moment(1), -0.1 + 0.1 + 0.4, 1e-12},
		{"moment 2", q.moment(2), 0.1 + 0.05 + 1.6, 1e-12},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s = %g, want %g within %g", c.name, c.got, c.want, c.tol)
		}
	}
}

func TestSLQOfAndSurfaceOf(t *testing.T) {
	row := func(run, split string, step int, metric string, v float64) records.Row {
		return records.Row{Run: run, Model: "m", Split: split, Step: step, Epoch: math.NaN(), Metric: metric, Value: v}
	}
	tab := records.Table{
		row("r", records.SplitSLQ, 1, records.MetricSLQNode, 2), row("r", records.SplitSLQ, 1, records.MetricSLQWeight, 0.25),
		row("r", records.SplitSLQ, 0, records.MetricSLQNode, 1), row("r", records.SplitSLQ, 0, records.MetricSLQWeight, 0.75),
	}
	q, err := slqOf(tab)
	if err != nil || len(q.nodes) != 2 || q.nodes[0] != 1 || q.weights[1] != 0.25 {
		t.Fatalf("slqOf = %+v, %v", q, err)
	}
	if _, err := slqOf(tab[:1]); err == nil {
		t.Error("a node without a weight: no error")
	}
	var s records.Table
	for i := range 2 {
		for j := range 3 {
			k := 3*i + j
			s = append(s, row("s", "", k, records.MetricSurfaceA, float64(j)), row("s", "", k, records.MetricSurfaceB, float64(i)),
				row("s", records.SplitTrain, k, records.MetricLoss, float64(10*i+j)))
		}
	}
	sf, err := surfaceOf(s, records.SplitTrain)
	if err != nil || len(sf.X) != 3 || len(sf.Y) != 2 || sf.Z[1][2] != 12 || sf.Z[0][1] != 1 {
		t.Fatalf("surfaceOf = %+v, %v", sf, err)
	}
	if _, err := surfaceOf(s[:len(s)-1], records.SplitTrain); err == nil {
		t.Error("a grid point without its loss: no error")
	}
}
