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
	f("- name: A\n  feed: ftp://x/rss\n", `s.yaml baris 1: sumber "A": "ftp://x/rss" bukan URL http(s)`)
	f("- name: A\n  feed: http://x/rss\n- name: A\n  site: http://y/\n", `s.yaml baris 3: sumber "A" sudah ditulis di baris 1`)
	f("- name: A\n  feeds: http://x/rss\n", `s.yaml baris 2: kolom "feeds" tidak dikenal`)
	f("- name: A\n  site: http://x/\n  poll_interval: 5s\n", "s.yaml baris 1: sumber \"A\": poll_interval 5s di bawah 30s")
	f("name: A\n", "s.yaml baris 1: isinya harus daftar sumber")
	f("- [\n", "s.yaml")
	// A value of the wrong type: its own line, in words.
	f("- name: A\n  site: http://x/\n  max_depth: dua\n", `s.yaml baris 3: "dua" bukan bilangan bulat`)
	f("- name: A\n  site: http://x/\n  poll_interval: sejam\n", `s.yaml baris 3: "sejam" bukan durasi`)
	f("- name: A\n  site: http://x/\n  comments: tidak\n", `s.yaml baris 3: "tidak" bukan true atau false`)
	f("", "s.yaml: tidak ada sumber")

	dir := t.TempDir()
	p := filepath.Join(dir, "c.yaml")
	os.WriteFile(p, []byte("poll_intervall: 5m\n"), 0o644)
	if _, err := Load(map[string]string{"config": p}, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), `baris 1: opsi "poll_intervall" tidak dikenal`) {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := Load(map[string]string{"poll-interval": "5s", "log-format": "xml"}, func(string) string { return "" }); err == nil ||
		!strings.Contains(err.Error(), "terlalu sering") || !strings.Contains(err.Error(), "log-format") {
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

func noEnv(string) string { return "" }

// loadFile loads a config file with the given content.
func loadFile(t *testing.T, content string) (*Config, string, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pantau.yaml")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(map[string]string{"config": p}, noEnv)
	return c, p, err
}

// TestConfigFileMistakesNameFileAndLine: each mistake names the file and
// the line it is on (before: a YAML mistake on line 4 of a mapping was
// reported on the mapping's first line, a bad value with no file or line).
func TestConfigFileMistakesNameFileAndLine(t *testing.T) {
	f := func(content, want string) {
		t.Helper()
		_, p, err := loadFile(t, content)
		if err == nil || !strings.Contains(err.Error(), p+" "+want) {
			t.Errorf("%q: %v, want %q", content, err, p+" "+want)
		}
	}
	f("sources:\n  - name: A\n    feed: https://a.example/rss\n\tregion: X\n", "baris 4: YAML tidak valid: karakter tab")
	f("poll_interval: 5m\nworkers: 2\nmetrics_addr: x\nlog_level: [debug\n", "baris 4: YAML tidak valid: kurung [ tidak ditutup")
	f("workers: 2\nlog_level: 'debug\nlog_format: text\n", "baris 2: YAML tidak valid")
	f("- name: A\n  feed: http://x.example/rss\n- name: B\n feed: http://y.example/rss\n", "baris 4: YAML tidak valid")
	f("workers: 2\nlog_level: info\npoll_interval: soon\n", `baris 3: poll-interval: "soon" bukan durasi`)
	f("workers: dua\n", `baris 1: workers: "dua" bukan bilangan bulat`)
	f("workers: 2\nsources: []\nworkers: 3\n", `baris 3: "workers" sudah ditulis di baris 1`)
	f("sources: \"\"\nsources:\n  - name: A\n    feed: http://x.example/rss\n", `baris 2: "sources" sudah ditulis di baris 1`)
	f("workers:\n  - 2\n", `baris 2: opsi "workers" memerlukan satu nilai`)
}

// TestEmptyConfigFileIsAnError: an empty file (or only comments) is an
// error, not a silent crawl of the shipped sources.
func TestEmptyConfigFileIsAnError(t *testing.T) {
	for _, content := range []string{"", "\n\n", "# nanti diisi\n", "---\n"} {
		if _, p, err := loadFile(t, content); err == nil || !strings.Contains(err.Error(), p+": berkas konfigurasi kosong") {
			t.Errorf("%q: %v", content, err)
		}
	}
}

// TestEnvAndFlagErrorsNameTheirSource: a bad value names the variable or
// flag it came from.
func TestEnvAndFlagErrorsNameTheirSource(t *testing.T) {
	_, err := Load(nil, func(k string) string { return map[string]string{"PANTAU_POLL_INTERVAL": "soon"}[k] })
	if err == nil || !strings.Contains(err.Error(), `PANTAU_POLL_INTERVAL: poll-interval: "soon" bukan durasi`) {
		t.Errorf("env: %v", err)
	}
	_, err = Load(map[string]string{"workers": "x"}, noEnv)
	if err == nil || !strings.Contains(err.Error(), `--workers: workers: "x" bukan bilangan bulat`) {
		t.Errorf("flag: %v", err)
	}
}

// TestPrintReadsBack: `pantau config > c.yaml` reads back with --config
// c.yaml to the same config (before: two sources: keys, and the masked
// secrets written as values).
func TestPrintReadsBack(t *testing.T) {
	dir := t.TempDir()
	sources := filepath.Join(dir, "sources.yaml")
	os.WriteFile(sources, []byte("- name: A\n  feed: https://a.example/rss\n  region: Kota Samarinda\n"), 0o644)
	env := map[string]string{"PANTAU_CLICKHOUSE_DSN": "clickhouse://u:pw1XYZ@h:9000/pantau", "PANTAU_NATS_URL": "nats://n:pw2XYZ@h:4222",
		"PANTAU_API_TOKEN": "tok://pw3XYZ"}
	for name, flags := range map[string]map[string]string{
		"shipped sources": {"poll-interval": "15m", "workers": "2", "user-agent": "Pantau: \"uji\" #1", "report-to": "a@x.id, b@y.id"},
		"sources file":    {"sources": sources, "log-level": "debug"},
	} {
		c, err := Load(flags, func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		out := c.Print()
		if strings.Contains(out, "XYZ") || !strings.Contains(out, "# clickhouse_dsn: clickhouse://u:******@h:9000/******") {
			t.Errorf("%s: secrets printed:\n%s", name, out)
		}
		if strings.Count(out, "\nsources:") != 1 {
			t.Errorf("%s: want one sources key:\n%s", name, out)
		}
		file := filepath.Join(dir, "c.yaml")
		os.WriteFile(file, []byte(out), 0o644)
		c2, err := Load(map[string]string{"config": file}, func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%s: reading the printed config back: %v\n%s", name, err, out)
		}
		if again := c2.Print(); again != out {
			t.Errorf("%s: printed config changed on reading back:\n%s\n---\n%s", name, out, again)
		}
		if c2.ClickHouseDSN != env["PANTAU_CLICKHOUSE_DSN"] || c2.Workers != c.Workers || len(c2.Sources) != len(c.Sources) {
			t.Errorf("%s: read back differs: %+v", name, c2)
		}
	}
}

// FuzzLoad: no config file makes Load panic, and whatever loads prints a
// config that loads back to the same print.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"",
		"poll_interval: 5m\nworkers: 2\n",
		"- name: A\n  feed: https://a.example/rss\n  region: Kota Samarinda\n",
		"sources:\n  - name: A\n    site: https://a.example\n    poll_interval: 1h\n    listings: [https://a.example/berita]\n    max_items: 10\n",
		"nats_url: nats://u:p@h:4222\nclickhouse_dsn: clickhouse://u:p@h/pantau?password=x\n",
		"workers: [\n",
		"a: &x 1\nb: *x\n",
		"sources: x.yaml\n",
		"log_level: null\nuser_agent: \"a\\tb\"\n",
		"- name: A\n  feed: ftp://x\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(map[string]string{"config": p}, noEnv)
		if err != nil {
			return
		}
		// Printed and read back, the config stays the same; secrets are
		// not written, so a config with secrets reaches that after one round.
		out := c.Print()
		for round := 0; round < 2; round++ {
			p2 := filepath.Join(dir, "printed.yaml")
			if err := os.WriteFile(p2, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			c2, err := Load(map[string]string{"config": p2}, noEnv)
			if err != nil {
				t.Fatalf("printed config does not load: %v\n%s", err, out)
			}
			again := c2.Print()
			if again == out {
				return
			}
			if round == 1 || !strings.Contains(out, "(tidak ditulis") {
				t.Fatalf("print changed on reading back:\n%s\n---\n%s", out, again)
			}
			out = again
		}
	})
}
