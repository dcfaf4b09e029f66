package problems

import (
	"fmt"
	"math"
	"strings"
	"time"

	"hw1/problems/analysis"
	"hw1/problems/data"
	"hw1/problems/records"
	"hw1/tfgraph"
)

// pcaMargin is how far the grid of the PCA plane reaches beyond the trajectory: each
// half-width is this multiple of the trajectory's largest |coordinate| on its axis.
const pcaMargin = 1.25

// surface21 describes one loss surface of 2-1 in the typed summary.
type surface21 struct {
	// Plane is the record run: surface-random or surface-pca.
	Plane string `json:"plane"`
	// Run is the training whose final model is the centre of the plane.
	Run string `json:"run"`
	// Points is the number of grid points, PerRun how many of them one session run
	// evaluates (on each split).
	Points int `json:"points"`
	PerRun int `json:"points_per_session_run"`
	// RangeA and RangeB are the half-widths of the grid along each direction.
	RangeA float64 `json:"range_a"`
	RangeB float64 `json:"range_b"`
	// CentreTrain and CentreTest are the losses at the trained model; MinTrain and
	// MaxTrain, MinTest and MaxTest the extremes over the grid.
	CentreTrain float64 `json:"centre_train_loss"`
	CentreTest  float64 `json:"centre_test_loss"`
	MinTrain    float64 `json:"min_train_loss"`
	MaxTrain    float64 `json:"max_train_loss"`
	MinTest     float64 `json:"min_test_loss"`
	MaxTest     float64 `json:"max_test_loss"`
	// Explained1 and Explained2 are the shares of the trajectory's variance the two
	// PCA directions explain (NaN for the random plane).
	Explained1 float64 `json:"explained1"`
	Explained2 float64 `json:"explained2"`
}

// surfaces21 records the training and test loss surfaces around the trained model of
// one 2-1 training, the last of its snapshots, in two planes through it: two
// filter-normalised random directions (Li et al. 2018) over [-r, r]², and the first
// two principal directions of its trajectory, with the snapshots projected on them
// (loss-landscape's trajectory plot). It does nothing when s.Surface.Points is 0; an
// earlier attempt's surface rows are redone.
func surfaces21(env *Env, rec *Recorder, s *settings21, spec tfgraph.Spec, train, test *data.Set, run string, seed uint64, snaps []snapshot) ([]surface21, error) {
	n := s.Surface.Points
	if n == 0 {
		return nil, nil
	}
	if n < 3 || n%2 == 0 || len(snaps) < 2 {
		return nil, fmt.Errorf("problems: 2-1: surface_points must be odd and at least 3 (got %d), with at least 2 snapshots (got %d)", n, len(snaps))
	}
	if env.Resume {
		if err := rec.dropRows(func(r records.Row) bool {
			return r.Run == records.RunSurfaceRandom || r.Run == records.RunSurfacePCA
		}); err != nil {
			return nil, err
		}
	}
	m, err := tfgraph.New(spec, tensorData(train), tensorData(test), tfgraph.Config{Seed: seed, Session: env.session()})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	traj := make([][]float64, len(snaps))
	for i, sn := range snaps {
		traj[i] = make([]float64, len(sn.Params))
		for j, v := range sn.Params {
			traj[i][j] = float64(v)
		}
	}
	final := traj[len(traj)-1]
	if err := m.SetParams(final); err != nil {
		return nil, err
	}
	perRun := min(n*n, m.PlanePoints())
	rec.Note("Loss surfaces around the trained model of %s: %d×%d points in the plane of two filter-normalised random directions over [-%g, %g]² and in the plane of the first two PCA directions of its trajectory (%d snapshots), %d points per session run on each split.",
		run, n, n, s.Surface.Range, s.Surface.Range, len(snaps), perRun)

	random, err := filterNormalizedPlane(m, seed^0x5eed)
	if err != nil {
		return nil, err
	}
	pca, coords, ex, err := analysis.TrajectoryPlane(traj, final)
	if err != nil {
		return nil, fmt.Errorf("problems: 2-1: trajectory plane: %w", err)
	}
	var ra, rb float64
	for _, c := range coords {
		ra, rb = math.Max(ra, math.Abs(c[0])), math.Max(rb, math.Abs(c[1]))
	}
	if !(ra > 0 && rb > 0) {
		return nil, fmt.Errorf("problems: 2-1: %s's trajectory does not span a plane", run)
	}
	planes := []struct {
		run    string
		p      analysis.Plane
		ra, rb float64
		ex     [2]float64
	}{
		{records.RunSurfaceRandom, random, s.Surface.Range, s.Surface.Range, [2]float64{math.NaN(), math.NaN()}},
		{records.RunSurfacePCA, pca, pcaMargin * ra, pcaMargin * rb, ex},
	}
	var out []surface21
	for _, pl := range planes {
		start := time.Now()
		ls, err := surfaceOn(m, pl.p, symmetricGrid(n, pl.ra), symmetricGrid(n, pl.rb))
		if err != nil {
			return nil, fmt.Errorf("problems: 2-1: %s: %w", pl.run, err)
		}
		env.log().Info("2-1 surface", "plane", pl.run, "points", n*n, "per_run", perRun, "seconds", time.Since(start).Seconds())
		if err := writeSurface21(rec, pl.run, seed, ls, perRun); err != nil {
			return nil, err
		}
		if pl.run == records.RunSurfacePCA {
			if err := writeTrajectory21(rec, s, seed, snaps, coords, ex); err != nil {
				return nil, err
			}
		}
		sum := surface21{Plane: pl.run, Run: run, Points: n * n, PerRun: perRun, RangeA: pl.ra, RangeB: pl.rb,
			CentreTrain: ls.Train[n/2][n/2], CentreTest: ls.Test[n/2][n/2], Explained1: pl.ex[0], Explained2: pl.ex[1]}
		sum.MinTrain, sum.MaxTrain = extremes(ls.Train)
		sum.MinTest, sum.MaxTest = extremes(ls.Test)
		out = append(out, sum)
	}
	return out, rec.Flush()
}

// writeSurface21 writes a surface as rows of its run: each grid point k = i·n + j has
// its coordinates (empty split) and the loss and accuracy of both splits; the number
// of points per session run is one row without a step.
func writeSurface21(rec *Recorder, run string, seed uint64, ls lossSurface, perRun int) error {
	n := len(ls.A)
	for i, b := range ls.B {
		for j, a := range ls.A {
			k := i*n + j
			for _, r := range []struct {
				split, metric string
				v             float64
			}{
				{"", records.MetricSurfaceA, a}, {"", records.MetricSurfaceB, b},
				{records.SplitTrain, records.MetricLoss, ls.Train[i][j]}, {records.SplitTrain, records.MetricAccuracy, ls.TrainAccuracy[i][j]},
				{records.SplitTest, records.MetricLoss, ls.Test[i][j]}, {records.SplitTest, records.MetricAccuracy, ls.TestAccuracy[i][j]},
			} {
				if err := rec.AddSeeded(run, model21, r.split, seed, k, NoEpoch, r.metric, r.v); err != nil {
					return err
				}
			}
		}
	}
	return rec.AddSeeded(run, model21, "", seed, NoStep, NoEpoch, records.MetricPointsPerRun, float64(perRun))
}

// writeTrajectory21 writes the snapshots' coordinates in the PCA plane (split
// trajectory, step the snapshot index) and the variance the plane explains.
func writeTrajectory21(rec *Recorder, s *settings21, seed uint64, snaps []snapshot, coords [][2]float64, ex [2]float64) error {
	stepOf := stepOf21(s.Every)
	for i, sn := range snaps {
		for k, metric := range []string{records.MetricSurfaceA, records.MetricSurfaceB} {
			if err := rec.AddSeeded(records.RunSurfacePCA, model21, records.SplitTrajectory, seed, stepOf(sn.Epoch), float64(sn.Epoch), metric, coords[i][k]); err != nil {
				return err
			}
		}
	}
	for k, metric := range []string{records.MetricExplained1, records.MetricExplained2} {
		if err := rec.AddSeeded(records.RunSurfacePCA, model21, "", seed, NoStep, NoEpoch, metric, ex[k]); err != nil {
			return err
		}
	}
	return nil
}

// extremes returns the smallest and the largest value of a grid.
func extremes(z [][]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range z {
		for _, v := range row {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return lo, hi
}

// surfaceText21 states what the loss surfaces of 2-1 show, for the answer.
func surfaceText21(ss []surface21) string {
	var b strings.Builder
	for _, s := range ss {
		what := fmt.Sprintf("two filter-normalised random directions over [-%g, %g]² (", s.RangeA, s.RangeA)
		if s.Plane == records.RunSurfacePCA {
			what = fmt.Sprintf("the first two PCA directions of its trajectory (%.1f%% + %.1f%% of its variance, half-widths %.3g and %.3g; ", 100*s.Explained1, 100*s.Explained2, s.RangeA, s.RangeB)
		}
		fmt.Fprintf(&b, " Around %s's trained model, in the plane of %s%d points, %d per session run), the training loss goes from %.3g at the model to between %.3g and %.3g over the grid, the test loss from %.3g to between %.3g and %.3g.",
			s.Run, what, s.Points, s.PerRun, s.CentreTrain, s.MinTrain, s.MaxTrain, s.CentreTest, s.MinTest, s.MaxTest)
	}
	return b.String()
}
