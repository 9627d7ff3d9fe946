// Package dashboards defines the office's Grafana dashboards as code and
// renders them to the JSON files Grafana provisions. Panel SQL uses the
// grafana-clickhouse-datasource macros; tests expand them as the plugin
// does and run every panel on a real engine, so the dashboards cannot
// drift from the schema. It must not talk to Grafana.
package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Data source uids, as provisioned in deploy/grafana.
const (
	ClickHouseUID = "pantau-clickhouse"
	PrometheusUID = "pantau-prometheus"
)

// Panel is one visualisation, or a row heading (Type "row") that starts
// a new line of panels.
type Panel struct {
	Title       string
	Description string // shown under the panel's (i) mark, in Bahasa Indonesia
	Type        string // row, timeseries, table, stat, barchart, piechart, geomap
	SQL         string // ClickHouse query with plugin macros
	PromQL      []Target
	Columns     []string // columns the SQL must return, in order
	Format      int      // plugin format: 0 time series, 1 table
	Unit        string
	W, H        int
	Options     map[string]any
	Field       map[string]any // merged into fieldConfig.defaults: custom draw style, min, max, decimals
}

// Target is one Prometheus query of a panel and the legend of its series.
type Target struct {
	Expr, Legend string
}

// Option is one fixed choice of a custom variable: what the user reads
// and the value a query receives.
type Option struct {
	Text, Value string
}

// Variable is a dashboard template variable: fed by a query (SQL), or a
// fixed list of choices (Options, a Grafana custom variable).
type Variable struct {
	Name, Label, Description string
	SQL                      string
	Options                  []Option
}

// Dashboard is one board.
type Dashboard struct {
	UID, Title, File, Description string
	Tags                          []string
	Variables                     []Variable
	Panels                        []Panel
}

// labelColors are the four classes' colours, as the web app and the
// report draw them: a column named after a class gets its colour.
var labelColors = map[string]string{"positif": "#2e7d32", "netral": "#78828c", "berpotensi negatif": "#d97706", "negatif": "#c62828"}

// JSON renders a dashboard in Grafana's model. Panels flow left to right
// in lines 24 units wide; a line is as high as its tallest panel; a row
// heading takes a line of its own.
func (d Dashboard) JSON() ([]byte, error) {
	var panels []map[string]any
	x, y, lineH := 0, 0, 0
	newLine := func() { x, y, lineH = 0, y+lineH, 0 }
	for i, p := range d.Panels {
		w, h := p.W, p.H
		if w == 0 {
			w = 12
		}
		if h == 0 {
			h = 8
		}
		if p.Type == "row" {
			w, h = 24, 1
		}
		if x+w > 24 || (p.Type == "row" && x > 0) {
			newLine()
		}
		panel := map[string]any{"id": i + 1, "type": p.Type, "title": p.Title,
			"gridPos": map[string]int{"x": x, "y": y, "w": w, "h": h}}
		if p.Description != "" {
			panel["description"] = p.Description
		}
		x += w
		lineH = max(lineH, h)
		if p.Type == "row" {
			panel["collapsed"] = false
			panel["panels"] = []any{}
			panels = append(panels, panel)
			newLine()
			continue
		}
		defaults := map[string]any{"unit": p.Unit}
		for k, v := range p.Field {
			defaults[k] = v
		}
		overrides := []any{}
		for _, c := range p.Columns {
			if color, ok := labelColors[c]; ok {
				overrides = append(overrides, map[string]any{"matcher": map[string]string{"id": "byName", "options": c},
					"properties": []any{map[string]any{"id": "color", "value": map[string]string{"mode": "fixed", "fixedColor": color}}}})
			}
		}
		panel["fieldConfig"] = map[string]any{"defaults": defaults, "overrides": overrides}
		panel["options"] = p.Options
		if p.Options == nil {
			panel["options"] = map[string]any{}
		}
		if len(p.PromQL) > 0 {
			ds := map[string]string{"type": "prometheus", "uid": PrometheusUID}
			panel["datasource"] = ds
			var targets []map[string]any
			for j, q := range p.PromQL {
				t := map[string]any{"refId": string(rune('A' + j)), "expr": q.Expr, "datasource": ds}
				if q.Legend != "" {
					t["legendFormat"] = q.Legend
				}
				if p.Type == "table" || p.Type == "stat" {
					t["instant"] = true
				}
				targets = append(targets, t)
			}
			panel["targets"] = targets
		} else {
			ds := map[string]string{"type": "grafana-clickhouse-datasource", "uid": ClickHouseUID}
			panel["datasource"] = ds
			panel["targets"] = []map[string]any{{"refId": "A", "datasource": ds, "editorType": "sql", "rawSql": p.SQL,
				"format": p.Format, "queryType": map[int]string{0: "timeseries", 1: "table"}[p.Format]}}
		}
		panels = append(panels, panel)
	}
	vars := []map[string]any{}
	for _, v := range d.Variables {
		all := map[string]any{"text": "All", "value": "$__all"}
		vr := map[string]any{"name": v.Name, "label": v.Label, "multi": true, "includeAll": true, "current": all}
		if v.Description != "" {
			vr["description"] = v.Description
		}
		if v.Options != nil {
			// Grafana's custom variable: "text : value" pairs.
			query := ""
			options := []map[string]any{{"text": "All", "value": "$__all", "selected": true}}
			for i, o := range v.Options {
				if i > 0 {
					query += ","
				}
				query += o.Text + " : " + o.Value
				options = append(options, map[string]any{"text": o.Text, "value": o.Value, "selected": false})
			}
			vr["type"], vr["query"], vr["options"] = "custom", query, options
		} else {
			ds := map[string]string{"type": "grafana-clickhouse-datasource", "uid": ClickHouseUID}
			vr["type"], vr["datasource"], vr["query"], vr["definition"], vr["refresh"] = "query", ds, v.SQL, v.SQL, 2
		}
		vars = append(vars, vr)
	}
	board := map[string]any{
		"uid": d.UID, "title": d.Title, "tags": d.Tags, "timezone": "Asia/Makassar", "schemaVersion": 39,
		"editable": true, "refresh": "5m", "time": map[string]string{"from": "now-7d", "to": "now"},
		"templating": map[string]any{"list": vars}, "panels": panels,
	}
	if d.Description != "" {
		board["description"] = d.Description
	}
	return json.MarshalIndent(board, "", "  ")
}

// Write renders every dashboard into dir, one JSON file each, and removes
// nothing else.
func Write(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, d := range All() {
		data, err := d.JSON()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.Title, err)
		}
		p := filepath.Join(dir, d.File)
		if err := os.WriteFile(p, append(data, '\n'), 0o644); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	sort.Strings(files)
	return files, nil
}
