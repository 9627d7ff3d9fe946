package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

// dataDir is the data dir of the pipelines these tests open, and
// engineDir its chDB store: chDB runs one storage path per process, so
// the engine boots once and a connection stays open throughout.
var dataDir, engineDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-pipeline-test-")
	if err != nil {
		panic(err)
	}
	dataDir, engineDir = dir, filepath.Join(dir, "clickhouse")
	keep, err := chdb.Connect(engineDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdb:", err)
		os.Exit(1)
	}
	code := m.Run()
	keep.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}
