package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestDeadLettersReplayed: a store that refuses every row for a while
// (here a table constraint) sends the articles to the dead-letter stream
// instead of losing them; `pantau dlq list` shows them with the reason in
// Bahasa Indonesia columns, and after the cause is fixed `pantau dlq
// replay --all` brings every one into the store.
func TestDeadLettersReplayed(t *testing.T) {
	srv := site(t, 8, 0)
	sources := writeSources(t, srv.URL, false)
	data := t.TempDir()
	if r := pantau(t, time.Minute, "migrate", "--data", data); r.code != 0 {
		t.Fatalf("migrate: exit %d\n%s", r.code, r.stderr)
	}
	if r := pantau(t, time.Minute, "sql", "--write", "--data", data, "ALTER TABLE pantau.mentions ADD CONSTRAINT tolak CHECK id = ''"); r.code != 0 {
		t.Fatalf("adding the constraint: exit %d\n%s", r.code, r.stderr)
	}
	r := pantau(t, 3*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s")
	if r.code != 0 || !strings.Contains(r.stdout, "8 ke dead-letter") {
		t.Fatalf("run with the store refusing: exit %d, %q\n%s", r.code, r.stdout, r.stderr)
	}
	r = pantau(t, time.Minute, "dlq", "list", "--data", data)
	if r.code != 0 || !strings.Contains(r.stdout, "NO") || !strings.Contains(r.stdout, "ALASAN") ||
		strings.Count(r.stdout, "Constraint `tolak`") != 8 || !strings.Contains(r.stdout, "8 pesan;") {
		t.Fatalf("dlq list: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := pantau(t, time.Minute, "sql", "--write", "--data", data, "ALTER TABLE pantau.mentions DROP CONSTRAINT tolak"); r.code != 0 {
		t.Fatalf("dropping the constraint: exit %d\n%s", r.code, r.stderr)
	}
	r = pantau(t, time.Minute, "dlq", "replay", "--all", "--data", data)
	if r.code != 0 || !strings.Contains(r.stdout, "8 pesan dikirim ulang") {
		t.Fatalf("dlq replay: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = pantau(t, 3*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s")
	if r.code != 0 || !strings.Contains(r.stdout, "0 artikel baru") || !strings.Contains(r.stdout, "8 tersimpan") {
		t.Fatalf("run after the replay: exit %d, %q\n%s", r.code, r.stdout, r.stderr)
	}
	if got := sqlOne(t, data, nil, "SELECT count(), uniqExact(id) FROM pantau.mentions FINAL"); got != "8\t8" {
		t.Fatalf("after the replay: %q, want 8 8", got)
	}
	if r := pantau(t, time.Minute, "dlq", "list", "--data", data); !strings.Contains(r.stdout, "tidak ada pesan di dead-letter") {
		t.Fatalf("dlq list after the replay:\n%s%s", r.stdout, r.stderr)
	}
	if r := pantau(t, time.Minute, "dlq", "drop", "--data", data); r.code != 2 || !strings.Contains(r.stderr, "butuh nomor pesan atau --all") {
		t.Fatalf("dlq drop without numbers: exit %d\n%s", r.code, r.stderr)
	}
}
