package analysis

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPCAAgainstNumpy(t *testing.T) {
	const tol = 1e-9
	eachCase(t, loadFixtures(t).PCA, func(t *testing.T, c pcaFixture) {
		x := dense(c.X)
		p, err := FitPCA(x)
		if err != nil {
			t.Fatal(err)
		}
		nearSlice(t, "explained", p.Explained(), c.Explained, tol)
		proj, err := p.Project(x, 2)
		if err != nil {
			t.Fatal(err)
		}
		// A principal direction is defined up to its sign: align each column
		// with numpy's before comparing.
		for k := 0; k < 2; k++ {
			sign := 1.0
			if proj.At(0, k)*c.Projection[0][k] < 0 {
				sign = -1
			}
			for i := range c.Projection {
				if got, want := sign*proj.At(i, k), c.Projection[i][k]; math.Abs(got-want) > tol*(1+math.Abs(want)) {
					t.Errorf("projection[%d][%d] = %.12g, want %.12g", i, k, got, want)
				}
			}
		}
	})
}

func TestPCAErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		x    *mat.Dense
		want error
	}{
		{"constant rows", mat.NewDense(3, 2, []float64{1, 2, 1, 2, 1, 2}), ErrNoVariance},
		{"one row", mat.NewDense(1, 3, []float64{1, 2, 3}), nil},
		{"one column", mat.NewDense(3, 1, []float64{1, 2, 3}), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := FitPCA(c.x)
			if err == nil {
				t.Fatal("no error")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestPCAProjectShape(t *testing.T) {
	x := mat.NewDense(4, 3, []float64{1, 0, 2, 2, 1, 0, 0, 3, 1, 4, 1, 1})
	p, err := FitPCA(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		x    mat.Matrix
		k    int
		ok   bool
	}{
		{"two components", x, 2, true},
		{"all components", x, 3, true},
		{"no component", x, 0, false},
		{"too many components", x, 4, false},
		{"wrong width", mat.NewDense(2, 2, nil), 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := p.Project(c.x, c.k)
			if (err == nil) != c.ok {
				t.Fatalf("error %v, want ok=%v", err, c.ok)
			}
			if c.ok {
				if r, k := got.Dims(); r != 4 || k != c.k {
					t.Errorf("projection is %dx%d, want 4x%d", r, k, c.k)
				}
			}
		})
	}
}
