package problems

import (
	"context"
	"fmt"
	"math"
	"sort"

	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings32 are the settings of problem 3-2.
type settings32 struct {
	// Widths are the hidden widths h of the family of MLPs in-h-...-h-out compared.
	Widths []int `set:"widths" range:"[1,inf)"`
	// Depth is the number of hidden layers, all of width h, with ReLU.
	Depth int `set:"depth" range:"[1,inf)"`
	// dataSettings give the training examples and the seeds; seed k is shared by the
	// models.
	dataSettings
	// trainingSettings set the training every model gets.
	trainingSettings
}

func defaults32(p Profile) any {
	s := &settings32{Widths: []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}, Depth: 1}
	s.Train, s.Seeds = 2000, 3
	s.Optimizer, s.LearningRate, s.Epochs, s.Batch = "adam", 1e-3, 12, 64
	if p == Full {
		s.Widths = []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048}
		s.Train = 0
		s.Epochs = 50
		s.Seeds = 5
	}
	return s
}

// The runs of 3-2: the per-epoch curves of every training, and the sweep of the final
// measurements against the parameter count (step = model index), which plots reads.
const (
	run32Train = records.RunTraining
	run32Sweep = records.RunSweep
)

// units32 lists 3-2's units: every width (ascending) with every seed (unit
// i*seeds+k, seed seedList(base, 0, seeds)[k], shared by the widths).
func units32(s *settings32, base uint64) []Unit {
	var us []Unit
	for _, h := range widths32(s) {
		for k, seed := range seedList(base, 0, s.Seeds) {
			us = append(us, Unit{Index: len(us), Name: fmt.Sprintf("width-%d seed-%d", h, k+1), Seed: seed})
		}
	}
	return us
}

// widths32 returns the widths of the sweep in ascending order.
func widths32(s *settings32) []int {
	widths := append([]int(nil), s.Widths...)
	sort.Ints(widths)
	return widths
}

// spec32 returns the model of width h.
func spec32(s *settings32, train *data.Set, h int) tfgraph.Spec {
	hidden := make([]int, s.Depth)
	for j := range hidden {
		hidden[j] = h
	}
	return reluMLP(train, hidden)
}

// run32 trains the models of env's shard.
func run32(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings32](env, rec, defaults32)
	if err != nil {
		return err
	}
	if len(s.Widths) == 0 || s.Depth < 1 || s.Epochs < 1 {
		return fmt.Errorf("problems: 3-2: need widths, depth >= 1 and epochs >= 1")
	}
	opt, ds, train, err := env.startTraining(rec, s)
	if err != nil {
		return err
	}
	seeds := seedList(env.Seed, 0, s.Seeds)
	for _, seed := range seeds {
		rec.Seed(seed)
	}
	u := 0
	for i, h := range widths32(s) {
		if h < 1 {
			return fmt.Errorf("problems: 3-2: width %d must be at least 1", h)
		}
		spec := spec32(s, train, h)
		for k, seed := range seeds {
			if env.Shard.Has(u) {
				if _, err := train32(ctx, env, rec, s, spec, tensorData(train), tensorData(ds.Test), i, seed, k == 0, opt); err != nil {
					return err
				}
			}
			u++
		}
	}
	return nil
}

// finish32 summarises 3-2 from the sweep's rows of every model and seed.
func finish32(_ context.Context, env *Env, rec *Recorder) error {
	s, ds, train, err := finishStart[settings32](env, rec, defaults32)
	if err != nil {
		return err
	}
	tab, err := readTable(rec, env.Dir)
	if err != nil {
		return err
	}
	tab = tab.Run(run32Sweep)
	sum := summary32{Seeds: s.Seeds, Train: train.N, Test: ds.Test.N, Epochs: s.Epochs}
	var pts []point32
	for i, h := range widths32(s) {
		spec := spec32(s, train, h)
		rows := tab.Model(spec.Name).Where(func(r records.Row) bool { return r.Step == i })
		last := func(t records.Table) (float64, error) {
			if len(t) == 0 {
				return 0, fmt.Errorf("problems: 3-2: %s is missing rows of the sweep", spec.Name)
			}
			return t[len(t)-1].Value, nil
		}
		p := point32{name: spec.Name}
		var err error
		if p.params, err = last(rows.Seed(records.NoSeed).Metric("params")); err != nil {
			return err
		}
		for _, seed := range seedList(env.Seed, 0, s.Seeds) {
			r := rows.Seed(records.SeedOf(seed))
			for _, f := range []struct {
				split, metric string
				to            *[]float64
			}{{"train", "loss", &p.trainLoss}, {"test", "loss", &p.testLoss}, {"train", "accuracy", &p.trainAcc}, {"test", "accuracy", &p.testAcc}} {
				v, err := last(r.Split(f.split).Metric(f.metric))
				if err != nil {
					return err
				}
				*f.to = append(*f.to, v)
			}
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
func train32(ctx context.Context, env *Env, rec *Recorder, s *settings32, spec tfgraph.Spec, train, test *tfgraph.Data, index int, seed uint64, first bool, opt tfgraph.Optimizer) (measured32, error) {
	var out measured32
	m, err := tfgraph.New(spec, train, test, tfgraph.Config{
		Seed: seed, Session: env.session(), Optimizer: opt,
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
