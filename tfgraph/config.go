package tfgraph

import (
	"fmt"

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
	// StepsPerRun is the number of training steps one session run takes (StepMany,
	// TrainEpoch), unrolled in the graph; 0 means 4 for models under 20,000
	// parameters and 1 otherwise, and 1 means one step per run. The records are
	// the same bit for bit whatever its value.
	StepsPerRun int
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
