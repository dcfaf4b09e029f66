package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestFunction(t *testing.T) {
	const tol = 1e-6
	tests := []struct {
		name   string
		fn     string
		n      int
		lo, hi float64
		at     int     // index to check
		x, y   float64 // expected point at that index
	}{
		{"sinc at zero", "sinc", 201, -1, 1, 100, 0, 1},
		{"sinc at first zero", "sinc", 6, 0, 1, 1, 0.2, 0},
		{"sinc at 0.1", "sinc", 11, 0, 1, 1, 0.1, 1 / (0.5 * math.Pi)},
		{"sign positive", "sign", 11, 0, 1, 1, 0.1, 1},
		{"sign negative", "sign", 11, 0, 1, 3, 0.3, -1},
		{"sign at zero", "sign", 3, -1, 1, 1, 0, 0},
		{"sin at 0.1", "sin", 11, 0, 1, 1, 0.1, 1},
		{"sin at the upper end", "sin", 5, -1, 0.3, 4, 0.3, -1},
		{"single point", "sin", 1, 0.1, 0.9, 0, 0.1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, y, err := Function(tc.fn, tc.n, tc.lo, tc.hi)
			if err != nil {
				t.Fatal(err)
			}
			if len(x) != tc.n || len(y) != tc.n {
				t.Fatalf("len(x)=%d len(y)=%d, want %d", len(x), len(y), tc.n)
			}
			if float64(x[0]) != float64(float32(tc.lo)) || (tc.n > 1 && float64(x[tc.n-1]) != float64(float32(tc.hi))) {
				t.Fatalf("x runs from %v to %v, want %v to %v", x[0], x[tc.n-1], tc.lo, tc.hi)
			}
			if math.Abs(float64(x[tc.at])-tc.x) > tol || math.Abs(float64(y[tc.at])-tc.y) > tol {
				t.Fatalf("point %d = (%v, %v), want (%v, %v) within %g", tc.at, x[tc.at], y[tc.at], tc.x, tc.y, tol)
			}
			for i := 1; i < len(x); i++ {
				if x[i] <= x[i-1] {
					t.Fatalf("x not increasing at %d: %v <= %v", i, x[i], x[i-1])
				}
			}
		})
	}
}

func TestFunctionErrors(t *testing.T) {
	tests := []struct {
		name   string
		fn     string
		n      int
		lo, hi float64
		want   string
	}{
		{"unknown", "cos", 10, 0, 1, `unknown function "cos"`},
		{"no points", "sin", 0, 0, 1, "at least 1 point"},
		{"reversed", "sin", 10, 1, 0, "lo <= hi"},
		{"NaN", "sin", 10, math.NaN(), 1, "not finite"},
		{"infinite", "sin", 10, 0, math.Inf(1), "not finite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Function(tc.fn, tc.n, tc.lo, tc.hi)
			if err == nil || !strings.HasPrefix(err.Error(), "data: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if got := FunctionNames(); !slices.Equal(got, []string{"sinc", "sign", "sin"}) {
		t.Fatalf("FunctionNames() = %v", got)
	}
	for _, name := range FunctionNames() {
		if _, _, err := Function(name, 2, 0, 1); err != nil {
			t.Fatalf("FunctionNames lists %q but Function refuses it: %v", name, err)
		}
	}
}
