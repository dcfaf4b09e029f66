package problems

import (
	"fmt"
	"sort"
	"strings"
)

// answer22 reports what the gradient norm did and what the Hessian looks like where
// the gradient vanishes, from the measured summary.
func answer22(res RunResult) string {
	sum := res.Manifest.Flat()
	var b strings.Builder
	var runs []string
	for k := range sum {
		if strings.HasPrefix(k, "gradnorm-") && strings.HasSuffix(k, "/iterations") {
			runs = append(runs, strings.TrimSuffix(k, "/iterations"))
		}
	}
	sort.Strings(runs)
	for _, r := range runs {
		fmt.Fprintf(&b, "%s: over %d iterations the loss goes from %.3g to %.3g; the gradient norm starts at %.3g, peaks at %.3g (iteration %d) and ends near %.3g. ",
			strings.TrimPrefix(r, "gradnorm-"), int(sum[r+"/iterations"]), sum[r+"/first_loss"], sum[r+"/last_loss"],
			sum[r+"/first_grad_norm"], sum[r+"/peak_grad_norm"], int(sum[r+"/peak_iteration"]), sum[r+"/last_grad_norm"])
	}
	n := sum["trainings"]
	fmt.Fprintf(&b, "Almost zero gradient: of %d networks (%d parameters) trained on the loss and then on ||grad L||^2, %.0f%% reached ||grad L|| < %.0e (median reduction of the gradient norm by phase 2: %.3g times). ",
		int(n), int(sum["params"]), 100*sum["converged_share"], sum["tol"], sum["grad_norm_reduction/median"])
	fmt.Fprintf(&b, "There the minimal ratio (share of the full Hessian's eigenvalues above %.0e) lies between %.3f and %.3f (mean %.3f) and the loss between %.3g and %.3g. ",
		sum["eig_tolerance"], sum["minimal_ratio/min"], sum["minimal_ratio/max"], sum["minimal_ratio/mean"], sum["loss/min"], sum["loss/max"])
	if sh, ok := sum["saddle_share_of_converged"]; ok {
		fmt.Fprintf(&b, "%.0f%% of the converged points have an eigenvalue below minus that tolerance, so by this criterion they are saddle points rather than minima; their most negative eigenvalue is small, a median %.2g (at most %.2g) of the largest one. ",
			100*sh, sum["negative_curvature_relative/median"], sum["negative_curvature_relative/max"])
	}
	if sum["minimal_ratio/max"] < 1 {
		fmt.Fprintf(&b, "No point has all its eigenvalues above the tolerance: at most %.0f%% of the directions have a clearly positive curvature, the others are flat or negative. ", 100*sum["minimal_ratio/max"])
	}
	if c, ok := sum["corr_ratio_log10_loss"]; ok {
		fmt.Fprintf(&b, "Correlation between minimal ratio and log10 loss over the converged points: %.2f.", c)
	}
	return b.String()
}
