package problems

import (
	"math"
	"testing"

	"hw1/problems/analysis"
	"hw1/problems/data"
	"hw1/tfgraph"

	"gonum.org/v1/gonum/floats"
)

// functionData returns n points of a 1-D function on [-1, 1] as engine data.
func testFunctionData(t *testing.T, name string, n int) *tfgraph.Data {
	t.Helper()
	x, y, err := data.Function(name, n, -1, 1)
	if err != nil {
		t.Fatal(err)
	}
	return &tfgraph.Data{X: x, Shape: []int{1}, Targets: y}
}

func TestLayerBlocks(t *testing.T) {
	spec := tfgraph.MLP("m", 3, []int{4}, 2, tfgraph.Tanh, tfgraph.MSE)
	ps, _, err := spec.Check()
	if err != nil {
		t.Fatal(err)
	}
	layers, blocks := layerBlocks(ps)
	want := [][]analysis.Range{{{Lo: 0, Hi: 12}, {Lo: 12, Hi: 16}}, {{Lo: 16, Hi: 24}, {Lo: 24, Hi: 26}}}
	if len(layers) != 2 || layers[0] != 0 || layers[1] != 1 || len(blocks) != 2 {
		t.Fatalf("layers %v, blocks %v", layers, blocks)
	}
	for i := range want {
		if len(blocks[i]) != len(want[i]) || blocks[i][0] != want[i][0] || blocks[i][1] != want[i][1] {
			t.Errorf("layer %d: blocks %v, want %v", i, blocks[i], want[i])
		}
	}
	ts := paramTensors(ps)
	if len(ts) != 4 || ts[2].Offset != 16 || len(ts[2].Shape) != 2 || ts[2].Shape[1] != 2 {
		t.Errorf("tensors %+v", ts)
	}
}

func TestCompareDensityAgainstTheExactSpectrum(t *testing.T) {
	spec := tfgraph.MLP("m", 1, []int{4, 4}, 1, tfgraph.Tanh, tfgraph.MSE)
	m, err := tfgraph.New(spec, testFunctionData(t, "sinc", 64), nil, tfgraph.Config{DType: tfgraph.Float64, Seed: 3, SecondOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	h, err := m.Hessian()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := analysis.Eigenvalues(analysis.Symmetrize(h))
	if err != nil {
		t.Fatal(err)
	}
	c, err := compareDensity(m, ev, analysis.DensityOptions{Runs: 400, Iterations: 10, Seed: 1}, 500, 1e-5)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Grid) != 500 || len(c.Estimate) != 500 || len(c.Exact) != 500 {
		t.Fatalf("%d grid points, %d and %d densities, want 500", len(c.Grid), len(c.Estimate), len(c.Exact))
	}
	if c.Grid[0] > ev[0] || c.Grid[499] < ev[len(ev)-1] {
		t.Errorf("grid [%g, %g] does not cover the spectrum [%g, %g]", c.Grid[0], c.Grid[499], ev[0], ev[len(ev)-1])
	}
	var tr, tr2 float64
	for _, v := range ev {
		tr += v / float64(len(ev))
		tr2 += v * v / float64(len(ev))
	}
	for k, want := range []float64{tr, tr2} {
		if math.Abs(c.ExactMoments[k]-want) > 1e-12*math.Abs(want) {
			t.Errorf("exact moment %d = %g, want %g", k+1, c.ExactMoments[k], want)
		}
		if math.Abs(c.Moments[k]-want) > 0.1*math.Abs(want) {
			t.Errorf("estimated moment %d = %g, exact %g: more than 10%% off", k+1, c.Moments[k], want)
		}
	}
	if _, err := compareDensity(m, ev[1:], analysis.DensityOptions{}, 500, 1e-5); err == nil {
		t.Error("too few eigenvalues: no error")
	}
}

func TestSurfaceOnMatchesEvaluation(t *testing.T) {
	spec := tfgraph.MLP("m", 1, []int{5}, 1, tfgraph.Tanh, tfgraph.MSE)
	m, err := tfgraph.New(spec, testFunctionData(t, "sinc", 40), testFunctionData(t, "sin", 20), tfgraph.Config{DType: tfgraph.Float64, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p, err := filterNormalizedPlane(m, 9)
	if err != nil {
		t.Fatal(err)
	}
	grid := analysis.Grid(5, -1, 1)
	s, err := surfaceOn(m, p, grid, grid)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Train) != 5 || len(s.Test[4]) != 5 || len(s.TrainAccuracy) != 5 {
		t.Fatalf("surface of %d rows", len(s.Train))
	}
	for _, pt := range []struct{ i, j int }{{2, 2}, {0, 4}, {3, 1}} {
		if err := m.SetParams(p.Point(grid[pt.j], grid[pt.i])); err != nil {
			t.Fatal(err)
		}
		for split, got := range map[tfgraph.Split]float64{tfgraph.Train: s.Train[pt.i][pt.j], tfgraph.Test: s.Test[pt.i][pt.j]} {
			want, _, err := m.Evaluate(split)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > 1e-12*math.Max(1, want) {
				t.Errorf("%s loss at (%g, %g) = %g, evaluated %g", split, grid[pt.j], grid[pt.i], got, want)
			}
		}
	}
	if floats.Equal(p.D1, p.D2) {
		t.Error("the plane's two directions are equal")
	}
}
