package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestHelpOfEveryCommand runs the binary's help for each command it lists:
// in Bahasa Indonesia, with examples and exit codes, and only that
// command's options (the pipeline's only on run, demo and config).
func TestHelpOfEveryCommand(t *testing.T) {
	r := pantau(t, time.Minute, "help")
	if r.code != 0 {
		t.Fatalf("pantau help: exit %d %s", r.code, r.stderr)
	}
	names := regexp.MustCompile(`(?m)^  ([a-z]+) `).FindAllStringSubmatch(r.stdout, -1)
	if len(names) < 15 {
		t.Fatalf("pantau help lists %d commands:\n%s", len(names), r.stdout)
	}
	english := regexp.MustCompile(`\b(Usage|default|Options|Examples|Exit codes|the|with|file)\b`)
	for _, m := range names {
		cmd := m[1]
		h := pantau(t, time.Minute, "help", cmd)
		if h.code != 0 || !strings.Contains(h.stdout, "Penggunaan: pantau "+cmd) || !strings.Contains(h.stdout, "Contoh:") ||
			!strings.Contains(h.stdout, "Kode keluar:") || !strings.Contains(h.stdout, "--config") || !strings.Contains(h.stdout, "--data") {
			t.Errorf("pantau help %s (exit %d):\n%s%s", cmd, h.code, h.stdout, h.stderr)
			continue
		}
		prose := regexp.MustCompile(`(?m)^  pantau .*$|--[a-z-]+`).ReplaceAllString(h.stdout, "")
		if w := english.FindString(prose); w != "" {
			t.Errorf("pantau help %s has English (%q):\n%s", cmd, w, h.stdout)
		}
		pipeline := strings.Contains(h.stdout, "--writer-batch") || strings.Contains(h.stdout, "--stages")
		if pipeline != (cmd == "run" || cmd == "demo" || cmd == "config") {
			t.Errorf("pantau help %s lists pipeline options: %v", cmd, pipeline)
		}
	}
	if r := pantau(t, time.Minute, "issues", "--writer-batch", "5"); r.code != 2 || !strings.Contains(r.stderr, "opsi --writer-batch tidak dikenal") {
		t.Errorf("issues --writer-batch: exit %d %s", r.code, r.stderr)
	}
}

// TestSQLUnprefixedAndReadOnly: pantau sql runs in Pantau's database and
// the engine refuses what would change it.
func TestSQLUnprefixedAndReadOnly(t *testing.T) {
	data := t.TempDir()
	if r := pantau(t, time.Minute, "sql", "--data", data, "SELECT count() FROM mentions"); r.code != 1 || !strings.Contains(r.stderr, "pantau migrate") {
		t.Errorf("before migrate: exit %d %s", r.code, r.stderr)
	}
	if r := pantau(t, time.Minute, "migrate", "--data", data); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	if got := sqlOne(t, data, nil, "SELECT count() FROM mentions"); got != "0" {
		t.Errorf("unprefixed count: %q", got)
	}
	for _, stmt := range []string{"DROP TABLE issues", "INSERT INTO issues (id) VALUES ('x')", "ALTER TABLE mentions DROP COLUMN url"} {
		if r := pantau(t, time.Minute, "sql", "--data", data, stmt); r.code != 1 || !strings.Contains(r.stderr, "hanya-baca") {
			t.Errorf("%s: exit %d %s", stmt, r.code, r.stderr)
		}
	}
	if got := sqlOne(t, data, nil, "SELECT count() FROM issues"); got != "0" {
		t.Errorf("issues after a refused DROP: %q", got)
	}
	r := pantau(t, time.Minute, "sql", "--data", data, "--format", "json", "SELECT ['Kota Samarinda'] AS regions, toUInt8(3) AS n")
	if strings.TrimSpace(r.stdout) != `{"regions":["Kota Samarinda"],"n":3}` {
		t.Errorf("typed JSON: %q %s", r.stdout, r.stderr)
	}
}
