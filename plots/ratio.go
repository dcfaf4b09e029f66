package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// RatioPoint is one run of the minimal-ratio experiment: the minimal ratio (share of
// positive Hessian eigenvalues) and the loss where the run stopped, and whether it
// reached the gradient-norm tolerance.
type RatioPoint struct {
	Ratio, Loss float64
	Converged   bool
}

// RatioChart scatters loss against minimal ratio (the layout of the homework's figure):
// converged runs as filled blue circles, the others as red crosses, each class in the
// legend with its count. Points with a non-finite coordinate are left out. It returns
// an error when no point is left.
func RatioChart(ax Axes, pts []RatioPoint) (*Figure, error) {
	var conv, other plotter.XYs
	for _, r := range pts {
		if !finite(r.Ratio) || !finite(r.Loss) || (ax.LogY && r.Loss <= 0) || (ax.LogX && r.Ratio <= 0) {
			continue
		}
		if r.Converged {
			conv = append(conv, plotter.XY{X: r.Ratio, Y: r.Loss})
		} else {
			other = append(other, plotter.XY{X: r.Ratio, Y: r.Loss})
		}
	}
	if len(conv)+len(other) == 0 {
		return nil, fmt.Errorf("plots: ratio chart %q: %w", ax.Title, errNoPoints)
	}
	p := newPlot(ax)
	var leg legendEntries
	for _, c := range []struct {
		xys   plotter.XYs
		label string
		style draw.GlyphStyle
	}{
		{conv, "converged", draw.GlyphStyle{Color: palette[0], Radius: vg.Points(3), Shape: draw.CircleGlyph{}}},
		{other, "not converged", draw.GlyphStyle{Color: color.RGBA{0xd6, 0x27, 0x28, 0xff}, Radius: vg.Points(4), Shape: draw.CrossGlyph{}}},
	} {
		if len(c.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(c.xys)
		if err != nil {
			return nil, fmt.Errorf("plots: ratio chart: %w", err)
		}
		sc.GlyphStyle = c.style
		p.Add(sc)
		leg.add(fmt.Sprintf("%s (%d)", c.label, len(c.xys)), sc)
	}
	fixLogRanges(p, ax)
	return newFigure("", [][]*plot.Plot{{p}}, 16*vg.Centimeter, 11*vg.Centimeter, &leg), nil
}
