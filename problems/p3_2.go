package problems

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

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
}

func defaults32(p Profile) any {
	s := &settings32{
		Widths: []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}, Depth: 1,
		Train: 2000, Epochs: 30, Batch: 64, Optimizer: "adam", LearningRate: 1e-3,
	}
	if p == Full {
		s.Widths = []int{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048}
		s.Train = 0
		s.Epochs = 50
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
	minP, maxP := math.Inf(1), 0.0
	for i, h := range widths {
		if h < 1 {
			return fmt.Errorf("problems: 3-2: width %d must be at least 1", h)
		}
		hidden := make([]int, s.Depth)
		for j := range hidden {
			hidden[j] = h
		}
		spec := tfgraph.MLP(mlpName(train.Dim(), hidden, train.Classes), train.Dim(), hidden, train.Classes, tfgraph.ReLU, tfgraph.CrossEntropy)
		seed := seedFor(env.Seed, i)
		rec.Seed(seed)
		n, err := train32(ctx, env, rec, s, spec, tensorData(train), tensorData(ds.Test), i, seed, opt)
		if err != nil {
			return err
		}
		minP, maxP = math.Min(minP, float64(n)), math.Max(maxP, float64(n))
	}
	rec.Summary("models", float64(len(widths)))
	rec.Summary("params_min", minP)
	rec.Summary("params_max", maxP)
	return nil
}

// train32 trains the index-th model of the sweep and writes its final train and test
// loss and accuracy and its parameter count at step index of the sweep run. It returns
// the parameter count.
func train32(ctx context.Context, env *Env, rec *Recorder, s *settings32, spec tfgraph.Spec, train, test *tfgraph.Data, index int, seed uint64, opt tfgraph.OptimizerKind) (int, error) {
	m, err := tfgraph.New(spec, train, test, tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: opt, LearningRate: s.LearningRate},
	})
	if err != nil {
		return 0, err
	}
	defer m.Close()
	last, err := fit(ctx, env, rec, m, fitOptions{Run: run32Train, Model: spec.Name, Epochs: s.Epochs, Batch: s.Batch, EvalTest: true})
	if err != nil {
		return 0, err
	}
	if env.Resume {
		// A resumed run measures again what an interrupted one may have written.
		if err := rec.dropFrom(run32Sweep, spec.Name, math.Inf(-1)); err != nil {
			return 0, err
		}
	}
	n := m.NumParams()
	ep := float64(last.Epoch)
	if err := rec.Add(run32Sweep, spec.Name, "", index, NoEpoch, "params", float64(n)); err != nil {
		return 0, err
	}
	for _, sp := range []tfgraph.Split{tfgraph.Train, tfgraph.Test} {
		loss, acc, err := m.Evaluate(sp)
		if err != nil {
			return 0, err
		}
		if err := rec.Add(run32Sweep, spec.Name, sp.String(), index, ep, "loss", loss); err != nil {
			return 0, err
		}
		if err := rec.Add(run32Sweep, spec.Name, sp.String(), index, ep, "accuracy", acc); err != nil {
			return 0, err
		}
		rec.Summary(fmt.Sprintf("%s/%s_loss", spec.Name, sp), loss)
		rec.Summary(fmt.Sprintf("%s/%s_accuracy", spec.Name, sp), acc)
	}
	rec.Summary(spec.Name+"/params", float64(n))
	env.log().Info("3-2", "model", spec.Name, "params", n)
	return n, rec.Flush()
}

// point32 is one model of the sweep as the answer reads it.
type point32 struct {
	name                                   string
	params                                 float64
	trainLoss, testLoss, trainAcc, testAcc float64
}

// sweep32 returns the models of a 3-2 summary sorted by parameter count.
func sweep32(sum map[string]float64) []point32 {
	var pts []point32
	for k, v := range sum {
		name, ok := strings.CutSuffix(k, "/params")
		if !ok {
			continue
		}
		pts = append(pts, point32{name: name, params: v,
			trainLoss: sum[name+"/train_loss"], testLoss: sum[name+"/test_loss"],
			trainAcc: sum[name+"/train_accuracy"], testAcc: sum[name+"/test_accuracy"]})
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].params < pts[j].params })
	return pts
}

// answer32 describes how the measured train and test metrics move with the number of
// parameters: where the test loss and accuracy are best, and the gap at the largest.
func answer32(res RunResult) string {
	pts := sweep32(res.Manifest.Flat())
	if len(pts) == 0 {
		return "No model finished."
	}
	small, large := pts[0], pts[len(pts)-1]
	bestAcc, bestLoss := pts[0], pts[0]
	for _, p := range pts {
		if p.testAcc > bestAcc.testAcc {
			bestAcc = p
		}
		if p.testLoss < bestLoss.testLoss {
			bestLoss = p
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d models from %d to %d parameters (%.0fx), same budget. ", len(pts), int(small.params), int(large.params), large.params/small.params)
	fmt.Fprintf(&b, "Training accuracy goes from %.1f%% for the smallest to %.1f%% for the largest, and training loss from %.3g to %.3g. ",
		100*small.trainAcc, 100*large.trainAcc, small.trainLoss, large.trainLoss)
	fmt.Fprintf(&b, "Test accuracy is best at %d parameters (%.1f%%; %.1f%% for the largest) and test loss lowest at %d parameters (%.3g; %.3g for the largest). ",
		int(bestAcc.params), 100*bestAcc.testAcc, 100*large.testAcc, int(bestLoss.params), bestLoss.testLoss, large.testLoss)
	fmt.Fprintf(&b, "The generalization gap (train minus test accuracy) is %.1f points for the smallest model and %.1f for the largest",
		100*(small.trainAcc-small.testAcc), 100*(large.trainAcc-large.testAcc))
	switch {
	case large.testLoss > 1.05*bestLoss.testLoss:
		fmt.Fprintf(&b, "; from %d parameters to the largest model the training loss falls from %.3g to %.3g while the test loss rises from %.3g to %.3g: the larger models overfit.",
			int(bestLoss.params), bestLoss.trainLoss, large.trainLoss, bestLoss.testLoss, large.testLoss)
	case bestLoss.params < large.params:
		fmt.Fprintf(&b, "; past %d parameters the test loss stays within 5%% of its minimum while the training loss keeps changing (%.3g to %.3g).",
			int(bestLoss.params), bestLoss.trainLoss, large.trainLoss)
	default:
		b.WriteString("; the test loss kept falling up to the largest model.")
	}
	return b.String()
}
