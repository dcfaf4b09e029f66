package tfgraph

import (
	"fmt"
	"math"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
	"gonum.org/v1/gonum/floats"
)

// planeValues is the budget of values of one session run of LossPlane: of the
// parameter sets (points × parameters), which sets the default number of points per
// run, and of the activations (points × examples × widest layer), which sets the
// number of examples per run.
const planeValues = 1 << 24

// PlanePoints returns the number of points of a plane that LossPlane evaluates in one
// session run when its perRun argument is zero: as many parameter sets as fit in 2²⁴
// values, between 1 and 1024 (1024 for 2-1's 12,565-parameter model, 62 for 3-3's
// 269,322).
func (m *Model) PlanePoints() int { return min(max(planeValues/m.nparam, 1), 1024) }

// planeOps evaluates a split at many parameter vectors origin + a·d1 + b·d2 at once.
type planeOps struct {
	origin  tf.Output // placeholder [nparam]
	dirs    tf.Output // placeholder [2, nparam]: d1 and d2
	coef    tf.Output // placeholder [P, 2]: (a, b) of each point
	sumLoss tf.Output // [P]: the summed loss of the chunk at each point
	correct tf.Output // [P]: the number of correct predictions (classification)
	width   int       // the widest layer output, for sizing the chunks
}

// manyLayer is a layer that can be applied with P parameter sets at once: x has shape
// [P or 1, B, features] and each parameter tensor of w a leading dimension P.
type manyLayer interface {
	buildMany(b builder, s *op.Scope, i int, x tf.Output, w []tf.Output) tf.Output
}

// buildMany builds act(x·w + b) for P kernels [P, in, out] and biases [P, out] at once.
func (d Dense) buildMany(b builder, s *op.Scope, i int, x tf.Output, w []tf.Output) tf.Output {
	s = layerScope(s, d, i)
	y := op.BatchMatMulV2(s.SubScope("BatchMatMulV2"), x, w[0])
	bias := op.ExpandDims(s.SubScope("ExpandDims"), w[1], op.Const(s.SubScope("Const"), int32(1)))
	return b.activate(s, op.AddV2(s.SubScope("AddV2"), y, bias), d.Activation)
}

// buildMany returns x: the examples of the split are stored flat, in the row-major
// order that Flatten produces.
func (Flatten) buildMany(_ builder, _ *op.Scope, _ int, x tf.Output, _ []tf.Output) tf.Output {
	return x
}

// planeCapable reports whether every layer of the model can be built with many
// parameter sets at once.
func (m *Model) planeCapable() bool {
	for _, l := range m.spec.Layers {
		if _, ok := l.(manyLayer); !ok {
			return false
		}
	}
	return true
}

// buildPlane adds the evaluation of split s at many points of a plane.
func (m *Model) buildPlane(which Split) (*planeOps, error) {
	if p := m.planes[which]; p != nil {
		return p, nil
	}
	sp := m.splits[which]
	s := m.root.SubScope("plane_" + which.String())
	p := &planeOps{
		origin: op.Placeholder(s.SubScope("origin"), m.dt, op.PlaceholderShape(tf.MakeShape(int64(m.nparam)))),
		dirs:   op.Placeholder(s.SubScope("dirs"), m.dt, op.PlaceholderShape(tf.MakeShape(2, int64(m.nparam)))),
		coef:   op.Placeholder(s.SubScope("coef"), m.dt, op.PlaceholderShape(tf.MakeShape(-1, 2))),
	}
	// θ [P, nparam] = origin + coef·dirs.
	theta := op.AddV2(s.SubScope("theta"), op.MatMul(s.SubScope("MatMul"), p.coef, p.dirs), p.origin)
	ws := make([][]tf.Output, len(m.spec.Layers))
	for _, pr := range m.params {
		part := op.Slice(s.SubScope("Slice"), theta, op.Const(s.SubScope("Const"), []int32{0, int32(pr.Offset)}), op.Const(s.SubScope("Const"), []int32{-1, int32(pr.Size)}))
		shape := append([]int32{-1}, toInt32(pr.Shape)...)
		ws[pr.Layer] = append(ws[pr.Layer], op.Reshape(s.SubScope("Reshape"), part, op.Const(s.SubScope("Const"), shape)))
	}
	x := op.ExpandDims(s.SubScope("ExpandDims"), sp.x, op.Const(s.SubScope("Const"), int32(0)))
	ms := s.SubScope("model")
	in := m.spec.Input
	p.width = 1
	for i, l := range m.spec.Layers {
		x = l.(manyLayer).buildMany(m.builder, ms, i, x, ws[i])
		in, _ = l.outShape(in)
		p.width = max(p.width, prod(in))
	}
	ls := s.SubScope("loss")
	if m.spec.loss() == CrossEntropy {
		onehot := op.OneHot(ls.SubScope("OneHot"), sp.y, op.Const(ls.SubScope("Const"), int32(m.outDim)), m.scalar(ls, 1), m.scalar(ls, 0))
		ll := op.Mul(ls.SubScope("Mul"), onehot, op.LogSoftmax(ls.SubScope("LogSoftmax"), x))
		p.sumLoss = op.Neg(ls.SubScope("Neg"), op.Sum(ls.SubScope("Sum"), ll, op.Const(ls.SubScope("Const"), []int32{1, 2})))
		pred := op.ArgMax(ls.SubScope("ArgMax"), x, op.Const(ls.SubScope("Const"), int32(2)), op.ArgMaxOutputType(tf.Int32))
		hits := op.Cast(ls.SubScope("Cast"), op.Equal(ls.SubScope("Equal"), pred, sp.y), m.dt)
		p.correct = op.Sum(ls.SubScope("correct"), hits, op.Const(ls.SubScope("Const"), int32(1)))
	} else {
		sq := op.Square(ls.SubScope("Square"), op.Sub(ls.SubScope("Sub"), x, sp.y))
		perEx := op.Mean(ls.SubScope("Mean"), sq, op.Const(ls.SubScope("Const"), int32(2)))
		p.sumLoss = op.Sum(ls.SubScope("Sum"), perEx, op.Const(ls.SubScope("Const"), int32(1)))
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("tfgraph: loss plane of %q: %w", m.spec.Name, err)
	}
	m.planes[which] = p
	return p, nil
}

// LossPlane evaluates the mean loss and accuracy (NaN for regression) of split s at
// the parameter vectors origin + a[i]·d1 + b[i]·d2, for every i, as the 2-D loss
// surfaces of Li et al. (2018) need: one row of a grid, or a whole grid, per call.
// The model's own parameters are not changed.
//
// For models of dense and Flatten layers it evaluates perRun points (0 means
// PlanePoints) in each session run, every layer applied to all of them at once,
// over chunks of at most Config.EvalChunk examples, fewer when perRun × examples ×
// the widest layer would exceed 2²⁴ values. Other models are evaluated one point
// after the other (assigning the parameters, then restoring them).
func (m *Model) LossPlane(s Split, origin, d1, d2, a, b []float64, perRun int) (loss, acc []float64, err error) {
	if m.sess == nil {
		return nil, nil, errClosed
	}
	sp := m.splits[s]
	if sp == nil {
		return nil, nil, fmt.Errorf("tfgraph: model %q has no %s data", m.spec.Name, s)
	}
	if len(origin) != m.nparam || len(d1) != m.nparam || len(d2) != m.nparam {
		return nil, nil, fmt.Errorf("tfgraph: LossPlane: origin and directions have %d, %d and %d values, model %q has %d parameters", len(origin), len(d1), len(d2), m.spec.Name, m.nparam)
	}
	if len(a) != len(b) {
		return nil, nil, fmt.Errorf("tfgraph: LossPlane: %d first and %d second coordinates", len(a), len(b))
	}
	if !m.planeCapable() {
		return m.planeOneByOne(s, origin, d1, d2, a, b)
	}
	if perRun <= 0 {
		perRun = m.PlanePoints()
	}
	p, err := m.buildPlane(s)
	if err != nil {
		return nil, nil, err
	}
	ot, err := m.vecTensor(origin)
	if err != nil {
		return nil, nil, fmt.Errorf("tfgraph: %w", err)
	}
	dt, err := m.matTensor(append(append([]float64(nil), d1...), d2...), 2)
	if err != nil {
		return nil, nil, err
	}
	fetches := []tf.Output{p.sumLoss}
	if p.correct != (tf.Output{}) {
		fetches = append(fetches, p.correct)
	}
	loss, acc = make([]float64, len(a)), make([]float64, len(a))
	for lo := 0; lo < len(a); lo += perRun {
		hi := min(lo+perRun, len(a))
		coef := make([]float64, 0, 2*(hi-lo))
		for i := lo; i < hi; i++ {
			coef = append(coef, a[i], b[i])
		}
		ct, err := m.matTensor(coef, hi-lo)
		if err != nil {
			return nil, nil, err
		}
		chunk := max(1, min(m.cfg.EvalChunk, planeValues/((hi-lo)*p.width)))
		sums, err := m.sumChunks(sp.n, chunk, map[tf.Output]*tf.Tensor{p.origin: ot, p.dirs: dt, p.coef: ct}, fetches...)
		if err != nil {
			return nil, nil, fmt.Errorf("tfgraph: loss plane on %s: %w", s, err)
		}
		for i := lo; i < hi; i++ {
			loss[i] = sums[0][i-lo] / float64(sp.n)
			acc[i] = math.NaN()
			if len(sums) > 1 {
				acc[i] = sums[1][i-lo] / float64(sp.n)
			}
		}
	}
	return loss, acc, nil
}

// planeOneByOne is LossPlane for models whose layers cannot take many parameter sets
// at once: it assigns each point's parameters and evaluates them, then restores the
// model's own.
func (m *Model) planeOneByOne(s Split, origin, d1, d2, a, b []float64) (loss, acc []float64, err error) {
	own, err := m.GetParams()
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if rerr := m.SetParams(own); rerr != nil && err == nil {
			err = rerr
		}
	}()
	loss, acc = make([]float64, len(a)), make([]float64, len(a))
	theta := make([]float64, m.nparam)
	for i := range a {
		copy(theta, origin)
		floats.AddScaled(theta, a[i], d1)
		floats.AddScaled(theta, b[i], d2)
		if err := m.SetParams(theta); err != nil {
			return nil, nil, err
		}
		if loss[i], acc[i], err = m.Evaluate(s); err != nil {
			return nil, nil, err
		}
	}
	return loss, acc, nil
}

// matTensor makes a [rows, len(v)/rows] tensor of the model's float type from
// row-major float64 values.
func (m *Model) matTensor(v []float64, rows int) (*tf.Tensor, error) {
	t, err := m.vecTensor(v)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	if err := t.Reshape([]int64{int64(rows), int64(len(v) / rows)}); err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	return t, nil
}
