package analysis

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSpectrumAgainstNumpy(t *testing.T) {
	eachCase(t, loadFixtures(t).Spectrum, func(t *testing.T, c spectrumFixture) {
		h := dense(c.H)
		s, err := NewSpectrum(h)
		if err != nil {
			t.Fatal(err)
		}
		// eigvalsh and EigenSym agree to rounding of the largest eigenvalue.
		scale := math.Max(math.Abs(c.Eigenvalues[0]), math.Abs(c.Eigenvalues[len(c.Eigenvalues)-1]))
		for i, want := range c.Eigenvalues {
			if got := s.Eigenvalues[i]; math.Abs(got-want) > 1e-12*scale {
				t.Errorf("eigenvalue %d = %.15g, want %.15g", i, got, want)
			}
		}
		if s.Min() != s.Eigenvalues[0] || s.Max() != s.Eigenvalues[len(s.Eigenvalues)-1] {
			t.Errorf("Min/Max %g, %g do not match the ends of %v", s.Min(), s.Max(), s.Eigenvalues)
		}
		if s.Asymmetry > 1e-15 {
			t.Errorf("asymmetry %g of a symmetric matrix", s.Asymmetry)
		}
		// The counts use numpy's eigenvalues, so that an eigenvalue within
		// rounding of a tolerance cannot flip a count.
		for i, tol := range c.Tolerances {
			want := Counts(c.Counts[i])
			if got := Classify(c.Eigenvalues, tol); got != want {
				t.Errorf("Classify at %g = %+v, want %+v", tol, got, want)
			}
			if got := MinimalRatio(c.Eigenvalues, tol); got != c.Ratios[i] {
				t.Errorf("MinimalRatio at %g = %g, want %g", tol, got, c.Ratios[i])
			}
		}
		nearSlice(t, "RatioCurve", RatioCurve(c.Eigenvalues, c.Tolerances), c.Ratios, 0)
		for i, rel := range c.Relative {
			if got, want := ClassifyRelative(c.Eigenvalues, rel), Counts(c.RelativeCounts[i]); got != want {
				t.Errorf("ClassifyRelative at %g = %+v, want %+v", rel, got, want)
			}
		}
		nearSlice(t, "RelativeRatioCurve", RelativeRatioCurve(c.Eigenvalues, c.Relative), c.RelativeRatios, 0)
	})
}

func TestAsymmetry(t *testing.T) {
	for _, c := range []struct {
		name string
		h    *mat.Dense
		want float64
	}{
		{"symmetric", mat.NewDense(2, 2, []float64{2, 1, 1, 3}), 0},
		{"skewed", mat.NewDense(2, 2, []float64{4, 1, 2, 3}), 0.25},
		{"zero", mat.NewDense(2, 2, nil), 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Asymmetry(c.h); math.Abs(got-c.want) > 1e-15 {
				t.Errorf("Asymmetry = %g, want %g", got, c.want)
			}
			s := Symmetrize(c.h)
			if got, want := s.At(0, 1), (c.h.At(0, 1)+c.h.At(1, 0))/2; got != want {
				t.Errorf("Symmetrize off-diagonal %g, want %g", got, want)
			}
		})
	}
}

func TestSpectrumErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		h    mat.Matrix
	}{{"not square", mat.NewDense(2, 3, nil)}} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := NewSpectrum(c.h); err == nil {
				t.Error("no error")
			}
		})
	}
	if r := MinimalRatio(nil, 0); !math.IsNaN(r) {
		t.Errorf("MinimalRatio of no eigenvalues = %g, want NaN", r)
	}
}
