package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadPrecedenceAndSecretsFile(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "pantau.yaml")
	os.WriteFile(cfgFile, []byte("poll_interval: 5m\nworkers: 2\nsources:\n  - name: A\n    feed: https://a.example/rss\n    region: Kota Samarinda\n"), 0o644)
	secret := filepath.Join(dir, "dsn")
	os.WriteFile(secret, []byte("clickhouse://u:p@h:9000/pantau\n"), 0o600)
	env := map[string]string{
		"PANTAU_WORKERS":             "3",
		"PANTAU_CLICKHOUSE_DSN_FILE": secret,
	}
	c, err := Load(map[string]string{"config": cfgFile, "workers": "7"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.PollInterval != 5*time.Minute {
		t.Errorf("poll interval from file: %s", c.PollInterval)
	}
	if c.Workers != 7 {
		t.Errorf("flag must win over env and file: workers %d", c.Workers)
	}
	if c.ClickHouseDSN != "clickhouse://u:p@h:9000/pantau" {
		t.Errorf("dsn from _FILE: %q", c.ClickHouseDSN)
	}
	if len(c.Sources) != 1 || c.Sources[0].Region != "Kota Samarinda" || c.Sources[0].Line != 4 {
		t.Errorf("sources %+v", c.Sources)
	}
	if out := c.Print(); strings.Contains(out, ":p@") || !strings.Contains(out, "u:******@h:9000") {
		t.Errorf("secret not masked:\n%s", out)
	}
}

func TestDefaultSourcesParse(t *testing.T) {
	c, err := Load(map[string]string{}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) < 10 {
		t.Fatalf("shipped sources: %d", len(c.Sources))
	}
	for _, s := range c.Sources {
		if s.AllowPrivate || s.Region == "" {
			t.Errorf("shipped source %+v", s)
		}
	}
}

func TestBadInputNamesTheLine(t *testing.T) {
	f := func(yaml, want string) {
		t.Helper()
		_, err := ParseSources("s.yaml", []byte(yaml))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSources(%q) = %v, want error containing %q", yaml, err, want)
		}
	}
	f("- name: A\n  feed: ftp://x/rss\n", `line 1: source "A": "ftp://x/rss" is not an http(s) URL`)
	f("- name: A\n  feed: http://x/rss\n- name: A\n  site: http://y/\n", `line 3: source "A" already defined on line 1`)
	f("- name: A\n  feeds: http://x/rss\n", `line 2: unknown field "feeds"`)
	f("- name: A\n  site: http://x/\n  poll_interval: 5s\n", "below 30s")
	f("name: A\n", "want a list of sources")
	f("- [\n", "s.yaml")

	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("poll_intervall: 5m\n"), 0o644)
	if _, err := Load(map[string]string{"config": p}, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), `line 1: unknown option "poll_intervall"`) {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := Load(map[string]string{"poll-interval": "5s", "log-format": "xml"}, func(string) string { return "" }); err == nil ||
		!strings.Contains(err.Error(), "too short") || !strings.Contains(err.Error(), "log-format") {
		t.Errorf("validate: %v", err)
	}
}

// TestShippedSourcesCoverKaltim: every kabupaten/kota of Kaltim has a
// government source in the shipped list.
func TestShippedSourcesCoverKaltim(t *testing.T) {
	src, err := ParseSources("sources.yaml", DefaultSources)
	if err != nil {
		t.Fatal(err)
	}
	regions := map[string]bool{}
	for _, s := range src {
		if strings.Contains(s.Site, ".go.id") {
			regions[s.Region] = true
		}
	}
	for _, r := range []string{"Kalimantan Timur", "Kota Samarinda", "Kota Balikpapan", "Kota Bontang", "Kabupaten Paser",
		"Kabupaten Kutai Kartanegara", "Kabupaten Berau", "Kabupaten Kutai Barat", "Kabupaten Kutai Timur",
		"Kabupaten Penajam Paser Utara", "Kabupaten Mahakam Ulu"} {
		if !regions[r] {
			t.Errorf("no government source for %s", r)
		}
	}
}
