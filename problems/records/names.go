package records

import (
	"slices"
	"strings"
)

// The files and folders of a problem's output folder, <out>/<problem>/.
const (
	RecordsFile    = "records.csv"   // the tidy table of observations
	ManifestFile   = "manifest.json" // the run's settings and outcome
	FiguresDir     = "figures"       // PNG and SVG figures drawn from RecordsFile
	CheckpointsDir = "checkpoints"   // TensorFlow checkpoints for --resume
	TensorBoardDir = "tensorboard"   // TensorBoard event files mirroring RecordsFile
	ShardsDir      = "shards"        // shards/<i>/: one shard of a sharded run, laid out like <out>/<problem>/
)

// The problems of the homework, by their numbering.
const (
	Problem11 = "1-1" // simulate a function
	Problem12 = "1-2" // train on actual tasks
	Problem21 = "2-1" // visualize the optimization process
	Problem22 = "2-2" // gradient norm and the minimal ratio
	Problem31 = "3-1" // fit random labels
	Problem32 = "3-2" // number of parameters against generalization
	Problem33 = "3-3" // flatness against generalization
)

// problems is the one ordered list of problems.
var problems = [...]string{Problem11, Problem12, Problem21, Problem22, Problem31, Problem32, Problem33}

// Problems returns the names of the homework's problems in the homework's order. The
// command line, the figures, the report and the Makefile all derive from this list: a
// new problem is added here first, then listed in package problems' catalogue and given
// figures in package plots.
func Problems() []string { return slices.Clone(problems[:]) }

// ProblemIndex returns the position of name in Problems, or -1 for an unknown problem.
func ProblemIndex(name string) int { return slices.Index(problems[:], name) }

// The splits of a row that problems write and plots read.
const (
	SplitTrain    = "train"     // the training set
	SplitTest     = "test"      // the test set
	SplitGrid     = "grid"      // 1-1: predictions on a dense grid
	SplitPCALayer = "pca-layer" // 2-1: PCA of the first layer's parameters
	SplitPCAModel = "pca-model" // 2-1: PCA of the whole model's parameters
)

// The runs and models that problems write and plots look for by name.
const (
	ModelTruth = "truth" // 1-1: the ground truth on the grid

	RunGradNormPrefix = "gradnorm-" // 2-2: gradnorm-<task>, the gradient-norm trainings

	RunSweep    = "sweep"    // 3-2: one row group per model of the parameter sweep
	RunTraining = "training" // 3-2, 3-3: the training curves of every model (not drawn)

	RunInterpBatch = "interp-batch" // 3-3: interpolation between two batch sizes
	RunInterpLR    = "interp-lr"    // 3-3: interpolation between two learning rates
	RunSensitivity = "sensitivity"  // 3-3: the batch-size sweep
	ModelPair      = "pair"         // 3-3: the model of an interpolation run
)

// The metrics, the values of the metric column. Their rules are in Metrics.
const (
	MetricLoss     = "loss"
	MetricAccuracy = "accuracy"
	MetricParams   = "params"
	MetricX        = "x"
	MetricY        = "y"

	MetricPC1        = "pc1"
	MetricPC2        = "pc2"
	MetricExplained1 = "explained1"
	MetricExplained2 = "explained2"

	MetricGradNorm         = "grad_norm"
	MetricMinimalRatio     = "minimal_ratio"
	MetricMinEigenvalue    = "min_eigenvalue"
	MetricMaxEigenvalue    = "max_eigenvalue"
	MetricConverged        = "converged"
	MetricEigTolerance     = "eig_tolerance"
	MetricHessianAsymmetry = "hessian_asymmetry"

	MetricAlpha           = "alpha"
	MetricBatchSize       = "batch_size"
	MetricSensitivity     = "sensitivity"
	MetricSharpnessPrefix = "sharpness_"           // sharpness_<ε>, one metric per ε
	MetricHessianTrace    = "hessian_trace"        // 3-3: Hutchinson's estimate of tr(H)
	MetricTraceStdErr     = "hessian_trace_stderr" // 3-3: its standard error
)

// The splits and metrics of 2-2's minimal ratio against the tolerance and of the
// Hessian spectra: one row group per tolerance (step = its index) or eigenvalue (step =
// its rank, ascending).
const (
	SplitTolAbs   = "tol-abs"  // 2-2: counts at absolute tolerances
	SplitTolRel   = "tol-rel"  // 2-2: counts at tolerances relative to max |eigenvalue|
	SplitSpectrum = "spectrum" // 2-2: the eigenvalues of the full Hessian

	MetricTolerance  = "tolerance"  // the tolerance of the row group (absolute or relative)
	MetricPositive   = "positive"   // eigenvalues above the tolerance
	MetricNegative   = "negative"   // eigenvalues below minus the tolerance
	MetricNearZero   = "near_zero"  // the others
	MetricEigenvalue = "eigenvalue" // one eigenvalue of the Hessian

	// MetricNewtonSteps and MetricLBFGSSteps split 2-2's phase-2 iterations ("steps")
	// into Levenberg–Marquardt steps and L-BFGS iterations; MetricHessians is the
	// number of full Hessians the Levenberg–Marquardt steps used.
	MetricNewtonSteps = "newton_steps"
	MetricHessians    = "hessians"
	MetricLBFGSSteps  = "lbfgs_steps"
)

// The metrics of 3-3's training to a common criterion.
const (
	MetricLearningRate = "lr"      // the learning rate a model trained with
	MetricSteps        = "steps"   // the optimizer steps a training took
	MetricReached      = "reached" // 1 when the training met the criterion, else 0
)

// The runs, splits and metrics of the loss landscapes and spectral densities: 2-1's
// loss surfaces around a trained model, the spectral densities of 2-2's end points and
// 3-3's sweep models (stochastic Lanczos quadrature), and 3-3's loss along a
// filter-normalised direction through each of the two minima of an interpolation.
const (
	RunSurfaceRandom = "surface-random" // 2-1: the plane of two filter-normalised random directions
	RunSurfacePCA    = "surface-pca"    // 2-1: the plane of the first two PCA directions of the trajectory
	SplitTrajectory  = "trajectory"     // 2-1: the snapshots of the trajectory in the PCA plane

	MetricSurfaceA     = "surface_a"      // the first coordinate of a point of the plane
	MetricSurfaceB     = "surface_b"      // the second coordinate
	MetricPointsPerRun = "points_per_run" // the grid points one session run evaluates

	RunDensity = "density" // 3-3: the spectral density of every model of the sweep
	SplitSLQ   = "slq"     // 2-2, 3-3: the quadrature rule of a spectral density

	MetricSLQNode   = "slq_node"   // a node (Ritz value) of the quadrature
	MetricSLQWeight = "slq_weight" // its weight; a model's weights sum to 1

	RunFilterPrefix = "filter-" // 3-3: filter-<interpolation run>, loss through each minimum
	MetricOffset    = "offset"  // 3-3: the multiple of the filter-normalised direction
)

// Metric declares one metric of records.csv (or a family of metrics sharing a prefix)
// and the values it may take.
type Metric struct {
	// Name is the metric, or the prefix shared by a family (Prefix true).
	Name string
	// Prefix makes the entry match every metric that starts with Name.
	Prefix bool
	// MayBeNaN reports whether a value may be NaN or ±Inf: a quantity that a run may
	// legitimately fail to compute (an eigensolver that did not converge, an optional
	// measurement that was skipped). Otherwise it must be finite.
	MayBeNaN bool
}

// metrics declares the metrics with rules of their own and the metrics plots reads.
// A metric missing here (steps, final_loss, phase1_loss, ...) must be finite.
var metrics = [...]Metric{
	{Name: MetricLoss},
	{Name: MetricAccuracy},
	{Name: MetricParams},
	{Name: MetricX},
	{Name: MetricY},
	{Name: MetricPC1},
	{Name: MetricPC2},
	{Name: MetricExplained1},
	{Name: MetricExplained2},
	{Name: MetricGradNorm, MayBeNaN: true},
	{Name: MetricMinimalRatio, MayBeNaN: true},
	{Name: MetricMinEigenvalue, MayBeNaN: true},
	{Name: MetricMaxEigenvalue, MayBeNaN: true},
	{Name: MetricConverged},
	{Name: MetricEigTolerance},
	{Name: MetricHessianAsymmetry},
	{Name: MetricAlpha},
	{Name: MetricBatchSize},
	{Name: MetricSensitivity, MayBeNaN: true},
	{Name: MetricSharpnessPrefix, Prefix: true, MayBeNaN: true},
	{Name: MetricHessianTrace},
	{Name: MetricTraceStdErr},
	{Name: MetricTolerance},
	{Name: MetricPositive},
	{Name: MetricNegative},
	{Name: MetricNearZero},
	{Name: MetricEigenvalue},
	{Name: MetricLearningRate},
	{Name: MetricReached},
	{Name: MetricSurfaceA},
	{Name: MetricSurfaceB},
	{Name: MetricPointsPerRun},
	{Name: MetricSLQNode},
	{Name: MetricSLQWeight},
	{Name: MetricOffset},
}

// Metrics returns the declared metrics, each with whether it may be NaN.
func Metrics() []Metric { return slices.Clone(metrics[:]) }

// LookupMetric returns the declaration of metric: the entry with its name, else the
// family whose prefix it starts with. It reports false for an undeclared metric.
func LookupMetric(metric string) (Metric, bool) {
	for _, m := range metrics {
		if m.Name == metric || m.Prefix && strings.HasPrefix(metric, m.Name) {
			return m, true
		}
	}
	return Metric{}, false
}

// AllowsNaN reports whether a value of the metric may be NaN or ±Inf, as its
// declaration in Metrics says. An undeclared metric must be finite.
func AllowsNaN(metric string) bool {
	m, ok := LookupMetric(metric)
	return ok && m.MayBeNaN
}
