package chdb

import (
	"context"
	"testing"

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
