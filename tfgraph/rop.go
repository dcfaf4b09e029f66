package tfgraph

import (
	"fmt"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// denseStep is what the backward passes need of one dense layer: its input a [B, in],
// kernel w and the kernel's tangents vwIn [in, k·out] and vwOut [out, k·in], the
// first and second derivatives d1, d2 of its activation at the pre-activation (the
// zero Output for 1 and 0), and the tangents ra [B·k, in] of its input (the zero
// Output for the data) and rz [B, k, out] of its pre-activation.
type denseStep struct {
	a, w, vwIn, vwOut tf.Output
	d1, d2            tf.Output
	ra, rz            tf.Output
	in, out           int
	kernel, bias      int // indices of the kernel and bias in m.params
}

// buildHVPs adds the batched Hessian-vector products of a dense network, as
// forward-over-reverse differentiation written out (Pearlmutter's R-operator): one
// forward and one backward pass for the parameters, shared by the k tangents, and one
// tangent pass of each. The k tangents ride along the examples, as [B, k, width]
// tensors, so that every product with a kernel is one two-dimensional MatMul.
func (m *Model) buildHVPs() error {
	if m.lazy.hvps.hv != (tf.Output{}) {
		return nil
	}
	if !m.cfg.SecondOrder {
		return fmt.Errorf("tfgraph: model %q was not built with SecondOrder, which HVPs need", m.spec.Name)
	}
	s := m.root.SubScope("hvps")
	sp := m.splits[Train]
	c := func(s *op.Scope, v any) tf.Output { return op.Const(s.SubScope("Const"), v) }
	v := op.Placeholder(s.SubScope("v"), m.dt, op.PlaceholderShape(tf.MakeShape(-1, int64(m.nparam))))
	kdim := op.Slice(s.SubScope("k"), op.Shape(s.SubScope("Shape"), v, op.ShapeOutType(tf.Int32)), c(s, []int32{0}), c(s, []int32{1}))
	// kshape is the shape [lead, k, tail].
	kshape := func(s *op.Scope, lead, tail int32) tf.Output {
		return op.Concat(s.SubScope("Concat"), c(s, int32(0)), []tf.Output{c(s, []int32{lead}), kdim, c(s, []int32{tail})})
	}
	// kwide is the shape [-1, k·w].
	kwide := func(s *op.Scope, w int32) tf.Output {
		return op.Concat(s.SubScope("Concat"), c(s, int32(0)), []tf.Output{c(s, []int32{-1}), op.Mul(s.SubScope("Mul"), kdim, c(s, []int32{w}))})
	}
	// vparam returns the tangents of parameter i as [k, size].
	vparam := func(s *op.Scope, i int) tf.Output {
		p := m.params[i]
		return op.Slice(s.SubScope("Slice"), v, c(s, []int32{0, int32(p.Offset)}), c(s, []int32{-1, int32(p.Size)}))
	}
	one := m.scalar(s, 1)
	expand := func(s *op.Scope, t tf.Output) tf.Output {
		return op.ExpandDims(s.SubScope("ExpandDims"), t, c(s, int32(1)))
	}
	a := sp.x
	var ra tf.Output
	var steps []denseStep
	for i, l := range m.spec.Layers {
		d, ok := l.(Dense)
		if !ok {
			continue // Flatten: the data are flat already
		}
		ls := layerScope(s, d, i)
		st := denseStep{a: a, ra: ra, kernel: -1}
		for j, p := range m.params {
			if p.Layer == i && len(p.Shape) == 2 {
				st.kernel, st.in, st.out = j, p.Shape[0], p.Shape[1]
			} else if p.Layer == i {
				st.bias = j
			}
		}
		if st.kernel < 0 {
			return fmt.Errorf("tfgraph: dense layer %d of %q has no kernel", i, m.spec.Name)
		}
		in, out := int32(st.in), int32(st.out)
		st.w = m.reads[st.kernel]
		vw := op.Reshape(ls.SubScope("Reshape"), vparam(ls, st.kernel), c(ls, []int32{-1, in, out}))
		st.vwIn = op.Reshape(ls.SubScope("Reshape"), op.Transpose(ls.SubScope("Transpose"), vw, c(ls, []int32{1, 0, 2})), c(ls, []int32{in, -1}))
		st.vwOut = op.Reshape(ls.SubScope("Reshape"), op.Transpose(ls.SubScope("Transpose"), vw, c(ls, []int32{2, 0, 1})), c(ls, []int32{out, -1}))
		z := op.AddV2(ls.SubScope("AddV2"), op.MatMul(ls.SubScope("MatMul"), a, st.w), m.reads[st.bias])
		// Rz = a·Vw + Vb + Ra·W, [B, k, out].
		rz := op.Reshape(ls.SubScope("Reshape"), op.MatMul(ls.SubScope("MatMul"), a, st.vwIn), kshape(ls, -1, out))
		rz = op.AddV2(ls.SubScope("AddV2"), rz, vparam(ls, st.bias))
		if ra != (tf.Output{}) {
			raw := op.MatMul(ls.SubScope("MatMul"), op.Reshape(ls.SubScope("Reshape"), ra, c(ls, []int32{-1, in})), st.w)
			rz = op.AddV2(ls.SubScope("AddV2"), rz, op.Reshape(ls.SubScope("Reshape"), raw, kshape(ls, -1, out)))
		}
		st.rz = rz
		switch d.Activation {
		case Tanh:
			a = op.Tanh(ls.SubScope("Tanh"), z)
			st.d1 = op.Sub(ls.SubScope("Sub"), one, op.Square(ls.SubScope("Square"), a))
			st.d2 = op.Mul(ls.SubScope("Mul"), op.Mul(ls.SubScope("Mul"), a, st.d1), m.scalar(ls, -2))
		case Sigmoid:
			a = op.Sigmoid(ls.SubScope("Sigmoid"), z)
			st.d1 = op.Mul(ls.SubScope("Mul"), a, op.Sub(ls.SubScope("Sub"), one, a))
			st.d2 = op.Mul(ls.SubScope("Mul"), st.d1, op.Sub(ls.SubScope("Sub"), one, op.Mul(ls.SubScope("Mul"), a, m.scalar(ls, 2))))
		case ReLU:
			a = op.Relu(ls.SubScope("Relu"), z)
			st.d1 = op.Cast(ls.SubScope("Cast"), op.Greater(ls.SubScope("Greater"), z, m.scalar(ls, 0)), m.dt)
		default:
			a = z
		}
		ra = rz
		if st.d1 != (tf.Output{}) {
			ra = op.Mul(ls.SubScope("Mul"), expand(ls, st.d1), rz)
		}
		steps = append(steps, st)
	}
	// The loss's gradient with respect to the output a, and its tangents.
	ls := s.SubScope("loss")
	var da, rda tf.Output
	if m.spec.loss() == CrossEntropy {
		p := op.Softmax(ls.SubScope("Softmax"), a)
		onehot := op.OneHot(ls.SubScope("OneHot"), sp.y, c(ls, int32(m.outDim)), one, m.scalar(ls, 0))
		da = op.Sub(ls.SubScope("Sub"), p, onehot)
		pe := expand(ls, p)
		pra := op.Mul(ls.SubScope("Mul"), pe, ra)
		rda = op.Sub(ls.SubScope("Sub"), pra, op.Mul(ls.SubScope("Mul"), pe, op.Sum(ls.SubScope("Sum"), pra, c(ls, int32(-1)), op.SumKeepDims(true))))
	} else {
		two := m.scalar(ls, 2/float64(m.outDim))
		da = op.Mul(ls.SubScope("Mul"), op.Sub(ls.SubScope("Sub"), a, sp.y), two)
		rda = op.Mul(ls.SubScope("Mul"), ra, two)
	}
	outs := make([]tf.Output, len(m.params))
	for i := len(steps) - 1; i >= 0; i-- {
		st := steps[i]
		in, out := int32(st.in), int32(st.out)
		bs := s.SubScope(fmt.Sprintf("back_%d", i))
		dz, rdz := da, rda
		if st.d1 != (tf.Output{}) {
			dz = op.Mul(bs.SubScope("Mul"), st.d1, da)
			rdz = op.Mul(bs.SubScope("Mul"), expand(bs, st.d1), rda)
		}
		if st.d2 != (tf.Output{}) {
			rdz = op.AddV2(bs.SubScope("AddV2"), rdz, op.Mul(bs.SubScope("Mul"), expand(bs, op.Mul(bs.SubScope("Mul"), st.d2, da)), st.rz))
		}
		// R(∂L/∂W) = aᵀ·Rδz + Raᵀ·δz, as [k, in·out].
		t1 := op.MatMul(bs.SubScope("MatMul"), st.a, op.Reshape(bs.SubScope("Reshape"), rdz, kwide(bs, out)), op.MatMulTransposeA(true))
		t1 = op.Transpose(bs.SubScope("Transpose"), op.Reshape(bs.SubScope("Reshape"), t1, kshape(bs, in, out)), c(bs, []int32{1, 0, 2}))
		rgw := op.Reshape(bs.SubScope("Reshape"), t1, c(bs, []int32{-1, in * out}))
		if st.ra != (tf.Output{}) {
			ra2 := op.Reshape(bs.SubScope("Reshape"), st.ra, kwide(bs, in))
			t2 := op.MatMul(bs.SubScope("MatMul"), ra2, dz, op.MatMulTransposeA(true))
			rgw = op.AddV2(bs.SubScope("AddV2"), rgw, op.Reshape(bs.SubScope("Reshape"), t2, c(bs, []int32{-1, in * out})))
		}
		outs[st.kernel] = rgw
		outs[st.bias] = op.Sum(bs.SubScope("Sum"), rdz, c(bs, int32(0)))
		if i > 0 {
			da = op.MatMul(bs.SubScope("MatMul"), dz, st.w, op.MatMulTransposeB(true))
			r1 := op.MatMul(bs.SubScope("MatMul"), op.Reshape(bs.SubScope("Reshape"), rdz, c(bs, []int32{-1, out})), st.w, op.MatMulTransposeB(true))
			r2 := op.MatMul(bs.SubScope("MatMul"), dz, st.vwOut)
			rda = op.AddV2(bs.SubScope("AddV2"), op.Reshape(bs.SubScope("Reshape"), r1, kshape(bs, -1, in)), op.Reshape(bs.SubScope("Reshape"), r2, kshape(bs, -1, in)))
		}
	}
	hv := op.Concat(s.SubScope("Concat"), c(s, int32(1)), outs)
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: Hessian-vector products of %q: %w", m.spec.Name, err)
	}
	m.lazy.hvps = hvpOps{v: v, hv: hv}
	return nil
}
