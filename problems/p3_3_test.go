package problems

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"hw1/problems/analysis"
)

// TestProblem33Flatness runs 3-3's quick profile and checks the outcomes the problem
// promises: the interpolations reproduce their endpoint models exactly at α = 0 and 1
// over at least 51 values of α, and every one of at least five log-spaced batch sizes
// has a positive, finite sensitivity and sharpness.
func TestProblem33Flatness(t *testing.T) {
	quickProfileOnly(t)
	res, tab := mustExecute(t, "3-3", testEnv(t, nil))
	sum := res.Manifest.Flat()
	for _, run := range []string{"interp-batch", "interp-lr"} {
		rows := tab.Run(run)
		alphas := rows.Metric("alpha")
		if len(alphas) < 51 {
			t.Errorf("%s: %d values of α, want at least 51", run, len(alphas))
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range alphas {
			lo, hi = math.Min(lo, r.Value), math.Max(hi, r.Value)
		}
		if lo > -1 || hi < 2 {
			t.Errorf("%s: α spans [%g, %g], want [-1, 2]", run, lo, hi)
		}
		for _, metric := range []string{"loss", "accuracy"} {
			pairs, err := rows.Join("alpha", metric)
			if err != nil || len(pairs) != 2*len(alphas) {
				t.Errorf("%s: join of %s with alpha: %d pairs (%v), want %d", run, metric, len(pairs), err, 2*len(alphas))
			}
			for _, p := range pairs {
				if math.IsNaN(p.Y) || math.IsInf(p.Y, 0) {
					t.Errorf("%s: %s %s at α = %g is %v", run, p.Split, metric, p.X, p.Y)
				}
			}
		}
		for _, end := range []struct{ alpha, theta string }{{"alpha0", "theta1"}, {"alpha1", "theta2"}} {
			for _, m := range []string{"train_loss", "train_accuracy", "test_loss", "test_accuracy"} {
				got, okG := sum[run+"/"+end.alpha+"/"+m]
				want, okW := sum[run+"/"+end.theta+"/"+m]
				if !okG || !okW || !scalar.EqualWithinAbs(got, want, 1e-6) {
					t.Errorf("%s: %s at %s is %v, the endpoint model's own %v (want equal within 1e-6)", run, m, end.alpha, got, want)
				}
			}
		}
	}
	pts := sweep33(sum)
	if len(pts) < 5 {
		t.Fatalf("%d batch sizes, want at least 5", len(pts))
	}
	for i, p := range pts {
		if i > 0 {
			if r := p.batch / pts[i-1].batch; r < 2 {
				t.Errorf("batch sizes %v and %v are not log-spaced (ratio %.2f)", pts[i-1].batch, p.batch, r)
			}
		}
		if !(p.sensitivity > 0) || math.IsInf(p.sensitivity, 0) {
			t.Errorf("%s: sensitivity %v, want positive and finite", p.name, p.sensitivity)
		}
		if len(p.sharp) < 2 {
			t.Errorf("%s: sharpness for %d values of ε, want 2", p.name, len(p.sharp))
		}
		for e, v := range p.sharp {
			if !(v > 0) || math.IsInf(v, 0) {
				t.Errorf("%s: sharpness at ε = %s is %v, want positive and finite", p.name, e, v)
			}
		}
		// The own metrics in the sweep rows are those of the model.
		own := tab.Run("sensitivity").Model(p.name).Split("test").Metric("accuracy")
		if len(own) != 1 || own[0].Value != p.testAcc {
			t.Errorf("%s: sweep rows hold test accuracy %v, summary %v", p.name, own, p.testAcc)
		}
	}
	for _, e := range []string{"1e-3", "5e-4"} {
		if n := len(tab.Run("sensitivity").Metric("sharpness_" + e)); n != len(pts) {
			t.Errorf("%d sharpness_%s rows, want %d", n, e, len(pts))
		}
	}
	t.Logf("answer: %s", answer33(*res))
}

func TestEpsName(t *testing.T) {
	for _, c := range []struct {
		eps  float64
		want string
	}{{1e-3, "1e-3"}, {5e-4, "5e-4"}, {2.5e-4, "2.5e-4"}, {1, "1"}, {0.01, "1e-2"}, {100, "1e2"}} {
		if got := epsName(c.eps); got != c.want {
			t.Errorf("epsName(%g) = %q, want %q", c.eps, got, c.want)
		}
	}
}

func TestAlphaGridHoldsEndpoints(t *testing.T) {
	for _, n := range []int{51, 61, 2, 7} {
		g := analysis.Grid(n, -1, 2, 0, 1)
		var has0, has1 bool
		for i, a := range g {
			has0, has1 = has0 || a == 0, has1 || a == 1
			if i > 0 && a <= g[i-1] {
				t.Errorf("n=%d: grid not increasing at %d: %v", n, i, g)
			}
		}
		if !has0 || !has1 || len(g) < n || g[0] != -1 || g[len(g)-1] != 2 {
			t.Errorf("n=%d: grid %v lacks 0, 1 or an end, or has fewer than n points", n, g)
		}
	}
}
