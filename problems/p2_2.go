package problems

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"

	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings22 are the settings of problem 2-2.
type settings22 struct {
	// Tasks are the gradient-norm trainings: "mnist" (the default dataset) and/or a
	// 1-D function of data.FunctionNames.
	Tasks []string `set:"tasks"`

	// MNISTHidden, MNISTEpochs, MNISTBatch and MNISTLR set the DNN (ReLU, Adam,
	// cross-entropy) of the MNIST gradient-norm training; MNISTTrain is the number of
	// training examples used (0: all).
	MNISTHidden []int   `set:"mnist_hidden"`
	MNISTEpochs int     `set:"mnist_epochs"`
	MNISTBatch  int     `set:"mnist_batch"`
	MNISTLR     float64 `set:"mnist_lr"`
	MNISTTrain  int     `set:"mnist_train"`

	// FnHidden, FnEpochs, FnBatch (0: the whole training set) and FnLR set the tanh
	// MLP (Adam, MSE) of the gradient-norm training on a function, fitted on FnPoints
	// points of [Lo, Hi].
	FnHidden []int   `set:"fn_hidden"`
	FnEpochs int     `set:"fn_epochs"`
	FnBatch  int     `set:"fn_batch"`
	FnLR     float64 `set:"fn_lr"`
	FnPoints int     `set:"fn_points"`
	Lo       float64 `set:"lo"`
	Hi       float64 `set:"hi"`

	// Trainings is the number of networks (one seed each) driven to a point of almost
	// zero gradient. Function and Points give their data (on [Lo, Hi]) and Hidden the
	// widths of their tanh layers (float64, MSE).
	Trainings int    `set:"trainings"`
	Function  string `set:"function"`
	Points    int    `set:"points"`
	Hidden    []int  `set:"hidden"`
	// Phase1Epochs passes of Adam at Phase1LR on batches of Phase1Batch (0: the whole
	// training set) minimise the loss.
	Phase1Epochs int     `set:"phase1_epochs"`
	Phase1LR     float64 `set:"phase1_lr"`
	Phase1Batch  int     `set:"phase1_batch"`
	// Phase 2 minimises ||∇L||² over the whole training set with L-BFGS until
	// ||∇L|| < Tol or Phase2Steps iterations.
	Phase2Steps int     `set:"phase2_steps"`
	Tol         float64 `set:"tol"`
	// EigTol is the tolerance of "eigenvalue > 0": an eigenvalue of the Hessian counts
	// as positive when it exceeds EigTol. The spectrum has no gap between zero and
	// positive eigenvalues, so the minimal ratio depends on it; the default 1e-5 is
	// about 1e-6 of the largest eigenvalue of these networks.
	EigTol float64 `set:"eig_tol"`
}

func defaults22(p Profile) any {
	s := &settings22{
		Tasks:       []string{"mnist", "sinc"},
		MNISTHidden: []int{32, 32}, MNISTEpochs: 3, MNISTBatch: 64, MNISTLR: 1e-3,
		FnHidden: []int{20, 20}, FnEpochs: 3000, FnBatch: 0, FnLR: 3e-3, FnPoints: 300, Lo: -1, Hi: 1,
		Trainings: 20, Function: "sinc", Points: 128, Hidden: []int{10, 10},
		Phase1Epochs: 2500, Phase1LR: 0.01, Phase1Batch: 32,
		Phase2Steps: 500, Tol: 1e-4, EigTol: 1e-5,
	}
	if p == Full {
		s.MNISTEpochs, s.FnEpochs = 10, 20000
		s.Trainings, s.Phase1Epochs, s.Phase2Steps = 100, 5000, 2000
	}
	return s
}

func init() {
	register(Problem{
		Name:     records.Problem22,
		Title:    "Gradient norm, and what happens when the gradient is almost zero",
		Question: "How does the gradient norm evolve during training, and what does the Hessian look like where the gradient vanishes?",
		Defaults: defaults22,
		Run:      run22,
		Answer:   answer22,
	})
}

// model22 is the model name of the minimal-ratio trainings.
const model22 = "mlp"

// metrics22 are the rows each minimal-ratio training writes, in order.
var metrics22 = []string{"loss", "grad_norm", "minimal_ratio", "min_eigenvalue", "max_eigenvalue", "steps", "converged",
	"params", "eig_tolerance", "hessian_asymmetry", "phase1_loss", "phase1_grad_norm"}

func run22(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings22](env, rec, defaults22)
	if err != nil {
		return err
	}
	if s.Trainings < 1 || s.Tol <= 0 || s.EigTol < 0 || s.Points < 2 {
		return fmt.Errorf("problems: 2-2: need trainings >= 1, tol > 0, eig_tol >= 0 and points >= 2")
	}
	if !slices.Contains(s.Tasks, "mnist") {
		rec.DatasetInfo(s.Function, fmt.Sprintf("%d points on [%g, %g]", s.Points, s.Lo, s.Hi), s.Points, 0)
	}
	for i, task := range s.Tasks {
		if err := gradNormTraining(ctx, env, rec, s, task, seedFor(env.Seed, 1000+i)); err != nil {
			return err
		}
	}
	return minimalRatios(ctx, env, rec, s)
}

// gradNormTraining trains one model on task from seed, recording the loss and the
// gradient norm of every iteration (run gradnorm-<task>), and summarises them.
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
		set := ds.Train
		if s.MNISTTrain > 0 {
			set = set.Subset(s.MNISTTrain)
		}
		rec.Dataset(ds, set.N, 0)
		spec = tfgraph.MLP("dnn", set.Dim(), s.MNISTHidden, set.Classes, tfgraph.ReLU, tfgraph.CrossEntropy)
		train, epochs, batch, lr = tensorData(set), s.MNISTEpochs, s.MNISTBatch, s.MNISTLR
	} else {
		x, y, err := data.Function(task, s.FnPoints, s.Lo, s.Hi)
		if err != nil {
			return fmt.Errorf("problems: 2-2: %w", err)
		}
		spec = tfgraph.MLP(model22, 1, s.FnHidden, 1, tfgraph.Tanh, tfgraph.MSE)
		train, epochs, batch, lr = &tfgraph.Data{X: x, Shape: []int{1}, Targets: y}, s.FnEpochs, s.FnBatch, s.FnLR
	}
	rec.Seed(seed)
	m, err := tfgraph.New(spec, train, nil, tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: tfgraph.Adam, LearningRate: lr},
	})
	if err != nil {
		return err
	}
	defer m.Close()
	run := records.RunGradNormPrefix + task
	if _, err := fit(ctx, env, rec, m, fitOptions{Run: task, Model: spec.Name, Epochs: epochs, Batch: batch, StepRun: run}); err != nil {
		return err
	}
	// Summaries from the rows just written: the same numbers the figure shows.
	if err := rec.Flush(); err != nil {
		return err
	}
	tab, err := records.Read(filepath.Join(env.Dir, records.RecordsFile))
	if err != nil {
		return fmt.Errorf("problems: 2-2: %w", err)
	}
	rows := tab.Run(run).Model(spec.Name).Split("train")
	loss, gn := byStep(rows.Metric("loss")), byStep(rows.Metric("grad_norm"))
	if len(loss) == 0 || len(gn) != len(loss) {
		return fmt.Errorf("problems: 2-2: %s has %d loss and %d gradient-norm rows", run, len(loss), len(gn))
	}
	tail := max(len(gn)/10, 1)
	peak := 0
	for i := range gn {
		if gn[i] > gn[peak] {
			peak = i
		}
	}
	rec.Summary(run+"/iterations", float64(len(gn)))
	rec.Summary(run+"/first_loss", loss[0])
	rec.Summary(run+"/last_loss", stat.Mean(loss[len(loss)-tail:], nil))
	rec.Summary(run+"/first_grad_norm", gn[0])
	rec.Summary(run+"/peak_grad_norm", gn[peak])
	rec.Summary(run+"/peak_iteration", float64(peak+1))
	rec.Summary(run+"/last_grad_norm", stat.Mean(gn[len(gn)-tail:], nil))
	return nil
}

// byStep returns the values of rows ordered by step.
func byStep(rows records.Table) []float64 {
	rows = slices.Clone(rows)
	sort.Slice(rows, func(i, j int) bool { return rows[i].Step < rows[j].Step })
	out := make([]float64, len(rows))
	for i, r := range rows {
		out[i] = r.Value
	}
	return out
}

// minimalResult is what one minimal-ratio training measured at its end point.
type minimalResult struct {
	Phase1Loss, Phase1GradNorm float64
	Loss, GradNorm             float64 // at the end of phase 2
	Steps                      int     // phase-2 iterations
	Converged                  bool    // GradNorm < Tol
	Ratio, MinEig, MaxEig      float64
	EigTol                     float64 // the threshold of "eigenvalue > 0"
	Asymmetry                  float64 // max|H-Hᵀ| / max|H|
	Params                     int
}

func (r minimalResult) values() []float64 {
	conv := 0.0
	if r.Converged {
		conv = 1
	}
	return []float64{r.Loss, r.GradNorm, r.Ratio, r.MinEig, r.MaxEig, float64(r.Steps), conv,
		float64(r.Params), r.EigTol, r.Asymmetry, r.Phase1Loss, r.Phase1GradNorm}
}

func minimalFrom(v map[string]float64) minimalResult {
	return minimalResult{
		Loss: v["loss"], GradNorm: v["grad_norm"], Ratio: v["minimal_ratio"], MinEig: v["min_eigenvalue"],
		MaxEig: v["max_eigenvalue"], Steps: int(v["steps"]), Converged: v["converged"] == 1, Params: int(v["params"]),
		EigTol: v["eig_tolerance"], Asymmetry: v["hessian_asymmetry"], Phase1Loss: v["phase1_loss"], Phase1GradNorm: v["phase1_grad_norm"],
	}
}

// minimalData returns the training data of the minimal-ratio trainings.
func minimalData(s *settings22) (*tfgraph.Data, error) {
	x, y, err := data.Function(s.Function, s.Points, s.Lo, s.Hi)
	if err != nil {
		return nil, fmt.Errorf("problems: 2-2: %w", err)
	}
	return &tfgraph.Data{X: x, Shape: []int{1}, Targets: y}, nil
}

// minimalRatios runs s.Trainings trainings to a point of almost zero gradient and
// records the spectrum of the Hessian there. With env.Resume, trainings whose rows
// are all present are not redone.
func minimalRatios(ctx context.Context, env *Env, rec *Recorder, s *settings22) error {
	train, err := minimalData(s)
	if err != nil {
		return err
	}
	spec := tfgraph.MLP(model22, 1, s.Hidden, 1, tfgraph.Tanh, tfgraph.MSE)
	n, err := spec.NumParams()
	if err != nil {
		return err
	}
	env.log().Info("minimal ratio", "trainings", s.Trainings, "params", n)
	rec.Note("Minimal ratio: %d networks 1-%s-1 (tanh, MSE, float64, %d parameters) on %d points of %s; phase 1: %d epochs of Adam at %g, batch %d; phase 2: L-BFGS on ||grad L||^2 over the whole training set until ||grad L|| < %g or %d iterations; eigenvalue > 0 means > %g.",
		s.Trainings, joinInts(s.Hidden, "-"), n, s.Points, s.Function, s.Phase1Epochs, s.Phase1LR, s.Phase1Batch, s.Tol, s.Phase2Steps, s.EigTol)

	done := map[string]minimalResult{}
	if env.Resume {
		if done, err = finishedMinimal(rec, env.Dir); err != nil {
			return err
		}
	}
	// One float64 model with exact second derivatives serves every end point.
	an, err := tfgraph.New(spec, train, nil, tfgraph.Config{DType: tfgraph.Float64, SecondOrder: true, Session: env.session()})
	if err != nil {
		return err
	}
	defer an.Close()
	results := make([]minimalResult, 0, s.Trainings)
	bar := env.unitProgress(s.Trainings, "minimal ratio", "training")
	defer bar.Close()
	for i := 0; i < s.Trainings; i++ {
		seed := seedFor(env.Seed, i)
		rec.Seed(seed)
		run := fmt.Sprintf("seed-%d", i+1)
		r, ok := done[run]
		if !ok {
			if r, err = trainToCritical(ctx, s, spec, train, an, seed, env.session()); err == nil {
				hbar := env.unitProgress(an.NumParams(), "Hessian "+run, "column")
				err = hessianSpectrum(an, s.EigTol, &r, func(int, int) { hbar.Add(1) })
				hbar.Close()
			}
			if err != nil {
				return fmt.Errorf("problems: 2-2: %s: %w", run, err)
			}
			for k, v := range r.values() {
				if err := rec.Add(run, model22, "train", NoStep, NoEpoch, metrics22[k], v); err != nil {
					return err
				}
			}
			if err := rec.Flush(); err != nil {
				return err
			}
			env.log().Info("minimal ratio", "run", run, "loss", r.Loss, "grad_norm", r.GradNorm, "steps", r.Steps, "ratio", r.Ratio, "min_eig", r.MinEig)
		}
		if r.Asymmetry > 1e-6 {
			return fmt.Errorf("problems: 2-2: %s: Hessian asymmetry %.3g exceeds 1e-6 of its largest entry", run, r.Asymmetry)
		}
		results = append(results, r)
		bar.Add(1)
		bar.Describe(fmt.Sprintf("minimal ratio %.3f", r.Ratio))
	}
	summarize22(rec, s, results)
	return nil
}

// finishedMinimal returns the minimal-ratio trainings whose rows are all present and
// drops the rows of those that are incomplete (a run killed while writing them).
func finishedMinimal(rec *Recorder, dir string) (map[string]minimalResult, error) {
	if err := rec.Flush(); err != nil {
		return nil, err
	}
	tab, err := records.Read(filepath.Join(dir, records.RecordsFile))
	if err != nil {
		return nil, fmt.Errorf("problems: 2-2: %w", err)
	}
	vals := map[string]map[string]float64{}
	for _, r := range tab {
		if r.Model == model22 && strings.HasPrefix(r.Run, "seed-") && !r.HasStep() {
			if vals[r.Run] == nil {
				vals[r.Run] = map[string]float64{}
			}
			vals[r.Run][r.Metric] = r.Value
		}
	}
	out := map[string]minimalResult{}
	for run, v := range vals {
		if len(v) == len(metrics22) {
			out[run] = minimalFrom(v)
		}
	}
	err = rec.dropRows(func(r records.Row) bool {
		_, ok := out[r.Run]
		return r.Model == model22 && strings.HasPrefix(r.Run, "seed-") && !r.HasStep() && !ok
	})
	return out, err
}

// trainToCritical trains one network from seed: phase 1 minimises the loss with Adam,
// phase 2 minimises ||∇L||² over the whole training set (see minimizeGradNorm) on an,
// a float64 model of the same spec and data built with SecondOrder, which it leaves at
// the end point. It returns the numbers of both phases.
func trainToCritical(ctx context.Context, s *settings22, spec tfgraph.Spec, train *tfgraph.Data, an *tfgraph.Model, seed uint64, sess tfgraph.SessionConfig) (minimalResult, error) {
	r := minimalResult{Params: an.NumParams()}
	m, err := tfgraph.New(spec, train, nil, tfgraph.Config{
		DType: tfgraph.Float64, Seed: seed, Session: sess,
		Optimizer: tfgraph.Optimizer{Kind: tfgraph.Adam, LearningRate: s.Phase1LR},
	})
	if err != nil {
		return r, err
	}
	defer m.Close()
	for e := 0; e < s.Phase1Epochs; e++ {
		if _, err := m.TrainEpoch(s.Phase1Batch, nil); err != nil {
			return r, err
		}
		if e%100 == 0 && ctx.Err() != nil {
			return r, ctx.Err()
		}
	}
	theta, err := m.GetParams()
	if err != nil {
		return r, err
	}
	if err := an.SetParams(theta); err != nil {
		return r, err
	}
	loss, g, err := an.FullGradient()
	if err != nil {
		return r, err
	}
	r.Phase1Loss, r.Phase1GradNorm = loss, floats.Norm(g, 2)
	if theta, r.Steps, err = minimizeGradNorm(ctx, an, theta, s.Tol, s.Phase2Steps); err != nil {
		return r, err
	}
	if err := an.SetParams(theta); err != nil {
		return r, err
	}
	if loss, g, err = an.FullGradient(); err != nil {
		return r, err
	}
	r.Loss, r.GradNorm = loss, floats.Norm(g, 2)
	r.Converged = r.GradNorm < s.Tol
	return r, nil
}

// gradNormObjective is f(θ) = ||∇L(θ)||² with ∇f(θ) = 2·H(θ)·∇L(θ), both over the whole
// training set, for gonum's optimizers. The gradient of f differentiates through ∇L
// (an exact Hessian-vector product), so minimising f does not minimise L. It caches
// ∇L at the last θ it was asked about, since Func and Grad are usually called at the
// same point.
type gradNormObjective struct {
	ctx  context.Context
	m    *tfgraph.Model
	x, g []float64
	err  error
}

func (o *gradNormObjective) at(x []float64) bool {
	if o.err != nil {
		return false
	}
	if o.x != nil && floats.Equal(o.x, x) {
		return true
	}
	if err := o.m.SetParams(x); err != nil {
		o.err = err
		return false
	}
	_, g, err := o.m.FullGradient()
	if err != nil {
		o.err = err
		return false
	}
	o.x, o.g = append(o.x[:0], x...), g
	return true
}

func (o *gradNormObjective) problem() optimize.Problem {
	return optimize.Problem{
		Func: func(x []float64) float64 {
			if !o.at(x) {
				return math.NaN()
			}
			return floats.Dot(o.g, o.g)
		},
		Grad: func(grad, x []float64) {
			if !o.at(x) {
				floats.Scale(math.NaN(), grad)
				return
			}
			hg, err := o.m.HVP(o.g)
			if err != nil {
				o.err = err
				floats.Scale(math.NaN(), grad)
				return
			}
			for i := range grad {
				grad[i] = 2 * hg[i]
			}
		},
		Status: func() (optimize.Status, error) {
			if o.err != nil {
				return optimize.Failure, o.err
			}
			if err := o.ctx.Err(); err != nil {
				return optimize.Failure, err
			}
			return optimize.NotTerminated, nil
		},
	}
}

// belowTol stops an optimization of ||∇L||² once ||∇L|| < tol.
type belowTol struct{ f float64 }

func (belowTol) Init(int) {}

func (c belowTol) Converged(loc *optimize.Location) optimize.Status {
	if loc.F < c.f {
		return optimize.FunctionThreshold
	}
	return optimize.NotTerminated
}

// minimizeGradNorm minimises ||∇L||² from theta with L-BFGS until ||∇L|| < tol or
// budget iterations, restarting L-BFGS from the best point when its line search gives
// up, and returns the best point and the iterations used.
func minimizeGradNorm(ctx context.Context, m *tfgraph.Model, theta []float64, tol float64, budget int) ([]float64, int, error) {
	obj := &gradNormObjective{ctx: ctx, m: m}
	best := slices.Clone(theta)
	bestF := math.Inf(1)
	if obj.at(best) {
		bestF = floats.Dot(obj.g, obj.g)
	}
	steps := 0
	for steps < budget && bestF >= tol*tol {
		res, err := optimize.Minimize(obj.problem(), best, &optimize.Settings{
			Converger:       belowTol{tol * tol},
			MajorIterations: budget - steps,
		}, &optimize.LBFGS{})
		if obj.err != nil {
			return nil, steps, obj.err
		}
		if ctx.Err() != nil {
			return nil, steps, ctx.Err()
		}
		if res == nil {
			return nil, steps, fmt.Errorf("minimising the gradient norm: %w", err)
		}
		steps += res.Stats.MajorIterations
		improved := res.Location.F < bestF
		if improved {
			best, bestF = slices.Clone(res.Location.X), res.Location.F
		}
		// No progress, or a stationary point of ||∇L||² that is not one of L: a
		// restart would start from the same place.
		if !improved || res.Stats.MajorIterations == 0 || res.Status == optimize.GradientThreshold {
			break
		}
	}
	return best, steps, obj.err
}

// hessianSpectrum computes the full Hessian of the training loss at the model's
// parameters, its asymmetry and its eigenvalues (symmetric solver), and the minimal
// ratio: the share of eigenvalues above tol. The progress callbacks, if any, are
// called after each column of the Hessian (see tfgraph.Model.Hessian).
func hessianSpectrum(m *tfgraph.Model, tol float64, r *minimalResult, progress ...func(done, total int)) error {
	h, err := m.Hessian(progress...)
	if err != nil {
		return err
	}
	r.Asymmetry = tfgraph.Asymmetry(h)
	ev, err := tfgraph.Eigenvalues(tfgraph.Symmetric(h))
	if err != nil {
		return err
	}
	r.MinEig, r.MaxEig = ev[0], ev[len(ev)-1]
	r.EigTol = tol
	pos := 0
	for _, v := range ev {
		if v > r.EigTol {
			pos++
		}
	}
	r.Ratio = float64(pos) / float64(len(ev))
	return nil
}

// summarize22 records the share of trainings that reached the tolerance, the range of
// minimal ratios and losses and how they relate.
func summarize22(rec *Recorder, s *settings22, rs []minimalResult) {
	var ratios, losses, reductions, convRatios, convLogLoss, negCurv []float64
	conv, saddles := 0, 0
	for _, r := range rs {
		ratios = append(ratios, r.Ratio)
		losses = append(losses, r.Loss)
		reductions = append(reductions, r.Phase1GradNorm/r.GradNorm)
		if r.Converged {
			conv++
			convRatios = append(convRatios, r.Ratio)
			convLogLoss = append(convLogLoss, math.Log10(r.Loss))
			if r.MinEig < -r.EigTol {
				saddles++
			}
			negCurv = append(negCurv, -r.MinEig/r.MaxEig)
		}
	}
	n := float64(len(rs))
	rec.Summary("trainings", n)
	rec.Summary("params", float64(rs[0].Params))
	rec.Summary("tol", s.Tol)
	rec.Summary("eig_tolerance", s.EigTol)
	rec.Summary("converged_share", float64(conv)/n)
	rec.Summary("minimal_ratio/min", minOf(ratios))
	rec.Summary("minimal_ratio/max", maxOf(ratios))
	rec.Summary("minimal_ratio/mean", stat.Mean(ratios, nil))
	rec.Summary("loss/min", minOf(losses))
	rec.Summary("loss/max", maxOf(losses))
	sort.Float64s(reductions)
	rec.Summary("grad_norm_reduction/median", stat.Quantile(0.5, stat.Empirical, reductions, nil))
	rec.Summary("grad_norm_reduction/min", reductions[0])
	if conv > 0 {
		rec.Summary("saddle_share_of_converged", float64(saddles)/float64(conv))
		sort.Float64s(negCurv)
		rec.Summary("negative_curvature_relative/median", stat.Quantile(0.5, stat.Empirical, negCurv, nil))
		rec.Summary("negative_curvature_relative/max", negCurv[len(negCurv)-1])
	}
	if conv > 2 {
		rec.Summary("corr_ratio_log10_loss", stat.Correlation(convRatios, convLogLoss, nil))
	}
}

// answer22 reports what the gradient norm did and what the Hessian looks like where
// the gradient vanishes, from the measured summary.
func answer22(res RunResult) string {
	sum := res.Manifest.Summary
	var b strings.Builder
	var runs []string
	for k := range sum {
		if strings.HasPrefix(k, "gradnorm-") && strings.HasSuffix(k, "/iterations") {
			runs = append(runs, strings.TrimSuffix(k, "/iterations"))
		}
	}
	sort.Strings(runs)
	for _, r := range runs {
		fmt.Fprintf(&b, "%s: over %d iterations the loss goes from %.3g to %.3g; the gradient norm starts at %.3g, peaks at %.3g (iteration %d) and ends near %.3g. ",
			strings.TrimPrefix(r, "gradnorm-"), int(sum[r+"/iterations"]), sum[r+"/first_loss"], sum[r+"/last_loss"],
			sum[r+"/first_grad_norm"], sum[r+"/peak_grad_norm"], int(sum[r+"/peak_iteration"]), sum[r+"/last_grad_norm"])
	}
	n := sum["trainings"]
	fmt.Fprintf(&b, "Almost zero gradient: of %d networks (%d parameters) trained on the loss and then on ||grad L||^2, %.0f%% reached ||grad L|| < %.0e (median reduction of the gradient norm by phase 2: %.3g times). ",
		int(n), int(sum["params"]), 100*sum["converged_share"], sum["tol"], sum["grad_norm_reduction/median"])
	fmt.Fprintf(&b, "There the minimal ratio (share of the full Hessian's eigenvalues above %.0e) lies between %.3f and %.3f (mean %.3f) and the loss between %.3g and %.3g. ",
		sum["eig_tolerance"], sum["minimal_ratio/min"], sum["minimal_ratio/max"], sum["minimal_ratio/mean"], sum["loss/min"], sum["loss/max"])
	if sh, ok := sum["saddle_share_of_converged"]; ok {
		fmt.Fprintf(&b, "%.0f%% of the converged points have an eigenvalue below minus that tolerance, so by this criterion they are saddle points rather than minima; their most negative eigenvalue is small, a median %.2g (at most %.2g) of the largest one. ",
			100*sh, sum["negative_curvature_relative/median"], sum["negative_curvature_relative/max"])
	}
	if sum["minimal_ratio/max"] < 1 {
		fmt.Fprintf(&b, "No point has all its eigenvalues above the tolerance: at most %.0f%% of the directions have a clearly positive curvature, the others are flat or negative. ", 100*sum["minimal_ratio/max"])
	}
	if c, ok := sum["corr_ratio_log10_loss"]; ok {
		fmt.Fprintf(&b, "Correlation between minimal ratio and log10 loss over the converged points: %.2f.", c)
	}
	return b.String()
}
