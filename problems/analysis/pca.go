package analysis

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// PCA is a principal component analysis of the rows of a data matrix, from gonum's
// stat.PC (a singular value decomposition of the centred data).
type PCA struct {
	// Mean is the mean row of the data.
	Mean []float64
	// Vectors holds the principal directions as columns, by decreasing variance.
	Vectors *mat.Dense
	// Vars are the variances along the directions (sample variances, n-1).
	Vars []float64
}

// ErrNoVariance is returned by FitPCA when the data do not vary, so that no direction
// explains any variance.
var ErrNoVariance = errors.New("analysis: PCA: the data do not vary")

// FitPCA fits a PCA on the rows of x, which needs at least two rows and two columns.
func FitPCA(x mat.Matrix) (*PCA, error) {
	rows, cols := x.Dims()
	if rows < 2 || cols < 2 {
		return nil, fmt.Errorf("analysis: PCA needs at least 2 rows and 2 columns, got %dx%d", rows, cols)
	}
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		return nil, errors.New("analysis: PCA did not converge")
	}
	p := &PCA{Vars: pc.VarsTo(nil), Vectors: &mat.Dense{}, Mean: make([]float64, cols)}
	pc.VectorsTo(p.Vectors)
	var total float64
	for _, v := range p.Vars {
		total += v
	}
	if !(total > 0) || len(p.Vars) < 2 {
		return nil, ErrNoVariance
	}
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			p.Mean[j] += x.At(i, j) / float64(rows)
		}
	}
	return p, nil
}

// Explained returns the share of the total variance along each direction, in the
// order of Vars.
func (p *PCA) Explained() []float64 {
	var total float64
	for _, v := range p.Vars {
		total += v
	}
	out := make([]float64, len(p.Vars))
	for i, v := range p.Vars {
		out[i] = v / total
	}
	return out
}

// Project returns the coordinates of the rows of x on the first k directions: a
// matrix with one row per row of x and k columns. The rows of x need as many columns
// as the fitted data, and k must lie in [1, number of directions].
func (p *PCA) Project(x mat.Matrix, k int) (*mat.Dense, error) {
	rows, cols := x.Dims()
	_, dirs := p.Vectors.Dims()
	if cols != len(p.Mean) || k < 1 || k > dirs {
		return nil, fmt.Errorf("analysis: PCA projection of %d columns on %d directions (fitted on %d columns, %d directions)", cols, k, len(p.Mean), dirs)
	}
	out := mat.NewDense(rows, k, nil)
	for i := 0; i < rows; i++ {
		for c := 0; c < k; c++ {
			var s float64
			for j := 0; j < cols; j++ {
				s += (x.At(i, j) - p.Mean[j]) * p.Vectors.At(j, c)
			}
			out.Set(i, c, s)
		}
	}
	return out, nil
}
