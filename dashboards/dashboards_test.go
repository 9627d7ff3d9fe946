package dashboards

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// TestFilesMatchDefinitions: the committed JSON is what the definitions
// render (regenerate with `pantau dashboards`).
func TestFilesMatchDefinitions(t *testing.T) {
	dir := t.TempDir()
	files, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 5 {
		t.Fatalf("%d dashboards", len(files))
	}
	for _, f := range files {
		got, _ := os.ReadFile(f)
		want, err := os.ReadFile(filepath.Join("grafana", filepath.Base(f)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("dashboards/grafana/%s is out of date: run `pantau dashboards` (%v)", filepath.Base(f), err)
		}
	}
}

// TestPanelSQLRuns expands every panel's SQL as the plugin does, with the
// region variable on "All" and on one value, runs it on chDB over fixture
// data and checks the columns each panel expects.
func TestPanelSQLRuns(t *testing.T) {
	ctx := context.Background()
	b, err := chdb.Open(t.TempDir(), "pantau")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	storetest.IssueFixture(t, b, until)
	from := until.Add(-20 * 24 * time.Hour)
	for _, d := range All() {
		for _, v := range d.Variables {
			sql, err := Expand(v.SQL, from, until, time.Hour, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := b.Query(ctx, sql, nil)
			if err != nil || len(res.Rows) == 0 {
				t.Errorf("%s: variable %s: %v (%d values)", d.Title, v.Name, err, len(res.Rows))
			}
		}
		for _, p := range d.Panels {
			if p.SQL == "" {
				continue
			}
			for _, vars := range []map[string][]string{nil, {"region": {"Kota Balikpapan"}}} {
				sql, err := Expand(p.SQL, from, until, time.Hour, vars)
				if err != nil {
					t.Fatalf("%s / %s: %v", d.Title, p.Title, err)
				}
				res, err := b.Query(ctx, sql, nil)
				if err != nil {
					t.Errorf("%s / %s: %v\n%s", d.Title, p.Title, err, sql)
					continue
				}
				if !slices.Equal(res.Columns, p.Columns) {
					t.Errorf("%s / %s: columns %q, want %q", d.Title, p.Title, res.Columns, p.Columns)
				}
				if len(res.Rows) == 0 {
					t.Errorf("%s / %s: no rows over the fixture (vars %v)", d.Title, p.Title, vars)
				}
			}
		}
	}
}

// TestPromQLNamesExist: every metric an Operasional panel reads is one
// Pantau exports.
func TestPromQLNamesExist(t *testing.T) {
	m := metrics.New()
	m.Fetched.WithLabelValues("x").Inc()
	m.SourceErrors.WithLabelValues("x").Inc()
	m.LastSuccess.WithLabelValues("x").Set(1)
	m.Lag.WithLabelValues("x").Set(1)
	m.Classified.WithLabelValues("netral").Inc()
	m.DeadLettered.WithLabelValues("writer").Inc()
	m.Failed.WithLabelValues("writer").Inc()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range fams {
		have[f.GetName()] = true
	}
	re := regexp.MustCompile(`pantau_[a-z_]+`)
	for _, d := range All() {
		for _, p := range d.Panels {
			for _, q := range p.PromQL {
				for _, name := range re.FindAllString(q, -1) {
					if !have[name] {
						t.Errorf("%s / %s reads %s, which Pantau does not export", d.Title, p.Title, name)
					}
				}
			}
		}
	}
}

func TestExpand(t *testing.T) {
	from, to := time.Unix(1415792726, 0), time.Unix(1447328726, 0)
	got, err := Expand("SELECT $__timeInterval(t) FROM x WHERE $__timeFilter(t) AND $__conditionalAll(hasAny(r, [${region:singlequote}]), $region) AND t > $__fromTime", from, to, 20*time.Second,
		map[string][]string{"region": {"Kota Samarinda", "Kab'X"}})
	want := "SELECT toStartOfInterval(toDateTime(t), INTERVAL 20 second) FROM x WHERE t >= toDateTime(1415792726) AND t <= toDateTime(1447328726) AND hasAny(r, ['Kota Samarinda','Kab\\'X']) AND t > toDateTime(1415792726)"
	if err != nil || got != want {
		t.Errorf("Expand:\n got %s\nwant %s (%v)", got, want, err)
	}
	all, _ := Expand("WHERE $__conditionalAll(hasAny(r, [${region:singlequote}]), $region)", from, to, time.Second, nil)
	if strings.TrimSpace(all) != "WHERE 1=1" {
		t.Errorf("All: %q", all)
	}
}
