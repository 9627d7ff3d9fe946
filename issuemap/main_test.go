package issuemap

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

var engineDir string

// TestMain boots one chDB engine for the package (one path per process)
// and keeps a connection open so it is not rebooted between tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-issuemap-test-")
	if err != nil {
		panic(err)
	}
	engineDir = dir
	keep, err := chdb.Connect(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdb:", err)
		os.Exit(1)
	}
	code := m.Run()
	keep.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// openStore opens a fresh, migrated database on the package's engine.
func openStore(t testing.TB, db string) store.Backend {
	t.Helper()
	b, err := chdb.Open(engineDir, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	ctx := context.Background()
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	return b
}
