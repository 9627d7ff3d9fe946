package report

import (
	"bytes"
	"fmt"
	"time"

	chart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// Class colours, as on the dashboards: green, grey, amber, red.
var classColors = [4]drawing.Color{
	{R: 46, G: 125, B: 50, A: 255},
	{R: 120, G: 130, B: 140, A: 255},
	{R: 245, G: 158, B: 11, A: 255},
	{R: 198, G: 40, B: 40, A: 255},
}

// Charts are the report's images, PNG encoded.
type Charts struct {
	Classes []byte // the four classes over 14 days
	Regions []byte // mentions per kabupaten/kota
}

// DrawCharts renders the charts of d.
func DrawCharts(d *Data) (*Charts, error) {
	var c Charts
	var err error
	if c.Classes, err = classChart(d); err != nil {
		return nil, fmt.Errorf("class chart: %w", err)
	}
	if c.Regions, err = barChart("Pemberitaan per wilayah", d.Regions); err != nil {
		return nil, fmt.Errorf("region chart: %w", err)
	}
	return &c, nil
}

func classChart(d *Data) ([]byte, error) {
	var series []chart.Series
	for i, label := range Labels {
		xs := make([]time.Time, len(d.Series))
		ys := make([]float64, len(d.Series))
		for j, s := range d.Series {
			xs[j] = s.Day
			ys[j] = float64(s.Counts[i])
		}
		series = append(series, chart.TimeSeries{
			Name:    label,
			Style:   chart.Style{StrokeColor: classColors[i], StrokeWidth: 2.5, DotColor: classColors[i], DotWidth: 3},
			XValues: xs,
			YValues: ys,
		})
	}
	g := chart.Chart{
		Width:      900,
		Height:     380,
		Background: chart.Style{Padding: chart.Box{Top: 50, Left: 20, Right: 20, Bottom: 20}},
		XAxis: chart.XAxis{ValueFormatter: func(v any) string {
			if f, ok := v.(float64); ok {
				return time.Unix(0, int64(f)).In(WITA).Format("02/01")
			}
			return ""
		}},
		YAxis: chart.YAxis{Name: "berita", ValueFormatter: func(v any) string {
			if f, ok := v.(float64); ok && f == float64(int(f)) {
				return fmt.Sprintf("%d", int(f))
			}
			return ""
		}},
		Series: series,
	}
	g.Elements = []chart.Renderable{chart.LegendThin(&g)}
	var buf bytes.Buffer
	if err := g.Render(chart.PNG, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func barChart(title string, cs []Count) ([]byte, error) {
	if len(cs) == 0 {
		cs = []Count{{Name: "(tidak ada)", Count: 0}}
	}
	var bars []chart.Value
	for _, c := range cs {
		name := c.Name
		if len(name) > 18 {
			name = name[:17] + "…"
		}
		bars = append(bars, chart.Value{Label: name, Value: float64(c.Count),
			Style: chart.Style{FillColor: drawing.Color{R: 21, G: 101, B: 192, A: 255}, StrokeColor: drawing.Color{R: 21, G: 101, B: 192, A: 255}}})
	}
	if len(bars) == 1 {
		// The library needs two bars to scale the axis.
		bars = append(bars, chart.Value{Label: " ", Value: 0})
	}
	g := chart.BarChart{
		Title:      title,
		Width:      900,
		Height:     360,
		BarWidth:   max(20, 600/len(bars)),
		Background: chart.Style{Padding: chart.Box{Top: 50, Bottom: 40}},
		XAxis:      chart.Style{FontSize: 8, TextRotationDegrees: 0},
		Bars:       bars,
	}
	var buf bytes.Buffer
	if err := g.Render(chart.PNG, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
