package chdb

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
)

// TestConsole: unprefixed names resolve in Pantau's database, the engine
// refuses writes unless asked to (also hidden behind a SELECT, or by
// resetting readonly), values are typed, a missing table or database is
// named, and the backend's own connection stays writable.
func TestConsole(t *testing.T) {
	b := testBackend(t, "console_test")
	ctx := context.Background()
	b.Exec(ctx, "DROP DATABASE IF EXISTS console_test")
	var missing *store.MissingError
	if _, err := b.Console(ctx, "SELECT 1", false); !errors.As(err, &missing) || missing.Kind != "database" || missing.Name != "console_test" {
		t.Fatalf("before the database exists: %v, want a missing database", err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	tbl, err := b.Console(ctx, "SELECT count() AS n, [[1], [2, 3]] AS a, map('k', 1) AS m, (1, 'x') AS tu, "+
		"toUInt64(18446744073709551615) AS u, -1.5 AS f, NULL AS z, toDate('2024-06-12') AS d, 'a\"b' AS s FROM mentions", false)
	if err != nil {
		t.Fatal(err)
	}
	n := func(s string) json.Number { return json.Number(s) }
	want := []any{n("0"), []any{[]any{n("1")}, []any{n("2"), n("3")}}, map[string]any{"k": n("1")}, []any{n("1"), "x"},
		n("18446744073709551615"), n("-1.5"), nil, "2024-06-12", `a"b`}
	if len(tbl.Rows) != 1 || !reflect.DeepEqual(tbl.Rows[0], want) {
		t.Errorf("typed row %#v\nwant %#v", tbl.Rows, want)
	}
	if tbl.Columns[0] != "n" || tbl.Types[1] != "Array(Array(UInt8))" {
		t.Errorf("columns %v types %v", tbl.Columns, tbl.Types)
	}
	for _, stmt := range []string{"DROP TABLE issues", "INSERT INTO label_corrections (id, label) VALUES ('a', 'negatif')",
		"ALTER TABLE mentions DROP COLUMN url", "SELECT 1; DROP TABLE issues", "SET readonly = 0; DROP TABLE issues",
		"TRUNCATE TABLE mentions", "CREATE TABLE t (x UInt8) ENGINE = Memory"} {
		if _, err := b.Console(ctx, stmt, false); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("%s on a read-only console: %v", stmt, err)
		}
	}
	if _, err := b.Console(ctx, "SELECT count() FROM issues", false); err != nil {
		t.Errorf("issues after the refused statements: %v", err)
	}
	if _, err := b.Console(ctx, "SELECT * FROM mentionz", false); !errors.As(err, &missing) || missing.Name != "mentionz" {
		t.Errorf("missing table: %v", err)
	}
	if _, err := b.Console(ctx, "SELECT 1 FORMAT JSON", false); !errors.Is(err, store.ErrNotCompact) {
		t.Errorf("own FORMAT: %v", err)
	}
	// The read-only ClickHouse endpoint's queries run the same way: the
	// engine refuses a write that got past the endpoint's own check, and
	// Pantau's tables are found unprefixed.
	if _, err := b.QueryFormat(ctx, "DROP TABLE issues", "TSV", nil); err == nil || !strings.Contains(err.Error(), "READONLY") {
		t.Errorf("QueryFormat of a DROP: %v", err)
	}
	if out, err := b.QueryFormat(ctx, "SELECT count() FROM issues", "TSV", nil); err != nil || string(out) != "0\n" {
		t.Errorf("QueryFormat unprefixed: %q %v", out, err)
	}
	if _, err := b.Console(ctx, "INSERT INTO label_corrections (id, label) VALUES ('a', 'negatif')", true); err != nil {
		t.Errorf("write allowed: %v", err)
	}
	if err := b.Exec(ctx, "INSERT INTO console_test.label_corrections (id, label) SELECT 'b', 'netral'"); err != nil {
		t.Errorf("the backend's own connection became read-only: %v", err)
	}
	if tbl, err := b.Console(ctx, "SELECT id FROM label_corrections ORDER BY id", false); err != nil || len(tbl.Rows) != 2 {
		t.Errorf("rows written: %v %v", tbl, err)
	}
}
