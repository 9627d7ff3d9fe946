package store_test

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

var engineDir string

// TestMain boots one chDB engine for the package (one path per process)
// and keeps a connection open so it is not rebooted between tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-store-test-")
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
