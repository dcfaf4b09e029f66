package analysis

import (
	"math"
	"testing"
)

func TestSpearmanAgainstScipy(t *testing.T) {
	eachCase(t, loadFixtures(t).Rank, func(t *testing.T, c rankFixture) {
		nearSlice(t, "ranks of x", Ranks(c.X), c.RankX, 0)
		nearSlice(t, "ranks of y", Ranks(c.Y), c.RankY, 0)
		got := Spearman(c.X, c.Y)
		if c.Rho == nil {
			if !math.IsNaN(got) {
				t.Errorf("Spearman = %g, want NaN", got)
			}
			return
		}
		if !near(got, *c.Rho, 1e-12) {
			t.Errorf("Spearman = %.15g, want %.15g", got, *c.Rho)
		}
	})
}

func TestSpearmanDegenerate(t *testing.T) {
	for _, c := range []struct {
		name   string
		xs, ys []float64
	}{
		{"different lengths", []float64{1, 2, 3}, []float64{1, 2}},
		{"one value", []float64{1}, []float64{2}},
		{"empty", nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Spearman(c.xs, c.ys); !math.IsNaN(got) {
				t.Errorf("Spearman = %g, want NaN", got)
			}
		})
	}
}
