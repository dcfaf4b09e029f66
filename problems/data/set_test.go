package data

import "testing"

func TestSetDimAndSubset(t *testing.T) {
	s := &Set{
		X:       []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
		Labels:  []int32{0, 1, 2},
		Shape:   []int{2, 2, 1},
		N:       3,
		Classes: 3,
	}
	if d := s.Dim(); d != 4 {
		t.Fatalf("Dim()=%d, want 4", d)
	}
	if d := (&Set{}).Dim(); d != 0 {
		t.Fatalf("Dim() of an empty shape=%d, want 0", d)
	}
	tests := []struct {
		name  string
		n     int
		wantN int
	}{
		{"first two", 2, 2},
		{"all", 3, 3},
		{"more than N", 10, 3},
		{"none", 0, 0},
		{"negative", -1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sub := s.Subset(tc.n)
			if sub.N != tc.wantN || len(sub.Labels) != tc.wantN || len(sub.X) != tc.wantN*4 {
				t.Fatalf("Subset(%d): N=%d len(Labels)=%d len(X)=%d, want N=%d", tc.n, sub.N, len(sub.Labels), len(sub.X), tc.wantN)
			}
			if sub.Classes != 3 || sub.Dim() != 4 {
				t.Fatalf("Subset(%d): Classes=%d Dim=%d, want 3 and 4", tc.n, sub.Classes, sub.Dim())
			}
			for i := range sub.X {
				if sub.X[i] != float32(i) {
					t.Fatalf("Subset(%d).X[%d]=%v, want %d", tc.n, i, sub.X[i], i)
				}
			}
			sub.Shape[0] = 99
			if s.Shape[0] != 2 {
				t.Fatalf("Subset shares Shape with its parent")
			}
			if tc.wantN > 0 && tc.wantN < 3 {
				// Appending to a subset must not overwrite the parent's next example.
				_ = append(sub.Labels, 42)
				if s.Labels[tc.wantN] == 42 {
					t.Fatalf("append to Subset(%d).Labels overwrote the parent", tc.n)
				}
			}
		})
	}
}
