package plots

import (
	"fmt"
	"math"
	"testing"
)

func ExampleContourChart() {
	// A curved valley with its minimum near the origin, on a 41 x 41 grid.
	const n = 41
	s := Surface{X: make([]float64, n), Y: make([]float64, n), Z: make([][]float64, n)}
	for i := range n {
		s.X[i] = -1 + 2*float64(i)/(n-1)
		s.Y[i] = s.X[i]
	}
	for i, y := range s.Y {
		s.Z[i] = make([]float64, n)
		for j, x := range s.X {
			u := y - 0.6*x*x
			s.Z[i][j] = 0.02 + 3*u*u + 0.4*x*x + 0.1*math.Sin(4*x)*math.Sin(3*y)*math.Sin(3*y)
		}
	}
	// A trajectory sliding down the valley into the minimum, noted with its epochs.
	var tr Trajectory
	tr.Label = "trajectory"
	for k := range 9 {
		x := -0.9 * math.Pow(0.7, float64(k))
		tr.X = append(tr.X, x)
		tr.Y = append(tr.Y, 0.6*x*x+0.15*math.Pow(0.6, float64(k)))
		tr.Notes = append(tr.Notes, fmt.Sprintf("%d", 3*k))
	}
	f, err := ContourChart(Axes{Title: "training loss around the final model", X: "PC1 (81.0% of variance)", Y: "PC2 (9.3% of variance)"},
		s, ContourOptions{LogZ: true, Label: "loss"}, tr)
	save(f, err, "contour")
}

func TestContourChartRejectsBadGrids(t *testing.T) {
	ok := Surface{X: []float64{0, 1}, Y: []float64{0, 1}, Z: [][]float64{{1, 2}, {3, 4}}}
	for _, c := range []struct {
		name string
		s    Surface
		o    ContourOptions
		tr   []Trajectory
	}{
		{"one column", Surface{X: []float64{0}, Y: ok.Y, Z: [][]float64{{1}, {2}}}, ContourOptions{}, nil},
		{"missing row", Surface{X: ok.X, Y: ok.Y, Z: ok.Z[:1]}, ContourOptions{}, nil},
		{"ragged row", Surface{X: ok.X, Y: ok.Y, Z: [][]float64{{1, 2}, {3}}}, ContourOptions{}, nil},
		{"decreasing x", Surface{X: []float64{1, 0}, Y: ok.Y, Z: ok.Z}, ContourOptions{}, nil},
		{"nothing positive on a log scale", Surface{X: ok.X, Y: ok.Y, Z: [][]float64{{0, -1}, {-2, 0}}}, ContourOptions{LogZ: true}, nil},
		{"bad trajectory", ok, ContourOptions{}, []Trajectory{{Label: "t", X: []float64{0}, Y: []float64{math.NaN()}}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ContourChart(Axes{Title: c.name}, c.s, c.o, c.tr...); err == nil {
				t.Error("no error")
			}
		})
	}
}
