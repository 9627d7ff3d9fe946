package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/golang/freetype/truetype"
	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/diskominfo-kaltim/pantau/indonesian"
)

// The report's charts are drawn here rather than by a charting library's
// defaults: every figure is written on its bar, each date sits under its
// own bar, and axes count whole items from zero.

// Class colours, as on the dashboards: green, grey, amber, red.
var classColors = [4]drawing.Color{
	{R: 46, G: 125, B: 50, A: 255},
	{R: 120, G: 130, B: 140, A: 255},
	{R: 245, G: 158, B: 11, A: 255},
	{R: 198, G: 40, B: 40, A: 255},
}

// classText are the class colours for text on white: the amber darkened.
var classText = [4]drawing.Color{classColors[0], classColors[1], {R: 180, G: 83, B: 9, A: 255}, classColors[3]}

var (
	ink     = drawing.Color{R: 31, G: 41, B: 51, A: 255}
	muted   = drawing.Color{R: 82, G: 96, B: 109, A: 255}
	grid    = drawing.Color{R: 228, G: 231, B: 235, A: 255}
	today   = drawing.Color{R: 240, G: 244, B: 248, A: 255}
	white   = drawing.Color{R: 255, G: 255, B: 255, A: 255}
	regular = mustFont(goregular.TTF)
	bold    = mustFont(gobold.TTF)
)

func mustFont(ttf []byte) *truetype.Font {
	f, err := truetype.Parse(ttf)
	if err != nil {
		panic(err)
	}
	return f
}

// printable drops what the report's font cannot draw (emoji in social
// posts): a missing glyph would print as a box.
func printable(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == ' ' {
			return ' '
		}
		if regular.Index(r) == 0 {
			return -1
		}
		return r
	}, s)), " ")
}

// Charts are the report's images, PNG encoded.
type Charts struct {
	Classes []byte // the four classes per day over 14 days
	Regions []byte // mentions per kabupaten/kota
}

// scale is how many pixels a chart has per layout unit: charts are drawn
// at twice their displayed size so that they stay sharp in the PDF and on
// high-density screens.
const scale = 2

// DrawCharts renders the charts of d.
func DrawCharts(d *Data) (*Charts, error) {
	var c Charts
	var err error
	if c.Classes, err = dailyLayout(d).draw(); err != nil {
		return nil, fmt.Errorf("class chart: %w", err)
	}
	if c.Regions, err = regionLayout(d.Regions).draw(); err != nil {
		return nil, fmt.Errorf("region chart: %w", err)
	}
	return &c, nil
}

// niceTicks returns the ticks of an axis counting whole items from zero
// up to at least max: 0, step, 2·step, … with a step of 1, 2 or 5 times a
// power of ten, about five of them.
func niceTicks(max int) []int {
	step := 1
steps:
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if step = m * p; max <= 5*step {
				break steps
			}
		}
	}
	top := (max + step - 1) / step * step
	if top == 0 {
		top = step
	}
	var ticks []int
	for v := 0; v <= top; v += step {
		ticks = append(ticks, v)
	}
	return ticks
}

// rect is a box in pixels.
type rect struct{ X0, Y0, X1, Y1 int }

// dailyBar is one day of the class chart.
type dailyBar struct {
	Day      time.Time
	Label    string // under the bar: "29 Nov"
	X0, X1   int    // the bar's left and right edge
	Counts   [4]int
	Total    int
	Reported bool // the report's day
}

// segment is the part of a bar one class fills, from its top to its bottom.
func (b dailyBar) segment(c *dailyChart, class int) (top, bottom int) {
	below := 0
	// Stacked from the baseline up: negatif, berpotensi negatif, netral,
	// positif, so the classes that need a response share the baseline.
	for i := 3; i > class; i-- {
		below += b.Counts[i]
	}
	return c.y(below + b.Counts[class]), c.y(below)
}

// dailyChart is the layout of the four classes per day, a stacked bar per
// day.
type dailyChart struct {
	W, H  int
	Plot  rect
	Ticks []int
	Bars  []dailyBar
}

// y is the pixel row of value v.
func (c *dailyChart) y(v int) int {
	top := c.Ticks[len(c.Ticks)-1]
	return c.Plot.Y1 - (c.Plot.Y1-c.Plot.Y0)*v/top
}

func dailyLayout(d *Data) *dailyChart {
	c := &dailyChart{W: 900 * scale, H: 380 * scale}
	c.Plot = rect{X0: 48 * scale, Y0: 60 * scale, X1: c.W - 8*scale, Y1: c.H - 36*scale}
	peak := 0
	for _, s := range d.Series {
		peak = max(peak, s.Counts[0]+s.Counts[1]+s.Counts[2]+s.Counts[3])
	}
	c.Ticks = niceTicks(peak)
	// A bar is never wider than a week's: a series that begins with the
	// store a few days ago keeps the report's day at the right edge.
	n := max(len(d.Series), 1)
	slots := max(n, 7)
	slot := (c.Plot.X1 - c.Plot.X0) / slots
	for i, s := range d.Series {
		x := c.Plot.X0 + (slots-n+i)*slot
		c.Bars = append(c.Bars, dailyBar{
			Day: s.Day, Label: indonesian.DayMonth(s.Day.In(WITA)),
			X0: x + slot*3/20, X1: x + slot*17/20,
			Counts: s.Counts, Total: s.Counts[0] + s.Counts[1] + s.Counts[2] + s.Counts[3],
			Reported: i == len(d.Series)-1,
		})
	}
	return c
}

// pen draws on a chart renderer in pixels, text in points at the chart's
// scale.
type pen struct{ r chart.Renderer }

func newPen(w, h int) (*pen, error) {
	r, err := chart.PNG(w, h)
	if err != nil {
		return nil, err
	}
	r.SetDPI(72 * scale)
	p := &pen{r: r}
	p.fill(rect{0, 0, w, h}, white)
	return p, nil
}

func (p *pen) fill(b rect, c drawing.Color) {
	p.r.SetFillColor(c)
	p.r.SetStrokeColor(c)
	p.r.SetStrokeWidth(0)
	p.r.MoveTo(b.X0, b.Y0)
	p.r.LineTo(b.X1, b.Y0)
	p.r.LineTo(b.X1, b.Y1)
	p.r.LineTo(b.X0, b.Y1)
	p.r.Close()
	p.r.Fill()
}

func (p *pen) line(x0, y0, x1, y1 int, c drawing.Color, width float64) {
	p.r.SetStrokeColor(c)
	p.r.SetStrokeWidth(width * scale)
	p.r.MoveTo(x0, y0)
	p.r.LineTo(x1, y1)
	p.r.Stroke()
}

// text writes s with its baseline at y; align is 'l', 'c' or 'r' of x.
func (p *pen) text(s string, x, y int, size float64, f *truetype.Font, c drawing.Color, align byte) int {
	s = printable(s)
	p.r.SetFont(f)
	p.r.SetFontSize(size)
	p.r.SetFontColor(c)
	w := p.r.MeasureText(s).Width()
	switch align {
	case 'c':
		x -= w / 2
	case 'r':
		x -= w
	}
	p.r.Text(s, x, y)
	return w
}

func (p *pen) png() ([]byte, error) {
	var buf bytes.Buffer
	if err := p.r.Save(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Font sizes in points, at the chart's displayed size.
const (
	fontLegend  = 12
	fontAxis    = 11
	fontSegment = 10
	fontFigure  = 11.5
	fontName    = 12
)

// textHeight is the pixel height of a capital at size points.
func textHeight(size float64) int { return int(size * scale * 0.72) }

func (c *dailyChart) draw() ([]byte, error) {
	p, err := newPen(c.W, c.H)
	if err != nil {
		return nil, err
	}
	// Legend, in the stack's order from the top.
	x := c.Plot.X0
	for i, l := range Labels {
		p.fill(rect{x, 14 * scale, x + 12*scale, 26 * scale}, classColors[i])
		x += 18*scale + p.text(l, x+18*scale, 25*scale, fontLegend, regular, ink, 'l') + 18*scale
	}
	// The reported day stands out.
	for _, b := range c.Bars {
		if b.Reported {
			pad := (b.X1 - b.X0) / 5
			p.fill(rect{b.X0 - pad, c.Plot.Y0 - 18*scale, b.X1 + pad, c.Plot.Y1 + 30*scale}, today)
		}
	}
	// Grid and the axis' whole numbers from zero.
	for _, v := range c.Ticks {
		y := c.y(v)
		p.line(c.Plot.X0, y, c.Plot.X1, y, grid, 1)
		p.text(indonesian.Int(int64(v)), c.Plot.X0-8*scale, y+textHeight(fontAxis)/2, fontAxis, regular, muted, 'r')
	}
	for _, b := range c.Bars {
		mid := (b.X0 + b.X1) / 2
		// Each class's figure inside its part of the bar; where the part is
		// too thin, beside the bar at its height, never over another figure.
		nextFree := c.Plot.Y1 + textHeight(fontSegment) // the lowest free baseline beside the bar
		for class := 3; class >= 0; class-- {
			if b.Counts[class] == 0 {
				continue
			}
			top, bottom := b.segment(c, class)
			p.fill(rect{b.X0, top, b.X1, bottom}, classColors[class])
			figure := indonesian.Int(int64(b.Counts[class]))
			if bottom-top >= textHeight(fontSegment)+6*scale {
				fg := white
				if class == 2 {
					fg = ink // dark on amber reads better
				}
				p.text(figure, mid, (top+bottom)/2+textHeight(fontSegment)/2, fontSegment, regular, fg, 'c')
				continue
			}
			y := min((top+bottom)/2+textHeight(fontSegment)/2, nextFree-textHeight(fontSegment)-3*scale)
			p.text(figure, b.X1+3*scale, y, fontSegment, bold, classText[class], 'l')
			nextFree = y
		}
		// The day's total above its bar, the date under it.
		p.text(indonesian.Int(int64(b.Total)), mid, c.y(b.Total)-6*scale, fontFigure, bold, ink, 'c')
		f := regular
		if b.Reported {
			f = bold
		}
		p.text(b.Label, mid, c.Plot.Y1+20*scale, fontAxis, f, ink, 'c')
	}
	p.line(c.Plot.X0, c.Plot.Y1, c.Plot.X1, c.Plot.Y1, muted, 1)
	return p.png()
}

// regionBar is one region of the region chart.
type regionBar struct {
	Name      string
	Count     int
	Neg       int // negatif and berpotensi negatif
	Y0, Y1    int
	XNeg, XTo int // right edge of the negative part and of the bar
}

// regionChart is the layout of mentions per region: a horizontal bar per
// region, the region's full name before it, its figure after it.
type regionChart struct {
	W, H  int
	Plot  rect
	Ticks []int
	Bars  []regionBar
}

func (c *regionChart) x(v int) int {
	top := c.Ticks[len(c.Ticks)-1]
	return c.Plot.X0 + (c.Plot.X1-c.Plot.X0)*v/top
}

// shortRegion writes "Kabupaten" as "Kab." so that names fit.
func shortRegion(s string) string {
	if rest, ok := strings.CutPrefix(s, "Kabupaten "); ok {
		return "Kab. " + rest
	}
	return s
}

func regionLayout(cs []Count) *regionChart {
	row := 30 * scale
	c := &regionChart{W: 900 * scale}
	c.H = 44*scale + max(len(cs), 1)*row + 30*scale
	c.Plot = rect{X0: 250 * scale, Y0: 40 * scale, X1: c.W - 240*scale, Y1: c.H - 30*scale}
	peak := 0
	for _, r := range cs {
		peak = max(peak, r.Count)
	}
	c.Ticks = niceTicks(peak)
	for i, r := range cs {
		y := c.Plot.Y0 + 4*scale + i*row
		c.Bars = append(c.Bars, regionBar{Name: shortRegion(r.Name), Count: r.Count, Neg: r.Neg,
			Y0: y + 4*scale, Y1: y + row - 4*scale})
	}
	for i := range c.Bars {
		c.Bars[i].XTo = c.x(c.Bars[i].Count)
		c.Bars[i].XNeg = c.x(c.Bars[i].Neg)
	}
	return c
}

var (
	regionOther = drawing.Color{R: 21, G: 101, B: 192, A: 255}
	regionNeg   = classColors[3]
)

func (c *regionChart) draw() ([]byte, error) {
	p, err := newPen(c.W, c.H)
	if err != nil {
		return nil, err
	}
	x := c.Plot.X0
	for i, l := range []string{"negatif dan berpotensi negatif", "positif dan netral"} {
		col := []drawing.Color{regionNeg, regionOther}[i]
		p.fill(rect{x, 12 * scale, x + 12*scale, 24 * scale}, col)
		x += 18*scale + p.text(l, x+18*scale, 23*scale, fontLegend, regular, ink, 'l') + 18*scale
	}
	for _, v := range c.Ticks {
		xv := c.x(v)
		p.line(xv, c.Plot.Y0, xv, c.Plot.Y1, grid, 1)
		p.text(indonesian.Int(int64(v)), xv, c.Plot.Y1+18*scale, fontAxis, regular, muted, 'c')
	}
	if len(c.Bars) == 0 {
		p.text("Tidak ada pemberitaan", c.Plot.X0+8*scale, c.Plot.Y0+22*scale, fontName, regular, muted, 'l')
	}
	for _, b := range c.Bars {
		mid := (b.Y0+b.Y1)/2 + textHeight(fontName)/2
		p.text(b.Name, c.Plot.X0-10*scale, mid, fontName, regular, ink, 'r')
		// A bar of at least a couple of pixels for a region with one item.
		to := max(b.XTo, c.Plot.X0+2*scale)
		p.fill(rect{c.Plot.X0, b.Y0, to, b.Y1}, regionOther)
		if b.Neg > 0 {
			p.fill(rect{c.Plot.X0, b.Y0, max(b.XNeg, c.Plot.X0+2*scale), b.Y1}, regionNeg)
		}
		label := indonesian.Int(int64(b.Count))
		if b.Neg > 0 {
			label += " · " + indonesian.Int(int64(b.Neg)) + " negatif/berpotensi"
		}
		p.text(label, to+6*scale, mid, fontName, bold, ink, 'l')
	}
	p.line(c.Plot.X0, c.Plot.Y0, c.Plot.X0, c.Plot.Y1, muted, 1)
	return p.png()
}
