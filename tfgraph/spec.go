package tfgraph

import (
	"fmt"
	"strings"
)

// Activation names a layer's nonlinearity.
type Activation string

// The activations a layer can apply. The empty Activation means Identity.
const (
	Identity Activation = "identity"
	ReLU     Activation = "relu"
	Tanh     Activation = "tanh"
	Sigmoid  Activation = "sigmoid"
)

func (a Activation) valid() bool {
	switch a {
	case "", Identity, ReLU, Tanh, Sigmoid:
		return true
	}
	return false
}

// Padding is a convolution or pooling padding mode, "SAME" or "VALID"; empty means VALID.
type Padding string

// The padding modes.
const (
	Same  Padding = "SAME"
	Valid Padding = "VALID"
)

func (p Padding) orDefault() string {
	if p == "" {
		return string(Valid)
	}
	return strings.ToUpper(string(p))
}

// Loss names a training objective.
type Loss string

// The losses. MSE is the mean over all outputs of the squared error; CrossEntropy is the
// mean over examples of the softmax cross-entropy of the logits against integer labels.
const (
	MSE          Loss = "mse"
	CrossEntropy Loss = "cross-entropy"
)

// Spec is a declarative model: a per-example input shape, a list of layers and a loss.
type Spec struct {
	// Name identifies the model in records and logs.
	Name string
	// Input is the shape of one example: [1] for a scalar, [28 28 1] for an image.
	Input []int
	// Layers are applied in order; the last one produces the logits or predictions.
	Layers []Layer
	// Loss is the objective; empty means CrossEntropy.
	Loss Loss
}

// Param describes one parameter tensor of a model: its layer, name, shape and its
// offset in the flat parameter vector.
type Param struct {
	Layer  int
	Name   string // "dense_2/kernel"
	Shape  []int
	Offset int
	Size   int
}

func (s Spec) loss() Loss {
	if s.Loss == "" {
		return CrossEntropy
	}
	return s.Loss
}

// Check validates the spec and returns its parameters in flat-vector order and the
// output shape of the last layer. Shape errors are reported here, before any graph is
// built.
func (s Spec) Check() ([]Param, []int, error) {
	if len(s.Input) == 0 || prod(s.Input) <= 0 {
		return nil, nil, fmt.Errorf("tfgraph: spec %q: input shape %v is empty", s.Name, s.Input)
	}
	if len(s.Layers) == 0 {
		return nil, nil, fmt.Errorf("tfgraph: spec %q has no layers", s.Name)
	}
	switch s.loss() {
	case MSE, CrossEntropy:
	default:
		return nil, nil, fmt.Errorf("tfgraph: spec %q: unknown loss %q", s.Name, s.Loss)
	}
	var params []Param
	shape, off := s.Input, 0
	for i, l := range s.Layers {
		out, err := l.outShape(shape)
		if err != nil {
			return nil, nil, fmt.Errorf("tfgraph: spec %q: layer %d (%s): %w", s.Name, i, l.Kind(), err)
		}
		for _, ps := range l.paramShapes(shape) {
			n := prod(ps.Shape)
			params = append(params, Param{Layer: i, Name: fmt.Sprintf("%s_%d/%s", l.Kind(), i, ps.Name), Shape: ps.Shape, Offset: off, Size: n})
			off += n
		}
		shape = out
	}
	if len(shape) != 1 {
		return nil, nil, fmt.Errorf("tfgraph: spec %q: the last layer must be flat, got shape %v", s.Name, shape)
	}
	return params, shape, nil
}

// NumParams returns the total number of parameters, or an error for an invalid spec.
func (s Spec) NumParams() (int, error) {
	ps, _, err := s.Check()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range ps {
		n += p.Size
	}
	return n, nil
}

// LayerParams returns the number of parameters of each layer, or an error.
func (s Spec) LayerParams() ([]int, error) {
	ps, _, err := s.Check()
	if err != nil {
		return nil, err
	}
	counts := make([]int, len(s.Layers))
	for _, p := range ps {
		counts[p.Layer] += p.Size
	}
	return counts, nil
}

// MLP returns the spec of a fully connected network with the given hidden widths, all
// with activation act, and a linear output layer of out units.
func MLP(name string, in int, hidden []int, out int, act Activation, loss Loss) Spec {
	s := Spec{Name: name, Input: []int{in}, Loss: loss}
	for _, h := range hidden {
		s.Layers = append(s.Layers, Dense{Units: h, Activation: act})
	}
	s.Layers = append(s.Layers, Dense{Units: out})
	return s
}

func prod(xs []int) int {
	p := 1
	for _, x := range xs {
		p *= x
	}
	return p
}
