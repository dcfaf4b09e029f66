package tfgraph

import (
	"fmt"
	"math"

	tf "github.com/wamuir/graft/tensorflow"
)

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

// scalarOf returns the value of a fetched float scalar, or NaN for any other tensor.
func scalarOf(t *tf.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// toInt32 converts shape dimensions to int32 for constants.
func toInt32(xs []int) []int32 {
	out := make([]int32, len(xs))
	for i, x := range xs {
		out[i] = int32(x)
	}
	return out
}

// scalarTensor makes a scalar tensor of the model's float type.
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
