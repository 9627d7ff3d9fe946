package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/demo"
	"github.com/diskominfo-kaltim/pantau/indonesian"
)

// TestDemoEveryViewHasData runs `pantau demo --once` into a fresh data
// dir, as a new user's `make demo` does, then every analyst view with its
// defaults: each has data, about the fortnight that ends today.
func TestDemoEveryViewHasData(t *testing.T) {
	data := t.TempDir()
	start := time.Now().In(demo.WITA)
	r := pantau(t, 5*time.Minute, "demo", "--once", "--data", data)
	if r.code != 0 {
		t.Fatalf("pantau demo: exit %d\n%s", r.code, r.stderr)
	}
	if time.Now().In(demo.WITA).Day() != start.Day() {
		t.Skip("the demo ran across midnight WITA; its fortnight and the views' defaults disagree by a day")
	}
	for _, want := range []string{"1355 item feed, 1355 artikel baru", "0 ke dead-letter", "total 1355 artikel",
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
	today := start.Format("2006-01-02")
	for d := 0; d < demo.Days; d++ {
		if day := start.AddDate(0, 0, -d).Format("2006-01-02"); !strings.Contains(out, day) {
			t.Errorf("trend lacks %s (today %s):\n%s", day, today, out)
		}
	}
	if strings.Contains(out, start.AddDate(0, 0, -demo.Days).Format("2006-01-02")) {
		t.Errorf("trend has a day before the fortnight:\n%s", out)
	}

	// search: the floods of the fortnight.
	if out := view("search", "banjir"); strings.Count(out, "http://") < 10 {
		t.Errorf("search banjir:\n%s", out)
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
	if last := sqlOne(t, data, nil, "SELECT toString(max(toDate(published_at, 'Asia/Makassar'))) FROM pantau.mentions FINAL"); last != today {
		t.Errorf("newest item on %s, want today %s", last, today)
	}
}
