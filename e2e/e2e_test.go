// Package e2e runs the pantau binary as an operator would: real processes,
// embedded NATS and chDB, a local outlet over HTTP, and the Debian
// ClickHouse server for the native backend.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
)

var pantauBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-e2e-")
	if err != nil {
		panic(err)
	}
	pantauBin = filepath.Join(dir, "pantau")
	build := exec.Command("go", "build", "-o", pantauBin, "../cmd/pantau")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building pantau:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// pantau runs the binary to completion.
func pantau(t testing.TB, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if len(args) > 0 && (args[0] == "run" || args[0] == "demo") {
		// Only the pipeline commands serve metrics (and take the option).
		// They serve the web app on api-addr too: nothing on a fixed port
		// (parallel test packages and other users of this machine); a
		// test that wants either names its own free address after these.
		args = append([]string{args[0], "--metrics-addr", "", "--api-addr", ""}, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, pantauBin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running pantau %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("pantau %v timed out after %s\nstderr:\n%s", args, timeout, r.stderr)
	}
	return r
}

// site serves n bundled articles as an outlet, plus a broken feed and a
// missing one.
func site(t *testing.T, n int, pageDelay time.Duration) *httptest.Server {
	t.Helper()
	arts, err := indosum.Articles()
	if err != nil {
		t.Fatal(err)
	}
	if n > len(arts) {
		n = len(arts)
	}
	outlet := &indosum.Site{Name: "Outlet Uji", Articles: arts[:n]}
	mux := http.NewServeMux()
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, "<html><body>this is not a feed <rss><item>")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if pageDelay > 0 && strings.HasPrefix(r.URL.Path, "/berita/") {
			time.Sleep(pageDelay)
		}
		outlet.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func writeSources(t *testing.T, base string, extra bool) string {
	t.Helper()
	y := fmt.Sprintf(`- name: Outlet Uji
  feed: %[1]s/rss.xml
  site: %[1]s
  region: Kota Samarinda
  allow_private: true
`, base)
	if extra {
		y += fmt.Sprintf(`- name: Feed Hilang
  feed: %[1]s/tidak-ada.xml
  region: Kota Balikpapan
  allow_private: true
- name: Feed Rusak
  feed: %[1]s/broken.xml
  region: Kabupaten Kutai Kartanegara
  allow_private: true
- name: Outlet Terlarang
  feed: %[1]s/rss.xml
  region: Kalimantan Timur
`, base)
	}
	p := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sqlOne(t testing.TB, data string, extra []string, q string) string {
	t.Helper()
	args := append([]string{"sql", "--data", data}, extra...)
	r := pantau(t, time.Minute, append(args, q)...)
	if r.code != 0 {
		t.Fatalf("pantau sql %q: exit %d\n%s", q, r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("pantau sql %q printed %q, want a header and one row", q, r.stdout)
	}
	return lines[1]
}

// TestRunOnceEndToEnd: feed → NATS → classifier → chDB → query; every
// article stored exactly once, also after a second run; bad sources are
// logged by name and do not stop the others.
func TestRunOnceEndToEnd(t *testing.T) {
	srv := site(t, 60, 0)
	sources := writeSources(t, srv.URL, true)
	data := t.TempDir()
	args := []string{"run", "--once", "--config", sources, "--data", data, "--host-delay", "0s"}
	r := pantau(t, 3*time.Minute, args...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "60 artikel baru") || !strings.Contains(r.stdout, "60 tersimpan") {
		t.Fatalf("summary %q", r.stdout)
	}
	for _, name := range []string{"Feed Hilang", "Feed Rusak", "Outlet Terlarang"} {
		if !strings.Contains(r.stderr, `source="`+name+`"`) || !strings.Contains(r.stderr, "sumber gagal") {
			t.Errorf("log does not name failing source %q:\n%s", name, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "HTTP 404") || !strings.Contains(r.stderr, "refusing private or loopback address") {
		t.Errorf("log lacks the reasons (404, private address):\n%s", r.stderr)
	}
	q := "SELECT count(), uniqExact(id), countIf(text != ''), countIf(label IN ('positif','netral','berpotensi negatif','negatif')) FROM pantau.mentions FINAL"
	if got := sqlOne(t, data, nil, q); got != "60\t60\t60\t60" {
		t.Fatalf("mentions: %q, want 60 of each", got)
	}
	// Source health for analysts.
	hr := pantau(t, time.Minute, "sources", "--config", sources, "--data", data)
	for _, want := range []string{"Outlet Uji", "sehat", "Feed Hilang", "gagal", "HTTP 404", "Outlet Terlarang"} {
		if !strings.Contains(hr.stdout, want) {
			t.Errorf("pantau sources lacks %q:\n%s%s", want, hr.stdout, hr.stderr)
		}
	}
	// The extracted text is the article, not the page's boilerplate.
	if got := sqlOne(t, data, nil, "SELECT countIf(position(text, 'Promo kredit') > 0 OR position(text, 'Hak cipta') > 0) FROM pantau.mentions"); got != "0" {
		t.Errorf("%s stored texts contain page boilerplate", got)
	}

	r = pantau(t, 3*time.Minute, args...)
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "0 artikel baru") {
		t.Errorf("second summary %q", r.stdout)
	}
	if got := sqlOne(t, data, nil, "SELECT count(), uniqExact(id) FROM pantau.mentions FINAL"); got != "60\t60" {
		t.Fatalf("after second run: %q, want 60 60", got)
	}

	// JSON lines keep numbers as numbers.
	jr := pantau(t, time.Minute, "sql", "--data", data, "--format", "json", "SELECT count() AS n, 'x' AS s")
	if strings.TrimSpace(jr.stdout) != `{"n":1,"s":"x"}` {
		t.Errorf("json output %q", jr.stdout)
	}
}

// TestKillAndRestart kills the running pipeline with SIGKILL while it is
// storing, restarts it, and checks nothing was lost or counted twice.
func TestKillAndRestart(t *testing.T) {
	srv := site(t, 300, 3*time.Millisecond)
	sources := writeSources(t, srv.URL, false)
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(pantauBin, "run", "--config", sources, "--data", data, "--host-delay", "0s",
		"--metrics-addr", addr, "--api-addr=", "--writer-flush", "100ms", "--writer-batch", "20")
	var errb lockedBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if stored := scrape(addr, "pantau_stored_total"); stored >= 40 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("pipeline stored nothing in time:\n%s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	r := pantau(t, 3*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s", "--ack-wait", "3s")
	if r.code != 0 {
		t.Fatalf("restart: exit %d\n%s", r.code, r.stderr)
	}
	if got := sqlOne(t, data, nil, "SELECT count(), uniqExact(id) FROM pantau.mentions FINAL"); got != "300\t300" {
		t.Fatalf("after kill and restart: %q, want 300 300\nrestart log:\n%s", got, r.stderr)
	}
}

// scrape reads one unlabelled metric from a /metrics endpoint.
func scrape(addr, name string) float64 {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(line, name+" ") {
			var v float64
			fmt.Sscan(strings.TrimPrefix(line, name+" "), &v)
			return v
		}
	}
	return 0
}

// TestStoreDownThenNativeServer runs the pipeline against a ClickHouse
// that is not there: the error is logged, nothing is acknowledged, the run
// fails as not drained, and the next run against the real Debian server
// stores every article from the bus without crawling again.
func TestStoreDownThenNativeServer(t *testing.T) {
	srv := site(t, 40, 0)
	sources := writeSources(t, srv.URL, false)
	data := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	r := pantau(t, 2*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s",
		"--clickhouse-dsn", "clickhouse://default@"+dead+"/pantau", "--drain-timeout", "4s")
	if r.code != 4 || !strings.Contains(r.stderr, "pipeline belum tuntas dalam drain-timeout 4s") {
		t.Fatalf("exit %d, want 4 (not drained)\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "store unavailable") || !strings.Contains(r.stdout, "0 tersimpan") {
		t.Fatalf("want a logged unavailable store and nothing stored; stdout %q\n%s", r.stdout, r.stderr)
	}

	ch := chtest.Start(t)
	dsn := ch.DSN("pantau")
	r = pantau(t, 2*time.Minute, "run", "--once", "--config", sources, "--data", data, "--host-delay", "0s", "--clickhouse-dsn", dsn)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "0 artikel baru") || !strings.Contains(r.stdout, "40 tersimpan") {
		t.Fatalf("second run should store the 40 waiting articles without re-crawling: %q\n%s", r.stdout, r.stderr)
	}
	if got := sqlOne(t, data, []string{"--clickhouse-dsn", dsn}, "SELECT count(), uniqExact(id) FROM pantau.mentions FINAL"); got != "40\t40" {
		t.Fatalf("native mentions: %q", got)
	}
}

// TestConfigMasksSecrets checks `pantau config` and a bad sources line.
func TestConfigMasksSecrets(t *testing.T) {
	r := pantau(t, time.Minute, "config", "--clickhouse-dsn", "clickhouse://pantau:rahasia@db:9000/pantau")
	if r.code != 0 || strings.Contains(r.stdout, "rahasia") || !strings.Contains(r.stdout, "pantau:******@db:9000") {
		t.Fatalf("config output (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	bad := filepath.Join(t.TempDir(), "s.yaml")
	os.WriteFile(bad, []byte("- name: A\n  feed: http://a.example/rss\n- name: B\n  region: X\n"), 0o644)
	r = pantau(t, time.Minute, "config", "--config", bad)
	if r.code != 2 || !strings.Contains(r.stderr, "s.yaml baris 3") || !strings.Contains(r.stderr, `sumber "B" tidak punya feed maupun site`) {
		t.Fatalf("bad sources (exit %d): %s", r.code, r.stderr)
	}
}
