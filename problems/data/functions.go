package data

import (
	"fmt"
	"math"
	"strings"
)

// targets are the 1-D target functions of problem 1-1, by name.
var targets = map[string]func(x float64) float64{
	"sinc": func(x float64) float64 {
		if x == 0 {
			return 1
		}
		return math.Sin(5*math.Pi*x) / (5 * math.Pi * x)
	},
	"sign": func(x float64) float64 {
		switch s := math.Sin(5 * math.Pi * x); {
		case s > 0:
			return 1
		case s < 0:
			return -1
		}
		return 0
	},
	"sin": func(x float64) float64 { return math.Sin(5 * math.Pi * x) },
}

// FunctionNames returns the names Function accepts: "sinc", "sign" and "sin".
func FunctionNames() []string { return []string{"sinc", "sign", "sin"} }

// Function returns n evenly spaced points x in [lo,hi], both ends included, and
// y = f(x) for the named target: "sinc" is sin(5πx)/(5πx) with value 1 at x=0, "sign"
// is sign(sin(5πx)) with sign(0)=0, and "sin" is sin(5πx). Values are computed in
// float64 and rounded to float32. n=1 gives the single point lo. It returns an error
// for an unknown name, n < 1, or bounds that are not finite with lo <= hi.
func Function(name string, n int, lo, hi float64) (x, y []float32, err error) {
	f, ok := targets[name]
	switch {
	case !ok:
		return nil, nil, fmt.Errorf("data: unknown function %q (want one of %s)", name, strings.Join(FunctionNames(), ", "))
	case n < 1:
		return nil, nil, fmt.Errorf("data: function %s needs at least 1 point, got %d", name, n)
	case math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo > hi:
		return nil, nil, fmt.Errorf("data: function %s: interval [%v,%v] is not finite with lo <= hi", name, lo, hi)
	}
	x, y = make([]float32, n), make([]float32, n)
	for i := range n {
		v := lo
		if n > 1 {
			v = lo + (hi-lo)*float64(i)/float64(n-1)
		}
		x[i], y[i] = float32(v), float32(f(v))
	}
	return x, y, nil
}
