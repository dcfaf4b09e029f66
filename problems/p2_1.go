package problems

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"

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
	// trainingSettings set the training.
	trainingSettings
	// Every is the number of epochs between two snapshots of the parameters; the
	// initial parameters and the last epoch are always recorded.
	Every int `set:"every" range:"[1,inf)"`
	// examplesSettings give the training examples; by default all of them.
	examplesSettings
	// Layer is the index of the layer whose parameters get their own PCA.
	Layer int `set:"layer" range:"[0,len(hidden)]"`
	// Surface is the grid of the loss surfaces around the first run's trained model,
	// per axis of their plane of two filter-normalised random directions (Li et al.
	// 2018 draw [-1, 1]).
	Surface filterGrid `prefix:"surface_"`
}

func defaults21(p Profile) any {
	s := &settings21{
		Runs: 8, Hidden: []int{15, 30}, Activation: "relu",
		Every: 3, Layer: 0, Surface: filterGrid{Points: 21, Range: 1},
	}
	s.Optimizer, s.LearningRate, s.Epochs, s.Batch = "adam", 1e-3, 24, 100
	if p == Full {
		s.Epochs, s.Batch, s.Surface.Points = 30, 64, 41
	}
	return s
}

// model21 is the model name of 2-1's records.
const model21 = "dnn"

// pcaView is one of the two PCAs of 2-1: the record split and the flat-vector range of
// the parameters it covers.
type pcaView struct {
	split  string
	lo, hi int
}

// units21 lists 2-1's units: one training per run, run seed-<i+1> from seed
// seedFor(base, i).
func units21(s *settings21, base uint64) []Unit {
	us := make([]Unit, s.Runs)
	for i := range us {
		us[i] = Unit{Index: i, Name: fmt.Sprintf("seed-%d", i+1), Seed: seedFor(base, i)}
	}
	return us
}

// model checks 2-1's settings and returns the MLP that every run trains on the
// examples of train.
func (s *settings21) model(train *data.Set) (tfgraph.Spec, error) {
	if s.Runs < 2 || s.Epochs < 1 || s.Every < 1 {
		return tfgraph.Spec{}, fmt.Errorf("problems: 2-1: need runs >= 2, epochs >= 1 and every >= 1 (got %d, %d, %d)", s.Runs, s.Epochs, s.Every)
	}
	return tfgraph.MLP(model21, train.Dim(), s.Hidden, train.Classes, tfgraph.Activation(s.Activation), tfgraph.CrossEntropy), nil
}

// views returns the two PCA views of 2-1's model spec: the parameters of layer
// s.Layer, and all of them.
func (s *settings21) views(spec tfgraph.Spec) ([]pcaView, error) {
	params, _, err := spec.Check()
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("problems: 2-1: layer %d of %s has no parameters", s.Layer, spec.Name)
	}
	return views, nil
}

// run21 trains the runs of env's shard, each leaving its snapshots in snapshots/.
func run21(ctx context.Context, env *Env, rec *Recorder) error {
	s, opt, ds, train, spec, err := runStart[settings21](env, rec, defaults21)
	if err != nil {
		return err
	}
	views, err := s.views(spec)
	if err != nil {
		return err
	}
	env.log().Info("model", "name", spec.Name, "params", views[1].hi, "layer", s.Layer, "layer_params", views[0].hi-views[0].lo)
	rec.Note("Model %d-%s-%d (%s, %s), %d parameters; layer %d has %d. Snapshots every %d epochs plus the initial parameters.",
		train.Dim(), joinInts(s.Hidden, "-"), train.Classes, s.Activation, s.Optimizer, views[1].hi, s.Layer, views[0].hi-views[0].lo, s.Every)
	for _, u := range units21(s, env.Seed) {
		rec.Seed(u.Seed)
		if !env.Shard.Has(u.Index) {
			continue
		}
		if _, err := train21(ctx, env, rec, s, spec, train, ds.Test, u.Name, u.Seed, opt); err != nil {
			return err
		}
	}
	return nil
}

// stepOf21 is the snapshot index of the snapshot taken after epoch: snapshot 0 is the
// initial parameters, then one every s.Every epochs, then the last epoch.
func stepOf21(every int) func(int) int {
	return func(epoch int) int { return (epoch + every - 1) / every }
}

// train21 trains one seed, recording a snapshot of the parameters at the start and
// every s.Every epochs, and returns the snapshots in epoch order. The snapshots are
// kept in env.Dir/snapshots so that a resumed run still has those of finished runs.
func train21(ctx context.Context, env *Env, rec *Recorder, s *settings21, spec tfgraph.Spec, train, test *data.Set, run string, seed uint64, opt tfgraph.Optimizer) ([]snapshot, error) {
	m, err := tfgraph.New(spec, tensorData(train), tensorData(test), tfgraph.Config{
		Seed: seed, Session: env.session(), Optimizer: opt,
	})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	path := snapshotPath(env.Dir, run)
	prefix := rec.CheckpointPrefix(run, fmt.Sprintf("%s-seed-%d", spec.Name, seed)) // as fit names it for a seeded training
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
			if err := rec.AddSeeded(run, spec.Name, r.split, seed, 0, 0, r.metric, r.v); err != nil {
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
		Run: run, Model: spec.Name, Seed: records.SeedOf(seed), Epochs: s.Epochs, Batch: s.Batch,
		EvalTrain: true, EvalTest: true, Every: s.Every, StepOf: stepOf,
		OnEpoch: func(st EpochStats) error { return add(st.Epoch, st.TrainLoss, st.TrainAcc) },
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].Epoch < snaps[j].Epoch })
	return snaps, nil
}
