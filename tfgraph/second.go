package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
	"gonum.org/v1/gonum/mat"
)

// lazyOps holds subgraphs built on first use: most problems need none of them.
type lazyOps struct {
	gradFlat tf.Output // d(sum of chunk losses)/dθ, flat
	hvps     hvpOps    // batched Hessian-vector products
	multi    *multiStep
	jacobian tf.Output // per-example Frobenius norm of d softmax / d x, summed over the chunk
	jacC     int
	save     *checkpointOps
}

// buildGrad adds the flat gradient of the train split's summed chunk loss.
func (m *Model) buildGrad() error {
	if m.lazy.gradFlat != (tf.Output{}) {
		return nil
	}
	s := m.root.SubScope("full_grad")
	g := op.Gradients(s.SubScope("Gradients"), []tf.Output{m.splits[Train].sumLoss}, m.reads)
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: gradient of %q: %w", m.spec.Name, err)
	}
	m.lazy.gradFlat = m.concat(s, g)
	return s.Err()
}

// FullGradient returns the loss and the gradient of the loss over the whole training
// split at the current parameters.
func (m *Model) FullGradient() (loss float64, grad []float64, err error) {
	if m.sess == nil {
		return 0, nil, errClosed
	}
	if err := m.buildGrad(); err != nil {
		return 0, nil, err
	}
	sp := m.splits[Train]
	sums, err := m.sumChunks(sp.n, m.cfg.EvalChunk, nil, sp.sumLoss, m.lazy.gradFlat)
	if err != nil {
		return 0, nil, fmt.Errorf("tfgraph: full gradient: %w", err)
	}
	n := float64(sp.n)
	grad = sums[1]
	for i := range grad {
		grad[i] /= n
	}
	return sums[0][0] / n, grad, nil
}

// HVP returns H·v, the Hessian of the full training loss at the current parameters
// times v, exactly (HVPs). The model must be built with Config.SecondOrder.
func (m *Model) HVP(v []float64) ([]float64, error) {
	hv, err := m.HVPs([][]float64{v})
	if err != nil {
		return nil, err
	}
	return hv[0], nil
}

// HVPTo writes H·v into out, which must have NumParams elements (HVP): the form in
// which eigensolvers such as problems/analysis take a Hessian-vector product.
func (m *Model) HVPTo(v, out []float64) error {
	hv, err := m.HVP(v)
	if err != nil {
		return err
	}
	copy(out, hv)
	return nil
}

// Hessian returns the full Hessian of the full training loss over all parameters, its
// columns exact Hessian-vector products computed many per session run (HVPs). It is
// not symmetrised: compare it with its transpose to measure the numerical error, and
// use Symmetric for an eigensolver.
func (m *Model) Hessian() (*mat.Dense, error) {
	n := m.nparam
	eye := make([][]float64, n)
	for j := range eye {
		eye[j] = make([]float64, n)
		eye[j][j] = 1
	}
	cols, err := m.HVPs(eye)
	if err != nil {
		return nil, err
	}
	h := mat.NewDense(n, n, nil)
	for j, c := range cols {
		h.SetCol(j, c)
	}
	return h, nil
}

// buildJacobian adds, for the test split, the per-example Frobenius norm of the
// Jacobian of the softmax output with respect to the input: one gradient per class.
func (m *Model) buildJacobian(s Split) error {
	if m.lazy.jacobian != (tf.Output{}) && m.lazy.jacC == int(s)+1 {
		return nil
	}
	if m.spec.loss() != CrossEntropy {
		return fmt.Errorf("tfgraph: input Jacobian needs a classifier; %q is a regression model", m.spec.Name)
	}
	sp := m.splits[s]
	sc := m.root.SubScope("jacobian_" + s.String())
	probs := op.Softmax(sc.SubScope("Softmax"), sp.logits)
	sq := make([]tf.Output, m.outDim)
	for c := 0; c < m.outDim; c++ {
		cs := sc.SubScope(fmt.Sprintf("class_%d", c))
		pc := op.Sum(cs.SubScope("Sum"), op.Slice(cs.SubScope("Slice"), probs, op.Const(cs.SubScope("Const"), []int32{0, int32(c)}), op.Const(cs.SubScope("Const"), []int32{-1, 1})), op.Const(cs.SubScope("Const"), []int32{0, 1}))
		g := op.Gradients(cs.SubScope("Gradients"), []tf.Output{pc}, []tf.Output{sp.x})
		if err := cs.Err(); err != nil {
			return fmt.Errorf("tfgraph: input Jacobian of %q: %w", m.spec.Name, err)
		}
		sq[c] = op.Sum(cs.SubScope("Sum"), op.Square(cs.SubScope("Square"), g[0]), op.Const(cs.SubScope("Const"), int32(1)))
	}
	perEx := op.Sqrt(sc.SubScope("Sqrt"), op.AddN(sc.SubScope("AddN"), sq))
	m.lazy.jacobian = op.Sum(sc.SubScope("Sum"), perEx, op.Const(sc.SubScope("Const"), int32(0)))
	m.lazy.jacC = int(s) + 1
	return sc.Err()
}

// JacobianNorm returns the mean over the first n examples of a split (all when n <= 0)
// of the Frobenius norm of the Jacobian of the softmax output with respect to the
// input, computed exactly with one gradient per class.
func (m *Model) JacobianNorm(s Split, n int) (float64, error) {
	if m.sess == nil {
		return 0, errClosed
	}
	sp := m.splits[s]
	if sp == nil {
		return 0, fmt.Errorf("tfgraph: model %q has no %s data", m.spec.Name, s)
	}
	if err := m.buildJacobian(s); err != nil {
		return 0, err
	}
	if n <= 0 || n > sp.n {
		n = sp.n
	}
	sums, err := m.sumChunks(n, min(m.cfg.EvalChunk, 1024), nil, m.lazy.jacobian)
	if err != nil {
		return 0, fmt.Errorf("tfgraph: input Jacobian: %w", err)
	}
	return sums[0][0] / float64(n), nil
}
