package problems

import (
	"context"
	"fmt"
	"math"
	"strings"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings11 are the settings of problem 1-1.
type settings11 struct {
	// Functions are the targets, from data.FunctionNames.
	Functions []string `set:"functions" range:"{sinc,sign,sin}"`
	// Family is the family of models compared.
	Family family11
	// Points is the number of evenly spaced training points on the interval [Lo, Hi].
	Points int `set:"points" range:"[2,inf)"`
	intervalSettings
	// Grid is the number of points of the dense prediction grid.
	Grid int `set:"grid" range:"[2,inf)"`
	// trainingSettings set the training; the learning rate decays from LearningRate to
	// a tenth of it along a cosine over the epochs.
	trainingSettings
	// Seeds is the number of trainings of every model on every function, each from its
	// own seed; seed k is shared by the depths, so they see the same data order.
	Seeds int `set:"seeds" range:"[1,inf)"`
	// Plateau defines "past the plateau": a training whose final training MSE is below
	// Plateau times the MSE of the best constant prediction (the target's variance on
	// the training points) got past the plateau where the net predicts a constant.
	Plateau float64 `set:"plateau" range:"(0,1)"`
	// StepsPerRun is the number of training steps per session run; 0 lets the engine
	// choose from the model's size (tfgraph.Config.StepsPerRun).
	StepsPerRun int `set:"steps_per_run" range:"[0,inf)"`
}

// family11 is the family of models 1-1 compares: MLPs 1-w-...-w-1 with Depths hidden
// layers, each model of the width w that brings its parameter count closest to the
// budget Params, with Activation in its hidden layers.
type family11 struct {
	Depths     []int  `set:"depths" range:"[1,inf)"`
	Params     int    `set:"params" range:"[4,inf)"`
	Activation string `set:"activation" range:"{relu,tanh,sigmoid,identity}"`
}

// models returns the specs of the family, one per depth, sized to the same budget.
func (f family11) models() ([]tfgraph.Spec, error) {
	act := tfgraph.Activation(f.Activation)
	var specs []tfgraph.Spec
	for _, d := range f.Depths {
		if d < 1 {
			return nil, fmt.Errorf("problems: 1-1: depth %d must be at least 1", d)
		}
		w := widthFor(d, f.Params)
		hidden := make([]int, d)
		for i := range hidden {
			hidden[i] = w
		}
		specs = append(specs, tfgraph.MLP(fmt.Sprintf("depth-%d", d), 1, hidden, 1, act, tfgraph.MSE))
	}
	return specs, nil
}

func defaults11(p Profile) any {
	s := &settings11{
		Functions: []string{"sinc", "sign"},
		Family:    family11{Depths: []int{1, 2, 4, 7}, Params: 600, Activation: "tanh"},
		Points:    300, Grid: 1000, Seeds: 5, Plateau: 0.5,
	}
	s.Lo, s.Hi = -1, 1
	s.Optimizer, s.LearningRate, s.Epochs, s.Batch = "adam", 1e-2, 1200, 300
	if p == Full {
		s.Functions = []string{"sinc", "sign", "sin"}
		// Full-batch Adam at 1e-2 with the cosine decay: with 5,000 epochs depth 4
		// got past the sign plateau in 3 of 3 seeds (final MSE 0.005 to 0.017).
		s.Epochs = 10000
	}
	return s
}

// widthFor returns the hidden width w of a 1-w-...-w-1 network with depth hidden
// layers whose parameter count is closest to target.
func widthFor(depth, target int) int {
	best, bestDiff := 1, math.MaxInt
	for w := 1; w <= 4*target; w++ {
		n := mlpParams(1, depth, w, 1)
		if d := abs(n - target); d < bestDiff {
			best, bestDiff = w, d
		}
		if n > 2*target {
			break
		}
	}
	return best
}

// mlpParams counts the parameters of an in-w-...-w-out network with depth hidden layers.
func mlpParams(in, depth, w, out int) int {
	return (in+1)*w + (depth-1)*(w+1)*w + (w+1)*out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// fit11 is one model fitted to one function over seeds, in the order of the seeds.
type fit11 struct {
	fn, model string
	final     []float64 // final training MSE per seed
}

// units11 lists 1-1's units: every function, every depth, every seed, in that
// order (unit (fi*depths+mi)*seeds+k); seed k of function fi is seedList(base, fi,
// seeds)[k], shared by the depths so that they see the same batches.
func units11(s *settings11, base uint64) []Unit {
	var us []Unit
	for fi, fn := range s.Functions {
		for _, d := range s.Family.Depths {
			for k, seed := range seedList(base, fi, s.Seeds) {
				us = append(us, Unit{Index: len(us), Name: fmt.Sprintf("%s depth-%d seed-%d", fn, d, k+1), Seed: seed})
			}
		}
	}
	return us
}

// setup11 returns 1-1's models and the rows of its summary that the settings fix.
func setup11(s *settings11) ([]tfgraph.Spec, summary11, error) {
	sum := summary11{Seeds: s.Seeds, Epochs: s.Epochs, Batch: s.Batch, Points: s.Points, Grid: s.Grid, PlateauFraction: s.Plateau}
	specs, err := s.Family.models()
	if err != nil {
		return nil, sum, err
	}
	for i, sp := range specs {
		n, err := sp.NumParams()
		if err != nil {
			return nil, sum, err
		}
		sum.Models = append(sum.Models, model11{Model: sp.Name, Depth: s.Family.Depths[i], Width: widthFor(s.Family.Depths[i], s.Family.Params), Params: n})
	}
	return specs, sum, nil
}

// run11 fits the models of env's shard. The rows that the seeds share (the ground
// truth on the grid, a model's parameter count and grid) go with the first seed's unit.
func run11(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings11](env, rec, defaults11)
	if err != nil {
		return err
	}
	opt, err := s.optimizer()
	if err != nil {
		return err
	}
	specs, sum, err := setup11(s)
	if err != nil {
		return err
	}
	for _, m := range sum.Models {
		env.log().Info("model", "name", m.Model, "params", m.Params)
	}
	rec.DatasetInfo(strings.Join(s.Functions, ","), fmt.Sprintf("%d points on [%g, %g]; predictions on a grid of %d", s.Points, s.Lo, s.Hi, s.Grid), s.Points, 0)
	u := 0
	for fi, fn := range s.Functions {
		train, err := s.trainingData(fn, s.Points)
		if err != nil {
			return fmt.Errorf("problems: 1-1: %w", err)
		}
		gx, gy, err := s.sample(fn, s.Grid)
		if err != nil {
			return fmt.Errorf("problems: 1-1: %w", err)
		}
		seeds := seedList(env.Seed, fi, s.Seeds)
		for mi, spec := range specs {
			for k, seed := range seeds {
				if mi == 0 {
					rec.Seed(seed)
				}
				if !env.Shard.Has(u) {
					u++
					continue
				}
				u++
				if mi == 0 && k == 0 {
					if err := truthRows11(env, rec, fn, gx, gy); err != nil {
						return err
					}
				}
				if k == 0 {
					if err := modelRows11(env, rec, fn, spec.Name, sum.Models[mi].Params, gx); err != nil {
						return err
					}
				}
				if _, err := train11(ctx, env, rec, s, spec, train, gx, fn, seed, opt); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// truthRows11 writes the ground truth of fn on the grid.
func truthRows11(env *Env, rec *Recorder, fn string, gx, gy []float32) error {
	if env.Resume {
		if err := rec.dropFrom(fn, records.ModelTruth, -1); err != nil {
			return err
		}
	}
	for i := range gx {
		if err := addXY(rec, fn, records.ModelTruth, i, float64(gx[i]), float64(gy[i])); err != nil {
			return err
		}
	}
	return nil
}

// modelRows11 writes the rows of a model that its seeds share: the parameter count
// and the grid's x.
func modelRows11(env *Env, rec *Recorder, fn, model string, params int, gx []float32) error {
	if env.Resume {
		if err := rec.dropSeedFrom(fn, model, records.NoSeed, -1); err != nil {
			return err
		}
	}
	if err := rec.Add(fn, model, "train", NoStep, NoEpoch, "params", float64(params)); err != nil {
		return err
	}
	for i := range gx {
		if err := rec.Add(fn, model, "grid", i, NoEpoch, "x", float64(gx[i])); err != nil {
			return err
		}
	}
	return nil
}

// finish11 summarises 1-1 from the final_loss rows of every fit.
func finish11(_ context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings11](env, rec, defaults11)
	if err != nil {
		return err
	}
	specs, sum, err := setup11(s)
	if err != nil {
		return err
	}
	tab, err := readTable(rec, env.Dir)
	if err != nil {
		return err
	}
	tab = tab.Split("train").Metric("final_loss")
	var fits []fit11
	for fi, fn := range s.Functions {
		_, y, err := s.sample(fn, s.Points)
		if err != nil {
			return fmt.Errorf("problems: 1-1: %w", err)
		}
		for _, spec := range specs {
			f := fit11{fn: fn, model: spec.Name}
			for k, seed := range seedList(env.Seed, fi, s.Seeds) {
				rows := tab.Run(fn).Model(spec.Name).Seed(records.SeedOf(seed))
				if len(rows) == 0 {
					return fmt.Errorf("problems: 1-1: %s %s seed-%d has no final_loss row", fn, spec.Name, k+1)
				}
				f.final = append(f.final, rows[len(rows)-1].Value)
			}
			fits = append(fits, f)
		}
		sum.Functions = append(sum.Functions, function11{Function: fn, ConstantMSE: variance32(y), Threshold: s.Plateau * variance32(y)})
	}
	sum.fill(fits)
	return rec.SetSummary(&sum)
}

// variance32 returns the population variance of y: the training MSE of the best
// constant prediction, the mean.
func variance32(y []float32) float64 {
	var m, v float64
	for _, t := range y {
		m += float64(t)
	}
	m /= float64(len(y))
	for _, t := range y {
		v += (float64(t) - m) * (float64(t) - m)
	}
	return v / float64(len(y))
}

// train11 trains one model on one function from one seed, writes its final loss and
// its predictions on the grid under that seed, and returns the final training MSE.
func train11(ctx context.Context, env *Env, rec *Recorder, s *settings11, spec tfgraph.Spec, train *tfgraph.Data, grid []float32, fn string, seed uint64, opt tfgraph.Optimizer) (float64, error) {
	m, err := tfgraph.New(spec, train, nil, tfgraph.Config{
		Seed: seed, Session: env.session(), StepsPerRun: s.StepsPerRun,
		Optimizer: opt,
	})
	if err != nil {
		return 0, err
	}
	defer m.Close()
	sd := records.SeedOf(seed)
	if _, err := fit(ctx, env, rec, m, fitOptions{Run: fn, Model: spec.Name, Seed: sd, Epochs: s.Epochs, Batch: s.Batch, Every: max(1, s.Epochs/300), LR: cosine(s.LearningRate, s.Epochs)}); err != nil {
		return 0, err
	}
	final, _, err := m.Evaluate(tfgraph.Train)
	if err != nil {
		return 0, err
	}
	pred, err := m.Predict(grid)
	if err != nil {
		return 0, err
	}
	row := records.Row{Run: fn, Model: spec.Name, Split: "train", Seed: sd, Step: NoStep, Epoch: NoEpoch, Metric: "final_loss", Value: final}
	if err := rec.AddRow(row); err != nil {
		return 0, err
	}
	for i := range grid {
		if err := rec.AddRow(records.Row{Run: fn, Model: spec.Name, Split: "grid", Seed: sd, Step: i, Epoch: NoEpoch, Metric: "y", Value: pred[i]}); err != nil {
			return 0, err
		}
	}
	return final, rec.Flush()
}

func addXY(rec *Recorder, run, model string, i int, x, y float64) error {
	if err := rec.Add(run, model, "grid", i, NoEpoch, "x", x); err != nil {
		return err
	}
	return rec.Add(run, model, "grid", i, NoEpoch, "y", y)
}
