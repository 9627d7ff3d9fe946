package web

import (
	_ "embed"
	"encoding/json"
	"math"
	"sort"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Charts are Apache ECharts options built here and drawn by static/app.js:
// the page carries the option as JSON in a data attribute, so no script is
// generated.

// classSeries is one day's or hour's mentions per class.
type classSeries struct {
	Keys   []string
	Ticks  []string
	Counts [][4]int
}

// classChart draws the four classes over time as stacked bars: every
// class stays visible and each bar's ticks sit under it.
func classChart(cs classSeries) (string, error) {
	type series struct {
		Name      string         `json:"name"`
		Type      string         `json:"type"`
		Stack     string         `json:"stack"`
		Data      []int          `json:"data"`
		ItemStyle map[string]any `json:"itemStyle"`
		BarMax    string         `json:"barMaxWidth"`
		Emphasis  map[string]any `json:"emphasis"`
	}
	var ss []series
	for i, l := range news.Labels {
		d := make([]int, len(cs.Counts))
		for j, c := range cs.Counts {
			d[j] = c[i]
		}
		ss = append(ss, series{Name: l, Type: "bar", Stack: "jumlah", Data: d, BarMax: "28",
			ItemStyle: map[string]any{"color": labelColors[i]}, Emphasis: map[string]any{"focus": "series"}})
	}
	opt := map[string]any{
		"animation": false,
		"tooltip":   map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"legend":    map[string]any{"bottom": 0, "itemWidth": 12, "itemHeight": 12},
		"grid":      map[string]any{"left": 8, "right": 8, "top": 16, "bottom": 36, "containLabel": true},
		"xAxis":     map[string]any{"type": "category", "data": cs.Ticks, "axisTick": map[string]any{"alignWithLabel": true}},
		"yAxis":     map[string]any{"type": "value", "minInterval": 1, "min": 0},
		"series":    ss,
	}
	b, err := json.Marshal(opt)
	return string(b), err
}

// daySeries lays trend points (label trend by day or hour, WITA) over every
// bucket of [since, until), empty buckets included.
func daySeries(pts []store.TrendPoint, since, until time.Time, interval string) classSeries {
	by := map[string][4]int{}
	for _, p := range pts {
		c := by[p.Period]
		for i, l := range news.Labels {
			if p.Key == l {
				c[i] += p.Count
			}
		}
		by[p.Period] = c
	}
	var cs classSeries
	step, layout := 24*time.Hour, "2006-01-02"
	t := since.In(wita)
	if interval == "hour" {
		step, layout = time.Hour, "2006-01-02 15:00"
		t = t.Truncate(time.Hour)
	} else {
		y, m, d := t.Date()
		t = time.Date(y, m, d, 0, 0, 0, 0, wita)
	}
	for ; t.Before(until); t = t.Add(step) {
		k := t.Format(layout)
		cs.Keys = append(cs.Keys, k)
		if interval == "hour" {
			cs.Ticks = append(cs.Ticks, t.Format("15.04"))
		} else {
			cs.Ticks = append(cs.Ticks, dayMonth(t))
		}
		cs.Counts = append(cs.Counts, by[k])
	}
	return cs
}

// mixSeries lays an issue's daily mix over every day from its first to its
// last.
func mixSeries(days []store.DayMix) classSeries {
	var cs classSeries
	if len(days) == 0 {
		return cs
	}
	by := map[string][4]int{}
	for _, d := range days {
		by[d.Day] = d.ByLabel
	}
	first, _ := time.ParseInLocation("2006-01-02", days[0].Day, wita)
	last, _ := time.ParseInLocation("2006-01-02", days[len(days)-1].Day, wita)
	return mixDays(by, first, last)
}

// mixSeriesOver lays an issue's daily mix over every day (WITA) from
// since's to the last one before until: a chosen period's quiet days too.
func mixSeriesOver(days []store.DayMix, since, until time.Time) classSeries {
	by := map[string][4]int{}
	for _, d := range days {
		by[d.Day] = d.ByLabel
	}
	y, m, d := since.In(wita).Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, wita)
	y, m, d = until.Add(-time.Second).In(wita).Date()
	return mixDays(by, first, time.Date(y, m, d, 0, 0, 0, 0, wita))
}

// mixDays is the series of the days from first to last, by day.
func mixDays(by map[string][4]int, first, last time.Time) classSeries {
	var cs classSeries
	for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
		k := t.Format("2006-01-02")
		cs.Keys = append(cs.Keys, k)
		cs.Ticks = append(cs.Ticks, dayMonth(t))
		cs.Counts = append(cs.Counts, by[k])
	}
	return cs
}

// outline is the centroids of Kaltim's villages (tagger/data, Kemendagri
// 2025 codes), drawn faintly so that the regions' bubbles sit on a
// recognisable province. Regenerate with `go test ./web -run Outline -update`.
//
//go:embed static/kaltim-desa.json
var outline []byte

// regionMap draws each kabupaten/kota (and IKN) as a bubble at its
// centroid, sized by its mentions and coloured by its negative share, with
// its name placed where it overlaps no other name or bubble.
func regionMap(regions []store.RegionCount) (string, error) {
	var pts [][2]float64
	if err := json.Unmarshal(outline, &pts); err != nil {
		return "", err
	}
	type point struct {
		Name       string         `json:"name"`
		Value      [3]float64     `json:"value"`
		SymbolSize float64        `json:"symbolSize"`
		ItemStyle  map[string]any `json:"itemStyle"`
		Label      map[string]any `json:"label"`
	}
	most := 1
	for _, r := range regions {
		most = max(most, r.Mentions)
	}
	var bubbles []point
	for _, r := range regions {
		if r.Kind == "provinsi" || r.Lat == 0 && r.Lng == 0 {
			continue
		}
		p := point{Name: shortRegion(r.Name), Value: [3]float64{r.Lng, r.Lat, float64(r.Mentions)},
			SymbolSize: 10 + 34*math.Sqrt(float64(r.Mentions)/float64(most)),
			ItemStyle:  map[string]any{"color": negColor(r.Negative, r.Mentions), "opacity": 0.85, "borderColor": "#fff", "borderWidth": 1}}
		if r.Mentions == 0 {
			p.SymbolSize = 7
			p.ItemStyle["color"] = "#b8c2cc"
		}
		bubbles = append(bubbles, p)
	}
	// Big bubbles first (drawn first, so small ones stay on top, and
	// labelled first).
	sort.SliceStable(bubbles, func(i, j int) bool { return bubbles[i].Value[2] > bubbles[j].Value[2] })
	var placed []box
	for _, b := range bubbles {
		placed = append(placed, bubbleBox(b.Value[0], b.Value[1], b.SymbolSize))
	}
	for i := range bubbles {
		b := &bubbles[i]
		pos := placeLabel(b.Name, b.Value[0], b.Value[1], b.SymbolSize, placed)
		if pos == "" {
			b.Label = map[string]any{"show": false}
			continue
		}
		b.Label = map[string]any{"position": pos}
		placed = append(placed, labelBox(b.Name, b.Value[0], b.Value[1], b.SymbolSize, pos))
	}
	opt := map[string]any{
		"animation": false,
		"grid":      map[string]any{"left": 4, "right": 4, "top": 4, "bottom": 4},
		"xAxis":     map[string]any{"type": "value", "min": mapMinLng, "max": mapMinLng + mapSpan, "show": false},
		"yAxis":     map[string]any{"type": "value", "min": mapMinLat, "max": mapMinLat + mapSpan, "show": false},
		"tooltip":   map[string]any{"trigger": "item", "formatter": "{b}: {@[2]} berita"},
		"series": []any{
			map[string]any{"type": "scatter", "silent": true, "data": pts, "symbolSize": 3,
				"itemStyle": map[string]any{"color": "#dde3ea"}},
			map[string]any{"type": "scatter", "data": bubbles,
				"label": map[string]any{"show": true, "formatter": "{b}", "fontSize": 11, "color": "#1f2933"}},
		},
	}
	b, err := json.Marshal(opt)
	return string(b), err
}

// The map shows a square of Kaltim, about 5.5 degrees a side, drawn about
// 420 px wide: one degree is about 75 px.
const (
	mapMinLng = 113.7
	mapMinLat = -2.7
	mapSpan   = 5.6
	pxPerDeg  = 420 / mapSpan
)

// box is a rectangle in degrees (lng, lat).
type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlaps(b box) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }

func bubbleBox(lng, lat, size float64) box {
	r := size / 2 / pxPerDeg
	return box{lng - r, lat - r, lng + r, lat + r}
}

// labelBox is where ECharts puts a label of 11 px text at pos.
func labelBox(name string, lng, lat, size float64, pos string) box {
	w := float64(len([]rune(name))) * 6.4 / pxPerDeg
	h := 14 / pxPerDeg
	gap := (size/2 + 5) / pxPerDeg
	switch pos {
	case "left":
		return box{lng - gap - w, lat - h/2, lng - gap, lat + h/2}
	case "top":
		return box{lng - w/2, lat + gap, lng + w/2, lat + gap + h}
	case "bottom":
		return box{lng - w/2, lat - gap - h, lng + w/2, lat - gap}
	}
	return box{lng + gap, lat - h/2, lng + gap + w, lat + h/2}
}

// placeLabel picks the first side where the label overlaps nothing placed
// and stays on the map; "" when there is none.
func placeLabel(name string, lng, lat, size float64, placed []box) string {
	own := bubbleBox(lng, lat, size)
	inside := box{mapMinLng, mapMinLat, mapMinLng + mapSpan, mapMinLat + mapSpan}
	for _, pos := range []string{"right", "left", "top", "bottom"} {
		lb := labelBox(name, lng, lat, size, pos)
		if lb.x0 < inside.x0 || lb.x1 > inside.x1 || lb.y0 < inside.y0 || lb.y1 > inside.y1 {
			continue
		}
		free := true
		for _, p := range placed {
			if p != own && lb.overlaps(p) {
				free = false
				break
			}
		}
		if free {
			return pos
		}
	}
	return ""
}

// negColor colours a region by its share of negative mentions.
func negColor(neg, total int) string {
	if total == 0 {
		return "#b8c2cc"
	}
	switch s := float64(neg) / float64(total); {
	case s >= 0.5:
		return labelColors[3]
	case s >= 0.2:
		return labelColors[2]
	}
	return "#3b6ea5"
}

// shortRegion drops "Kabupaten"/"Kota" for the map's labels.
func shortRegion(name string) string {
	for _, p := range []string{"Kabupaten ", "Kota "} {
		if len(name) > len(p) && name[:len(p)] == p {
			return name[len(p):]
		}
	}
	return name
}
