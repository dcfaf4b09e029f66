package records

import (
	"math"
	"slices"
	"testing"
)

func TestCanonical(t *testing.T) {
	row := func(run, model, split string, seed Seed, step int, epoch float64, metric string, v float64) Row {
		return Row{Run: run, Model: model, Split: split, Seed: seed, Step: step, Epoch: epoch, Metric: metric, Value: v}
	}
	nan := math.NaN()
	cases := []struct {
		name string
		in   Table
		want []float64 // the values, in canonical order
	}{
		{"runs in natural order", Table{
			row("seed-10", "m", "train", NoSeed, NoStep, nan, "loss", 3),
			row("seed-2", "m", "train", NoSeed, NoStep, nan, "loss", 2),
			row("seed-1", "m", "train", NoSeed, NoStep, nan, "loss", 1),
		}, []float64{1, 2, 3}},
		{"leading zeros after the plain number", Table{
			row("a01", "m", "", NoSeed, NoStep, nan, "x", 2),
			row("a1", "m", "", NoSeed, NoStep, nan, "x", 1),
			row("a2", "m", "", NoSeed, NoStep, nan, "x", 3),
		}, []float64{1, 2, 3}},
		{"empty seed first, then by seed", Table{
			row("r", "m", "train", SeedOf(9), 0, 0, "loss", 3),
			row("r", "m", "train", SeedOf(1), 0, 0, "loss", 2),
			row("r", "m", "train", NoSeed, 0, 0, "loss", 1),
		}, []float64{1, 2, 3}},
		{"empty step and epoch first", Table{
			row("r", "m", "train", NoSeed, 2, 1, "loss", 4),
			row("r", "m", "train", NoSeed, 0, 2, "loss", 3),
			row("r", "m", "train", NoSeed, 0, nan, "loss", 2),
			row("r", "m", "train", NoSeed, NoStep, nan, "loss", 1),
		}, []float64{1, 2, 3, 4}},
		{"model, split, metric", Table{
			row("r", "b", "", NoSeed, NoStep, nan, "a", 4),
			row("r", "a", "train", NoSeed, NoStep, nan, "b", 3),
			row("r", "a", "train", NoSeed, NoStep, nan, "a", 2),
			row("r", "a", "", NoSeed, NoStep, nan, "z", 1),
		}, []float64{1, 2, 3, 4}},
		{"a row written again stays after the first", Table{
			row("r", "m", "train", NoSeed, 1, 1, "loss", 2),
			row("q", "m", "train", NoSeed, 1, 1, "loss", 1),
			row("r", "m", "train", NoSeed, 1, 1, "loss", 3),
		}, []float64{1, 2, 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := slices.Clone(c.in)
			got := Canonical(c.in)
			var vals []float64
			for _, r := range got {
				vals = append(vals, r.Value)
			}
			if !slices.Equal(vals, c.want) {
				t.Errorf("values in canonical order %v, want %v", vals, c.want)
			}
			for i := range in {
				if in[i].Value != c.in[i].Value {
					t.Fatal("Canonical modified its argument")
				}
			}
			// Any permutation sorts to the same order, except rows equal on every key.
			rev := slices.Clone(c.in)
			slices.Reverse(rev)
			if c.name != "a row written again stays after the first" {
				again := Canonical(rev)
				for i := range again {
					if again[i].Value != got[i].Value {
						t.Fatalf("reversed input gives %v at %d, want %v", again[i].Value, i, got[i].Value)
					}
				}
			}
		})
	}
}
