package tfgraph

import (
	"errors"
	"fmt"
	"math/rand/v2"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// variable is one resource variable of the graph.
type variable struct {
	name   string
	handle tf.Output
	shape  []int
	dtype  tf.DataType
}

// Model is a spec turned into a graph and a session, with its data resident in the
// graph. A Model is not safe for concurrent use. Close releases it.
type Model struct {
	spec    Spec
	cfg     Config
	opt     Optimizer
	params  []Param
	nparam  int
	outDim  int
	builder // the float type and SecondOrder, for building ops

	graph *tf.Graph
	root  *op.Scope
	sess  *tf.Session

	paramVars []variable
	slotVars  []variable
	stepVar   variable
	reads     []tf.Output

	splits [2]*split
	idx    tf.Output // batch indices placeholder, shared by every subgraph
	lr     tf.Output

	loss, acc, gnorm tf.Output
	trainOp          *tf.Operation

	flat               tf.Output // all parameters as one vector
	setFlat            tf.Output // placeholder for SetParams
	setOp, zeroSlotsOp *tf.Operation

	predictIn, predictOut tf.Output

	planes [2]*planeOps // loss-plane evaluation per split, built on first use

	lazy lazyOps // second-order, Jacobian and checkpoint ops, built on first use

	shuffle  *rand.Rand
	pcg      *rand.PCG
	steps    int64
	lrValue  float64
	lrTensor *tf.Tensor
}

// smallModel is the parameter count under which a session with no thread settings
// runs on one thread.
const smallModel = 20000

// New builds the graph of spec, opens a session, uploads train and test (test may be
// nil) into the graph and initialises the parameters from cfg.Seed.
func New(spec Spec, train, test *Data, cfg Config) (*Model, error) {
	params, out, err := spec.Check()
	if err != nil {
		return nil, err
	}
	if cfg.SecondOrder {
		for i, l := range spec.Layers {
			if !l.twiceDifferentiable() {
				return nil, fmt.Errorf("tfgraph: spec %q: layer %d (%s) has no twice-differentiable form; SecondOrder supports dense layers only", spec.Name, i, l.Kind())
			}
		}
	}
	if cfg.EvalChunk <= 0 {
		cfg.EvalChunk = 4096
	}
	m := &Model{spec: spec, cfg: cfg, opt: cfg.Optimizer.withDefaults(), params: params, outDim: out[0],
		builder: builder{dt: cfg.DType.tf(), secondOrder: cfg.SecondOrder}}
	for _, p := range params {
		m.nparam += p.Size
	}
	if err := m.checkData(train, "train"); err != nil {
		return nil, err
	}
	if test != nil {
		if err := m.checkData(test, "test"); err != nil {
			return nil, err
		}
	}
	m.pcg = rand.NewPCG(cfg.Seed, 0x5eed5eed)
	m.shuffle = rand.New(m.pcg)
	m.lrValue = m.opt.LearningRate

	if cfg.Session.IntraOpThreads == 0 && cfg.Session.InterOpThreads == 0 && m.nparam < smallModel {
		// Thread hand-offs cost more than they save on tiny graphs.
		cfg.Session.IntraOpThreads, cfg.Session.InterOpThreads = 1, 1
		m.cfg.Session = cfg.Session
	}
	m.graph = tf.NewGraph()
	m.root = op.NewScopeWithGraph(m.graph)
	if err := m.build(train, test); err != nil {
		return nil, err
	}
	m.sess, err = NewSession(m.graph, cfg.Session)
	if err != nil {
		return nil, err
	}
	if err := m.initialize(train, test); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// Close releases the session. It is safe to call more than once.
func (m *Model) Close() error {
	if m.sess == nil {
		return nil
	}
	err := m.sess.Close()
	m.sess = nil
	return err
}

// Spec returns the model's spec.
func (m *Model) Spec() Spec { return m.spec }

// Params describes the parameter tensors in flat-vector order.
func (m *Model) Params() []Param { return m.params }

// NumParams returns the number of parameters.
func (m *Model) NumParams() int { return m.nparam }

// N returns the number of examples of a split (0 for a test split that was not given).
func (m *Model) N(s Split) int {
	if m.splits[s] == nil {
		return 0
	}
	return m.splits[s].n
}

// Steps returns the number of training steps taken so far.
func (m *Model) Steps() int64 { return m.steps }

// newVar creates a resource variable called name in scope s. Its shared name, which
// identifies the resource in the session, is name: it must be unique in the model.
func (m *Model) newVar(s *op.Scope, name string, shape []int, dtype tf.DataType) variable {
	return m.newSharedVar(s, name, name, shape, dtype)
}

// newSharedVar is newVar with a shared name other than the node name: the data of the
// train and test splits are both nodes "x" and "y" of their scopes, and would share one
// resource (the test upload overwriting the training data) under the same shared name.
func (m *Model) newSharedVar(s *op.Scope, name, shared string, shape []int, dtype tf.DataType) variable {
	sh := make([]int64, len(shape))
	for i, d := range shape {
		sh[i] = int64(d)
	}
	h := op.VarHandleOp(s.SubScope(name), dtype, tf.MakeShape(sh...), op.VarHandleOpSharedName(shared))
	return variable{name: shared, handle: h, shape: shape, dtype: dtype}
}

func (m *Model) build(train, test *Data) error {
	s := m.root
	vs := s.SubScope("vars")
	for _, p := range m.params {
		v := m.newVar(vs, p.Name, p.Shape, m.dt)
		m.paramVars = append(m.paramVars, v)
		m.reads = append(m.reads, op.ReadVariableOp(vs.SubScope("read"), v.handle, m.dt))
	}
	m.stepVar = m.newVar(vs, "step", nil, m.dt)
	m.idx = op.Placeholder(s.SubScope("idx"), tf.Int32, op.PlaceholderShape(tf.MakeShape(-1)))
	m.lr = op.PlaceholderWithDefault(s.SubScope("lr"), m.scalar(s, m.opt.LearningRate), tf.ScalarShape())

	m.splits[Train] = m.buildSplit(s.SubScope("train"), Train, train)
	if test != nil {
		m.splits[Test] = m.buildSplit(s.SubScope("test"), Test, test)
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: building %q: %w", m.spec.Name, err)
	}
	if err := m.buildTrain(s.SubScope("optimizer")); err != nil {
		return err
	}
	m.buildFlat(s.SubScope("flat"))
	m.buildPredict(s.SubScope("predict"))
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: building %q: %w", m.spec.Name, err)
	}
	return nil
}

// forward applies the layers to a batch x of shape [B, dim] with parameter tensors w,
// each layer in a sub-scope of s that it opens, named like its parameters.
func (m *Model) forward(s *op.Scope, x tf.Output, w []tf.Output) tf.Output {
	if len(m.spec.Input) > 1 {
		shape := append([]int32{-1}, toInt32(m.spec.Input)...)
		x = op.Reshape(s.SubScope("Reshape"), x, op.Const(s.SubScope("Const"), shape))
	}
	layers := m.spec.Layers
	ws := make([][]tf.Output, len(layers))
	for i, p := range m.params {
		ws[p.Layer] = append(ws[p.Layer], w[i])
	}
	in := m.spec.Input
	for i := 0; i < len(layers); i++ {
		l := layers[i]
		out, _ := l.outShape(in)
		if i+1 < len(layers) {
			if f := l.fusion(layers[i+1]); f != nil {
				x = f(m.builder, s, i, x, ws[i])
				in, _ = layers[i+1].outShape(out)
				i++
				continue
			}
		}
		x = l.build(m.builder, s, i, x, in, ws[i])
		in = out
	}
	return x
}

// buildFlat builds the flat parameter vector and the op that assigns one.
func (m *Model) buildFlat(s *op.Scope) {
	m.flat = m.concat(s, m.reads)
	m.setFlat = op.Placeholder(s.SubScope("set"), m.dt, op.PlaceholderShape(tf.MakeShape(int64(m.nparam))))
	parts := m.unflatten(s, m.setFlat)
	var ops []*tf.Operation
	for i, v := range m.paramVars {
		ops = append(ops, op.AssignVariableOp(s.SubScope("AssignVariableOp"), v.handle, parts[i]))
	}
	m.setOp = op.NoOp(s.SubScope("set").WithControlDependencies(ops...))
}

// concat flattens tensors shaped like the parameters into one vector.
func (m *Model) concat(s *op.Scope, ts []tf.Output) tf.Output {
	flat := make([]tf.Output, len(ts))
	for i, t := range ts {
		flat[i] = op.Reshape(s.SubScope("Reshape"), t, op.Const(s.SubScope("Const"), []int32{-1}))
	}
	return op.Concat(s.SubScope("Concat"), op.Const(s.SubScope("Const"), int32(0)), flat)
}

// unflatten splits a flat vector into tensors shaped like the parameters.
func (m *Model) unflatten(s *op.Scope, v tf.Output) []tf.Output {
	out := make([]tf.Output, len(m.params))
	for i, p := range m.params {
		part := op.Slice(s.SubScope("Slice"), v, op.Const(s.SubScope("Const"), []int32{int32(p.Offset)}), op.Const(s.SubScope("Const"), []int32{int32(p.Size)}))
		out[i] = op.Reshape(s.SubScope("Reshape"), part, op.Const(s.SubScope("Const"), toInt32(p.Shape)))
	}
	return out
}

func (m *Model) buildPredict(s *op.Scope) {
	m.predictIn = op.Placeholder(s.SubScope("x"), m.dt, op.PlaceholderShape(tf.MakeShape(-1, int64(prod(m.spec.Input)))))
	m.predictOut = m.forward(s.SubScope("model"), m.predictIn, m.reads)
}

// initialize uploads the data, zeroes the optimizer state and draws the initial weights.
func (m *Model) initialize(train, test *Data) error {
	if err := m.upload(train, test); err != nil {
		return err
	}
	if _, err := m.sess.Run(nil, nil, []*tf.Operation{m.zeroSlotsOp}); err != nil {
		return fmt.Errorf("tfgraph: initialising optimizer state: %w", err)
	}
	init, err := InitialParams(m.spec, m.cfg.Init, m.cfg.Seed)
	if err != nil {
		return err
	}
	return m.SetParams(init)
}

// errClosed is returned by methods of a closed model.
var errClosed = errors.New("tfgraph: model is closed")
