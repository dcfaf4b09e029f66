package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"hw1/problems/records"
)

// BandKind chooses the centre line and the band with which a BandChart summarises a
// curve over seeds.
type BandKind int

// The band kinds.
const (
	// MedianIQR draws the median with a band from the 25th to the 75th percentile.
	MedianIQR BandKind = iota
	// MedianRange draws the median with a band from the smallest to the largest value.
	MedianRange
	// MeanSD draws the mean with a band of one standard deviation either side.
	MeanSD
)

// Describe says what the line and the band show, for legends and captions:
// "median over seeds; band: 25th–75th percentile".
func (k BandKind) Describe() string {
	switch k {
	case MedianRange:
		return "median over seeds; band: min–max"
	case MeanSD:
		return "mean over seeds; band: ±1 sd"
	}
	return "median over seeds; band: 25th–75th percentile"
}

// Band is one curve summarised over seeds: at X[i] the centre line is Center[i] and the
// band runs from Lo[i] to Hi[i]; N[i] seeds had a finite value there. Seeds counts the
// curves summarised.
type Band struct {
	Label             string
	X, Center, Lo, Hi []float64
	N                 []int
	Seeds             int
}

// SeedBand summarises curves of one quantity from different seeds. At every x that
// some curve has, it takes the finite values of the curves at exactly that x; an x
// where none is finite is left out. It returns an error for no curves.
func SeedBand(label string, kind BandKind, seeds []Series) (Band, error) {
	if len(seeds) == 0 {
		return Band{}, fmt.Errorf("plots: band %q: no curves", label)
	}
	at := map[float64][]float64{}
	for _, s := range seeds {
		if len(s.X) != len(s.Y) {
			return Band{}, fmt.Errorf("plots: band %q: series %q has %d x and %d y values", label, s.Label, len(s.X), len(s.Y))
		}
		for i, x := range s.X {
			if finite(x) && finite(s.Y[i]) {
				at[x] = append(at[x], s.Y[i])
			}
		}
	}
	xs := make([]float64, 0, len(at))
	for x := range at {
		xs = append(xs, x)
	}
	slices.Sort(xs)
	b := Band{Label: label, Seeds: len(seeds)}
	for _, x := range xs {
		c, lo, hi := bandAt(kind, at[x])
		b.X, b.Center, b.Lo, b.Hi = append(b.X, x), append(b.Center, c), append(b.Lo, lo), append(b.Hi, hi)
		b.N = append(b.N, len(at[x]))
	}
	return b, nil
}

// bandAt returns the centre and band of ys for kind.
func bandAt(kind BandKind, ys []float64) (c, lo, hi float64) {
	if kind == MeanSD {
		m := stat.Mean(ys, nil)
		if len(ys) < 2 {
			return m, m, m
		}
		sd := stat.StdDev(ys, nil)
		return m, m - sd, m + sd
	}
	s := slices.Clone(ys)
	slices.Sort(s)
	q := func(p float64) float64 { return quantile7(p, s) }
	if kind == MedianRange {
		return q(0.5), s[0], s[len(s)-1]
	}
	return q(0.5), q(0.25), q(0.75)
}

// SeedBands groups the rows of t, which should hold one metric, into curves by run,
// model and split, takes each seed's curve against x, and summarises each group's
// curves over seeds with SeedBand. label names a group from its first row.
func SeedBands(t records.Table, x records.Axis, kind BandKind, label func(records.Row) string) ([]Band, error) {
	type group struct {
		first records.Row
		seeds []records.Seed
		rows  map[records.Seed]records.Table
	}
	var order []string
	groups := map[string]*group{}
	for _, r := range t {
		k := r.Run + "\x00" + r.Model + "\x00" + r.Split + "\x00" + r.Metric
		g, ok := groups[k]
		if !ok {
			g = &group{first: r, rows: map[records.Seed]records.Table{}}
			groups[k] = g
			order = append(order, k)
		}
		if _, ok := g.rows[r.Seed]; !ok {
			g.seeds = append(g.seeds, r.Seed)
		}
		g.rows[r.Seed] = append(g.rows[r.Seed], r)
	}
	if len(order) == 0 {
		return nil, missing("no rows to summarise over seeds")
	}
	var out []Band
	for _, k := range order {
		g := groups[k]
		var curves []Series
		for _, s := range g.seeds {
			pts, err := g.rows[s].Series(x)
			if err != nil {
				return nil, err
			}
			curves = append(curves, series(s.String(), pts))
		}
		b, err := SeedBand(label(g.first), kind, curves)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// bandFill is the translucent colour of the i-th band.
func bandFill(i int) color.NRGBA {
	c := palette[i%len(palette)]
	return color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x40}
}

// addBands adds each band to p as a translucent polygon under its centre line, with a
// legend entry "label (n seeds)" whose index in leg picks the style. The caller adds the
// entry that says what the bands are (bandKey) after all of them.
func addBands(p *plot.Plot, ax Axes, bands []Band, leg *legendEntries) error {
	for _, b := range bands {
		name := fmt.Sprintf("%s (%d seeds)", b.Label, b.Seeds)
		i := len(leg.list)
		if j, ok := leg.index[name]; ok {
			i = j
		}
		var upper, lower plotter.XYs
		var centre plotter.XYs
		ok := func(x, y float64) bool { return finite(x) && finite(y) && (!ax.LogX || x > 0) && (!ax.LogY || y > 0) }
		for j, x := range b.X {
			if ok(x, b.Center[j]) {
				centre = append(centre, plotter.XY{X: x, Y: b.Center[j]})
			}
			if ok(x, b.Lo[j]) && ok(x, b.Hi[j]) {
				upper = append(upper, plotter.XY{X: x, Y: b.Hi[j]})
				lower = append(lower, plotter.XY{X: x, Y: b.Lo[j]})
			}
		}
		if len(centre) == 0 {
			return fmt.Errorf("plots: band %q: %w", b.Label, errNoPoints)
		}
		if len(upper) > 1 {
			ring := append(upper, reversed(lower)...)
			poly, err := plotter.NewPolygon(ring)
			if err != nil {
				return fmt.Errorf("plots: band %q: %w", b.Label, err)
			}
			poly.Color = bandFill(i)
			poly.LineStyle.Width = 0
			p.Add(poly)
		}
		l, err := plotter.NewLine(centre)
		if err != nil {
			return fmt.Errorf("plots: band %q: %w", b.Label, err)
		}
		l.LineStyle = lineStyle(i)
		p.Add(l)
		leg.add(name, l)
	}
	return nil
}

// bandKey is the legend thumbnail of the entry that says what the bands are.
type bandKey struct{}

// Thumbnail implements plot.Thumbnailer: a grey band with a line through it.
func (bandKey) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(color.NRGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0x40}, c.ClipPolygonY(pts))
	y := c.Center().Y
	c.StrokeLine2(lineStyle(7), c.Min.X, y, c.Max.X, y)
}

func reversed(xys plotter.XYs) plotter.XYs {
	out := slices.Clone(xys)
	slices.Reverse(out)
	return out
}

// BandChart draws curves summarised over seeds: each band's centre line in its own
// colour over a translucent band of the same colour, with a legend that gives each
// curve's number of seeds and, last, what the line and the band are (kind.Describe).
// It returns an error when there is no band or a band has no drawable point.
func BandChart(ax Axes, kind BandKind, bands ...Band) (*Figure, error) {
	if len(bands) == 0 {
		return nil, fmt.Errorf("plots: band chart %q: no bands", ax.Title)
	}
	p := newPlot(ax)
	var leg legendEntries
	if err := addBands(p, ax, bands, &leg); err != nil {
		return nil, err
	}
	leg.add(kind.Describe(), bandKey{})
	fixLogRanges(p, ax)
	return newFigure("", [][]*plot.Plot{{p}}, 16*vg.Centimeter, 10*vg.Centimeter, &leg), nil
}

// quantile7 returns the p-quantile of sorted by linear interpolation between order
// statistics at (n-1)p, the definition of numpy's default and R's type 7, under which
// the median of an even count is the mean of the middle two. (gonum's stat.LinInterp
// interpolates at np, which is not the median.)
func quantile7(p float64, sorted []float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// SweepBands pairs the metric rows of t with their coordinate rows (records.Table.Join)
// and summarises, for each label, the curves of metric against coord of the different
// seeds with SeedBand. label names the group a pair belongs to.
func SweepBands(t records.Table, coord, metric string, kind BandKind, label func(records.Pair) string) ([]Band, error) {
	pairs, err := t.Join(coord, metric)
	if err != nil {
		return nil, missing("no %q rows with a %q row of the same run, model and step", metric, coord)
	}
	var order []string
	bySeed := map[string]map[records.Seed][]records.Point{}
	var seedOrder = map[string][]records.Seed{}
	for _, p := range pairs {
		l := label(p)
		if _, ok := bySeed[l]; !ok {
			order = append(order, l)
			bySeed[l] = map[records.Seed][]records.Point{}
		}
		if _, ok := bySeed[l][p.Seed]; !ok {
			seedOrder[l] = append(seedOrder[l], p.Seed)
		}
		bySeed[l][p.Seed] = append(bySeed[l][p.Seed], records.Point{X: p.X, Y: p.Y})
	}
	out := make([]Band, 0, len(order))
	for _, l := range order {
		var curves []Series
		for _, s := range seedOrder[l] {
			pts := bySeed[l][s]
			records.SortByX(pts)
			curves = append(curves, series(s.String(), pts))
		}
		b, err := SeedBand(l, kind, curves)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
