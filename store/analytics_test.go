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
	if s := got["isu-spike"]; !s.Spike || s.Today != 7 || s.Mentions != 21 || s.Name != "Isu spike" || s.Regions[0] != "Kota Balikpapan" {
		t.Errorf("spike issue %+v", s)
	}
	if s := got["isu-steady"]; s.Spike || s.Mentions != 30 || s.ByLabel != [4]int{15, 15, 0, 0} {
		t.Errorf("steady issue %+v", s)
	}
	if s := got["isu-turn"]; !s.Spike || s.NegShareToday != 1 || s.NegShareBase != 0 {
		t.Errorf("negative turn not flagged: %+v", s)
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
		if rows, err := store.Search(ctx, b, evil, until.Add(-30*24*time.Hour), 5); err != nil || len(rows) != 0 {
			t.Errorf("search injection %q: %v %v", evil, err, rows)
		}
	}
	pts, err := store.Trend(ctx, b, "region", until.Add(-3*24*time.Hour), until)
	if err != nil || len(pts) != 9 {
		t.Errorf("trend: %v %d points", err, len(pts))
	}
	if _, err := store.Trend(ctx, b, "label; DROP TABLE x", until.Add(-time.Hour), until); err == nil {
		t.Error("unknown trend dimension accepted")
	}
	arts, err := store.IssueMentions(ctx, b, "isu-spike", 100)
	if err != nil || len(arts) != 21 {
		t.Errorf("issue mentions: %v %d", err, len(arts))
	}
}
