package analysis

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// fixtures are the reference values testdata/gen_fixtures.py computed with numpy and
// scipy.
type fixtures struct {
	PCA       []pcaFixture
	Spectrum  []spectrumFixture
	Sharpness []sharpnessFixture
	Gradnorm  []gradnormFixture
	Rank      []rankFixture
	Summary   []summaryFixture
	Curve     []curveFixture
	Grid      []gridFixture
	Diff      []diffFixture
}

// pcaFixture is a data matrix with its explained variance ratios and its projection on the first two principal directions.
type pcaFixture struct {
	named
	X          [][]float64
	Explained  []float64
	Projection [][]float64
}

// spectrumFixture is a symmetric matrix with its eigenvalues, and the counts and minimal ratios at each tolerance, absolute and relative.
type spectrumFixture struct {
	named
	H              [][]float64
	Eigenvalues    []float64
	Tolerances     []float64
	Counts         []countsFixture
	Ratios         []float64
	Relative       []float64
	RelativeCounts []countsFixture `json:"relative_counts"`
	RelativeRatios []float64       `json:"relative_ratios"`
}

// sharpnessFixture is a convex quadratic with a point, a box and the maximum of the loss over the box.
type sharpnessFixture struct {
	named
	Q         [][]float64
	B, Theta  []float64
	A         [][]float64
	Eps, Loss float64
	Sharpness float64
}

// gradnormFixture is a test function with a start point and the minimum of its gradient norm.
type gradnormFixture struct {
	named
	X0       []float64
	GradX0   []float64 `json:"grad_x0"`
	LossX0   float64   `json:"loss_x0"`
	X        []float64
	GradNorm float64 `json:"grad_norm"`
}

// rankFixture is two samples with their ranks and their Spearman correlation (nil where undefined).
type rankFixture struct {
	named
	X, Y  []float64
	RankX []float64 `json:"rank_x"`
	RankY []float64 `json:"rank_y"`
	Rho   *float64
}

// summaryFixture is a sample with its mean, standard deviation, standard error, and t and bootstrap intervals.
type summaryFixture struct {
	named
	X                   []float64
	Level, Mean, SD, SE float64
	TQuantile           float64 `json:"t_quantile"`
	TLo                 float64 `json:"t_lo"`
	THi                 float64 `json:"t_hi"`
	BootLo              float64 `json:"boot_lo"`
	BootHi              float64 `json:"boot_hi"`
}

// curveFixture is a curve with its first value, peak and tail mean.
type curveFixture struct {
	named
	V         []float64
	Tail      int
	First     float64
	Peak      float64
	PeakIndex int     `json:"peak_index"`
	TailMean  float64 `json:"tail_mean"`
}

// gridFixture is the arguments of Grid and the grid they give.
type gridFixture struct {
	named
	N      int
	Lo, Hi float64
	Extra  []float64
	Grid   []float64
}

// diffFixture is two samples with the difference of their means and its bootstrap interval.
type diffFixture struct {
	named
	X, Y            []float64
	Level, Diff, SE float64
	BootLo          float64 `json:"boot_lo"`
	BootHi          float64 `json:"boot_hi"`
}

// named is the name every fixture case has, the name of its subtest.
type named struct{ Name string }

func (n named) name() string { return n.Name }

// eachCase runs check on every case as a subtest named by the case.
func eachCase[C interface{ name() string }](t *testing.T, cases []C, check func(t *testing.T, c C)) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name(), func(t *testing.T) { check(t, c) })
	}
}

type countsFixture struct{ Positive, Negative, Zero int }

func loadFixtures(t *testing.T) *fixtures {
	t.Helper()
	b, err := os.ReadFile("testdata/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixtures
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

func dense(rows [][]float64) *mat.Dense {
	m := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		m.SetRow(i, r)
	}
	return m
}

func near(got, want, tol float64) bool {
	return scalar.EqualWithinAbsOrRel(got, want, tol, tol)
}

func nearSlice(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			t.Errorf("%s[%d] = %.15g, want %.15g (tolerance %g)", what, i, got[i], want[i], tol)
		}
	}
}

func TestFixturesComplete(t *testing.T) {
	f := loadFixtures(t)
	for _, c := range []struct {
		name string
		n    int
	}{{"pca", len(f.PCA)}, {"spectrum", len(f.Spectrum)}, {"sharpness", len(f.Sharpness)}, {"gradnorm", len(f.Gradnorm)},
		{"rank", len(f.Rank)}, {"curve", len(f.Curve)}, {"grid", len(f.Grid)}, {"summary", len(f.Summary)}, {"diff", len(f.Diff)}} {
		if c.n == 0 {
			t.Errorf("fixtures.json has no %s cases", c.name)
		}
	}
	if math.IsNaN(f.Summary[0].Mean) {
		t.Errorf("fixture mean is NaN")
	}
}
