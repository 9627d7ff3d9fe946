package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// TestSQLConsole: `pantau sql` reads Pantau's database unprefixed, is
// read-only unless --write (DROP TABLE succeeded silently before), prints
// typed JSON (arrays were strings), and names a missing table with the
// migrate hint.
func TestSQLConsole(t *testing.T) {
	data := fixtureStore(t, func(b store.Backend) { storetest.IssueFixture(t, b, time.Date(2024, 6, 12, 0, 0, 0, 0, news.WITA)) })
	sql := func(want int, args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append([]string{"sql", "--data", data}, args...), strings.NewReader(""), &out, &errb); code != want {
			t.Fatalf("pantau sql %v: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
		}
		return out.String(), errb.String()
	}
	if out, _ := sql(0, "SELECT count() FROM mentions FINAL"); out != "count()\n96\n" {
		t.Errorf("unprefixed count: %q", out)
	}
	out, _ := sql(0, "--format", "json", "SELECT id, regions, count() AS n FROM mentions FINAL WHERE issue_id = 'isu-turn' GROUP BY id, regions ORDER BY id LIMIT 1")
	if !strings.Contains(out, `"regions":["Kabupaten Berau"],"n":1}`) {
		t.Errorf("typed JSON: %s", out)
	}
	for _, stmt := range []string{"DROP TABLE issues", "ALTER TABLE mentions DELETE WHERE 1", "INSERT INTO issues (id) VALUES ('x')"} {
		if _, errOut := sql(1, stmt); !strings.Contains(errOut, "hanya-baca") || !strings.Contains(errOut, "--write") {
			t.Errorf("%s: %s", stmt, errOut)
		}
	}
	if out, _ := sql(0, "SELECT count() FROM issues FINAL"); out != "count()\n3\n" {
		t.Errorf("issues after refused writes: %q", out)
	}
	if _, errOut := sql(1, "SELECT * FROM mentionz"); !strings.Contains(errOut, "tabel mentionz tidak ada") || !strings.Contains(errOut, "pantau migrate") {
		t.Errorf("missing table: %s", errOut)
	}
	if _, errOut := sql(2, "SELECT 1 FORMAT JSON"); !strings.Contains(errOut, "--format") {
		t.Errorf("own FORMAT: %s", errOut)
	}
	// Not on a terminal, --write needs no question.
	sql(0, "--write", "INSERT INTO label_corrections (id, label) VALUES ('a', 'negatif')")
	if out, _ := sql(0, "SELECT id, label FROM label_corrections"); out != "id\tlabel\na\tnegatif\n" {
		t.Errorf("after --write: %q", out)
	}
	if out, _ := sql(0, "SELECT ['a', 'b\tc'] AS xs, NULL AS n, 'x\ty' AS s"); out != "xs\tn\ts\n[\"a\",\"b\\\\tc\"]\t\\N\tx\\ty\n" {
		t.Errorf("TSV of arrays, NULL and tabs: %q", out)
	}
}

// TestMigrateRepairsADroppedTable: a table dropped after its migration was
// recorded comes back with pantau migrate (it did not before), and the
// output says what was made again.
func TestMigrateRepairsADroppedTable(t *testing.T) {
	data := t.TempDir()
	run1 := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(append(args, "--data", data), strings.NewReader(""), &out, &errb); code != want {
			t.Fatalf("pantau %v: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	if out := run1(0, "migrate"); !strings.Contains(out, "tabel dan view ada semua") {
		t.Errorf("first migrate: %s", out)
	}
	run1(0, "sql", "--write", "DROP TABLE issues")
	if out := run1(1, "sql", "SELECT count() FROM issues"); !strings.Contains(out, "tabel issues tidak ada") {
		t.Errorf("after DROP: %s", out)
	}
	if out := run1(0, "migrate"); !strings.Contains(out, "dibuat lagi: issues (kosong") {
		t.Errorf("repairing migrate: %s", out)
	}
	if out := run1(0, "sql", "SELECT count() FROM issues"); out != "count()\n0\n" {
		t.Errorf("issues after repair: %q", out)
	}
}
