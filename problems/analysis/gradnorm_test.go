package analysis

import (
	"context"
	"errors"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// rosen is scipy's Rosenbrock function with its gradient and Hessian-vector product.
type rosen struct{}

func (rosen) LossGrad(x []float64) (float64, []float64, error) {
	n := len(x)
	var l float64
	g := make([]float64, n)
	for i := 0; i < n-1; i++ {
		a, b := x[i+1]-x[i]*x[i], 1-x[i]
		l += 100*a*a + b*b
		g[i] += -400*x[i]*a - 2*b
		g[i+1] += 200 * a
	}
	return l, g, nil
}

func (rosen) HVP(x, v []float64) ([]float64, error) {
	n := len(x)
	hv := make([]float64, n)
	for i := 0; i < n-1; i++ {
		// The term 100(x_{i+1} - x_i²)² + (1 - x_i)² couples x_i and x_{i+1}.
		hii := 1200*x[i]*x[i] - 400*x[i+1] + 2
		hij := -400 * x[i]
		hv[i] += hii*v[i] + hij*v[i+1]
		hv[i+1] += hij*v[i] + 200*v[i+1]
	}
	return hv, nil
}

// saddleFunc is L(x, y) = (x² - y²)/2 + y⁴/4: a saddle at 0, minima at (0, ±1).
type saddleFunc struct{}

func (saddleFunc) LossGrad(x []float64) (float64, []float64, error) {
	l := 0.5*(x[0]*x[0]-x[1]*x[1]) + 0.25*x[1]*x[1]*x[1]*x[1]
	return l, []float64{x[0], -x[1] + x[1]*x[1]*x[1]}, nil
}

func (saddleFunc) HVP(x, v []float64) ([]float64, error) {
	return []float64{v[0], (-1 + 3*x[1]*x[1]) * v[1]}, nil
}

func TestMinimizeGradNormAgainstScipy(t *testing.T) {
	funcs := map[string]HessianFunc{"rosenbrock 4-D": rosen{}, "saddle": saddleFunc{}}
	const tol = 1e-9
	eachCase(t, loadFixtures(t).Gradnorm, func(t *testing.T, c gradnormFixture) {
		f := funcs[c.Name]
		if f == nil {
			t.Fatalf("no function for fixture %q", c.Name)
		}
		l, g, _ := f.LossGrad(c.X0)
		if !near(l, c.LossX0, 1e-12) {
			t.Fatalf("loss at x0 %.15g, scipy %.15g", l, c.LossX0)
		}
		nearSlice(t, "gradient at x0", g, c.GradX0, 1e-12)
		x, steps, err := MinimizeGradNorm(context.Background(), f, c.X0, tol, 2000)
		if err != nil {
			t.Fatal(err)
		}
		_, g, _ = f.LossGrad(x)
		if n := floats.Norm(g, 2); n >= tol {
			t.Errorf("||∇L|| = %g after %d steps, want < %g", n, steps, tol)
		}
		if steps < 1 || steps > 2000 {
			t.Errorf("%d steps outside [1, 2000]", steps)
		}
		// scipy's L-BFGS-B on the same objective reached the same critical point.
		for i := range x {
			if d := x[i] - c.X[i]; d > 1e-6 || d < -1e-6 {
				t.Errorf("x[%d] = %.10g, scipy %.10g", i, x[i], c.X[i])
			}
		}
	})
}

func TestMinimizeGradNormStops(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		name    string
		ctx     context.Context
		budget  int
		tol     float64
		wantErr error
		steps   int
	}{
		{"already below tolerance", context.Background(), 100, 1e3, nil, 0},
		{"no budget", context.Background(), 0, 1e-9, nil, 0},
		{"cancelled", cancelled, 100, 1e-9, context.Canceled, 0},
		{"small budget", context.Background(), 3, 1e-12, nil, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			x0 := []float64{0.8, 0.7, 0.6, 0.5}
			x, steps, err := MinimizeGradNorm(c.ctx, rosen{}, x0, c.tol, c.budget)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v, want %v", err, c.wantErr)
			}
			if err != nil {
				return
			}
			if steps != c.steps {
				t.Errorf("%d steps, want %d", steps, c.steps)
			}
			if c.steps == 0 && !floats.Equal(x, x0) {
				t.Errorf("moved to %v without a step", x)
			}
		})
	}
}
