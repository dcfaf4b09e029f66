package records

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func row(run, model, split string, step int, epoch float64, metric string, value float64) Row {
	return Row{Run: run, Model: model, Split: split, Step: step, Epoch: epoch, Metric: metric, Value: value}
}

func TestSelections(t *testing.T) {
	nan := math.NaN()
	tab := Table{
		row("b", "m2", "train", 0, nan, "loss", 1),
		row("a", "m1", "", NoStep, nan, "params", 10),
		row("b", "m1", "test", 0, nan, "accuracy", 0.5),
		row("a", "m2", "train", 1, nan, "loss", 2),
	}
	if got, want := tab.Runs(), []string{"b", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Runs = %v, want %v", got, want)
	}
	if got, want := tab.Models(), []string{"m2", "m1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Models = %v, want %v", got, want)
	}
	if got, want := tab.Splits(), []string{"train", "", "test"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Splits = %v, want %v", got, want)
	}
	if got, want := tab.Metrics(), []string{"loss", "params", "accuracy"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Metrics = %v, want %v", got, want)
	}
	if got := tab.Split(""); len(got) != 1 || got[0].Metric != "params" {
		t.Errorf(`Split("") = %v`, got)
	}
	if got := tab.Run("b").Model("m2").Split("train").Metric("loss"); len(got) != 1 || got[0].Value != 1 {
		t.Errorf("chained selection = %v", got)
	}
	if got := tab.Metric("none"); len(got) != 0 {
		t.Errorf("Metric(none) = %v", got)
	}
}

func TestSeries(t *testing.T) {
	nan := math.NaN()
	// Steps out of order ("10" before "2" as a file-name sort would put them) and a
	// repeated step from a resumed run.
	tab := Table{
		row("r", "m", "train", 10, 30, "loss", 0.1),
		row("r", "m", "train", 2, 6, "loss", 0.5),
		row("r", "m", "train", 0, 0, "loss", 1),
		row("r", "m", "train", 2, 6, "loss", 0.4),
	}
	got, err := tab.Series(ByStep)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Point{{0, 1}, {2, 0.4}, {10, 0.1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Series(ByStep) = %v, want %v", got, want)
	}
	got, err = tab.Series(ByEpoch)
	if err != nil {
		t.Fatal(err)
	}
	if want := []Point{{0, 1}, {6, 0.4}, {30, 0.1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Series(ByEpoch) = %v, want %v", got, want)
	}
	for _, x := range []Axis{ByStep, ByEpoch} {
		if !slices.Contains(Columns[:], string(x)) {
			t.Errorf("axis %q is not a column", x)
		}
	}

	for _, c := range []struct {
		name string
		tab  Table
		x    Axis
		want string
	}{
		{"empty", nil, ByStep, "no rows"},
		{"mixed metrics", Table{row("r", "m", "train", 0, 0, "loss", 1), row("r", "m", "train", 0, 0, "accuracy", 1)}, ByStep, `series mixes metric "loss"`},
		{"mixed splits", Table{row("r", "m", "train", 0, 0, "loss", 1), row("r", "m", "test", 0, 0, "loss", 1)}, ByStep, "series mixes"},
		{"no step", Table{row("r", "m", "train", NoStep, 0, "loss", 1)}, ByStep, "row without step"},
		{"no epoch", Table{row("r", "m", "train", 1, nan, "loss", 1)}, ByEpoch, "row without epoch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.tab.Series(c.x)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "records: ") {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestJoin(t *testing.T) {
	nan := math.NaN()
	// 3-3 interpolation: alpha has an empty split, loss has train and test. Steps come
	// out of order and alpha decreases with the step.
	tab := Table{
		row("interp", "pair", "", 1, nan, "alpha", 0.5),
		row("interp", "pair", "train", 1, nan, "loss", 0.3),
		row("interp", "pair", "test", 1, nan, "loss", 0.4),
		row("interp", "pair", "", 0, nan, "alpha", 0.6),
		row("interp", "pair", "train", 0, nan, "loss", 3),
		row("interp", "pair", "test", 0, nan, "loss", 4),
		row("interp", "pair", "train", 2, nan, "loss", 9), // no alpha: left out
		row("other", "pair", "", 0, nan, "alpha", 7),      // no loss: left out
	}
	got, err := tab.Join("alpha", "loss")
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{
		{Key{"interp", "pair", "train", NoSeed, 0}, 0.6, 3},
		{Key{"interp", "pair", "train", NoSeed, 1}, 0.5, 0.3},
		{Key{"interp", "pair", "test", NoSeed, 0}, 0.6, 4},
		{Key{"interp", "pair", "test", NoSeed, 1}, 0.5, 0.4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Join = %v\nwant %v", got, want)
	}
	pts := Points(got, "test")
	if want := []Point{{0.6, 4}, {0.5, 0.4}}; !reflect.DeepEqual(pts, want) {
		t.Errorf("Points(test) = %v, want %v", pts, want)
	}
	SortByX(pts)
	if want := []Point{{0.5, 0.4}, {0.6, 4}}; !reflect.DeepEqual(pts, want) {
		t.Errorf("SortByX = %v, want %v", pts, want)
	}

	// An x row with the same split wins over one with an empty split; the last
	// repeated row wins.
	tab = Table{
		row("r", "m", "", 0, nan, "x", 1),
		row("r", "m", "grid", 0, nan, "x", 2),
		row("r", "m", "grid", 0, nan, "y", 5),
		row("r", "m", "grid", 0, nan, "y", 6),
		row("r", "m", "", NoStep, nan, "x", 8),
		row("r", "m", "", NoStep, nan, "y", 9),
	}
	got, err = tab.Join("x", "y")
	if err != nil {
		t.Fatal(err)
	}
	want = []Pair{{Key{"r", "m", "grid", NoSeed, 0}, 2, 6}, {Key{"r", "m", "", NoSeed, NoStep}, 8, 9}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Join = %v\nwant %v", got, want)
	}

	// An x row without a seed serves the y rows of every seed (a grid recorded once);
	// an x row of the y row's own seed wins over it.
	seeded := func(seed uint64, step int, metric string, v float64) Row {
		r := row("f", "m", "grid", step, nan, metric, v)
		r.Seed = SeedOf(seed)
		return r
	}
	grid := Table{
		row("f", "m", "grid", 0, nan, "x", -1),
		row("f", "m", "grid", 1, nan, "x", 1),
		seeded(7, 0, "y", 10), seeded(7, 1, "y", 11),
		seeded(8, 0, "x", -5), seeded(8, 0, "y", 20),
	}
	got, err = grid.Join("x", "y")
	if err != nil {
		t.Fatal(err)
	}
	want = []Pair{{Key{"f", "m", "grid", SeedOf(7), 0}, -1, 10}, {Key{"f", "m", "grid", SeedOf(8), 0}, -5, 20}, {Key{"f", "m", "grid", SeedOf(7), 1}, 1, 11}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Join over seeds = %v\nwant %v", got, want)
	}

	if _, err := tab.Join("x", "none"); !errors.Is(err, ErrNoRows) || !strings.Contains(err.Error(), `join of "none" with "x"`) {
		t.Errorf("join without rows: got %v", err)
	}
}
