package store_test

import (
	"context"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
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
