package problems

import (
	"fmt"
	"strings"

	"hw1/problems/records"
)

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
