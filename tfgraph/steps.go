package tfgraph

import (
	"fmt"
	"math"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// multiStep is K training steps unrolled in the graph, each on its own row of the
// indices placeholder and reading the parameters after the previous step's update,
// so that one session run takes K steps with the results of K single ones.
type multiStep struct {
	k                int
	idx              tf.Output // placeholder [K, B]: the batches, one per row
	loss, acc, gnorm tf.Output // [K] each; acc is the zero Output for regression
	train            *tf.Operation
}

// smallModelSteps is the automatic number of steps per session run of models under
// smallModel parameters. On the 1-1 DNN (568 parameters, batch 64), 4 and 8 steps per
// run were the fastest of 1, 2, 4, 8, 16 and 32 (BenchmarkTinyStepsAB): longer
// unrolled graphs run each step more slowly in TensorFlow's executor.
const smallModelSteps = 4

// stepsPerRun returns the number of training steps one session run takes:
// Config.StepsPerRun, or for 0, smallModelSteps for models under smallModel
// parameters, whose steps cost little beyond the session run, and 1 otherwise.
func (m *Model) stepsPerRun() int {
	if m.cfg.StepsPerRun > 0 {
		return m.cfg.StepsPerRun
	}
	if m.nparam >= smallModel {
		return 1
	}
	return smallModelSteps
}

// buildMultiStep adds k unrolled training steps.
func (m *Model) buildMultiStep(k int) error {
	if m.lazy.multi != nil && m.lazy.multi.k == k {
		return nil
	}
	s := m.root.SubScope(fmt.Sprintf("steps_%d", k))
	sp := m.splits[Train]
	ms := &multiStep{k: k}
	ms.idx = op.Placeholder(s.SubScope("idx"), tf.Int32, op.PlaceholderShape(tf.MakeShape(int64(k), -1)))
	var deps []*tf.Operation
	losses, accs, gnorms := make([]tf.Output, k), make([]tf.Output, k), make([]tf.Output, k)
	for j := 0; j < k; j++ {
		ss := s.SubScope(fmt.Sprintf("step_%d", j))
		idx := op.Gather(ss.SubScope("idx"), ms.idx, op.Const(ss.SubScope("Const"), int32(j)))
		reads := make([]tf.Output, len(m.paramVars))
		for i, v := range m.paramVars {
			reads[i] = op.ReadVariableOp(ss.SubScope("read").WithControlDependencies(deps...), v.handle, m.dt)
		}
		x := op.ResourceGather(ss.SubScope("gather_x"), sp.xVar.handle, idx, m.dt)
		y := op.ResourceGather(ss.SubScope("gather_y"), sp.yVar.handle, idx, sp.yVar.dtype)
		logits := m.forward(ss.SubScope("model"), x, reads)
		sumLoss := op.Sum(ss.SubScope("sum_loss"), m.perExampleLoss(ss.SubScope("loss"), logits, y), op.Const(ss.SubScope("Const"), int32(0)))
		var correct tf.Output
		if m.spec.loss() == CrossEntropy {
			correct = op.Sum(ss.SubScope("correct"), m.hits(ss.SubScope("hits"), logits, y), op.Const(ss.SubScope("Const"), int32(0)))
		}
		st, err := m.trainStep(ss, idx, sumLoss, correct, reads, deps)
		if err != nil {
			return err
		}
		losses[j], accs[j], gnorms[j] = st.loss, st.acc, st.gnorm
		deps = st.updates
	}
	ms.loss = op.Pack(s.SubScope("loss"), losses)
	ms.gnorm = op.Pack(s.SubScope("grad_norm"), gnorms)
	if m.spec.loss() == CrossEntropy {
		ms.acc = op.Pack(s.SubScope("accuracy"), accs)
	}
	ms.train = op.NoOp(s.SubScope("train").WithControlDependencies(deps...))
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: %d steps per run of %q: %w", k, m.spec.Name, err)
	}
	m.lazy.multi = ms
	return nil
}

// StepMany runs one training step per batch of batches, in order, with the same
// results as that many calls of Step: when Config.StepsPerRun (or its automatic
// choice) is K > 1, each run of K consecutive batches of equal size is one session
// run. fn, when not nil, is called after every step with the step's number and
// result, in order; within a session run of K steps, the parameters are then those
// after the run's last step. An error from fn stops the batches and is returned.
// A NaN or infinite loss returns a *DivergenceError for the first such step, and
// Steps then counts the steps up to it; the parameters are those after the session
// run's last step, which followed the divergence.
func (m *Model) StepMany(batches [][]int32, fn func(step int64, r StepResult) error) error {
	if m.sess == nil {
		return errClosed
	}
	k := m.stepsPerRun()
	for i := 0; i < len(batches); {
		if k > 1 && i+k <= len(batches) && sameSizes(batches[i:i+k]) {
			rs, err := m.runMulti(batches[i : i+k])
			if err != nil {
				return err
			}
			first := m.steps - int64(k)
			for j, r := range rs {
				if math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) {
					// Training ends here: the model counts the steps up to the
					// divergence, as one step per run would.
					m.steps = first + int64(j) + 1
					return &DivergenceError{Step: m.steps, Loss: r.Loss}
				}
				if fn != nil {
					if err := fn(first+int64(j)+1, r); err != nil {
						return err
					}
				}
			}
			i += k
			continue
		}
		r, err := m.Step(batches[i])
		if err != nil {
			return err
		}
		if fn != nil {
			if err := fn(m.steps, r); err != nil {
				return err
			}
		}
		i++
	}
	return nil
}

// sameSizes reports whether all batches have the size of the first.
func sameSizes(batches [][]int32) bool {
	for _, b := range batches[1:] {
		if len(b) != len(batches[0]) {
			return false
		}
	}
	return true
}

// runMulti takes len(batches) steps, all batches of one size, in one session run.
func (m *Model) runMulti(batches [][]int32) ([]StepResult, error) {
	k := len(batches)
	if err := m.buildMultiStep(k); err != nil {
		return nil, err
	}
	ms := m.lazy.multi
	b := len(batches[0])
	flat := make([]int32, 0, k*b)
	for _, bt := range batches {
		flat = append(flat, bt...)
	}
	it, err := tf.NewTensor(flat)
	if err == nil {
		err = it.Reshape([]int64{int64(k), int64(b)})
	}
	if err == nil && m.lrTensor == nil {
		m.lrTensor, err = m.scalarTensor(m.lrValue)
	}
	if err != nil {
		return nil, fmt.Errorf("tfgraph: %w", err)
	}
	fetches := []tf.Output{ms.loss, ms.gnorm}
	if ms.acc != (tf.Output{}) {
		fetches = append(fetches, ms.acc)
	}
	out, err := m.sess.Run(map[tf.Output]*tf.Tensor{ms.idx: it, m.lr: m.lrTensor}, fetches, []*tf.Operation{ms.train})
	if err != nil {
		return nil, fmt.Errorf("tfgraph: steps %d to %d: %w", m.steps+1, m.steps+int64(k), err)
	}
	m.steps += int64(k)
	vals := make([][]float64, len(out))
	for i, o := range out {
		if vals[i], err = toFloat64(o); err != nil {
			return nil, fmt.Errorf("tfgraph: %w", err)
		}
	}
	rs := make([]StepResult, k)
	for j := range rs {
		rs[j] = StepResult{Loss: vals[0][j], GradNorm: vals[1][j], Accuracy: math.NaN()}
		if len(vals) > 2 {
			rs[j].Accuracy = vals[2][j]
		}
	}
	return rs, nil
}
