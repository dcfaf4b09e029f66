package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// hvpOps is the batched Hessian-vector product: the train split's loss for a batch of
// k copies of the parameters, Θ = [θ; …; θ] (k×n), so that one second backward pass
// against k tangents V (k×n) gives the k products H·vⱼ as the rows of one k×n output.
// The copies are independent models whose losses are summed, so row j of the gradient
// of Σⱼ gⱼ(Θ)·vⱼ with respect to Θ is H(θ)·vⱼ exactly.
type hvpOps struct {
	v  tf.Output // placeholder [k, n]: the tangents
	hv tf.Output // [k, n]: the products for the chunk's summed loss
}

// hvpBudget bounds k·B·(widths) of one batched run, in values, so that the
// activations of k models over a chunk of B examples stay small (2²⁴ float64 values
// are 128 MiB).
const hvpBudget = 1 << 24

// buildHVPs adds the batched Hessian-vector product of the train split's summed chunk
// loss. The number of tangents k is the leading dimension of the fed V.
func (m *Model) buildHVPs() error {
	if m.lazy.hvps.hv != (tf.Output{}) {
		return nil
	}
	if !m.cfg.SecondOrder {
		return fmt.Errorf("tfgraph: model %q was not built with SecondOrder: its gradient kernels have no gradients of their own", m.spec.Name)
	}
	s := m.root.SubScope("hvps")
	sp := m.splits[Train]
	v := op.Placeholder(s.SubScope("v"), m.dt, op.PlaceholderShape(tf.MakeShape(-1, int64(m.nparam))))
	k := op.Slice(s.SubScope("k"), op.Shape(s.SubScope("Shape"), v, op.ShapeOutType(tf.Int32)), op.Const(s.SubScope("Const"), []int32{0}), op.Const(s.SubScope("Const"), []int32{1}))
	theta := op.BroadcastTo(s.SubScope("theta"), m.flat, op.Shape(s.SubScope("Shape"), v, op.ShapeOutType(tf.Int32)))
	// The inputs are the same for every model; nothing is differentiated with respect
	// to them.
	xshape := op.Concat(s.SubScope("Concat"), op.Const(s.SubScope("Const"), int32(0)), []tf.Output{k, op.Shape(s.SubScope("Shape"), sp.x, op.ShapeOutType(tf.Int32))})
	x := op.BroadcastTo(s.SubScope("x"), op.ExpandDims(s.SubScope("ExpandDims"), sp.x, op.Const(s.SubScope("Const"), int32(0))), xshape)
	ws := make([]tf.Output, len(m.params))
	for i, p := range m.params {
		part := op.Slice(s.SubScope("Slice"), theta, op.Const(s.SubScope("Const"), []int32{0, int32(p.Offset)}), op.Const(s.SubScope("Const"), []int32{-1, int32(p.Size)}))
		shape := append([]int32{-1}, toInt32(p.Shape)...)
		if len(p.Shape) == 1 {
			shape = []int32{-1, 1, int32(p.Size)} // a bias, broadcast over the examples
		}
		ws[i] = op.Reshape(s.SubScope("Reshape"), part, op.Const(s.SubScope("Const"), shape))
	}
	b := m.builder
	b.models = true
	logits := m.forwardWith(b, s.SubScope("model"), x, ws)
	// The loss sees the k·B examples of all models as one batch (LogSoftmax's gradient
	// in TensorFlow's C++ registry reduces over axis 1, so it needs rank 2).
	logits = op.Reshape(s.SubScope("logits"), logits, op.Const(s.SubScope("Const"), []int32{-1, int32(m.outDim)}))
	yshape := op.Concat(s.SubScope("Concat"), op.Const(s.SubScope("Const"), int32(0)), []tf.Output{k, op.Shape(s.SubScope("Shape"), sp.y, op.ShapeOutType(tf.Int32))})
	y := op.BroadcastTo(s.SubScope("y"), op.ExpandDims(s.SubScope("ExpandDims"), sp.y, op.Const(s.SubScope("Const"), int32(0))), yshape)
	yflat := []int32{-1, int32(m.outDim)}
	if m.spec.loss() == CrossEntropy {
		yflat = []int32{-1}
	}
	y = op.Reshape(s.SubScope("Reshape"), y, op.Const(s.SubScope("Const"), yflat))
	perEx := m.perExampleLoss(s.SubScope("loss"), logits, y)
	total := op.Sum(s.SubScope("sum_loss"), perEx, op.Const(s.SubScope("Const"), int32(0)))
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: batched Hessian-vector products of %q: %w", m.spec.Name, err)
	}
	// Seed the first gradient with a constant: the default seed, OnesLike(loss),
	// depends on the parameters and has no gradient of its own.
	g := op.Gradients(s.SubScope("grad"), []tf.Output{total}, []tf.Output{theta}, m.scalar(s.SubScope("seed"), 1))
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: batched Hessian-vector products of %q: %w", m.spec.Name, err)
	}
	dot := op.Sum(s.SubScope("dot"), op.Mul(s.SubScope("Mul"), g[0], v), op.Const(s.SubScope("Const"), []int32{0, 1}))
	hv := op.Gradients(s.SubScope("hv"), []tf.Output{dot}, []tf.Output{theta})
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: batched Hessian-vector products of %q: %w", m.spec.Name, err)
	}
	m.lazy.hvps = hvpOps{v: v, hv: hv[0]}
	return nil
}

// hvpBatch returns how many products one session run computes and over how many
// examples, within hvpBudget: all of a chunk's examples for as many models as fit.
func (m *Model) hvpBatch() (k, chunk int) {
	width := prod(m.spec.Input)
	in := m.spec.Input
	for _, l := range m.spec.Layers {
		out, _ := l.outShape(in)
		width += prod(out)
		in = out
	}
	chunk = min(m.cfg.EvalChunk, m.splits[Train].n)
	k = hvpBudget / (chunk * width)
	if k < 1 {
		k, chunk = 1, max(1, hvpBudget/width)
	}
	return k, chunk
}

// HVPs returns H·vⱼ for each vⱼ of vs, the Hessian of the full training loss at the
// current parameters times each vector, exactly (by differentiating the gradient a
// second time). The products are computed many at a time, for a batch of copies of
// the model in one session run. The model must be built with Config.SecondOrder.
func (m *Model) HVPs(vs [][]float64) ([][]float64, error) {
	if m.sess == nil {
		return nil, errClosed
	}
	for j, v := range vs {
		if len(v) != m.nparam {
			return nil, fmt.Errorf("tfgraph: HVP: vector %d has %d values, model has %d parameters", j, len(v), m.nparam)
		}
	}
	if err := m.buildHVPs(); err != nil {
		return nil, err
	}
	n := m.nparam
	kmax, chunk := m.hvpBatch()
	out := make([][]float64, 0, len(vs))
	flat := make([]float64, 0, min(kmax, len(vs))*n)
	for lo := 0; lo < len(vs); lo += kmax {
		hi := min(lo+kmax, len(vs))
		flat = flat[:0]
		for _, v := range vs[lo:hi] {
			flat = append(flat, v...)
		}
		vt, err := m.vecTensor(flat)
		if err == nil {
			err = vt.Reshape([]int64{int64(hi - lo), int64(n)})
		}
		if err != nil {
			return nil, fmt.Errorf("tfgraph: %w", err)
		}
		sp := m.splits[Train]
		sums, err := m.sumChunks(sp.n, chunk, map[tf.Output]*tf.Tensor{m.lazy.hvps.v: vt}, m.lazy.hvps.hv)
		if err != nil {
			return nil, fmt.Errorf("tfgraph: HVP: %w", err)
		}
		hv := sums[0]
		for i := range hv {
			hv[i] /= float64(sp.n)
		}
		for j := 0; j < hi-lo; j++ {
			out = append(out, hv[j*n:(j+1)*n:(j+1)*n])
		}
	}
	return out, nil
}
