package problems

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// summarize22 records the share of trainings that reached the tolerance, the range of
// minimal ratios and losses and how they relate.
func summarize22(rec *Recorder, s *settings22, rs []minimalResult) {
	var ratios, losses, reductions, convRatios, convLogLoss, negCurv []float64
	conv, saddles := 0, 0
	for _, r := range rs {
		ratios = append(ratios, r.Ratio)
		losses = append(losses, r.Loss)
		reductions = append(reductions, r.Phase1GradNorm/r.GradNorm)
		if r.Converged {
			conv++
			convRatios = append(convRatios, r.Ratio)
			convLogLoss = append(convLogLoss, math.Log10(r.Loss))
			if r.MinEig < -r.EigTol {
				saddles++
			}
			negCurv = append(negCurv, -r.MinEig/r.MaxEig)
		}
	}
	n := float64(len(rs))
	rec.Summary("trainings", n)
	rec.Summary("params", float64(rs[0].Params))
	rec.Summary("tol", s.Tol)
	rec.Summary("eig_tolerance", s.EigTol)
	rec.Summary("converged_share", float64(conv)/n)
	rec.Summary("minimal_ratio/min", floats.Min(ratios))
	rec.Summary("minimal_ratio/max", floats.Max(ratios))
	rec.Summary("minimal_ratio/mean", stat.Mean(ratios, nil))
	rec.Summary("loss/min", floats.Min(losses))
	rec.Summary("loss/max", floats.Max(losses))
	sort.Float64s(reductions)
	rec.Summary("grad_norm_reduction/median", stat.Quantile(0.5, stat.Empirical, reductions, nil))
	rec.Summary("grad_norm_reduction/min", reductions[0])
	if conv > 0 {
		rec.Summary("saddle_share_of_converged", float64(saddles)/float64(conv))
		sort.Float64s(negCurv)
		rec.Summary("negative_curvature_relative/median", stat.Quantile(0.5, stat.Empirical, negCurv, nil))
		rec.Summary("negative_curvature_relative/max", negCurv[len(negCurv)-1])
	}
	if conv > 2 {
		rec.Summary("corr_ratio_log10_loss", stat.Correlation(convRatios, convLogLoss, nil))
	}
}
