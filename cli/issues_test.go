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
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, crawler.WITA)
	data := fixtureStore(t, func(b store.Backend) { storetest.IssueFixture(t, b, until) })
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
		!bytes.Contains([]byte(table), []byte("respons cepat (tinggi)")) ||
		!bytes.Contains([]byte(table), []byte("TAHAP")) || !bytes.Contains([]byte(table), []byte("meningkat sejak 11 Jun (")) {
		t.Errorf("table:\n%s", table)
	}
}

// TestIssueSearchAndTrendForAnalysts: an issue is found by id without a
// --since that covers it; search shows the year and each mention's id;
// English errors from the store do not reach the analyst.
func TestIssueSearchAndTrendForAnalysts(t *testing.T) {
	data := fixtureStore(t, func(b store.Backend) { storetest.IssueFixture(t, b, time.Date(2024, 6, 12, 0, 0, 0, 0, news.WITA)) })
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(args, &out, &errb); code != want {
			t.Fatalf("pantau %v: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
		}
		return out.String(), errb.String()
	}
	out, _ := run(0, "issue", "isu-steady", "--data", data)
	if !strings.Contains(out, "Pemberitaan: 30 ") || !strings.Contains(out, "Artikel (30 terbaru)") || !strings.Contains(out, "\nTahap: ") {
		t.Errorf("pantau issue without --since:\n%s", out)
	}
	_, errOut := run(1, "issue", "isu-steady", "--data", data, "--since", "7d")
	if !strings.Contains(errOut, "tidak ditemukan dalam 7 hari terakhir") || !strings.Contains(errOut, "tanpa --since") {
		t.Errorf("outside --since: %s", errOut)
	}
	out, _ = run(0, "search", "steady hari 3", "--data", data, "--since", "10000d")
	id := news.IDFor("steady/3/0")
	if !strings.Contains(out, " Jun 2024 ") || !strings.Contains(out, "id "+id) {
		t.Errorf("search lacks the year or the mention id %s:\n%s", id, out)
	}
	// --region as analysts write it; an unknown region names the known ones.
	out, _ = run(0, "issues", "--data", data, "--since", "30d", "--until", "2024-06-12", "--region", "samarinda")
	if !strings.Contains(out, "isu-steady") || strings.Contains(out, "isu-spike") {
		t.Errorf("issues --region samarinda:\n%s", out)
	}
	_, errOut = run(2, "issues", "--data", data, "--region", "Sumatra")
	if !strings.Contains(errOut, `wilayah "Sumatra" tidak dikenal`) || !strings.Contains(errOut, "Kota Balikpapan") {
		t.Errorf("issues --region Sumatra: %s", errOut)
	}
	// A cut list says so; a whole one does not.
	out, _ = run(0, "issues", "--data", data, "--since", "30d", "--until", "2024-06-12", "--limit", "1")
	if strings.Count(out, "\nisu-") != 1 || !strings.Contains(out, "masih ada isu lain: --limit 50") {
		t.Errorf("issues --limit 1:\n%s", out)
	}
	out, _ = run(0, "issues", "--data", data, "--since", "30d", "--until", "2024-06-12", "--limit", "100")
	if strings.Count(out, "\nisu-") < 2 || strings.Contains(out, "masih ada") {
		t.Errorf("issues --limit 100:\n%s", out)
	}
	// Nothing found: the period in words, and a longer one to try.
	out, _ = run(0, "search", "tidak ada di mana pun", "--data", data, "--since", "2w")
	if !strings.Contains(out, "dalam 2 pekan terakhir. Periode lebih panjang: --since 30d") {
		t.Errorf("search without results: %s", out)
	}
	// trend by label (the default): one row per day, each label a column.
	out, _ = run(0, "trend", "--data", data, "--since", "3d", "--until", "2024-06-12")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || strings.Join(strings.Fields(lines[0]), " ") != "TANGGAL (WITA) JUMLAH POS NET BERPOT NEG NEG+BERPOT" ||
		!strings.HasPrefix(lines[3], "Selasa, 11 Juni 2024") || strings.Contains(out, "berpotensi negatif") {
		t.Errorf("trend by label, 3 days:\n%s", out)
	}
	_, errOut = run(2, "trend", "--data", data, "--by", "kota")
	if !strings.Contains(errOut, `--by "kota" tidak dikenal; pilih label, region, outlet, opd, issue, jenis, platform`) {
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

// TestMediaFlags: --jenis and --platform select the same mentions in
// issues, issue, trend and search; a wrong value is a usage error that
// names what is accepted.
func TestMediaFlags(t *testing.T) {
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, news.WITA)
	data := fixtureStore(t, func(b store.Backend) { storetest.InsertMediaFixture(t, b, until) })
	run := func(want int, args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		args = append(args, "--data", data)
		if code := Main(args, &out, &errb); code != want {
			t.Fatalf("pantau %v: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
		}
		return out.String(), errb.String()
	}
	period := []string{"--since", "7d", "--until", "2024-06-12"}

	out, _ := run(0, append([]string{"issues", "--jenis", "media-sosial"}, period...)...)
	if !strings.Contains(out, "isu-media") || strings.Contains(out, "isu-rilis") || !strings.Contains(out, "0 / 0 / 6") {
		t.Errorf("issues --jenis media-sosial:\n%s", out)
	}
	out, _ = run(0, append([]string{"issues"}, period...)...)
	if !strings.Contains(out, "4 / 2 / 6") || !strings.Contains(out, "0 / 2 / 0") || !strings.Contains(out, "MASSA / PERS / SOSMED") {
		t.Errorf("issues, where they spread:\n%s", out)
	}
	out, _ = run(0, append([]string{"issues", "--jenis", "media-massa", "--platform", "instagram"}, period...)...)
	if !strings.Contains(out, "Tidak ada isu di media massa (instagram) dalam") {
		t.Errorf("issues in news on instagram:\n%s", out)
	}

	out, _ = run(0, "issue", "isu-media", "--platform", "youtube")
	if !strings.Contains(out, "Pemberitaan di youtube: 2 ") || !strings.Contains(out, "Sebaran: media massa 0, siaran pers 0, media sosial 2") ||
		!strings.Contains(out, "Artikel (2 terbaru)") || !strings.Contains(out, "@akun_youtube (youtube)") {
		t.Errorf("issue --platform youtube:\n%s", out)
	}
	_, errOut := run(1, "issue", "isu-rilis", "--jenis", "media-sosial")
	if !strings.Contains(errOut, "isu isu-rilis tidak diberitakan di media sosial; tanpa --jenis/--platform") {
		t.Errorf("a press-release issue in social media: %s", errOut)
	}

	out, _ = run(0, append([]string{"trend", "--by", "jenis"}, period...)...)
	for _, w := range []string{"JENIS", "media massa", "siaran pers", "media sosial"} {
		if !strings.Contains(out, w) {
			t.Errorf("trend --by jenis lacks %q:\n%s", w, out)
		}
	}
	out, _ = run(0, append([]string{"trend", "--by", "platform", "--jenis", "media-sosial", "--json"}, period...)...)
	if strings.Contains(out, `"key":"web"`) || !strings.Contains(out, `"key":"instagram"`) {
		t.Errorf("trend --by platform --jenis media-sosial:\n%s", out)
	}

	out, _ = run(0, "search", "banjir", "--since", "10000d", "--jenis", "siaran-pers")
	if n := strings.Count(out, "(siaran pers)"); n != 4 || strings.Contains(out, "sosmed") {
		t.Errorf("search --jenis siaran-pers: %d press releases\n%s", n, out)
	}
	out, _ = run(0, "search", "banjir", "--since", "10000d", "--platform", "telegram")
	if !strings.Contains(out, `Tidak ada pemberitaan di telegram yang memuat "banjir"`) {
		t.Errorf("search --platform telegram:\n%s", out)
	}

	_, errOut = run(2, "issues", "--jenis", "koran")
	if !strings.Contains(errOut, `--jenis "koran" tidak dikenal; pilih media-massa, siaran-pers atau media-sosial`) {
		t.Errorf("--jenis koran: %s", errOut)
	}
	_, errOut = run(2, "search", "banjir", "--platform", "friendster")
	if !strings.Contains(errOut, `--platform "friendster" tidak dikenal; pilih web, youtube`) {
		t.Errorf("--platform friendster: %s", errOut)
	}
}

// fixtureStore makes a data dir whose embedded store holds what fill
// inserts; the engine stays open until the test ends, as pantau's
// commands share it in this process.
func fixtureStore(t *testing.T, fill func(b store.Backend)) string {
	t.Helper()
	data := t.TempDir()
	b, err := chdb.Open(filepath.Join(data, "clickhouse"), "pantau")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, err := store.Migrate(context.Background(), b, nil); err != nil {
		t.Fatal(err)
	}
	fill(b)
	return data
}
