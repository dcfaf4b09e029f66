package plots

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Trajectory is one run's path through a 2-D projection, point by point in the order
// visited. Notes, if not nil, holds one annotation per point (an accuracy, a loss);
// empty notes are not drawn.
type Trajectory struct {
	Label string
	X, Y  []float64
	Notes []string
}

// TrajectoryChart draws each trajectory in its own colour as markers joined by a thin
// line, its first point as a larger hollow ring, and every note next to its point. It
// returns an error when there is no trajectory, when Notes and the points differ in
// number, or when a trajectory has a non-finite point.
func TrajectoryChart(ax Axes, runs ...Trajectory) (*Figure, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("plots: trajectory chart %q: no trajectory", ax.Title)
	}
	p := newPlot(ax)
	var leg legendEntries
	for i, r := range runs {
		if err := addTrajectory(p, &leg, i, r); err != nil {
			return nil, err
		}
	}
	return newFigure("", [][]*plot.Plot{{p}}, 16*vg.Centimeter, 13*vg.Centimeter, &leg), nil
}

// addTrajectory draws trajectory r in colour i on p (markers joined by a thin line,
// the first point as a larger hollow ring, the notes beside their points) and adds
// it to the legend.
func addTrajectory(p *plot.Plot, leg *legendEntries, i int, r Trajectory) error {
	if len(r.X) != len(r.Y) || (r.Notes != nil && len(r.Notes) != len(r.X)) {
		return fmt.Errorf("plots: trajectory %q has %d x, %d y and %d notes", r.Label, len(r.X), len(r.Y), len(r.Notes))
	}
	if len(r.X) == 0 {
		return fmt.Errorf("plots: trajectory %q: %w", r.Label, errNoPoints)
	}
	xys := make(plotter.XYs, len(r.X))
	for j := range r.X {
		if !finite(r.X[j]) || !finite(r.Y[j]) {
			return fmt.Errorf("plots: trajectory %q: point %d is (%v, %v)", r.Label, j, r.X[j], r.Y[j])
		}
		xys[j].X, xys[j].Y = r.X[j], r.Y[j]
	}
	l, sc, err := plotter.NewLinePoints(xys)
	if err != nil {
		return fmt.Errorf("plots: trajectory %q: %w", r.Label, err)
	}
	l.LineStyle = lineStyle(i)
	l.LineStyle.Width = vg.Points(1)
	sc.GlyphStyle = glyphStyle(i)
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	start, _ := plotter.NewScatter(xys[:1])
	start.GlyphStyle = draw.GlyphStyle{Color: palette[i%len(palette)], Radius: vg.Points(5), Shape: draw.RingGlyph{}}
	p.Add(l, sc, start)
	leg.add(r.Label, l, sc)
	if r.Notes != nil {
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: r.Notes})
		if err != nil {
			return fmt.Errorf("plots: trajectory %q: %w", r.Label, err)
		}
		for j := range labels.TextStyle {
			labels.TextStyle[j].Font = sans(7)
			labels.TextStyle[j].Color = palette[i%len(palette)]
		}
		labels.Offset = vg.Point{X: vg.Points(3), Y: vg.Points(3)}
		p.Add(labels)
	}
	return nil
}
