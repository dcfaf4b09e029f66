package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Symmetrize returns (H + Hᵀ)/2 of the square matrix h.
func Symmetrize(h mat.Matrix) *mat.SymDense {
	n, _ := h.Dims()
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	return s
}

// Asymmetry returns max|H - Hᵀ| / max|H|, the relative asymmetry of the square matrix
// h, or 0 for a zero matrix.
func Asymmetry(h mat.Matrix) float64 {
	n, _ := h.Dims()
	var d, a float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d = math.Max(d, math.Abs(h.At(i, j)-h.At(j, i)))
			a = math.Max(a, math.Abs(h.At(i, j)))
		}
	}
	if a == 0 {
		return 0
	}
	return d / a
}

// Eigenvalues returns the eigenvalues of the symmetric matrix s in ascending order,
// from gonum's symmetric eigensolver (mat.EigenSym).
func Eigenvalues(s mat.Symmetric) ([]float64, error) {
	var es mat.EigenSym
	if !es.Factorize(s, false) {
		return nil, errors.New("analysis: symmetric eigendecomposition did not converge")
	}
	return es.Values(nil), nil
}

// Counts classifies eigenvalues against a tolerance t: Positive counts those above t,
// Negative those below -t and Zero the others (|λ| <= t).
type Counts struct {
	Positive, Negative, Zero int
}

// Classify counts the eigenvalues ev above tol, below -tol and in between; tol must
// not be negative.
func Classify(ev []float64, tol float64) Counts {
	var c Counts
	for _, v := range ev {
		switch {
		case v > tol:
			c.Positive++
		case v < -tol:
			c.Negative++
		default:
			c.Zero++
		}
	}
	return c
}

// RelativeTolerance returns rel times the largest |λ| of ev: the absolute tolerance
// that a tolerance relative to the spectrum's scale stands for (0 for no eigenvalues).
func RelativeTolerance(ev []float64, rel float64) float64 {
	var top float64
	for _, v := range ev {
		top = math.Max(top, math.Abs(v))
	}
	return rel * top
}

// ClassifyRelative is Classify at the tolerance rel·max|λ|.
func ClassifyRelative(ev []float64, rel float64) Counts {
	return Classify(ev, RelativeTolerance(ev, rel))
}

// MinimalRatio returns the minimal ratio of a Hessian with eigenvalues ev, one per
// parameter: the number of eigenvalues above tol divided by the number of
// parameters. It is NaN for no eigenvalues.
func MinimalRatio(ev []float64, tol float64) float64 {
	if len(ev) == 0 {
		return math.NaN()
	}
	return float64(Classify(ev, tol).Positive) / float64(len(ev))
}

// RatioCurve returns the minimal ratio of ev at each tolerance of tols, so that a
// ratio can be reported against its threshold.
func RatioCurve(ev, tols []float64) []float64 {
	out := make([]float64, len(tols))
	for i, t := range tols {
		out[i] = MinimalRatio(ev, t)
	}
	return out
}

// RelativeRatioCurve is RatioCurve at the tolerances rel·max|λ| for each rel of rels.
func RelativeRatioCurve(ev, rels []float64) []float64 {
	out := make([]float64, len(rels))
	for i, r := range rels {
		out[i] = MinimalRatio(ev, RelativeTolerance(ev, r))
	}
	return out
}

// Spectrum is what a symmetric eigen-decomposition tells about a Hessian.
type Spectrum struct {
	// Eigenvalues in ascending order.
	Eigenvalues []float64
	// Asymmetry is max|H - Hᵀ| / max|H| of the matrix before symmetrisation.
	Asymmetry float64
}

// NewSpectrum symmetrises the square matrix h and returns its eigenvalues and its
// asymmetry.
func NewSpectrum(h mat.Matrix) (Spectrum, error) {
	r, c := h.Dims()
	if r != c || r == 0 {
		return Spectrum{}, fmt.Errorf("analysis: spectrum of a %dx%d matrix", r, c)
	}
	ev, err := Eigenvalues(Symmetrize(h))
	if err != nil {
		return Spectrum{}, err
	}
	return Spectrum{Eigenvalues: ev, Asymmetry: Asymmetry(h)}, nil
}

// Min returns the smallest eigenvalue of a spectrum from NewSpectrum (never empty).
func (s Spectrum) Min() float64 { return s.Eigenvalues[0] }

// Max returns the largest eigenvalue of a spectrum from NewSpectrum (never empty).
func (s Spectrum) Max() float64 { return s.Eigenvalues[len(s.Eigenvalues)-1] }
