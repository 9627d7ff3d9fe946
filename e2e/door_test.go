package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// pantauIn runs the binary with stdin.
func pantauIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pantauBin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running pantau %v: %v", args, err)
	}
	return r
}

// TestCommandsWhileRunRuns: while `pantau run` holds the embedded store,
// the analysts' commands (sql, issues, issue, trend, search, report,
// label, sources, user) go through its door instead of failing on chDB's
// lock; writes through `pantau sql` are refused; the web app and the
// read-only ClickHouse endpoint answer; stopping the run removes the door.
func TestCommandsWhileRunRuns(t *testing.T) {
	srv := site(t, 40, 0)
	sources := writeSources(t, srv.URL, false)
	data := t.TempDir()
	addr := freeAddr(t)
	cmd := exec.Command(pantauBin, "run", "--config", sources, "--data", data, "--host-delay", "0s", "--metrics-addr", "",
		"--api-addr", addr, "--api-token", "token-mesin", "--writer-flush", "100ms", "--poll-interval", "1h")
	var errb lockedBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	run := func(args ...string) result {
		t.Helper()
		r := pantau(t, 2*time.Minute, args...)
		if r.code != 0 {
			t.Fatalf("pantau %v while run runs: exit %d\n%s\nrun log:\n%s", args, r.code, r.stderr, errb.String())
		}
		if strings.Contains(r.stderr, "Cannot lock file") {
			t.Errorf("pantau %v hit the store's lock:\n%s", args, r.stderr)
		}
		return r
	}
	// Wait for the door, then for the crawl to be stored.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(data, "door.json")); err == nil {
			r := pantau(t, time.Minute, "sql", "--data", data, "SELECT count() FROM pantau.mentions FINAL")
			if r.code == 0 && strings.TrimSpace(strings.Split(r.stdout, "\n")[1]) == "40" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("40 articles not stored through a door in time:\n%s", errb.String())
		}
		time.Sleep(500 * time.Millisecond)
	}
	if fi, err := os.Stat(filepath.Join(data, "door.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("door.json: %v, %v (want mode 0600)", fi, err)
	}

	// The period that covers the bundled articles, whatever their dates.
	span := strings.Split(strings.TrimSpace(run("sql", "--data", data,
		"SELECT dateDiff('day', min(published_at), now()) + 2, toDate(max(published_at), 'Asia/Makassar') FROM pantau.mentions FINAL").stdout), "\n")[1]
	parts := strings.Split(span, "\t")
	since, lastDay := parts[0]+"d", parts[1]

	issues := run("issues", "--data", data, "--since", since, "--json")
	var list []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(issues.stdout), &list); err != nil || len(list) == 0 {
		t.Fatalf("pantau issues --json: %v\n%s", err, issues.stdout)
	}
	if r := run("issue", list[0].ID, "--data", data, "--since", since); !strings.Contains(r.stdout, list[0].ID) && r.stdout == "" {
		t.Errorf("pantau issue printed nothing")
	}
	if r := run("trend", "--data", data, "--since", since); len(strings.Split(strings.TrimSpace(r.stdout), "\n")) < 2 {
		t.Errorf("pantau trend: %q", r.stdout)
	}
	title := strings.Split(strings.TrimSpace(run("sql", "--data", data, "SELECT substring(title, 1, 12), id FROM pantau.mentions FINAL ORDER BY id LIMIT 1").stdout), "\n")[1]
	word, id := strings.Split(title, "\t")[0], strings.Split(title, "\t")[1]
	word = strings.Fields(word)[0]
	if r := run("search", word, "--data", data, "--since", since); !strings.Contains(r.stdout, word) {
		t.Errorf("pantau search %q: %q", word, r.stdout)
	}
	// The report reads the store through the door: a day without data is
	// told so (not a lock), a day with data renders.
	if r := pantau(t, 2*time.Minute, "report", "--data", data, "--date", "2001-01-01"); r.code == 0 || !strings.Contains(r.stderr, "tidak ada pemberitaan") {
		t.Errorf("pantau report for a day without data: exit %d %q", r.code, r.stderr)
	}
	if r := pantau(t, 2*time.Minute, "report", "--data", data, "--date", lastDay); r.code != 0 || !strings.Contains(r.stdout, "LAPORAN SENTIMEN") {
		t.Errorf("pantau report --date %s: exit %d %q %q", lastDay, r.code, r.stdout, r.stderr)
	}
	if r := run("sources", "--config", sources, "--data", data); !strings.Contains(r.stdout, "Outlet Uji") || !strings.Contains(r.stdout, "sehat") {
		t.Errorf("pantau sources: %q", r.stdout)
	}

	// A correction through the door takes effect in the running store.
	run("label", id, "negatif", "--by", "sari", "--note", "lewat pintu", "--data", data)
	got := run("sql", "--data", data, fmt.Sprintf("SELECT label, label_source, labeled_by FROM pantau.mentions FINAL WHERE id = '%s'", id)).stdout
	if !strings.Contains(got, "negatif\thuman\tsari") {
		t.Errorf("after pantau label through the door: %q", got)
	}
	// Writes through sql are refused, and nothing is dropped.
	r := pantau(t, time.Minute, "sql", "--data", data, "DROP TABLE pantau.mentions")
	if r.code == 0 || !strings.Contains(r.stderr, "hanya-baca") {
		t.Errorf("DROP TABLE through the door: exit %d %q", r.code, r.stderr)
	}

	// A user added through the door signs in to the web app.
	if r := pantauIn(t, "sandi-rahasia-123\n", "user", "add", "sari", "--role", "analis", "--data", data); r.code != 0 {
		t.Fatalf("pantau user add: exit %d\n%s", r.code, r.stderr)
	}
	if r := run("user", "list", "--data", data); !strings.Contains(r.stdout, "sari") || !strings.Contains(r.stdout, "analis") {
		t.Errorf("pantau user list: %q", r.stdout)
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: time.Minute}
	res, err := hc.Get("http://" + addr + "/masuk")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("login page without a form token:\n%s", page)
	}
	res, err = hc.PostForm("http://"+addr+"/masuk", url.Values{"csrf": {string(m[1])}, "nama": {"sari"}, "sandi": {"sandi-rahasia-123"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Ringkasan") {
		t.Errorf("web app after login: %s\n%.300s", res.Status, body)
	}
	res, err = hc.Get("http://" + addr + "/sumber")
	if err == nil {
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if err != nil || !strings.Contains(string(body), "Outlet Uji") {
		t.Errorf("the web app's Sumber page: %v\n%.300s", err, body)
	}
	// The API keeps its token for machines.
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/issues?since="+since, nil)
	req.Header.Set("Authorization", "Bearer token-mesin")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("API with its token: %v %v", res, err)
	}
	// Grafana's way in: clickhouse-go over HTTP with a web user.
	conn, err := ch.Open(&ch.Options{Protocol: ch.HTTP, Addr: []string{addr}, HttpUrlPath: "/clickhouse",
		Auth: ch.Auth{Username: "sari", Password: "sandi-rahasia-123"}})
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	if err := conn.QueryRow(context.Background(), "SELECT count() FROM pantau.mentions FINAL").Scan(&n); err != nil || n != 40 {
		t.Errorf("clickhouse-go over HTTP: %d, %v", n, err)
	}
	if err := conn.Exec(context.Background(), "TRUNCATE TABLE pantau.mentions"); err == nil {
		t.Error("TRUNCATE through the ClickHouse endpoint was accepted")
	}
	conn.Close()

	// Stopping the run removes the door; commands open the store again.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("pantau run after SIGTERM: %v\n%s", err, errb.String())
	}
	stopped = true
	if _, err := os.Stat(filepath.Join(data, "door.json")); !os.IsNotExist(err) {
		t.Errorf("door.json left after the run stopped: %v", err)
	}
	if got := sqlOne(t, data, nil, fmt.Sprintf("SELECT label_source, count() FROM pantau.mentions FINAL WHERE id = '%s' GROUP BY label_source", id)); got != "human\t1" {
		t.Errorf("after the run: %q", got)
	}
}
