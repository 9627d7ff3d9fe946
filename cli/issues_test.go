package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestIssuesJSONGolden: `pantau issues --json` over a fixture with an
// injected spike and a negative turn, for a fixed period.
func TestIssuesJSONGolden(t *testing.T) {
	data := t.TempDir()
	b, err := chdb.Open(filepath.Join(data, "clickhouse"), "pantau")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close() // keeps the engine up while the command runs
	ctx := context.Background()
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, crawler.WITA)
	storetest.IssueFixture(t, b, until)
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(args, &out, &errb); code != 0 {
			t.Fatalf("pantau %v: exit %d\n%s", args, code, errb.String())
		}
		return out.String()
	}
	got := run("issues", "--data", data, "--metrics-addr", "", "--since", "30d", "--until", "2024-06-12", "--json")
	golden := filepath.Join("testdata", "issues.golden.json")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("pantau issues --json changed:\n%s", got)
	}
	table := run("issues", "--data", data, "--metrics-addr", "", "--since", "30d", "--until", "2024-06-12", "--region", "Kota Balikpapan")
	if !bytes.Contains([]byte(table), []byte("isu-spike")) || bytes.Contains([]byte(table), []byte("isu-steady")) ||
		!bytes.Contains([]byte(table), []byte("respons cepat (tinggi)")) {
		t.Errorf("table:\n%s", table)
	}
}
