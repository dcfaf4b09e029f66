package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Surface is a function of two coordinates sampled on a grid, such as a loss surface
// over a plane of parameter space: Z[i][j] is its value at (X[j], Y[i]). X and Y must
// be strictly increasing.
type Surface struct {
	X, Y []float64
	Z    [][]float64
}

// surfaceGrid is a Surface as a plotter.GridXYZ, with Z transformed by f.
type surfaceGrid struct {
	s Surface
	f func(float64) float64
}

func (g surfaceGrid) Dims() (c, r int)   { return len(g.s.X), len(g.s.Y) }
func (g surfaceGrid) Z(c, r int) float64 { return g.f(g.s.Z[r][c]) }
func (g surfaceGrid) X(c int) float64    { return g.s.X[c] }
func (g surfaceGrid) Y(r int) float64    { return g.s.Y[r] }

// ContourOptions sets up a contour chart. The zero value draws 12 levels evenly
// spaced over the range of Z on a linear scale.
type ContourOptions struct {
	// LogZ colours and contours log10 Z, for losses that span decades; the levels
	// and the legend still speak of Z.
	LogZ bool
	// Levels are the contour heights, in units of Z; nil means 12 levels evenly
	// spaced over the range of Z (of log10 Z with LogZ), ends excluded.
	Levels []float64
	// Label names Z in the legend ("training loss"); empty means "z".
	Label string
}

// heatSwatch draws a filled square as a legend thumbnail.
type heatSwatch struct{ c color.Color }

// Thumbnail implements plot.Thumbnailer.
func (h heatSwatch) Thumbnail(c *draw.Canvas) {
	c.SetColor(h.c)
	c.Fill(c.Rectangle.Path())
}

// ContourChart draws a surface as a heat map (light for low values, dark for high,
// Moreland's black-body scale) with dark contour lines at the levels, and the
// trajectories over it as TrajectoryChart draws them: loss-landscape's trajectory plot
// (Li et al. 2018). The legend gives the colour of three levels and the trajectories.
// It returns an error when the grid is empty or ragged, its coordinates do not
// increase, Z has no finite positive value with LogZ, or a trajectory is malformed.
func ContourChart(ax Axes, s Surface, o ContourOptions, paths ...Trajectory) (*Figure, error) {
	if len(s.X) < 2 || len(s.Y) < 2 || len(s.Z) != len(s.Y) {
		return nil, fmt.Errorf("plots: contour chart %q: a grid of %d x by %d y needs at least 2 of each and %d rows of Z, got %d", ax.Title, len(s.X), len(s.Y), len(s.Y), len(s.Z))
	}
	for _, v := range [][]float64{s.X, s.Y} {
		for i := 1; i < len(v); i++ {
			if !(v[i] > v[i-1]) {
				return nil, fmt.Errorf("plots: contour chart %q: grid coordinates must increase, got %v then %v", ax.Title, v[i-1], v[i])
			}
		}
	}
	tr := func(z float64) float64 { return z }
	inv := tr
	if o.LogZ {
		tr = func(z float64) float64 {
			if z > 0 {
				return math.Log10(z)
			}
			return math.NaN()
		}
		inv = func(z float64) float64 { return math.Pow(10, z) }
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, row := range s.Z {
		if len(row) != len(s.X) {
			return nil, fmt.Errorf("plots: contour chart %q: row %d of Z has %d values, want %d", ax.Title, i, len(row), len(s.X))
		}
		for _, z := range row {
			if t := tr(z); finite(t) {
				lo, hi = math.Min(lo, t), math.Max(hi, t)
			}
		}
	}
	if !(hi >= lo) {
		return nil, fmt.Errorf("plots: contour chart %q: %w", ax.Title, errNoPoints)
	}
	if hi == lo {
		hi = lo + 1
	}
	levels := make([]float64, 0, 12)
	if o.Levels == nil {
		for k := 1; k <= 12; k++ {
			levels = append(levels, lo+(hi-lo)*float64(k)/13)
		}
	} else {
		for _, l := range o.Levels {
			if t := tr(l); finite(t) {
				levels = append(levels, t)
			}
		}
	}
	grid := surfaceGrid{s, tr}
	// The black-body scale without its darkest quarter (so that the contour lines and
	// trajectories stay visible) and its white end, light for low values.
	cs := moreland.ExtendedBlackBody().Palette(88).Colors()[24:82]
	slices.Reverse(cs)
	heat := plotter.NewHeatMap(grid, colors(cs))
	heat.Min, heat.Max = lo, hi
	heat.NaN = color.White
	heat.Rasterized = true // no seams between the cells
	cont := plotter.NewContour(grid, levels, nil)
	cont.LineStyles = []draw.LineStyle{{Color: color.Gray{0x30}, Width: vg.Points(0.6)}}
	p := newPlot(ax)
	p.Add(heat, cont)
	var leg legendEntries
	name := o.Label
	if name == "" {
		name = "z"
	}
	for _, f := range []float64{0, 0.5, 1} {
		t := lo + f*(hi-lo)
		c, err := heatColor(heat, t)
		if err != nil {
			return nil, fmt.Errorf("plots: contour chart %q: %w", ax.Title, err)
		}
		leg.add(fmt.Sprintf("%s %.3g", name, inv(t)), heatSwatch{c})
	}
	for i, r := range paths {
		if err := addTrajectory(p, &leg, i, r); err != nil {
			return nil, err
		}
	}
	return newFigure("", [][]*plot.Plot{{p}}, 16*vg.Centimeter, 13*vg.Centimeter, &leg), nil
}

// heatColor returns the colour the heat map gives to value v.
func heatColor(h *plotter.HeatMap, v float64) (color.Color, error) {
	cs := h.Palette.Colors()
	if len(cs) == 0 {
		return nil, fmt.Errorf("empty palette")
	}
	k := int(float64(len(cs)-1)*(v-h.Min)/(h.Max-h.Min) + 0.5)
	return cs[min(max(k, 0), len(cs)-1)], nil
}

// colors is a fixed list of colours as a palette.Palette.
type colors []color.Color

// Colors implements palette.Palette from gonum.org/v1/plot/palette.
func (c colors) Colors() []color.Color { return c }
