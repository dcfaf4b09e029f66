package problems

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"hw1/problems/analysis"
	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings21 are the settings of problem 2-1.
type settings21 struct {
	// Runs is the number of trainings, each from its own seed.
	Runs int `set:"runs" range:"[1,inf)"`
	// Hidden are the widths of the hidden layers and Activation their nonlinearity
	// (the seed report: 784-15-30-10 with ReLU).
	Hidden     []int  `set:"hidden" range:"[1,inf)"`
	Activation string `set:"activation" range:"{relu,tanh,sigmoid,identity}"`
	// Optimizer, LearningRate, Epochs and Batch set the training.
	Optimizer    string  `set:"optimizer" range:"{sgd,momentum,adam}"`
	LearningRate float64 `set:"lr" range:"(0,inf)"`
	Epochs       int     `set:"epochs" range:"[1,inf)"`
	Batch        int     `set:"batch" range:"[1,inf)"`
	// Every is the number of epochs between two snapshots of the parameters; the
	// initial parameters and the last epoch are always recorded.
	Every int `set:"every" range:"[1,inf)"`
	// Train is the number of training examples used (the first ones); 0 means all.
	Train int `set:"train" range:"[0,60000]"`
	// Layer is the index of the layer whose parameters get their own PCA.
	Layer int `set:"layer" range:"[0,len(hidden)]"`
}

func defaults21(p Profile) any {
	s := &settings21{
		Runs: 8, Hidden: []int{15, 30}, Activation: "relu",
		Optimizer: "adam", LearningRate: 1e-3, Epochs: 24, Batch: 100,
		Every: 3, Train: 0, Layer: 0,
	}
	if p == Full {
		s.Epochs, s.Batch = 30, 64
	}
	return s
}

func init() {
	register(Problem{
		Name:     records.Problem21,
		Title:    "Visualize the optimization process",
		Question: "Where do eight trainings of the same network from different seeds go in parameter space, seen through one PCA of all their snapshots?",
		Defaults: defaults21,
		Run:      run21,
		Answer:   answer21,
	})
}

// model21 is the model name of 2-1's records.
const model21 = "dnn"

// pcaView is one of the two PCAs of 2-1: the record split and the flat-vector range of
// the parameters it covers.
type pcaView struct {
	split  string
	lo, hi int
}

func run21(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings21](env, rec, defaults21)
	if err != nil {
		return err
	}
	if s.Runs < 2 || s.Epochs < 1 || s.Every < 1 {
		return fmt.Errorf("problems: 2-1: need runs >= 2, epochs >= 1 and every >= 1 (got %d, %d, %d)", s.Runs, s.Epochs, s.Every)
	}
	opt, err := tfgraph.ParseOptimizer(s.Optimizer)
	if err != nil {
		return err
	}
	ds, train, err := env.loadTrain(s.Train)
	if err != nil {
		return err
	}
	rec.Dataset(ds, train.N, ds.Test.N)
	spec := tfgraph.MLP(model21, train.Dim(), s.Hidden, train.Classes, tfgraph.Activation(s.Activation), tfgraph.CrossEntropy)
	params, _, err := spec.Check()
	if err != nil {
		return err
	}
	views := []pcaView{{split: "pca-layer", lo: -1}, {split: "pca-model", lo: 0}}
	for _, p := range params {
		if p.Layer == s.Layer {
			if views[0].lo < 0 {
				views[0].lo = p.Offset
			}
			views[0].hi = p.Offset + p.Size
		}
		views[1].hi = p.Offset + p.Size
	}
	if views[0].lo < 0 {
		return fmt.Errorf("problems: 2-1: layer %d of %s has no parameters", s.Layer, spec.Name)
	}
	env.log().Info("model", "name", spec.Name, "params", views[1].hi, "layer", s.Layer, "layer_params", views[0].hi-views[0].lo)
	rec.Note("Model %d-%s-%d (%s, %s), %d parameters; layer %d has %d. Snapshots every %d epochs plus the initial parameters.",
		train.Dim(), joinInts(s.Hidden, "-"), train.Classes, s.Activation, s.Optimizer, views[1].hi, s.Layer, views[0].hi-views[0].lo, s.Every)

	runs := make([][]snapshot, s.Runs)
	names := make([]string, s.Runs)
	for i := range runs {
		seed := seedFor(env.Seed, i)
		rec.Seed(seed)
		names[i] = fmt.Sprintf("seed-%d", i+1)
		if runs[i], err = train21(ctx, env, rec, s, spec, train, ds.Test, names[i], seed, opt); err != nil {
			return err
		}
	}
	if env.Resume {
		// A run killed while writing the projections redoes them all.
		if err := rec.dropRows(func(r records.Row) bool {
			return r.Model == model21 && (r.Split == views[0].split || r.Split == views[1].split)
		}); err != nil {
			return err
		}
	}
	for _, v := range views {
		e1, e2, err := project21(rec, s, v, names, runs)
		if err != nil {
			return err
		}
		rec.Summary("explained1/"+v.split, e1)
		rec.Summary("explained2/"+v.split, e2)
		env.log().Info("pca", "split", v.split, "dims", v.hi-v.lo, "explained1", e1, "explained2", e2)
	}
	summarize21(rec, runs)
	return rec.Flush()
}

// stepOf21 is the snapshot index of the snapshot taken after epoch: snapshot 0 is the
// initial parameters, then one every s.Every epochs, then the last epoch.
func stepOf21(every int) func(int) int {
	return func(epoch int) int { return (epoch + every - 1) / every }
}

// train21 trains one seed, recording a snapshot of the parameters at the start and
// every s.Every epochs, and returns the snapshots in epoch order. The snapshots are
// kept in env.Dir/snapshots so that a resumed run still has those of finished runs.
func train21(ctx context.Context, env *Env, rec *Recorder, s *settings21, spec tfgraph.Spec, train, test *data.Set, run string, seed uint64, opt tfgraph.OptimizerKind) ([]snapshot, error) {
	m, err := tfgraph.New(spec, tensorData(train), tensorData(test), tfgraph.Config{
		Seed: seed, Session: env.session(),
		Optimizer: tfgraph.Optimizer{Kind: opt, LearningRate: s.LearningRate},
	})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	path := filepath.Join(env.Dir, "snapshots", safeName(run)+".bin")
	prefix := rec.CheckpointPrefix(run, spec.Name)
	stepOf := stepOf21(s.Every)

	var snaps []snapshot
	if env.Resume {
		done, _, err := checkpointEpoch(prefix)
		if err != nil {
			return nil, err
		}
		if snaps, err = readSnapshots(path, m.NumParams()); err != nil {
			return nil, err
		}
		snaps = snapshotsUpTo(snaps, done)
		if !snapshotsCover(snaps, done, s.Every, s.Epochs) {
			// The snapshots do not match the checkpoint: start this run over.
			snaps = nil
			if err := os.Remove(prefix + ".epoch"); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("problems: 2-1: %w", err)
			}
			if err := rec.dropRows(func(r records.Row) bool { return r.Run == run && r.Model == spec.Name }); err != nil {
				return nil, err
			}
		}
	}
	if err := writeSnapshots(path, snaps); err != nil {
		return nil, err
	}
	add := func(ep int, loss, acc float64) error {
		p, err := m.GetParams()
		if err != nil {
			return err
		}
		sn := snapshot{Epoch: ep, Loss: loss, Acc: acc, Params: make([]float32, len(p))}
		for i, v := range p {
			sn.Params[i] = float32(v)
		}
		snaps = append(snaps, sn)
		return appendSnapshot(path, sn)
	}
	if len(snaps) == 0 {
		loss, acc, err := m.Evaluate(tfgraph.Train)
		if err != nil {
			return nil, err
		}
		tl, ta, err := m.Evaluate(tfgraph.Test)
		if err != nil {
			return nil, err
		}
		for _, r := range []struct {
			split, metric string
			v             float64
		}{{"train", "loss", loss}, {"train", "accuracy", acc}, {"test", "loss", tl}, {"test", "accuracy", ta}} {
			if err := rec.Add(run, spec.Name, r.split, 0, 0, r.metric, r.v); err != nil {
				return nil, err
			}
		}
		if err := rec.Flush(); err != nil {
			return nil, err
		}
		if err := add(0, loss, acc); err != nil {
			return nil, err
		}
	}
	_, err = fit(ctx, env, rec, m, fitOptions{
		Run: run, Model: spec.Name, Epochs: s.Epochs, Batch: s.Batch,
		EvalTrain: true, EvalTest: true, Every: s.Every, StepOf: stepOf,
		OnEpoch: func(st EpochStats) error { return add(st.Epoch, st.TrainLoss, st.TrainAcc) },
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].Epoch < snaps[j].Epoch })
	return snaps, nil
}

// project21 fits one PCA on the parameters in [v.lo, v.hi) of every snapshot of every
// run, writes each snapshot's projection on the first two components and the share of
// variance they explain, and returns those shares.
func project21(rec *Recorder, s *settings21, v pcaView, names []string, runs [][]snapshot) (e1, e2 float64, err error) {
	rows := 0
	for _, r := range runs {
		rows += len(r)
	}
	d := v.hi - v.lo
	x := mat.NewDense(rows, d, nil)
	k := 0
	for _, r := range runs {
		for _, sn := range r {
			row := x.RawRowView(k)
			for j, p := range sn.Params[v.lo:v.hi] {
				row[j] = float64(p)
			}
			k++
		}
	}
	pca, err := analysis.FitPCA(x)
	if err != nil {
		return 0, 0, fmt.Errorf("problems: 2-1: PCA of %s: %w", v.split, err)
	}
	ex := pca.Explained()
	e1, e2 = ex[0], ex[1]
	proj, err := pca.Project(x, 2)
	if err != nil {
		return 0, 0, fmt.Errorf("problems: 2-1: %w", err)
	}
	stepOf := stepOf21(s.Every)
	k = 0
	for ri, r := range runs {
		for _, sn := range r {
			p1, p2 := proj.At(k, 0), proj.At(k, 1)
			k++
			step, ep := stepOf(sn.Epoch), float64(sn.Epoch)
			if err := rec.Add(names[ri], model21, v.split, step, ep, "pc1", p1); err != nil {
				return 0, 0, err
			}
			if err := rec.Add(names[ri], model21, v.split, step, ep, "pc2", p2); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := rec.Add("all", model21, v.split, NoStep, NoEpoch, "explained1", e1); err != nil {
		return 0, 0, err
	}
	if err := rec.Add("all", model21, v.split, NoStep, NoEpoch, "explained2", e2); err != nil {
		return 0, 0, err
	}
	return e1, e2, rec.Flush()
}

// summarize21 records the final accuracies, the number of snapshots, how far each run
// travelled from its start and how far apart the runs started and ended.
func summarize21(rec *Recorder, runs [][]snapshot) {
	var accs, travel, spread, start []float64
	minSnaps := math.MaxInt
	for i, r := range runs {
		minSnaps = min(minSnaps, len(r))
		last := r[len(r)-1]
		accs = append(accs, last.Acc)
		travel = append(travel, dist32(last.Params, r[0].Params))
		for _, o := range runs[i+1:] {
			spread = append(spread, dist32(last.Params, o[len(o)-1].Params))
			start = append(start, dist32(r[0].Params, o[0].Params))
		}
	}
	rec.Summary("runs", float64(len(runs)))
	rec.Summary("snapshots_per_run", float64(minSnaps))
	rec.Summary("final_train_accuracy/mean", stat.Mean(accs, nil))
	rec.Summary("final_train_accuracy/min", floats.Min(accs))
	rec.Summary("final_train_accuracy/max", floats.Max(accs))
	rec.Summary("travel/mean", stat.Mean(travel, nil))
	rec.Summary("final_distance/mean", stat.Mean(spread, nil))
	rec.Summary("initial_distance/mean", stat.Mean(start, nil))
}

// answer21 reports the explained variance and how the trajectories relate, from the
// measured summary.
func answer21(res RunResult) string {
	sum := res.Manifest.Flat()
	var b strings.Builder
	fmt.Fprintf(&b, "%d trainings from different seeds, %d snapshots each, reached a mean final training accuracy of %.2f%% (%.2f%% to %.2f%%). ",
		int(sum["runs"]), int(sum["snapshots_per_run"]), 100*sum["final_train_accuracy/mean"], 100*sum["final_train_accuracy/min"], 100*sum["final_train_accuracy/max"])
	fmt.Fprintf(&b, "One PCA over all snapshots: the first two components explain %.1f%% + %.1f%% of the variance for the first layer and %.1f%% + %.1f%% for the whole model. ",
		100*sum["explained1/pca-layer"], 100*sum["explained2/pca-layer"], 100*sum["explained1/pca-model"], 100*sum["explained2/pca-model"])
	fmt.Fprintf(&b, "The runs start %.3g apart (mean Euclidean distance between two runs' parameters), each moves %.3g from its start, and they end %.3g apart: ",
		sum["initial_distance/mean"], sum["travel/mean"], sum["final_distance/mean"])
	if sum["final_distance/mean"] > sum["travel/mean"] {
		b.WriteString("different seeds lead to different end points, farther from each other than from where they started, so the PCA plane shows separate trajectories that reach a similar accuracy.")
	} else {
		b.WriteString("the runs travel further than the distance that finally separates them.")
	}
	return b.String()
}
