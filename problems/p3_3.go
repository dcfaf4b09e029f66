package problems

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"hw1/problems/analysis"
	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings33 are the settings of problem 3-3.
type settings33 struct {
	// Hidden are the widths of the ReLU hidden layers of the MLP every model uses.
	Hidden []int `set:"hidden" range:"[1,inf)"`
	// dataSettings give the training examples and the seeds every batch size trains
	// with (initial weights and batch order); the interpolations use the first seed.
	dataSettings
	criterion33
	rate33
	// Batches are the batch sizes of part 2 (log-spaced); a batch larger than the
	// training set is the whole set. The smallest and the largest are compared.
	Batches []int `set:"batches" range:"[1,inf)"`
	pairs33
	alphaGrid33
	// SensitivityExamples is the number of test examples (the first ones) the
	// sensitivity averages over; 0 means all.
	SensitivityExamples int `set:"sensitivity_examples" range:"[0,10000]"`
	sharpness33
	hessian33
	// Filter is the grid of the loss along a filter-normalised direction through each
	// model of the interpolations (see filterProfiles).
	Filter filterGrid `prefix:"filter_"`
}

// criterion33 is the common criterion of Keskar et al.'s protocol: every model trains
// until its accuracy on its whole training set is at least TargetAccuracy, or
// (TargetLoss > 0) its training loss is at most TargetLoss, checked after every
// epoch, within StepBudget steps. A model that misses it is marked and left out of
// the comparison.
type criterion33 struct {
	TargetAccuracy float64 `set:"target_accuracy" range:"(0,1]"`
	TargetLoss     float64 `set:"target_loss" range:"[0,inf)"`
	StepBudget     int     `set:"step_budget" range:"[1,inf)"`
}

// met reports whether an epoch that ended with st meets the criterion.
func (c criterion33) met(st EpochStats) bool {
	return st.TrainAcc >= c.TargetAccuracy || (c.TargetLoss > 0 && st.TrainLoss <= c.TargetLoss)
}

// rate33 sets the training: Optimizer at LearningRate for every batch size, or with
// LinearScaling at the rate LearningRate for batch ScalingBase, scaled by
// batch/ScalingBase (Goyal et al.'s linear scaling rule); see lr33.
type rate33 struct {
	optimizerSettings
	LinearScaling bool `set:"linear_scaling"`
	ScalingBase   int  `set:"scaling_base" range:"[1,inf)"`
}

// pairs33 are the models of the two interpolations: PairBatches are the batch sizes
// of the two models of the batch interpolation, and PairLRs the learning rates of the
// two models of the learning-rate interpolation, both trained with batch PairLRBatch.
type pairs33 struct {
	PairBatches []int     `set:"pair_batches" range:"[1,inf)" len:"2"`
	PairLRs     []float64 `set:"pair_lrs" range:"(0,inf)" len:"2"`
	PairLRBatch int       `set:"pair_lr_batch" range:"[1,inf)"`
}

// sharpness33 sets the sharpness: SharpnessEps are the box sizes ε, SharpnessIters the
// number of projected gradient ascent steps, each SharpnessStep times the box's
// half-width per coordinate in the direction of the gradient's sign. Subspace is the
// dimension of the random subspace (see randomSubspace, one per model) in which the
// sharpness is also measured; 0 skips it.
type sharpness33 struct {
	SharpnessEps   []float64 `set:"sharpness_eps" range:"(0,inf)"`
	SharpnessIters int       `set:"sharpness_iters" range:"[1,inf)"`
	SharpnessStep  float64   `set:"sharpness_step" range:"(0,inf)"`
	Subspace       int       `set:"subspace" range:"[0,inf)"`
}

// options returns the options of the sharpness of box size eps in the subspace a (nil:
// the full space) of randomSubspace, whose columns are orthogonal.
func (s sharpness33) options(eps float64, a *mat.Dense) analysis.SharpnessOptions {
	return analysis.SharpnessOptions{Eps: eps, Iters: s.SharpnessIters, Step: s.SharpnessStep, Subspace: a, Orthogonal: true}
}

// alphaGrid33 is the grid of the interpolations: Alphas evenly spaced α in [AlphaMin,
// AlphaMax], with 0 and 1 added when they fall between grid points.
type alphaGrid33 struct {
	Alphas   int     `set:"alphas" range:"[2,inf)"`
	AlphaMin float64 `set:"alpha_min" range:"(-inf,inf)"`
	AlphaMax float64 `set:"alpha_max" range:"(alpha_min,inf)"`
}

// alphas returns the values of α of the grid.
func (g alphaGrid33) alphas() []float64 { return analysis.Grid(g.Alphas, g.AlphaMin, g.AlphaMax, 0, 1) }

// hessian33 sets what 3-3 measures of the Hessian of the training loss of every model
// of the sweep, on its first SpectrumExamples training examples (0: all):
// SpectrumIters Lanczos iterations give its largest eigenvalue and SpectrumProbes
// Rademacher probes Hutchinson's trace, and DensityRuns Rademacher start vectors of
// DensityIters Lanczos iterations each its spectral density (stochastic Lanczos
// quadrature). SpectrumIters 0 skips all three, DensityRuns 0 the density.
type hessian33 struct {
	SpectrumIters    int `set:"spectrum_iters" range:"[0,inf)"`
	SpectrumProbes   int `set:"spectrum_probes" range:"[2,inf)"`
	SpectrumExamples int `set:"spectrum_examples" range:"[0,60000]"`
	DensityRuns      int `set:"density_runs" range:"[0,inf)"`
	DensityIters     int `set:"density_iters" range:"[1,inf)"`
}

// defaults33 returns 3-3's settings. The quick profile trains a 784-64-64-10 MLP on the
// first 1,024 training digits (tested on all test examples) with 3 seeds per batch size
// and batches 16 to 1,024 (the whole training set), to fit the time budget; the full
// profile trains 784-256-256-10 on the whole training set with 5 seeds, batch 16 against
// 6,000 (10% of MNIST's training set). The Hessian of every model's training loss is
// probed on a training subset with 10 Lanczos iterations and 10 Hutchinson probes on
// 256 examples (quick) or 30 and 50 on 6,000 (full), and its spectral density by
// stochastic Lanczos quadrature from 3 runs of 10 iterations (quick) or 30 (full);
// the models of the interpolations get the loss along a filter-normalised direction at
// 41 (quick) or 51 (full) points of [-1, 1].
func defaults33(p Profile) any {
	s := &settings33{
		Hidden: []int{64, 64}, SensitivityExamples: 500,
		criterion33: criterion33{TargetAccuracy: 0.99, StepBudget: 2000},
		Batches:     []int{16, 64, 256, 1024},
		pairs33:     pairs33{PairBatches: []int{64, 1024}, PairLRs: []float64{1e-3, 1e-2}, PairLRBatch: 64},
		alphaGrid33: alphaGrid33{Alphas: 61, AlphaMin: -1, AlphaMax: 2},
		sharpness33: sharpness33{SharpnessEps: []float64{1e-3, 5e-4}, SharpnessIters: 10, SharpnessStep: 0.5, Subspace: 100},
		hessian33:   hessian33{SpectrumIters: 10, SpectrumProbes: 10, SpectrumExamples: 256, DensityRuns: 3, DensityIters: 10},
		Filter:      filterGrid{Points: 41, Range: 1},
	}
	s.Train, s.Seeds = 1024, 3
	s.Optimizer, s.LearningRate, s.ScalingBase = "adam", 1e-3, 64
	if p == Full {
		s.Hidden, s.Train, s.Seeds, s.StepBudget, s.SensitivityExamples = []int{256, 256}, 0, 5, 20000, 0
		s.Batches = []int{16, 64, 256, 1024, 6000}
		s.PairBatches = []int{256, 6000}
		s.SharpnessIters, s.SharpnessStep = 20, 0.25
		s.SpectrumIters, s.SpectrumProbes, s.SpectrumExamples = 30, 50, 6000
		s.DensityRuns, s.DensityIters, s.Filter.Points = 3, 30, 51
	}
	return s
}

// model returns the ReLU MLP that every model of 3-3 is, on the examples of train.
func (s *settings33) model(train *data.Set) (tfgraph.Spec, error) {
	return reluMLP(train, s.Hidden), nil
}

// The runs of 3-3. Every training writes its curves under run33Train; the
// interpolations and the batch-size sweep, which plots reads, have runs of their own.
const (
	run33Train       = records.RunTraining
	run33InterpBatch = records.RunInterpBatch
	run33InterpLR    = records.RunInterpLR
	run33Sensitivity = records.RunSensitivity
	model33Pair      = records.ModelPair
)

// config33 is one training of 3-3: a batch size, a learning rate and a seed index.
type config33 struct {
	batch int
	lr    float64
	seed  int
}

// trained33 is what 3-3 keeps of a trained model: its parameters, its own metrics and
// whether it met the criterion.
type trained33 struct {
	name                                   string // batch-<b>[-lr-<lr>]
	cfg                                    config33
	seed                                   uint64
	params                                 []float64
	trainLoss, trainAcc, testLoss, testAcc float64
	trainLoss64                            float64 // the training loss evaluated in float64
	steps                                  int64
	reached                                bool
	sensitivity                            float64
	sharp                                  []sharp33
	// lambdaMax and trace are the largest eigenvalue and Hutchinson's trace of the
	// Hessian of the training loss; NaN where the run computed no spectrum.
	lambdaMax, trace float64
}

// sharp33 is one sharpness measurement: ε, the space (full or a random subspace) and
// the value.
type sharp33 struct {
	eps   float64
	sub   int // 0: the full space
	value float64
}

// run33 trains the models of env's shard to the common criterion: the models of the
// batch-size sweep, each followed by its sensitivity, sharpness and Hessian spectrum,
// and the models of the interpolations that the sweep does not train (see plan33).
func run33(ctx context.Context, env *Env, rec *Recorder) error {
	s, opt, ds, train, spec, err := runStart[settings33](env, rec, defaults33)
	if err != nil {
		return err
	}
	x := &exp33{env: env, rec: rec, s: s, opt: opt, spec: spec, done: map[config33]*trained33{}}
	x.trainData, x.testData = tensorData(train), tensorData(ds.Test)
	x.data = setData(rec.man.Dataset, "train", train.N)
	x.ntrain = train.N
	if x.eval64, err = tfgraph.New(x.spec, x.trainData, nil, tfgraph.Config{DType: tfgraph.Float64, Session: env.session()}); err != nil {
		return err
	}
	defer x.eval64.Close()
	if x.meas, err = tfgraph.New(x.spec, x.trainData, x.testData, tfgraph.Config{Session: env.session()}); err != nil {
		return err
	}
	defer x.meas.Close()
	if x.hess, err = x.hessianModel(train); err != nil {
		return err
	}
	if x.hess != nil {
		defer x.hess.Close()
	}
	rec.Note("Every model trains until its accuracy on its whole training set (%d examples) is at least %g%%%s, checked after every epoch, within %d steps; a model that misses it is marked and left out of the comparison. Learning rate: %s. Seeds %d per batch size (initial weights and batch order); the interpolations use the first.",
		train.N, 100*s.TargetAccuracy, targetLossText(s.TargetLoss), s.StepBudget, x.lrText(), s.Seeds)
	rec.Note("Sharpness (Keskar et al. 2017): the largest 100·(L(θ+y) − L(θ))/(1 + L(θ)) of the training loss over the box |y_i| <= ε(|θ_i| + 1), found by %d steps of projected ascent along the gradient's sign, at ε %v.%s",
		s.SharpnessIters, s.SharpnessEps, subspaceText(s.Subspace))

	pl := plan33(s, train.N)
	for u, c := range pl.configs() {
		rec.Seed(seedFor(env.Seed, c.seed)) // every shard lists every seed of the run
		if !env.Shard.Has(u) {
			continue
		}
		t, err := x.train(ctx, c)
		if err != nil {
			return err
		}
		if u < len(pl.sweep) {
			if err := x.measure(t, slices.Index(pl.batches, c.batch)); err != nil {
				return err
			}
		}
	}
	return nil
}

// exp33 holds what every training of a 3-3 run shares.
type exp33 struct {
	env                 *Env
	rec                 *Recorder
	s                   *settings33
	opt                 tfgraph.Optimizer // the update rule; every configuration sets its own rate
	spec                tfgraph.Spec
	trainData, testData *tfgraph.Data
	data                records.ParamsData
	ntrain              int
	eval64              *tfgraph.Model // float64 copy for the exported training loss
	meas                *tfgraph.Model // float32 copy for sensitivity and sharpness
	hess                *tfgraph.Model // second-order copy for the Hessian spectrum; nil skips it
	done                map[config33]*trained33
}

// lr returns the learning rate of batch size b.
func (x *exp33) lr(b int) float64 { return lr33(x.s, b) }

// lr33 returns the learning rate of batch size b.
func lr33(s *settings33, b int) float64 {
	if s.LinearScaling {
		return s.LearningRate * float64(b) / float64(s.ScalingBase)
	}
	return s.LearningRate
}

// lrText states the learning rate of every batch size.
func (x *exp33) lrText() string {
	if x.s.LinearScaling {
		return fmt.Sprintf("%s, %g at batch %d scaled linearly with the batch size", x.s.Optimizer, x.s.LearningRate, x.s.ScalingBase)
	}
	return fmt.Sprintf("%s at %g for every batch size", x.s.Optimizer, x.s.LearningRate)
}

func targetLossText(l float64) string {
	if l > 0 {
		return fmt.Sprintf(" or its training loss at most %g", l)
	}
	return ""
}

// train trains the model of c to the criterion (once per configuration), records its
// own metrics, and exports its parameters.
func (x *exp33) train(ctx context.Context, c config33) (*trained33, error) {
	if t, ok := x.done[c]; ok {
		return t, nil
	}
	name := name33(x.s, c)
	t := &trained33{name: name, cfg: c, seed: seedFor(x.env.Seed, c.seed)}
	m, err := tfgraph.New(x.spec, x.trainData, x.testData, tfgraph.Config{
		Seed: t.seed, Session: x.env.session(),
		Optimizer: tfgraph.Optimizer{Kind: x.opt.Kind, LearningRate: c.lr},
	})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	perEpoch := (x.ntrain + c.batch - 1) / c.batch
	epochs := (x.s.StepBudget + perEpoch - 1) / perEpoch
	last, err := fit(ctx, x.env, x.rec, m, fitOptions{Run: run33Train, Model: name, Seed: records.SeedOf(t.seed),
		Epochs: epochs, Batch: c.batch, EvalTrain: true, Until: x.s.met})
	if err != nil {
		return nil, err
	}
	t.reached, t.steps = x.s.met(last), m.Steps()
	if t.trainLoss, t.trainAcc, err = m.Evaluate(tfgraph.Train); err != nil {
		return nil, err
	}
	if t.testLoss, t.testAcc, err = m.Evaluate(tfgraph.Test); err != nil {
		return nil, err
	}
	if t.params, err = m.GetParams(); err != nil {
		return nil, err
	}
	if err := x.eval64.SetParams(t.params); err != nil {
		return nil, err
	}
	if t.trainLoss64, _, err = x.eval64.Evaluate(tfgraph.Train); err != nil {
		return nil, err
	}
	if err := exportParams(x.rec, m, paramsExport{
		Run: fmt.Sprintf("seed-%d", c.seed+1), Model: name, Seed: t.seed, DType: tfgraph.Float32, Data: x.data,
		Metrics: map[string]float64{"train_loss": t.trainLoss, "train_loss_float64": t.trainLoss64, "train_accuracy": t.trainAcc,
			"test_loss": t.testLoss, "test_accuracy": t.testAcc, "steps": float64(t.steps), "reached": b2f(t.reached)},
	}); err != nil {
		return nil, err
	}
	x.env.log().Info("3-3", "model", name, "seed", c.seed+1, "steps", t.steps, "reached", t.reached, "train_accuracy", t.trainAcc, "test_accuracy", t.testAcc)
	x.done[c] = t
	return t, nil
}

// name33 is the model name of configuration c: batch-<b>, or batch-<b>-lr-<lr> when
// its learning rate is not the batch size's own.
func name33(s *settings33, c config33) string {
	name := fmt.Sprintf("batch-%d", c.batch)
	if c.lr != lr33(s, c.batch) {
		name += "-lr-" + strconv.FormatFloat(c.lr, 'g', -1, 64)
	}
	return name
}

// b2f is 1 for true and 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// subspaceText describes the random subspace of the sharpness for the manifest, or
// says nothing without one.
func subspaceText(p int) string {
	if p == 0 {
		return ""
	}
	return fmt.Sprintf(" Also in a random %d-dimensional subspace per model, y = A·z with the box |z_i| <= ε(|(A⁺θ)_i| + 1): A's columns are orthogonal, each of norm √n for n parameters, the scale of a matrix of standard normal entries.", p)
}
