package problems

import (
	"context"
	"fmt"
	"slices"

	"hw1/problems/analysis"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings22 are the settings of problem 2-2.
type settings22 struct {
	gradNormTrainings22
	// intervalSettings give the interval of the 1-D functions, of the gradient-norm
	// training on a function and of the minimal-ratio trainings alike.
	intervalSettings

	// Trainings is the number of networks (one seed each) driven to a point of almost
	// zero gradient. Function and Points give their data (on [Lo, Hi]) and Hidden the
	// widths of their tanh layers (float64, MSE).
	Trainings int    `set:"trainings" range:"[1,inf)"`
	Function  string `set:"function" range:"{sinc,sign,sin}"`
	Points    int    `set:"points" range:"[2,inf)"`
	Hidden    []int  `set:"hidden" range:"[1,inf)"`
	phaseOne22
	phaseTwo22
	// Tol is the gradient tolerance: phase 2 stops once ||∇L|| < Tol over the whole
	// training set, and an end point below it counts as converged.
	Tol float64 `set:"tol" range:"[0,inf)"`
	// EigTol is the tolerance of "eigenvalue > 0": an eigenvalue of the Hessian counts
	// as positive when it exceeds EigTol. The spectrum has no gap between zero and
	// positive eigenvalues, so the minimal ratio depends on it; the default 1e-5 is
	// about 1e-6 of the largest eigenvalue of these networks.
	EigTol float64 `set:"eig_tol" range:"[0,inf)"`
	// AbsTols and RelTols are the tolerances at which the minimal ratio and the counts
	// of positive, negative and near-zero eigenvalues are also recorded: absolute, and
	// relative to the largest |eigenvalue| of each end point.
	AbsTols []float64 `set:"abs_tols" range:"[0,inf)"`
	RelTols []float64 `set:"rel_tols" range:"[0,1)"`
	// Workers is the number of minimal-ratio trainings run at once, each with its own
	// models (the networks are too small to use more than one core each); the results
	// do not depend on it.
	Workers int `set:"workers" range:"[1,64]"`
	densities22
}

// gradNormTrainings22 sets the gradient-norm trainings. Tasks are the trainings:
// "mnist" (the default dataset) and/or a 1-D function of data.FunctionNames.
// MNISTHidden, MNISTEpochs, MNISTBatch and MNISTLR set the DNN (ReLU, Adam,
// cross-entropy) of the MNIST training, on MNISTTrain training examples (0: all).
// FnHidden, FnEpochs, FnBatch (0: the whole training set) and FnLR set the tanh MLP
// (Adam, MSE) of the training on a function, fitted on FnPoints points of the
// interval.
type gradNormTrainings22 struct {
	Tasks       []string `set:"tasks" range:"{mnist,sinc,sign,sin}"`
	MNISTHidden []int    `set:"mnist_hidden" range:"[1,inf)"`
	MNISTEpochs int      `set:"mnist_epochs" range:"[1,inf)"`
	MNISTBatch  int      `set:"mnist_batch" range:"[1,inf)"`
	MNISTLR     float64  `set:"mnist_lr" range:"(0,inf)"`
	MNISTTrain  int      `set:"mnist_train" range:"[0,60000]"`
	FnHidden    []int    `set:"fn_hidden" range:"[1,inf)"`
	FnEpochs    int      `set:"fn_epochs" range:"[1,inf)"`
	FnBatch     int      `set:"fn_batch" range:"[0,inf)"`
	FnLR        float64  `set:"fn_lr" range:"(0,inf)"`
	FnPoints    int      `set:"fn_points" range:"[2,inf)"`
}

// phaseOne22 sets phase 1 of the minimal-ratio trainings: Phase1Epochs passes of Adam
// at Phase1LR on batches of Phase1Batch (0: the whole training set) minimise the loss.
type phaseOne22 struct {
	Phase1Epochs int     `set:"phase1_epochs" range:"[1,inf)"`
	Phase1LR     float64 `set:"phase1_lr" range:"(0,inf)"`
	Phase1Batch  int     `set:"phase1_batch" range:"[0,inf)"`
}

// phaseTwo22 sets phase 2, which drives the end point of phase 1 to ||∇L|| < Tol (see
// settings22) over the whole training set (analysis.FindCritical): Levenberg–Marquardt steps on the
// residual ∇L from up to Phase2Newton exact full Hessians (0: none), each used for up
// to Phase2Reuse steps, with initial damping Phase2Damping relative to the largest
// squared eigenvalue of the Hessian; then, if still above Tol, Phase2Steps iterations
// of L-BFGS on ||∇L||² (0: none).
type phaseTwo22 struct {
	Phase2Newton  int     `set:"phase2_newton" range:"[0,inf)"`
	Phase2Reuse   int     `set:"phase2_reuse" range:"[1,inf)"`
	Phase2Damping float64 `set:"phase2_damping" range:"(0,inf)"`
	Phase2Steps   int     `set:"phase2_steps" range:"[0,inf)"`
}

// newton returns the settings of analysis.FindCritical.
func (p phaseTwo22) newton() analysis.NewtonSettings {
	return analysis.NewtonSettings{Iterations: p.Phase2Newton, Reuse: p.Phase2Reuse, Damping: p.Phase2Damping, Fallback: p.Phase2Steps}
}

// densities22 sets the spectral densities: DensityRuns is the number of end points, the
// first ones, whose Hessian also gets its spectral density by stochastic Lanczos
// quadrature (DensityProbes start vectors of DensityIters Lanczos iterations), to be
// drawn beside the exact spectrum.
type densities22 struct {
	DensityRuns   int `set:"density_runs" range:"[0,inf)"`
	DensityProbes int `set:"density_probes" range:"[1,inf)"`
	DensityIters  int `set:"density_iters" range:"[1,inf)"`
}

// defaults22 returns 2-2's settings. Both profiles run 100 minimal-ratio trainings,
// whose phase 2 takes Levenberg–Marquardt steps with damping 1e-3 on up to 25 steps per
// Hessian, then L-BFGS. The quick one shortens phase 1 to 1,500 epochs and phase 2 to
// 60 Hessians and 300 L-BFGS iterations to fit the time budget, so fewer trainings
// reach the gradient tolerance (the summary gives the share); the full one runs 5,000
// epochs, 400 Hessians and 2,000 L-BFGS iterations.
func defaults22(p Profile) any {
	s := &settings22{
		gradNormTrainings22: gradNormTrainings22{
			Tasks:       []string{"mnist", "sinc"},
			MNISTHidden: []int{32, 32}, MNISTEpochs: 3, MNISTBatch: 64, MNISTLR: 1e-3,
			FnHidden: []int{20, 20}, FnEpochs: 3000, FnBatch: 0, FnLR: 3e-3, FnPoints: 300,
		},
		intervalSettings: intervalSettings{Lo: -1, Hi: 1},
		Trainings:        100, Function: "sinc", Points: 128, Hidden: []int{10, 10},
		phaseOne22:  phaseOne22{Phase1Epochs: 1500, Phase1LR: 0.01, Phase1Batch: 32},
		phaseTwo22:  phaseTwo22{Phase2Newton: 60, Phase2Reuse: 25, Phase2Damping: 1e-3, Phase2Steps: 300},
		Tol:         1e-4,
		EigTol:      1e-5,
		AbsTols:     []float64{0, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3},
		RelTols:     []float64{1e-8, 1e-6, 1e-5, 1e-4, 1e-3},
		Workers:     2,
		densities22: densities22{DensityRuns: 4, DensityProbes: 50, DensityIters: 20},
	}
	if p == Full {
		s.MNISTEpochs, s.FnEpochs = 10, 20000
		s.Phase1Epochs, s.Phase2Newton, s.Phase2Steps = 5000, 400, 2000
	}
	return s
}

// model22 is the model name of the minimal-ratio trainings.
const model22 = "mlp"

// metrics22 are the rows each minimal-ratio training writes, in order.
var metrics22 = []string{"loss", "grad_norm", "minimal_ratio", "min_eigenvalue", "max_eigenvalue", "steps", "converged",
	"params", "eig_tolerance", "hessian_asymmetry", "phase1_loss", "phase1_grad_norm", records.MetricNewtonSteps, records.MetricHessians, records.MetricLBFGSSteps}

// units22 lists 2-2's units: the gradient-norm training of each task (units 0 to
// len(Tasks)-1, run gradnorm-<task>, seed seedFor(base, 1000+k)), then the
// minimal-ratio trainings (run seed-<i+1>, seed seedFor(base, i)).
func units22(s *settings22, base uint64) []Unit {
	var us []Unit
	for k, task := range s.Tasks {
		us = append(us, Unit{Index: len(us), Name: records.RunGradNormPrefix + task, Seed: seedFor(base, 1000+k)})
	}
	for i := range s.Trainings {
		us = append(us, Unit{Index: len(us), Name: fmt.Sprintf("seed-%d", i+1), Seed: seedFor(base, i)})
	}
	return us
}

func run22(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings22](env, rec, defaults22)
	if err != nil {
		return err
	}
	if s.Trainings < 1 || s.Tol <= 0 || s.EigTol < 0 || s.Points < 2 || s.Phase2Newton+s.Phase2Steps < 1 {
		return fmt.Errorf("problems: 2-2: need trainings >= 1, tol > 0, eig_tol >= 0, points >= 2 and phase2_newton + phase2_steps >= 1")
	}
	units := units22(s, env.Seed)
	for _, u := range units { // every shard lists every seed of the run
		rec.Seed(u.Seed)
	}
	if slices.Contains(s.Tasks, "mnist") {
		ds, err := env.loadData("")
		if err != nil {
			return err
		}
		rec.Dataset(ds, firstN(ds.Train, s.MNISTTrain).N, 0)
	} else {
		rec.DatasetInfo(s.Function, fmt.Sprintf("%d points on [%g, %g]", s.Points, s.Lo, s.Hi), s.Points, 0)
	}
	for k, task := range s.Tasks {
		if env.Shard.Has(k) {
			if err := gradNormTraining(ctx, env, rec, s, task, units[k].Seed); err != nil {
				return err
			}
		}
	}
	return minimalRatios(ctx, env, rec, s, units[len(s.Tasks):])
}

// finish22 summarises 2-2 from the records of all its units.
func finish22(_ context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings22](env, rec, defaults22)
	if err != nil {
		return err
	}
	units := units22(s, env.Seed)
	tab, err := readTable(rec, env.Dir)
	if err != nil {
		return err
	}
	var gns []gradNorm22
	for k, task := range s.Tasks {
		g, err := gradNormOf(tab, s, task, units[k].Seed, rec.man.Dataset.Train)
		if err != nil {
			return err
		}
		gns = append(gns, g)
	}
	done := minimalUnits(tab)
	rs := make([]minimalResult, 0, s.Trainings)
	for _, u := range units[len(s.Tasks):] {
		r, ok := done[u.Name]
		if !ok {
			return fmt.Errorf("problems: 2-2: %s has no complete records", u.Name)
		}
		r.Seed = u.Seed
		rs = append(rs, r)
	}
	return rec.SetSummary(summarize22(s, gns, rs))
}

// gradNormTraining trains one model on task from seed, recording the loss and the
// gradient norm of every iteration (run gradnorm-<task>).
func gradNormTraining(ctx context.Context, env *Env, rec *Recorder, s *settings22, task string, seed uint64) error {
	var (
		spec          tfgraph.Spec
		train         *tfgraph.Data
		epochs, batch int
		lr            float64
	)
	if task == "mnist" {
		ds, err := env.loadData("")
		if err != nil {
			return err
		}
		set := firstN(ds.Train, s.MNISTTrain)
		spec = tfgraph.MLP("dnn", set.Dim(), s.MNISTHidden, set.Classes, tfgraph.ReLU, tfgraph.CrossEntropy)
		train, epochs, batch, lr = tensorData(set), s.MNISTEpochs, s.MNISTBatch, s.MNISTLR
	} else {
		fn, err := s.trainingData(task, s.FnPoints)
		if err != nil {
			return fmt.Errorf("problems: 2-2: %w", err)
		}
		spec = tfgraph.MLP(model22, 1, s.FnHidden, 1, tfgraph.Tanh, tfgraph.MSE)
		train, epochs, batch, lr = fn, s.FnEpochs, s.FnBatch, s.FnLR
	}
	m, err := tfgraph.New(spec, train, nil, tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: tfgraph.Adam, LearningRate: lr},
	})
	if err != nil {
		return err
	}
	defer m.Close()
	run := records.RunGradNormPrefix + task
	_, err = fit(ctx, env, rec, m, fitOptions{Run: task, Model: spec.Name, Seed: records.SeedOf(seed), Epochs: epochs, Batch: batch, StepRun: run})
	return err
}

// gradNormOf summarises the gradient-norm training of task from its rows in tab, the
// numbers the figure shows; mnistTrain is the number of MNIST training examples.
func gradNormOf(tab records.Table, s *settings22, task string, seed uint64, mnistTrain int) (gradNorm22, error) {
	run, name, train := records.RunGradNormPrefix+task, model22, s.FnPoints
	if task == "mnist" {
		name, train = "dnn", mnistTrain
	}
	rows := tab.Run(run).Model(name).Split(records.SplitTrain)
	loss, gn := byStep(rows.Metric("loss")), byStep(rows.Metric("grad_norm"))
	if len(loss) == 0 || len(gn) != len(loss) {
		return gradNorm22{}, fmt.Errorf("problems: 2-2: %s has %d loss and %d gradient-norm rows", run, len(loss), len(gn))
	}
	lc, gc := analysis.SummarizeCurve(loss, len(loss)/10), analysis.SummarizeCurve(gn, len(gn)/10)
	return gradNorm22{Task: task, Seed: seed, Train: train, Iterations: gc.Len, FirstLoss: lc.First, LastLoss: lc.Tail,
		FirstGradNorm: gc.First, PeakGradNorm: gc.Peak, PeakIteration: gc.PeakIndex + 1, LastGradNorm: gc.Tail}, nil
}
