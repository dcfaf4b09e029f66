package tfgraph

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestHessianProgressCountsColumns(t *testing.T) {
	data := regression(40, 3, 4, sinSum)
	spec := MLP("tanh", 3, []int{4}, 1, Tanh, MSE)
	m := newModel(t, spec, data, nil, Config{DType: Float64, Seed: 3, SecondOrder: true})
	var calls []int
	total := -1
	h, err := m.Hessian(func(done, n int) {
		calls = append(calls, done)
		total = n
	})
	if err != nil {
		t.Fatal(err)
	}
	n := m.NumParams()
	if total != n || len(calls) != n {
		t.Fatalf("%d calls with total %d, want %d calls with total %d", len(calls), total, n, n)
	}
	for i, d := range calls {
		if d != i+1 {
			t.Fatalf("call %d reports %d columns done, want %d", i, d, i+1)
		}
	}
	plain, err := m.Hessian()
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(h, plain) {
		t.Error("the Hessian with a progress callback differs from the one without")
	}
}
