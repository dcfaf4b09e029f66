package analysis

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Tensor describes one parameter tensor of a flat parameter vector: its offset and
// its shape, with the output units (a dense layer's neurons, a convolution's filters)
// along the last axis, as hw1's engine lays out kernels ([in, out] and
// [h, w, in, out]). A tensor of rank 1 is a bias.
type Tensor struct {
	Offset int
	Shape  []int
}

// size returns the number of values of the tensor.
func (t Tensor) size() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// FilterNormalized returns a random direction in parameter space normalised per
// filter, as Li et al. (2018) draw the axes of a loss surface: a Gaussian direction
// d (from seed) in which, for every output unit of every kernel, the entries that
// feed that unit are rescaled so that their norm equals the norm of the same entries
// of theta; biases (rank-1 tensors) and values outside the tensors are zero. The
// tensors must lie within theta and not overlap.
func FilterNormalized(theta []float64, tensors []Tensor, seed uint64) ([]float64, error) {
	d := make([]float64, len(theta))
	covered := make([]bool, len(theta))
	rng := rand.New(rand.NewPCG(seed, 0xf17e))
	for _, t := range tensors {
		n := t.size()
		if len(t.Shape) == 0 || n == 0 || t.Offset < 0 || t.Offset+n > len(theta) {
			return nil, fmt.Errorf("analysis: tensor of shape %v at %d does not fit %d parameters", t.Shape, t.Offset, len(theta))
		}
		for i := t.Offset; i < t.Offset+n; i++ {
			if covered[i] {
				return nil, fmt.Errorf("analysis: tensors overlap at parameter %d", i)
			}
			covered[i] = true
		}
		if len(t.Shape) == 1 {
			continue // biases stay at zero
		}
		units := t.Shape[len(t.Shape)-1]
		fanIn := n / units
		w := theta[t.Offset : t.Offset+n]
		g := d[t.Offset : t.Offset+n]
		for i := range g {
			g[i] = rng.NormFloat64()
		}
		// Entry (r, u) of the [fanIn, units] view feeds unit u.
		for u := 0; u < units; u++ {
			var wn, gn float64
			for r := 0; r < fanIn; r++ {
				wn += w[r*units+u] * w[r*units+u]
				gn += g[r*units+u] * g[r*units+u]
			}
			scale := 0.0
			if gn > 0 {
				scale = math.Sqrt(wn / gn)
			}
			for r := 0; r < fanIn; r++ {
				g[r*units+u] *= scale
			}
		}
	}
	return d, nil
}

// Plane is a 2-D plane through a point of parameter space, spanned by two directions.
type Plane struct {
	Origin []float64
	D1, D2 []float64
}

// Point returns Origin + a·D1 + b·D2.
func (p Plane) Point(a, b float64) []float64 {
	x := append([]float64(nil), p.Origin...)
	floats.AddScaled(x, a, p.D1)
	floats.AddScaled(x, b, p.D2)
	return x
}

// TrajectoryPlane returns the plane of loss-landscape's trajectory plot (Li et al.
// 2018): through the final point of a training trajectory, spanned by the first two
// principal directions (unit vectors) of the differences between the snapshots and
// the final point, together with the coordinates of every snapshot in that plane (its
// difference from the final point projected on each direction) and the share of the
// variance the two directions explain. The snapshots are rows of equal length; final
// usually is the last of them.
func TrajectoryPlane(snapshots [][]float64, final []float64) (Plane, [][2]float64, [2]float64, error) {
	if len(snapshots) < 2 {
		return Plane{}, nil, [2]float64{}, errors.New("analysis: a trajectory plane needs at least 2 snapshots")
	}
	n := len(final)
	x := mat.NewDense(len(snapshots), n, nil)
	for i, s := range snapshots {
		if len(s) != n {
			return Plane{}, nil, [2]float64{}, fmt.Errorf("analysis: snapshot %d has %d values, the final point %d", i, len(s), n)
		}
		row := x.RawRowView(i)
		floats.SubTo(row, s, final)
	}
	pca, err := FitPCA(x)
	if err != nil {
		return Plane{}, nil, [2]float64{}, err
	}
	p := Plane{Origin: append([]float64(nil), final...), D1: mat.Col(nil, 0, pca.Vectors), D2: mat.Col(nil, 1, pca.Vectors)}
	coords := make([][2]float64, len(snapshots))
	for i := range snapshots {
		row := x.RawRowView(i)
		coords[i] = [2]float64{floats.Dot(row, p.D1), floats.Dot(row, p.D2)}
	}
	ex := pca.Explained()
	return p, coords, [2]float64{ex[0], ex[1]}, nil
}
