package problems

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings12 are the settings of problem 1-2.
type settings12 struct {
	// Tasks are the datasets trained on. "default" is full MNIST when present, else
	// the embedded digits; tasks whose files are absent are skipped with a note.
	Tasks []string `set:"tasks" range:"{default,digits,mnist,fashion-mnist,cifar10}"`
	// Epochs, Batch and LearningRate (Adam, decayed to a tenth along a cosine) set
	// the training.
	Epochs       int     `set:"epochs" range:"[1,inf)"`
	Batch        int     `set:"batch" range:"[1,inf)"`
	LearningRate float64 `set:"lr" range:"(0,inf)"`
	// Train limits the training examples (0: all).
	Train int `set:"train" range:"[0,60000]"`
}

func defaults12(p Profile) any {
	s := &settings12{Tasks: []string{"default"}, Epochs: 10, Batch: 64, LearningRate: 2e-3}
	if p == Full {
		s.Tasks = []string{"default", data.FashionMNIST, data.CIFAR10}
		s.Epochs = 12
		s.Batch = 128
	}
	return s
}

func init() {
	register(Problem{
		Name:     records.Problem12,
		Title:    "Train on actual tasks",
		Question: "On real images, how do CNNs of different depth (and a DNN) with similar parameter counts learn?",
		Defaults: defaults12,
		Run:      run12,
		Answer:   answer12,
	})
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

func run12(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings12](env, rec, defaults12)
	if err != nil {
		return err
	}
	ran := 0
	for ti, task := range s.Tasks {
		name := task
		if task == "default" {
			name = ""
		}
		ds, err := env.loadData(name)
		if errors.Is(err, data.ErrNotFound) && task != "default" {
			rec.Note("Task %s was skipped: its files are not present (hw1 data fetch %s).", task, task)
			env.log().Warn("task skipped", "task", task, "reason", err)
			continue
		}
		if err != nil {
			return err
		}
		train := firstN(ds.Train, s.Train)
		if ran == 0 {
			rec.Dataset(ds, train.N, ds.Test.N)
		}
		ran++
		for mi, spec := range models12(train.Shape, train.Classes) {
			if err := train12(ctx, env, rec, s, ds.Name, spec, train, ds.Test, seedFor(env.Seed, ti*10+mi)); err != nil {
				return err
			}
		}
	}
	if ran == 0 {
		return fmt.Errorf("problems: 1-2: none of the tasks %v could be loaded", s.Tasks)
	}
	return nil
}

func train12(ctx context.Context, env *Env, rec *Recorder, s *settings12, task string, spec tfgraph.Spec, train, test *data.Set, seed uint64) error {
	n, err := spec.NumParams()
	if err != nil {
		return err
	}
	rec.Seed(seed)
	m, err := tfgraph.New(spec, tensorData(train), tensorData(test), tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: tfgraph.Adam, LearningRate: s.LearningRate},
	})
	if err != nil {
		return err
	}
	defer m.Close()
	env.log().Info("training", "task", task, "model", spec.Name, "params", n)
	last, err := fit(ctx, env, rec, m, fitOptions{Run: task, Model: spec.Name, Epochs: s.Epochs, Batch: s.Batch, EvalTest: true, LR: cosine(s.LearningRate, s.Epochs)})
	if err != nil {
		return err
	}
	if err := rec.Add(task, spec.Name, "", NoStep, NoEpoch, "params", float64(n)); err != nil {
		return err
	}
	rec.Summary(task+"/"+spec.Name+"/params", float64(n))
	rec.Summary(task+"/"+spec.Name+"/train_loss", last.TrainLoss)
	rec.Summary(task+"/"+spec.Name+"/train_accuracy", last.TrainAcc)
	rec.Summary(task+"/"+spec.Name+"/test_accuracy", last.TestAcc)
	rec.Summary(task+"/"+spec.Name+"/test_loss", last.TestLoss)
	env.log().Info("trained", "task", task, "model", spec.Name, "test_accuracy", last.TestAcc)
	return rec.Flush()
}

// answer12 reports the best model per task and its test accuracy.
func answer12(res RunResult) string {
	type entry struct {
		model          string
		acc, params, l float64
	}
	tasks := map[string][]entry{}
	sum := res.Manifest.Flat()
	for k, v := range sum {
		p := strings.Split(k, "/")
		if len(p) == 3 && p[2] == "test_accuracy" {
			tasks[p[0]] = append(tasks[p[0]], entry{p[1], v, sum[p[0]+"/"+p[1]+"/params"], sum[p[0]+"/"+p[1]+"/train_loss"]})
		}
	}
	names := make([]string, 0, len(tasks))
	for t := range tasks {
		names = append(names, t)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, t := range names {
		es := tasks[t]
		sort.Slice(es, func(i, j int) bool { return es[i].acc > es[j].acc })
		fmt.Fprintf(&b, "On %s, ", t)
		for i, e := range es {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s (%d parameters) reaches %.2f%% test accuracy", e.model, int(e.params), 100*e.acc)
		}
		gap := 100 * (es[0].acc - es[len(es)-1].acc)
		fmt.Fprintf(&b, "; the best model leads the worst by %.2f points. ", math.Abs(gap))
	}
	return strings.TrimSpace(b.String())
}
