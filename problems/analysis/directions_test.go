package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestFilterNormalized(t *testing.T) {
	// A dense kernel [3, 4] with its bias, then a convolution kernel [2, 2, 3, 5]
	// with its bias, and two values no tensor covers.
	tensors := []Tensor{{0, []int{3, 4}}, {12, []int{4}}, {16, []int{2, 2, 3, 5}}, {76, []int{5}}}
	rng := rand.New(rand.NewPCG(1, 1))
	theta := make([]float64, 83)
	for i := range theta {
		theta[i] = rng.NormFloat64() * float64(1+i%7)
	}
	d, err := FilterNormalized(theta, tensors, 3)
	if err != nil {
		t.Fatal(err)
	}
	unitNorm := func(v []float64, off, fanIn, units, u int) float64 {
		var s float64
		for r := 0; r < fanIn; r++ {
			s += v[off+r*units+u] * v[off+r*units+u]
		}
		return math.Sqrt(s)
	}
	for _, c := range []struct {
		name              string
		off, fanIn, units int
	}{{"dense", 0, 3, 4}, {"conv", 16, 12, 5}} {
		for u := 0; u < c.units; u++ {
			got, want := unitNorm(d, c.off, c.fanIn, c.units, u), unitNorm(theta, c.off, c.fanIn, c.units, u)
			if math.Abs(got-want) > 1e-12*want {
				t.Errorf("%s unit %d: direction norm %g, weight norm %g", c.name, u, got, want)
			}
		}
	}
	for _, i := range []int{12, 13, 14, 15, 76, 80, 81, 82} {
		if d[i] != 0 {
			t.Errorf("d[%d] = %g, want 0 (bias or uncovered)", i, d[i])
		}
	}
	again, _ := FilterNormalized(theta, tensors, 3)
	other, _ := FilterNormalized(theta, tensors, 4)
	if !floats.Equal(d, again) || floats.Equal(d, other) {
		t.Error("the direction is not a function of its seed")
	}
	for _, bad := range []struct {
		name    string
		tensors []Tensor
	}{
		{"outside", []Tensor{{80, []int{2, 2}}}},
		{"overlap", []Tensor{{0, []int{3, 4}}, {10, []int{4}}}},
		{"empty shape", []Tensor{{0, nil}}},
	} {
		if _, err := FilterNormalized(theta, bad.tensors, 1); err == nil {
			t.Errorf("%s: no error", bad.name)
		}
	}
}

func TestTrajectoryPlaneRecoversAPlanarTrajectory(t *testing.T) {
	const n = 50
	rng := rand.New(rand.NewPCG(2, 2))
	final := make([]float64, n)
	u, v := make([]float64, n), make([]float64, n)
	for i := range final {
		final[i], u[i], v[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
	}
	// Snapshots on a spiral into the final point, in the plane of u and v.
	var snaps [][]float64
	for k := 20; k >= 0; k-- {
		r := float64(k) / 4
		s := append([]float64(nil), final...)
		floats.AddScaled(s, r*math.Cos(float64(k)/3), u)
		floats.AddScaled(s, 0.3*r*math.Sin(float64(k)/3), v)
		snaps = append(snaps, s)
	}
	p, coords, explained, err := TrajectoryPlane(snaps, final)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(floats.Norm(p.D1, 2)-1) > 1e-12 || math.Abs(floats.Norm(p.D2, 2)-1) > 1e-12 || math.Abs(floats.Dot(p.D1, p.D2)) > 1e-12 {
		t.Errorf("directions not orthonormal: |d1| %g, |d2| %g, d1·d2 %g", floats.Norm(p.D1, 2), floats.Norm(p.D2, 2), floats.Dot(p.D1, p.D2))
	}
	if math.Abs(explained[0]+explained[1]-1) > 1e-12 || explained[0] < explained[1] {
		t.Errorf("explained %v, want two shares summing to 1, the first larger", explained)
	}
	for i, s := range snaps {
		if back := p.Point(coords[i][0], coords[i][1]); !floats.EqualApprox(back, s, 1e-10) {
			t.Errorf("snapshot %d is not at its coordinates %v", i, coords[i])
		}
	}
	if c := coords[len(coords)-1]; c != [2]float64{0, 0} {
		t.Errorf("final point at %v, want the origin", c)
	}
	if _, _, _, err := TrajectoryPlane(snaps[:1], final); err == nil {
		t.Error("one snapshot: no error")
	}
	if _, _, _, err := TrajectoryPlane([][]float64{final, final[:3]}, final); err == nil {
		t.Error("ragged snapshots: no error")
	}
}
