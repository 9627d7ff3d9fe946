package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tableRows is `table rows` per line for every table of the store that
// holds rows, as `pantau sql` reads them (FINAL where ReplacingMergeTree
// folds a row's versions).
func tableRows(t *testing.T, data string) string {
	t.Helper()
	r := pantau(t, time.Minute, "sql", "--data", data,
		"SELECT name, engine LIKE 'Replacing%' FROM system.tables WHERE database = 'pantau' AND engine LIKE '%MergeTree' ORDER BY name")
	if r.code != 0 {
		t.Fatalf("listing tables: exit %d\n%s", r.code, r.stderr)
	}
	var parts []string
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		name, replacing, _ := strings.Cut(line, "\t")
		final := ""
		if replacing == "1" {
			final = " FINAL"
		}
		parts = append(parts, "SELECT '"+name+"' AS t, count() AS n FROM pantau."+name+final)
	}
	r = pantau(t, time.Minute, "sql", "--data", data, "SELECT t, n FROM ("+strings.Join(parts, " UNION ALL ")+") ORDER BY t")
	if r.code != 0 {
		t.Fatalf("counting rows: exit %d\n%s", r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// TestBackupRestore: a store filled by `pantau run --once` (and an
// analyst's correction) is backed up, restored into a fresh data dir, and
// every table holds the same rows there; the restored store runs on
// (the crawler's state came along: nothing is new the second time); a
// backup is refused while `pantau run` holds the store, and a restore into
// a store that holds data is refused.
func TestBackupRestore(t *testing.T) {
	srv := site(t, 40, 0)
	sources := writeSources(t, srv.URL, false)
	data := t.TempDir()
	if r := pantau(t, 3*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s"); r.code != 0 {
		t.Fatalf("run --once: exit %d\n%s", r.code, r.stderr)
	}
	id := sqlOne(t, data, nil, "SELECT min(id) FROM pantau.mentions")
	if r := pantau(t, time.Minute, "label", id, "negatif", "--by", "uji", "--data", data); r.code != 0 {
		t.Fatalf("label: exit %d\n%s", r.code, r.stderr)
	}
	before := tableRows(t, data)
	if !strings.Contains(before, "mentions\t40") || !strings.Contains(before, "label_corrections\t1") {
		t.Fatalf("store before the backup:\n%s", before)
	}

	backup := filepath.Join(t.TempDir(), "cadangan")
	r := pantau(t, 2*time.Minute, "backup", backup, "--data", data)
	if r.code != 0 {
		t.Fatalf("backup: exit %d\n%s", r.code, r.stderr)
	}
	t.Log(strings.TrimSpace(r.stdout))
	for _, p := range []string{"MANIFEST.json", "clickhouse", "nats"} {
		if _, err := os.Stat(filepath.Join(backup, p)); err != nil {
			t.Errorf("backup lacks %s: %v", p, err)
		}
	}
	if r := pantau(t, time.Minute, "backup", backup, "--data", data); r.code != 2 || !strings.Contains(r.stderr, "sudah berisi") {
		t.Errorf("backup into a full directory: exit %d\n%s", r.code, r.stderr)
	}

	restored := t.TempDir()
	r = pantau(t, 2*time.Minute, "restore", backup, "--data", restored)
	if r.code != 0 {
		t.Fatalf("restore: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	t.Log(strings.TrimSpace(r.stdout))
	if after := tableRows(t, restored); after != before {
		t.Fatalf("rows per table after restore:\n%s\nbefore:\n%s", after, before)
	}
	if got := sqlOne(t, restored, nil, "SELECT label FROM pantau.label_corrections"); got != "negatif" {
		t.Errorf("restored correction: %q", got)
	}
	r = pantau(t, 3*time.Minute, "run", "--once", "--config", sources, "--data", restored, "--host-delay", "0s")
	if r.code != 0 || !strings.Contains(r.stdout, " 0 artikel baru") || !strings.Contains(r.stdout, "total 40 artikel") {
		t.Errorf("run --once on the restored store: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := pantau(t, time.Minute, "restore", backup, "--data", restored); r.code != 2 || !strings.Contains(r.stderr, "sudah berisi") {
		t.Errorf("restore over a store with data: exit %d\n%s", r.code, r.stderr)
	}

	// While `pantau run` holds the store, a backup says to stop it first.
	run := exec.Command(pantauBin, "run", "--config", sources, "--data", data, "--host-delay", "0s", "--metrics-addr", "", "--api-addr=")
	var runErr lockedBuffer
	run.Stderr = &runErr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { run.Process.Kill(); run.Wait() }()
	for deadline := time.Now().Add(time.Minute); !strings.Contains(runErr.String(), "bus opened"); {
		if time.Now().After(deadline) {
			t.Fatalf("pantau run did not start:\n%s", runErr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	r = pantau(t, time.Minute, "backup", filepath.Join(t.TempDir(), "b2"), "--data", data)
	if r.code == 0 || !strings.Contains(r.stderr, "systemctl stop pantau") {
		t.Errorf("backup while pantau run holds the store: exit %d\n%s", r.code, r.stderr)
	}
}

// lockedBuffer is a bytes.Buffer a child process writes while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
