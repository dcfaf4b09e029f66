package analysis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// withHessian gives a HessianFunc its full Hessian, column by column from its
// Hessian-vector products.
type withHessian struct{ HessianFunc }

func (w withHessian) Hessian(x []float64) (mat.Matrix, error) {
	n := len(x)
	h := mat.NewDense(n, n, nil)
	for j := range n {
		e := make([]float64, n)
		e[j] = 1
		col, err := w.HVP(x, e)
		if err != nil {
			return nil, err
		}
		h.SetCol(j, col)
	}
	return h, nil
}

// himmelblau is f(x, y) = (x² + y - 11)² + (x + y² - 7)²: four minima, one maximum
// at (-0.270845, -0.923039) and four saddles, one at (0.086678, 2.884255).
type himmelblau struct{}

func (himmelblau) LossGrad(x []float64) (float64, []float64, error) {
	a, b := x[0]*x[0]+x[1]-11, x[0]+x[1]*x[1]-7
	return a*a + b*b, []float64{4*x[0]*a + 2*b, 2*a + 4*x[1]*b}, nil
}

func (himmelblau) HVP(x, v []float64) ([]float64, error) {
	a, b := x[0]*x[0]+x[1]-11, x[0]+x[1]*x[1]-7
	hxx, hxy, hyy := 4*a+8*x[0]*x[0]+2, 4*x[0]+4*x[1], 2+4*b+8*x[1]*x[1]
	return []float64{hxx*v[0] + hxy*v[1], hxy*v[0] + hyy*v[1]}, nil
}

// linearNet is L(u, w, z) = (uw - 1)²/2 + z²/2, a one-unit linear network with a
// decoupled weight z: a curve of minima uw = 1 along which the Hessian is singular,
// and a saddle at 0 with Hessian eigenvalues -1, 1 and 1.
type linearNet struct{}

func (linearNet) LossGrad(x []float64) (float64, []float64, error) {
	r := x[0]*x[1] - 1
	return r*r/2 + x[2]*x[2]/2, []float64{r * x[1], r * x[0], x[2]}, nil
}

func (linearNet) HVP(x, v []float64) ([]float64, error) {
	r := x[0]*x[1] - 1
	huu, huw, hww := x[1]*x[1], r+x[0]*x[1], x[0]*x[0]
	return []float64{huu*v[0] + huw*v[1], huw*v[0] + hww*v[1], v[2]}, nil
}

// noCritical is L(x) = x³/3 + x, whose gradient x² + 1 never vanishes; at x = 0 the
// gradient of ||∇L||², 2·H·∇L = 4x(x² + 1), does.
type noCritical struct{}

func (noCritical) LossGrad(x []float64) (float64, []float64, error) {
	return x[0]*x[0]*x[0]/3 + x[0], []float64{x[0]*x[0] + 1}, nil
}

func (noCritical) HVP(x, v []float64) ([]float64, error) {
	return []float64{2 * x[0] * v[0]}, nil
}

func TestFindCritical(t *testing.T) {
	const tol = 1e-10
	for _, c := range []struct {
		name   string
		f      HessianFunc
		x0     []float64
		want   []float64 // the critical point it reaches
		within float64   // |x - want| per coordinate
		// negative and positive are the signs of the Hessian's eigenvalues there.
		negative, positive int
	}{
		{"saddle of (x²-y²)/2+y⁴/4", saddleFunc{}, []float64{0.4, 0.3}, []float64{0, 0}, 1e-9, 1, 1},
		{"minimum of (x²-y²)/2+y⁴/4", saddleFunc{}, []float64{0.4, 0.8}, []float64{0, 1}, 1e-9, 0, 2},
		{"Himmelblau saddle", himmelblau{}, []float64{0.3, 2.6}, []float64{0.086678, 2.884255}, 1e-5, 1, 1},
		{"Himmelblau maximum", himmelblau{}, []float64{-0.5, -0.7}, []float64{-0.270845, -0.923039}, 1e-5, 2, 0},
		{"Rosenbrock 4-D minimum", rosen{}, []float64{0.8, 0.7, 0.6, 0.5}, []float64{1, 1, 1, 1}, 1e-9, 0, 4},
		{"linear network saddle", linearNet{}, []float64{0.2, -0.1, 0.5}, []float64{0, 0, 0}, 1e-9, 1, 2},
	} {
		for _, reuse := range []int{0, 5} {
			t.Run(fmt.Sprintf("%s, reuse %d", c.name, reuse), func(t *testing.T) {
				f := withHessian{c.f}
				res, err := FindCritical(context.Background(), f, c.x0, tol, NewtonSettings{Iterations: 100, Reuse: reuse})
				if err != nil {
					t.Fatal(err)
				}
				if res.Steps > res.Newton*max(1, reuse) {
					t.Errorf("%d steps on %d Hessians, reuse %d", res.Steps, res.Newton, reuse)
				}
				_, g, _ := f.LossGrad(res.X)
				if n := floats.Norm(g, 2); n >= tol || n != res.GradNorm {
					t.Errorf("||∇L|| = %g (reported %g) after %d iterations, want < %g", n, res.GradNorm, res.Newton, tol)
				}
				if res.LBFGS != 0 {
					t.Errorf("fell back to L-BFGS for %d iterations", res.LBFGS)
				}
				for i := range res.X {
					if math.Abs(res.X[i]-c.want[i]) > c.within {
						t.Errorf("x[%d] = %.10g, want %.10g within %g", i, res.X[i], c.want[i], c.within)
					}
				}
				h, _ := f.Hessian(res.X)
				ev, err := Eigenvalues(Symmetrize(h))
				if err != nil {
					t.Fatal(err)
				}
				if got := Classify(ev, 1e-6); got.Negative != c.negative || got.Positive != c.positive {
					t.Errorf("Hessian eigenvalues %v: %d negative and %d positive, want %d and %d", ev, got.Negative, got.Positive, c.negative, c.positive)
				}
				t.Logf("%d steps on %d Hessians to ||∇L|| = %.3g at %v", res.Steps, res.Newton, res.GradNorm, res.X)
			})
		}
	}
}

// TestLMStep checks the step from the eigendecomposition against a direct solve of
// (H² + λI)Δ = -H∇L, and the predicted residual against ||∇L + HΔ||².
func TestLMStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 12
	a := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	h := Symmetrize(a) // indefinite
	g := make([]float64, n)
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	s, err := newLMStep(h)
	s.setGrad(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		mu   float64
	}{{"small damping", 1e-8}, {"moderate damping", 1e-2}, {"large damping", 10}} {
		t.Run(c.name, func(t *testing.T) {
			d, pred := s.step(c.mu)
			var h2 mat.Dense
			h2.Mul(h, h)
			for i := range n {
				h2.Set(i, i, h2.At(i, i)+c.mu*s.scale)
			}
			var rhs, want mat.VecDense
			rhs.MulVec(h, mat.NewVecDense(n, g))
			rhs.ScaleVec(-1, &rhs)
			if err := want.SolveVec(&h2, &rhs); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				if diff := math.Abs(d[i] - want.AtVec(i)); diff > 1e-9*(1+math.Abs(want.AtVec(i))) {
					t.Errorf("Δ[%d] = %.12g, direct solve %.12g", i, d[i], want.AtVec(i))
				}
			}
			var r mat.VecDense
			r.MulVec(h, mat.NewVecDense(n, d))
			r.AddVec(&r, mat.NewVecDense(n, g))
			// The residual cancels most of ∇L: compare on the scale of ||∇L||².
			if got := mat.Dot(&r, &r); math.Abs(got-pred) > 1e-12*floats.Dot(g, g) {
				t.Errorf("predicted ||∇L+HΔ||² %.12g, actual %.12g", pred, got)
			}
		})
	}
}

func TestFindCriticalStops(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	x0 := []float64{0.8, 0.7, 0.6, 0.5}
	for _, c := range []struct {
		name          string
		ctx           context.Context
		f             HessianFunc
		x0            []float64
		tol           float64
		s             NewtonSettings
		wantErr       error
		newton, lbfgs int
		// reached says whether the tolerance is met at the end.
		reached bool
	}{
		{"already below tolerance", context.Background(), rosen{}, x0, 1e3, NewtonSettings{Iterations: 10, Fallback: 10}, nil, 0, 0, true},
		{"no budget", context.Background(), rosen{}, x0, 1e-9, NewtonSettings{}, nil, 0, 0, false},
		{"cancelled", cancelled, rosen{}, x0, 1e-9, NewtonSettings{Iterations: 10}, context.Canceled, 0, 0, false},
		{"small budget", context.Background(), rosen{}, x0, 1e-14, NewtonSettings{Iterations: 2}, nil, 2, 0, false},
		{"fallback only", context.Background(), saddleFunc{}, []float64{0.4, 0.3}, 1e-9, NewtonSettings{Fallback: 2000}, nil, 0, -1, true},
		{"no critical point", context.Background(), noCritical{}, []float64{0.5}, 1e-6, NewtonSettings{Iterations: 50, Fallback: 5}, nil, -1, -1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := FindCritical(c.ctx, withHessian{c.f}, c.x0, c.tol, c.s)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v, want %v", err, c.wantErr)
			}
			if err != nil {
				return
			}
			if c.newton >= 0 && res.Newton != c.newton {
				t.Errorf("%d Levenberg–Marquardt iterations, want %d", res.Newton, c.newton)
			}
			if c.lbfgs >= 0 && res.LBFGS != c.lbfgs {
				t.Errorf("%d L-BFGS iterations, want %d", res.LBFGS, c.lbfgs)
			}
			if res.Newton > c.s.Iterations || res.LBFGS > c.s.Fallback {
				t.Errorf("%d and %d iterations exceed the budgets %d and %d", res.Newton, res.LBFGS, c.s.Iterations, c.s.Fallback)
			}
			if got := res.GradNorm < c.tol; got != c.reached {
				t.Errorf("||∇L|| = %g: below %g is %v, want %v", res.GradNorm, c.tol, got, c.reached)
			}
			_, g, _ := c.f.LossGrad(res.X)
			if n := floats.Norm(g, 2); n != res.GradNorm {
				t.Errorf("reported ||∇L|| %g, %g at X", res.GradNorm, n)
			}
		})
	}
	if _, err := FindCritical(context.Background(), withHessian{rosen{}}, x0, 0, NewtonSettings{Iterations: 1}); err == nil {
		t.Error("tol 0 accepted")
	}
}

// TestCriticalTestFunctions checks the gradients and Hessian-vector products of the
// test functions above against central differences at seeded random points.
func TestCriticalTestFunctions(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const h = 1e-6
	for _, c := range []struct {
		name string
		f    HessianFunc
		n    int
	}{{"himmelblau", himmelblau{}, 2}, {"linear network", linearNet{}, 3}, {"no critical point", noCritical{}, 1}} {
		t.Run(c.name, func(t *testing.T) {
			for range 5 {
				x, v := make([]float64, c.n), make([]float64, c.n)
				for i := range x {
					x[i], v[i] = 2*rng.NormFloat64(), rng.NormFloat64()
				}
				_, g, _ := c.f.LossGrad(x)
				hv, _ := c.f.HVP(x, v)
				for i := range x {
					xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
					xp[i] += h
					xm[i] -= h
					lp, _, _ := c.f.LossGrad(xp)
					lm, _, _ := c.f.LossGrad(xm)
					if fd := (lp - lm) / (2 * h); math.Abs(fd-g[i]) > 1e-5*(1+math.Abs(g[i])) {
						t.Errorf("∂L/∂x%d at %v: %.10g, finite difference %.10g", i, x, g[i], fd)
					}
				}
				xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
				floats.AddScaled(xp, h, v)
				floats.AddScaled(xm, -h, v)
				_, gp, _ := c.f.LossGrad(xp)
				_, gm, _ := c.f.LossGrad(xm)
				for i := range x {
					if fd := (gp[i] - gm[i]) / (2 * h); math.Abs(fd-hv[i]) > 1e-5*(1+math.Abs(hv[i])) {
						t.Errorf("(Hv)%d at %v: %.10g, finite difference %.10g", i, x, hv[i], fd)
					}
				}
			}
		})
	}
}
