package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/news"
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
	got := run("issues", "--data", data, "--since", "30d", "--until", "2024-06-12", "--json")
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
	table := run("issues", "--data", data, "--since", "30d", "--until", "2024-06-12", "--region", "Kota Balikpapan")
	if !bytes.Contains([]byte(table), []byte("isu-spike")) || bytes.Contains([]byte(table), []byte("isu-steady")) ||
		!bytes.Contains([]byte(table), []byte("respons cepat (tinggi)")) {
		t.Errorf("table:\n%s", table)
	}
}

// TestIssueSearchAndTrendForAnalysts: an issue is found by id without a
// --since that covers it; search shows the year and each mention's id;
// English errors from the store do not reach the analyst.
func TestIssueSearchAndTrendForAnalysts(t *testing.T) {
	data := t.TempDir()
	b, err := chdb.Open(filepath.Join(data, "clickhouse"), "pantau")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if _, err := store.Migrate(ctx, b, nil); err != nil {
		t.Fatal(err)
	}
	storetest.IssueFixture(t, b, time.Date(2024, 6, 12, 0, 0, 0, 0, news.WITA))
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(args, &out, &errb); code != want {
			t.Fatalf("pantau %v: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
		}
		return out.String(), errb.String()
	}
	out, _ := run(0, "issue", "isu-steady", "--data", data)
	if !strings.Contains(out, "Pemberitaan: 30 ") || !strings.Contains(out, "Artikel (30 terbaru)") {
		t.Errorf("pantau issue without --since:\n%s", out)
	}
	_, errOut := run(1, "issue", "isu-steady", "--data", data, "--since", "7d")
	if !strings.Contains(errOut, "tidak ditemukan dalam 7d terakhir") || !strings.Contains(errOut, "tanpa --since") {
		t.Errorf("outside --since: %s", errOut)
	}
	out, _ = run(0, "search", "steady hari 3", "--data", data, "--since", "10000d")
	id := news.IDFor("steady/3/0")
	if !strings.Contains(out, "/06/2024 ") || !strings.Contains(out, "id "+id) {
		t.Errorf("search lacks the year or the mention id %s:\n%s", id, out)
	}
	_, errOut = run(2, "trend", "--data", data, "--by", "kota")
	if !strings.Contains(errOut, `--by "kota" tidak dikenal; pilih label, region, outlet, opd, issue`) {
		t.Errorf("trend --by kota: %s", errOut)
	}
	_, errOut = run(2, "trend", "--data", data, "--interval", "menit")
	if strings.Contains(errOut, "unknown") || !strings.Contains(errOut, "tidak dikenal") {
		t.Errorf("trend --interval menit: %s", errOut)
	}
	_, errOut = run(1, "label", "tidak-ada", "negatif", "--data", data)
	if strings.Contains(errOut, "no such mention") || !strings.Contains(errOut, "artikel tidak-ada tidak ada di basis data") {
		t.Errorf("label of an unknown mention: %s", errOut)
	}
}
