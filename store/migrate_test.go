package store_test

import (
	"context"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// TestMigrateAfterCrashInsideMigrations: a process that died after a
// migration's statements ran and before it was recorded (here: every
// record lost) must not block the store. The next Migrate applies the
// migrations again without DUPLICATE_COLUMN and without adding the region
// centroids twice, and records them.
func TestMigrateAfterCrashInsideMigrations(t *testing.T) {
	ctx := context.Background()
	b, err := chdb.Open(engineDir, "crash_migrate")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS crash_migrate"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Exec(ctx, "DROP TABLE crash_migrate.schema_migrations"); err != nil {
		t.Fatal(err)
	}
	n, err := store.Migrate(ctx, b, nil)
	if err != nil {
		t.Fatalf("migrating after the crash: %v", err)
	}
	if n != len(store.Migrations) {
		t.Errorf("recorded %d migrations, want %d", n, len(store.Migrations))
	}
	res, err := b.Query(ctx, "SELECT count(), uniqExact(name) FROM crash_migrate.regions_ref", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Rows[0][0] + " " + res.Rows[0][1]; got != "12 12" {
		t.Errorf("regions_ref has %s rows/names, want 12 12", got)
	}
	if n, err := store.Migrate(ctx, b, nil); err != nil || n != 0 {
		t.Errorf("third migrate applied %d (err %v), want 0", n, err)
	}
}

// TestSyncInserts: sync: always keeps fsync on with every table Pantau
// writes; interval turns it off again.
func TestSyncInserts(t *testing.T) {
	ctx := context.Background()
	b := freshStore(t, "sync_inserts")
	for _, on := range []bool{true, false} {
		if err := store.SyncInserts(ctx, b, on); err != nil {
			t.Fatal(err)
		}
		res, err := b.Query(ctx, "SELECT arrayStringConcat(arraySort(groupArray(name)), ' ') FROM system.tables WHERE database = 'sync_inserts' AND position(engine_full, 'fsync_after_insert = 1, fsync_part_directory = 1') > 0", nil)
		if err != nil {
			t.Fatal(err)
		}
		var synced string
		if err := res.One(&synced); err != nil {
			t.Fatal(err)
		}
		want := ""
		if on {
			want = "audit_log issues label_corrections mention_facts mentions reports_sent schema_migrations users web_sessions"
		}
		if synced != want {
			t.Errorf("sync %v: tables that fsync inserts %q, want %q", on, synced, want)
		}
	}
	if err := b.InsertMentions(ctx, storetest.Rows(3, "sync")); err != nil {
		t.Fatal(err)
	}
}
