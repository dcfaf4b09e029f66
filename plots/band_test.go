package plots

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"hw1/problems/records"
)

// TestSeedBand checks the centre and band of three seeds against values worked out by
// hand: at x=1 the values 1, 2, 4 have median 2, quartiles 1.5 and 3 (linear
// interpolation), range 1 to 4, mean 7/3 and sd sqrt(7/3).
func TestSeedBand(t *testing.T) {
	seeds := []Series{
		{Label: "a", X: []float64{0, 1, 2}, Y: []float64{5, 1, math.NaN()}},
		{Label: "b", X: []float64{0, 1}, Y: []float64{5, 2}},
		{Label: "c", X: []float64{1}, Y: []float64{4}},
	}
	for _, c := range []struct {
		name         string
		kind         BandKind
		c1, lo1, hi1 float64
	}{
		{"median iqr", MedianIQR, 2, 1.5, 3},
		{"median range", MedianRange, 2, 1, 4},
		{"mean sd", MeanSD, 7.0 / 3, 7.0/3 - math.Sqrt(7.0/3), 7.0/3 + math.Sqrt(7.0/3)},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := SeedBand("model", c.kind, seeds)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.X) != 2 || b.X[0] != 0 || b.X[1] != 1 || b.Seeds != 3 || b.N[0] != 2 || b.N[1] != 3 {
				t.Fatalf("band x %v n %v seeds %d, want x 0 and 1 (2 drops NaN) with 2 and 3 values of 3 seeds", b.X, b.N, b.Seeds)
			}
			near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }
			if !near(b.Center[1], c.c1) || !near(b.Lo[1], c.lo1) || !near(b.Hi[1], c.hi1) {
				t.Errorf("at x=1: %v [%v, %v], want %v [%v, %v]", b.Center[1], b.Lo[1], b.Hi[1], c.c1, c.lo1, c.hi1)
			}
			if !near(b.Center[0], 5) {
				t.Errorf("at x=0: centre %v, want 5", b.Center[0])
			}
		})
	}
	if _, err := SeedBand("none", MedianIQR, nil); err == nil || !strings.HasPrefix(err.Error(), "plots: ") {
		t.Errorf("no curves: %v, want a plots: error", err)
	}
}

// TestSeedBandsAndChart checks that rows are grouped by model and split into a band over
// their seeds, and that the chart draws and names the band in its legend.
func TestSeedBandsAndChart(t *testing.T) {
	var tb records.Table
	for seed := uint64(1); seed <= 3; seed++ {
		for e := 1; e <= 4; e++ {
			for _, m := range []string{"deep", "shallow"} {
				v := float64(seed) / float64(e)
				if m == "shallow" {
					v *= 10
				}
				tb = append(tb, records.Row{Run: "sinc", Model: m, Split: "train", Seed: records.SeedOf(seed), Step: e, Epoch: float64(e), Metric: "loss", Value: v})
			}
		}
	}
	bands, err := SeedBands(tb, records.ByEpoch, MedianIQR, func(r records.Row) string { return r.Model })
	if err != nil {
		t.Fatal(err)
	}
	if len(bands) != 2 || bands[0].Label != "deep" || bands[0].Seeds != 3 || len(bands[0].X) != 4 {
		t.Fatalf("bands %+v, want deep and shallow with 3 seeds and 4 epochs", bands)
	}
	if got := bands[1].Center[1]; math.Abs(got-10) > 1e-12 { // shallow at epoch 2: 5, 10, 15
		t.Errorf("shallow median at epoch 2 = %v, want 10", got)
	}
	f, err := BandChart(Axes{Title: "loss", X: "epoch", Y: "MSE", LogY: true}, MedianIQR, bands...)
	if err != nil {
		t.Fatal(err)
	}
	if f.nleg != 3 {
		t.Errorf("legend has %d entries, want 2 bands and the band description", f.nleg)
	}
	var buf bytes.Buffer
	if err := f.WriteTo(&buf, "png"); err != nil || buf.Len() == 0 {
		t.Errorf("WriteTo: %v (%d bytes)", err, buf.Len())
	}
	if _, err := BandChart(Axes{Title: "empty"}, MedianIQR); err == nil {
		t.Error("no error for a band chart without bands")
	}
	p, err := PanelChart("", Panel{Axes: Axes{Title: "a"}, Bands: bands, BandKind: MeanSD}, Panel{Axes: Axes{Title: "b"}, Bands: bands[:1], BandKind: MeanSD})
	if err != nil || p.nleg != 3 {
		t.Errorf("PanelChart with bands: %v, %d legend entries; want 3", err, nanleg(p))
	}
}

func nanleg(f *Figure) int {
	if f == nil {
		return -1
	}
	return f.nleg
}

// TestQuantile7 checks the interpolation against numpy.percentile's default:
// np.percentile([1, 2], 50) = 1.5, np.percentile([1, 2, 3, 4], 25) = 1.75,
// np.percentile([1, 2, 3, 4], 100) = 4.
func TestQuantile7(t *testing.T) {
	for _, c := range []struct {
		name   string
		p      float64
		sorted []float64
		want   float64
	}{
		{"median of two", 0.5, []float64{1, 2}, 1.5},
		{"first quartile", 0.25, []float64{1, 2, 3, 4}, 1.75},
		{"max", 1, []float64{1, 2, 3, 4}, 4},
		{"one value", 0.75, []float64{7}, 7},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := quantile7(c.p, c.sorted); math.Abs(got-c.want) > 1e-12 {
				t.Errorf("quantile7(%v, %v) = %v, want %v", c.p, c.sorted, got, c.want)
			}
		})
	}
}

func TestDataSentence(t *testing.T) {
	for _, c := range []struct {
		name string
		d    records.Dataset
		want string
	}{
		{"none", records.Dataset{}, ""},
		{"train and test", records.Dataset{Name: "digits", Train: 8000, Test: 2000}, "Data: digits, 8,000 training and 2,000 test examples."},
		{"train only", records.Dataset{Name: "sinc", Train: 300}, "Data: sinc, 300 training examples."},
		{"millions", records.Dataset{Name: "big", Train: 1234567, Test: 60000}, "Data: big, 1,234,567 training and 60,000 test examples."},
		{"parts", records.Dataset{Name: "digits", Train: 8000, Test: 2000, Parts: []records.Dataset{{Name: "digits", Train: 8000, Test: 2000}, {Name: "fashion-mnist", Train: 60000, Test: 10000}}},
			"Data: digits, 8,000 training and 2,000 test examples; fashion-mnist, 60,000 training and 10,000 test examples."},
		{"one part", records.Dataset{Name: "digits", Train: 8000, Test: 2000, Parts: []records.Dataset{{Name: "digits", Train: 8000, Test: 2000}}}, "Data: digits, 8,000 training and 2,000 test examples."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := DataSentence(c.d); got != c.want {
				t.Errorf("DataSentence = %q, want %q", got, c.want)
			}
		})
	}
}

// TestSweepBandsOverSeeds checks predictions of two seeds on a grid whose x was
// recorded once without a seed: the band at each x runs between the two seeds, and the
// chart draws with the truth.
func TestSweepBandsOverSeeds(t *testing.T) {
	var tb records.Table
	for i := range 5 {
		x := float64(i) / 4
		tb = append(tb, records.Row{Run: "sinc", Model: "truth", Split: "grid", Step: i, Epoch: math.NaN(), Metric: "x", Value: x},
			records.Row{Run: "sinc", Model: "truth", Split: "grid", Step: i, Epoch: math.NaN(), Metric: "y", Value: x * x},
			records.Row{Run: "sinc", Model: "deep", Split: "grid", Step: i, Epoch: math.NaN(), Metric: "x", Value: x})
		for seed := uint64(1); seed <= 2; seed++ {
			tb = append(tb, records.Row{Run: "sinc", Model: "deep", Split: "grid", Seed: records.SeedOf(seed), Step: i, Epoch: math.NaN(), Metric: "y", Value: x*x + float64(seed)})
		}
	}
	bands, err := SweepBands(tb.Model("deep"), "x", "y", MedianRange, func(p records.Pair) string { return p.Model })
	if err != nil {
		t.Fatal(err)
	}
	if len(bands) != 1 || bands[0].Seeds != 2 || len(bands[0].X) != 5 {
		t.Fatalf("bands %+v, want one band of 2 seeds at 5 points", bands)
	}
	b := bands[0]
	if b.Lo[2] != 0.25+1 || b.Hi[2] != 0.25+2 || b.Center[2] != 0.25+1.5 {
		t.Errorf("at x=0.5: %v [%v, %v], want 1.75 [1.25, 2.25]", b.Center[2], b.Lo[2], b.Hi[2])
	}
	truth, err := sweep(tb.Model("truth"), "x", "y", func(records.Pair) string { return "ground truth" })
	if err != nil {
		t.Fatal(err)
	}
	f, err := PredictionBandChart(Axes{Title: "sinc"}, MedianRange, truth[0], bands...)
	if err != nil || f.nleg != 3 {
		t.Errorf("PredictionBandChart: %v, %d legend entries; want truth, the band and its description", err, nanleg(f))
	}
}
