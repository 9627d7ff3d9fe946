package demo

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
)

// now is a morning in Samarinda.
var now = time.Date(2026, 11, 30, 8, 30, 0, 0, WITA)

func outlets(t *testing.T) []*Outlet {
	t.Helper()
	out, err := Outlets(now)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFortnightEndsToday: every example item is served once, story day 14
// is today before now, day 13 yesterday, and items spread over their day.
func TestFortnightEndsToday(t *testing.T) {
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, WITA)
	kinds := map[string]int{}
	hours := map[int]bool{}
	n := 0
	for _, o := range outlets(t) {
		if o.Region == "" {
			t.Errorf("%s has no region", o.Name)
		}
		if (o.Kind == news.KindSosmed) != (o.Platform != "") {
			t.Errorf("%s: kind %s, platform %q", o.Name, o.Kind, o.Platform)
		}
		for i, it := range o.Items {
			n++
			kinds[o.Kind]++
			want := today.AddDate(0, 0, it.Day-Days)
			if day := it.Published.In(WITA).Truncate(24 * time.Hour); !sameDay(it.Published, want) {
				t.Errorf("%s day %d published %s (day %s), want %s", it.ID, it.Day, it.Published, day, want)
			}
			if !it.Published.Before(now) {
				t.Errorf("%s published %s, after now", it.ID, it.Published)
			}
			if i > 0 && it.Published.After(o.Items[i-1].Published) {
				t.Errorf("%s: items not newest first", o.Name)
			}
			hours[it.Published.In(WITA).Hour()] = true
		}
	}
	if n != 1355 || kinds[news.KindBerita] != 766 || kinds[news.KindRilis] != 166 || kinds[news.KindSosmed] != 423 {
		t.Errorf("%d items, kinds %v", n, kinds)
	}
	if len(hours) < 14 {
		t.Errorf("items published in %d different hours of the day", len(hours))
	}
	// The same now gives the same fortnight.
	again := outlets(t)
	if again[5].Items[0].Published != outlets(t)[5].Items[0].Published {
		t.Error("publication times differ between two builds")
	}
}

// TestDatelinesInTheFortnight: the event days the example texts name,
// "Senin (3/11)", are moved with their story into the fortnight that ends
// today: the weekday fits the date, the date lies in the fortnight (or a
// few days before it, for what happened earlier), and most items name
// their own publication day (an announcement names a later one).
func TestDatelinesInTheFortnight(t *testing.T) {
	today := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	first := today.AddDate(0, 0, 1-Days)
	n, own := 0, 0
	for _, o := range outlets(t) {
		for _, it := range o.Items {
			for _, m := range dateline.FindAllStringSubmatch(it.Text, -1) {
				n++
				d, _ := strconv.Atoi(m[3])
				mo, _ := strconv.Atoi(m[4])
				// Without a year, the date nearest today (a December dateline
				// in a January fortnight is last year's).
				var at time.Time
				for _, y := range []int{today.Year(), today.Year() - 1, today.Year() + 1} {
					c := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
					if at.IsZero() || c.Sub(today).Abs() < at.Sub(today).Abs() {
						at = c
					}
				}
				if m[5] != "" {
					y, _ := strconv.Atoi(m[5])
					at = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
				}
				if indonesian.Weekdays[at.Weekday()] != m[1] {
					t.Errorf("%s: %q is a %s", it.ID, m[0], indonesian.Weekdays[at.Weekday()])
				}
				// Events announced ahead may lie a week or two after today.
				if at.Before(first.AddDate(0, 0, -7)) || at.After(today.AddDate(0, 0, 14)) {
					t.Errorf("%s: %q outside the fortnight %s..%s", it.ID, m[0], first.Format(time.DateOnly), today.Format(time.DateOnly))
				}
				if sameDay(at.Add(12*time.Hour-8*time.Hour), it.Published) {
					own++
				}
			}
		}
	}
	if n < 800 || own*2 < n {
		t.Errorf("%d datelines, %d on their item's day", n, own)
	}
	t.Logf("%d datelines, %d on their item's day", n, own)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.In(WITA).Date()
	by, bm, bd := b.In(WITA).Date()
	return ay == by && am == bm && ad == bd
}

func TestPublishedEarlyInTheMorning(t *testing.T) {
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, WITA)
	for _, at := range []time.Time{day.Add(30 * time.Second), day.Add(3 * time.Hour), day.Add(23 * time.Hour)} {
		for _, id := range []string{"a", "b", "c", "d"} {
			p := publishedAt(id, day, at)
			if p.Before(day) || p.After(at) {
				t.Errorf("at %s: %s published %s", at.Format("15:04"), id, p)
			}
		}
	}
}

func TestOutletNames(t *testing.T) {
	for _, c := range []struct{ in, name, platform string }{
		{"Facebook: Berau Bersuara (komentar)", "Facebook: Berau Bersuara", "facebook"},
		{"WhatsApp: pesan terusan (diunggah di Facebook: Info Bontang Kita)", "Facebook: Info Bontang Kita", "facebook"},
		{"Instagram: @bontang.info", "Instagram: @bontang.info", "instagram"},
		{"X: @warga_smd", "X: @warga_smd", "x"},
		{"Kabar Mahakam", "Kabar Mahakam", ""},
	} {
		name, _ := outletName(c.in)
		if name != c.name || platform(name) != c.platform {
			t.Errorf("%q: %q %q", c.in, name, platform(name))
		}
	}
}

// TestNoOutletIsNamedAsAShippedSource: the crawler keeps a source's health
// and schedule by name, so an example outlet named as a real one ("Humas
// Pemkot Samarinda") would lend its schedule to the real source in a
// pantau run into the demo's data dir; such outlets are "… (contoh)".
func TestNoOutletIsNamedAsAShippedSource(t *testing.T) {
	shipped, err := shippedNames()
	if err != nil {
		t.Fatal(err)
	}
	renamed := 0
	for _, o := range outlets(t) {
		if shipped[o.Name] {
			t.Errorf("example outlet named as the shipped source %q", o.Name)
		}
		if base, ok := strings.CutSuffix(o.Name, " (contoh)"); ok {
			if !shipped[base] {
				t.Errorf("%q renamed, but no shipped source is called %q", o.Name, base)
			}
			renamed++
		}
	}
	// The example items name seven offices that are also shipped sources.
	if renamed == 0 {
		t.Error("no example outlet shares a shipped source's name: the test checks nothing")
	}
	t.Logf("%d example outlets renamed", renamed)
}

// TestPagesExtractToTheItemText: the crawler's extraction keeps exactly an
// item's text from its page, for news articles, press releases and posts,
// and the "contoh" banner stays out of it.
func TestPagesExtractToTheItemText(t *testing.T) {
	bad, checked := 0, 0
	for _, o := range outlets(t) {
		s := NewSite(o)
		for i := range o.Items {
			it := &o.Items[i]
			// Every post (short texts are the fragile ones), a quarter of
			// the articles (extraction is slow under the race detector).
			if o.Kind != news.KindSosmed && i%4 != 0 {
				continue
			}
			checked++
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest("GET", s.path(it), nil))
			page := rec.Body.String()
			if rec.Code != 200 || !strings.Contains(page, "CONTOH") {
				t.Fatalf("%s: %d, marked contoh: %v", s.path(it), rec.Code, strings.Contains(page, "CONTOH"))
			}
			ex, err := crawler.Extract(rec.Body.Bytes(), "http://127.0.1.10"+s.path(it))
			if err != nil {
				t.Fatalf("%s: %v", it.ID, err)
			}
			got, want := strings.Join(strings.Fields(ex.Text), " "), strings.Join(strings.Fields(it.Text), " ")
			if got != want {
				if bad++; bad <= 3 {
					t.Errorf("%s (%s): extracted\n%q\nwant\n%q", it.ID, o.Kind, got, want)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d items extracted differently", bad, checked)
	}
}

// TestSitesServeFeeds: each outlet on its own loopback address, its feed
// with every item, the item's kind and platform, its time; pages marked.
func TestSitesServeFeeds(t *testing.T) {
	outs := outlets(t)
	sites, err := Serve(outs, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer sites.Close()
	srcs := sites.Sources()
	hosts := map[string]bool{}
	for _, s := range srcs {
		hosts[strings.Split(strings.TrimPrefix(s.Site, "http://"), ":")[0]] = true
		if !s.AllowPrivate || s.Region == "" {
			t.Errorf("source %+v", s)
		}
	}
	if len(srcs) != len(outs) || (!sites.Moved && len(hosts) != len(outs)) {
		t.Errorf("%d sources on %d hosts for %d outlets", len(srcs), len(hosts), len(outs))
	}
	get := func(u string) string {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", u, resp.StatusCode)
		}
		return string(b)
	}
	for _, i := range []int{0, 40, len(outs) - 1} {
		o, base := outs[i], sites.Bases[i]
		body := get(srcs[i].Feed)
		f, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Items) != len(o.Items) || !strings.Contains(f.Title, "contoh") {
			t.Errorf("%s: %d feed items for %d, title %q", o.Name, len(f.Items), len(o.Items), f.Title)
		}
		it := f.Items[0]
		ext := it.Extensions["pantau"]
		if ext["kind"][0].Value != o.Kind || (o.Platform != "" && ext["platform"][0].Value != o.Platform) {
			t.Errorf("%s: feed kind %v", o.Name, ext)
		}
		if !it.PublishedParsed.Equal(o.Items[0].Published) {
			t.Errorf("%s: feed time %s, want %s", o.Name, it.PublishedParsed, o.Items[0].Published)
		}
		page := get(strings.TrimSuffix(it.Link, "?utm_source=rss"))
		if !strings.Contains(page, "CONTOH") || !strings.Contains(get(base+"/"), "contoh") {
			t.Errorf("%s: page not marked as example content", o.Name)
		}
	}
	// A request naming another host is not answered with a site.
	req, _ := http.NewRequest("GET", sites.Bases[0]+"/rss.xml", nil)
	req.Host = "berita.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("request for another host: %d", resp.StatusCode)
	}
}
