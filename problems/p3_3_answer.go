package problems

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"hw1/problems/analysis"
)

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
	sum := res.Manifest.Flat()
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
		int(bs[0]), int(bs[len(bs)-1]), trend(analysis.Spearman(bs, acc)), analysis.Spearman(bs, acc), trend(analysis.Spearman(bs, sens)), analysis.Spearman(bs, sens))
	for _, e := range sortedKeys(pts[0].sharp) {
		var sh []float64
		for _, p := range pts {
			sh = append(sh, p.sharp[e])
		}
		rho := analysis.Spearman(bs, sh)
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
