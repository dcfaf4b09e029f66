package tfgraph

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Split selects the training or the test data of a model.
type Split int

// The splits.
const (
	Train Split = iota
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	if s == Test {
		return "test"
	}
	return "train"
}

// variable is one resource variable of the graph.
type variable struct {
	name   string
	handle tf.Output
	shape  []int
	dtype  tf.DataType
}

// split is one data split resident in the graph with its evaluation subgraph.
type split struct {
	n                int
	x                tf.Output // gathered inputs [B, dim] (the Jacobian differentiates wrt it)
	logits           tf.Output
	sumLoss          tf.Output // sum over the chunk of the per-example loss
	correct          tf.Output // number of correct predictions in the chunk (classification)
	uploadX, uploadY tf.Output
	upload           []*tf.Operation
}

// Model is a spec turned into a graph and a session, with its data resident in the
// graph. A Model is not safe for concurrent use. Close releases it.
type Model struct {
	spec   Spec
	cfg    Config
	opt    Optimizer
	params []Param
	nparam int
	outDim int
	dt     tf.DataType

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
			if _, ok := l.(Dense); !ok {
				if _, ok := l.(Flatten); !ok {
					return nil, fmt.Errorf("tfgraph: spec %q: layer %d (%s) has no twice-differentiable form; SecondOrder supports dense layers only", spec.Name, i, l.Kind())
				}
			}
		}
	}
	if cfg.EvalChunk <= 0 {
		cfg.EvalChunk = 4096
	}
	m := &Model{spec: spec, cfg: cfg, opt: cfg.Optimizer.withDefaults(), params: params, outDim: out[0], dt: cfg.DType.tf()}
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

func (m *Model) checkData(d *Data, name string) error {
	if d == nil || d.N() == 0 {
		return fmt.Errorf("tfgraph: %s data is empty", name)
	}
	if prod(d.Shape) != prod(m.spec.Input) {
		return fmt.Errorf("tfgraph: %s data has examples of shape %v, model %q expects %v", name, d.Shape, m.spec.Name, m.spec.Input)
	}
	if len(d.X)%prod(d.Shape) != 0 {
		return fmt.Errorf("tfgraph: %s data: %d values is not a whole number of examples of shape %v", name, len(d.X), d.Shape)
	}
	n := d.N()
	switch m.spec.loss() {
	case CrossEntropy:
		if len(d.Labels) != n {
			return fmt.Errorf("tfgraph: %s data has %d examples but %d labels", name, n, len(d.Labels))
		}
		for i, l := range d.Labels {
			if l < 0 || int(l) >= m.outDim {
				return fmt.Errorf("tfgraph: %s data: label %d of example %d is outside [0, %d)", name, l, i, m.outDim)
			}
		}
	case MSE:
		if len(d.Targets) != n*m.outDim {
			return fmt.Errorf("tfgraph: %s data has %d examples but %d targets (want %d per example)", name, n, len(d.Targets), m.outDim)
		}
	}
	return nil
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

// scalar returns a constant of the model's float type.
func (m *Model) scalar(s *op.Scope, v float64) tf.Output {
	if m.dt == tf.Double {
		return op.Const(s.SubScope("Const"), v)
	}
	return op.Const(s.SubScope("Const"), float32(v))
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

// buildSplit puts the data of one split in variables and builds its evaluation subgraph
// on the indices placeholder.
func (m *Model) buildSplit(s *op.Scope, which Split, d *Data) *split {
	n, dim := d.N(), prod(m.spec.Input)
	sp := &split{n: n}
	xv := m.newSharedVar(s, "x", which.String()+"/x", []int{n, dim}, m.dt)
	sp.uploadX = op.Placeholder(s.SubScope("upload_x"), m.dt, op.PlaceholderShape(tf.MakeShape(int64(n), int64(dim))))
	sp.upload = append(sp.upload, op.AssignVariableOp(s.SubScope("upload_x"), xv.handle, sp.uploadX))
	var yv variable
	if m.spec.loss() == CrossEntropy {
		yv = m.newSharedVar(s, "y", which.String()+"/y", []int{n}, tf.Int32)
		sp.uploadY = op.Placeholder(s.SubScope("upload_y"), tf.Int32, op.PlaceholderShape(tf.MakeShape(int64(n))))
	} else {
		yv = m.newSharedVar(s, "y", which.String()+"/y", []int{n, m.outDim}, m.dt)
		sp.uploadY = op.Placeholder(s.SubScope("upload_y"), m.dt, op.PlaceholderShape(tf.MakeShape(int64(n), int64(m.outDim))))
	}
	sp.upload = append(sp.upload, op.AssignVariableOp(s.SubScope("upload_y"), yv.handle, sp.uploadY))

	sp.x = op.ResourceGather(s.SubScope("gather_x"), xv.handle, m.idx, m.dt)
	y := op.ResourceGather(s.SubScope("gather_y"), yv.handle, m.idx, yv.dtype)
	sp.logits = m.forward(s.SubScope("model"), sp.x, m.reads)
	perEx := m.perExampleLoss(s.SubScope("loss"), sp.logits, y)
	sp.sumLoss = op.Sum(s.SubScope("sum_loss"), perEx, op.Const(s.SubScope("Const"), int32(0)))
	if m.spec.loss() == CrossEntropy {
		sp.correct = op.Sum(s.SubScope("correct"), m.hits(s.SubScope("hits"), sp.logits, y), op.Const(s.SubScope("Const"), int32(0)))
	}
	return sp
}

// forward applies the layers to a batch x of shape [B, dim] with parameter tensors w.
func (m *Model) forward(s *op.Scope, x tf.Output, w []tf.Output) tf.Output {
	if len(m.spec.Input) > 1 {
		shape := append([]int32{-1}, toInt32(m.spec.Input)...)
		x = op.Reshape(s.SubScope("Reshape"), x, op.Const(s.SubScope("Const"), shape))
	}
	k := 0
	for i := 0; i < len(m.spec.Layers); i++ {
		l := m.spec.Layers[i]
		ls := s.SubScope(fmt.Sprintf("%s_%d", l.Kind(), i))
		switch l := l.(type) {
		case Dense:
			x = m.dense(ls, x, w[k], w[k+1], l.Activation)
			k += 2
		case Conv2D:
			if i+1 < len(m.spec.Layers) {
				if p, ok := m.spec.Layers[i+1].(MaxPool2D); ok {
					// A convolution followed by max-pooling is computed as
					// act(maxpool(conv(x)) + b): the bias is the same over a window and
					// every activation here is non-decreasing, so the outputs are those
					// of maxpool(act(conv(x) + b)) and so are the gradients (up to ties).
					// The bias, the activation and their gradients then touch a quarter
					// of the values (2x2 pooling), and the convolution's filter gradient
					// is not fused with the bias gradient, a fusion oneDNN runs slowly.
					st := int64(l.stride())
					x = op.Conv2D(ls.SubScope("Conv2D"), x, w[k], []int64{1, st, st, 1}, l.Padding.orDefault())
					x = m.maxPool(s.SubScope(fmt.Sprintf("%s_%d", p.Kind(), i+1)), x, p)
					x = m.activate(ls, m.addBias(ls, x, w[k+1]), l.Activation)
					k += 2
					i++
					continue
				}
			}
			x = m.conv2d(ls, x, w[k], w[k+1], l)
			k += 2
		case MaxPool2D:
			x = m.maxPool(ls, x, l)
		case Flatten:
			x = op.Reshape(ls.SubScope("Reshape"), x, op.Const(ls.SubScope("Const"), []int32{-1, int32(l.flatSize(m.spec, i))}))
		}
	}
	return x
}

func (m *Model) maxPool(s *op.Scope, x tf.Output, p MaxPool2D) tf.Output {
	return op.MaxPool(s.SubScope("MaxPool"), x, []int64{1, int64(p.Size), int64(p.Size), 1}, []int64{1, int64(p.stride()), int64(p.stride()), 1}, p.Padding.orDefault())
}

// flatSize returns the width of layer i's output, a Flatten, in spec.
func (Flatten) flatSize(spec Spec, i int) int {
	shape := spec.Input
	for _, l := range spec.Layers[:i] {
		shape, _ = l.outShape(shape)
	}
	return prod(shape)
}

// dense builds act(x·w + b) in its own sub-scope.
func (m *Model) dense(s *op.Scope, x, w, b tf.Output, act Activation) tf.Output {
	y := op.MatMul(s.SubScope("MatMul"), x, w)
	return m.activate(s, m.addBias(s, y, b), act)
}

// conv2d builds act(conv(x, w) + b) in its own sub-scope.
func (m *Model) conv2d(s *op.Scope, x, w, b tf.Output, c Conv2D) tf.Output {
	st := int64(c.stride())
	y := op.Conv2D(s.SubScope("Conv2D"), x, w, []int64{1, st, st, 1}, c.Padding.orDefault())
	return m.activate(s, m.addBias(s, y, b), c.Activation)
}

func (m *Model) addBias(s *op.Scope, y, b tf.Output) tf.Output {
	if m.cfg.SecondOrder {
		return op.AddV2(s.SubScope("AddV2"), y, b) // BiasAddGrad has no gradient of its own
	}
	return op.BiasAdd(s.SubScope("BiasAdd"), y, b)
}

// activate applies act. With SecondOrder it uses compositions whose gradients are
// differentiable again: the fused kernels' gradients (ReluGrad, TanhGrad, SigmoidGrad)
// have no gradient in TensorFlow's C++ registry.
func (m *Model) activate(s *op.Scope, x tf.Output, act Activation) tf.Output {
	switch act {
	case ReLU:
		if m.cfg.SecondOrder {
			// x·1[x>0]: the mask is piecewise constant, so its derivative is zero.
			mask := op.StopGradient(s.SubScope("StopGradient"), op.Cast(s.SubScope("Cast"), op.Greater(s.SubScope("Greater"), x, m.scalar(s, 0)), m.dt))
			return op.Mul(s.SubScope("Mul"), x, mask)
		}
		return op.Relu(s.SubScope("Relu"), x)
	case Tanh:
		if m.cfg.SecondOrder {
			// tanh(x) = 1 - 2/(exp(2x)+1)
			e := op.Exp(s.SubScope("Exp"), op.Mul(s.SubScope("Mul"), x, m.scalar(s, 2)))
			return op.Sub(s.SubScope("Sub"), m.scalar(s, 1), op.RealDiv(s.SubScope("RealDiv"), m.scalar(s, 2), op.AddV2(s.SubScope("AddV2"), e, m.scalar(s, 1))))
		}
		return op.Tanh(s.SubScope("Tanh"), x)
	case Sigmoid:
		if m.cfg.SecondOrder {
			e := op.Exp(s.SubScope("Exp"), op.Neg(s.SubScope("Neg"), x))
			return op.RealDiv(s.SubScope("RealDiv"), m.scalar(s, 1), op.AddV2(s.SubScope("AddV2"), e, m.scalar(s, 1)))
		}
		return op.Sigmoid(s.SubScope("Sigmoid"), x)
	}
	return x
}

// perExampleLoss returns the loss of each example of a batch: the softmax
// cross-entropy of the logits against integer labels, or the mean squared error over
// the outputs. Both are built from twice-differentiable primitives (LogSoftmax, Mul,
// Sum; Sub, Square, Mean).
func (m *Model) perExampleLoss(s *op.Scope, logits, y tf.Output) tf.Output {
	if m.spec.loss() == CrossEntropy {
		onehot := op.OneHot(s.SubScope("OneHot"), y, op.Const(s.SubScope("Const"), int32(m.outDim)), m.scalar(s, 1), m.scalar(s, 0))
		ll := op.Mul(s.SubScope("Mul"), onehot, op.LogSoftmax(s.SubScope("LogSoftmax"), logits))
		return op.Neg(s.SubScope("Neg"), op.Sum(s.SubScope("Sum"), ll, op.Const(s.SubScope("Const"), int32(1))))
	}
	return op.Mean(s.SubScope("Mean"), op.Square(s.SubScope("Square"), op.Sub(s.SubScope("Sub"), logits, y)), op.Const(s.SubScope("Const"), int32(1)))
}

// hits returns 1 for each example whose arg-max logit is its label, else 0.
func (m *Model) hits(s *op.Scope, logits, y tf.Output) tf.Output {
	pred := op.ArgMax(s.SubScope("ArgMax"), logits, op.Const(s.SubScope("Const"), int32(1)), op.ArgMaxOutputType(tf.Int32))
	return op.Cast(s.SubScope("Cast"), op.Equal(s.SubScope("Equal"), pred, y), m.dt)
}

// buildTrain builds the training step on the indices placeholder: the batch loss,
// accuracy and global gradient norm, and one op that applies the update.
func (m *Model) buildTrain(s *op.Scope) error {
	sp := m.splits[Train]
	// The step's forward pass shares the train split's gather and model subgraph.
	n := op.Cast(s.SubScope("Cast"), op.Size(s.SubScope("Size"), m.idx), m.dt)
	m.loss = op.RealDiv(s.SubScope("loss"), sp.sumLoss, n)
	if sp.correct != (tf.Output{}) {
		m.acc = op.RealDiv(s.SubScope("accuracy"), sp.correct, n)
	}
	grads := op.Gradients(s.SubScope("grad"), []tf.Output{m.loss}, m.reads)
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: gradients of %q: %w", m.spec.Name, err)
	}
	norms := make([]tf.Output, len(grads))
	for i, g := range grads {
		norms[i] = op.L2Loss(s.SubScope("norm"), g)
	}
	m.gnorm = op.Sqrt(s.SubScope("grad_norm"), op.Mul(s.SubScope("Mul"), op.AddN(s.SubScope("AddN"), norms), m.scalar(s, 2)))

	us := s.SubScope("update")
	step := op.ReadVariableOp(us.SubScope("ReadVariableOp"), m.stepVar.handle, m.dt)
	next := op.AddV2(us.SubScope("AddV2"), step, m.scalar(us, 1))
	var ops []*tf.Operation
	o := m.opt
	var b1p, b2p tf.Output
	if o.Kind == Adam {
		// The bias corrections β^t are shared by every variable's update.
		b1p = op.Pow(us.SubScope("beta1_power"), m.scalar(us, o.Beta1), next)
		b2p = op.Pow(us.SubScope("beta2_power"), m.scalar(us, o.Beta2), next)
	}
	for i, v := range m.paramVars {
		g := grads[i]
		vs := us.SubScope(v.name)
		switch o.Kind {
		case SGD:
			ops = append(ops, op.ResourceApplyGradientDescent(vs.SubScope("ResourceApplyGradientDescent"), v.handle, m.lr, g))
		case Momentum:
			acc := m.slot(v, "momentum")
			ops = append(ops, op.ResourceApplyMomentum(vs.SubScope("ResourceApplyMomentum"), v.handle, acc.handle, m.lr, g, m.scalar(vs, o.Momentum)))
		case Adam:
			mv, vv := m.slot(v, "m"), m.slot(v, "v")
			ops = append(ops, op.ResourceApplyAdam(vs.SubScope("ResourceApplyAdam"), v.handle, mv.handle, vv.handle, b1p, b2p, m.lr,
				m.scalar(vs, o.Beta1), m.scalar(vs, o.Beta2), m.scalar(vs, o.Epsilon), g))
		default:
			return fmt.Errorf("tfgraph: unknown optimizer %q", o.Kind)
		}
	}
	ops = append(ops, op.AssignVariableOp(us.SubScope("step"), m.stepVar.handle, next))
	m.trainOp = op.NoOp(s.SubScope("train").WithControlDependencies(ops...))

	zs := s.SubScope("zero_slots")
	var zeros []*tf.Operation
	for _, v := range append(append([]variable{}, m.slotVars...), m.stepVar) {
		zeros = append(zeros, op.AssignVariableOp(zs.SubScope("AssignVariableOp"), v.handle, op.Fill(zs.SubScope("Fill"), op.Const(zs.SubScope("Const"), toInt32(v.shape)), m.scalar(zs, 0))))
	}
	m.zeroSlotsOp = op.NoOp(zs.WithControlDependencies(zeros...))
	return nil
}

// slot creates an optimizer slot variable shaped like v.
func (m *Model) slot(v variable, name string) variable {
	sv := m.newVar(m.root.SubScope("slots"), v.name+"/"+name, v.shape, m.dt)
	m.slotVars = append(m.slotVars, sv)
	return sv
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
	for i, d := range []*Data{train, test} {
		sp := m.splits[i]
		if sp == nil {
			continue
		}
		x, err := m.floatTensor(d.X, []int64{int64(sp.n), int64(prod(m.spec.Input))})
		if err != nil {
			return err
		}
		var y *tf.Tensor
		if m.spec.loss() == CrossEntropy {
			y, err = tf.NewTensor(d.Labels)
		} else {
			y, err = m.floatTensor(d.Targets, []int64{int64(sp.n), int64(m.outDim)})
		}
		if err != nil {
			return fmt.Errorf("tfgraph: %w", err)
		}
		if _, err := m.sess.Run(map[tf.Output]*tf.Tensor{sp.uploadX: x, sp.uploadY: y}, nil, sp.upload); err != nil {
			return fmt.Errorf("tfgraph: uploading %s data: %w", Split(i), err)
		}
	}
	if _, err := m.sess.Run(nil, nil, []*tf.Operation{m.zeroSlotsOp}); err != nil {
		return fmt.Errorf("tfgraph: initialising optimizer state: %w", err)
	}
	return m.SetParams(InitialParams(m.spec, m.cfg.Init, m.cfg.Seed))
}

// floatTensor makes a tensor of the model's float type with the given shape.
func (m *Model) floatTensor(v []float32, shape []int64) (*tf.Tensor, error) {
	var t *tf.Tensor
	var err error
	if m.dt == tf.Double {
		d := make([]float64, len(v))
		for i, x := range v {
			d[i] = float64(x)
		}
		t, err = tf.NewTensor(d)
	} else {
		t, err = tf.NewTensor(v)
	}
	if err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	if err := t.Reshape(shape); err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	return t, nil
}

// vecTensor makes a 1-D tensor of the model's float type from float64 values.
func (m *Model) vecTensor(v []float64) (*tf.Tensor, error) {
	if m.dt == tf.Double {
		return tf.NewTensor(v)
	}
	f := make([]float32, len(v))
	for i, x := range v {
		f[i] = float32(x)
	}
	return tf.NewTensor(f)
}

// toFloat64 converts a fetched float tensor of any rank to a flat []float64.
func toFloat64(t *tf.Tensor) ([]float64, error) {
	switch v := t.Value().(type) {
	case []float64:
		return v, nil
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, nil
	case float64:
		return []float64{v}, nil
	case float32:
		return []float64{float64(v)}, nil
	case [][]float32:
		var out []float64
		for _, r := range v {
			for _, x := range r {
				out = append(out, float64(x))
			}
		}
		return out, nil
	case [][]float64:
		var out []float64
		for _, r := range v {
			out = append(out, r...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("tfgraph: unexpected tensor value %T", t.Value())
}

func scalarOf(t *tf.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// InitialParams draws the initial flat parameter vector of spec from seed: kernels
// uniform in ±sqrt(6/(fan_in+fan_out)) (Glorot) or ±sqrt(6/fan_in) (He), biases zero.
// The same seed gives the same vector bit for bit.
func InitialParams(spec Spec, init Init, seed uint64) []float64 {
	params, _, err := spec.Check()
	if err != nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x1a2b3c4d))
	var flat []float64
	for _, p := range params {
		vals := make([]float64, p.Size)
		if len(p.Shape) >= 2 {
			fanIn, fanOut := p.Shape[len(p.Shape)-2], p.Shape[len(p.Shape)-1]
			if len(p.Shape) == 4 {
				rf := p.Shape[0] * p.Shape[1]
				fanIn, fanOut = rf*p.Shape[2], rf*p.Shape[3]
			}
			act := activationOf(spec.Layers[p.Layer])
			kind := init
			if kind == Auto {
				kind = GlorotUniform
				if act == ReLU {
					kind = HeUniform
				}
			}
			limit := math.Sqrt(6 / float64(fanIn+fanOut))
			if kind == HeUniform {
				limit = math.Sqrt(6 / float64(fanIn))
			}
			for i := range vals {
				vals[i] = (2*rng.Float64() - 1) * limit
			}
		}
		flat = append(flat, vals...)
	}
	return flat
}

func activationOf(l Layer) Activation {
	switch l := l.(type) {
	case Dense:
		return l.Activation
	case Conv2D:
		return l.Activation
	}
	return Identity
}

func toInt32(xs []int) []int32 {
	out := make([]int32, len(xs))
	for i, x := range xs {
		out[i] = int32(x)
	}
	return out
}

// errClosed is returned by methods of a closed model.
var errClosed = errors.New("tfgraph: model is closed")
