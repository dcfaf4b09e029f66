package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// StackedChart draws two panels above each other with a shared x axis: both span the
// union of their x ranges and their y axes are aligned, so that a point in time lines
// up in both (loss on top, gradient norm below). The x label is taken from the bottom
// panel. A series label keeps one style in both panels and appears once in the legend.
// It returns an error when a panel has no series or a series has no drawable point.
func StackedChart(title string, top, bottom Panel) (*Figure, error) {
	var leg legendEntries
	plots := make([]*plot.Plot, 2)
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, pn := range []Panel{top, bottom} {
		if len(pn.Series) == 0 {
			return nil, fmt.Errorf("plots: panel %q: no series", pn.Title)
		}
		ax := pn.Axes
		ax.LogX = top.LogX || bottom.LogX
		if i == 0 {
			ax.X = ""
		} else {
			ax.X = bottom.X
		}
		p := newPlot(ax)
		if err := addLines(p, ax, pn.Series, pn.Markers, &leg, nil); err != nil {
			return nil, fmt.Errorf("%w (panel %q)", err, pn.Title)
		}
		fixLogRanges(p, ax)
		xmin, xmax = math.Min(xmin, p.X.Min), math.Max(xmax, p.X.Max)
		plots[i] = p
	}
	for _, p := range plots {
		p.X.Min, p.X.Max = xmin, xmax
	}
	grid := [][]*plot.Plot{{plots[0]}, {plots[1]}}
	return newFigure(title, grid, 16*vg.Centimeter, 15*vg.Centimeter+titleHeight(title), &leg), nil
}
