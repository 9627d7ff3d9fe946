package chdb

import (
	"fmt"
	"os"
	"testing"
)

var sharedDir string

// TestMain starts one engine for the whole test binary and keeps one
// connection open throughout: chDB runs one storage path per process and is
// meant to boot once.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-chdb-test-")
	if err != nil {
		panic(err)
	}
	sharedDir = dir
	keep, err := Connect(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "connecting to chdb:", err)
		os.Exit(1)
	}
	code := m.Run()
	keep.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func testConn(t *testing.T) *Conn {
	t.Helper()
	c, err := Connect(sharedDir)
	if err != nil {
		t.Fatalf("connecting to chdb: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testBackend(t *testing.T, db string) *Backend {
	t.Helper()
	b, err := Open(sharedDir, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}
