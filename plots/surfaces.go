package plots

import (
	"fmt"
	"math"
	"slices"

	"hw1/problems/records"
)

// surfaceFigures21 are the figures of 2-1's loss surfaces, as Figures lists them.
var surfaceFigures21 = []FigureInfo{
	{"surface-random-train", "Training loss around the first run's trained model (the centre) in the plane of two filter-normalised random directions (Li et al. 2018), log colour scale with contour lines."},
	{"surface-random-test", "The same for the test loss."},
	{"surface-pca-train", "Training loss in the plane of the first two PCA directions of the first run's trajectory, with the trajectory drawn on the contours (loss-landscape's trajectory plot)."},
	{"surface-pca-test", "The same for the test loss."},
}

// surfaceJobs21 returns the figures of 2-1's loss surfaces, for the planes recorded.
func surfaceJobs21(t records.Table) []job {
	var jobs []job
	for _, run := range []string{records.RunSurfaceRandom, records.RunSurfacePCA} {
		rows := t.Run(run)
		if len(rows) == 0 {
			continue
		}
		for _, split := range []string{records.SplitTrain, records.SplitTest} {
			jobs = append(jobs, job{
				name:    run + "-" + split,
				caption: surfaceCaption(rows, run, split),
				build:   func() (*Figure, error) { return surfaceChart(rows, run, split) },
			})
		}
	}
	return jobs
}

// surfaceCaption says what a loss surface shows and what a reader should see in it,
// with the grid and the number of points per session run from the records.
func surfaceCaption(rows records.Table, run, split string) string {
	what := map[string]string{records.SplitTrain: "Training", records.SplitTest: "Test"}[split]
	models := rows.Models()
	model := ""
	if len(models) > 0 {
		model = models[0]
	}
	n := len(rows.Split("").Metric(records.MetricSurfaceA))
	side := int(math.Round(math.Sqrt(float64(n))))
	grid := fmt.Sprintf("%d×%d points", side, side)
	if per, ok := last(rows.Metric(records.MetricPointsPerRun)); ok {
		grid += fmt.Sprintf(", %.0f evaluated per session run", per)
	}
	centre := "the trained model of the first run (the centre, coordinates 0)"
	if run == records.RunSurfaceRandom {
		return fmt.Sprintf("%s loss (%s) around %s in the plane of two filter-normalised random directions (Li et al. 2018: a Gaussian direction rescaled, for every neuron, to the norm of the weights that feed it; biases left at zero), on %s, log colour scale with contour lines. A reader should see the trained model at the bottom of a basin: the loss rises in every direction, and because the directions are scaled to the weights, the width of the basin can be compared between models.",
			what, model, centre, grid)
	}
	caption := fmt.Sprintf("%s loss (%s) in the plane through %s spanned by the first two PCA directions of its training trajectory", what, model, centre)
	e1, ok1 := last(rows.Metric(records.MetricExplained1))
	e2, ok2 := last(rows.Metric(records.MetricExplained2))
	if ok1 && ok2 {
		caption += fmt.Sprintf(" (%s and %s of the trajectory's variance)", percent(e1, 1), percent(e2, 1))
	}
	return caption + fmt.Sprintf(", on %s, log colour scale with contour lines; the snapshots of the trajectory, labelled with their epoch, are drawn on the contours, as loss-landscape's trajectory plot does. A reader should see the path start high (the ring) and cross the contours down into the basin, mostly along the first direction, ending at the centre; the lowest point of the plane may lie beyond it where training had not finished. Snapshots off the plane are projected on it, so the surface under them is not their own loss.", grid)
}

// surfaceChart draws one split's loss surface of run, with the trajectory for the PCA
// plane.
func surfaceChart(rows records.Table, run, split string) (*Figure, error) {
	s, err := surfaceOf(rows, split)
	if err != nil {
		return nil, err
	}
	what := map[string]string{records.SplitTrain: "training", records.SplitTest: "test"}[split]
	ax := Axes{Title: what + " loss in a plane of filter-normalised random directions", X: "filter-normalised direction 1", Y: "filter-normalised direction 2"}
	if run != records.RunSurfacePCA {
		return ContourChart(ax, s, ContourOptions{LogZ: true, Label: what + " loss"})
	}
	ax.Title, ax.X, ax.Y = what+" loss in the PCA plane of the trajectory", "PCA direction 1", "PCA direction 2"
	tr := Trajectory{Label: "trajectory (epochs)"}
	traj := rows.Split(records.SplitTrajectory)
	bs := traj.Values(records.MetricSurfaceB)
	as := slices.Clone(traj.Metric(records.MetricSurfaceA))
	slices.SortFunc(as, func(a, b records.Row) int { return a.Step - b.Step })
	for _, r := range as {
		y, ok := bs[r.Key()]
		if !ok {
			continue
		}
		tr.X, tr.Y = append(tr.X, r.Value), append(tr.Y, y)
		tr.Notes = append(tr.Notes, fmt.Sprintf("%g", r.Epoch))
	}
	if len(tr.X) == 0 {
		return nil, missing("run %s has no %q rows with a %q row in split %s", run, records.MetricSurfaceB, records.MetricSurfaceA, records.SplitTrajectory)
	}
	thinNotes(tr.Notes, maxNotes)
	return ContourChart(ax, s, ContourOptions{LogZ: true, Label: what + " loss"}, tr)
}

// surfaceOf rebuilds a surface from its rows: the coordinates of every grid point
// (surface_a, surface_b, empty split) and the loss of split at the same step.
func surfaceOf(rows records.Table, split string) (Surface, error) {
	coords := rows.Split("")
	a, b := coords.Values(records.MetricSurfaceA), coords.Values(records.MetricSurfaceB)
	loss := rows.Split(split).Metric(records.MetricLoss)
	if len(a) == 0 || len(loss) == 0 {
		return Surface{}, missing("no %q rows with %q and %q rows of the same step", records.MetricLoss, records.MetricSurfaceA, records.MetricSurfaceB)
	}
	var s Surface
	for k, v := range a {
		s.X = append(s.X, v)
		s.Y = append(s.Y, b[k])
	}
	slices.Sort(s.X)
	slices.Sort(s.Y)
	s.X, s.Y = slices.Compact(s.X), slices.Compact(s.Y)
	if len(s.X)*len(s.Y) != len(a) {
		return Surface{}, fmt.Errorf("plots: %d grid points do not form a grid of %d × %d", len(a), len(s.X), len(s.Y))
	}
	s.Z = make([][]float64, len(s.Y))
	for i := range s.Z {
		s.Z[i] = make([]float64, len(s.X))
		for j := range s.Z[i] {
			s.Z[i][j] = math.NaN()
		}
	}
	for _, r := range loss {
		k := r.Key()
		k.Split = ""
		x, okx := a[k]
		y, oky := b[k]
		if !okx || !oky {
			continue
		}
		i, _ := slices.BinarySearch(s.Y, y)
		j, _ := slices.BinarySearch(s.X, x)
		s.Z[i][j] = r.Value
	}
	for i := range s.Z {
		for j, z := range s.Z[i] {
			if math.IsNaN(z) {
				return Surface{}, missing("no %s %q row at (%g, %g)", split, records.MetricLoss, s.X[j], s.Y[i])
			}
		}
	}
	return s, nil
}
