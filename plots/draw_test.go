package plots

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"hw1/problems/records"
)

// synth writes seeded synthetic records of a problem, in the layout of docs/records.md.
type synth struct {
	w   *records.Writer
	rng *rand.Rand
	err error
}

func (s *synth) row(run, model, split string, step int, epoch float64, metric string, value float64) {
	if s.err == nil {
		s.err = s.w.Write(records.Row{Run: run, Model: model, Split: split, Step: step, Epoch: epoch, Metric: metric, Value: value})
	}
}

func (s *synth) noise() float64 { return math.Exp(0.1 * s.rng.NormFloat64()) }

var nan = math.NaN()

// writeSynthetic writes the records of problem into dir/records.csv.
func writeSynthetic(t *testing.T, problem, dir string) {
	t.Helper()
	w, err := records.Create(filepath.Join(dir, records.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	s := &synth{w: w, rng: rand.New(rand.NewPCG(42, uint64(len(problem))))}
	const no = records.NoStep
	switch problem {
	case records.Problem11:
		for _, fn := range []string{"sinc", "sign"} {
			for k, m := range []string{"deep-7", "mid-4", "shallow-1"} {
				for e := 1; e <= 60; e++ {
					s.row(fn, m, "train", no, float64(e), "loss", 0.1*math.Pow(0.9+0.02*float64(k), float64(e))*s.noise())
				}
				s.row(fn, m, "train", no, 60, "params", float64(570+k))
				s.row(fn, m, "train", no, 60, "final_loss", 0.001)
			}
			for _, m := range []string{"truth", "deep-7", "mid-4", "shallow-1"} {
				for i := range 50 {
					x := -1 + 2*float64(i)/49
					y := sinc(x)
					if m != "truth" {
						y += 0.05 * s.rng.NormFloat64()
					}
					s.row(fn, m, "grid", i, nan, "x", x)
					s.row(fn, m, "grid", i, nan, "y", y)
				}
			}
		}
	case records.Problem12:
		for _, task := range []string{"mnist", "fashion-mnist"} {
			for k, m := range []string{"cnn-2", "cnn-4", "dnn"} {
				for e := 1; e <= 12; e++ {
					s.row(task, m, "train", no, float64(e), "loss", 2/float64(e+k)*s.noise())
					s.row(task, m, "train", no, float64(e), "accuracy", 1-0.5/float64(e+k))
				}
				s.row(task, m, "test", no, 12, "loss", 0.05)
				s.row(task, m, "test", no, 12, "accuracy", 0.99-0.01*float64(k))
				s.row(task, m, "", no, nan, "params", 20000)
			}
		}
	case records.Problem21:
		for r := 1; r <= 8; r++ {
			run := fmt.Sprintf("seed-%d", r)
			for k := 0; k <= 10; k++ { // steps beyond 9 check numeric ordering
				epoch := float64(3 * k)
				s.row(run, "dnn", "train", k, epoch, "loss", 2/float64(k+1))
				s.row(run, "dnn", "train", k, epoch, "accuracy", 1-0.9/float64(k+1))
				for _, split := range []string{"pca-layer", "pca-model"} {
					a := 2 * math.Pi * float64(r) / 8
					s.row(run, "dnn", split, k, epoch, "pc1", float64(k)*math.Cos(a)+0.2*s.rng.NormFloat64())
					s.row(run, "dnn", split, k, epoch, "pc2", float64(k)*math.Sin(a)+0.2*s.rng.NormFloat64())
				}
			}
		}
		for _, split := range []string{"pca-layer", "pca-model"} {
			s.row("all", "dnn", split, no, nan, "explained1", 0.412)
			s.row("all", "dnn", split, no, nan, "explained2", 0.175)
		}
		// Loss surfaces on a 9 x 9 grid, and a trajectory in the PCA plane.
		for _, run := range []string{records.RunSurfaceRandom, records.RunSurfacePCA} {
			for i := range 9 {
				for j := range 9 {
					a, b := float64(j-4)/4, 2*float64(i-4)/4
					k := 9*i + j
					s.row(run, "dnn", "", k, nan, records.MetricSurfaceA, a)
					s.row(run, "dnn", "", k, nan, records.MetricSurfaceB, b)
					s.row(run, "dnn", "train", k, nan, "loss", 0.05+a*a+0.3*b*b)
					s.row(run, "dnn", "test", k, nan, "loss", 0.1+a*a+0.4*b*b)
				}
			}
			s.row(run, "dnn", "", no, nan, records.MetricPointsPerRun, 81)
		}
		for k := 0; k <= 8; k++ {
			s.row(records.RunSurfacePCA, "dnn", records.SplitTrajectory, k, float64(3*k), records.MetricSurfaceA, 0.9*math.Pow(0.7, float64(k)))
			s.row(records.RunSurfacePCA, "dnn", records.SplitTrajectory, k, float64(3*k), records.MetricSurfaceB, 0.5*math.Pow(0.6, float64(k))*math.Sin(float64(k)))
		}
		s.row(records.RunSurfacePCA, "dnn", "", no, nan, "explained1", 0.81)
		s.row(records.RunSurfacePCA, "dnn", "", no, nan, "explained2", 0.09)
	case records.Problem22:
		for _, task := range []string{"mnist", "sinc"} {
			for i := range 200 {
				s.row(records.RunGradNormPrefix+task, "net", "train", i, float64(i)/50, "loss", 2/float64(i+1)*s.noise())
				g := 3 / math.Sqrt(float64(i+1)) * s.noise()
				if i == 7 {
					g = nan // allowed for grad_norm, left out of the chart
				}
				s.row(records.RunGradNormPrefix+task, "net", "train", i, float64(i)/50, "grad_norm", g)
			}
		}
		for r := range 100 {
			run := fmt.Sprintf("seed-%d", r)
			ratio := 0.5 + 0.5*s.rng.Float64()
			s.row(run, "mlp", "train", no, nan, "loss", 0.1*(1.1-ratio)*s.noise())
			s.row(run, "mlp", "train", no, nan, "grad_norm", 1e-5)
			s.row(run, "mlp", "train", no, nan, "minimal_ratio", ratio)
			s.row(run, "mlp", "train", no, nan, "converged", float64(r%5/4^1))
			s.row(run, "mlp", "train", no, nan, "eig_tolerance", 1e-6)
			for k := range 20 {
				s.row(run, "mlp", records.SplitSpectrum, k, nan, records.MetricEigenvalue, math.Pow(10, float64(k-12)/2)*s.noise()-1e-5)
			}
			if r < 3 { // spectral densities of a few end points
				for k := range 12 {
					s.row(run, "mlp", records.SplitSLQ, k, nan, records.MetricSLQNode, math.Pow(10, float64(k-8)/2)-1e-5)
					s.row(run, "mlp", records.SplitSLQ, k, nan, records.MetricSLQWeight, 1.0/12)
				}
			}
			for k, tol := range []float64{0, 1e-8, 1e-6, 1e-4} {
				for _, split := range []string{records.SplitTolAbs, records.SplitTolRel} {
					s.row(run, "mlp", split, k, nan, records.MetricTolerance, tol)
					s.row(run, "mlp", split, k, nan, records.MetricMinimalRatio, ratio/float64(k+1))
				}
			}
		}
	case records.Problem31:
		for _, run := range []string{"random-labels", "true-labels"} {
			for e := 1; e <= 80; e++ {
				fit := 1 - math.Exp(-float64(e)/20)
				s.row(run, "cnn", "train", no, float64(e), "loss", 2.3*(1-fit)+1e-3)
				s.row(run, "cnn", "test", no, float64(e), "loss", 2.3+float64(e)/20)
				s.row(run, "cnn", "train", no, float64(e), "accuracy", 0.1+0.9*fit)
				s.row(run, "cnn", "test", no, float64(e), "accuracy", 0.1)
			}
		}
	case records.Problem32:
		for i := range 12 {
			m := fmt.Sprintf("dnn-w%d", 4<<i)
			params := 100 * math.Pow(2, float64(i))
			s.row(records.RunSweep, m, "", i, nan, "params", params)
			s.row(records.RunSweep, m, "train", i, 20, "loss", 1/math.Log(params))
			s.row(records.RunSweep, m, "test", i, 20, "loss", 1.5/math.Log(params)+0.01*float64(i))
			s.row(records.RunSweep, m, "train", i, 20, "accuracy", 1-1/math.Log(params))
			s.row(records.RunSweep, m, "test", i, 20, "accuracy", 0.95-1/math.Log(params))
		}
	case records.Problem33:
		for _, run := range []string{records.RunInterpBatch, records.RunInterpLR} {
			for i := range 51 {
				alpha := -1 + 3*float64(i)/50
				s.row(run, "pair", "", i, nan, "alpha", alpha)
				d := math.Min(alpha*alpha, (alpha-1)*(alpha-1))
				s.row(run, "pair", "train", i, nan, "loss", 0.01+5*d)
				s.row(run, "pair", "test", i, nan, "loss", 0.05+5*d)
				s.row(run, "pair", "train", i, nan, "accuracy", math.Max(0.1, 1-d))
				s.row(run, "pair", "test", i, nan, "accuracy", math.Max(0.1, 0.98-d))
			}
		}
		for i, b := range []int{16, 64, 256, 1024, 4096} {
			m := fmt.Sprintf("batch-%d", b)
			lb := math.Log2(float64(b))
			s.row(records.RunSensitivity, m, "", i, nan, "batch_size", float64(b))
			s.row(records.RunSensitivity, m, "train", i, 10, "loss", 0.01*lb)
			s.row(records.RunSensitivity, m, "test", i, 10, "loss", 0.03+0.01*lb)
			s.row(records.RunSensitivity, m, "train", i, 10, "accuracy", 1-0.001*lb)
			s.row(records.RunSensitivity, m, "test", i, 10, "accuracy", 0.99-0.004*lb)
			s.row(records.RunSensitivity, m, "test", i, 10, "sensitivity", 0.5+0.1*lb)
			s.row(records.RunSensitivity, m, "train", i, 10, "sharpness_1e-3", 2*lb)
			s.row(records.RunSensitivity, m, "train", i, 10, "sharpness_5e-4", lb)
			s.row(records.RunSensitivity, m, "train", i, 10, "max_eigenvalue", 5+lb)
			s.row(records.RunSensitivity, m, "train", i, 10, "hessian_trace", 100+10*lb)
			for k := range 10 {
				s.row(records.RunDensity, m, records.SplitSLQ, k, nan, records.MetricSLQNode, (5+lb)*math.Pow(float64(k)/9, 3)-0.01*float64(k%2))
				s.row(records.RunDensity, m, records.SplitSLQ, k, nan, records.MetricSLQWeight, 0.1)
			}
		}
		for _, run := range []string{records.RunInterpBatch, records.RunInterpLR} {
			for j, m := range []string{"batch-64", "batch-1024"} {
				for i := range 21 {
					a := -1 + float64(i)/10
					s.row(records.RunFilterPrefix+run, m, "", i, nan, records.MetricOffset, a)
					s.row(records.RunFilterPrefix+run, m, "train", i, nan, "loss", 0.01+float64(j+1)*a*a)
					s.row(records.RunFilterPrefix+run, m, "test", i, nan, "loss", 0.05+float64(j+1)*a*a)
					s.row(records.RunFilterPrefix+run, m, "train", i, nan, "accuracy", math.Max(0.1, 1-a*a))
					s.row(records.RunFilterPrefix+run, m, "test", i, nan, "accuracy", math.Max(0.1, 0.98-a*a))
				}
			}
		}
	default:
		t.Fatalf("no synthetic records for %s", problem)
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// wantFigures are the figures Draw must write from the synthetic records.
var wantFigures = map[string][]string{
	records.Problem11: {"loss-sinc", "predictions-sinc", "loss-sign", "predictions-sign"},
	records.Problem12: {"loss-mnist", "accuracy-mnist", "loss-fashion-mnist", "accuracy-fashion-mnist"},
	records.Problem21: {"pca-layer", "pca-model", "surface-random-train", "surface-random-test", "surface-pca-train", "surface-pca-test"},
	records.Problem22: {"gradnorm-mnist", "gradnorm-sinc", "minimal-ratio", "spectra", "ratio-tolerance", "ratio-relative-tolerance", "density"},
	records.Problem31: {"curves-random-labels", "curves-true-labels"},
	records.Problem32: {"params"},
	records.Problem33: {"interpolation-interp-batch", "interpolation-interp-lr", "sensitivity", "hessian", "hessian-density", "filter-interp-batch", "filter-interp-lr"},
}

func TestDraw(t *testing.T) {
	keep := os.Getenv("HW1_PLOTS_KEEP") // a folder to keep the figures in, for a look
	for _, problem := range Problems() {
		t.Run(problem, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if keep != "" {
				dir = filepath.Join(keep, problem)
				os.RemoveAll(dir)
				os.MkdirAll(dir, 0o755)
			}
			writeSynthetic(t, problem, dir)
			drawn, err := DrawFigures(problem, dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range drawn {
				names = append(names, d.Name)
				if d.Caption == "" {
					t.Errorf("%s has no caption", d.Name)
				}
				if len(d.Files) != 2 || !strings.HasSuffix(d.Files[0], ".png") || !strings.HasSuffix(d.Files[1], ".svg") {
					t.Errorf("%s: files %v, want a PNG and an SVG", d.Name, d.Files)
				}
				for _, f := range d.Files {
					fi, err := os.Stat(f)
					if err != nil || fi.Size() < 1000 {
						t.Errorf("%s: %v", f, err)
					}
					if filepath.Dir(f) != filepath.Join(dir, "figures") {
						t.Errorf("%s is not in %s/figures", f, dir)
					}
				}
			}
			if want := wantFigures[problem]; !slices.Equal(names, want) {
				t.Errorf("drew %v, want %v", names, want)
			}
			paths, err := Draw(problem, dir)
			if err != nil || len(paths) != 2*len(wantFigures[problem]) {
				t.Errorf("Draw: %d paths, %v", len(paths), err)
			}
		})
	}
}

// TestDrawCaptions checks that captions carry the numbers of the synthetic records:
// the explained variance of 2-1's PCA, and 2-2's counts and tolerance.
func TestDrawCaptions(t *testing.T) {
	for _, c := range []struct {
		problem string
		figure  int      // the index of the figure among those drawn
		want    []string // what its caption must contain
	}{
		{"2-1", 0, []string{"41.2%", "17.5%"}},
		{"2-2", 2, []string{"for 100 runs; 80 reached", "above 1e-06"}},
	} {
		t.Run(c.problem, func(t *testing.T) {
			dir := t.TempDir()
			writeSynthetic(t, c.problem, dir)
			drawn, err := DrawFigures(c.problem, dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(drawn) <= c.figure {
				t.Fatalf("%d figures drawn, want at least %d", len(drawn), c.figure+1)
			}
			for _, w := range c.want {
				if cap := drawn[c.figure].Caption; !strings.Contains(cap, w) {
					t.Errorf("caption %q lacks %q", cap, w)
				}
			}
		})
	}
}

func TestDrawMissing(t *testing.T) {
	dir := t.TempDir()
	writeSynthetic(t, "3-3", dir)
	// Drop the sensitivity rows: the interpolation and Hessian figures are still drawn.
	rows, err := records.Read(filepath.Join(dir, records.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	w, err := records.Create(filepath.Join(dir, records.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Metric != "sensitivity" {
			w.Write(r)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	drawn, err := DrawFigures("3-3", dir)
	if len(drawn) != 6 {
		t.Errorf("drew %d figures, want the 2 interpolation figures, the 2 Hessian ones and the 2 filter-normalised profiles", len(drawn))
	}
	var fe *FigureError
	if !errors.As(err, &fe) || fe.Figure != "sensitivity" || fe.Problem != "3-3" {
		t.Fatalf("got %v, want a FigureError for the sensitivity figure", err)
	}
	want := `plots: 3-3: figure sensitivity: missing records: no "sensitivity" rows with a "batch_size" row of the same run, model and step`
	if err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
}

func TestDrawErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Draw("9-9", dir); err == nil || !strings.Contains(err.Error(), `plots: unknown problem "9-9" (known: 1-1 1-2 2-1 2-2 3-1 3-2 3-3)`) {
		t.Errorf("unknown problem: %v", err)
	}
	if _, err := Draw("1-1", dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no records: %v", err)
	}
	// Records without any known metric: every problem reports what is missing.
	w, err := records.Create(filepath.Join(dir, records.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(records.Row{Run: "r", Model: "m", Step: records.NoStep, Epoch: nan, Metric: "other", Value: 1})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, problem := range Problems() {
		paths, err := Draw(problem, dir)
		if err == nil || len(paths) != 0 {
			t.Errorf("%s: %v, %v", problem, paths, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "plots: "+problem+": ") || !strings.Contains(err.Error(), "missing records") {
			t.Errorf("%s: %v", problem, err)
		}
		t.Logf("%s: %v", problem, err)
	}
}

func TestFigures(t *testing.T) {
	// Every problem of the one list has figures, and no figures belong to another name.
	if got, want := Problems(), records.Problems(); !slices.Equal(got, want) {
		t.Errorf("Problems = %v, want records.Problems() = %v", got, want)
	}
	for name := range registry {
		if records.ProblemIndex(name) < 0 {
			t.Errorf("figures for %q, which is not in records.Problems", name)
		}
	}
	for _, p := range Problems() {
		figs := Figures(p)
		if len(figs) == 0 {
			t.Errorf("%s has no figures", p)
		}
		for _, f := range figs {
			if f.Name == "" || !strings.HasSuffix(f.Caption, ".") {
				t.Errorf("%s: figure %+v needs a name and a caption sentence", p, f)
			}
		}
	}
	if Figures("0-0") != nil {
		t.Error("Figures of an unknown problem is not nil")
	}
}

func TestThinNotes(t *testing.T) {
	for _, c := range []struct{ n, max, want int }{{5, 12, 5}, {12, 12, 12}, {13, 12, 7}, {40, 12, 11}, {100, 12, 11}, {1000, 12, 12}} {
		notes := make([]string, c.n)
		for i := range notes {
			notes[i] = "x"
		}
		thinNotes(notes, c.max)
		kept := 0
		for _, s := range notes {
			if s != "" {
				kept++
			}
		}
		if kept != c.want || notes[0] == "" || notes[c.n-1] == "" {
			t.Errorf("thinNotes(%d notes, %d) kept %d (first %q, last %q), want %d", c.n, c.max, kept, notes[0], notes[c.n-1], c.want)
		}
	}
}

// TestDrawSchemaVersion1 draws the figures of runs written in schema version 1 (no seed
// column, no schema version in the manifest), committed under problems/records/testdata.
func TestDrawSchemaVersion1(t *testing.T) {
	for _, c := range []struct {
		problem string
		want    []string
	}{
		{records.Problem31, []string{"curves-random-labels", "curves-true-labels"}},
		{records.Problem22, []string{"gradnorm-mnist", "gradnorm-sinc", "minimal-ratio"}},
	} {
		t.Run(c.problem, func(t *testing.T) {
			src := filepath.Join("..", "problems", "records", "testdata", "v1", c.problem, records.RecordsFile)
			data, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, records.RecordsFile), data, 0o644); err != nil {
				t.Fatal(err)
			}
			drawn, err := DrawFigures(c.problem, dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, d := range drawn {
				names = append(names, d.Name)
				for _, f := range d.Files {
					if st, err := os.Stat(f); err != nil || st.Size() < 1000 {
						t.Errorf("%s: %v, size %v", f, err, st)
					}
				}
			}
			if !slices.Equal(names, c.want) {
				t.Errorf("drew %v, want %v", names, c.want)
			}
		})
	}
}
