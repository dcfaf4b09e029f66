package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// PredictionChart draws each model's predictions as a coloured line over the ground
// truth, which is drawn first as a thick dashed dark line so that the predictions stay
// visible on top of it. It returns an error when a series has no drawable point.
func PredictionChart(ax Axes, truth Series, predictions ...Series) (*Figure, error) {
	p := newPlot(ax)
	l, err := addTruth(p, ax, truth)
	if err != nil {
		return nil, err
	}
	var models legendEntries // the models take the colours; the truth takes none
	if err := addLines(p, ax, predictions, false, &models, nil); err != nil {
		return nil, err
	}
	leg := legendEntries{list: append([]legendEntry{{truth.Label, []plot.Thumbnailer{l}}}, models.list...)}
	fixLogRanges(p, ax)
	return newFigure("", [][]*plot.Plot{{p}}, 16*vg.Centimeter, 10*vg.Centimeter, &leg), nil
}

// addTruth adds the ground truth to p as a thick dashed dark line.
func addTruth(p *plot.Plot, ax Axes, truth Series) (*plotter.Line, error) {
	pts, err := points(truth, ax)
	if err != nil {
		return nil, err
	}
	xys := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		xys[i].X, xys[i].Y = pt[0], pt[1]
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return nil, fmt.Errorf("plots: series %q: %w", truth.Label, err)
	}
	l.LineStyle.Color = color.Gray{0x30}
	l.LineStyle.Width = vg.Points(3.5)
	l.LineStyle.Dashes = []vg.Length{vg.Points(7), vg.Points(4)}
	p.Add(l)
	return l, nil
}

// PredictionBandChart is PredictionChart for predictions summarised over seeds: each
// model's centre line over its band (see BandChart) on top of the ground truth, with a
// legend that gives each model's seeds and says what the line and the band are.
func PredictionBandChart(ax Axes, kind BandKind, truth Series, bands ...Band) (*Figure, error) {
	if len(bands) == 0 {
		return nil, fmt.Errorf("plots: prediction chart %q: no bands", ax.Title)
	}
	p := newPlot(ax)
	l, err := addTruth(p, ax, truth)
	if err != nil {
		return nil, err
	}
	var models legendEntries
	if err := addBands(p, ax, bands, &models); err != nil {
		return nil, err
	}
	models.add(kind.Describe(), bandKey{})
	leg := legendEntries{list: append([]legendEntry{{truth.Label, []plot.Thumbnailer{l}}}, models.list...)}
	fixLogRanges(p, ax)
	return newFigure("", [][]*plot.Plot{{p}}, 16*vg.Centimeter, 10*vg.Centimeter, &leg), nil
}
