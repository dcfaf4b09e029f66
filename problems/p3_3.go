package problems

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"hw1/problems/records"
	"hw1/tfgraph"
)

// settings33 are the settings of problem 3-3.
type settings33 struct {
	// Hidden are the widths of the ReLU hidden layers of the MLP every model uses.
	Hidden []int `set:"hidden"`
	// Train is the number of training examples used (the first ones); 0 means all.
	Train int `set:"train"`
	// Epochs is the budget of every training: the same number of epochs for every
	// batch size, so larger batches take fewer steps.
	Epochs int `set:"epochs"`
	// Optimizer and LearningRate set the training; LearningRate is the rate of every
	// model but the second one of the learning-rate pair.
	Optimizer    string  `set:"optimizer"`
	LearningRate float64 `set:"lr"`
	// Batches are the batch sizes of part 2 (log-spaced); a batch larger than the
	// training set is the whole set.
	Batches []int `set:"batches"`
	// PairBatches are the batch sizes of the two models of the batch interpolation.
	PairBatches []int `set:"pair_batches"`
	// PairLRs are the learning rates of the two models of the learning-rate
	// interpolation, both trained with batch PairLRBatch.
	PairLRs     []float64 `set:"pair_lrs"`
	PairLRBatch int       `set:"pair_lr_batch"`
	// Alphas is the number of evenly spaced α in [AlphaMin, AlphaMax]; 0 and 1 are
	// always added when they fall between grid points.
	Alphas   int     `set:"alphas"`
	AlphaMin float64 `set:"alpha_min"`
	AlphaMax float64 `set:"alpha_max"`
	// SensitivityExamples is the number of test examples (the first ones) the
	// sensitivity averages over; 0 means all.
	SensitivityExamples int `set:"sensitivity_examples"`
	// SharpnessEps are the box sizes ε of the sharpness; SharpnessIters the number of
	// projected gradient ascent steps, each SharpnessStep times the box's half-width
	// per coordinate in the direction of the gradient's sign.
	SharpnessEps   []float64 `set:"sharpness_eps"`
	SharpnessIters int       `set:"sharpness_iters"`
	SharpnessStep  float64   `set:"sharpness_step"`
}

func defaults33(p Profile) any {
	s := &settings33{
		Hidden: []int{256, 256}, Train: 4096, Epochs: 10, Optimizer: "adam", LearningRate: 1e-3,
		Batches: []int{16, 64, 256, 1024, 4096}, PairBatches: []int{64, 1024},
		PairLRs: []float64{1e-3, 1e-2}, PairLRBatch: 64,
		Alphas: 61, AlphaMin: -1, AlphaMax: 2,
		SharpnessEps: []float64{1e-3, 5e-4}, SharpnessIters: 10, SharpnessStep: 0.5,
	}
	if p == Full {
		s.Train = 0
		s.Epochs = 30
		s.SharpnessIters = 20
		s.SharpnessStep = 0.25
	}
	return s
}

func init() {
	register(Problem{
		Name:     records.Problem33,
		Title:    "Flatness v.s. generalization",
		Question: "Do models trained with large batches sit in sharper minima, are they more sensitive to their input, and do they generalize worse?",
		Defaults: defaults33,
		Run:      run33,
		Answer:   answer33,
	})
}

// The runs of 3-3. Every training writes its curves under run33Train; the
// interpolations and the batch-size sweep, which plots reads, have runs of their own.
const (
	run33Train       = records.RunTraining
	run33InterpBatch = records.RunInterpBatch
	run33InterpLR    = records.RunInterpLR
	run33Sensitivity = records.RunSensitivity
	model33Pair      = records.ModelPair
)

// config33 is one training of 3-3: a batch size and a learning rate.
type config33 struct {
	batch int
	lr    float64
}

// trained33 is what 3-3 keeps of a trained model: its parameters and its own metrics.
type trained33 struct {
	name                                   string
	params                                 []float64
	trainLoss, trainAcc, testLoss, testAcc float64
}

func run33(ctx context.Context, env *Env, rec *Recorder) error {
	s, err := loadSettings[settings33](env, rec, defaults33)
	if err != nil {
		return err
	}
	opt, err := tfgraph.ParseOptimizer(s.Optimizer)
	if err != nil {
		return err
	}
	if err := s.check(); err != nil {
		return err
	}
	ds, train, err := env.loadTrain(s.Train)
	if err != nil {
		return err
	}
	rec.Dataset(ds, train.N, ds.Test.N)
	spec := tfgraph.MLP(mlpName(train.Dim(), s.Hidden, train.Classes), train.Dim(), s.Hidden, train.Classes, tfgraph.ReLU, tfgraph.CrossEntropy)
	nparams, err := spec.NumParams()
	if err != nil {
		return err
	}
	rec.Summary("params", float64(nparams))
	seed := seedFor(env.Seed, 0)
	rec.Seed(seed)
	rec.Note("Every model starts from the same initial weights and shuffles with the same generator (seed %d); the models differ only in batch size or learning rate. Every training runs %d epochs, so larger batches take fewer steps.", seed, s.Epochs)
	trainData, testData := tensorData(train), tensorData(ds.Test)

	effective := func(b int) int { return min(b, train.N) }
	name := func(c config33) string {
		n := fmt.Sprintf("batch-%d", c.batch)
		if c.lr != s.LearningRate {
			n += "-lr-" + strconv.FormatFloat(c.lr, 'g', -1, 64)
		}
		return n
	}
	done := map[config33]*trained33{}
	trainOne := func(c config33, measure func(m *tfgraph.Model, t *trained33) error) (*trained33, error) {
		if t, ok := done[c]; ok {
			return t, nil
		}
		t := &trained33{name: name(c)}
		m, err := tfgraph.New(spec, trainData, testData, tfgraph.Config{
			Seed: seed, Session: env.session(),
			Optimizer: tfgraph.Optimizer{Kind: opt, LearningRate: c.lr},
		})
		if err != nil {
			return nil, err
		}
		defer m.Close()
		if _, err := fit(ctx, env, rec, m, fitOptions{Run: run33Train, Model: t.name, Epochs: s.Epochs, Batch: c.batch, EvalTrain: true, EvalTest: true}); err != nil {
			return nil, err
		}
		if t.trainLoss, t.trainAcc, err = m.Evaluate(tfgraph.Train); err != nil {
			return nil, err
		}
		if t.testLoss, t.testAcc, err = m.Evaluate(tfgraph.Test); err != nil {
			return nil, err
		}
		if t.params, err = m.GetParams(); err != nil {
			return nil, err
		}
		for _, v := range []struct {
			k string
			v float64
		}{{"train_loss", t.trainLoss}, {"train_accuracy", t.trainAcc}, {"test_loss", t.testLoss}, {"test_accuracy", t.testAcc}, {"steps", float64(m.Steps())}} {
			rec.Summary(t.name+"/"+v.k, v.v)
		}
		if measure != nil {
			if err := measure(m, t); err != nil {
				return nil, err
			}
		}
		done[c] = t
		return t, nil
	}

	// Part 2: the batch-size sweep, with sensitivity and sharpness of every model.
	var batches []int
	for _, b := range s.Batches {
		if b = effective(b); !slices.Contains(batches, b) {
			batches = append(batches, b)
		}
	}
	sort.Ints(batches)
	for bi, b := range batches {
		measure := func(m *tfgraph.Model, t *trained33) error {
			return measure33(env, rec, s, m, t, bi, b)
		}
		if _, err := trainOne(config33{b, s.LearningRate}, measure); err != nil {
			return err
		}
	}
	rec.Summary("batch_sizes", float64(len(batches)))

	// Part 1: the interpolations.
	pairs := []struct {
		run  string
		a, b config33
	}{
		{run33InterpBatch, config33{effective(s.PairBatches[0]), s.LearningRate}, config33{effective(s.PairBatches[1]), s.LearningRate}},
		{run33InterpLR, config33{effective(s.PairLRBatch), s.PairLRs[0]}, config33{effective(s.PairLRBatch), s.PairLRs[1]}},
	}
	eval, err := tfgraph.New(spec, trainData, testData, tfgraph.Config{Seed: seed, Session: env.session()})
	if err != nil {
		return err
	}
	defer eval.Close()
	alphas := alphaGrid(s.Alphas, s.AlphaMin, s.AlphaMax)
	rec.Summary("alphas", float64(len(alphas)))
	for _, p := range pairs {
		t1, err := trainOne(p.a, nil)
		if err != nil {
			return err
		}
		t2, err := trainOne(p.b, nil)
		if err != nil {
			return err
		}
		if err := interpolate33(ctx, env, rec, eval, p.run, t1, t2, alphas); err != nil {
			return err
		}
	}
	return nil
}

func (s *settings33) check() error {
	switch {
	case len(s.Hidden) == 0 || s.Epochs < 1:
		return fmt.Errorf("problems: 3-3: need hidden layers and epochs >= 1")
	case len(s.Batches) == 0:
		return fmt.Errorf("problems: 3-3: need at least one batch size")
	case len(s.PairBatches) != 2 || len(s.PairLRs) != 2:
		return fmt.Errorf("problems: 3-3: pair_batches and pair_lrs need two values each, got %v and %v", s.PairBatches, s.PairLRs)
	case s.Alphas < 2 || !(s.AlphaMax > s.AlphaMin):
		return fmt.Errorf("problems: 3-3: need alphas >= 2 and alpha_max > alpha_min")
	case s.SharpnessIters < 1 || !(s.SharpnessStep > 0):
		return fmt.Errorf("problems: 3-3: need sharpness_iters >= 1 and sharpness_step > 0")
	}
	for _, b := range append(append([]int{s.PairLRBatch}, s.Batches...), s.PairBatches...) {
		if b < 1 {
			return fmt.Errorf("problems: 3-3: batch size %d must be at least 1", b)
		}
	}
	for _, e := range s.SharpnessEps {
		if !(e > 0) {
			return fmt.Errorf("problems: 3-3: sharpness ε %g must be positive", e)
		}
	}
	return nil
}

// measure33 writes the part-2 rows of one trained model, index bi of the sweep: its own
// train and test loss and accuracy, its sensitivity and its sharpness for every ε.
func measure33(env *Env, rec *Recorder, s *settings33, m *tfgraph.Model, t *trained33, bi, batch int) error {
	if env.Resume {
		if err := rec.dropFrom(run33Sensitivity, t.name, math.Inf(-1)); err != nil {
			return err
		}
	}
	add := func(split, metric string, v float64) error {
		return rec.Add(run33Sensitivity, t.name, split, bi, NoEpoch, metric, v)
	}
	if err := add("", records.MetricBatchSize, float64(batch)); err != nil {
		return err
	}
	for _, r := range []struct {
		split, metric string
		v             float64
	}{{"train", "loss", t.trainLoss}, {"train", "accuracy", t.trainAcc}, {"test", "loss", t.testLoss}, {"test", "accuracy", t.testAcc}} {
		if err := add(r.split, r.metric, r.v); err != nil {
			return err
		}
	}
	sens, err := m.JacobianNorm(tfgraph.Test, s.SensitivityExamples)
	if err != nil {
		return err
	}
	if err := add("test", records.MetricSensitivity, sens); err != nil {
		return err
	}
	rec.Summary(t.name+"/batch_size", float64(batch))
	rec.Summary(t.name+"/sensitivity", sens)
	for _, eps := range s.SharpnessEps {
		bar := env.unitProgress(s.SharpnessIters+1, fmt.Sprintf("sharpness %s ε=%g", t.name, eps), "step")
		sh, err := sharpness(m, eps, s.SharpnessIters, s.SharpnessStep, func(int, int) { bar.Add(1) })
		bar.Close()
		if err != nil {
			return err
		}
		metric := records.MetricSharpnessPrefix + epsName(eps)
		if err := add("train", metric, sh); err != nil {
			return err
		}
		rec.Summary(t.name+"/"+metric, sh)
	}
	env.log().Info("3-3", "model", t.name, "test_accuracy", t.testAcc, "sensitivity", sens)
	return rec.Flush()
}

// sharpness returns Keskar et al.'s sharpness of the training loss L at the model's
// parameters θ: the largest (L(θ+y) - L(θ)) / (1 + L(θ)) · 100 over the box
// |y_i| <= eps·(|θ_i|+1), found by projected gradient ascent from y = 0. Each of the
// iters steps moves every coordinate by step times its box half-width in the
// direction of the sign of the full-batch gradient at θ+y (steepest ascent for the
// box's scaled ∞-norm) and clips y back into the box; the largest loss met on the way
// counts. The model's parameters are restored exactly afterwards. Each progress
// callback, if any, is called after every loss evaluation (iters+1 in all) with the
// number done and the total.
func sharpness(m *tfgraph.Model, eps float64, iters int, step float64, progress ...func(done, total int)) (float64, error) {
	theta, err := m.GetParams()
	if err != nil {
		return 0, err
	}
	box := make([]float64, len(theta))
	for i, v := range theta {
		box[i] = eps * (math.Abs(v) + 1)
	}
	y := make([]float64, len(theta))
	p := make([]float64, len(theta))
	l0, best := math.NaN(), math.Inf(-1)
	for k := 0; k <= iters; k++ {
		for i := range p {
			p[i] = theta[i] + y[i]
		}
		if err := m.SetParams(p); err != nil {
			return 0, err
		}
		var l float64
		var g []float64
		if k < iters {
			l, g, err = m.FullGradient()
		} else {
			l, _, err = m.Evaluate(tfgraph.Train)
		}
		if err != nil {
			return 0, err
		}
		for _, p := range progress {
			p(k+1, iters+1)
		}
		if k == 0 {
			l0 = l
		}
		best = math.Max(best, l)
		for i := range g {
			var dir float64
			switch {
			case g[i] > 0:
				dir = 1
			case g[i] < 0:
				dir = -1
			}
			y[i] = math.Max(-box[i], math.Min(box[i], y[i]+step*box[i]*dir))
		}
	}
	if err := m.SetParams(theta); err != nil {
		return 0, err
	}
	return (best - l0) / (1 + l0) * 100, nil
}

// epsName formats ε for a metric name: 1e-3 is "1e-3", 5e-4 is "5e-4".
func epsName(eps float64) string {
	s := strconv.FormatFloat(eps, 'e', -1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	sign := ""
	if strings.HasPrefix(exp, "-") {
		sign = "-"
	}
	exp = strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")
	if exp == "" {
		return mant
	}
	return mant + "e" + sign + exp
}

// alphaGrid returns n evenly spaced values from lo to hi, plus 0 and 1 when they lie
// in [lo, hi] and fall between grid points, sorted.
func alphaGrid(n int, lo, hi float64) []float64 {
	var out []float64
	for i := 0; i < n; i++ {
		out = append(out, lo+(hi-lo)*float64(i)/float64(n-1))
	}
	for _, a := range []float64{0, 1} {
		if a >= lo && a <= hi && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	sort.Float64s(out)
	return out
}

// interpolate33 evaluates θ(α) = (1-α)θ1 + αθ2 on the whole training and test sets for
// every α, writing the rows of one interpolation run, and summarises the metrics at
// α = 0 and 1 beside the endpoint models' own.
func interpolate33(ctx context.Context, env *Env, rec *Recorder, eval *tfgraph.Model, run string, t1, t2 *trained33, alphas []float64) error {
	if env.Resume {
		if err := rec.dropFrom(run, model33Pair, math.Inf(-1)); err != nil {
			return err
		}
	}
	rec.Note("%s: θ1 is %s, θ2 is %s.", run, t1.name, t2.name)
	bar := env.unitProgress(len(alphas), run, "α")
	defer bar.Close()
	p := make([]float64, len(t1.params))
	for i, a := range alphas {
		if err := ctx.Err(); err != nil {
			return err
		}
		for j := range p {
			p[j] = (1-a)*t1.params[j] + a*t2.params[j]
		}
		if err := eval.SetParams(p); err != nil {
			return err
		}
		if err := rec.Add(run, model33Pair, "", i, NoEpoch, records.MetricAlpha, a); err != nil {
			return err
		}
		for _, sp := range []tfgraph.Split{tfgraph.Train, tfgraph.Test} {
			loss, acc, err := eval.Evaluate(sp)
			if err != nil {
				return err
			}
			if err := rec.Add(run, model33Pair, sp.String(), i, NoEpoch, "loss", loss); err != nil {
				return err
			}
			if err := rec.Add(run, model33Pair, sp.String(), i, NoEpoch, "accuracy", acc); err != nil {
				return err
			}
			if a == 0 || a == 1 {
				key := fmt.Sprintf("%s/alpha%g/%s_", run, a, sp)
				rec.Summary(key+"loss", loss)
				rec.Summary(key+"accuracy", acc)
			}
			if a == 0.5 {
				rec.Summary(fmt.Sprintf("%s/alpha0.5/%s_loss", run, sp), loss)
			}
		}
		bar.Add(1)
	}
	for i, t := range []*trained33{t1, t2} {
		key := fmt.Sprintf("%s/theta%d/", run, i+1)
		rec.Summary(key+"train_loss", t.trainLoss)
		rec.Summary(key+"train_accuracy", t.trainAcc)
		rec.Summary(key+"test_loss", t.testLoss)
		rec.Summary(key+"test_accuracy", t.testAcc)
	}
	return rec.Flush()
}

// point33 is one model of the batch-size sweep as the answer reads it.
type point33 struct {
	name                                   string
	batch                                  float64
	trainLoss, trainAcc, testLoss, testAcc float64
	sensitivity                            float64
	sharp                                  map[string]float64 // by ε as in the metric name
}

// sweep33 returns the models of the batch-size sweep of a 3-3 summary, by batch size.
func sweep33(sum map[string]float64) []point33 {
	var pts []point33
	for k, v := range sum {
		name, ok := strings.CutSuffix(k, "/batch_size")
		if !ok {
			continue
		}
		p := point33{name: name, batch: v, trainAcc: sum[name+"/train_accuracy"], testAcc: sum[name+"/test_accuracy"],
			trainLoss: sum[name+"/train_loss"], testLoss: sum[name+"/test_loss"], sensitivity: sum[name+"/sensitivity"], sharp: map[string]float64{}}
		for k2, v2 := range sum {
			if m, ok := strings.CutPrefix(k2, name+"/sharpness_"); ok {
				p.sharp[m] = v2
			}
		}
		pts = append(pts, p)
	}
	sort.Slice(pts, func(i, j int) bool { return pts[i].batch < pts[j].batch })
	return pts
}

// rankCorrelation returns Spearman's rank correlation of xs and ys (ties share ranks).
func rankCorrelation(xs, ys []float64) float64 {
	rx, ry := ranks(xs), ranks(ys)
	n := float64(len(xs))
	m := (n - 1) / 2
	var sxy, sxx, syy float64
	for i := range rx {
		dx, dy := rx[i]-m, ry[i]-m
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

func ranks(v []float64) []float64 {
	r := make([]float64, len(v))
	for i := range v {
		for j := range v {
			switch {
			case v[j] < v[i]:
				r[i]++
			case v[j] == v[i] && j != i:
				r[i] += 0.5
			}
		}
	}
	return r
}

// trend describes the sign of a rank correlation in words.
func trend(rho float64) string {
	switch {
	case math.IsNaN(rho):
		return "is constant"
	case rho >= 0.9:
		return "rises steadily"
	case rho >= 0.5:
		return "tends to rise"
	case rho <= -0.9:
		return "falls steadily"
	case rho <= -0.5:
		return "tends to fall"
	}
	return "shows no clear trend"
}

// answer33 reports the interpolation profiles and how test accuracy, sensitivity and
// sharpness moved with the batch size, from the measured numbers.
func answer33(res RunResult) string {
	sum := res.Manifest.Summary
	var b strings.Builder
	for _, run := range []string{run33InterpBatch, run33InterpLR} {
		mid, ok := sum[run+"/alpha0.5/train_loss"]
		if !ok {
			continue
		}
		l1, l2 := sum[run+"/theta1/train_loss"], sum[run+"/theta2/train_loss"]
		fmt.Fprintf(&b, "%s: the training loss is %.3g at θ1 and %.3g at θ2 (α = 0 and 1 reproduce them: %.3g and %.3g) and %.3g halfway",
			run, l1, l2, sum[run+"/alpha0/train_loss"], sum[run+"/alpha1/train_loss"], mid)
		if mid > math.Max(l1, l2) {
			b.WriteString(", a barrier between the two minima")
		} else {
			b.WriteString(", no barrier between them")
		}
		fmt.Fprintf(&b, "; test accuracy %.1f%% at θ1 and %.1f%% at θ2. ", 100*sum[run+"/theta1/test_accuracy"], 100*sum[run+"/theta2/test_accuracy"])
	}
	pts := sweep33(sum)
	if len(pts) < 2 {
		return b.String()
	}
	var bs, acc, sens []float64
	var rows []string
	for _, p := range pts {
		bs = append(bs, p.batch)
		acc = append(acc, p.testAcc)
		sens = append(sens, p.sensitivity)
		rows = append(rows, fmt.Sprintf("batch %d: test accuracy %.1f%%, sensitivity %.3g, sharpness %s", int(p.batch), 100*p.testAcc, p.sensitivity, sharpText(p.sharp)))
	}
	fmt.Fprintf(&b, "Across batch sizes %d to %d (same number of epochs), test accuracy %s (rank correlation %.2f) and sensitivity %s (%.2f)",
		int(bs[0]), int(bs[len(bs)-1]), trend(rankCorrelation(bs, acc)), rankCorrelation(bs, acc), trend(rankCorrelation(bs, sens)), rankCorrelation(bs, sens))
	for _, e := range sortedKeys(pts[0].sharp) {
		var sh []float64
		for _, p := range pts {
			sh = append(sh, p.sharp[e])
		}
		rho := rankCorrelation(bs, sh)
		fmt.Fprintf(&b, "; sharpness at ε = %s %s (%.2f)", e, trend(rho), rho)
	}
	fmt.Fprintf(&b, ". %s.", strings.Join(rows, "; "))
	return b.String()
}

func sharpText(m map[string]float64) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%.3g (ε = %s)", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
