package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

func TestIssuesSpikesAndFilters(t *testing.T) {
	ctx := context.Background()
	b, err := chdb.Open(engineDir, "issues_test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.Exec(ctx, "DROP DATABASE IF EXISTS issues_test")
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	storetest.IssueFixture(t, b, until)
	list, err := store.Issues(ctx, b, store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.IssueSummary{}
	for _, s := range list {
		got[s.ID] = s
	}
	// The spike rule's figures (issuemap.Spike judges them: its test runs
	// the same fixture).
	if s := got["isu-spike"]; s.Today != 7 || s.Baseline != 1 || s.Mentions != 21 || s.Name != "Isu spike" || s.Regions[0] != "Kota Balikpapan" {
		t.Errorf("spike issue %+v", s)
	}
	if s := got["isu-steady"]; s.Today != 2 || s.Baseline != 2 || s.Mentions != 30 || s.ByLabel != [4]int{15, 15, 0, 0} {
		t.Errorf("steady issue %+v", s)
	}
	if s := got["isu-turn"]; s.Today != 3 || s.NegShareToday != 1 || s.NegShareBase != 0 {
		t.Errorf("negative turn figures: %+v", s)
	}
	// In a store's first days the baseline is the mean of the days it has
	// seen: two days before the fixture's 13th-last day, two articles a
	// day for the steady issue (not 4/14).
	early, err := store.Issues(ctx, b, store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until.Add(-12 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range early {
		if s.ID == "isu-steady" && (s.Today != 2 || s.Baseline != 2) {
			t.Errorf("steady issue in the store's first days: today %d, baseline %v, want 2 and 2", s.Today, s.Baseline)
		}
	}
	// Filters, and parameters that try to inject SQL stay values.
	list, err = store.Issues(ctx, b, store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until, Region: "Kabupaten Berau"})
	if err != nil || len(list) != 1 || list[0].ID != "isu-turn" {
		t.Errorf("region filter: %v %+v", err, list)
	}
	for _, evil := range []string{"x' OR 1=1 --", "'); DROP DATABASE issues_test; --", `\' OR \'1\'=\'1`} {
		list, err = store.Issues(ctx, b, store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until, Region: evil, ID: evil})
		if err != nil || len(list) != 0 {
			t.Errorf("injection %q: %v %v", evil, err, list)
		}
		if rows, err := store.Search(ctx, b, evil, until.Add(-30*24*time.Hour), store.MediaFilter{}, 5); err != nil || len(rows) != 0 {
			t.Errorf("search injection %q: %v %v", evil, err, rows)
		}
	}
	pts, err := store.Trend(ctx, b, store.TrendQuery{By: "region", Since: until.Add(-3 * 24 * time.Hour), Until: until})
	if err != nil || len(pts) != 9 {
		t.Errorf("trend: %v %d points", err, len(pts))
	}
	if _, err := store.Trend(ctx, b, store.TrendQuery{By: "label; DROP TABLE x", Since: until.Add(-time.Hour), Until: until}); err == nil {
		t.Error("unknown trend dimension accepted")
	}
	if _, err := store.Trend(ctx, b, store.TrendQuery{By: "label", Interval: "minute", Since: until.Add(-time.Hour), Until: until}); err == nil {
		t.Error("unknown trend interval accepted")
	}
	// The last day by hour and issue: the spike's seven articles (one re-
	// inserted) in seven hours, six of them negative.
	pts, err = store.Trend(ctx, b, store.TrendQuery{By: "issue", Interval: "hour", Since: until.Add(-24 * time.Hour), Until: until})
	if err != nil {
		t.Fatal(err)
	}
	total := map[string][2]int{}
	hours := map[string]bool{}
	for _, p := range pts {
		n := total[p.Key]
		total[p.Key] = [2]int{n[0] + p.Count, n[1] + p.ByLabel[3]}
		if p.Key == "isu-spike" {
			hours[p.Period] = true
			if p.Name != "Isu spike" {
				t.Errorf("spike point named %q", p.Name)
			}
		}
	}
	if total["isu-spike"] != [2]int{7, 6} || total["isu-steady"][0] != 2 || total["isu-turn"][0] != 3 || len(hours) != 7 {
		t.Errorf("hourly issue trend: %v, spike hours %v", total, hours)
	}
	// 23:00 UTC on the 11th is 07:00 WITA on the 12th.
	if !hours["2024-06-12 07:00"] || !hours["2024-06-12 01:00"] {
		t.Errorf("spike hours (WITA) %v", hours)
	}
	pts, err = store.Trend(ctx, b, store.TrendQuery{By: "issue", Since: until.Add(-24 * time.Hour), Until: until, Issues: 1})
	if err != nil || len(pts) == 0 {
		t.Fatalf("top issue trend: %v %v", pts, err)
	}
	for _, p := range pts {
		if p.Key != "isu-spike" {
			t.Errorf("top-1 issue trend has %s", p.Key)
		}
	}
	arts, err := store.IssueMentions(ctx, b, "isu-spike", store.MediaFilter{}, 100)
	if err != nil || len(arts) != 21 {
		t.Errorf("issue mentions: %v %d", err, len(arts))
	}
}
