package tfgraph

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"codeberg.org/sbinet/npyio"
	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
	"gonum.org/v1/gonum/mat"
)

// checkpointOps saves and restores every variable except the data.
type checkpointOps struct {
	prefix  tf.Output
	save    *tf.Operation
	restore *tf.Operation
}

// stateVars returns the variables a checkpoint holds: parameters, optimizer slots and
// the step counter.
func (m *Model) stateVars() []variable {
	vs := append([]variable{}, m.paramVars...)
	vs = append(vs, m.slotVars...)
	return append(vs, m.stepVar)
}

func (m *Model) buildCheckpoint() error {
	if m.lazy.save != nil {
		return nil
	}
	s := m.root.SubScope("checkpoint")
	vars := m.stateVars()
	names := make([]string, len(vars))
	slices := make([]string, len(vars))
	tensors := make([]tf.Output, len(vars))
	dtypes := make([]tf.DataType, len(vars))
	for i, v := range vars {
		names[i] = v.name
		tensors[i] = op.ReadVariableOp(s.SubScope("ReadVariableOp"), v.handle, v.dtype)
		dtypes[i] = v.dtype
	}
	c := &checkpointOps{prefix: op.Placeholder(s.SubScope("prefix"), tf.String, op.PlaceholderShape(tf.ScalarShape()))}
	nameT, sliceT := op.Const(s.SubScope("Const"), names), op.Const(s.SubScope("Const"), slices)
	c.save = op.SaveV2(s.SubScope("SaveV2"), c.prefix, nameT, sliceT, tensors)
	restored := op.RestoreV2(s.SubScope("RestoreV2"), c.prefix, nameT, sliceT, dtypes)
	var assigns []*tf.Operation
	for i, v := range vars {
		assigns = append(assigns, op.AssignVariableOp(s.SubScope("AssignVariableOp"), v.handle, restored[i]))
	}
	c.restore = op.NoOp(s.SubScope("restore").WithControlDependencies(assigns...))
	if err := s.Err(); err != nil {
		return fmt.Errorf("tfgraph: checkpoint ops: %w", err)
	}
	m.lazy.save = c
	return nil
}

// Save writes the parameters, optimizer state, step counter and shuffling state to a
// TensorFlow checkpoint with the given path prefix (prefix.index, prefix.data-*, which
// Python TensorFlow's tf.train.load_checkpoint reads) plus prefix.rng. The files are
// written under temporary names and renamed, so a crash leaves the old checkpoint.
func (m *Model) Save(prefix string) error {
	if m.sess == nil {
		return errClosed
	}
	if err := m.buildCheckpoint(); err != nil {
		return err
	}
	tmp := prefix + ".tmp"
	pt, err := tf.NewTensor(tmp)
	if err != nil {
		return fmt.Errorf("tfgraph: %w", err)
	}
	if _, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.lazy.save.prefix: pt}, nil, []*tf.Operation{m.lazy.save.save}); err != nil {
		return fmt.Errorf("tfgraph: saving checkpoint %s: %w", prefix, err)
	}
	state, err := m.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("tfgraph: %w", err)
	}
	state = binary.LittleEndian.AppendUint64(state, uint64(m.steps))
	if err := os.WriteFile(tmp+".rng", state, 0o644); err != nil {
		return fmt.Errorf("tfgraph: saving checkpoint %s: %w", prefix, err)
	}
	files, _ := filepath.Glob(tmp + ".*")
	// Rename data files first and the index last: the index is what marks a
	// checkpoint as present.
	var index string
	for _, f := range files {
		if strings.HasSuffix(f, ".index") {
			index = f
			continue
		}
		if err := os.Rename(f, prefix+strings.TrimPrefix(f, tmp)); err != nil {
			return fmt.Errorf("tfgraph: saving checkpoint %s: %w", prefix, err)
		}
	}
	if index == "" {
		return fmt.Errorf("tfgraph: saving checkpoint %s: TensorFlow wrote no index file", prefix)
	}
	if err := os.Rename(index, prefix+".index"); err != nil {
		return fmt.Errorf("tfgraph: saving checkpoint %s: %w", prefix, err)
	}
	return nil
}

// Restore reads a checkpoint written by Save into the model. A missing or corrupt
// checkpoint is an error naming its files; the model is then unchanged or, if
// TensorFlow failed midway, must not be trusted.
func (m *Model) Restore(prefix string) error {
	if m.sess == nil {
		return errClosed
	}
	if _, err := os.Stat(prefix + ".index"); err != nil {
		return fmt.Errorf("tfgraph: restoring checkpoint: %w", err)
	}
	state, err := os.ReadFile(prefix + ".rng")
	if err != nil {
		return fmt.Errorf("tfgraph: restoring checkpoint: %w", err)
	}
	if len(state) < 8 {
		return fmt.Errorf("tfgraph: restoring checkpoint: %s.rng is truncated", prefix)
	}
	if err := m.buildCheckpoint(); err != nil {
		return err
	}
	pt, err := tf.NewTensor(prefix)
	if err != nil {
		return fmt.Errorf("tfgraph: %w", err)
	}
	if _, err := m.sess.Run(map[tf.Output]*tf.Tensor{m.lazy.save.prefix: pt}, nil, []*tf.Operation{m.lazy.save.restore}); err != nil {
		return fmt.Errorf("tfgraph: restoring checkpoint %s: %s", prefix, firstLine(err.Error()))
	}
	// Resource variables take a value of any shape: a checkpoint of another model
	// restores without complaint unless the shapes are checked.
	if flat, err := m.GetParams(); err != nil || len(flat) != m.nparam {
		return fmt.Errorf("tfgraph: restoring checkpoint %s: it holds parameters of another shape than the model's %d", prefix, m.nparam)
	}
	if err := m.pcg.UnmarshalBinary(state[:len(state)-8]); err != nil {
		return fmt.Errorf("tfgraph: restoring checkpoint %s.rng: %w", prefix, err)
	}
	m.steps = int64(binary.LittleEndian.Uint64(state[len(state)-8:]))
	return nil
}

// ExportNPY writes each parameter tensor to dir as a float64 NumPy .npy file named after
// the parameter ("dense_0-kernel.npy"). Biases are 1-D; kernels are 2-D with the last
// axis as columns (a convolution kernel [k k in out] is written as [k*k*in out], so
// numpy's reshape(k, k, in, out) restores it).
func (m *Model) ExportNPY(dir string) error {
	flat, err := m.GetParams()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("tfgraph: %w", err)
	}
	for _, p := range m.params {
		vals := flat[p.Offset : p.Offset+p.Size]
		name := filepath.Join(dir, strings.ReplaceAll(p.Name, "/", "-")+".npy")
		f, err := os.Create(name)
		if err != nil {
			return fmt.Errorf("tfgraph: %w", err)
		}
		var werr error
		if len(p.Shape) < 2 {
			werr = npyio.Write(f, vals)
		} else {
			cols := p.Shape[len(p.Shape)-1]
			werr = npyio.Write(f, mat.NewDense(p.Size/cols, cols, vals))
		}
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("tfgraph: writing %s: %w", name, werr)
		}
	}
	return nil
}

// ImportNPY reads the .npy files that ExportNPY wrote to dir and returns them as one
// flat vector in GetParams' order, checking every tensor's size; it does not set them.
func (m *Model) ImportNPY(dir string) ([]float64, error) {
	flat := make([]float64, m.NumParams())
	for _, p := range m.params {
		name := filepath.Join(dir, strings.ReplaceAll(p.Name, "/", "-")+".npy")
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("tfgraph: %w", err)
		}
		var vals []float64
		err = npyio.Read(f, &vals)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("tfgraph: reading %s: %w", name, err)
		}
		if len(vals) != p.Size {
			return nil, fmt.Errorf("tfgraph: %s holds %d values, want %d", name, len(vals), p.Size)
		}
		copy(flat[p.Offset:p.Offset+p.Size], vals)
	}
	return flat, nil
}

// firstLine returns the first non-empty line of a TensorFlow error message; the
// following lines name graph nodes.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return s
}
