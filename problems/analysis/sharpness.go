package analysis

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Func is a loss over a flat parameter vector, as the sharpness ascent needs it.
type Func interface {
	// Loss returns the loss at x.
	Loss(x []float64) (float64, error)
	// LossGrad returns the loss and its gradient at x.
	LossGrad(x []float64) (float64, []float64, error)
}

// SharpnessOptions set the sharpness ascent. The zero value is the full space with
// no box (Eps must be set), 10 iterations and a step of 0.5.
type SharpnessOptions struct {
	// Eps is ε, the relative size of the box; it must be positive.
	Eps float64
	// Iters is the number of projected gradient ascent steps (0 means 10).
	Iters int
	// Step is the move of every coordinate per step, as a share of its box
	// half-width (0 means 0.5).
	Step float64
	// Subspace, when not nil, is an n×p matrix A: the ascent runs over y = A·z with
	// the box |z_i| <= ε·(|(A⁺θ)_i| + 1), A⁺ the pseudo-inverse, as Keskar et al. do
	// in random subspaces. Nil means the full space (A = I).
	Subspace *mat.Dense
	// Orthogonal declares that the columns of Subspace are mutually orthogonal and of
	// equal norm c, so that A⁺ = Aᵀ/c² and the box needs no least-squares solve
	// (which costs n·p² for n parameters).
	Orthogonal bool
}

// Sharpness returns Keskar et al.'s (2017) sharpness of f at theta:
//
//	max over |y_i| <= ε·(|θ_i|+1) of (f(θ+y) - f(θ)) / (1 + f(θ)) · 100,
//
// found by projected gradient ascent from y = 0. Each step moves every coordinate by
// Step times its box half-width in the direction of the sign of the gradient at θ+y
// (steepest ascent for the box's scaled ∞-norm) and clips y back into the box; the
// largest loss met on the way counts, so the result is a lower bound of the maximum
// and never negative. The last point is evaluated with Loss, the others with LossGrad.
func Sharpness(f Func, theta []float64, o SharpnessOptions) (float64, error) {
	if !(o.Eps > 0) {
		return 0, fmt.Errorf("analysis: sharpness ε %g must be positive", o.Eps)
	}
	iters, step := o.Iters, o.Step
	if iters == 0 {
		iters = 10
	}
	if step == 0 {
		step = 0.5
	}
	if iters < 0 || !(step > 0) {
		return 0, fmt.Errorf("analysis: sharpness needs iters >= 0 and step > 0, got %d and %g", iters, step)
	}
	n := len(theta)
	// z are the free coordinates (y itself in the full space) and box their
	// half-widths.
	var box []float64
	a := o.Subspace
	if a == nil {
		box = make([]float64, n)
		for i, v := range theta {
			box[i] = o.Eps * (math.Abs(v) + 1)
		}
	} else {
		r, c := a.Dims()
		if r != n || c < 1 || c > n {
			return 0, fmt.Errorf("analysis: sharpness subspace is %dx%d for %d parameters", r, c, n)
		}
		var coef mat.VecDense
		if o.Orthogonal {
			coef.MulVec(a.T(), mat.NewVecDense(n, append([]float64(nil), theta...)))
			c2 := mat.Norm(a.ColView(0), 2)
			if !(c2 > 0) {
				return 0, fmt.Errorf("analysis: sharpness subspace: first column has norm %g", c2)
			}
			coef.ScaleVec(1/(c2*c2), &coef)
		} else if err := coef.SolveVec(a, mat.NewVecDense(n, append([]float64(nil), theta...))); err != nil {
			return 0, fmt.Errorf("analysis: sharpness subspace: %w", err)
		}
		box = make([]float64, c)
		for i := range box {
			box[i] = o.Eps * (math.Abs(coef.AtVec(i)) + 1)
		}
	}
	z := make([]float64, len(box))
	p := make([]float64, n)
	dz := make([]float64, len(box))
	l0, best := math.NaN(), math.Inf(-1)
	for k := 0; k <= iters; k++ {
		if a == nil {
			for i := range p {
				p[i] = theta[i] + z[i]
			}
		} else {
			mat.NewVecDense(n, p).MulVec(a, mat.NewVecDense(len(z), z))
			for i := range p {
				p[i] += theta[i]
			}
		}
		var (
			l   float64
			g   []float64
			err error
		)
		if k < iters {
			l, g, err = f.LossGrad(p)
		} else {
			l, err = f.Loss(p)
		}
		if err != nil {
			return 0, err
		}
		if k == 0 {
			l0 = l
		}
		best = math.Max(best, l)
		if g == nil {
			continue
		}
		if len(g) != n {
			return 0, fmt.Errorf("analysis: sharpness: gradient of length %d for %d parameters", len(g), n)
		}
		if a == nil {
			copy(dz, g)
		} else {
			mat.NewVecDense(len(dz), dz).MulVec(a.T(), mat.NewVecDense(n, g))
		}
		for i := range z {
			var dir float64
			switch {
			case dz[i] > 0:
				dir = 1
			case dz[i] < 0:
				dir = -1
			}
			z[i] = math.Max(-box[i], math.Min(box[i], z[i]+step*box[i]*dir))
		}
	}
	return (best - l0) / (1 + l0) * 100, nil
}
