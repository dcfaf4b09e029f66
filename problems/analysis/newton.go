package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// HessianMatrixFunc is a HessianFunc that also gives its full Hessian.
type HessianMatrixFunc interface {
	HessianFunc
	// Hessian returns the n×n Hessian of L at x. It need not be exactly symmetric:
	// its symmetric part is used.
	Hessian(x []float64) (mat.Matrix, error)
}

// NewtonSettings configure FindCritical. The zero value means no Levenberg–Marquardt
// iterations and no fallback, so at least one of Iterations and Fallback must be set.
type NewtonSettings struct {
	// Iterations is the number of full Hessians (each with its eigendecomposition)
	// that the Levenberg–Marquardt steps may use; 0: none.
	Iterations int
	// Fallback is the number of L-BFGS iterations on ||∇L||² (MinimizeGradNorm) run
	// from the best point when the Levenberg–Marquardt iterations end above the
	// tolerance; 0: none.
	Fallback int
	// Damping is the initial damping μ, relative to the largest squared eigenvalue
	// of the Hessian (0: 1e-3).
	Damping float64
	// Reuse is the number of steps taken on one Hessian before a fresh one is
	// computed (0: 1, a fresh Hessian at every step). The steps after the first
	// use the Hessian of an earlier point with the current gradient, which costs a
	// gradient instead of a Hessian; a stale Hessian that yields no step is
	// replaced at once.
	Reuse int
}

// Critical is where FindCritical stopped and what it took to get there.
type Critical struct {
	// X is the best point found: the one with the smallest ||∇L||.
	X []float64
	// GradNorm is ||∇L(X)||.
	GradNorm float64
	// Steps is the number of Levenberg–Marquardt steps taken, Newton the number of
	// full Hessians they used and LBFGS the number of the L-BFGS fallback's
	// iterations.
	Steps, Newton, LBFGS int
}

// Damping limits of FindCritical, relative to the largest squared eigenvalue: below
// minDamping a step is a Newton step up to rounding, and above maxDamping it is too
// short to change ||∇L||, so the iterations have stalled.
const (
	defaultDamping = 1e-3
	minDamping     = 1e-15
	maxDamping     = 1e10
)

// The Levenberg–Marquardt steps of FindCritical give way to L-BFGS when ||∇L|| has
// fallen by less than a factor stallFactor over the last stallWindow Hessians: there
// a Hessian buys little, and an L-BFGS iteration costs a gradient and one
// Hessian-vector product instead.
const (
	stallWindow = 5
	stallFactor = 0.98
)

// FindCritical drives theta to a critical point of L (∇L = 0: a minimum, a saddle or a
// maximum) by Levenberg–Marquardt on the residual ∇L, whose Jacobian is the Hessian H:
// each iteration takes the exact Hessian, factors it as H = QΛQᵀ and tries the step
//
//	Δ = −(H² + λI)⁻¹ H ∇L = −Q diag(λᵢ / (λᵢ² + λ)) Qᵀ ∇L,  λ = μ·maxᵢ λᵢ²,
//
// the Gauss–Newton step for ½||∇L||² with damping λ. A step is taken when ||∇L||²
// falls; the damping μ then shrinks by 3 when the fall is at least three quarters of
// the one the linear model predicts, and grows by 2 when under a quarter. A step that
// does not lower ||∇L||² is retried with μ four times larger, on the same
// factorisation. With μ small the step is Newton's, −H⁻¹∇L, with the directions of
// near-zero curvature damped, which converges fast even where H is singular or
// indefinite; with μ large it is a short step along −H∇L, the gradient of ||∇L||².
//
// Up to s.Reuse steps are taken on one factorisation, with the current ∇L; a stale
// Hessian that gives no step is replaced at once. Near the end points of training,
// ∇L lies mostly along directions of near-zero curvature (a "gradient-flat" region,
// Frye et al. 2021), where ||∇L|| falls by a fraction of a percent per step, so cheap
// steps on a stale Hessian go further than few steps on fresh ones.
//
// It stops when ||∇L|| < tol, after s.Iterations Hessians, when ||∇L|| fell by less
// than 2% over the last 5 Hessians, or when a fresh Hessian gives no step before the
// damping exceeds 1e10 (H∇L ≈ 0 but ∇L is not: a critical point of ||∇L||² that is
// not one of L). Above tol it then runs s.Fallback iterations of L-BFGS on ||∇L||²
// (MinimizeGradNorm) from the best point. A cancelled ctx stops it with ctx's error.
func FindCritical(ctx context.Context, f HessianMatrixFunc, theta []float64, tol float64, s NewtonSettings) (Critical, error) {
	if !(tol > 0) || s.Iterations < 0 || s.Fallback < 0 || s.Damping < 0 || s.Reuse < 0 {
		return Critical{}, fmt.Errorf("analysis: critical point search needs tol > 0 and iterations, fallback, damping and reuse >= 0, got %g, %d, %d, %g and %d",
			tol, s.Iterations, s.Fallback, s.Damping, s.Reuse)
	}
	mu := s.Damping
	if mu == 0 {
		mu = defaultDamping
	}
	mu = max(mu, minDamping)
	x := slices.Clone(theta)
	_, g, err := f.LossGrad(x)
	if err != nil {
		return Critical{}, err
	}
	if len(g) != len(x) {
		return Critical{}, fmt.Errorf("analysis: critical point search: gradient has %d values, point %d", len(g), len(x))
	}
	res := Critical{X: x, GradNorm: floats.Norm(g, 2)}
	var (
		lm      *lmStep
		reused  int       // steps taken on lm
		history []float64 // ||∇L|| at each Hessian
		stuck   bool
	)
	for res.GradNorm >= tol && !stuck {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if lm == nil {
			if k := len(history) - stallWindow; res.Newton >= s.Iterations || k >= 0 && res.GradNorm > stallFactor*history[k] {
				break // out of budget, or creeping where ∇L lies along near-zero curvature
			}
			h, err := f.Hessian(res.X)
			if err != nil {
				return res, err
			}
			res.Newton++
			history = append(history, res.GradNorm)
			if lm, err = newLMStep(h); err != nil {
				return res, err
			}
			reused = 0
		}
		lm.setGrad(g)
		moved := false
		mu0 := mu
		for lm.hg > 0 && mu <= maxDamping {
			d, pred := lm.step(mu)
			xn := make([]float64, len(x))
			floats.AddTo(xn, res.X, d)
			_, gn, err := f.LossGrad(xn)
			if err != nil {
				return res, err
			}
			f0, f1 := res.GradNorm*res.GradNorm, floats.Dot(gn, gn)
			if f1 < f0 && !math.IsNaN(f1) {
				switch rho := (f0 - f1) / (f0 - pred); {
				case rho > 0.75:
					mu = max(mu/3, minDamping)
				case rho < 0.25:
					mu *= 2
				}
				res.X, res.GradNorm, g, moved = xn, floats.Norm(gn, 2), gn, true
				break
			}
			mu *= 4
		}
		switch {
		case moved:
			res.Steps++
			if reused++; reused >= max(1, s.Reuse) {
				lm = nil
			}
		case reused > 0: // the Hessian is stale: take a fresh one
			lm, mu = nil, mu0
		default: // H∇L ≈ 0 at a fresh Hessian: no step lowers ||∇L||
			stuck = true
		}
	}
	if res.GradNorm >= tol && s.Fallback > 0 {
		xb, steps, err := MinimizeGradNorm(ctx, f, res.X, tol, s.Fallback)
		res.LBFGS = steps
		if err != nil {
			return res, err
		}
		if _, g, err = f.LossGrad(xb); err != nil {
			return res, err
		}
		if n := floats.Norm(g, 2); n < res.GradNorm {
			res.X, res.GradNorm = xb, n
		}
	}
	return res, ctx.Err()
}

// lmStep is the factorisation H = QΛQᵀ that Levenberg–Marquardt steps are taken
// from, and the gradient ∇L they are to cancel, in the basis of Q.
type lmStep struct {
	vals  []float64
	vecs  mat.Dense
	c     []float64 // Qᵀ∇L
	scale float64   // maxᵢ λᵢ²
	hg    float64   // ||H∇L||
}

func newLMStep(h mat.Matrix) (*lmStep, error) {
	n, m := h.Dims()
	if n != m {
		return nil, fmt.Errorf("analysis: critical point search: Hessian is %d×%d", n, m)
	}
	var es mat.EigenSym
	if !es.Factorize(Symmetrize(h), true) {
		return nil, errors.New("analysis: critical point search: symmetric eigendecomposition did not converge")
	}
	s := &lmStep{vals: es.Values(nil), c: make([]float64, n)}
	es.VectorsTo(&s.vecs)
	for _, v := range s.vals {
		s.scale = max(s.scale, v*v)
	}
	return s, nil
}

// setGrad sets the gradient that the steps are to cancel; g must have one value per
// row of H.
func (s *lmStep) setGrad(g []float64) {
	n := len(s.vals)
	mat.NewVecDense(n, s.c).MulVec(s.vecs.T(), mat.NewVecDense(n, slices.Clone(g)))
	var hg float64
	for i, v := range s.vals {
		hg += v * v * s.c[i] * s.c[i]
	}
	s.hg = math.Sqrt(hg)
}

// step returns the step at relative damping mu and the ||∇L + HΔ||² that the linear
// model of ∇L predicts after it.
func (s *lmStep) step(mu float64) ([]float64, float64) {
	lam := mu * s.scale
	n := len(s.vals)
	dc := make([]float64, n)
	var pred float64
	for i, v := range s.vals {
		den := v*v + lam
		dc[i] = -v * s.c[i] / den
		r := s.c[i] * lam / den // (∇L + HΔ) in the eigenbasis
		pred += r * r
	}
	d := make([]float64, n)
	mat.NewVecDense(n, d).MulVec(&s.vecs, mat.NewVecDense(n, dc))
	return d, pred
}
