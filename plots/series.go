package plots

import (
	"fmt"
	"strings"

	"hw1/problems/records"
)

// curves returns one series per (run, model, split) of the rows of t, which should hold
// a single metric, against x. label names each series from its first row.
func curves(t records.Table, x records.Axis, label func(records.Row) string) ([]Series, error) {
	type group struct {
		first records.Row
		rows  records.Table
	}
	var order []string
	groups := make(map[string]*group)
	for _, r := range t {
		k := r.Run + "\x00" + r.Model + "\x00" + r.Split + "\x00" + r.Metric
		g, ok := groups[k]
		if !ok {
			g = &group{first: r}
			groups[k] = g
			order = append(order, k)
		}
		g.rows = append(g.rows, r)
	}
	var out []Series
	for _, k := range order {
		g := groups[k]
		pts, err := g.rows.Series(x)
		if err != nil {
			return nil, err
		}
		out = append(out, series(label(g.first), pts))
	}
	return out, nil
}

// series turns points into a Series.
func series(label string, pts []records.Point) Series {
	s := Series{Label: label, X: make([]float64, len(pts)), Y: make([]float64, len(pts))}
	for i, p := range pts {
		s.X[i], s.Y[i] = p.X, p.Y
	}
	return s
}

// sweep returns the values of metric against the coordinate metric coord (alpha,
// params, batch_size), one series per label, sorted by x. Rows without a coordinate
// are left out (see records.Table.Join).
func sweep(t records.Table, coord, metric string, label func(records.Pair) string) ([]Series, error) {
	pairs, err := t.Join(coord, metric)
	if err != nil {
		return nil, missing("no %q rows with a %q row of the same run, model and step", metric, coord)
	}
	var order []string
	byLabel := make(map[string][]records.Point)
	for _, p := range pairs {
		l := label(p)
		if _, ok := byLabel[l]; !ok {
			order = append(order, l)
		}
		byLabel[l] = append(byLabel[l], records.Point{X: p.X, Y: p.Y})
	}
	out := make([]Series, len(order))
	for i, l := range order {
		pts := byLabel[l]
		records.SortByX(pts)
		out[i] = series(l, pts)
	}
	return out, nil
}

// bySplit labels a series by its split, prefixed by what else varies: the model when
// models vary, the run when runs vary.
func bySplit(runs, models []string) func(run, model, split string) string {
	return func(run, model, split string) string {
		var parts []string
		if len(runs) > 1 {
			parts = append(parts, run)
		}
		if len(models) > 1 {
			parts = append(parts, model)
		}
		if split == "" {
			split = "all"
		}
		return strings.Join(append(parts, split), " ")
	}
}

// rowLabel adapts a (run, model, split) label to rows.
func rowLabel(f func(run, model, split string) string) func(records.Row) string {
	return func(r records.Row) string { return f(r.Run, r.Model, r.Split) }
}

// pairLabel adapts a (run, model, split) label to pairs.
func pairLabel(f func(run, model, split string) string) func(records.Pair) string {
	return func(p records.Pair) string { return f(p.Run, p.Model, p.Split) }
}

// last returns the value of the last row of t, and whether there is one.
func last(t records.Table) (float64, bool) {
	if len(t) == 0 {
		return 0, false
	}
	return t[len(t)-1].Value, true
}

// percent formats a fraction as a percentage with the given decimals.
func percent(v float64, decimals int) string {
	return fmt.Sprintf("%.*f%%", decimals, 100*v)
}
