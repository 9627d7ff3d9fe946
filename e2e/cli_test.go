package e2e

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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

// TestRunOfflineSaysDemoWorks: when no source answers (no internet),
// `pantau run` (what make run starts) says that make demo works offline.
func TestRunOfflineSaysDemoWorks(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	sources := filepath.Join(t.TempDir(), "sources.yaml")
	os.WriteFile(sources, []byte("- name: Tak Terjangkau\n  feed: http://"+dead+"/rss.xml\n  region: Kota Samarinda\n  allow_private: true\n"), 0o644)
	cmd := exec.Command(pantauBin, "run", "--config", sources, "--data", t.TempDir(), "--metrics-addr", "", "--api-addr=", "--poll-interval", "1h")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() { // read to the end, so the process never blocks on a full pipe
			if !sent && strings.Contains(sc.Text(), "make demo") {
				found <- sc.Text()
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case line, ok := <-found:
		if !ok || !strings.Contains(line, "tidak satu pun dari 1 sumber dapat dijangkau") {
			t.Errorf("warning: %q", line)
		}
	case <-time.After(2 * time.Minute):
		t.Error("pantau run with no reachable source never pointed at make demo")
	}
}
