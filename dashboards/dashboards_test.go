package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
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
	if len(files) != len(All()) || len(files) != 6 {
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

// TestLayoutAndWords: panels do not overlap, every panel and variable
// says what it shows, and the item boards offer the three filters.
func TestLayoutAndWords(t *testing.T) {
	for _, d := range All() {
		data, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var board struct {
			Panels []struct {
				Title, Type, Description string
				GridPos                  struct{ X, Y, W, H int }
			}
			Templating struct {
				List []struct{ Name, Type, Query, Label string }
			}
		}
		if err := json.Unmarshal(data, &board); err != nil {
			t.Fatal(err)
		}
		used := map[[2]int]string{}
		for _, p := range board.Panels {
			if p.Type != "row" && p.Description == "" {
				t.Errorf("%s / %s: no description", d.Title, p.Title)
			}
			g := p.GridPos
			if g.X+g.W > 24 {
				t.Errorf("%s / %s: wider than the grid", d.Title, p.Title)
			}
			for x := g.X; x < g.X+g.W; x++ {
				for y := g.Y; y < g.Y+g.H; y++ {
					if other, ok := used[[2]int{x, y}]; ok {
						t.Errorf("%s: %q overlaps %q", d.Title, p.Title, other)
					}
					used[[2]int{x, y}] = p.Title
				}
			}
		}
		if d.UID == "pantau-operasional" {
			continue
		}
		var names []string
		for _, v := range board.Templating.List {
			names = append(names, v.Name)
			if v.Name == "kind" && (v.Type != "custom" || v.Query != "media massa : berita,siaran pers : rilis,media sosial : sosmed") {
				t.Errorf("%s: kind variable %+v", d.Title, v)
			}
		}
		if !slices.Contains(names, "kind") || !slices.Contains(names, "platform") {
			t.Errorf("%s: variables %v, want kind and platform", d.Title, names)
		}
	}
}

// fixture is a chDB store with IssueFixture's news (96 items) plus press
// releases and social items on every platform, analysts' corrections made
// through store.RecordCorrection, and a sent report.
type fixture struct {
	b          *chdb.Backend
	from, to   time.Time
	social     []news.Classified
	rilis      int
	corrected  map[string]string // id → the analyst's label
	confirmed  map[string]bool
	topEngaged news.Classified
}

const issueFixtureItems = 96 // 15 days × (2 steady + 1 spike + 3 turn) + 6 spike copies

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	b, err := chdb.Open(t.TempDir(), "pantau")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	storetest.IssueFixture(t, b, until)
	f := &fixture{b: b, from: until.Add(-20 * 24 * time.Hour), to: until, corrected: map[string]string{}, confirmed: map[string]bool{}}

	// Social items: per platform, a number of posts with a label, the
	// model's scores agreeing with it, a confidence and engagement.
	perPlatform := map[string]int{"youtube": 2, "facebook": 4, "instagram": 3, "x": 2, "tiktok": 1, "telegram": 2}
	var rows []news.Classified
	n := 0
	for _, o := range platforms {
		for k := range perPlatform[o.Value] {
			label := news.Labels[n%4]
			var scores [4]float32
			conf := float32(0.3)
			if n%3 != 0 {
				conf = 0.92
			}
			for i := range scores {
				scores[i] = (1 - conf) / 3
			}
			scores[slices.Index(news.Labels[:], label)] = conf
			region := "Kota Samarinda"
			if n%2 == 0 {
				region = "Kota Balikpapan"
			}
			at := until.Add(-time.Duration(n*7+3) * time.Hour)
			url := fmt.Sprintf("https://%s.example/%d", o.Value, k)
			rows = append(rows, news.Classified{Article: news.Article{ID: news.IDFor(url), URL: url,
				Outlet: o.Text + ": @akun" + fmt.Sprint(k%2), Title: "", Text: fmt.Sprintf("Unggahan %s nomor %d tentang banjir", o.Text, k),
				PublishedAt: at, FetchedAt: at, Kind: news.KindSosmed, Platform: o.Value, AuthorHandle: "h" + fmt.Sprint(n),
				Engagement: news.Engagement{Likes: int64(10 * n), Comments: int64(n), Shares: int64(n % 3), Views: int64(100 * n)}},
				Label: label, Scores: scores, Confidence: conf, Polarity: "netral", Regions: []string{region}, IssueID: "isu-spike"})
			n++
		}
	}
	f.social = rows
	for k := range 3 {
		at := until.Add(-time.Duration(k*30+5) * time.Hour)
		url := fmt.Sprintf("https://kaltimprov.example/rilis/%d", k)
		rows = append(rows, news.Classified{Article: news.Article{ID: news.IDFor(url), URL: url, Outlet: "Humas Pemprov Kaltim",
			Title: fmt.Sprintf("Siaran pers %d", k), Text: "teks", PublishedAt: at, FetchedAt: at, Kind: news.KindRilis},
			Label: news.LabelPositif, Scores: [4]float32{0.8, 0.1, 0.05, 0.05}, Confidence: 0.8, Polarity: "positif",
			Regions: []string{"Kalimantan Timur"}})
		f.rilis++
	}
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	// The most engaged post is one an analyst corrects: the top posts
	// show the analyst's label.
	f.topEngaged = f.social[len(f.social)-1]
	for _, c := range []struct {
		row   news.Classified
		label string
	}{
		{f.social[1], news.LabelNegatif},            // netral → negatif
		{f.social[2], news.LabelNetral},             // berpotensi negatif → netral
		{f.social[4], news.LabelPositif},            // positif, confirmed
		{f.topEngaged, news.LabelBerpotensiNegatif}, // (its model label) → berpotensi negatif
	} {
		err := store.RecordCorrection(ctx, b, store.Correction{ID: c.row.ID, Label: c.label, Analyst: "prahum1", Note: "uji",
			At: until.Add(-30 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if c.label == c.row.Label {
			f.confirmed[c.row.ID] = true
		} else {
			f.corrected[c.row.ID] = c.label
		}
	}
	if err := store.RecordReport(ctx, b, store.ReportRecord{Date: "2024-06-11", Recipients: []string{"kadis@kaltimprov.example", "sekdis@kaltimprov.example"},
		MessageID: "m1", Status: "terkirim", Instance: "uji", At: until.Add(-17 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return f
}

// run expands panel title of board under vars and runs it.
func (f *fixture) run(t *testing.T, board, title string, vars map[string][]string) *store.Result {
	t.Helper()
	p := findPanel(t, board, title)
	sql, err := Expand(p.SQL, f.from, f.to, time.Hour, vars)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.b.Query(context.Background(), sql, nil)
	if err != nil {
		t.Fatalf("%s / %s: %v\n%s", board, title, err, sql)
	}
	return res
}

func findPanel(t *testing.T, board, title string) Panel {
	t.Helper()
	for _, d := range All() {
		for _, p := range d.Panels {
			if d.Title == board && p.Title == title {
				return p
			}
		}
	}
	t.Fatalf("no panel %s / %s", board, title)
	return Panel{}
}

// one reads the single value of a one-row, one-column result.
func one[T any](t *testing.T, res *store.Result) T {
	t.Helper()
	var v T
	if err := res.One(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (f *fixture) count(pred func(news.Classified) bool) int {
	n := 0
	for _, r := range f.social {
		if pred(r) {
			n++
		}
	}
	return n
}

// TestPanels expands every panel's SQL as the plugin does, with the
// variables on "All" and on several selections, runs it on chDB over the
// fixture and checks the columns each panel expects; then checks what
// the panels about kinds, platforms, engagement, corrections and
// confidence say against what the fixture holds.
func TestPanels(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	t.Run("every panel runs", func(t *testing.T) {
		for _, d := range All() {
			for _, v := range d.Variables {
				if v.SQL == "" {
					continue
				}
				sql, err := Expand(v.SQL, f.from, f.to, time.Hour, nil)
				if err != nil {
					t.Fatal(err)
				}
				res, err := f.b.Query(ctx, sql, nil)
				if err != nil || len(res.Rows) == 0 {
					t.Errorf("%s: variable %s: %v", d.Title, v.Name, err)
				}
			}
			for _, p := range d.Panels {
				if p.SQL == "" {
					continue
				}
				for i, vars := range []map[string][]string{nil, {"region": {"Kota Balikpapan"}}, {"kind": {"sosmed"}},
					{"kind": {"berita", "rilis"}}, {"platform": {"youtube"}},
					{"region": {"Kota Balikpapan"}, "kind": {"sosmed"}, "platform": {"facebook", "instagram"}}} {
					sql, err := Expand(p.SQL, f.from, f.to, time.Hour, vars)
					if err != nil {
						t.Fatalf("%s / %s: %v", d.Title, p.Title, err)
					}
					res, err := f.b.Query(ctx, sql, nil)
					if err != nil {
						t.Errorf("%s / %s: %v\n%s", d.Title, p.Title, err, sql)
						continue
					}
					if !slices.Equal(res.Columns, p.Columns) {
						t.Errorf("%s / %s: columns %q, want %q", d.Title, p.Title, res.Columns, p.Columns)
					}
					if i < 2 && len(res.Rows) == 0 {
						t.Errorf("%s / %s: no rows over the fixture (vars %v)", d.Title, p.Title, vars)
					}
				}
			}
		}
	})

	t.Run("kind and platform filters", func(t *testing.T) {
		total := func(vars map[string][]string) int {
			return one[int](t, f.run(t, "Ringkasan Sentimen", "Total item", vars))
		}
		all := issueFixtureItems + f.rilis + len(f.social)
		balikpapanFB := f.count(func(r news.Classified) bool {
			return (r.Platform == "facebook" || r.Platform == "instagram") && r.Regions[0] == "Kota Balikpapan"
		})
		for _, c := range []struct {
			vars map[string][]string
			want int
		}{
			{nil, all},
			{map[string][]string{"kind": {"sosmed"}}, len(f.social)},
			{map[string][]string{"kind": {"berita", "rilis"}}, issueFixtureItems + f.rilis},
			{map[string][]string{"kind": {"rilis"}}, f.rilis},
			{map[string][]string{"platform": {"youtube"}}, 2},
			{map[string][]string{"platform": {"facebook", "instagram"}, "region": {"Kota Balikpapan"}}, balikpapanFB},
		} {
			if got := total(c.vars); got != c.want {
				t.Errorf("Total item with %v = %d, want %d", c.vars, got, c.want)
			}
		}
		if got := one[int](t, f.run(t, "Ringkasan Sentimen", "Item media sosial", nil)); got != len(f.social) {
			t.Errorf("Item media sosial = %d, want %d", got, len(f.social))
		}
		// Media massa vs media sosial over time adds up to each kind.
		res := f.run(t, "Ringkasan Sentimen", "Volume per jenis sumber", nil)
		var sums [3]int
		for i := range res.Rows {
			var at time.Time
			var c [3]int
			if err := res.Scan(i, &at, &c[0], &c[1], &c[2]); err != nil {
				t.Fatal(err)
			}
			for k := range c {
				sums[k] += c[k]
			}
		}
		if want := [3]int{issueFixtureItems, f.rilis, len(f.social)}; sums != want {
			t.Errorf("media massa, siaran pers, media sosial = %v, want %v", sums, want)
		}
		// The sentiment mix per kind names the kinds as the office does,
		// and media sosial's classes are the fixture's after corrections.
		res = f.run(t, "Ringkasan Sentimen", "Sentimen per jenis sumber", nil)
		if len(res.Rows) != 3 || res.Rows[0][0] != "media massa" || res.Rows[1][0] != "siaran pers" || res.Rows[2][0] != "media sosial" {
			t.Fatalf("kinds %v", res.Rows)
		}
		var want [4]int
		for _, r := range f.social {
			l := r.Label
			if c, ok := f.corrected[r.ID]; ok {
				l = c
			}
			want[slices.Index(news.Labels[:], l)]++
		}
		var got [4]int
		if err := res.Scan(2, nil, &got[0], &got[1], &got[2], &got[3]); err != nil || got != want {
			t.Errorf("media sosial classes %v, want %v (%v)", got, want, err)
		}
		// One row per platform, named as the platform names itself.
		res = f.run(t, "Ringkasan Sentimen", "Media sosial per platform", nil)
		byName := map[string]string{}
		for _, r := range res.Rows {
			byName[r[0]] = r[1]
		}
		if fmt.Sprint(byName) != "map[Facebook:4 Instagram:3 Telegram:2 TikTok:1 X:2 YouTube:2]" {
			t.Errorf("per platform %v", byName)
		}
	})

	t.Run("social posts by engagement", func(t *testing.T) {
		res := f.run(t, "Ringkasan Sentimen", "Unggahan media sosial dengan keterlibatan tertinggi", nil)
		if len(res.Rows) != len(f.social) {
			t.Fatalf("%d posts, want %d", len(res.Rows), len(f.social))
		}
		top := f.topEngaged
		row := res.Rows[0]
		e := top.Engagement
		if row[2] != top.Outlet || row[3] != top.Text || row[4] != f.corrected[top.ID] ||
			row[9] != fmt.Sprint(e.Likes+e.Comments+e.Shares) || row[8] != fmt.Sprint(e.Views) || row[10] != top.URL {
			t.Errorf("top post %v, want %s with the analyst's label %s", row, top.Outlet, f.corrected[top.ID])
		}
		// The Media board lists social accounts apart from outlets.
		outlets := f.run(t, "Media", "Media massa dan nada pemberitaan", nil)
		accounts := f.run(t, "Media", "Akun media sosial dan nadanya", nil)
		for _, r := range outlets.Rows {
			if strings.Contains(r[0], ": @akun") {
				t.Errorf("social account %s among the outlets", r[0])
			}
		}
		items, engaged := 0, 0
		for i := range accounts.Rows {
			var n, eng int
			if err := accounts.Scan(i, nil, nil, &n, nil, nil, nil, nil, nil, &eng, nil); err != nil {
				t.Fatal(err)
			}
			items += n
			engaged += eng
		}
		wantEngaged := 0
		for _, r := range f.social {
			wantEngaged += int(r.Engagement.Likes + r.Engagement.Comments + r.Engagement.Shares)
		}
		if items != len(f.social) || engaged != wantEngaged {
			t.Errorf("accounts hold %d items and %d engagement, want %d and %d", items, engaged, len(f.social), wantEngaged)
		}
	})

	t.Run("corrections", func(t *testing.T) {
		const board = "Koreksi Analis"
		if got := one[int](t, f.run(t, board, "Label dikoreksi analis", nil)); got != len(f.corrected) {
			t.Errorf("dikoreksi %d, want %d", got, len(f.corrected))
		}
		if got := one[int](t, f.run(t, board, "Label dikonfirmasi analis", nil)); got != len(f.confirmed) {
			t.Errorf("dikonfirmasi %d, want %d", got, len(f.confirmed))
		}
		// The matrix: model label → analyst's label.
		want := map[string]int{}
		for _, r := range f.social {
			if l, ok := f.corrected[r.ID]; ok {
				want[r.Label+" → "+l]++
			} else if f.confirmed[r.ID] {
				want[r.Label+" → "+r.Label]++
			}
		}
		res := f.run(t, board, "Perpindahan kelas: label model menjadi label analis", nil)
		got := map[string]int{}
		for i := range res.Rows {
			var from string
			var to [4]int
			var moved int
			if err := res.Scan(i, &from, &to[0], &to[1], &to[2], &to[3], &moved); err != nil {
				t.Fatal(err)
			}
			off := 0
			for k, n := range to {
				if n > 0 {
					got[from+" → "+news.Labels[k]] += n
				}
				if news.Labels[k] != from {
					off += n
				}
			}
			if moved != off {
				t.Errorf("%s: dikoreksi %d, off the diagonal %d", from, moved, off)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("moves %v, want %v", got, want)
		}
		res = f.run(t, board, "Koreksi analis per hari", nil)
		if len(res.Rows) != 1 || res.Rows[0][1] != fmt.Sprint(len(f.corrected)) || res.Rows[0][2] != fmt.Sprint(len(f.confirmed)) {
			t.Errorf("per day %v", res.Rows)
		}
		res = f.run(t, board, "Koreksi terbaru", nil)
		if len(res.Rows) != len(f.corrected)+len(f.confirmed) || res.Rows[0][1] != "prahum1" {
			t.Errorf("latest corrections %v", res.Rows)
		}
		// Filters apply: only the YouTube posts' corrections.
		yt := 0
		for id := range f.corrected {
			for _, r := range f.social {
				if r.ID == id && r.Platform == "youtube" {
					yt++
				}
			}
		}
		if got := one[int](t, f.run(t, board, "Label dikoreksi analis", map[string][]string{"platform": {"youtube"}})); got != yt {
			t.Errorf("dikoreksi on YouTube %d, want %d", got, yt)
		}
	})

	t.Run("confidence", func(t *testing.T) {
		const board = "Koreksi Analis"
		sosmed := map[string][]string{"kind": {"sosmed"}}
		low := f.count(func(r news.Classified) bool { return r.Confidence < 0.5 })
		share := one[float64](t, f.run(t, board, "Porsi keyakinan rendah", sosmed))
		if want := float64(low) / float64(len(f.social)); share < want-0.001 || share > want+0.001 {
			t.Errorf("low-confidence share %.3f, want %.3f", share, want)
		}
		unreviewed := f.count(func(r news.Classified) bool {
			_, c := f.corrected[r.ID]
			return r.Confidence < 0.5 && !c && !f.confirmed[r.ID]
		})
		if got := one[int](t, f.run(t, board, "Keyakinan rendah belum ditinjau", sosmed)); got != unreviewed {
			t.Errorf("unreviewed %d, want %d", got, unreviewed)
		}
		res := f.run(t, board, "Sebaran keyakinan model per hari", sosmed)
		var lowSum, highSum int
		for i := range res.Rows {
			var at time.Time
			var b [4]int
			if err := res.Scan(i, &at, &b[0], &b[1], &b[2], &b[3]); err != nil {
				t.Fatal(err)
			}
			if w := at.In(news.WITA); w.Hour() != 0 || w.Minute() != 0 {
				t.Errorf("day starts at %v, not at midnight WITA", w)
			}
			lowSum += b[0]
			highSum += b[3]
		}
		if lowSum != low || highSum != len(f.social)-low {
			t.Errorf("confidence buckets: %d low, %d high; want %d, %d", lowSum, highSum, low, len(f.social)-low)
		}
	})

	t.Run("report sent", func(t *testing.T) {
		res := f.run(t, "Operasional", "Laporan harian", nil)
		if len(res.Rows) != 1 || res.Rows[0][0] != "2024-06-11" || res.Rows[0][1] != "terkirim" || res.Rows[0][3] != "2" {
			t.Errorf("reports %v", res.Rows)
		}
	})
}

// TestPromQLNamesExist: every metric an Operasional panel reads is one
// Pantau exports (a histogram's _bucket, _sum and _count series included).
func TestPromQLNamesExist(t *testing.T) {
	m := metrics.New()
	m.Fetched.WithLabelValues("x").Inc()
	m.SourceErrors.WithLabelValues("x").Inc()
	m.LastSuccess.WithLabelValues("x").Set(1)
	m.SourceState("x", time.Minute, 1, time.Now().Add(time.Hour), "kuota")
	m.Lag.WithLabelValues("x").Set(1)
	m.Classified.WithLabelValues("netral").Inc()
	m.DeadLettered.WithLabelValues("writer").Inc()
	m.Panics.WithLabelValues("writer").Inc()
	m.Failed.WithLabelValues("writer").Inc()
	m.WatchDisk(t.TempDir())
	m.WatchReports(func(context.Context) (time.Time, error) { return time.Unix(1_700_000_000, 0), nil })
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range fams {
		have[f.GetName()] = true
		if f.GetType().String() == "HISTOGRAM" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				have[f.GetName()+s] = true
			}
		}
	}
	re := regexp.MustCompile(`pantau_[a-z_]+`)
	n := 0
	for _, d := range All() {
		for _, p := range d.Panels {
			for _, q := range p.PromQL {
				for _, name := range re.FindAllString(q.Expr, -1) {
					n++
					if !have[name] {
						t.Errorf("%s / %s reads %s, which Pantau does not export", d.Title, p.Title, name)
					}
				}
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d metric names read", n)
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
	kinds, _ := Expand(kindCond+" AND "+platformCond, from, to, time.Second, map[string][]string{"kind": {"sosmed", "rilis"}})
	if kinds != "kind IN ('sosmed','rilis') AND 1=1" {
		t.Errorf("kind and platform: %q", kinds)
	}
}
