package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// TestRepairEveryObject drops each table and view of the schema in turn
// (DROP TABLE pantau.issues used to stay dropped: its migration was
// recorded) and checks that Check names it and Repair makes it again with
// the columns a fresh store has, its view working and its derived rows
// filled again.
func TestRepairEveryObject(t *testing.T) {
	ctx := context.Background()
	b, err := chdb.Open(engineDir, "repair_test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	q := func(sql string) string {
		t.Helper()
		res, err := b.Query(ctx, sql, nil)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		var rows []string
		for _, r := range res.Rows {
			rows = append(rows, strings.Join(r, " "))
		}
		return strings.Join(rows, "\n")
	}
	fresh := func() {
		t.Helper()
		if err := b.Exec(ctx, "DROP DATABASE IF EXISTS repair_test"); err != nil {
			t.Fatal(err)
		}
		if _, err := store.Migrate(ctx, b, nil); err != nil {
			t.Fatal(err)
		}
	}
	const shape = "SELECT table, groupArray(name || ' ' || type) FROM (SELECT table, name, type FROM system.columns WHERE database = 'repair_test' ORDER BY table, position) GROUP BY table ORDER BY table"
	fresh()
	want := q(shape)
	objects := store.Objects()
	for _, o := range []string{"mentions", "mention_facts", "mention_facts_mv", "issues", "label_corrections", "regions_ref", "reports_sent"} {
		if !slices.Contains(objects, o) {
			t.Fatalf("schema objects %v lack %s", objects, o)
		}
	}
	for _, obj := range objects {
		fresh()
		storetest.IssueFixture(t, b, time.Date(2024, 6, 12, 0, 0, 0, 0, news.WITA))
		social := storetest.Rows(3, "sosmed")
		for i := range social {
			social[i].Kind, social[i].Platform, social[i].IssueID = "sosmed", "x", "isu-sosmed"
		}
		if err := b.InsertMentions(ctx, social); err != nil {
			t.Fatal(err)
		}
		if err := b.Exec(ctx, "DROP TABLE repair_test."+obj); err != nil {
			t.Fatal(err)
		}
		if missing, err := store.Check(ctx, b); err != nil || !slices.Equal(missing, []string{obj}) {
			t.Fatalf("%s dropped: Check = %v, %v", obj, missing, err)
		}
		repaired, err := store.Repair(ctx, b, quietLog())
		if err != nil {
			t.Fatalf("%s: repair: %v", obj, err)
		}
		if len(repaired) == 0 || !slices.ContainsFunc(repaired, func(r store.Repaired) bool { return r.Name == obj }) {
			t.Errorf("%s: repaired %v", obj, repaired)
		}
		if missing, err := store.Check(ctx, b); err != nil || len(missing) != 0 {
			t.Errorf("%s: still missing %v %v", obj, missing, err)
		}
		if got := q(shape); got != want {
			t.Errorf("%s: columns after repair differ from a fresh store:\n%s\nwant\n%s", obj, got, want)
		}
		// The view copies new rows, and the analysts' copy matches mentions.
		if err := b.InsertMentions(ctx, storetest.Rows(2, "after")); err != nil {
			t.Fatal(err)
		}
		m := q("SELECT count(), countIf(kind = 'sosmed' AND platform = 'x') FROM repair_test.mentions FINAL")
		f := q("SELECT count(), countIf(kind = 'sosmed' AND platform = 'x') FROM repair_test.mention_facts FINAL")
		switch {
		case obj == "mentions":
			// The articles are gone with their table; their analytic
			// copies stay, and new articles reach both.
			if m != "2 0" || f != "101 3" {
				t.Errorf("mentions dropped: mentions %s, mention_facts %s; want 2 0 and 101 3", m, f)
			}
		case m != "101 3" || f != m:
			t.Errorf("%s: mentions %s, mention_facts %s; want 101 3 in both", obj, m, f)
		}
		if got := q("SELECT count() FROM repair_test.regions_ref"); got != "12" {
			t.Errorf("%s: regions_ref has %s rows", obj, got)
		}
	}
}
