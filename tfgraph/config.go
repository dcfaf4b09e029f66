package tfgraph

import (
	"fmt"
	"strings"

	tf "github.com/wamuir/graft/tensorflow"
)

// DType is the floating-point type a model computes in.
type DType int

// The supported types. Float32 is the default; Float64 is for exact second-order work
// (Hessians, finite-difference checks) on small models.
const (
	Float32 DType = iota
	Float64
)

func (d DType) tf() tf.DataType {
	if d == Float64 {
		return tf.Double
	}
	return tf.Float
}

// String returns "float32" or "float64".
func (d DType) String() string {
	if d == Float64 {
		return "float64"
	}
	return "float32"
}

// OptimizerKind names an update rule.
type OptimizerKind string

// The optimizers, each a TensorFlow ResourceApply* kernel.
const (
	SGD      OptimizerKind = "sgd"
	Momentum OptimizerKind = "momentum"
	Adam     OptimizerKind = "adam"
)

// ParseOptimizer returns the OptimizerKind named s (case-insensitive).
func ParseOptimizer(s string) (OptimizerKind, error) {
	switch k := OptimizerKind(strings.ToLower(s)); k {
	case SGD, Momentum, Adam:
		return k, nil
	}
	return "", fmt.Errorf("tfgraph: unknown optimizer %q (want sgd, momentum or adam)", s)
}

// Optimizer configures the update rule. Zero fields take the defaults given.
type Optimizer struct {
	// Kind is the update rule; empty means SGD.
	Kind OptimizerKind
	// LearningRate is the initial step size; 0 means 0.01 for SGD and momentum and
	// 0.001 for Adam. It can be changed between steps with Model.SetLearningRate.
	LearningRate float64
	// Momentum is the momentum coefficient; 0 means 0.9.
	Momentum float64
	// Beta1, Beta2 and Epsilon are Adam's constants; 0 means 0.9, 0.999 and 1e-7.
	Beta1, Beta2, Epsilon float64
}

func (o Optimizer) withDefaults() Optimizer {
	if o.Kind == "" {
		o.Kind = SGD
	}
	if o.LearningRate == 0 {
		o.LearningRate = 0.01
		if o.Kind == Adam {
			o.LearningRate = 0.001
		}
	}
	if o.Momentum == 0 {
		o.Momentum = 0.9
	}
	if o.Beta1 == 0 {
		o.Beta1 = 0.9
	}
	if o.Beta2 == 0 {
		o.Beta2 = 0.999
	}
	if o.Epsilon == 0 {
		o.Epsilon = 1e-7
	}
	return o
}

// Init names a weight initialiser. Biases always start at zero.
type Init string

// The initialisers. Auto uses HeUniform for ReLU layers and GlorotUniform otherwise.
const (
	Auto          Init = ""
	GlorotUniform Init = "glorot"
	HeUniform     Init = "he"
)

// Config holds everything about a model that is not its architecture. The zero value
// is a float32 model trained by SGD at 0.01 with seed 0, on TensorFlow's default device.
type Config struct {
	// DType is the computation type; zero means Float32.
	DType DType
	// Seed seeds the initial weights and the epoch shuffling: the same seed gives the
	// same weights bit for bit and the same batches.
	Seed uint64
	// Init is the weight initialiser; zero means Auto.
	Init Init
	// Optimizer is the update rule.
	Optimizer Optimizer
	// SecondOrder builds the model from twice-differentiable primitives (MatMul, AddV2,
	// Exp, RealDiv ...) so that Hessian-vector products and Hessians are exact. Only
	// dense layers support it. Training is slower than with the fused kernels.
	SecondOrder bool
	// Session sets the device and thread pools.
	Session SessionConfig
	// EvalChunk is the number of examples per session run when evaluating a whole
	// split; 0 means 4096.
	EvalChunk int
}

// Data is one split held in memory: N examples of Shape and either integer Labels (for
// CrossEntropy) or Targets (for MSE, N times the output width).
type Data struct {
	X       []float32
	Shape   []int
	Labels  []int32
	Targets []float32
}

// N returns the number of examples.
func (d *Data) N() int {
	if d == nil || len(d.Shape) == 0 || prod(d.Shape) == 0 {
		return 0
	}
	return len(d.X) / prod(d.Shape)
}

// DivergenceError reports a loss that became NaN or infinite during training.
type DivergenceError struct {
	Step int64
	Loss float64
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("tfgraph: training diverged at step %d: loss is %v", e.Step, e.Loss)
}
