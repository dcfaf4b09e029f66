package problems

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// pair33 is one interpolation of 3-3: its run and its two models.
type pair33 struct {
	run  string
	a, b config33
}

// planned33 is what a 3-3 run trains: the batch sizes of the sweep, the sweep's models
// (batch by batch, seed by seed), the interpolations, and the models of the
// interpolations that the sweep does not train.
type planned33 struct {
	batches []int
	sweep   []config33
	pairs   []pair33
	extra   []config33
}

// plan33 plans a 3-3 run on ntrain training examples. A batch larger than the
// training set is the whole set.
func plan33(s *settings33, ntrain int) planned33 {
	var pl planned33
	for _, b := range s.Batches {
		if b = min(b, ntrain); !slices.Contains(pl.batches, b) {
			pl.batches = append(pl.batches, b)
		}
	}
	slices.Sort(pl.batches)
	for _, b := range pl.batches {
		for k := range s.Seeds {
			pl.sweep = append(pl.sweep, config33{b, lr33(s, b), k})
		}
	}
	pb0, pb1, plb := min(s.PairBatches[0], ntrain), min(s.PairBatches[1], ntrain), min(s.PairLRBatch, ntrain)
	pl.pairs = []pair33{
		{run33InterpBatch, config33{pb0, lr33(s, pb0), 0}, config33{pb1, lr33(s, pb1), 0}},
		{run33InterpLR, config33{plb, s.PairLRs[0], 0}, config33{plb, s.PairLRs[1], 0}},
	}
	for _, p := range pl.pairs {
		for _, c := range []config33{p.a, p.b} {
			if !slices.Contains(pl.sweep, c) && !slices.Contains(pl.extra, c) {
				pl.extra = append(pl.extra, c)
			}
		}
	}
	return pl
}

// configs returns the models of every unit in unit order: the sweep, then the extra
// models of the interpolations.
func (pl planned33) configs() []config33 {
	return append(slices.Clone(pl.sweep), pl.extra...)
}

// units33 lists 3-3's units: the sweep's models, every batch size (ascending) with
// every seed index k (unit bi*seeds+k, seed seedFor(base, k)), each with its
// sensitivity, sharpness and Hessian spectrum; then the models of the interpolations
// that the sweep does not train (seed index 0). The interpolations themselves, which
// need two models, run in the finish step. Batch sizes are capped at the training set,
// so the data are loaded to count its examples.
func units33(env *Env) ([]Unit, error) {
	s, err := settingsFor[settings33](env, defaults33)
	if err != nil {
		return nil, err
	}
	_, train, err := env.loadTrain(s.Train)
	if err != nil {
		return nil, err
	}
	var us []Unit
	for i, c := range plan33(s, train.N).configs() {
		us = append(us, Unit{Index: i, Name: fmt.Sprintf("%s seed-%d", name33(s, c), c.seed+1), Seed: seedFor(env.Seed, c.seed)})
	}
	return us, nil
}

// finish33 reads every model of the sweep back from the records, interpolates
// between the models of each pair from their exported parameters, measures the loss
// along a filter-normalised direction through each of them, and writes the typed
// summary.
func finish33(ctx context.Context, env *Env, rec *Recorder) error {
	s, ds, train, spec, err := finishModel[settings33](env, rec, defaults33)
	if err != nil {
		return err
	}
	x := &exp33{env: env, rec: rec, s: s, spec: spec, done: map[config33]*trained33{}, ntrain: train.N}
	x.trainData, x.testData = tensorData(train), tensorData(ds.Test)
	if x.meas, err = tfgraph.New(x.spec, x.trainData, x.testData, tfgraph.Config{Session: env.session()}); err != nil {
		return err
	}
	defer x.meas.Close()
	pl := plan33(s, train.N)
	tab, err := readTable(rec, env.Dir)
	if err != nil {
		return err
	}
	tab = tab.Run(run33Sensitivity)
	var sweep []*trained33
	for _, c := range pl.sweep {
		t, err := x.sweptModel(tab, c, slices.Index(pl.batches, c.batch))
		if err != nil {
			return err
		}
		sweep = append(sweep, t)
	}
	var interps []interp33
	for _, p := range pl.pairs {
		t1, err := x.exported(p.a)
		if err != nil {
			return err
		}
		t2, err := x.exported(p.b)
		if err != nil {
			return err
		}
		in, err := interpolate33(ctx, env, rec, x.meas, p.run, t1, t2, s)
		if err != nil {
			return err
		}
		rises, err := x.filterProfiles(p.run, t1, t2)
		if err != nil {
			return err
		}
		if len(rises) == 2 {
			in.FilterOffset, in.Theta1FilterRise, in.Theta2FilterRise = rises[0].offset, rises[0].rise, rises[1].rise
		}
		interps = append(interps, in)
	}
	return summarize33(rec, s, x, pl.batches, sweep, interps)
}

// sweptModel reads the measurements of the sweep's model c, index bi of the sweep,
// back from its rows of run sensitivity in tab.
func (x *exp33) sweptModel(tab records.Table, c config33, bi int) (*trained33, error) {
	t := &trained33{name: name33(x.s, c), cfg: c, seed: seedFor(x.env.Seed, c.seed)}
	rows := tab.Model(t.name).Seed(records.SeedOf(t.seed)).Where(func(r records.Row) bool { return r.Step == bi })
	get := func(split, metric string) (float64, error) {
		m := rows.Split(split).Metric(metric)
		if len(m) == 0 {
			return 0, fmt.Errorf("problems: 3-3: %s seed %d has no %s %s row", t.name, c.seed+1, split, metric)
		}
		return m[len(m)-1].Value, nil
	}
	var steps, reached float64
	for _, f := range []struct {
		split, metric string
		v             *float64
	}{
		{"train", records.MetricSteps, &steps}, {"train", records.MetricReached, &reached},
		{"train", "loss", &t.trainLoss}, {"train", "accuracy", &t.trainAcc}, {"test", "loss", &t.testLoss}, {"test", "accuracy", &t.testAcc},
		{"test", records.MetricSensitivity, &t.sensitivity},
	} {
		v, err := get(f.split, f.metric)
		if err != nil {
			return nil, err
		}
		*f.v = v
	}
	t.steps, t.reached = int64(steps), reached == 1
	// The Hessian's spectrum is there only when the run computed one.
	t.lambdaMax, t.trace = math.NaN(), math.NaN()
	if v, err := get("train", records.MetricMaxEigenvalue); err == nil {
		t.lambdaMax = v
	}
	if v, err := get("train", records.MetricHessianTrace); err == nil {
		t.trace = v
	}
	subs := []int{0}
	if x.s.Subspace > 0 {
		n, err := x.spec.NumParams()
		if err != nil {
			return nil, err
		}
		subs = append(subs, min(x.s.Subspace, n))
	}
	for _, eps := range x.s.SharpnessEps {
		for _, sub := range subs {
			v, err := get("train", sharpMetric(eps, sub))
			if err != nil {
				return nil, err
			}
			t.sharp = append(t.sharp, sharp33{eps: eps, sub: sub, value: v})
		}
	}
	return t, nil
}

// exported reads the model of c back from the parameters and sidecar it exported
// (params/seed-<k+1>--<name>/).
func (x *exp33) exported(c config33) (*trained33, error) {
	t := &trained33{name: name33(x.s, c), cfg: c, seed: seedFor(x.env.Seed, c.seed)}
	dir := filepath.Join(x.env.Dir, records.ParamsDir, safeName(fmt.Sprintf("seed-%d", c.seed+1))+"--"+safeName(t.name))
	info, err := records.ReadParamsInfo(dir)
	if err != nil {
		return nil, fmt.Errorf("problems: 3-3: %w", err)
	}
	if info.Seed != t.seed {
		return nil, fmt.Errorf("problems: 3-3: %s holds a model of seed %d, want %d", dir, info.Seed, t.seed)
	}
	if t.params, err = x.meas.ImportNPY(dir); err != nil {
		return nil, err
	}
	var ok1, ok2 bool
	t.trainLoss, ok1 = info.Metrics["train_loss"]
	t.testAcc, ok2 = info.Metrics["test_accuracy"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("problems: 3-3: %s: the sidecar has no train_loss or test_accuracy", dir)
	}
	return t, nil
}
