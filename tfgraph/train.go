package tfgraph

import (
	"fmt"
	"math"

	tf "github.com/wamuir/graft/tensorflow"
)

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

func (m *Model) scalarTensor(v float64) (*tf.Tensor, error) {
	var t *tf.Tensor
	var err error
	if m.dt == tf.Double {
		t, err = tf.NewTensor(v)
	} else {
		t, err = tf.NewTensor(float32(v))
	}
	if err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	return t, nil
}

// EpochResult summarises one pass over the training set.
type EpochResult struct {
	Loss, Accuracy float64 // means over the epoch's steps, weighted by batch size
	Steps          int
}

// TrainEpoch shuffles the training set with the model's seeded generator and runs one
// step per batch of size batch (the last batch may be smaller). fn, when not nil, is
// called after every step; an error from fn stops the epoch and is returned.
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
	var res EpochResult
	var lossSum, accSum float64
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		r, err := m.Step(perm[lo:hi])
		if err != nil {
			return res, err
		}
		w := float64(hi - lo)
		lossSum += r.Loss * w
		accSum += r.Accuracy * w
		res.Steps++
		if fn != nil {
			if err := fn(m.steps, r); err != nil {
				return res, err
			}
		}
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
	var sumLoss, correct float64
	err = m.chunks(sp.n, m.cfg.EvalChunk, func(idx *tf.Tensor) error {
		out, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.idx: idx}, fetches, nil)
		if err != nil {
			return err
		}
		sumLoss += scalarOf(out[0])
		if len(out) > 1 {
			correct += scalarOf(out[1])
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("tfgraph: evaluating %s: %w", s, err)
	}
	acc = math.NaN()
	if len(fetches) > 1 {
		acc = correct / float64(sp.n)
	}
	return sumLoss / float64(sp.n), acc, nil
}

// chunks calls fn with index tensors covering [0, n) in pieces of at most size.
func (m *Model) chunks(n, size int, fn func(idx *tf.Tensor) error) error {
	idx := make([]int32, min(size, n))
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		part := idx[:hi-lo]
		for i := range part {
			part[i] = int32(lo + i)
		}
		t, err := tf.NewTensor(part)
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
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
