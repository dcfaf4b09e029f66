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

// Layer is one layer of a model spec. The implementations are Dense, Conv2D, MaxPool2D
// and Flatten.
type Layer interface {
	// Kind is the layer's short name, used to name its scope and parameters.
	Kind() string
	// outShape returns the per-example output shape for a per-example input shape.
	outShape(in []int) ([]int, error)
	// paramShapes returns the shapes of the layer's parameters for an input shape.
	paramShapes(in []int) []ParamShape
}

// ParamShape names one parameter tensor of a layer.
type ParamShape struct {
	Name  string // "kernel" or "bias"
	Shape []int
}

// Dense is a fully connected layer: act(x·W + b). The input must be flat.
type Dense struct {
	Units      int
	Activation Activation
}

// Kind returns "dense".
func (Dense) Kind() string { return "dense" }

func (d Dense) outShape(in []int) ([]int, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("dense needs a flat input, got shape %v (add a Flatten)", in)
	}
	if d.Units <= 0 {
		return nil, fmt.Errorf("dense needs Units > 0, got %d", d.Units)
	}
	if !d.Activation.valid() {
		return nil, fmt.Errorf("unknown activation %q", d.Activation)
	}
	return []int{d.Units}, nil
}

func (d Dense) paramShapes(in []int) []ParamShape {
	return []ParamShape{{"kernel", []int{in[0], d.Units}}, {"bias", []int{d.Units}}}
}

// Conv2D is a 2-D convolution over NHWC input: act(conv(x, K) + b). Stride 0 means 1.
type Conv2D struct {
	Filters, Kernel, Stride int
	Padding                 Padding
	Activation              Activation
}

// Kind returns "conv2d".
func (Conv2D) Kind() string { return "conv2d" }

func (c Conv2D) stride() int { return max(c.Stride, 1) }

func (c Conv2D) outShape(in []int) ([]int, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("conv2d needs an input of shape [height width channels], got %v", in)
	}
	if c.Filters <= 0 || c.Kernel <= 0 {
		return nil, fmt.Errorf("conv2d needs Filters and Kernel > 0, got %d and %d", c.Filters, c.Kernel)
	}
	if !c.Activation.valid() {
		return nil, fmt.Errorf("unknown activation %q", c.Activation)
	}
	h, w, err := window(in[0], in[1], c.Kernel, c.stride(), c.Padding)
	if err != nil {
		return nil, fmt.Errorf("conv2d: %w", err)
	}
	return []int{h, w, c.Filters}, nil
}

func (c Conv2D) paramShapes(in []int) []ParamShape {
	return []ParamShape{{"kernel", []int{c.Kernel, c.Kernel, in[2], c.Filters}}, {"bias", []int{c.Filters}}}
}

// MaxPool2D is max pooling over NHWC input. Stride 0 means Size.
type MaxPool2D struct {
	Size, Stride int
	Padding      Padding
}

// Kind returns "maxpool".
func (MaxPool2D) Kind() string { return "maxpool" }

func (p MaxPool2D) stride() int {
	if p.Stride <= 0 {
		return p.Size
	}
	return p.Stride
}

func (p MaxPool2D) outShape(in []int) ([]int, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("maxpool needs an input of shape [height width channels], got %v", in)
	}
	if p.Size <= 0 {
		return nil, fmt.Errorf("maxpool needs Size > 0, got %d", p.Size)
	}
	h, w, err := window(in[0], in[1], p.Size, p.stride(), p.Padding)
	if err != nil {
		return nil, fmt.Errorf("maxpool: %w", err)
	}
	return []int{h, w, in[2]}, nil
}

func (MaxPool2D) paramShapes([]int) []ParamShape { return nil }

// Flatten reshapes each example to a vector.
type Flatten struct{}

// Kind returns "flatten".
func (Flatten) Kind() string { return "flatten" }

func (Flatten) outShape(in []int) ([]int, error) { return []int{prod(in)}, nil }

func (Flatten) paramShapes([]int) []ParamShape { return nil }

// window returns the spatial output size of a sliding window, as TensorFlow computes it.
func window(h, w, k, s int, p Padding) (int, int, error) {
	switch p.orDefault() {
	case "SAME":
		return (h + s - 1) / s, (w + s - 1) / s, nil
	case "VALID":
		if h < k || w < k {
			return 0, 0, fmt.Errorf("window %d does not fit input %dx%d with VALID padding", k, h, w)
		}
		return (h-k)/s + 1, (w-k)/s + 1, nil
	}
	return 0, 0, fmt.Errorf("unknown padding %q", p)
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
