package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/demo"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/labels"
)

// TestDemoEveryViewHasData runs `pantau demo --once` into a fresh data
// dir, as a new user's `make demo` does, then every analyst view with its
// defaults: each has data, about the fortnight that ends today.
func TestDemoEveryViewHasData(t *testing.T) {
	data := t.TempDir()
	start := time.Now().In(demo.WITA)
	// The example sites on a free port rather than the fixed one, which
	// another demo on this machine may hold; both runs use the same.
	_, port, _ := net.SplitHostPort(freeAddr(t))
	r := pantau(t, 5*time.Minute, "demo", "--once", "--data", data, "--site-port", port)
	if r.code != 0 {
		t.Fatalf("pantau demo: exit %d\n%s", r.code, r.stderr)
	}
	if time.Now().In(demo.WITA).Day() != start.Day() {
		t.Skip("the demo ran across midnight WITA; its fortnight and the views' defaults disagree by a day")
	}
	for _, want := range []string{"1.355 item feed, 1.355 artikel baru", "0 ke dead-letter", "total 1.355 artikel",
		pantauBin + " issues --data " + data, pantauBin + " report --data " + data} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	view := func(args ...string) string {
		t.Helper()
		r := pantau(t, 2*time.Minute, append(args, "--data", data)...)
		if r.code != 0 || strings.TrimSpace(r.stdout) == "" {
			t.Fatalf("pantau %s: exit %d, output %q\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r.stdout
	}

	// issues (last 7 days): a full list, the top issues spanning several
	// articles and outlets.
	if out := view("issues"); strings.Count(out, "isu-") < 10 {
		t.Errorf("pantau issues lists %d issues:\n%s", strings.Count(out, "isu-"), out)
	}
	var issues []struct {
		Mentions int      `json:"mentions"`
		Outlets  []string `json:"outlets"`
	}
	if err := json.Unmarshal([]byte(view("issues", "--json")), &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) < 5 || issues[0].Mentions < 4 || len(issues[0].Outlets) < 3 {
		t.Errorf("top issues %+v", issues[:min(len(issues), 3)])
	}

	// trend (30 days by label): every day of the fortnight, today included.
	out := view("trend")
	today := indonesian.Date(start)
	for d := 0; d < demo.Days; d++ {
		if day := indonesian.Date(start.AddDate(0, 0, -d)); !strings.Contains(out, day) {
			t.Errorf("trend lacks %s (today %s):\n%s", day, today, out)
		}
	}
	if strings.Contains(out, indonesian.Date(start.AddDate(0, 0, -demo.Days))) {
		t.Errorf("trend has a day before the fortnight:\n%s", out)
	}
	// By kind of item: news, press releases and social media all have days.
	out = view("trend", "--by", "jenis", "--since", "7d")
	for _, k := range []string{"media massa", "siaran pers", "media sosial"} {
		if !strings.Contains(out, k) {
			t.Errorf("trend --by jenis lacks %s:\n%s", k, out)
		}
	}

	// search: the floods of the fortnight.
	if out := view("search", "banjir"); strings.Count(out, "http://") < 10 {
		t.Errorf("search banjir:\n%s", out)
	}

	// sources: after the configured (shipped) sources, the example outlets
	// the demo crawled, each healthy; those named as a shipped source are
	// "(contoh)".
	if out := view("sources"); strings.Count(out, " sehat ") < 270 || !strings.Contains(out, "Humas Pemkot Samarinda (contoh)") {
		t.Errorf("sources after the demo (%d healthy):\n%s", strings.Count(out, " sehat "), out)
	}

	// report: yesterday's, named as yesterday, and as PDF.
	yesterday := start.AddDate(0, 0, -1)
	out = view("report")
	for _, want := range []string{indonesian.Date(yesterday), "Kemarin tercatat", "ISU YANG PERLU DIRESPONS", "1. "} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	pdf := filepath.Join(t.TempDir(), "laporan.pdf")
	view("report", "--out", pdf)
	if fi, err := os.Stat(pdf); err != nil || fi.Size() < 20_000 {
		t.Errorf("report PDF: %v", err)
	}

	// Press releases and social posts are stored as such, each social post
	// with its platform, from outlets and accounts of their own.
	for q, want := range map[string]string{
		"SELECT count() FROM pantau.mentions FINAL WHERE kind = 'berita'":                    "766",
		"SELECT count() FROM pantau.mentions FINAL WHERE kind = 'rilis'":                     "166",
		"SELECT count() FROM pantau.mentions FINAL WHERE kind = 'sosmed' AND platform != ''": "423",
		"SELECT uniqExact(outlet) FROM pantau.mentions FINAL":                                "270",
	} {
		if got := sqlOne(t, data, nil, q); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
	if out := view("report"); !strings.Contains(out, "MEDIA MASSA DAN MEDIA SOSIAL") {
		t.Errorf("report without the media split:\n%s", out)
	}
	if last := sqlOne(t, data, nil, "SELECT toString(max(toDate(published_at, 'Asia/Makassar'))) FROM pantau.mentions FINAL"); last != start.Format(time.DateOnly) {
		t.Errorf("newest item on %s, want today %s", last, today)
	}

	// Issues through the real path (example sites, crawl, bus, classifier
	// stage, store) against the example stories: B-cubed per group of
	// stories (the groups retell the same events, so issues spanning
	// groups are not counted against them), printed beside the figure of
	// TestClusteringQuality, which feeds the clusterer directly.
	issueScores(t, data)

	// Run again without --once: nothing new to crawl, then the demo keeps
	// running with the web app, where its printed login signs in, and the
	// analyst commands reach its store through the door.
	keepRunning(t, data, port)
}

func keepRunning(t *testing.T, data, sitePort string) {
	addr := freeAddr(t)
	cmd := exec.Command(pantauBin, "demo", "--data", data, "--site-port", sitePort, "--api-addr", addr, "--metrics-addr", "")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb lockedBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("pantau demo after Ctrl-C: %v\n%s", err, errb.String())
			}
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Errorf("pantau demo did not stop on Ctrl-C")
		}
	}()
	login := regexp.MustCompile(`masuk sebagai (\S+), kata sandi (\S+) `)
	var out strings.Builder
	var m []string
	lines := bufio.NewScanner(stdout)
	for m == nil && lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		m = login.FindStringSubmatch(lines.Text())
	}
	go io.Copy(io.Discard, stdout)
	if m == nil {
		t.Fatalf("pantau demo printed no login:\n%s\n%s", out.String(), errb.String())
	}
	if !strings.Contains(out.String(), " 0 artikel baru") || !strings.Contains(out.String(), "total 1.355 artikel") || !strings.Contains(out.String(), "http://"+addr+"/") {
		t.Errorf("second demo run:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: time.Minute}
	var page []byte
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		res, err := hc.Get("http://" + addr + "/masuk")
		if err == nil {
			page, _ = io.ReadAll(res.Body)
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("web app not up: %v", err)
		}
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if csrf == nil {
		t.Fatalf("login page without a form token:\n%s", page)
	}
	res, err := hc.PostForm("http://"+addr+"/masuk", url.Values{"csrf": {string(csrf[1])}, "nama": {m[1]}, "sandi": {m[2]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Ringkasan") {
		t.Errorf("web app after the demo login: %s\n%.300s", res.Status, body)
	}
	if r := pantau(t, 2*time.Minute, "issues", "--data", data); r.code != 0 || strings.Count(r.stdout, "isu-") < 10 {
		t.Errorf("pantau issues while the demo runs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The running demo's sources are not the configured ones.
	if r := pantau(t, 2*time.Minute, "sources", "--data", data); r.code != 0 || strings.Count(r.stdout, " sehat ") < 270 {
		t.Errorf("pantau sources while the demo runs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A write through the door is refused with the door's reason.
	if r := pantau(t, time.Minute, "sql", "--data", data, "DROP TABLE issues"); r.code != 1 ||
		!strings.Contains(r.stderr, "ditolak oleh pantau run yang memegang penyimpanan: hanya query baca") {
		t.Errorf("pantau sql DROP while the demo runs: exit %d\n%s", r.code, r.stderr)
	}
}

// issueScores prints how the demo's issues follow the example stories
// and fails when they fall apart (a floor far below the figures).
func issueScores(t *testing.T, data string) {
	t.Helper()
	items, err := labels.Kaltim()
	if err != nil {
		t.Fatal(err)
	}
	story := map[string]string{}
	for _, it := range items {
		story[strings.TrimSpace(it.Title)] = it.Story
	}
	r := pantau(t, time.Minute, "sql", "--data", data, "--format", "json", "SELECT title, issue_id FROM mentions FINAL")
	if r.code != 0 {
		t.Fatalf("pantau sql: exit %d\n%s", r.code, r.stderr)
	}
	type pair struct{ story, issue string }
	groups := map[string][]pair{}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var row struct{ Title, Issue_ID string }
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		if s, ok := story[strings.TrimSpace(row.Title)]; ok {
			g, _, _ := strings.Cut(s, "-")
			groups[g] = append(groups[g], pair{s, row.Issue_ID})
		}
	}
	var line []string
	var sum float64
	for _, g := range slices.Sorted(maps.Keys(groups)) {
		ps := groups[g]
		both, ns, ni := map[pair]int{}, map[string]int{}, map[string]int{}
		for _, p := range ps {
			both[p]++
			ns[p.story]++
			ni[p.issue]++
		}
		var prec, rec float64
		for _, p := range ps {
			prec += float64(both[p]) / float64(ni[p.issue])
			rec += float64(both[p]) / float64(ns[p.story])
		}
		prec, rec = prec/float64(len(ps)), rec/float64(len(ps))
		f := 2 * prec * rec / (prec + rec)
		sum += f
		line = append(line, fmt.Sprintf("%s %.3f (P %.3f R %.3f)", g, f, prec, rec))
	}
	mean := sum / float64(len(groups))
	t.Logf("demo issues against the example stories, B-cubed F1 by group: %s; mean %.3f", strings.Join(line, ", "), mean)
	if len(groups) < 6 || mean < 0.6 {
		t.Errorf("demo issues follow the stories badly: mean B-cubed F1 %.3f over %d groups", mean, len(groups))
	}
}
