package problems

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings31 are the settings of problem 3-1.
type settings31 struct {
	// Hidden are the widths of the ReLU hidden layers of the MLP.
	Hidden []int `set:"hidden" range:"[1,inf)"`
	// Train is the number of training examples used (the first ones); 0 means all.
	Train int `set:"train" range:"[0,60000]"`
	// Epochs is the budget; training stops earlier once the training accuracy (on the
	// whole training set, random labels) reaches Target.
	Epochs int     `set:"epochs" range:"[1,inf)"`
	Target float64 `set:"target" range:"[0,1]"`
	// Batch, Optimizer and LearningRate set the training.
	Batch        int     `set:"batch" range:"[1,inf)"`
	Optimizer    string  `set:"optimizer" range:"{sgd,momentum,adam}"`
	LearningRate float64 `set:"lr" range:"(0,inf)"`
	// Contrast also trains the same model on the true labels, with the same rule.
	Contrast bool `set:"contrast"`
}

func defaults31(p Profile) any {
	s := &settings31{
		Hidden: []int{512, 512}, Train: 2000, Epochs: 300, Target: 0.99,
		Batch: 128, Optimizer: "adam", LearningRate: 1e-3, Contrast: true,
	}
	if p == Full {
		s.Hidden = []int{1024, 1024}
		s.Train = 0
		s.Epochs = 2000
	}
	return s
}

func init() {
	register(Problem{
		Name:     records.Problem31,
		Title:    "Can a network fit random labels?",
		Question: "Can a network with enough parameters fit training labels drawn at random, and what happens to its test accuracy?",
		Defaults: defaults31,
		Run:      run31,
		Answer:   answer31,
	})
}

// The runs of 3-1.
const (
	run31Random = "random-labels"
	run31True   = "true-labels"
)

func run31(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings31](env, rec, defaults31)
	if err != nil {
		return err
	}
	opt, err := tfgraph.ParseOptimizer(s.Optimizer)
	if err != nil {
		return err
	}
	if s.Epochs < 1 || !(s.Target > 0 && s.Target <= 1) {
		return fmt.Errorf("problems: 3-1: need epochs >= 1 and 0 < target <= 1, got %d and %g", s.Epochs, s.Target)
	}
	ds, train, err := env.loadTrain(s.Train)
	if err != nil {
		return err
	}
	rec.Dataset(ds, train.N, ds.Test.N)

	// The random labels are drawn once, here, and stay fixed for the whole training.
	labelSeed := seedFor(env.Seed, 100)
	rec.Seed(labelSeed)
	random := data.RandomLabels(train.Labels, train.Classes, 1, labelSeed)
	agree := 0
	for i, l := range random {
		if l == train.Labels[i] {
			agree++
		}
	}
	rec.Summary("label_agreement", float64(agree)/float64(train.N))
	rec.Note("Every training label was redrawn uniformly at random once (seed %d) and kept fixed; %.1f%% of them equal the true label by chance. The test set keeps its true labels.", labelSeed, 100*float64(agree)/float64(train.N))

	spec := tfgraph.MLP(mlpName(train.Dim(), s.Hidden, train.Classes), train.Dim(), s.Hidden, train.Classes, tfgraph.ReLU, tfgraph.CrossEntropy)
	n, err := spec.NumParams()
	if err != nil {
		return err
	}
	rec.Summary("params", float64(n))
	rec.Summary("train_examples", float64(train.N))

	runs := []struct {
		run    string
		labels []int32
	}{{run31Random, random}}
	if s.Contrast {
		runs = append(runs, struct {
			run    string
			labels []int32
		}{run31True, train.Labels})
	}
	modelSeed := seedFor(env.Seed, 0)
	rec.Seed(modelSeed)
	for _, r := range runs {
		if err := train31(ctx, env, rec, s, spec, withLabels(train, r.labels), tensorData(ds.Test), r.run, modelSeed, opt); err != nil {
			return err
		}
	}
	return nil
}

// train31 trains spec on one labelling until the training accuracy reaches the target
// or the budget ends, and summarises the outcome under the run's name.
func train31(ctx context.Context, env *Env, rec *Recorder, s *settings31, spec tfgraph.Spec, train, test *tfgraph.Data, run string, seed uint64, opt tfgraph.OptimizerKind) error {
	m, err := tfgraph.New(spec, train, test, tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: opt, LearningRate: s.LearningRate},
	})
	if err != nil {
		return err
	}
	defer m.Close()
	last, err := fit(ctx, env, rec, m, fitOptions{
		Run: run, Model: spec.Name, Epochs: s.Epochs, Batch: s.Batch,
		EvalTrain: true, EvalTest: true,
		Until: func(st EpochStats) bool { return st.TrainAcc >= s.Target },
	})
	if err != nil {
		return err
	}
	trainLoss, trainAcc, err := m.Evaluate(tfgraph.Train)
	if err != nil {
		return err
	}
	testLoss, testAcc, err := m.Evaluate(tfgraph.Test)
	if err != nil {
		return err
	}
	reached := trainAcc >= s.Target
	rec.Summary(run+"/epochs", float64(last.Epoch))
	rec.Summary(run+"/reached_target", b2f(reached))
	rec.Summary(run+"/steps", float64(m.Steps()))
	rec.Summary(run+"/train_loss", trainLoss)
	rec.Summary(run+"/train_accuracy", trainAcc)
	rec.Summary(run+"/test_loss", testLoss)
	rec.Summary(run+"/test_accuracy", testAcc)
	env.log().Info("3-1", "run", run, "epochs", last.Epoch, "train_accuracy", trainAcc, "test_accuracy", testAcc)
	return nil
}

// mlpName names an MLP by its layer widths: "mlp-784-512-512-10".
func mlpName(in int, hidden []int, out int) string {
	parts := []string{"mlp", fmt.Sprint(in)}
	for _, h := range hidden {
		parts = append(parts, fmt.Sprint(h))
	}
	return strings.Join(append(parts, fmt.Sprint(out)), "-")
}

// firstLast returns the first and the last value, by epoch, of one metric of a run's
// split in the records of res.
func firstLast(res RunResult, run, split, metric string) (first, last float64, ok bool) {
	t, err := records.Read(filepath.Join(res.Dir, records.RecordsFile))
	if err != nil {
		return 0, 0, false
	}
	pts, err := t.Run(run).Split(split).Metric(metric).Series(records.ByEpoch)
	if err != nil || len(pts) == 0 {
		return 0, 0, false
	}
	return pts[0].Y, pts[len(pts)-1].Y, true
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// answer31 says whether the network fitted the random labels, in how many epochs, and
// what its test accuracy was, against the true-label contrast when there is one.
func answer31(res RunResult) string {
	sum := res.Manifest.Flat()
	var b strings.Builder
	target := 0.99
	if v, ok := res.Manifest.Settings["target"].(float64); ok {
		target = v
	}
	ep, trainAcc, testAcc := sum[run31Random+"/epochs"], sum[run31Random+"/train_accuracy"], sum[run31Random+"/test_accuracy"]
	if sum[run31Random+"/reached_target"] == 1 {
		fmt.Fprintf(&b, "Yes: the %d-parameter MLP fitted %d training examples whose labels were all drawn at random, reaching %.1f%% training accuracy after %d epochs. ",
			int(sum["params"]), int(sum["train_examples"]), 100*trainAcc, int(ep))
	} else {
		fmt.Fprintf(&b, "Not within the budget: after %d epochs the %d-parameter MLP reached %.1f%% training accuracy on the random labels (target %.0f%%). ",
			int(ep), int(sum["params"]), 100*trainAcc, 100*target)
	}
	fmt.Fprintf(&b, "Its test accuracy ended at %.1f%% (chance is 10%%)", 100*testAcc)
	if first, final, ok := firstLast(res, run31Random, "test", "loss"); ok {
		fmt.Fprintf(&b, " and its test loss went from %.3g after the first epoch to %.3g", first, final)
	}
	b.WriteString(": what it learned about the random labels does not transfer to the true ones. ")
	if te, ok := sum[run31True+"/epochs"]; ok {
		fmt.Fprintf(&b, "With the true labels the same model reached %.1f%% training accuracy in %d epochs and %.1f%% test accuracy", 100*sum[run31True+"/train_accuracy"], int(te), 100*sum[run31True+"/test_accuracy"])
		if te > 0 && sum[run31Random+"/reached_target"] == 1 {
			fmt.Fprintf(&b, "; fitting noise took %.1f times as many epochs", ep/te)
		}
		b.WriteString(".")
	}
	return b.String()
}
