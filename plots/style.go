package plots

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// palette is the colour cycle of the series (the category-10 colours).
var palette = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x7f, 0x7f, 0x7f, 0xff}, // grey
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
}

// dashes is the cycle of dash patterns, advanced once the colours run out.
var dashes = [][]vg.Length{
	nil,
	{vg.Points(6), vg.Points(3)},
	{vg.Points(2), vg.Points(2)},
	{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)},
}

// glyphs is the cycle of marker shapes.
var glyphs = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}, draw.PlusGlyph{},
	draw.CrossGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}, draw.PyramidGlyph{},
}

// lineStyle returns the style of the i-th series.
func lineStyle(i int) draw.LineStyle {
	return draw.LineStyle{
		Color:  palette[i%len(palette)],
		Width:  vg.Points(1.5),
		Dashes: dashes[(i/len(palette))%len(dashes)],
	}
}

// glyphStyle returns the marker style of the i-th series.
func glyphStyle(i int) draw.GlyphStyle {
	return draw.GlyphStyle{
		Color:  palette[i%len(palette)],
		Radius: vg.Points(2.5),
		Shape:  glyphs[i%len(glyphs)],
	}
}

// plotterGrid returns the light grid drawn behind every panel.
func plotterGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe0}
	g.Horizontal.Color = color.Gray{0xe0}
	g.Vertical.Width = vg.Points(0.5)
	g.Horizontal.Width = vg.Points(0.5)
	return g
}

// logTicks marks a log axis: labelled powers of ten, unlabelled minor ticks, and
// labelled 2s and 5s when the range spans two decades or less, so that a narrow range
// still has labels. Above a dozen decades only every other power is labelled.
type logTicks struct{}

var _ plot.Ticker = logTicks{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) || math.IsInf(max, 0) {
		return nil
	}
	lo := int(math.Floor(math.Log10(min)))
	hi := int(math.Ceil(math.Log10(max)))
	decades := hi - lo
	every := 1
	if decades > 12 {
		every = 2
	}
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		base := math.Pow10(e)
		for m := 1; m < 10; m++ {
			v := float64(m) * base
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if (m == 1 && (e-lo)%every == 0) || (decades <= 2 && (m == 2 || m == 5)) {
				t.Label = formatTick(v)
			}
			ticks = append(ticks, t)
		}
	}
	// A range inside one decade without 1, 2 or 5 in it: label its ends.
	labelled := 0
	for _, t := range ticks {
		if t.Label != "" {
			labelled++
		}
	}
	if labelled < 2 {
		ticks = append(ticks, plot.Tick{Value: min, Label: formatTick(round3(min))}, plot.Tick{Value: max, Label: formatTick(round3(max))})
	}
	return ticks
}

// round3 rounds v to three significant digits.
func round3(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// formatTick formats a log-axis tick value compactly: 0.002 and 5000 in decimal, 1e-05
// as 1e-5 and 1e+06 as 1e6.
func formatTick(v float64) string {
	// Drop floating-point noise (3 × 1e-4 = 0.00030000000000000003).
	if r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 6, 64), 64); err == nil {
		v = r
	}
	if a := math.Abs(v); a >= 1e-4 && a < 1e5 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', 3, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant, exp := s[:i], s[i+1:]
		sign := ""
		if exp[0] == '-' {
			sign = "-"
		}
		exp = strings.TrimLeft(exp[1:], "0")
		s = mant + "e" + sign + exp
	}
	return s
}

// linearTicks marks a linear axis with four to seven labelled ticks at round values
// (1, 2, 2.5 or 5 times a power of ten) and an unlabelled tick between each two.
type linearTicks struct{}

var _ plot.Ticker = linearTicks{}

// Ticks implements plot.Ticker.
func (linearTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(max-min, 0) {
		return []plot.Tick{{Value: min, Label: formatTick(min)}}
	}
	span := max - min
	mag := math.Pow10(int(math.Floor(math.Log10(span / 6))))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if span/(m*mag) <= 7 {
			step = m * mag
			break
		}
	}
	decimals := max0(-int(math.Floor(math.Log10(step) + 1e-9)))
	if math.Abs(step/math.Pow10(-decimals)-2.5) < 1e-9 || math.Abs(step/math.Pow10(-decimals)-0.25) < 1e-9 {
		decimals++
	}
	big := math.Max(math.Abs(min), math.Abs(max)) >= 1e6 || step < 1e-4
	var ticks []plot.Tick
	for k := math.Ceil(min/step - 1e-9); k*step <= max+step*1e-9; k++ {
		v := k * step
		if v == 0 {
			v = 0 // no -0
		}
		label := strconv.FormatFloat(v, 'f', decimals, 64)
		if big {
			label = formatTick(v)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
		if h := v + step/2; h <= max {
			ticks = append(ticks, plot.Tick{Value: h})
		}
	}
	if first := math.Ceil(min/step-1e-9) * step; first-step/2 >= min {
		ticks = append(ticks, plot.Tick{Value: first - step/2})
	}
	return ticks
}

func max0(n int) int {
	if n < 0 {
		return 0
	}
	return n
}
