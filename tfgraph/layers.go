package tfgraph

import (
	"fmt"
	"math"
	"math/rand/v2"

	tf "github.com/wamuir/graft/tensorflow"
	"github.com/wamuir/graft/tensorflow/op"
)

// Layer is one layer of a model spec. The implementations are Dense, Conv2D, MaxPool2D
// and Flatten; each checks its shapes, builds its own ops and draws its own initial
// parameters, so that nothing outside this file depends on the kind of a layer.
type Layer interface {
	// Kind is the layer's short name, used to name its scope and parameters.
	Kind() string
	// outShape returns the per-example output shape for a per-example input shape.
	outShape(in []int) ([]int, error)
	// paramShapes returns the shapes of the layer's parameters for an input shape.
	paramShapes(in []int) []ParamShape
	// build applies layer i of a spec to a batch x of per-example shape in, with the
	// layer's parameter tensors w (kernel then bias), in a sub-scope of s that it opens
	// (layerScope).
	build(b builder, s *op.Scope, i int, x tf.Output, in []int, w []tf.Output) tf.Output
	// fusion returns how the layer and the layer next after it are built as one, or
	// nil when they are built one after the other.
	fusion(next Layer) fused
	// twiceDifferentiable reports whether the layer has a form whose gradient can be
	// differentiated again (Config.SecondOrder).
	twiceDifferentiable() bool
	// initial appends to flat the layer's initial parameters, whose shapes are ps,
	// drawing kernels from rng with the initialiser init.
	initial(flat []float64, rng *rand.Rand, init Init, ps []ParamShape) []float64
}

// fused builds layer i together with layer i+1, each in its own sub-scope of s; w are
// layer i's parameters.
type fused func(b builder, s *op.Scope, i int, x tf.Output, w []tf.Output) tf.Output

// layerScope opens the sub-scope of layer l, the i-th of its spec, named like its
// parameters ("conv2d_0").
func layerScope(s *op.Scope, l Layer, i int) *op.Scope {
	return s.SubScope(fmt.Sprintf("%s_%d", l.Kind(), i))
}

// ParamShape names one parameter tensor of a layer.
type ParamShape struct {
	Name  string // "kernel" or "bias"
	Shape []int
}

// builder holds what the layers need to build their ops: the float type and whether
// every op must be twice differentiable.
type builder struct {
	dt          tf.DataType
	secondOrder bool
}

// scalar returns a constant of the model's float type.
func (b builder) scalar(s *op.Scope, v float64) tf.Output {
	if b.dt == tf.Double {
		return op.Const(s.SubScope("Const"), v)
	}
	return op.Const(s.SubScope("Const"), float32(v))
}

// addBias adds the bias b to the last dimension of y.
func (b builder) addBias(s *op.Scope, y, bias tf.Output) tf.Output {
	if b.secondOrder {
		return op.AddV2(s.SubScope("AddV2"), y, bias) // BiasAddGrad has no gradient of its own
	}
	return op.BiasAdd(s.SubScope("BiasAdd"), y, bias)
}

// activate applies act. With SecondOrder it uses compositions whose gradients are
// differentiable again: the fused kernels' gradients (ReluGrad, TanhGrad, SigmoidGrad)
// have no gradient in TensorFlow's C++ registry.
func (b builder) activate(s *op.Scope, x tf.Output, act Activation) tf.Output {
	switch act {
	case ReLU:
		if b.secondOrder {
			// x·1[x>0]: the mask is piecewise constant, so its derivative is zero.
			mask := op.StopGradient(s.SubScope("StopGradient"), op.Cast(s.SubScope("Cast"), op.Greater(s.SubScope("Greater"), x, b.scalar(s, 0)), b.dt))
			return op.Mul(s.SubScope("Mul"), x, mask)
		}
		return op.Relu(s.SubScope("Relu"), x)
	case Tanh:
		if b.secondOrder {
			// tanh(x) = 1 - 2/(exp(2x)+1)
			e := op.Exp(s.SubScope("Exp"), op.Mul(s.SubScope("Mul"), x, b.scalar(s, 2)))
			return op.Sub(s.SubScope("Sub"), b.scalar(s, 1), op.RealDiv(s.SubScope("RealDiv"), b.scalar(s, 2), op.AddV2(s.SubScope("AddV2"), e, b.scalar(s, 1))))
		}
		return op.Tanh(s.SubScope("Tanh"), x)
	case Sigmoid:
		if b.secondOrder {
			e := op.Exp(s.SubScope("Exp"), op.Neg(s.SubScope("Neg"), x))
			return op.RealDiv(s.SubScope("RealDiv"), b.scalar(s, 1), op.AddV2(s.SubScope("AddV2"), e, b.scalar(s, 1)))
		}
		return op.Sigmoid(s.SubScope("Sigmoid"), x)
	}
	return x
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

// build builds act(x·w + b).
func (d Dense) build(b builder, s *op.Scope, i int, x tf.Output, _ []int, w []tf.Output) tf.Output {
	s = layerScope(s, d, i)
	y := op.MatMul(s.SubScope("MatMul"), x, w[0])
	return b.activate(s, b.addBias(s, y, w[1]), d.Activation)
}

func (Dense) fusion(Layer) fused { return nil }

func (Dense) twiceDifferentiable() bool { return true }

func (d Dense) initial(flat []float64, rng *rand.Rand, init Init, ps []ParamShape) []float64 {
	return initKernelAndBias(flat, rng, init, d.Activation, ps)
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

// conv builds the convolution of x with the kernel k alone.
func (c Conv2D) conv(s *op.Scope, x, k tf.Output) tf.Output {
	st := int64(c.stride())
	return op.Conv2D(s.SubScope("Conv2D"), x, k, []int64{1, st, st, 1}, c.Padding.orDefault())
}

// build builds act(conv(x, w) + b).
func (c Conv2D) build(b builder, s *op.Scope, i int, x tf.Output, _ []int, w []tf.Output) tf.Output {
	s = layerScope(s, c, i)
	return b.activate(s, b.addBias(s, c.conv(s, x, w[0]), w[1]), c.Activation)
}

// fusion fuses a convolution with a max-pooling after it, computed as
// act(maxpool(conv(x)) + b): the bias is the same over a window and every activation
// here is non-decreasing, so the outputs are those of maxpool(act(conv(x) + b)) and so
// are the gradients (up to ties). The bias, the activation and their gradients then
// touch a quarter of the values (2x2 pooling), and the convolution's filter gradient is
// not fused with the bias gradient, a fusion oneDNN runs slowly.
func (c Conv2D) fusion(next Layer) fused {
	p, ok := next.(MaxPool2D)
	if !ok {
		return nil
	}
	return func(b builder, s *op.Scope, i int, x tf.Output, w []tf.Output) tf.Output {
		cs := layerScope(s, c, i)
		y := p.pool(layerScope(s, p, i+1), c.conv(cs, x, w[0]))
		return b.activate(cs, b.addBias(cs, y, w[1]), c.Activation)
	}
}

func (Conv2D) twiceDifferentiable() bool { return false }

func (c Conv2D) initial(flat []float64, rng *rand.Rand, init Init, ps []ParamShape) []float64 {
	return initKernelAndBias(flat, rng, init, c.Activation, ps)
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

// pool builds the max-pooling of x.
func (p MaxPool2D) pool(s *op.Scope, x tf.Output) tf.Output {
	return op.MaxPool(s.SubScope("MaxPool"), x, []int64{1, int64(p.Size), int64(p.Size), 1}, []int64{1, int64(p.stride()), int64(p.stride()), 1}, p.Padding.orDefault())
}

func (p MaxPool2D) build(_ builder, s *op.Scope, i int, x tf.Output, _ []int, _ []tf.Output) tf.Output {
	return p.pool(layerScope(s, p, i), x)
}

func (MaxPool2D) fusion(Layer) fused { return nil }

func (MaxPool2D) twiceDifferentiable() bool { return false }

func (MaxPool2D) initial(flat []float64, _ *rand.Rand, _ Init, _ []ParamShape) []float64 {
	return flat
}

// Flatten reshapes each example to a vector.
type Flatten struct{}

// Kind returns "flatten".
func (Flatten) Kind() string { return "flatten" }

func (Flatten) outShape(in []int) ([]int, error) { return []int{prod(in)}, nil }

func (Flatten) paramShapes([]int) []ParamShape { return nil }

func (f Flatten) build(_ builder, s *op.Scope, i int, x tf.Output, in []int, _ []tf.Output) tf.Output {
	s = layerScope(s, f, i)
	return op.Reshape(s.SubScope("Reshape"), x, op.Const(s.SubScope("Const"), []int32{-1, int32(prod(in))}))
}

func (Flatten) fusion(Layer) fused { return nil }

func (Flatten) twiceDifferentiable() bool { return true }

func (Flatten) initial(flat []float64, _ *rand.Rand, _ Init, _ []ParamShape) []float64 {
	return flat
}

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

// initKernelAndBias appends a kernel of shape ps[0] drawn uniformly in ±limit and a
// zero bias of shape ps[1] to flat. The limit is sqrt(6/(fan_in+fan_out)) (Glorot) or
// sqrt(6/fan_in) (He); Auto picks He for ReLU and Glorot otherwise. The fans of a 4-D
// convolution kernel include its receptive field.
func initKernelAndBias(flat []float64, rng *rand.Rand, init Init, act Activation, ps []ParamShape) []float64 {
	k := ps[0].Shape
	fanIn, fanOut := k[len(k)-2], k[len(k)-1]
	if len(k) == 4 {
		rf := k[0] * k[1]
		fanIn, fanOut = rf*k[2], rf*k[3]
	}
	if init == Auto {
		init = GlorotUniform
		if act == ReLU {
			init = HeUniform
		}
	}
	limit := math.Sqrt(6 / float64(fanIn+fanOut))
	if init == HeUniform {
		limit = math.Sqrt(6 / float64(fanIn))
	}
	for range prod(k) {
		flat = append(flat, (2*rng.Float64()-1)*limit)
	}
	return append(flat, make([]float64, prod(ps[1].Shape))...)
}
