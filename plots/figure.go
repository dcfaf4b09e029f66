package plots

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of the PNG files Figure.Save writes.
const DPI = 144

// Axes gives a panel's title, axis labels and scales. A log axis leaves out points
// that are not positive. XTicks, if not nil, labels exactly these x values (batch sizes
// on a log axis, say) instead of round numbers.
type Axes struct {
	Title      string
	X, Y       string
	LogX, LogY bool
	XTicks     []float64
}

// Series is one named curve: the points (X[i], Y[i]). Points with a NaN or infinite
// coordinate are left out when drawing (records allow NaN for some metrics).
type Series struct {
	Label string
	X, Y  []float64
}

// Panel is one set of axes with its curves, for the multi-panel charts. Markers draws a
// glyph at every point in addition to the line. Bands are curves summarised over seeds
// (see BandChart), drawn with the legend entry BandKind.Describe(); a panel has series,
// bands or both.
type Panel struct {
	Axes
	Series   []Series
	Markers  bool
	Bands    []Band
	BandKind BandKind
}

// Figure is a finished chart: a grid of panels with one shared legend on the right and
// an optional title above. The chart constructors return Figures; Save writes them.
type Figure struct {
	// Title is drawn above the panels; empty means none.
	Title string
	// Width and Height are the figure's size; the constructors set them.
	Width, Height vg.Length

	panels [][]*plot.Plot // rows of panels; nil entries leave a tile empty
	legend plot.Legend
	nleg   int // legend entries
}

// Panels returns the figure's panels, row by row, for fine tuning before Save.
func (f *Figure) Panels() [][]*plot.Plot { return f.panels }

// Draw draws the figure on c.
func (f *Figure) Draw(c draw.Canvas) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	pad := vg.Points(6)
	c = draw.Crop(c, pad, -pad, pad, -pad)
	if f.Title != "" {
		sty := titleStyle(14)
		c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Max.Y}, f.Title)
		c.Max.Y -= sty.Rectangle(f.Title).Size().Y + pad
	}
	if f.nleg > 0 {
		w := f.legend.Rectangle(c).Size().X + pad
		lc := c
		lc.Min.X = c.Max.X - w
		f.legend.Draw(lc)
		c.Max.X -= w + pad
	}
	rows := len(f.panels)
	cols := 0
	for _, r := range f.panels {
		cols = max(cols, len(r))
	}
	// Panel titles are drawn here rather than by the panels, so that the titles of a row
	// line up even when plot.Align shifts the panels to line up their data areas.
	grid := make([][]*plot.Plot, rows)
	titles := make([][]string, rows)
	var titleH vg.Length
	for i, r := range f.panels {
		grid[i] = make([]*plot.Plot, cols)
		titles[i] = make([]string, cols)
		copy(grid[i], r)
		for j, p := range r {
			if p != nil && p.Title.Text != "" {
				titles[i][j] = p.Title.Text
				titleH = max(titleH, p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y+p.Title.Padding)
				defer func(p *plot.Plot, t string) { p.Title.Text = t }(p, p.Title.Text)
				p.Title.Text = ""
			}
		}
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(14), PadY: vg.Points(10) + titleH, PadTop: titleH}
	canvases := plot.Align(grid, tiles, c)
	tileH := (c.Max.Y - c.Min.Y - tiles.PadTop - vg.Length(rows-1)*tiles.PadY) / vg.Length(rows)
	for i := range grid {
		top := c.Max.Y - vg.Length(i)*(tileH+tiles.PadY)
		for j, p := range grid[i] {
			if p == nil {
				continue
			}
			p.Draw(canvases[i][j])
			if titles[i][j] != "" {
				sty := p.Title.TextStyle
				sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
				dc := p.DataCanvas(canvases[i][j])
				c.FillText(sty, vg.Point{X: dc.Center().X, Y: top}, titles[i][j])
			}
		}
	}
}

// WriteTo writes the figure in the given format ("png" or "svg") to w.
func (f *Figure) WriteTo(w io.Writer, format string) error {
	var wt io.WriterTo
	switch format {
	case "png":
		img := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(DPI))
		f.Draw(draw.New(img))
		wt = vgimg.PngCanvas{Canvas: img}
	case "svg":
		img := vgsvg.New(f.Width, f.Height)
		f.Draw(draw.New(img))
		wt = img
	default:
		return fmt.Errorf("plots: unknown format %q", format)
	}
	_, err := wt.WriteTo(w)
	return err
}

// Save writes the figure to base+".png" and base+".svg" and returns the two paths.
func (f *Figure) Save(base string) ([]string, error) {
	var paths []string
	for _, format := range []string{"png", "svg"} {
		path := base + "." + format
		if err := writeFile(path, func(w io.Writer) error { return f.WriteTo(w, format) }); err != nil {
			return paths, fmt.Errorf("plots: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// writeFile creates path and fills it with write.
func writeFile(path string, write func(io.Writer) error) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(file); err != nil {
		file.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return file.Close()
}

// newFigure returns a figure of the given panels (rows of equal length or shorter) and
// size, with the legend entries of entries.
func newFigure(title string, panels [][]*plot.Plot, w, h vg.Length, entries *legendEntries) *Figure {
	f := &Figure{Title: title, Width: w, Height: h, panels: panels, legend: plot.NewLegend()}
	f.legend.TextStyle.Font = sans(10)
	f.legend.Top, f.legend.Left = true, true
	f.legend.Padding = vg.Points(2)
	f.legend.ThumbnailWidth = vg.Points(24)
	if entries != nil {
		for _, e := range entries.list {
			f.legend.Add(e.label, e.thumbs...)
		}
		f.nleg = len(entries.list)
		if f.nleg > 0 {
			f.Width += f.legend.Rectangle(draw.Canvas{}).Size().X + vg.Points(12)
		}
	}
	return f
}

// legendEntries collects one legend entry per label, in order of first appearance.
type legendEntries struct {
	list  []legendEntry
	index map[string]int
}

type legendEntry struct {
	label  string
	thumbs []plot.Thumbnailer
}

// add adds an entry unless one with the same label exists, and returns the label's
// index, which picks its style.
func (l *legendEntries) add(label string, thumbs ...plot.Thumbnailer) {
	if l.index == nil {
		l.index = make(map[string]int)
	}
	if _, ok := l.index[label]; ok {
		return
	}
	l.index[label] = len(l.list)
	l.list = append(l.list, legendEntry{label, thumbs})
}

// sans returns the figures' font (Liberation Sans) at the given size in points.
func sans(size float64) font.Font {
	return font.From(font.Font{Typeface: "Liberation", Variant: "Sans"}, vg.Points(size))
}

func titleStyle(size float64) text.Style {
	f := sans(size)
	f.Weight = xfont.WeightBold
	return text.Style{Color: color.Black, Font: f, XAlign: draw.XCenter, YAlign: draw.YTop, Handler: plot.DefaultTextHandler}
}

// newPlot returns a panel with the figures' fonts, the axes' labels and scales, and a
// light grid.
func newPlot(ax Axes) *plot.Plot {
	p := plot.New()
	p.Title.Text = ax.Title
	p.Title.TextStyle.Font = sans(12)
	p.Title.Padding = vg.Points(4)
	p.X.Label.Text, p.Y.Label.Text = ax.X, ax.Y
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(11)
		a.Tick.Label.Font = sans(9)
		a.Padding = vg.Points(4)
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = linearTicks{}, linearTicks{}
	if ax.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if ax.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if ax.XTicks != nil {
		ticks := make(plot.ConstantTicks, len(ax.XTicks))
		for i, v := range ax.XTicks {
			ticks[i] = plot.Tick{Value: v, Label: formatTick(v)}
		}
		p.X.Tick.Marker = ticks
	}
	g := plotterGrid()
	p.Add(g)
	return p
}

// errNoPoints is wrapped by the errors for series without a point to draw.
var errNoPoints = errors.New("no point to draw")

// points returns the drawable points of s on the axes: finite, and positive on a log
// axis.
func points(s Series, ax Axes) ([][2]float64, error) {
	if len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("plots: series %q has %d x and %d y values", s.Label, len(s.X), len(s.Y))
	}
	var pts [][2]float64
	for i, x := range s.X {
		y := s.Y[i]
		if !finite(x) || !finite(y) || (ax.LogX && x <= 0) || (ax.LogY && y <= 0) {
			continue
		}
		pts = append(pts, [2]float64{x, y})
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("plots: series %q: %w", s.Label, errNoPoints)
	}
	return pts, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// fixLogRange widens a log axis whose data is a single value, which would otherwise
// collapse to a zero or negative range.
func fixLogRanges(p *plot.Plot, ax Axes) {
	for _, c := range []struct {
		a   *plot.Axis
		log bool
	}{{&p.X, ax.LogX}, {&p.Y, ax.LogY}} {
		if c.log && c.a.Min == c.a.Max {
			c.a.Min /= 2
			c.a.Max *= 2
		}
	}
}
