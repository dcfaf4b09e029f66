package problems

import (
	"context"
	"fmt"
	"math"
	"sort"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings32 are the settings of problem 3-2.
type settings32 struct {
	// Widths are the hidden widths h of the family of MLPs in-h-...-h-out compared.
	Widths []int `set:"widths" range:"[1,inf)"`
	// Depth is the number of hidden layers, all of width h, with ReLU.
	Depth int `set:"depth" range:"[1,inf)"`
	// Train is the number of training examples used (the first ones); 0 means all.
	Train int `set:"train" range:"[0,60000]"`
	// Epochs, Batch, Optimizer and LearningRate are the training budget every model
	// gets.
	Epochs       int     `set:"epochs" range:"[1,inf)"`
	Batch        int     `set:"batch" range:"[1,inf)"`
	Optimizer    string  `set:"optimizer" range:"{sgd,momentum,adam}"`
	LearningRate float64 `set:"lr" range:"(0,inf)"`
	// Seeds is the number of trainings of every model, each from its own seed; seed k
	// is shared by the models.
	Seeds int `set:"seeds" range:"[1,inf)"`
}

func defaults32(p Profile) any {
	s := &settings32{
		Widths: []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}, Depth: 1,
		Train: 2000, Epochs: 12, Batch: 64, Optimizer: "adam", LearningRate: 1e-3, Seeds: 3,
	}
	if p == Full {
		s.Widths = []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048}
		s.Train = 0
		s.Epochs = 50
		s.Seeds = 5
	}
	return s
}

func init() {
	register(Problem{
		Name:     records.Problem32,
		Title:    "Number of parameters v.s. generalization",
		Question: "How do the training and test loss and accuracy change with the number of parameters of models of one family trained with the same budget?",
		Defaults: defaults32,
		Run:      run32,
		Answer:   answer32,
	})
}

// The runs of 3-2: the per-epoch curves of every training, and the sweep of the final
// measurements against the parameter count (step = model index), which plots reads.
const (
	run32Train = records.RunTraining
	run32Sweep = records.RunSweep
)

func run32(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings32](env, rec, defaults32)
	if err != nil {
		return err
	}
	opt, err := tfgraph.ParseOptimizer(s.Optimizer)
	if err != nil {
		return err
	}
	if len(s.Widths) == 0 || s.Depth < 1 || s.Epochs < 1 {
		return fmt.Errorf("problems: 3-2: need widths, depth >= 1 and epochs >= 1")
	}
	ds, train, err := env.loadTrain(s.Train)
	if err != nil {
		return err
	}
	rec.Dataset(ds, train.N, ds.Test.N)
	widths := append([]int(nil), s.Widths...)
	sort.Ints(widths)
	seeds := seedList(env.Seed, 0, s.Seeds)
	for _, seed := range seeds {
		rec.Seed(seed)
	}
	sum := summary32{Seeds: s.Seeds, Train: train.N, Test: ds.Test.N, Epochs: s.Epochs}
	var pts []point32
	for i, h := range widths {
		if h < 1 {
			return fmt.Errorf("problems: 3-2: width %d must be at least 1", h)
		}
		hidden := make([]int, s.Depth)
		for j := range hidden {
			hidden[j] = h
		}
		spec := tfgraph.MLP(mlpName(train.Dim(), hidden, train.Classes), train.Dim(), hidden, train.Classes, tfgraph.ReLU, tfgraph.CrossEntropy)
		p := point32{name: spec.Name}
		for k, seed := range seeds {
			m, err := train32(ctx, env, rec, s, spec, tensorData(train), tensorData(ds.Test), i, seed, k == 0, opt)
			if err != nil {
				return err
			}
			p.params = float64(m.params)
			p.trainLoss, p.testLoss = append(p.trainLoss, m.trainLoss), append(p.testLoss, m.testLoss)
			p.trainAcc, p.testAcc = append(p.trainAcc, m.trainAcc), append(p.testAcc, m.testAcc)
		}
		pts = append(pts, p)
	}
	sum.fill(pts)
	return rec.SetSummary(&sum)
}

// measured32 is one trained model's final measurements.
type measured32 struct {
	params                                 int
	trainLoss, testLoss, trainAcc, testAcc float64
}

// train32 trains the index-th model of the sweep from one seed and writes its final
// train and test loss and accuracy at step index of the sweep run under that seed;
// first also writes the parameter count, once per model and without a seed.
func train32(ctx context.Context, env *Env, rec *Recorder, s *settings32, spec tfgraph.Spec, train, test *tfgraph.Data, index int, seed uint64, first bool, opt tfgraph.OptimizerKind) (measured32, error) {
	var out measured32
	m, err := tfgraph.New(spec, train, test, tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: opt, LearningRate: s.LearningRate},
	})
	if err != nil {
		return out, err
	}
	defer m.Close()
	sd := records.SeedOf(seed)
	last, err := fit(ctx, env, rec, m, fitOptions{Run: run32Train, Model: spec.Name, Seed: sd, Epochs: s.Epochs, Batch: s.Batch, EvalTest: true})
	if err != nil {
		return out, err
	}
	if env.Resume {
		// A resumed run measures again what an interrupted one may have written.
		if err := rec.dropSeedFrom(run32Sweep, spec.Name, sd, math.Inf(-1)); err != nil {
			return out, err
		}
		if first {
			if err := rec.dropSeedFrom(run32Sweep, spec.Name, records.NoSeed, math.Inf(-1)); err != nil {
				return out, err
			}
		}
	}
	out.params = m.NumParams()
	ep := float64(last.Epoch)
	if first {
		if err := rec.Add(run32Sweep, spec.Name, "", index, NoEpoch, "params", float64(out.params)); err != nil {
			return out, err
		}
	}
	for _, sp := range []tfgraph.Split{tfgraph.Train, tfgraph.Test} {
		loss, acc, err := m.Evaluate(sp)
		if err != nil {
			return out, err
		}
		row := records.Row{Run: run32Sweep, Model: spec.Name, Split: sp.String(), Seed: sd, Step: index, Epoch: ep, Metric: "loss", Value: loss}
		if err := rec.AddRow(row); err != nil {
			return out, err
		}
		row.Metric, row.Value = "accuracy", acc
		if err := rec.AddRow(row); err != nil {
			return out, err
		}
		if sp == tfgraph.Train {
			out.trainLoss, out.trainAcc = loss, acc
		} else {
			out.testLoss, out.testAcc = loss, acc
		}
	}
	env.log().Info("3-2", "model", spec.Name, "params", out.params, "seed", seed)
	return out, rec.Flush()
}
