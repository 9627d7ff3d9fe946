package chdb

import (
	"context"
	"errors"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

func TestBackendConformance(t *testing.T) {
	storetest.Run(t, testBackend(t, "conformance"))
}

func TestUpgradeAndRepair(t *testing.T) {
	storetest.Upgrade(t, testBackend(t, "upgrade"))
}

func TestQueryParamsAreNotSpliced(t *testing.T) {
	b := testBackend(t, "params")
	res, err := b.Query(context.Background(), "SELECT {s:String} AS s", map[string]string{"s": "x'; DROP DATABASE params; --"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[0][0] != "x'; DROP DATABASE params; --" {
		t.Fatalf("got %q", res.Rows[0][0])
	}
}

// TestEngineErrorsClassified: an error that may pass (too many parts, as
// a busy or full disk gives) is store.ErrUnavailable, as on the server;
// a wrong statement is not.
func TestEngineErrorsClassified(t *testing.T) {
	ctx := context.Background()
	b := testBackend(t, "classify")
	if err := b.Exec(ctx, "DROP DATABASE IF EXISTS classify"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Exec(ctx, "ALTER TABLE classify.mentions MODIFY SETTING parts_to_throw_insert = 1"); err != nil {
		t.Fatal(err)
	}
	if err := b.InsertMentions(ctx, storetest.Rows(2, "parts-a")); err != nil {
		t.Fatal(err)
	}
	err := b.InsertMentions(ctx, storetest.Rows(2, "parts-b"))
	var e *Error
	if !errors.Is(err, store.ErrUnavailable) || !errors.As(err, &e) || e.Code != 252 {
		t.Fatalf("too many parts: %v (want store unavailable, code 252)", err)
	}
	err = b.Exec(ctx, "SELECT * FROM classify.tidak_ada")
	if !errors.As(err, &e) || e.Code != 60 || errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("unknown table: %v (want code 60, permanent)", err)
	}
	if err := b.Exec(ctx, "ALTER TABLE classify.mentions MODIFY SETTING parts_to_throw_insert = 3000"); err != nil {
		t.Fatal(err)
	}
	if err := b.InsertMentions(ctx, storetest.Rows(2, "parts-b")); err != nil {
		t.Fatalf("after lifting: %v", err)
	}
}
