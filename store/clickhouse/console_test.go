package clickhouse

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
)

// TestConsoleAgainstDebianServer: unprefixed names resolve in Pantau's
// database, the server refuses writes unless asked to, values are typed,
// and a missing table or database is named.
func TestConsoleAgainstDebianServer(t *testing.T) {
	srv := chtest.Start(t)
	ctx := context.Background()
	b, err := Open(ctx, srv.DSN("console_test"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var missing *store.MissingError
	if _, err := b.Console(ctx, "SELECT 1", false); !errors.As(err, &missing) || missing.Kind != "database" {
		t.Fatalf("before the database exists: %v, want a missing database", err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	tbl, err := b.Console(ctx, "SELECT count() AS n, [1, 2] AS a, ['x', 'y'] AS s, toDate('2024-06-12') AS d, 'x' AS str FROM mentions", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{json.Number("0"), []any{json.Number("1"), json.Number("2")}, []any{"x", "y"}, "2024-06-12", "x"}
	if len(tbl.Rows) != 1 || !reflect.DeepEqual(tbl.Rows[0], want) {
		t.Errorf("typed row %#v, want %#v", tbl.Rows, want)
	}
	for _, stmt := range []string{"DROP TABLE issues", "INSERT INTO label_corrections (id, label) VALUES ('a', 'negatif')",
		"ALTER TABLE mentions DROP COLUMN url", "CREATE TABLE t (x UInt8) ENGINE = Memory"} {
		if _, err := b.Console(ctx, stmt, false); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("%s on a read-only console: %v", stmt, err)
		}
	}
	if _, err := b.Console(ctx, "SELECT count() FROM issues", false); err != nil {
		t.Errorf("issues after a refused DROP: %v", err)
	}
	if _, err := b.Console(ctx, "SELECT * FROM mentionz", false); !errors.As(err, &missing) || missing.Name != "console_test.mentionz" {
		t.Errorf("missing table: %v", err)
	}
	// Debian's 18.16 waits for data blocks after an INSERT … VALUES sent
	// as a statement; INSERT … SELECT needs none.
	if _, err := b.Console(ctx, "INSERT INTO label_corrections (id, label) SELECT 'a', 'negatif'", true); err != nil {
		t.Errorf("write allowed: %v", err)
	}
	if tbl, err := b.Console(ctx, "SELECT id, label FROM label_corrections", false); err != nil || len(tbl.Rows) != 1 {
		t.Errorf("written row: %v %v", tbl, err)
	}
}

// TestRepairAgainstDebianServer: a dropped table and the analysts' copy
// come back on 18.16 too.
func TestRepairAgainstDebianServer(t *testing.T) {
	srv := chtest.Start(t)
	ctx := context.Background()
	b, err := Open(ctx, srv.DSN("repair_test"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{"DROP TABLE repair_test.issues", "DROP TABLE repair_test.mention_facts"} {
		if err := b.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if missing, err := store.Check(ctx, b); err != nil || !reflect.DeepEqual(missing, []string{"issues", "mention_facts"}) {
		t.Fatalf("Check = %v %v", missing, err)
	}
	if _, err := store.Repair(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	if missing, err := store.Check(ctx, b); err != nil || len(missing) != 0 {
		t.Errorf("after repair: %v %v", missing, err)
	}
}
