package plots

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/cmpimg"
)

// The examples draw each chart kind from seeded synthetic data into testdata/NAME.png;
// the tests compare that file with testdata/NAME_golden.png. Run
//
//	go test ./plots -regen
//
// to rewrite the golden images after an intended change, and look at them.

// goldenDelta is the tolerance of the image comparison: anti-aliasing may differ
// slightly between platforms.
const goldenDelta = 0.02

// chartErr is the error of the last example that failed to make or save its chart;
// TestCharts fails on it.
var chartErr error

// save writes f to testdata/name.png only (the tests compare PNGs), or keeps err, the
// error of making f, in chartErr.
func save(f *Figure, err error, name string) {
	if err != nil {
		chartErr = err
		return
	}
	if err := writeFile(filepath.Join("testdata", name+".png"), func(w io.Writer) error { return f.WriteTo(w, "png") }); err != nil {
		chartErr = err
	}
}

// decay returns a noisy training curve falling from about start to about end.
func decay(rng *rand.Rand, n int, start, end, noise float64) Series {
	s := Series{X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		t := float64(i) / float64(n-1)
		s.X[i] = float64(i + 1)
		s.Y[i] = start * math.Pow(end/start, math.Sqrt(t)) * math.Exp(noise*rng.NormFloat64())
	}
	return s
}

func ExampleLineChart() {
	rng := rand.New(rand.NewPCG(1, 2))
	var series []Series
	for i, m := range []string{"deep-7 (571 params)", "mid-4 (572 params)", "shallow-1 (571 params)"} {
		s := decay(rng, 400, 0.1, 1e-4*math.Pow(8, float64(i)), 0.15)
		s.Label = m
		series = append(series, s)
	}
	f, err := LineChart(Axes{Title: "sinc: training loss", X: "epoch", Y: "training loss (MSE)", LogY: true}, series...)
	save(f, err, "line")
}

func ExamplePredictionChart() {
	const n = 200
	truth := Series{Label: "ground truth", X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		x := -1 + 2*float64(i)/(n-1)
		truth.X[i] = x
		truth.Y[i] = sinc(x)
	}
	var preds []Series
	for k, m := range []string{"deep-7", "mid-4", "shallow-1"} {
		s := Series{Label: m, X: truth.X, Y: make([]float64, n)}
		for i, x := range truth.X {
			s.Y[i] = sinc(x) + 0.04*float64(k+1)*math.Sin(float64(3+2*k)*x)
		}
		preds = append(preds, s)
	}
	f, err := PredictionChart(Axes{Title: "sinc: predictions", X: "x", Y: "y"}, truth, preds...)
	save(f, err, "predictions")
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(5*math.Pi*x) / (5 * math.Pi * x)
}

func ExampleTrajectoryChart() {
	rng := rand.New(rand.NewPCG(3, 4))
	var runs []Trajectory
	for r := range 8 {
		angle := 2 * math.Pi * float64(r) / 8
		var tr Trajectory
		tr.Label = fmt.Sprintf("seed-%d", r+1)
		x, y := 0.0, 0.0
		for k := range 8 {
			x += math.Cos(angle)*(3-0.3*float64(k)) + 0.4*rng.NormFloat64()
			y += math.Sin(angle)*(3-0.3*float64(k)) + 0.4*rng.NormFloat64()
			tr.X = append(tr.X, x)
			tr.Y = append(tr.Y, y)
			tr.Notes = append(tr.Notes, fmt.Sprintf("%.0f", 100*(1-0.9*math.Exp(-0.5*float64(k)))))
		}
		runs = append(runs, tr)
	}
	f, err := TrajectoryChart(Axes{Title: "PCA of the whole model (labels: training accuracy, %)", X: "PC1 (41.2% of variance)", Y: "PC2 (17.5% of variance)"}, runs...)
	save(f, err, "trajectory")
}

func ExampleStackedChart() {
	rng := rand.New(rand.NewPCG(5, 6))
	loss := decay(rng, 500, 2.3, 0.05, 0.2)
	loss.Label = "cnn-2"
	grad := decay(rng, 500, 5, 0.5, 0.5)
	grad.Label = "cnn-2"
	f, err := StackedChart("gradnorm-mnist: loss and gradient norm",
		Panel{Axes: Axes{Y: "training loss", LogY: true}, Series: []Series{loss}},
		Panel{Axes: Axes{X: "iteration", Y: "gradient norm", LogY: true}, Series: []Series{grad}})
	save(f, err, "stacked")
}

func ExamplePanelChart() {
	batches := []float64{16, 64, 256, 1024, 4096}
	curve := func(label string, f func(i int, b float64) float64) Series {
		s := Series{Label: label, X: batches, Y: make([]float64, len(batches))}
		for i, b := range batches {
			s.Y[i] = f(i, b)
		}
		return s
	}
	lg := func(b float64) float64 { return math.Log2(b) }
	f, err := PanelChart("sensitivity: batch size",
		Panel{Axes: Axes{Title: "loss", X: "batch size", Y: "cross-entropy", LogX: true, LogY: true, XTicks: batches}, Markers: true, Series: []Series{
			curve("train", func(_ int, b float64) float64 { return 0.01 * lg(b) }),
			curve("test", func(_ int, b float64) float64 { return 0.03 + 0.02*lg(b) }),
		}},
		Panel{Axes: Axes{Title: "accuracy", X: "batch size", Y: "accuracy", LogX: true}, Markers: true, Series: []Series{
			curve("train", func(_ int, b float64) float64 { return 1 - 0.001*lg(b) }),
			curve("test", func(_ int, b float64) float64 { return 0.99 - 0.005*lg(b) }),
		}},
		Panel{Axes: Axes{Title: "sensitivity", X: "batch size", Y: "mean Frobenius norm of the Jacobian", LogX: true, XTicks: batches}, Markers: true, Series: []Series{
			curve("test", func(_ int, b float64) float64 { return 0.5 + 0.1*lg(b) }),
		}},
		Panel{Axes: Axes{Title: "sharpness", X: "batch size", Y: "sharpness (%)", LogX: true}, Markers: true, Series: []Series{
			curve("ε = 1e-3", func(_ int, b float64) float64 { return 2 * lg(b) }),
			curve("ε = 5e-4", func(_ int, b float64) float64 { return lg(b) }),
		}},
	)
	save(f, err, "panels")
}

func ExampleRatioChart() {
	rng := rand.New(rand.NewPCG(7, 8))
	var pts []RatioPoint
	for range 120 {
		r := 0.4 + 0.6*rng.Float64()
		pts = append(pts, RatioPoint{Ratio: r, Loss: 0.02 + 0.3*(1-r)*rng.Float64(), Converged: rng.Float64() < 0.8})
	}
	f, err := RatioChart(Axes{Title: "loss against minimal ratio (120 runs)", X: "minimal ratio", Y: "training loss"}, pts)
	save(f, err, "ratio")
}

func TestCharts(t *testing.T) {
	for _, c := range []struct {
		name    string
		example func()
	}{
		{"line", ExampleLineChart},
		{"predictions", ExamplePredictionChart},
		{"trajectory", ExampleTrajectoryChart},
		{"stacked", ExampleStackedChart},
		{"panels", ExamplePanelChart},
		{"ratio", ExampleRatioChart},
		{"contour", ExampleContourChart},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A stale PNG from an earlier run must not be compared in place of this one.
			if err := os.Remove(filepath.Join("testdata", c.name+".png")); err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			chartErr = nil
			run := func() {
				c.example()
				if chartErr != nil {
					t.Errorf("%s: %v", c.name, chartErr)
				}
			}
			cmpimg.CheckPlotApprox(run, t, goldenDelta, c.name+".png")
		})
	}
}
