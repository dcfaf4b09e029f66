package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// HessianFunc is a loss with its gradient and exact Hessian-vector products.
type HessianFunc interface {
	// LossGrad returns the loss L and its gradient ∇L at x.
	LossGrad(x []float64) (float64, []float64, error)
	// HVP returns H(x)·v, the Hessian of L at x times v.
	HVP(x, v []float64) ([]float64, error)
}

// gradNormObjective is f(θ) = ||∇L(θ)||² with ∇f(θ) = 2·H(θ)·∇L(θ), for gonum's
// optimizers. It caches ∇L at the last θ it was asked about, since Func and Grad are
// usually called at the same point, and keeps the first error it meets.
type gradNormObjective struct {
	ctx  context.Context
	f    HessianFunc
	x, g []float64
	err  error
}

func (o *gradNormObjective) at(x []float64) bool {
	if o.err != nil {
		return false
	}
	if o.x != nil && floats.Equal(o.x, x) {
		return true
	}
	_, g, err := o.f.LossGrad(x)
	if err != nil {
		o.err = err
		return false
	}
	o.x, o.g = append(o.x[:0], x...), g
	return true
}

func (o *gradNormObjective) problem() optimize.Problem {
	return optimize.Problem{
		Func: func(x []float64) float64 {
			if !o.at(x) {
				return math.NaN()
			}
			return floats.Dot(o.g, o.g)
		},
		Grad: func(grad, x []float64) {
			if !o.at(x) {
				floats.Scale(math.NaN(), grad)
				return
			}
			hg, err := o.f.HVP(x, o.g)
			if err != nil {
				o.err = err
				floats.Scale(math.NaN(), grad)
				return
			}
			floats.ScaleTo(grad, 2, hg)
		},
		Status: func() (optimize.Status, error) {
			if o.err != nil {
				return optimize.Failure, o.err
			}
			if err := o.ctx.Err(); err != nil {
				return optimize.Failure, err
			}
			return optimize.NotTerminated, nil
		},
	}
}

// belowTol stops an optimization of ||∇L||² once it falls below f.
type belowTol struct{ f float64 }

func (belowTol) Init(int) {}

func (c belowTol) Converged(loc *optimize.Location) optimize.Status {
	if loc.F < c.f {
		return optimize.FunctionThreshold
	}
	return optimize.NotTerminated
}

// MinimizeGradNorm minimises ||∇L||² from theta with L-BFGS until ||∇L|| < tol or
// budget iterations, and returns the best point and the iterations used. Its gradient
// 2·H·∇L differentiates through ∇L, so it drives θ to a critical point of L (minimum,
// saddle or maximum), not to a minimum. When L-BFGS's line search gives up it restarts
// from the best point, as long as that makes progress. A cancelled ctx stops it with
// ctx's error.
func MinimizeGradNorm(ctx context.Context, f HessianFunc, theta []float64, tol float64, budget int) ([]float64, int, error) {
	if !(tol > 0) || budget < 0 {
		return nil, 0, fmt.Errorf("analysis: gradient-norm minimisation needs tol > 0 and budget >= 0, got %g and %d", tol, budget)
	}
	obj := &gradNormObjective{ctx: ctx, f: f}
	best := slices.Clone(theta)
	bestF := math.Inf(1)
	if obj.at(best) {
		bestF = floats.Dot(obj.g, obj.g)
	}
	steps := 0
	for steps < budget && bestF >= tol*tol {
		res, err := optimize.Minimize(obj.problem(), best, &optimize.Settings{
			Converger:       belowTol{tol * tol},
			MajorIterations: budget - steps,
		}, &optimize.LBFGS{})
		if obj.err != nil {
			return nil, steps, obj.err
		}
		if ctx.Err() != nil {
			return nil, steps, ctx.Err()
		}
		if res == nil {
			return nil, steps, fmt.Errorf("analysis: minimising the gradient norm: %w", err)
		}
		steps += res.Stats.MajorIterations
		improved := res.Location.F < bestF
		if improved {
			best, bestF = slices.Clone(res.Location.X), res.Location.F
		}
		// No progress, or a stationary point of ||∇L||² that is not one of L: a
		// restart would start from the same place.
		if !improved || res.Stats.MajorIterations == 0 || res.Status == optimize.GradientThreshold {
			break
		}
	}
	return best, steps, obj.err
}
