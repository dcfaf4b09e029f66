package problems

import (
	"fmt"
	"math"

	"hw1/problems/analysis"
	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// hessianModel builds the second-order copy of 3-3's model on the first
// s.SpectrumExamples examples of train (0: all), for the Hessian spectrum of the
// training loss; it returns nil when s.SpectrumIters is 0.
func (x *exp33) hessianModel(train *data.Set) (*tfgraph.Model, error) {
	if x.s.SpectrumIters == 0 {
		return nil, nil
	}
	sub := train
	if n := x.s.SpectrumExamples; n > 0 && n < train.N {
		sub = train.Subset(n)
	}
	x.rec.Note("Hessian of the training loss on the first %d training examples at the end of every training of the sweep: its largest eigenvalue from %d Lanczos iterations (full reorthogonalisation, a lower bound that converges from below) and its trace from %d Rademacher probes (Hutchinson), exact Hessian-vector products.",
		sub.N, x.s.SpectrumIters, x.s.SpectrumProbes)
	return tfgraph.New(x.spec, tensorData(sub), nil, tfgraph.Config{SecondOrder: true, Session: x.env.session()})
}

// spectrum writes the largest Hessian eigenvalue (Lanczos) and Hutchinson's trace of
// the training loss of t, index bi of the sweep, as rows of run sensitivity beside its
// sharpness; it does nothing without a second-order model.
func (x *exp33) spectrum(t *trained33, bi int) error {
	m := x.hess
	if m == nil {
		return nil
	}
	if err := m.SetParams(t.params); err != nil {
		return err
	}
	n := m.NumParams()
	l, err := analysis.RunLanczos(modelHVP(m), n, analysis.LanczosOptions{Iterations: min(n, x.s.SpectrumIters), Seed: t.seed})
	if err != nil {
		return err
	}
	top, _ := l.Extremes(1)
	tr, err := analysis.HutchinsonTrace(batchHVP(m), n, analysis.TraceOptions{Probes: x.s.SpectrumProbes, Batch: x.s.SpectrumProbes, Seed: t.seed})
	if err != nil {
		return err
	}
	if len(top) == 0 || math.IsNaN(top[0]) || math.IsInf(top[0], 0) {
		return fmt.Errorf("problems: 3-3 %s: largest Hessian eigenvalue %v", t.name, top)
	}
	for _, r := range []struct {
		metric string
		v      float64
	}{{records.MetricMaxEigenvalue, top[0]}, {records.MetricHessianTrace, tr.Trace}, {records.MetricTraceStdErr, tr.StdErr}} {
		if err := x.rec.AddSeeded(run33Sensitivity, t.name, "train", t.seed, bi, NoEpoch, r.metric, r.v); err != nil {
			return err
		}
	}
	x.env.log().Info("3-3", "model", t.name, "seed", t.cfg.seed+1, "lambda_max", top[0], "trace", tr.Trace, "trace_stderr", tr.StdErr)
	return x.density(t)
}
