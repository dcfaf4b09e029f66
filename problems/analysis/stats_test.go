package analysis

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestSummaryAgainstScipy(t *testing.T) {
	eachCase(t, loadFixtures(t).Summary, func(t *testing.T, c summaryFixture) {
		if got := Mean(c.X); !near(got, c.Mean, 1e-13) {
			t.Errorf("Mean = %.15g, want %.15g", got, c.Mean)
		}
		if got := StdDev(c.X); !near(got, c.SD, 1e-13) {
			t.Errorf("StdDev = %.15g, want %.15g", got, c.SD)
		}
		q := distuv.StudentsT{Sigma: 1, Nu: float64(len(c.X) - 1)}.Quantile((1 + c.Level) / 2)
		if !near(q, c.TQuantile, 1e-10) {
			t.Errorf("t quantile %.15g, scipy %.15g", q, c.TQuantile)
		}
		ti, err := TInterval(c.X, c.Level)
		if err != nil {
			t.Fatal(err)
		}
		if !near(ti.Lo, c.TLo, 1e-10) || !near(ti.Hi, c.THi, 1e-10) {
			t.Errorf("TInterval = %+v, scipy [%.15g, %.15g]", ti, c.TLo, c.THi)
		}
		// scipy.stats.bootstrap drew 200000 resamples from numpy's generator;
		// with 50000 of ours the ends agree to Monte Carlo error, a few
		// percent of the standard error.
		bi, err := Bootstrap{Resamples: 50000, Seed: 1}.MeanInterval(c.X, c.Level)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(bi.Lo-c.BootLo) > 0.05*c.SE || math.Abs(bi.Hi-c.BootHi) > 0.05*c.SE {
			t.Errorf("bootstrap interval %+v, scipy [%.6g, %.6g] (standard error %.3g)", bi, c.BootLo, c.BootHi, c.SE)
		}
	})
}

func TestDiffIntervalAgainstScipy(t *testing.T) {
	eachCase(t, loadFixtures(t).Diff, func(t *testing.T, c diffFixture) {
		bi, err := Bootstrap{Resamples: 50000, Seed: 3}.DiffInterval(c.X, c.Y, c.Level)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(bi.Lo-c.BootLo) > 0.05*c.SE || math.Abs(bi.Hi-c.BootHi) > 0.05*c.SE {
			t.Errorf("bootstrap interval %+v, scipy [%.6g, %.6g] (standard error %.3g)", bi, c.BootLo, c.BootHi, c.SE)
		}
		if !bi.Contains(c.Diff) {
			t.Errorf("interval %+v misses the difference of means %g", bi, c.Diff)
		}
	})
}

func TestBootstrapProperties(t *testing.T) {
	xs := loadFixtures(t).Summary[1].X // 30 values
	level := 0.95
	b := Bootstrap{Resamples: 4000, Seed: 7}
	iv, err := b.MeanInterval(xs, level)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		check func() bool
	}{
		{"contains the mean", func() bool { return iv.Contains(Mean(xs)) }},
		{"reproducible for a seed", func() bool {
			again, _ := b.MeanInterval(xs, level)
			return again == iv
		}},
		{"another seed differs", func() bool {
			other, _ := Bootstrap{Resamples: 4000, Seed: 8}.MeanInterval(xs, level)
			return other != iv
		}},
		{"equals the percentiles of its own replicates", func() bool {
			reps := b.MeanReplicates(xs)
			slices.Sort(reps)
			// Order statistics at positions p·n, interpolated (type 4).
			at := func(p float64) float64 {
				h := p*float64(len(reps)) - 1
				i := int(math.Floor(h))
				return reps[i] + (h-float64(i))*(reps[i+1]-reps[i])
			}
			return near(iv.Lo, at(0.025), 1e-12) && near(iv.Hi, at(0.975), 1e-12)
		}},
		{"narrows with n", func() bool {
			big := make([]float64, 0, 4*len(xs))
			for range 4 {
				big = append(big, xs...)
			}
			wide, _ := b.MeanInterval(big, level)
			// Four copies of the data: the standard error halves.
			r := wide.Width() / iv.Width()
			return r > 0.4 && r < 0.6
		}},
		{"narrows with the level", func() bool {
			narrow, _ := b.MeanInterval(xs, 0.5)
			return narrow.Width() < iv.Width() && narrow.Lo > iv.Lo && narrow.Hi < iv.Hi
		}},
		{"close to the t interval", func() bool {
			ti, _ := TInterval(xs, level)
			se := stat.StdDev(xs, nil) / math.Sqrt(float64(len(xs)))
			return math.Abs(ti.Lo-iv.Lo) < 0.3*se && math.Abs(ti.Hi-iv.Hi) < 0.3*se
		}},
		{"default resamples", func() bool { return len(Bootstrap{}.MeanReplicates(xs)) == 10000 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !c.check() {
				t.Errorf("%s fails for interval %+v", c.name, iv)
			}
		})
	}
}

func TestStatsErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"t interval of one value", func() error { _, err := TInterval([]float64{1}, 0.95); return err }},
		{"t interval at level 1", func() error { _, err := TInterval([]float64{1, 2}, 1); return err }},
		{"bootstrap of nothing", func() error { _, err := Bootstrap{}.MeanInterval(nil, 0.95); return err }},
		{"bootstrap at level 0", func() error { _, err := Bootstrap{}.MeanInterval([]float64{1}, 0); return err }},
		{"difference with an empty side", func() error { _, err := Bootstrap{}.DiffInterval([]float64{1}, nil, 0.95); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.f() == nil {
				t.Error("no error")
			}
		})
	}
	if !math.IsNaN(Mean(nil)) || !math.IsNaN(StdDev([]float64{1})) {
		t.Error("Mean of nothing or StdDev of one value is not NaN")
	}
}
