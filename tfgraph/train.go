package tfgraph

import (
	"fmt"
	"math"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
	"gonum.org/v1/gonum/floats"
)

// buildTrain builds the training step on the indices placeholder: the batch loss,
// accuracy and global gradient norm, and one op that applies the update.
func (m *Model) buildTrain(s *op.Scope) error {
	sp := m.splits[Train]
	// The step's forward pass shares the train split's gather and model subgraph.
	st, err := m.trainStep(s, m.idx, sp.sumLoss, sp.correct, m.reads, nil)
	if err != nil {
		return err
	}
	m.loss, m.acc, m.gnorm = st.loss, st.acc, st.gnorm
	m.trainOp = op.NoOp(s.SubScope("train").WithControlDependencies(st.updates...))

	zs := s.SubScope("zero_slots")
	var zeros []*tf.Operation
	for _, v := range append(append([]variable{}, m.slotVars...), m.stepVar) {
		zeros = append(zeros, op.AssignVariableOp(zs.SubScope("AssignVariableOp"), v.handle, op.Fill(zs.SubScope("Fill"), op.Const(zs.SubScope("Const"), toInt32(v.shape)), m.scalar(zs, 0))))
	}
	m.zeroSlotsOp = op.NoOp(zs.WithControlDependencies(zeros...))
	return nil
}

// stepOps is one training step in the graph.
type stepOps struct {
	loss, acc, gnorm tf.Output // acc is the zero Output for regression
	updates          []*tf.Operation
}

// trainStep builds one training step in scope s from the summed loss and number of
// correct predictions of the batch at idx, computed on the parameter reads: the mean
// loss and accuracy, the global gradient norm and the update ops. The step counter is
// read after the ops deps.
func (m *Model) trainStep(s *op.Scope, idx, sumLoss, correct tf.Output, reads []tf.Output, deps []*tf.Operation) (stepOps, error) {
	var st stepOps
	n := op.Cast(s.SubScope("Cast"), op.Size(s.SubScope("Size"), idx), m.dt)
	st.loss = op.RealDiv(s.SubScope("loss"), sumLoss, n)
	if correct != (tf.Output{}) {
		st.acc = op.RealDiv(s.SubScope("accuracy"), correct, n)
	}
	grads := op.Gradients(s.SubScope("grad"), []tf.Output{st.loss}, reads)
	if err := s.Err(); err != nil {
		return st, fmt.Errorf("tfgraph: gradients of %q: %w", m.spec.Name, err)
	}
	norms := make([]tf.Output, len(grads))
	for i, g := range grads {
		norms[i] = op.L2Loss(s.SubScope("norm"), g)
	}
	st.gnorm = op.Sqrt(s.SubScope("grad_norm"), op.Mul(s.SubScope("Mul"), op.AddN(s.SubScope("AddN"), norms), m.scalar(s, 2)))

	us := s.SubScope("update")
	step := op.ReadVariableOp(us.SubScope("ReadVariableOp").WithControlDependencies(deps...), m.stepVar.handle, m.dt)
	next := op.AddV2(us.SubScope("AddV2"), step, m.scalar(us, 1))
	rule, err := m.opt.rule()
	if err != nil {
		return st, err
	}
	st.updates = rule.updates(us, updateInputs{builder: m.builder, lr: m.lr, next: next, vars: m.paramVars, grads: grads, slot: m.slot})
	st.updates = append(st.updates, op.AssignVariableOp(us.SubScope("step"), m.stepVar.handle, next))
	return st, s.Err()
}

// slot returns the optimizer slot variable called name of v, created shaped like v on
// first use.
func (m *Model) slot(v variable, name string) variable {
	for _, sv := range m.slotVars {
		if sv.name == v.name+"/"+name {
			return sv
		}
	}
	sv := m.newVar(m.root.SubScope("slots"), v.name+"/"+name, v.shape, m.dt)
	m.slotVars = append(m.slotVars, sv)
	return sv
}

// StepResult is what one training step measured on its batch, before the update.
type StepResult struct {
	Loss     float64
	Accuracy float64 // NaN for regression
	GradNorm float64 // global L2 norm of the gradient over all parameters
}

// SetLearningRate changes the step size of the following steps.
func (m *Model) SetLearningRate(lr float64) { m.lrValue = lr; m.lrTensor = nil }

// LearningRate returns the current step size.
func (m *Model) LearningRate() float64 { return m.lrValue }

// Step runs one training step on the training examples at idx: one session run that
// returns the loss, accuracy and gradient norm of the batch and applies the update. A
// NaN or infinite loss returns a *DivergenceError and leaves the parameters as they
// were before the step's update was applied only if the update itself is finite.
func (m *Model) Step(idx []int32) (StepResult, error) {
	if m.sess == nil {
		return StepResult{}, errClosed
	}
	it, err := tf.NewTensor(idx)
	if err != nil {
		return StepResult{}, fmt.Errorf("tfgraph: %w", err)
	}
	if m.lrTensor == nil {
		if m.lrTensor, err = m.scalarTensor(m.lrValue); err != nil {
			return StepResult{}, err
		}
	}
	fetches := []tf.Output{m.loss, m.gnorm}
	if m.acc != (tf.Output{}) {
		fetches = append(fetches, m.acc)
	}
	out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.idx: it, m.lr: m.lrTensor}, fetches, []*tf.Operation{m.trainOp})
	if err != nil {
		return StepResult{}, fmt.Errorf("tfgraph: step %d: %w", m.steps+1, err)
	}
	m.steps++
	r := StepResult{Loss: scalarOf(out[0]), GradNorm: scalarOf(out[1]), Accuracy: math.NaN()}
	if len(out) > 2 {
		r.Accuracy = scalarOf(out[2])
	}
	if math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) {
		return r, &DivergenceError{Step: m.steps, Loss: r.Loss}
	}
	return r, nil
}

// EpochResult summarises one pass over the training set.
type EpochResult struct {
	Loss, Accuracy float64 // means over the epoch's steps, weighted by batch size
	Steps          int
}

// TrainEpoch shuffles the training set with the model's seeded generator and runs one
// step per batch of size batch (the last batch may be smaller), several per session
// run for small models (StepMany). fn, when not nil, is called after every step; an
// error from fn stops the epoch and is returned.
func (m *Model) TrainEpoch(batch int, fn func(step int64, r StepResult) error) (EpochResult, error) {
	n := m.N(Train)
	if batch <= 0 || batch > n {
		batch = n
	}
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	m.shuffle.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	var batches [][]int32
	for lo := 0; lo < n; lo += batch {
		batches = append(batches, perm[lo:min(lo+batch, n)])
	}
	var res EpochResult
	var lossSum, accSum float64
	err := m.StepMany(batches, func(step int64, r StepResult) error {
		w := float64(len(batches[res.Steps]))
		lossSum += r.Loss * w
		accSum += r.Accuracy * w
		res.Steps++
		if fn != nil {
			return fn(step, r)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Loss, res.Accuracy = lossSum/float64(n), accSum/float64(n)
	return res, nil
}

// Evaluate returns the mean loss and accuracy (NaN for regression) of the current
// parameters over a whole split, computed in chunks of Config.EvalChunk examples.
func (m *Model) Evaluate(s Split) (loss, acc float64, err error) {
	if m.sess == nil {
		return 0, 0, errClosed
	}
	sp := m.splits[s]
	if sp == nil {
		return 0, 0, fmt.Errorf("tfgraph: model %q has no %s data", m.spec.Name, s)
	}
	fetches := []tf.Output{sp.sumLoss}
	if sp.correct != (tf.Output{}) {
		fetches = append(fetches, sp.correct)
	}
	sums, err := m.sumChunks(sp.n, m.cfg.EvalChunk, nil, fetches...)
	if err != nil {
		return 0, 0, fmt.Errorf("tfgraph: evaluating %s: %w", s, err)
	}
	acc = math.NaN()
	if len(fetches) > 1 {
		acc = sums[1][0] / float64(sp.n)
	}
	return sums[0][0] / float64(sp.n), acc, nil
}

// sumChunks runs fetches on the examples [0, n) of the split the fetches read, in
// chunks of at most size examples fed to the indices placeholder with feeds added, and
// returns the sum over the chunks of each fetch, element by element, as float64.
func (m *Model) sumChunks(n, size int, feeds map[tf.Output]*tf.Tensor, fetches ...tf.Output) ([][]float64, error) {
	if n <= 0 || size <= 0 {
		return nil, fmt.Errorf("no examples in chunks of %d", size)
	}
	run := map[tf.Output]*tf.Tensor{}
	for k, v := range feeds {
		run[k] = v
	}
	sums := make([][]float64, len(fetches))
	idx := make([]int32, min(size, n))
	for lo := 0; lo < n; lo += size {
		part := idx[:min(lo+size, n)-lo]
		for i := range part {
			part[i] = int32(lo + i)
		}
		t, err := tf.NewTensor(part)
		if err != nil {
			return nil, err
		}
		run[m.idx] = t
		out, err := m.sess.Run(run, fetches, nil)
		if err != nil {
			return nil, err
		}
		for j, o := range out {
			v, err := toFloat64(o)
			if err != nil {
				return nil, err
			}
			if sums[j] == nil {
				sums[j] = make([]float64, len(v))
			}
			if len(v) != len(sums[j]) {
				return nil, fmt.Errorf("fetch %d has %d values in one chunk and %d in another", j, len(v), len(sums[j]))
			}
			floats.Add(sums[j], v)
		}
	}
	return sums, nil
}

// GetParams returns all parameters as one flat vector in Params order.
func (m *Model) GetParams() ([]float64, error) {
	if m.sess == nil {
		return nil, errClosed
	}
	out, err := m.sess.Run(nil, []tf.Output{m.flat}, nil)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: reading parameters: %w", err)
	}
	return toFloat64(out[0])
}

// SetParams assigns all parameters from one flat vector in Params order.
func (m *Model) SetParams(flat []float64) error {
	if m.sess == nil {
		return errClosed
	}
	if len(flat) != m.nparam {
		return fmt.Errorf("tfgraph: SetParams: got %d values, model %q has %d parameters", len(flat), m.spec.Name, m.nparam)
	}
	t, err := m.vecTensor(flat)
	if err != nil {
		return fmt.Errorf("tfgraph: %w", err)
	}
	if _, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.setFlat: t}, nil, []*tf.Operation{m.setOp}); err != nil {
		return fmt.Errorf("tfgraph: writing parameters: %w", err)
	}
	return nil
}

// LayerParams returns the parameters of layer i (kernel then bias) as one flat vector.
func (m *Model) LayerParams(i int) ([]float64, error) {
	flat, err := m.GetParams()
	if err != nil {
		return nil, err
	}
	lo, hi := m.layerRange(i)
	if lo == hi {
		return nil, fmt.Errorf("tfgraph: layer %d of %q has no parameters", i, m.spec.Name)
	}
	return flat[lo:hi], nil
}

// layerRange returns the flat-vector range of layer i's parameters.
func (m *Model) layerRange(i int) (lo, hi int) {
	lo, hi = -1, -1
	for _, p := range m.params {
		if p.Layer == i {
			if lo < 0 {
				lo = p.Offset
			}
			hi = p.Offset + p.Size
		}
	}
	if lo < 0 {
		return 0, 0
	}
	return lo, hi
}

// Predict returns the model's outputs (logits or predictions), row-major, for inputs x
// holding whole examples.
func (m *Model) Predict(x []float32) ([]float64, error) {
	if m.sess == nil {
		return nil, errClosed
	}
	dim := prod(m.spec.Input)
	if len(x)%dim != 0 {
		return nil, fmt.Errorf("tfgraph: Predict: %d values is not a whole number of examples of width %d", len(x), dim)
	}
	t, err := m.floatTensor(x, []int64{int64(len(x) / dim), int64(dim)})
	if err != nil {
		return nil, err
	}
	out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.predictIn: t}, []tf.Output{m.predictOut}, nil)
	if err != nil {
		return nil, fmt.Errorf("tfgraph: predict: %w", err)
	}
	return toFloat64(out[0])
}
