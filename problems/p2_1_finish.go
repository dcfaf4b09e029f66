package problems

import (
	"context"
	"fmt"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"hw1/problems/analysis"
	"hw1/problems/records"
)

// snapshotPath returns the file of the snapshots of one run of 2-1 in dir.
func snapshotPath(dir, run string) string {
	return filepath.Join(dir, snapshotsDir, safeName(run)+".bin")
}

// finish21 runs 2-1's analysis over all runs from their snapshot files: one PCA of
// every snapshot of every run per view, the projections, the loss surfaces around the
// first run's trained model (in the PCA plane of its trajectory among others) and the
// typed summary.
func finish21(_ context.Context, env *Env, rec *Recorder) error {
	s, ds, train, spec, err := finishModel[settings21](env, rec, defaults21)
	if err != nil {
		return err
	}
	views, err := s.views(spec)
	if err != nil {
		return err
	}
	n, err := spec.NumParams()
	if err != nil {
		return err
	}
	units := units21(s, env.Seed)
	runs := make([][]snapshot, len(units))
	names := make([]string, len(units))
	seeds := make([]uint64, len(units))
	for i, u := range units {
		names[i], seeds[i] = u.Name, u.Seed
		snaps, err := readSnapshots(snapshotPath(env.Dir, u.Name), n)
		if err != nil {
			return err
		}
		snaps = snapshotsUpTo(snaps, s.Epochs)
		if !snapshotsCover(snaps, s.Epochs, s.Every, s.Epochs) {
			return fmt.Errorf("problems: 2-1: %s: %d snapshots in %s, not those of a finished training", u.Name, len(snaps), snapshotPath(env.Dir, u.Name))
		}
		runs[i] = snaps
	}
	if env.Resume {
		// A run killed while writing the projections redoes them all.
		if err := rec.dropRows(func(r records.Row) bool {
			return r.Model == model21 && (r.Split == views[0].split || r.Split == views[1].split)
		}); err != nil {
			return err
		}
	}
	sum := summarize21(names, seeds, runs)
	sum.TrainExamples, sum.TestExamples, sum.Params = train.N, ds.Test.N, views[1].hi
	for _, v := range views {
		e1, e2, err := project21(rec, s, v, names, seeds, runs)
		if err != nil {
			return err
		}
		sum.PCA = append(sum.PCA, pca21{View: v.split, Dims: v.hi - v.lo, Explained1: e1, Explained2: e2})
		env.log().Info("pca", "split", v.split, "dims", v.hi-v.lo, "explained1", e1, "explained2", e2)
	}
	if sum.Surfaces, err = surfaces21(env, rec, s, spec, train, ds.Test, names[0], seeds[0], runs[0]); err != nil {
		return err
	}
	if err := rec.SetSummary(sum); err != nil {
		return err
	}
	return rec.Flush()
}

// project21 fits one PCA on the parameters in [v.lo, v.hi) of every snapshot of every
// run, writes each snapshot's projection on the first two components and the share of
// variance they explain, and returns those shares.
func project21(rec *Recorder, s *settings21, v pcaView, names []string, seeds []uint64, runs [][]snapshot) (e1, e2 float64, err error) {
	rows := 0
	for _, r := range runs {
		rows += len(r)
	}
	d := v.hi - v.lo
	x := mat.NewDense(rows, d, nil)
	k := 0
	for _, r := range runs {
		for _, sn := range r {
			row := x.RawRowView(k)
			for j, p := range sn.Params[v.lo:v.hi] {
				row[j] = float64(p)
			}
			k++
		}
	}
	pca, err := analysis.FitPCA(x)
	if err != nil {
		return 0, 0, fmt.Errorf("problems: 2-1: PCA of %s: %w", v.split, err)
	}
	ex := pca.Explained()
	e1, e2 = ex[0], ex[1]
	proj, err := pca.Project(x, 2)
	if err != nil {
		return 0, 0, fmt.Errorf("problems: 2-1: %w", err)
	}
	stepOf := stepOf21(s.Every)
	k = 0
	for ri, r := range runs {
		for _, sn := range r {
			p1, p2 := proj.At(k, 0), proj.At(k, 1)
			k++
			step, ep := stepOf(sn.Epoch), float64(sn.Epoch)
			if err := rec.AddSeeded(names[ri], model21, v.split, seeds[ri], step, ep, "pc1", p1); err != nil {
				return 0, 0, err
			}
			if err := rec.AddSeeded(names[ri], model21, v.split, seeds[ri], step, ep, "pc2", p2); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := rec.Add("all", model21, v.split, NoStep, NoEpoch, "explained1", e1); err != nil {
		return 0, 0, err
	}
	if err := rec.Add("all", model21, v.split, NoStep, NoEpoch, "explained2", e2); err != nil {
		return 0, 0, err
	}
	return e1, e2, rec.Flush()
}
