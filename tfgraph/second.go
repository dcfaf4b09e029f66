package tfgraph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
	"gonum.org/v1/gonum/floats"
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

// Symmetric returns (H + Hᵀ)/2 as a symmetric matrix.
func Symmetric(h mat.Matrix) *mat.SymDense {
	n, _ := h.Dims()
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	return s
}

// Asymmetry returns max|H - Hᵀ| / max|H|, the relative asymmetry of a square matrix.
func Asymmetry(h mat.Matrix) float64 {
	n, _ := h.Dims()
	var d, a float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d = math.Max(d, math.Abs(h.At(i, j)-h.At(j, i)))
			a = math.Max(a, math.Abs(h.At(i, j)))
		}
	}
	if a == 0 {
		return 0
	}
	return d / a
}

// Eigenvalues returns the eigenvalues of the symmetric matrix s in ascending order,
// from gonum's symmetric eigensolver.
func Eigenvalues(s *mat.SymDense) ([]float64, error) {
	var es mat.EigenSym
	if !es.Factorize(s, false) {
		return nil, fmt.Errorf("tfgraph: symmetric eigendecomposition did not converge")
	}
	return es.Values(nil), nil
}

// TopEigenvalues estimates the k algebraically largest eigenvalues of the full-data Hessian by the Lanczos method with full
// reorthogonalisation on exact Hessian-vector products, using at most iters products
// (0 means min(n, max(3k, 30))). The start vector is drawn from seed.
func (m *Model) TopEigenvalues(k, iters int, seed uint64) ([]float64, error) {
	n := m.nparam
	if k <= 0 || k > n {
		return nil, fmt.Errorf("tfgraph: TopEigenvalues: k=%d outside [1, %d]", k, n)
	}
	if iters <= 0 {
		iters = max(3*k, 30)
	}
	iters = min(iters, n)
	rng := rand.New(rand.NewPCG(seed, 7))
	q := make([]float64, n)
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(q, 2), q)
	var basis [][]float64
	var alpha, beta []float64
	for j := 0; j < iters; j++ {
		basis = append(basis, q)
		w, err := m.HVP(q)
		if err != nil {
			return nil, err
		}
		a := floats.Dot(w, q)
		alpha = append(alpha, a)
		// Full reorthogonalisation against every basis vector, twice for stability.
		for pass := 0; pass < 2; pass++ {
			for _, b := range basis {
				floats.AddScaled(w, -floats.Dot(w, b), b)
			}
		}
		bn := floats.Norm(w, 2)
		if j == iters-1 || bn < 1e-10 {
			break
		}
		beta = append(beta, bn)
		q = append([]float64(nil), w...)
		floats.Scale(1/bn, q)
	}
	t := mat.NewSymDense(len(alpha), nil)
	for i, a := range alpha {
		t.SetSym(i, i, a)
		if i+1 < len(alpha) {
			t.SetSym(i, i+1, beta[i])
		}
	}
	ev, err := Eigenvalues(t)
	if err != nil {
		return nil, err
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(ev)))
	return ev[:min(k, len(ev))], nil
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
