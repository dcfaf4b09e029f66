package plots

import (
	"fmt"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"hw1/problems/records"
)

// PanelChart draws up to four panels in one figure: side by side for up to three, in a
// 2×2 grid for four. A series label keeps one style across the panels and appears once
// in the shared legend, so "train" and "test" look the same in a loss panel and in an
// accuracy panel. It suits metrics against epochs and metrics against a swept variable
// (alpha, batch size, parameter count; set LogX and Markers). It returns an error when
// there is no panel or more than four, or when a series has no drawable point.
func PanelChart(title string, panels ...Panel) (*Figure, error) {
	if len(panels) == 0 || len(panels) > 4 {
		return nil, fmt.Errorf("plots: panel chart %q: %d panels, want 1 to 4", title, len(panels))
	}
	var leg legendEntries
	plots := make([]*plot.Plot, len(panels))
	var kinds []BandKind
	for i, pn := range panels {
		if len(pn.Series) == 0 && len(pn.Bands) == 0 {
			return nil, fmt.Errorf("plots: panel %q: no series", pn.Title)
		}
		p := newPlot(pn.Axes)
		if err := addBands(p, pn.Axes, pn.Bands, &leg); err != nil {
			return nil, fmt.Errorf("%w (panel %q)", err, pn.Title)
		}
		if len(pn.Bands) > 0 && !slices.Contains(kinds, pn.BandKind) {
			kinds = append(kinds, pn.BandKind)
		}
		if err := addLines(p, pn.Axes, pn.Series, pn.Markers, &leg, nil); err != nil {
			return nil, fmt.Errorf("%w (panel %q)", err, pn.Title)
		}
		fixLogRanges(p, pn.Axes)
		plots[i] = p
	}
	for _, k := range kinds {
		leg.add(k.Describe(), bandKey{})
	}
	w, h := 11*vg.Centimeter, 9*vg.Centimeter
	var grid [][]*plot.Plot
	switch len(plots) {
	case 4:
		grid = [][]*plot.Plot{plots[:2], plots[2:]}
		return newFigure(title, grid, 2*w, 2*h+titleHeight(title), &leg), nil
	default:
		grid = [][]*plot.Plot{plots}
		return newFigure(title, grid, vg.Length(len(plots))*w, h+titleHeight(title), &leg), nil
	}
}

// titleHeight returns the height a figure title takes.
func titleHeight(title string) vg.Length {
	if title == "" {
		return 0
	}
	return titleStyle(14).Rectangle(title).Size().Y + vg.Points(6)
}

// lossAccuracyPanels returns the two panels of 3-3's figures along a line through
// parameter space: the loss (cross-entropy, log scale) and the accuracy of run's rows
// against the coordinate metric coord, whose axis is labelled x, one series per model
// and split, the series named after models.
func lossAccuracyPanels(run string, rows records.Table, models []string, coord, x string) ([]Panel, error) {
	label := pairLabel(bySplit(nil, models))
	var panels []Panel
	for _, c := range []struct {
		metric, y string
		log       bool
	}{{records.MetricLoss, "cross-entropy", true}, {records.MetricAccuracy, "accuracy", false}} {
		s, err := sweep(rows, coord, c.metric, label)
		if err != nil {
			return nil, fmt.Errorf("run %s: %w", run, err)
		}
		panels = append(panels, Panel{Axes: Axes{Title: c.metric, X: x, Y: c.y, LogY: c.log}, Series: s})
	}
	return panels, nil
}
