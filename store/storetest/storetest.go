// Package storetest is the conformance suite that every store backend must
// pass: migrations, batch inserts, read-back and de-duplication. It is for
// tests only.
package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Rows returns n classified articles with awkward text (tabs, newlines,
// quotes, non-ASCII) so that escaping is exercised.
func Rows(n int, prefix string) []news.Classified {
	base := time.Date(2024, 6, 11, 6, 5, 0, 0, time.UTC)
	out := make([]news.Classified, n)
	for i := range out {
		out[i] = news.Classified{
			Article: news.Article{
				ID:          news.IDFor(fmt.Sprintf("https://example.id/%s/%d", prefix, i)),
				URL:         fmt.Sprintf("https://example.id/%s/%d", prefix, i),
				Outlet:      "Kaltim Post",
				Region:      "Kota Samarinda",
				Title:       fmt.Sprintf("Jalan rusak di Samarinda \"%d\"", i),
				Text:        "Warga mengeluh.\n\tJalan 'berlubang' — perlu perbaikan. \\ end",
				Language:    "id",
				PublishedAt: base.Add(time.Duration(i) * time.Minute),
				FetchedAt:   base.Add(time.Hour),
			},
			Label:        news.Labels[i%4],
			Scores:       [4]float32{0.1, 0.2, 0.3, 0.4},
			Polarity:     news.PolarityNegatif,
			ModelVersion: "test-1",
			Evidence:     []string{"rusak", "mengeluh"},
		}
	}
	return out
}

// Run exercises backend b; b's database is dropped first.
func Run(t *testing.T, b store.Backend) {
	t.Helper()
	ctx := context.Background()
	db := b.Database()
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
		t.Fatal(err)
	}
	n, err := store.Migrate(ctx, b, nil)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if n != len(store.Migrations) {
		t.Fatalf("applied %d migrations, want %d", n, len(store.Migrations))
	}
	if n, err := store.Migrate(ctx, b, nil); err != nil || n != 0 {
		t.Fatalf("second migrate applied %d (err %v), want 0", n, err)
	}
	rows := withIssues(Rows(250, "a"))
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatalf("insert: %v", err)
	}
	// The same articles again (a re-crawl) plus new ones.
	if err := b.InsertMentions(ctx, withIssues(append(Rows(250, "a")[:100], Rows(10, "b")...))); err != nil {
		t.Fatalf("second insert: %v", err)
	}
	res, err := b.Query(ctx, "SELECT count() AS n, uniqExact(id) AS ids FROM "+db+".mentions FINAL", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Rows[0]; got[0] != "260" || got[1] != "260" {
		t.Fatalf("count, ids = %v, want 260 260", got)
	}
	// The analyst queries' copy, filled by a view on every insert, agrees.
	res, err = b.Query(ctx, "SELECT issue_id, count(), uniqExact(id) FROM "+db+".mention_facts FINAL GROUP BY issue_id ORDER BY issue_id", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Rows); got != "[[isu-0 52 52] [isu-1 52 52] [isu-2 52 52] [isu-3 52 52] [isu-4 52 52]]" {
		t.Fatalf("mention_facts per issue = %s", got)
	}
	res, err = b.Query(ctx, "SELECT title, text, label, published_at, evidence FROM "+db+".mentions FINAL WHERE id = '"+rows[7].ID+"'", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 1 {
		t.Fatalf("got %d rows for one id", len(res.Rows))
	}
	r := res.Rows[0]
	want := []string{rows[7].Title, rows[7].Text, rows[7].Label, "2024-06-11 06:12:00", "['rusak','mengeluh']"}
	for i := range want {
		if r[i] != want[i] {
			t.Errorf("column %s = %q, want %q", res.Columns[i], r[i], want[i])
		}
	}
	if res.Columns[0] != "title" || res.Types[2] == "" {
		t.Errorf("columns %v types %v", res.Columns, res.Types)
	}
	var got news.Classified
	if err := res.One(&got.Title, &got.Text, &got.Label, &got.PublishedAt, &got.Evidence); err != nil {
		t.Fatal(err)
	}
	if got.Title != rows[7].Title || got.Text != rows[7].Text || !got.PublishedAt.Equal(rows[7].PublishedAt) ||
		fmt.Sprint(got.Evidence) != fmt.Sprint(rows[7].Evidence) {
		t.Errorf("scanned %+v", got)
	}
	Values(t, b)
	ItemFields(t, b)
}

// ItemFields inserts items of each kind with the social and label-source
// fields set and reads every field back from mentions, and the analysts'
// columns from mention_facts.
func ItemFields(t *testing.T, b store.Backend) {
	t.Helper()
	ctx := context.Background()
	db := b.Database()
	rows := Rows(3, "fields")
	labeled := time.Date(2024, 6, 12, 1, 2, 3, 0, time.UTC)
	rows[0].Kind, rows[0].Platform, rows[0].AuthorHandle, rows[0].ParentID = news.KindSosmed, "youtube", "@warga_smd", "yt:parent"
	rows[0].Engagement = news.Engagement{Likes: 12, Comments: 3, Shares: 1, Views: 4500}
	rows[0].Confidence, rows[0].LabelSource, rows[0].LabeledBy, rows[0].LabeledAt = 0.875, "human", "prahum1", labeled
	rows[1].Kind, rows[1].Confidence = news.KindRilis, 0.5
	rows[2].Engagement.Likes = -5 // nonsense from a platform: stored as 0
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatalf("insert: %v", err)
	}
	res, err := b.Query(ctx, `SELECT id, kind, platform, author_handle, parent_id, likes, comments, shares, views,
    confidence, label_source, labeled_by, labeled_at FROM `+db+`.mentions FINAL WHERE id IN ('`+rows[0].ID+`', '`+rows[1].ID+`', '`+rows[2].ID+`') ORDER BY id`, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]news.Classified{}
	for i := range res.Rows {
		var c news.Classified
		var likes, comments, shares, views uint64
		if err := res.Scan(i, &c.ID, &c.Kind, &c.Platform, &c.AuthorHandle, &c.ParentID, &likes, &comments, &shares, &views,
			&c.Confidence, &c.LabelSource, &c.LabeledBy, &c.LabeledAt); err != nil {
			t.Fatal(err)
		}
		c.Engagement = news.Engagement{Likes: int64(likes), Comments: int64(comments), Shares: int64(shares), Views: int64(views)}
		got[c.ID] = c
	}
	if g := got[rows[0].ID]; g.Kind != "sosmed" || g.Platform != "youtube" || g.AuthorHandle != "@warga_smd" || g.ParentID != "yt:parent" ||
		g.Engagement != rows[0].Engagement || g.Confidence != 0.875 || g.LabelSource != "human" || g.LabeledBy != "prahum1" || !g.LabeledAt.Equal(labeled) {
		t.Errorf("social item read back as %+v", g)
	}
	if g := got[rows[1].ID]; g.Kind != "rilis" || g.Confidence != 0.5 || g.LabelSource != "model" || !g.LabeledAt.Equal(time.Unix(0, 0)) {
		t.Errorf("press release read back as %+v", g)
	}
	if g := got[rows[2].ID]; g.Kind != "berita" || g.Engagement.Likes != 0 || g.Platform != "" {
		t.Errorf("news item read back as %+v", g)
	}
	res, err = b.Query(ctx, `SELECT kind, platform, confidence, label_source FROM `+db+`.mention_facts FINAL WHERE id = '`+rows[0].ID+`'`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var kind, platform, source string
	var conf float32
	if err := res.One(&kind, &platform, &conf, &source); err != nil {
		t.Fatal(err)
	}
	if kind != "sosmed" || platform != "youtube" || conf != 0.875 || source != "human" {
		t.Errorf("mention_facts has %s %s %v %s", kind, platform, conf, source)
	}
}

// Upgrade builds the store as Pantau left it at migration 7 with articles
// in it, then migrates: the old rows get the new columns' defaults in
// mentions and mention_facts, new rows fill them through the view, nothing
// counts twice. Then it loses the migrations' records and one column, as
// a crash inside a migration would, and migrates again: the run repairs
// it (ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS).
func Upgrade(t *testing.T, b store.Backend) {
	t.Helper()
	ctx := context.Background()
	db := b.Database()
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
		t.Fatal(err)
	}
	if _, err := store.MigrateTo(ctx, b, 7, nil); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"lama-1", "lama-2"} {
		if err := b.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.mentions (id, published_at, ingested_at, label, issue_id)
SELECT '%s', toDateTime('2024-06-1%d 01:00:00', 'UTC'), now(), 'negatif', 'isu-lama'`, db, id, i)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := store.Migrate(ctx, b, nil)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	if n != len(store.Migrations)-7 {
		t.Errorf("upgrade applied %d migrations, want %d", n, len(store.Migrations)-7)
	}
	rows := Rows(2, "upgrade")
	rows[0].Kind, rows[0].Platform, rows[0].LabelSource = news.KindSosmed, "x", "human"
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"lama-1":   "berita  model negatif",
		"lama-2":   "berita  model negatif",
		rows[0].ID: "sosmed x human positif",
		rows[1].ID: "berita  model netral",
	}
	for _, table := range []string{"mentions", "mention_facts"} {
		res, err := b.Query(ctx, "SELECT id, kind, platform, label_source, toString(label) FROM "+db+"."+table+" FINAL", nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range res.Rows {
			got[r[0]] = strings.Join(r[1:], " ")
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s after the upgrade: %v\nwant %v", table, got, want)
		}
	}

	// A crash inside a migration: statements ran, records lost, one
	// column of the last migration not yet added.
	if err := b.Exec(ctx, "DROP TABLE "+db+".schema_migrations"); err != nil {
		t.Fatal(err)
	}
	if err := b.Exec(ctx, "ALTER TABLE "+db+".mentions DROP COLUMN labeled_by"); err != nil {
		t.Fatal(err)
	}
	if n, err := store.Migrate(ctx, b, nil); err != nil || n != len(store.Migrations) {
		t.Fatalf("repairing migrate applied %d (err %v), want all %d recorded again", n, err, len(store.Migrations))
	}
	if n, err := store.Migrate(ctx, b, nil); err != nil || n != 0 {
		t.Fatalf("migrate after the repair applied %d (err %v)", n, err)
	}
	res, err := b.Query(ctx, "SELECT (SELECT count() FROM "+db+".regions_ref), (SELECT count() FROM system.columns WHERE database = '"+db+"' AND table = 'mentions' AND name = 'labeled_by'), (SELECT count() FROM "+db+".mention_facts FINAL)", nil)
	if err != nil {
		t.Fatal(err)
	}
	var regions, labeledBy, facts int
	if err := res.One(&regions, &labeledBy, &facts); err != nil {
		t.Fatal(err)
	}
	if regions != 12 || labeledBy != 1 || facts != 4 {
		t.Errorf("after the repair: %d regions (want 12), labeled_by %d (want 1), %d facts (want 4)", regions, labeledBy, facts)
	}
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatalf("insert after the repair: %v", err)
	}
}

// Values checks the one text form of a query's values, which every
// backend must print alike, and that Scan reads it back.
func Values(t *testing.T, b store.Backend) {
	t.Helper()
	res, err := b.Query(context.Background(), `SELECT toDate('2024-06-11') AS d, toDateTime('2024-06-11 06:05:00', 'UTC') AS t,
    toDateTime('2024-06-11 06:05:00', 'Asia/Makassar') AS wita, toFloat32(0.1) AS f32, toFloat64(1.5) AS f64,
    ['a', 'b\'c', 'x\ny', 'tab\there', 'back\\slash', ''] AS arr, [1, 2] AS ints, emptyArrayString() AS none,
    CAST('netral' AS Enum8('positif' = 1, 'netral' = 2)) AS e, toUInt64(18446744073709551615) AS u, -3 AS neg,
    'tab\there' AS s, CAST(NULL AS Nullable(String)) AS n, [toDate('2024-06-11')] AS dates`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2024-06-11", "2024-06-11 06:05:00", "2024-06-11 06:05:00", "0.1", "1.5",
		`['a','b\'c','x\ny','tab\there','back\\slash','']`, "[1,2]", "[]", "netral", "18446744073709551615", "-3",
		"tab\there", `\N`, "['2024-06-11']"}
	if len(res.Rows) != 1 || len(res.Rows[0]) != len(want) {
		t.Fatalf("rows %q", res.Rows)
	}
	for i, w := range want {
		if res.Rows[0][i] != w {
			t.Errorf("%s (%s) printed %q, want %q", res.Columns[i], res.Types[i], res.Rows[0][i], w)
		}
	}
	var (
		d, tm, wita time.Time
		f32         float32
		f64         float64
		arr, none   []string
		e, s, n     string
		u           uint64
		neg         int
	)
	if err := res.One(&d, &tm, &wita, &f32, &f64, &arr, nil, &none, &e, &u, &neg, &s, &n, nil); err != nil {
		t.Fatal(err)
	}
	if !d.Equal(time.Date(2024, 6, 11, 0, 0, 0, 0, time.UTC)) || !tm.Equal(time.Date(2024, 6, 11, 6, 5, 0, 0, time.UTC)) ||
		!wita.Equal(time.Date(2024, 6, 10, 22, 5, 0, 0, time.UTC)) {
		t.Errorf("times %v %v %v", d, tm, wita)
	}
	if f32 != 0.1 || f64 != 1.5 || e != "netral" || u != 18446744073709551615 || neg != -3 || s != "tab\there" || n != "" {
		t.Errorf("values %v %v %q %v %v %q %q", f32, f64, e, u, neg, s, n)
	}
	if fmt.Sprintf("%q", arr) != `["a" "b'c" "x\ny" "tab\there" "back\\slash" ""]` || none == nil || len(none) != 0 {
		t.Errorf("arrays %q %q", arr, none)
	}
}

// withIssues spreads rows over five issues by position.
func withIssues(rows []news.Classified) []news.Classified {
	for i := range rows {
		rows[i].IssueID = fmt.Sprintf("isu-%d", i%5)
	}
	return rows
}

// IssueFixture inserts mentions of three issues over 15 days ending at
// until: "steady" (2 a day, neutral), "spike" (1 a day, then 7 in the last
// day, mostly negative) and "turn" (2 a day, turning negative on the last
// day).
func IssueFixture(t testing.TB, b store.Backend, until time.Time) {
	t.Helper()
	var rows []news.Classified
	add := func(issue string, day int, k int, label, region string) {
		at := until.Add(-time.Duration(day)*24*time.Hour - time.Duration(k+1)*time.Hour)
		id := news.IDFor(fmt.Sprintf("%s/%d/%d", issue, day, k))
		rows = append(rows, news.Classified{Article: news.Article{ID: id, URL: "https://x.id/" + id, Outlet: fmt.Sprintf("Media %d", k%3),
			Title: issue + " hari " + fmt.Sprint(day), Text: "teks", PublishedAt: at, FetchedAt: at},
			Label: label, Polarity: "netral", Regions: []string{region}, OPDs: []string{"BPBD"}, IssueID: "isu-" + issue,
			IssueName: "Isu " + issue, IssueTerms: []string{issue}})
	}
	for day := 0; day < 15; day++ {
		add("steady", day, 0, "netral", "Kota Samarinda")
		add("steady", day, 1, "positif", "Kota Samarinda")
		add("spike", day, 0, "netral", "Kota Balikpapan")
		if day == 0 {
			for k := 1; k < 7; k++ {
				add("spike", 0, k, "negatif", "Kota Balikpapan")
				// One story syndicated across the outlets.
				rows[len(rows)-1].StoryID = "story-spike"
			}
		}
		lbl := "netral"
		if day == 0 {
			lbl = "berpotensi negatif"
		}
		add("turn", day, 0, lbl, "Kabupaten Berau")
		add("turn", day, 1, lbl, "Kabupaten Berau")
		add("turn", day, 2, lbl, "Kabupaten Berau")
	}
	if err := b.InsertMentions(context.Background(), rows); err != nil {
		t.Fatal(err)
	}
	if err := b.InsertIssues(context.Background(), store.IssuesFrom(rows)); err != nil {
		t.Fatal(err)
	}
	// A re-crawl inserts the same articles again: nothing counts twice.
	if err := b.InsertMentions(context.Background(), rows[:10]); err != nil {
		t.Fatal(err)
	}
}
