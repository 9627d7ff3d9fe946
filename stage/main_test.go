package stage_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

var engineDir string

// TestMain boots one chDB engine for the package (one path per process)
// and keeps a connection open so it is not rebooted between tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-stage-test-")
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

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openBus(t *testing.T, dir string) *bus.Bus {
	t.Helper()
	b, err := bus.Open(context.Background(), bus.Options{StoreDir: dir, AckWait: time.Second}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func countRows(t *testing.T, b store.Backend) string {
	t.Helper()
	res, err := b.Query(context.Background(), "SELECT count() FROM "+b.Database()+".mentions FINAL", nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0][0]
}
