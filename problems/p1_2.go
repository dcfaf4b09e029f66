package problems

import (
	"context"
	"errors"
	"fmt"

	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings12 are the settings of problem 1-2.
type settings12 struct {
	// Tasks are the datasets trained on. "default" is full MNIST when present, else
	// the embedded digits; tasks whose files are absent are skipped with a note.
	Tasks []string `set:"tasks" range:"{default,digits,mnist,fashion-mnist,cifar10}"`
	// budgetSettings and LearningRate set the training (Adam, the learning rate decayed
	// to a tenth along a cosine).
	budgetSettings
	LearningRate float64 `set:"lr" range:"(0,inf)"`
	// dataSettings give the training examples and the seeds of every task; seed k is
	// shared by the models.
	dataSettings
}

func defaults12(p Profile) any {
	s := &settings12{Tasks: []string{"default"}, LearningRate: 2e-3}
	s.Epochs, s.Batch, s.Seeds = 3, 64, 3
	if p == Full {
		s.Tasks = []string{"default", data.FashionMNIST, data.CIFAR10}
		s.Epochs = 12
		s.Batch = 128
		s.Seeds = 5
	}
	return s
}

// models12 returns the 1-2 models for inputs of shape in: the report's shallow CNN
// (two 5x5 convolutions with max-pooling, one hidden dense layer), a deeper CNN of four
// 3x3 convolutions with a similar parameter count, and a one-hidden-layer DNN.
func models12(in []int, classes int) []tfgraph.Spec {
	flat := in[0] * in[1] * in[2]
	return []tfgraph.Spec{
		{Name: "cnn-2", Input: in, Layers: []tfgraph.Layer{
			tfgraph.Conv2D{Filters: 16, Kernel: 5, Activation: tfgraph.ReLU},
			tfgraph.MaxPool2D{Size: 2},
			tfgraph.Conv2D{Filters: 32, Kernel: 5, Activation: tfgraph.ReLU},
			tfgraph.MaxPool2D{Size: 2},
			tfgraph.Flatten{},
			tfgraph.Dense{Units: 50, Activation: tfgraph.ReLU},
			tfgraph.Dense{Units: classes},
		}},
		{Name: "cnn-4", Input: in, Layers: []tfgraph.Layer{
			tfgraph.Conv2D{Filters: 16, Kernel: 3, Padding: tfgraph.Same, Activation: tfgraph.ReLU},
			tfgraph.Conv2D{Filters: 16, Kernel: 3, Padding: tfgraph.Same, Activation: tfgraph.ReLU},
			tfgraph.MaxPool2D{Size: 2},
			tfgraph.Conv2D{Filters: 32, Kernel: 3, Padding: tfgraph.Same, Activation: tfgraph.ReLU},
			tfgraph.Conv2D{Filters: 32, Kernel: 3, Padding: tfgraph.Same, Activation: tfgraph.ReLU},
			tfgraph.MaxPool2D{Size: 2},
			tfgraph.Flatten{},
			tfgraph.Dense{Units: 16, Activation: tfgraph.ReLU},
			tfgraph.Dense{Units: classes},
		}},
		tfgraph.MLP("dnn", flat, []int{50}, classes, tfgraph.ReLU, tfgraph.CrossEntropy),
	}
}

// models12Count is the number of models of 1-2 (see models12).
var models12Count = len(models12([]int{1, 1, 1}, 1))

// units12 lists 1-2's units: every task, every model of models12, every seed (unit
// (ti*models+mi)*seeds+k, seed seedList(base, ti, seeds)[k], shared by the models).
// The units of a task whose files are missing are skipped with a note.
func units12(s *settings12, base uint64) []Unit {
	var us []Unit
	for ti, task := range s.Tasks {
		for mi := range models12Count {
			for k, seed := range seedList(base, ti, s.Seeds) {
				us = append(us, Unit{Index: len(us), Name: fmt.Sprintf("%s model-%d seed-%d", task, mi+1, k+1), Seed: seed})
			}
		}
	}
	return us
}

// task12 loads the data of a task; skip reports a named task whose files are missing.
func (env *Env) task12(task string) (ds *data.Dataset, skip bool, err error) {
	name := task
	if task == "default" {
		name = ""
	}
	ds, err = env.loadData(name)
	if errors.Is(err, data.ErrNotFound) && task != "default" {
		return nil, true, err
	}
	return ds, false, err
}

// run12 trains the models of env's shard on every task present.
func run12(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings12](env, rec, defaults12)
	if err != nil {
		return err
	}
	loaded := 0
	u := 0
	for ti, task := range s.Tasks {
		ds, skip, err := env.task12(task)
		if skip {
			rec.Note("Task %s was skipped: its files are not present (hw1 data fetch %s).", task, task)
			env.log().Warn("task skipped", "task", task, "reason", err)
			u += models12Count * s.Seeds
			continue
		}
		if err != nil {
			return err
		}
		train := firstN(ds.Train, s.Train)
		if loaded == 0 {
			rec.Dataset(ds, train.N, ds.Test.N)
		}
		rec.DatasetPart(ds, train.N, ds.Test.N)
		loaded++
		seeds := seedList(env.Seed, ti, s.Seeds)
		for _, seed := range seeds {
			rec.Seed(seed)
		}
		for _, spec := range models12(train.Shape, train.Classes) {
			for k, seed := range seeds {
				if env.Shard.Has(u) {
					if _, _, err := train12(ctx, env, rec, s, ds.Name, spec, train, ds.Test, seed, k == 0); err != nil {
						return err
					}
				}
				u++
			}
		}
	}
	if loaded == 0 {
		return fmt.Errorf("problems: 1-2: none of the tasks %v could be loaded", s.Tasks)
	}
	return nil
}

// finish12 summarises 1-2 from the last recorded epoch of every training.
func finish12(_ context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings12](env, rec, defaults12)
	if err != nil {
		return err
	}
	tab, err := readTable(rec, env.Dir)
	if err != nil {
		return err
	}
	sum := summary12{Seeds: s.Seeds, Epochs: s.Epochs, Batch: s.Batch}
	for ti, task := range s.Tasks {
		ds, skip, err := env.task12(task)
		if skip {
			continue
		}
		if err != nil {
			return err
		}
		train := firstN(ds.Train, s.Train)
		sum.Tasks = append(sum.Tasks, task12{Task: ds.Name, Train: train.N, Test: ds.Test.N})
		for _, spec := range models12(train.Shape, train.Classes) {
			n, err := spec.NumParams()
			if err != nil {
				return err
			}
			r := result12{task: ds.Name, model: spec.Name, params: n}
			for k, seed := range seedList(env.Seed, ti, s.Seeds) {
				st, err := lastEpochStats(tab.Run(ds.Name).Model(spec.Name).Seed(records.SeedOf(seed)))
				if err != nil {
					return fmt.Errorf("problems: 1-2: %s %s seed-%d: %w", ds.Name, spec.Name, k+1, err)
				}
				r.last = append(r.last, st)
			}
			sum.add(r)
		}
	}
	if len(sum.Tasks) == 0 {
		return fmt.Errorf("problems: 1-2: none of the tasks %v could be loaded", s.Tasks)
	}
	sum.compare()
	return rec.SetSummary(&sum)
}

// train12 trains one model on one task from one seed and returns its last epoch's
// measurements and its parameter count; first writes the parameter count, once per
// model.
func train12(ctx context.Context, env *Env, rec *Recorder, s *settings12, task string, spec tfgraph.Spec, train, test *data.Set, seed uint64, first bool) (EpochStats, int, error) {
	n, err := spec.NumParams()
	if err != nil {
		return EpochStats{}, 0, err
	}
	m, err := tfgraph.New(spec, tensorData(train), tensorData(test), tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: tfgraph.Adam, LearningRate: s.LearningRate},
	})
	if err != nil {
		return EpochStats{}, 0, err
	}
	defer m.Close()
	env.log().Info("training", "task", task, "model", spec.Name, "params", n, "seed", seed)
	last, err := fit(ctx, env, rec, m, fitOptions{Run: task, Model: spec.Name, Seed: records.SeedOf(seed), Epochs: s.Epochs, Batch: s.Batch, EvalTest: true, LR: cosine(s.LearningRate, s.Epochs)})
	if err != nil {
		return last, n, err
	}
	if first {
		if env.Resume {
			if err := rec.dropSeedFrom(task, spec.Name, records.NoSeed, -1); err != nil {
				return last, n, err
			}
		}
		if err := rec.Add(task, spec.Name, "", NoStep, NoEpoch, "params", float64(n)); err != nil {
			return last, n, err
		}
	}
	env.log().Info("trained", "task", task, "model", spec.Name, "test_accuracy", last.TestAcc)
	return last, n, rec.Flush()
}
