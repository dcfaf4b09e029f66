package tfgraph

import (
	"fmt"

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

// split is one data split resident in the graph with its evaluation subgraph.
type split struct {
	n                int
	x                tf.Output // gathered inputs [B, dim] (the Jacobian differentiates wrt it)
	y                tf.Output // gathered labels or targets
	logits           tf.Output
	sumLoss          tf.Output // sum over the chunk of the per-example loss
	correct          tf.Output // number of correct predictions in the chunk (classification)
	uploadX, uploadY tf.Output
	upload           []*tf.Operation
}

// checkData checks that d fits the model's input and output shapes.
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
	sp.y = y
	sp.logits = m.forward(s.SubScope("model"), sp.x, m.reads)
	perEx := m.perExampleLoss(s.SubScope("loss"), sp.logits, y)
	sp.sumLoss = op.Sum(s.SubScope("sum_loss"), perEx, op.Const(s.SubScope("Const"), int32(0)))
	if m.spec.loss() == CrossEntropy {
		sp.correct = op.Sum(s.SubScope("correct"), m.hits(s.SubScope("hits"), sp.logits, y), op.Const(s.SubScope("Const"), int32(0)))
	}
	return sp
}

// upload assigns the data of the splits to their variables in the graph.
func (m *Model) upload(train, test *Data) error {
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
	return nil
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
