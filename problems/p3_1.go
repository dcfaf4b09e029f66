package problems

import (
	"context"
	"fmt"
	"math"
	"strings"

	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings31 are the settings of problem 3-1.
type settings31 struct {
	// Hidden are the widths of the ReLU hidden layers of the MLP.
	Hidden []int `set:"hidden" range:"[1,inf)"`
	// dataSettings give the training examples and the repetitions: repetition k draws
	// its own random labels (once, kept fixed) and initialises both models from its own
	// seed. Quick trains on 4,000 examples: on a quiet reference machine the quick 3-1
	// took 62 s on all 8,000 digits (31 epochs to fit the random labels) against 19.5 s
	// on 4,000, which would take the quick main job, measured at 3 min 51 s to 4 min
	// 29 s, to 4 min 34 s to 5 min 11 s: near its 5-minute budget or over it.
	dataSettings
	// trainingSettings set the training; Epochs is the budget.
	trainingSettings
	// Target is the training accuracy (on the whole training set, random labels) at
	// which a training stops before its budget ends.
	Target float64 `set:"target" range:"[0,1]"`
	// Contrast also trains the same model on the true labels, with the same rule.
	Contrast bool `set:"contrast"`
}

func defaults31(p Profile) any {
	s := &settings31{Hidden: []int{512, 512}, Target: 0.99, Contrast: true}
	s.Train, s.Seeds = 4000, 3
	s.Optimizer, s.LearningRate, s.Epochs, s.Batch = "adam", 1e-3, 300, 128
	if p == Full {
		s.Hidden = []int{1024, 1024}
		s.Train = 0
		s.Epochs = 2000
		s.Seeds = 5
	}
	return s
}

// The runs of 3-1.
const (
	run31Random = "random-labels"
	run31True   = "true-labels"
)

// runs31 returns the runs of every repetition: random labels, and true labels for
// contrast when s.Contrast.
func runs31(s *settings31) []string {
	if s.Contrast {
		return []string{run31Random, run31True}
	}
	return []string{run31Random}
}

// units31 lists 3-1's units: every repetition k, each run of runs31 (unit
// k*runs+r), trained from seed seedFor(base, k); repetition k's random labels are
// drawn from seedFor(base, 100+k).
func units31(s *settings31, base uint64) []Unit {
	var us []Unit
	for k := range s.Seeds {
		for _, run := range runs31(s) {
			us = append(us, Unit{Index: len(us), Name: fmt.Sprintf("%s seed-%d", run, k+1), Seed: seedFor(base, k)})
		}
	}
	return us
}

// model checks 3-1's settings and returns the ReLU MLP that every repetition trains on
// the examples of train, with random and with true labels.
func (s *settings31) model(train *data.Set) (tfgraph.Spec, error) {
	if s.Epochs < 1 || !(s.Target > 0 && s.Target <= 1) {
		return tfgraph.Spec{}, fmt.Errorf("problems: 3-1: need epochs >= 1 and 0 < target <= 1, got %d and %g", s.Epochs, s.Target)
	}
	return reluMLP(train, s.Hidden), nil
}

// run31 trains the units of env's shard.
func run31(ctx context.Context, env *Env, rec *Recorder) error {
	s, opt, ds, train, spec, err := runStart[settings31](env, rec, defaults31)
	if err != nil {
		return err
	}
	u := 0
	for k := range s.Seeds {
		// The random labels of repetition k are drawn once, here, and stay fixed for
		// the whole training.
		labelSeed, modelSeed := seedFor(env.Seed, 100+k), seedFor(env.Seed, k)
		rec.Seed(modelSeed)
		for _, run := range runs31(s) {
			if env.Shard.Has(u) {
				labels := train.Labels
				if run == run31Random {
					labels = data.RandomLabels(train.Labels, train.Classes, 1, labelSeed)
				}
				if _, err := train31(ctx, env, rec, s, spec, withLabels(train, labels), tensorData(ds.Test), run, modelSeed, opt); err != nil {
					return err
				}
			}
			u++
		}
	}
	return nil
}

// finish31 summarises 3-1 from the last recorded epoch of every training.
func finish31(_ context.Context, env *Env, rec *Recorder) error {
	s, ds, train, spec, err := finishModel[settings31](env, rec, defaults31)
	if err != nil {
		return err
	}
	n, err := spec.NumParams()
	if err != nil {
		return err
	}
	tab, err := readTable(rec, env.Dir)
	if err != nil {
		return err
	}
	sum := summary31{Seeds: s.Seeds, Train: train.N, Test: ds.Test.N, Model: spec.Name, Params: n, Target: s.Target, EpochBudget: s.Epochs}
	outcomes := map[string][]outcome31{}
	var agreement []float64
	for k := range s.Seeds {
		labelSeed, modelSeed := seedFor(env.Seed, 100+k), seedFor(env.Seed, k)
		random := data.RandomLabels(train.Labels, train.Classes, 1, labelSeed)
		agree := 0
		for i, l := range random {
			if l == train.Labels[i] {
				agree++
			}
		}
		agreement = append(agreement, float64(agree)/float64(train.N))
		for _, run := range runs31(s) {
			o, err := outcomeOf31(tab.Run(run).Model(spec.Name).Seed(records.SeedOf(modelSeed)), s.Target)
			if err != nil {
				return fmt.Errorf("problems: 3-1: %s seed-%d: %w", run, k+1, err)
			}
			outcomes[run] = append(outcomes[run], o)
		}
	}
	if env.profile() == Quick && train.N < 8000 {
		rec.Note("The quick profile trains on %d digits, not 8,000: on a quiet 2-core reference machine the quick 3-1 took 62 s on all 8,000 digits (31 epochs to fit the random labels) against 19.5 s on 4,000, which would take the quick main job (3 min 51 s to 4 min 29 s) near its 5-minute budget or over it. The full profile uses every training digit.", train.N)
	}
	rec.Note("In each of the %d repetitions every training label was redrawn uniformly at random once (its own seed) and kept fixed; %.1f%% of them equal the true label by chance on average. The test set keeps its true labels.", s.Seeds, 100*records.NewEstimate(agreement).Mean)
	sum.LabelAgreement = records.NewEstimate(agreement)
	sum.fill(outcomes)
	return rec.SetSummary(&sum)
}

// outcomeOf31 reads how one training ended from its rows: the whole-split loss and
// accuracy of its last recorded epoch, and the test loss after its first.
func outcomeOf31(rows records.Table, target float64) (outcome31, error) {
	o := outcome31{firstTestLoss: math.NaN()}
	st, err := lastEpochStats(rows)
	if err != nil {
		return o, err
	}
	for _, r := range rows.Split("test").Metric("loss") {
		if r.Epoch == 1 {
			o.firstTestLoss = r.Value
		}
	}
	o.epochs, o.reached = st.Epoch, st.TrainAcc >= target
	o.trainLoss, o.trainAcc, o.testLoss, o.testAcc = st.TrainLoss, st.TrainAcc, st.TestLoss, st.TestAcc
	return o, nil
}

// outcome31 is how one training ended.
type outcome31 struct {
	epochs                                 int
	reached                                bool
	firstTestLoss                          float64
	trainLoss, trainAcc, testLoss, testAcc float64
}

// train31 trains spec on one labelling from one seed until the training accuracy
// reaches the target or the budget ends.
func train31(ctx context.Context, env *Env, rec *Recorder, s *settings31, spec tfgraph.Spec, train, test *tfgraph.Data, run string, seed uint64, opt tfgraph.Optimizer) (outcome31, error) {
	o := outcome31{firstTestLoss: math.NaN()}
	m, err := tfgraph.New(spec, train, test, tfgraph.Config{
		Seed: seed, Session: env.session(), Optimizer: opt,
	})
	if err != nil {
		return o, err
	}
	defer m.Close()
	last, err := fit(ctx, env, rec, m, fitOptions{
		Run: run, Model: spec.Name, Seed: records.SeedOf(seed), Epochs: s.Epochs, Batch: s.Batch,
		EvalTrain: true, EvalTest: true,
		Until: func(st EpochStats) bool { return st.TrainAcc >= s.Target },
		OnEpoch: func(st EpochStats) error {
			if st.Epoch == 1 {
				o.firstTestLoss = st.TestLoss
			}
			return nil
		},
	})
	if err != nil {
		return o, err
	}
	if o.trainLoss, o.trainAcc, err = m.Evaluate(tfgraph.Train); err != nil {
		return o, err
	}
	if o.testLoss, o.testAcc, err = m.Evaluate(tfgraph.Test); err != nil {
		return o, err
	}
	o.epochs, o.reached = last.Epoch, o.trainAcc >= s.Target
	env.log().Info("3-1", "run", run, "seed", seed, "epochs", last.Epoch, "train_accuracy", o.trainAcc, "test_accuracy", o.testAcc)
	return o, nil
}

// reluMLP returns the MLP classifier of train's examples with ReLU hidden layers of the
// given widths, named by its layer widths (see mlpName).
func reluMLP(train *data.Set, hidden []int) tfgraph.Spec {
	return tfgraph.MLP(mlpName(train.Dim(), hidden, train.Classes), train.Dim(), hidden, train.Classes, tfgraph.ReLU, tfgraph.CrossEntropy)
}

// mlpName names an MLP by its layer widths: "mlp-784-512-512-10".
func mlpName(in int, hidden []int, out int) string {
	parts := []string{"mlp", fmt.Sprint(in)}
	for _, h := range hidden {
		parts = append(parts, fmt.Sprint(h))
	}
	return strings.Join(append(parts, fmt.Sprint(out)), "-")
}
