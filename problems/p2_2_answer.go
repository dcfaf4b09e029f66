package problems

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/stat"

	"hw1/problems/analysis"
	"hw1/problems/records"
)

// summary22 is the typed summary of 2-2.
type summary22 struct {
	// GradNorm has one row per gradient-norm training.
	GradNorm []gradNorm22 `json:"gradient_norm"`
	// Points is the number of training points of the minimal-ratio trainings (no test
	// set), Trainings their number and Params the parameters of each network.
	Points    int `json:"train_points"`
	Trainings int `json:"trainings"`
	Params    int `json:"params"`
	// GradTol is the gradient-norm tolerance of phase 2; Converged the trainings that
	// reached it and ConvergedShare their share.
	GradTol        float64 `json:"grad_tolerance"`
	Converged      int     `json:"converged"`
	ConvergedShare float64 `json:"converged_share"`
	// ReductionMedian is the median of the phase-1 over phase-2 gradient norm.
	ReductionMedian float64 `json:"grad_norm_reduction_median"`
	// Basis says which end points the estimates below are over: "converged", or "all"
	// when fewer than two converged.
	Basis string `json:"basis"`
	// EigTol is the headline tolerance of "eigenvalue > 0" and Ratio the minimal ratio
	// there; Log10Loss the loss of the end points.
	EigTol    float64          `json:"eig_tolerance"`
	Ratio     records.Estimate `json:"minimal_ratio"`
	Log10Loss records.Estimate `json:"log10_loss"`
	// Tolerances has the minimal ratio and the eigenvalue counts at every tolerance.
	Tolerances []tol22 `json:"tolerances"`
	// NegCurvMedian is the median over the end points of -λmin/λmax.
	NegCurvMedian float64 `json:"negative_curvature_relative_median"`
	// CorrRatioLoss is the correlation of minimal ratio and log10 loss (NaN for fewer
	// than three points).
	CorrRatioLoss float64 `json:"corr_ratio_log10_loss"`
}

// gradNorm22 summarises one gradient-norm training.
type gradNorm22 struct {
	Task          string  `json:"task"`
	Seed          uint64  `json:"seed"`
	Train         int     `json:"train_examples"`
	Iterations    int     `json:"iterations"`
	FirstLoss     float64 `json:"first_loss"`
	LastLoss      float64 `json:"last_loss"`
	FirstGradNorm float64 `json:"first_grad_norm"`
	PeakGradNorm  float64 `json:"peak_grad_norm"`
	PeakIteration int     `json:"peak_iteration"`
	LastGradNorm  float64 `json:"last_grad_norm"`
}

// tol22 is the spectrum of the end points at one tolerance.
type tol22 struct {
	// Kind is "absolute" or "relative" (to each end point's largest |eigenvalue|).
	Kind      string           `json:"kind"`
	Tolerance float64          `json:"tolerance"`
	Ratio     records.Estimate `json:"minimal_ratio"`
	Negative  records.Estimate `json:"negative"`
	NearZero  records.Estimate `json:"near_zero"`
	// SaddleShare is the share of end points with an eigenvalue below minus the
	// tolerance (and one above it): saddles at this tolerance. MinimumShare is the
	// share with none below: minima up to flat directions.
	SaddleShare  float64 `json:"saddle_share"`
	MinimumShare float64 `json:"minimum_share"`
}

// summarize22 builds the typed summary of 2-2 from its trainings.
func summarize22(s *settings22, gns []gradNorm22, rs []minimalResult) summary22 {
	sum := summary22{GradNorm: gns, Points: s.Points, Trainings: len(rs), GradTol: s.Tol, EigTol: s.EigTol,
		Basis: "converged", Tolerances: []tol22{}}
	if gns == nil {
		sum.GradNorm = []gradNorm22{}
	}
	var base []minimalResult
	var reductions []float64
	for _, r := range rs {
		sum.Params = r.Params
		reductions = append(reductions, r.Phase1GradNorm/r.GradNorm)
		if r.Converged {
			base = append(base, r)
		}
	}
	sum.Converged = len(base)
	sum.ConvergedShare = float64(len(base)) / float64(max(len(rs), 1))
	sum.ReductionMedian = median(reductions)
	if len(base) < 2 {
		base, sum.Basis = rs, "all"
	}
	var ratios, logLoss, negCurv []float64
	for _, r := range base {
		ratios = append(ratios, r.Ratio)
		logLoss = append(logLoss, math.Log10(r.Loss))
		negCurv = append(negCurv, -r.MinEig/r.MaxEig)
	}
	sum.Ratio, sum.Log10Loss = records.NewEstimate(ratios), records.NewEstimate(logLoss)
	sum.NegCurvMedian = median(negCurv)
	sum.CorrRatioLoss = math.NaN()
	if len(base) > 2 {
		sum.CorrRatioLoss = stat.Correlation(ratios, logLoss, nil)
	}
	for _, g := range []struct {
		kind string
		tols []float64
		abs  func([]float64, float64) float64
	}{
		{"absolute", s.AbsTols, func(_ []float64, t float64) float64 { return t }},
		{"relative", s.RelTols, analysis.RelativeTolerance},
	} {
		for _, t := range g.tols {
			row := tol22{Kind: g.kind, Tolerance: t}
			var ratio, neg, zero []float64
			saddles, minima := 0, 0
			for _, r := range base {
				c := analysis.Classify(r.Eigenvalues, g.abs(r.Eigenvalues, t))
				ratio = append(ratio, float64(c.Positive)/float64(len(r.Eigenvalues)))
				neg, zero = append(neg, float64(c.Negative)), append(zero, float64(c.Zero))
				if c.Negative > 0 && c.Positive > 0 {
					saddles++
				}
				if c.Negative == 0 {
					minima++
				}
			}
			row.Ratio, row.Negative, row.NearZero = records.NewEstimate(ratio), records.NewEstimate(neg), records.NewEstimate(zero)
			row.SaddleShare = float64(saddles) / float64(max(len(base), 1))
			row.MinimumShare = float64(minima) / float64(max(len(base), 1))
			sum.Tolerances = append(sum.Tolerances, row)
		}
	}
	return sum
}

// answer22 reports what the gradient norm did and what the Hessian looks like where
// the gradient vanishes, from the typed summary: the minimal ratio against the
// tolerance with intervals, and the tolerance range over which the end points are
// saddles or minima.
func answer22(res RunResult) string { return answerFrom(res, write22) }

// write22 writes the answer of 2-2 from its summary.
func write22(sum *summary22, b *strings.Builder) {
	for _, g := range sum.GradNorm {
		fmt.Fprintf(b, "%s (%d training examples, seed %d): over %d iterations the loss goes from %.3g to %.3g; the gradient norm starts at %.3g, peaks at %.3g (iteration %d) and ends near %.3g. ",
			g.Task, g.Train, g.Seed, g.Iterations, g.FirstLoss, g.LastLoss, g.FirstGradNorm, g.PeakGradNorm, g.PeakIteration, g.LastGradNorm)
	}
	fmt.Fprintf(b, "Almost zero gradient: of %d networks (%d parameters, %d training points, one seed each) trained on the loss and then driven towards grad L = 0 (Levenberg-Marquardt steps from exact Hessians, then L-BFGS on ||grad L||^2), %d (%.0f%%) reached ||grad L|| < %.0e (median reduction of the gradient norm by phase 2: %.3g times). ",
		sum.Trainings, sum.Params, sum.Points, sum.Converged, 100*sum.ConvergedShare, sum.GradTol, sum.ReductionMedian)
	basis := "converged end points"
	if sum.Basis != "converged" {
		basis = "end points (all of them: fewer than two converged)"
	}
	fmt.Fprintf(b, "Over the %s, log10 loss %s; the minimal ratio depends on the tolerance of \"eigenvalue > 0\":", basis, sum.Log10Loss.Interval(3))
	for _, kind := range []string{"absolute", "relative"} {
		var parts []string
		for _, t := range sum.Tolerances {
			if t.Kind == kind {
				parts = append(parts, fmt.Sprintf("%s %s", records.FormatSig(t.Tolerance, 2), t.Ratio.Interval(3)))
			}
		}
		if len(parts) > 0 {
			label := " absolute tolerance"
			if kind == "relative" {
				label = "; tolerance relative to the largest |eigenvalue|"
			}
			fmt.Fprintf(b, "%s %s", label, strings.Join(parts, ", "))
		}
	}
	b.WriteString(". ")
	b.WriteString(saddleClaim(sum.Tolerances, "absolute"))
	b.WriteString(saddleClaim(sum.Tolerances, "relative"))
	fmt.Fprintf(b, "The most negative eigenvalue is small: a median %.2g of the largest one. ", sum.NegCurvMedian)
	if c := sum.CorrRatioLoss; c == c {
		fmt.Fprintf(b, "Correlation between minimal ratio (at %.0e) and log10 loss: %.2f.", sum.EigTol, c)
	}
}

// saddleClaim says over which tolerances of kind every end point is a saddle, over
// which every one is a minimum up to flat directions, and the shares elsewhere.
func saddleClaim(ts []tol22, kind string) string {
	var rows []tol22
	for _, t := range ts {
		if t.Kind == kind {
			rows = append(rows, t)
		}
	}
	if len(rows) == 0 {
		return ""
	}
	var saddle, minimum, mixed []string
	for _, t := range rows {
		tol := records.FormatSig(t.Tolerance, 2)
		switch {
		case t.SaddleShare == 1:
			saddle = append(saddle, tol)
		case t.MinimumShare == 1:
			minimum = append(minimum, tol)
		default:
			mixed = append(mixed, fmt.Sprintf("%s (%.0f%% saddles, %.0f%% minima)", tol, 100*t.SaddleShare, 100*t.MinimumShare))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "At the %s tolerances ", kind)
	if len(saddle) > 0 {
		fmt.Fprintf(&b, "%s every end point is a saddle (eigenvalues both below -tol and above tol)", strings.Join(saddle, ", "))
	} else {
		b.WriteString("none has every end point a saddle")
	}
	if len(minimum) > 0 {
		fmt.Fprintf(&b, "; at %s every one counts as a minimum up to flat directions (no eigenvalue below -tol)", strings.Join(minimum, ", "))
	}
	if len(mixed) > 0 {
		fmt.Fprintf(&b, "; at %s they are neither all saddles nor all minima", strings.Join(mixed, ", "))
	}
	b.WriteString(". ")
	return b.String()
}
