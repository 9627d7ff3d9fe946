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

// Panel is one visualisation.
type Panel struct {
	Title   string
	Type    string // timeseries, table, stat, barchart, piechart, geomap
	SQL     string // ClickHouse query with plugin macros
	PromQL  []string
	Columns []string // columns the SQL must return, in order
	Format  int      // plugin format: 0 time series, 1 table
	Unit    string
	W, H    int
	Options map[string]any
}

// Variable is a dashboard template variable fed by a query.
type Variable struct {
	Name, Label, SQL string
}

// Dashboard is one board.
type Dashboard struct {
	UID, Title, File string
	Tags             []string
	Variables        []Variable
	Panels           []Panel
}

// JSON renders a dashboard in Grafana's model.
func (d Dashboard) JSON() ([]byte, error) {
	var panels []map[string]any
	x, y := 0, 0
	for i, p := range d.Panels {
		w, h := p.W, p.H
		if w == 0 {
			w = 12
		}
		if h == 0 {
			h = 8
		}
		if x+w > 24 {
			x, y = 0, y+h
		}
		panel := map[string]any{
			"id": i + 1, "type": p.Type, "title": p.Title,
			"gridPos":     map[string]int{"x": x, "y": y, "w": w, "h": h},
			"fieldConfig": map[string]any{"defaults": map[string]any{"unit": p.Unit}, "overrides": []any{}},
			"options":     p.Options,
		}
		if p.Options == nil {
			panel["options"] = map[string]any{}
		}
		if len(p.PromQL) > 0 {
			panel["datasource"] = map[string]string{"type": "prometheus", "uid": PrometheusUID}
			var targets []map[string]any
			for j, q := range p.PromQL {
				targets = append(targets, map[string]any{"refId": string(rune('A' + j)), "expr": q,
					"datasource": map[string]string{"type": "prometheus", "uid": PrometheusUID}})
			}
			panel["targets"] = targets
		} else {
			ds := map[string]string{"type": "grafana-clickhouse-datasource", "uid": ClickHouseUID}
			panel["datasource"] = ds
			panel["targets"] = []map[string]any{{"refId": "A", "datasource": ds, "editorType": "sql", "rawSql": p.SQL,
				"format": p.Format, "queryType": map[int]string{0: "timeseries", 1: "table"}[p.Format]}}
		}
		panels = append(panels, panel)
		x += w
	}
	var vars []map[string]any
	for _, v := range d.Variables {
		ds := map[string]string{"type": "grafana-clickhouse-datasource", "uid": ClickHouseUID}
		vars = append(vars, map[string]any{"name": v.Name, "label": v.Label, "type": "query", "datasource": ds,
			"query": v.SQL, "definition": v.SQL, "multi": true, "includeAll": true, "refresh": 2,
			"current": map[string]any{"text": "All", "value": "$__all"}})
	}
	board := map[string]any{
		"uid": d.UID, "title": d.Title, "tags": d.Tags, "timezone": "Asia/Makassar", "schemaVersion": 39,
		"editable": true, "refresh": "5m", "time": map[string]string{"from": "now-7d", "to": "now"},
		"templating": map[string]any{"list": vars}, "panels": panels,
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
