package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

func freshStore(t *testing.T, db string) store.Backend {
	t.Helper()
	ctx := context.Background()
	b, err := chdb.Open(engineDir, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReportQueries: a day's counts, coverage (mentions without a region
// under NoRegion) and positive stories (one per story) from mention_facts.
func TestReportQueries(t *testing.T) {
	ctx := context.Background()
	b := freshStore(t, "report_q")
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	storetest.IssueFixture(t, b, until)
	extra := storetest.Rows(3, "noregion")
	for i := range extra {
		extra[i].PublishedAt = until.Add(-time.Hour)
		extra[i].Label = news.LabelPositif
		extra[i].Scores[0] = float32(i) / 10
		extra[i].StoryID = "story-x" // one story: one of them is shown
	}
	if err := b.InsertMentions(ctx, extra); err != nil {
		t.Fatal(err)
	}
	since := until.Add(-24 * time.Hour)
	days, err := store.DailyCounts(ctx, b, since.Add(-24*time.Hour), until)
	if err != nil {
		t.Fatal(err)
	}
	// The last two days of the fixture, by day in WITA (UTC+8): the
	// window's first day in UTC is WITA's 06-11, its second 06-12.
	if got := fmt.Sprint(days); got != "map[2024-06-11:[1 5 0 0] 2024-06-12:[4 2 3 6]]" {
		t.Errorf("daily counts %s", got)
	}
	regions, err := store.Coverage(ctx, b, "region", since, until, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.NameCount{}
	sum := 0
	for _, r := range regions {
		got[r.Name] = r
		sum += r.Count
	}
	if got[store.NoRegion].Count != 3 || got["Kota Balikpapan"].Count != 7 || got["Kota Balikpapan"].Neg != 6 {
		t.Errorf("coverage by region %+v", regions)
	}
	if _, err := store.Coverage(ctx, b, "label; DROP", since, until, 10); err == nil {
		t.Error("unknown dimension accepted")
	}
	pos, err := store.TopPositive(ctx, b, since, until, 5)
	if err != nil {
		t.Fatal(err)
	}
	stories := map[string]bool{}
	for _, p := range pos {
		if p.Label != news.LabelPositif || p.Published.Before(since) || !p.Published.Before(until) {
			t.Errorf("positive story %+v", p)
		}
		stories[p.Title] = true
	}
	if len(pos) != 2 || pos[0].ID != extra[2].ID {
		t.Errorf("positive stories %+v, want the most confident of story-x first and the steady issue's one", pos)
	}
	if n, err := store.CountMentions(ctx, b); err != nil || n != int64(15*2+15+6+15*3+3) {
		t.Errorf("CountMentions = %d, %v", n, err)
	}
}

func TestCorrectedMentionsAndReportRecords(t *testing.T) {
	ctx := context.Background()
	b := freshStore(t, "corr_q")
	rows := storetest.Rows(3, "corr")
	if err := b.InsertMentions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 6, 11, 1, 0, 0, 0, time.UTC)
	for _, c := range []store.Correction{
		{ID: rows[1].ID, Label: "negatif", Analyst: "a", At: at},
		{ID: rows[1].ID, Label: "netral", Analyst: "b", At: at.Add(time.Hour)},
		{ID: rows[0].ID, Label: "positif", Analyst: "a", At: at},
	} {
		if err := store.RecordCorrection(ctx, b, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.RecordCorrection(ctx, b, store.Correction{ID: "tidak-ada", Label: "netral"}); err == nil {
		t.Error("a correction of an unknown mention was recorded")
	}
	got, err := store.CorrectedMentions(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{rows[0].ID: "positif", rows[1].ID: "netral"}
	if len(got) != 2 || got[0].ID > got[1].ID {
		t.Fatalf("corrected %+v, want two by id", got)
	}
	for _, c := range got {
		if c.Label != want[c.ID] || c.Text != rows[0].Text {
			t.Errorf("corrected %+v", c)
		}
	}

	if sent, err := store.ReportSent(ctx, b, "2024-06-11"); err != nil || sent {
		t.Fatalf("sent before any record: %v %v", sent, err)
	}
	for _, status := range []string{"gagal", "terkirim"} {
		if err := store.RecordReport(ctx, b, store.ReportRecord{Date: "2024-06-11", Recipients: []string{"kadis@x.go.id"},
			Status: status, Instance: "uji", At: at, Error: "it's"}); err != nil {
			t.Fatal(err)
		}
	}
	if sent, err := store.ReportSent(ctx, b, "2024-06-11"); err != nil || !sent {
		t.Fatalf("sent after a record: %v %v", sent, err)
	}
}
