package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
)

// hvpOps is the batched Hessian-vector product (buildHVPs): k tangents V (k×n) fed,
// the k products H·vⱼ for the chunk's summed loss fetched as the rows of one k×n
// output.
type hvpOps struct {
	v  tf.Output // placeholder [k, n]: the tangents
	hv tf.Output // [k, n]: the products for the chunk's summed loss
}

// hvpBudget bounds k·B·(widths) of one batched run, in values, so that the tangents
// of k products over a chunk of B examples stay small (2²⁴ float64 values are 128 MiB).
const hvpBudget = 1 << 24

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
// current parameters times each vector, exactly (forward-over-reverse
// differentiation of the dense network, buildHVPs). The products are computed many per session run, sharing the
// forward and backward pass of the parameters. The model must be built with Config.SecondOrder.
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
	return m.hvpsWith(m.lazy.hvps, vs)
}

// hvpsWith computes the products of vs with the batched ops o.
func (m *Model) hvpsWith(o hvpOps, vs [][]float64) ([][]float64, error) {
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
		sums, err := m.sumChunks(sp.n, chunk, map[tf.Output]*tf.Tensor{o.v: vt}, o.hv)
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
