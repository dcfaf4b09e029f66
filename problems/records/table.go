package records

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Table is a list of rows in file order, with the selections and joins charts need.
// The selection methods return new tables and never modify their receiver.
//
// A resumed run appends to its records.csv, so a table may hold the same observation
// twice; Series, Values and Join keep the last one, the one written after the resume.
type Table []Row

// Where returns the rows for which keep returns true.
func (t Table) Where(keep func(Row) bool) Table {
	var out Table
	for _, r := range t {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// Seed returns the rows of the given seed; Seed(NoSeed) returns the rows whose seed
// cell is empty.
func (t Table) Seed(seed Seed) Table {
	return t.Where(func(r Row) bool { return r.Seed == seed })
}

// Run returns the rows of the given run.
func (t Table) Run(run string) Table { return t.Where(func(r Row) bool { return r.Run == run }) }

// Model returns the rows of the given model.
func (t Table) Model(model string) Table {
	return t.Where(func(r Row) bool { return r.Model == model })
}

// Split returns the rows of the given split; Split("") returns the rows whose split is
// empty.
func (t Table) Split(split string) Table {
	return t.Where(func(r Row) bool { return r.Split == split })
}

// Metric returns the rows of the given metric.
func (t Table) Metric(metric string) Table {
	return t.Where(func(r Row) bool { return r.Metric == metric })
}

// Runs returns the distinct runs in order of first appearance.
func (t Table) Runs() []string { return distinct(t, func(r Row) string { return r.Run }) }

// Models returns the distinct models in order of first appearance.
func (t Table) Models() []string { return distinct(t, func(r Row) string { return r.Model }) }

// Splits returns the distinct splits in order of first appearance.
func (t Table) Splits() []string { return distinct(t, func(r Row) string { return r.Split }) }

// Metrics returns the distinct metrics in order of first appearance.
func (t Table) Metrics() []string { return distinct(t, func(r Row) string { return r.Metric }) }

func distinct(t Table, field func(Row) string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, r := range t {
		if s := field(r); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Axis selects the x coordinate of a series: it is the name of the column that gives x.
type Axis string

const (
	// ByStep uses the step column as x.
	ByStep Axis = "step"
	// ByEpoch uses the epoch column as x.
	ByEpoch Axis = "epoch"
)

// Point is one point of a series or a join.
type Point struct{ X, Y float64 }

// ErrNoRows is returned (wrapped) by Series and Join when there is nothing to return.
var ErrNoRows = errors.New("no rows")

// Series returns the values of t as points (x, value) sorted by x, where x is the step
// or the epoch. The table must hold one curve: a single run, model, split, seed and metric,
// and every row must have the chosen x. When x repeats, the last row wins.
func (t Table) Series(x Axis) ([]Point, error) {
	if len(t) == 0 {
		return nil, fmt.Errorf("records: series: %w", ErrNoRows)
	}
	first := t[0]
	byX := make(map[float64]int, len(t))
	var pts []Point
	for _, r := range t {
		if r.Run != first.Run || r.Model != first.Model || r.Split != first.Split || r.Seed != first.Seed || r.Metric != first.Metric {
			return nil, fmt.Errorf("records: series mixes %s and %s", describe(first), describe(r))
		}
		var v float64
		switch {
		case x == ByStep && r.HasStep():
			v = float64(r.Step)
		case x == ByEpoch && r.HasEpoch():
			v = r.Epoch
		default:
			return nil, fmt.Errorf("records: series of %s: row without %s", describe(r), x)
		}
		if i, ok := byX[v]; ok {
			pts[i].Y = r.Value
			continue
		}
		byX[v] = len(pts)
		pts = append(pts, Point{X: v, Y: r.Value})
	}
	slices.SortFunc(pts, func(a, b Point) int { return cmp.Compare(a.X, b.X) })
	return pts, nil
}

// describe names the curve a row belongs to, for error messages.
func describe(r Row) string {
	if r.Seed != NoSeed {
		return fmt.Sprintf("metric %q of run %q model %q split %q seed %s", r.Metric, r.Run, r.Model, r.Split, r.Seed)
	}
	return fmt.Sprintf("metric %q of run %q model %q split %q", r.Metric, r.Run, r.Model, r.Split)
}

// Values returns the values of one metric by key. When a key repeats, the last row wins.
func (t Table) Values(metric string) map[Key]float64 {
	m := make(map[Key]float64)
	for _, r := range t {
		if r.Metric == metric {
			m[r.Key()] = r.Value
		}
	}
	return m
}

// Pair is an observation of the y metric of a Join together with its x coordinate.
type Pair struct {
	Key
	X, Y float64
}

// Join pairs every row of metric y with the row of metric x that has the same key, for
// example a loss with the alpha, batch size or parameter count it was measured at, or a
// pc2 with its pc1.
//
// The x row must have the same run, model, seed and step as the y row, and either the same
// split or an empty one: a sweep coordinate is recorded once with an empty split and
// serves the train and the test rows of its step alike (3-2, 3-3). When both exist, the
// x row with the same split wins. Failing those, an x row with no seed (NoSeed) serves
// the y rows of every seed: a grid or coordinate recorded once for all seeds. A y row without an x row is left out (a killed run
// may lack the coordinate of its last step); Join returns an error wrapping ErrNoRows
// only when no pair is left at all.
//
// The pairs come grouped by (run, model, split) in order of first appearance of the y
// rows, and sorted by step within each group (file order for equal steps), so that a
// trajectory keeps its order; charts that draw against x sort by x themselves.
func (t Table) Join(x, y string) ([]Pair, error) {
	xs := t.Values(x)
	ys := t.Values(y)
	var out []Pair
	seen := make(map[Key]bool)
	for _, r := range t {
		k := r.Key()
		if r.Metric != y || seen[k] {
			continue
		}
		seen[k] = true
		xv, ok := xs[k]
		if !ok && k.Split != "" {
			xv, ok = xs[Key{Run: k.Run, Model: k.Model, Seed: k.Seed, Step: k.Step}]
		}
		if !ok && k.Seed != NoSeed {
			xv, ok = xs[Key{Run: k.Run, Model: k.Model, Split: k.Split, Step: k.Step}]
			if !ok && k.Split != "" {
				xv, ok = xs[Key{Run: k.Run, Model: k.Model, Step: k.Step}]
			}
		}
		if ok {
			out = append(out, Pair{Key: k, X: xv, Y: ys[k]})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("records: join of %q with %q: %w", y, x, ErrNoRows)
	}
	group := make(map[[3]string]int)
	for _, p := range out {
		g := [3]string{p.Run, p.Model, p.Split}
		if _, ok := group[g]; !ok {
			group[g] = len(group)
		}
	}
	slices.SortStableFunc(out, func(a, b Pair) int {
		ga, gb := group[[3]string{a.Run, a.Model, a.Split}], group[[3]string{b.Run, b.Model, b.Split}]
		return cmp.Or(cmp.Compare(ga, gb), cmp.Compare(a.Step, b.Step))
	})
	return out, nil
}

// Points returns the (x, y) of the pairs with the given split, in order. See SortByX.
func Points(pairs []Pair, split string) []Point {
	var pts []Point
	for _, p := range pairs {
		if p.Split == split {
			pts = append(pts, Point{X: p.X, Y: p.Y})
		}
	}
	return pts
}

// SortByX sorts points by x, keeping the order of points with equal x.
func SortByX(pts []Point) {
	slices.SortStableFunc(pts, func(a, b Point) int { return cmp.Compare(a.X, b.X) })
}
