package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// LineChart draws many series as lines on one set of axes, each in its own colour
// (dashed once the colours run out), with a legend on the right. It returns an error
// when there is no series or a series has no drawable point.
func LineChart(ax Axes, series ...Series) (*Figure, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("plots: line chart %q: no series", ax.Title)
	}
	p := newPlot(ax)
	var leg legendEntries
	if err := addLines(p, ax, series, false, &leg, nil); err != nil {
		return nil, err
	}
	fixLogRanges(p, ax)
	return newFigure("", [][]*plot.Plot{{p}}, 16*vg.Centimeter, 10*vg.Centimeter, &leg), nil
}

// addLines adds series to p as lines (with markers if asked), styled by their label's
// index in leg, and adds their legend entries. style, if not nil, overrides the style
// index of a label.
func addLines(p *plot.Plot, ax Axes, series []Series, markers bool, leg *legendEntries, style func(label string) int) error {
	for _, s := range series {
		pts, err := points(s, ax)
		if err != nil {
			return err
		}
		xys := make(plotter.XYs, len(pts))
		for i, pt := range pts {
			xys[i].X, xys[i].Y = pt[0], pt[1]
		}
		i := len(leg.list)
		if j, ok := leg.index[s.Label]; ok {
			i = j
		}
		if style != nil {
			i = style(s.Label)
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("plots: series %q: %w", s.Label, err)
		}
		l.LineStyle = lineStyle(i)
		p.Add(l)
		thumbs := []plot.Thumbnailer{l}
		if markers {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return fmt.Errorf("plots: series %q: %w", s.Label, err)
			}
			sc.GlyphStyle = glyphStyle(i)
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		leg.add(s.Label, thumbs...)
	}
	return nil
}
