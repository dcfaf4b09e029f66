package problems

import (
	"gonum.org/v1/gonum/mat"

	"hw1/tfgraph"
)

// modelFunc is the full-batch training loss of a model over its flat parameters, as
// the analysis package takes it (analysis.Func, analysis.HessianFunc and analysis.HessianMatrixFunc). Every call
// sets the model's parameters to the point it is asked about and leaves them there.
type modelFunc struct{ m *tfgraph.Model }

// Loss returns the training loss at x.
func (f modelFunc) Loss(x []float64) (float64, error) {
	if err := f.m.SetParams(x); err != nil {
		return 0, err
	}
	l, _, err := f.m.Evaluate(tfgraph.Train)
	return l, err
}

// LossGrad returns the training loss and its gradient at x.
func (f modelFunc) LossGrad(x []float64) (float64, []float64, error) {
	if err := f.m.SetParams(x); err != nil {
		return 0, nil, err
	}
	return f.m.FullGradient()
}

// HVP returns the Hessian of the training loss at x times v; the model needs
// tfgraph.Config.SecondOrder.
func (f modelFunc) HVP(x, v []float64) ([]float64, error) {
	if err := f.m.SetParams(x); err != nil {
		return nil, err
	}
	return f.m.HVP(v)
}

// Hessian returns the full Hessian of the training loss at x, one exact
// Hessian-vector product per column; the model needs tfgraph.Config.SecondOrder.
func (f modelFunc) Hessian(x []float64) (mat.Matrix, error) {
	if err := f.m.SetParams(x); err != nil {
		return nil, err
	}
	return f.m.Hessian()
}
