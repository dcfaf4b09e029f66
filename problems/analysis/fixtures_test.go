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
	PCA []struct {
		Name       string
		X          [][]float64
		Explained  []float64
		Projection [][]float64
	}
	Spectrum []struct {
		Name           string
		H              [][]float64
		Eigenvalues    []float64
		Tolerances     []float64
		Counts         []countsFixture
		Ratios         []float64
		Relative       []float64
		RelativeCounts []countsFixture `json:"relative_counts"`
		RelativeRatios []float64       `json:"relative_ratios"`
	}
	Sharpness []struct {
		Name      string
		Q         [][]float64
		B, Theta  []float64
		A         [][]float64
		Eps, Loss float64
		Sharpness float64
	}
	Gradnorm []struct {
		Name     string
		X0       []float64
		GradX0   []float64 `json:"grad_x0"`
		LossX0   float64   `json:"loss_x0"`
		X        []float64
		GradNorm float64 `json:"grad_norm"`
	}
	Rank []struct {
		Name  string
		X, Y  []float64
		RankX []float64 `json:"rank_x"`
		RankY []float64 `json:"rank_y"`
		Rho   *float64
	}
	Summary []struct {
		Name                string
		X                   []float64
		Level, Mean, SD, SE float64
		TQuantile           float64 `json:"t_quantile"`
		TLo                 float64 `json:"t_lo"`
		THi                 float64 `json:"t_hi"`
		BootLo              float64 `json:"boot_lo"`
		BootHi              float64 `json:"boot_hi"`
	}
	Curve []struct {
		Name      string
		V         []float64
		Tail      int
		First     float64
		Peak      float64
		PeakIndex int     `json:"peak_index"`
		TailMean  float64 `json:"tail_mean"`
	}
	Grid []struct {
		Name   string
		N      int
		Lo, Hi float64
		Extra  []float64
		Grid   []float64
	}
	Diff []struct {
		Name            string
		X, Y            []float64
		Level, Diff, SE float64
		BootLo          float64 `json:"boot_lo"`
		BootHi          float64 `json:"boot_hi"`
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
