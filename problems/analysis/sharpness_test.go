package analysis

import (
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// quadratic is L(x) = ½·xᵀQx + bᵀx, which counts its calls.
type quadratic struct {
	q             *mat.Dense
	b             []float64
	losses, grads int
}

func (f *quadratic) Loss(x []float64) (float64, error) {
	f.losses++
	v := mat.NewVecDense(len(x), x)
	return 0.5*mat.Inner(v, f.q, v) + floats.Dot(f.b, x), nil
}

func (f *quadratic) LossGrad(x []float64) (float64, []float64, error) {
	l, _ := f.Loss(x)
	f.losses--
	f.grads++
	var g mat.VecDense
	g.MulVec(f.q, mat.NewVecDense(len(x), x))
	out := g.RawVector().Data
	floats.Add(out, f.b)
	return l, out, nil
}

func (f *quadratic) HVP(x, v []float64) ([]float64, error) {
	var hv mat.VecDense
	hv.MulVec(f.q, mat.NewVecDense(len(v), v))
	return hv.RawVector().Data, nil
}

// TestSharpnessAgainstVertexMaximum compares the ascent with the exact maximum over
// the box of a convex quadratic, which scipy's fixture found by enumerating the
// vertices.
func TestSharpnessAgainstVertexMaximum(t *testing.T) {
	eachCase(t, loadFixtures(t).Sharpness, func(t *testing.T, c sharpnessFixture) {
		f := &quadratic{q: dense(c.Q), b: c.B}
		if l, _ := f.Loss(c.Theta); !near(l, c.Loss, 1e-12) {
			t.Fatalf("loss at θ = %.15g, numpy %.15g", l, c.Loss)
		}
		f.losses = 0
		o := SharpnessOptions{Eps: c.Eps, Iters: 10}
		if c.A != nil {
			o.Subspace = dense(c.A)
		}
		theta := append([]float64(nil), c.Theta...)
		got, err := Sharpness(f, theta, o)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, c.Sharpness, 1e-9) {
			t.Errorf("sharpness %.12g, want %.12g", got, c.Sharpness)
		}
		if f.grads != 10 || f.losses != 1 {
			t.Errorf("%d gradients and %d losses, want 10 and 1", f.grads, f.losses)
		}
		if !floats.Equal(theta, c.Theta) {
			t.Errorf("θ was modified")
		}
	})
}

func TestSharpnessBudget(t *testing.T) {
	c := loadFixtures(t).Sharpness[0]
	full, err := Sharpness(&quadratic{q: dense(c.Q), b: c.B}, c.Theta, SharpnessOptions{Eps: c.Eps})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		iters int
		step  float64
	}{
		{"no step", -1, 0.5}, // only the start point: -1 is rejected below
		{"one small step", 1, 0.1},
		{"two small steps", 2, 0.1},
		{"one step", 1, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sharpness(&quadratic{q: dense(c.Q), b: c.B}, c.Theta, SharpnessOptions{Eps: c.Eps, Iters: tc.iters, Step: tc.step})
			if tc.iters < 0 {
				if err == nil {
					t.Fatal("negative iterations accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Fewer or shorter steps find at most the maximum, and still some ascent.
			if !(got > 0 && got <= full*(1+1e-12)) {
				t.Errorf("sharpness %g outside (0, %g]", got, full)
			}
		})
	}
}

func TestSharpnessErrors(t *testing.T) {
	f := &quadratic{q: mat.NewDense(2, 2, []float64{1, 0, 0, 1}), b: []float64{0, 0}}
	for _, c := range []struct {
		name string
		o    SharpnessOptions
	}{
		{"zero eps", SharpnessOptions{}},
		{"negative step", SharpnessOptions{Eps: 1e-3, Step: -1}},
		{"subspace of wrong height", SharpnessOptions{Eps: 1e-3, Subspace: mat.NewDense(3, 1, []float64{1, 1, 1})}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Sharpness(f, []float64{1, 2}, c.o); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestSharpnessOrthogonalSubspace checks that declaring orthogonal columns of equal
// norm gives the same sharpness as the least-squares path, for subspaces whose columns
// have disjoint supports and equal norms (1, and 3), and a different one when the
// norms differ.
func TestSharpnessOrthogonalSubspace(t *testing.T) {
	c := loadFixtures(t).Sharpness[0]
	n := len(c.Theta)
	if n < 2 {
		t.Fatalf("fixture has %d parameters, want at least 2", n)
	}
	for _, tc := range []struct {
		name  string
		norms [2]float64 // of the two columns
		same  bool
	}{
		{"orthonormal", [2]float64{1, 1}, true},
		{"orthogonal, norm 3", [2]float64{3, 3}, true},
		{"unequal norms", [2]float64{1, 3}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := mat.NewDense(n, 2, nil)
			for i := 0; i < n; i++ {
				v := 1.0
				if i%2 == 1 {
					v = -v
				}
				a.Set(i, i%2, v)
			}
			for j := 0; j < 2; j++ {
				col := mat.Col(nil, j, a)
				norm := floats.Norm(col, 2) / tc.norms[j]
				for i := range col {
					a.Set(i, j, col[i]/norm)
				}
			}
			f := &quadratic{q: dense(c.Q), b: c.B}
			slow, err := Sharpness(f, c.Theta, SharpnessOptions{Eps: c.Eps, Subspace: a})
			if err != nil {
				t.Fatal(err)
			}
			fast, err := Sharpness(f, c.Theta, SharpnessOptions{Eps: c.Eps, Subspace: a, Orthogonal: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := near(fast, slow, 1e-12); got != tc.same {
				t.Errorf("orthogonal path %.15g, least squares %.15g: equal %v, want %v", fast, slow, got, tc.same)
			}
		})
	}
}
