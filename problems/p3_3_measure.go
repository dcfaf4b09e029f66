package problems

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"hw1/problems/analysis"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// measure writes the part-2 rows of one trained model t, index bi of the sweep (run
// sensitivity, model batch-<b>, the seed's column): the batch size, learning rate,
// steps and whether it met the criterion, its own train and test loss and accuracy,
// its sensitivity and its sharpness for every ε, in the full space and (s.Subspace >
// 0) in a random subspace.
func (x *exp33) measure(t *trained33, bi int) error {
	s := x.s
	m := x.meas
	if err := m.SetParams(t.params); err != nil {
		return err
	}
	var err error
	if t.sensitivity, err = m.JacobianNorm(tfgraph.Test, s.SensitivityExamples); err != nil {
		return err
	}
	spaces := []*mat.Dense{nil}
	if s.Subspace > 0 {
		spaces = append(spaces, randomSubspace(len(t.params), min(s.Subspace, len(t.params)), t.seed))
	}
	bar := x.env.unitProgress(len(s.SharpnessEps)*len(spaces), "sharpness "+t.name, "ascent")
	defer bar.Close()
	for _, eps := range s.SharpnessEps {
		for _, a := range spaces {
			sh, err := analysis.Sharpness(modelFunc{m}, t.params, s.options(eps, a))
			if err != nil {
				return err
			}
			d := 0
			if a != nil {
				_, d = a.Dims()
			}
			t.sharp = append(t.sharp, sharp33{eps: eps, sub: d, value: sh})
			bar.Add(1)
		}
	}
	add := func(split, metric string, v float64) error {
		return x.rec.AddSeeded(run33Sensitivity, t.name, split, t.seed, bi, NoEpoch, metric, v)
	}
	rows := []struct {
		split, metric string
		v             float64
	}{
		{"", records.MetricBatchSize, float64(t.cfg.batch)}, {"", records.MetricLearningRate, t.cfg.lr},
		{"train", records.MetricSteps, float64(t.steps)}, {"train", records.MetricReached, b2f(t.reached)},
		{"train", "loss", t.trainLoss}, {"train", "accuracy", t.trainAcc}, {"test", "loss", t.testLoss}, {"test", "accuracy", t.testAcc},
		{"test", records.MetricSensitivity, t.sensitivity},
	}
	for _, sh := range t.sharp {
		rows = append(rows, struct {
			split, metric string
			v             float64
		}{"train", sharpMetric(sh.eps, sh.sub), sh.value})
	}
	for _, r := range rows {
		if err := add(r.split, r.metric, r.v); err != nil {
			return err
		}
	}
	if err := x.spectrum(t, bi); err != nil {
		return err
	}
	x.env.log().Info("3-3", "model", t.name, "seed", t.cfg.seed+1, "sensitivity", t.sensitivity, "sharpness", t.sharp[0].value)
	return x.rec.Flush()
}

// randomSubspace returns the n×p matrix A of the random subspace y = A·z of Keskar et
// al.'s sharpness, drawn from seed: a random permutation of the n coordinates is dealt
// to the p columns in turn, each coordinate with a random sign, and every column is
// scaled to norm √n, the norm of a column of n independent standard normal entries,
// as Keskar et al.'s random A has. With unit columns the box |z_i| <= ε(|(A⁺θ)_i|+1)
// would move the parameters by only about ε·√p, where the full space's box allows
// about ε·√n. The supports are disjoint, so the columns are orthogonal, A⁺ = Aᵀ/n,
// and the box costs no least-squares solve.
func randomSubspace(n, p int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 0x5ab5))
	a := mat.NewDense(n, p, nil)
	counts := make([]int, p)
	for k, i := range rng.Perm(n) {
		counts[k%p]++
		if rng.IntN(2) == 0 {
			a.Set(i, k%p, 1)
		} else {
			a.Set(i, k%p, -1)
		}
	}
	raw := a.RawMatrix()
	for i := 0; i < n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+p]
		for j, v := range row {
			if v != 0 {
				row[j] = v * math.Sqrt(float64(n)/float64(counts[j]))
			}
		}
	}
	return a
}

// sharpMetric is the metric of a sharpness at ε: sharpness_<ε> in the full space,
// sharpness_<ε>_sub<p> in a random p-dimensional subspace.
func sharpMetric(eps float64, sub int) string {
	m := records.MetricSharpnessPrefix + epsName(eps)
	if sub > 0 {
		m += fmt.Sprintf("_sub%d", sub)
	}
	return m
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

// interp33 is what one interpolation measured at α = 0, ½ and 1, beside the two
// models' own metrics.
type interp33 struct {
	Run             string  `json:"run"`
	Theta1          string  `json:"theta1"`
	Theta2          string  `json:"theta2"`
	Theta1TrainLoss float64 `json:"theta1_train_loss"`
	Theta2TrainLoss float64 `json:"theta2_train_loss"`
	Alpha0TrainLoss float64 `json:"alpha0_train_loss"`
	Alpha1TrainLoss float64 `json:"alpha1_train_loss"`
	HalfTrainLoss   float64 `json:"half_train_loss"`
	Theta1TestAcc   float64 `json:"theta1_test_accuracy"`
	Theta2TestAcc   float64 `json:"theta2_test_accuracy"`
	Alpha0TestAcc   float64 `json:"alpha0_test_accuracy"`
	Alpha1TestAcc   float64 `json:"alpha1_test_accuracy"`
	MaxEndpointDiff float64 `json:"max_endpoint_difference"`
	Alphas          int     `json:"alphas"`
	// FilterOffset is the offset a of the filter-normalised profiles at which
	// Theta1FilterRise and Theta2FilterRise give the rise of the training loss above
	// the minimum's own, the mean of a and -a (all three 0 without profiles).
	FilterOffset     float64 `json:"filter_offset"`
	Theta1FilterRise float64 `json:"theta1_filter_rise"`
	Theta2FilterRise float64 `json:"theta2_filter_rise"`
}

// interpolate33 evaluates θ(α) = (1-α)θ1 + αθ2 on the whole training and test sets for
// every α of s's grid, writing the rows of one interpolation run, and returns the
// metrics at α = 0, ½ and 1 beside the endpoint models' own.
func interpolate33(ctx context.Context, env *Env, rec *Recorder, eval *tfgraph.Model, run string, t1, t2 *trained33, s *settings33) (interp33, error) {
	in := interp33{Run: run, Theta1: t1.name, Theta2: t2.name, Theta1TrainLoss: t1.trainLoss, Theta2TrainLoss: t2.trainLoss,
		Theta1TestAcc: t1.testAcc, Theta2TestAcc: t2.testAcc, HalfTrainLoss: math.NaN()}
	if env.Resume {
		if err := rec.dropFrom(run, model33Pair, math.Inf(-1)); err != nil {
			return in, err
		}
	}
	alphas := s.alphas()
	in.Alphas = len(alphas)
	rec.Note("%s: θ1 is %s, θ2 is %s (seed 1).", run, t1.name, t2.name)
	bar := env.progress(len(alphas), run)
	defer bar.Close()
	p := make([]float64, len(t1.params))
	for i, a := range alphas {
		if err := ctx.Err(); err != nil {
			return in, err
		}
		for j := range p {
			p[j] = (1-a)*t1.params[j] + a*t2.params[j]
		}
		if err := eval.SetParams(p); err != nil {
			return in, err
		}
		if err := rec.Add(run, model33Pair, "", i, NoEpoch, records.MetricAlpha, a); err != nil {
			return in, err
		}
		for _, sp := range []tfgraph.Split{tfgraph.Train, tfgraph.Test} {
			loss, acc, err := eval.Evaluate(sp)
			if err != nil {
				return in, err
			}
			if err := rec.Add(run, model33Pair, sp.String(), i, NoEpoch, "loss", loss); err != nil {
				return in, err
			}
			if err := rec.Add(run, model33Pair, sp.String(), i, NoEpoch, "accuracy", acc); err != nil {
				return in, err
			}
			switch {
			case a == 0 && sp == tfgraph.Train:
				in.Alpha0TrainLoss = loss
			case a == 1 && sp == tfgraph.Train:
				in.Alpha1TrainLoss = loss
			case a == 0.5 && sp == tfgraph.Train:
				in.HalfTrainLoss = loss
			case a == 0:
				in.Alpha0TestAcc = acc
			case a == 1:
				in.Alpha1TestAcc = acc
			}
		}
		bar.Add(1)
	}
	in.MaxEndpointDiff = max(math.Abs(in.Alpha0TrainLoss-in.Theta1TrainLoss), math.Abs(in.Alpha1TrainLoss-in.Theta2TrainLoss),
		math.Abs(in.Alpha0TestAcc-in.Theta1TestAcc), math.Abs(in.Alpha1TestAcc-in.Theta2TestAcc))
	return in, rec.Flush()
}
