package crawler

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

// TestUnreadableStateIsNotNew: when the state bucket cannot be read, items
// fail (and are tried again later) instead of counting as never seen and
// being fetched and published again.
func TestUnreadableStateIsNotNew(t *testing.T) {
	var pages atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rss":
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>T</title>
<item><title>Satu</title><link>http://%[1]s/satu</link><description>Satu.</description></item>
<item><title>Dua</title><link>http://%[1]s/dua</link><description>Dua.</description></item></channel></rss>`, r.Host)
		case "/robots.txt":
			http.NotFound(w, r)
		default:
			pages.Add(1)
			fmt.Fprint(w, "<html><body><article><p>Isi berita yang cukup panjang untuk diekstrak oleh pengekstrak teks.</p></article></body></html>")
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c, b := testCrawler(t)
	if err := b.JS.DeleteKeyValue(ctx, SeenBucket); err != nil {
		t.Fatal(err)
	}
	st := c.CrawlSource(ctx, config.Source{Name: "Uji", Feed: srv.URL + "/rss", AllowPrivate: true})
	if st.New != 0 || st.Failed != 2 {
		t.Errorf("with an unreadable state: %+v, want 0 new and 2 failed", st)
	}
	if n := pages.Load(); n != 0 {
		t.Errorf("%d article pages fetched although the state could not say they were new", n)
	}
}

func TestStateKeys(t *testing.T) {
	ctx := context.Background()
	c, _ := testCrawler(t)
	s := c.state
	if ok, err := s.Seen(ctx, "x"); ok || err != nil {
		t.Fatalf("unknown article: %v %v", ok, err)
	}
	if err := s.MarkSeen(ctx, "x", "https://a.id/x"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Seen(ctx, "x"); !ok || err != nil {
		t.Fatalf("known article: %v %v", ok, err)
	}
	until := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	if err := s.SaveHostBackoff(ctx, "https://api.x.com/2/tweets", Backoff{Until: until, Reason: "batas laju API habis"}); err != nil {
		t.Fatal(err)
	}
	if b, err := s.HostBackoff(ctx, "https://api.x.com/other"); err != nil || !b.Until.Equal(until) || b.Reason != "batas laju API habis" {
		t.Errorf("back-off per host: %+v %v", b, err)
	}
	// A back-off written by an older crawler (a bare RFC 3339 time) is read.
	if _, err := s.kv.Put(ctx, backoffKey("http://lama.example"), []byte(until.Format(time.RFC3339))); err != nil {
		t.Fatal(err)
	}
	if b, err := s.HostBackoff(ctx, "http://lama.example/x"); err != nil || !b.Until.Equal(until) {
		t.Errorf("old back-off: %+v %v", b, err)
	}
	if cur, err := s.Cursor(ctx, "Sumber"); cur != nil || err != nil {
		t.Errorf("no cursor yet: %q %v", cur, err)
	}
	s.SaveCursor(ctx, "Sumber", []byte(`{"since_id":"9"}`))
	if cur, _ := s.Cursor(ctx, "Sumber"); string(cur) != `{"since_id":"9"}` {
		t.Errorf("cursor %q", cur)
	}
	k1, err := s.HandleKey(ctx)
	if err != nil || len(k1) != 32 {
		t.Fatalf("handle key %x %v", k1, err)
	}
	if k2, _ := s.HandleKey(ctx); !bytes.Equal(k1, k2) {
		t.Error("handle key changed between reads")
	}
}

// TestListingGoesThroughTheHostGate: a listing source (colly) and a feed
// source on one host, crawled at once, never have two requests in flight
// to that host, and colly waits out the host's back-off.
func TestListingGoesThroughTheHostGate(t *testing.T) {
	var inFlight, most atomic.Int64
	var mu sync.Mutex
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		host := "http://" + r.Host
		switch {
		case r.URL.Path == "/rss":
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>T</title>`)
			for i := range 6 {
				fmt.Fprintf(w, `<item><title>F%d</title><link>%s/feed/berita-dari-feed-nomor-%d</link></item>`, i, host, i)
			}
			fmt.Fprint(w, `</channel></rss>`)
		case r.URL.Path == "/daerah":
			for i := range 6 {
				fmt.Fprintf(w, `<a href="/daerah/berita-dari-daftar-nomor-%d">D%d</a>`, i, i)
			}
		case strings.HasPrefix(r.URL.Path, "/feed/"), strings.HasPrefix(r.URL.Path, "/daerah/"):
			fmt.Fprintf(w, "<html><body><article><p>Berita %s yang cukup panjang untuk diekstrak dengan baik oleh pengekstrak.</p></article></body></html>", r.URL.Path)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c, _ := testCrawler(t)
	c.Workers = 2
	c.Sources = []config.Source{
		{Name: "Feed", Feed: srv.URL + "/rss", AllowPrivate: true},
		{Name: "Daftar", Site: srv.URL, Listings: []string{srv.URL + "/daerah"}, AllowPrivate: true},
	}
	st := c.CrawlOnce(ctx)
	if st.New != 12 || st.SourcesFailed != 0 {
		t.Fatalf("stats %+v", st)
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d requests in flight at once to one host, want 1", m)
	}

	// A back-off the host asked for holds colly's requests back too.
	mu.Lock()
	times = nil
	mu.Unlock()
	until := time.Now().Add(700 * time.Millisecond)
	c.backOff(ctx, srv.URL, until, "HTTP 503")
	c.CrawlSource(ctx, config.Source{Name: "Daftar", Site: srv.URL, Listings: []string{srv.URL + "/daerah"}, AllowPrivate: true})
	mu.Lock()
	defer mu.Unlock()
	if len(times) == 0 {
		t.Fatal("no listing request after the back-off")
	}
	if times[0].Before(until) {
		t.Errorf("listing request not held back by the host's back-off: asked %s before its end", until.Sub(times[0]))
	}
}

// TestLongBackoffDefersTheSource: a host backed off for longer than a
// minute fails the poll at once and the source shows as deferred, not
// broken.
func TestLongBackoffDefersTheSource(t *testing.T) {
	var feeds atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rss" {
			http.NotFound(w, r)
			return
		}
		feeds.Add(1)
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(time.Now().Add(15*time.Minute).Unix()))
		fmt.Fprint(w, `<rss version="2.0"><channel><title>T</title></channel></rss>`)
	}))
	defer srv.Close()
	ctx := context.Background()
	c, _ := testCrawler(t)
	src := config.Source{Name: "Uji", Feed: srv.URL + "/rss", AllowPrivate: true}
	if st := c.CrawlSource(ctx, src); st.SourcesFailed != 0 {
		t.Fatalf("first pass: %+v", st)
	}
	// Failing at once: nothing is asked of the host, and the pass ends
	// long before the 15-minute window would (a minute is plenty on a
	// loaded machine; waiting out the window would end in that deadline).
	pass, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	st := c.CrawlSource(pass, src)
	if st.SourcesFailed != 1 || pass.Err() != nil || feeds.Load() != 1 {
		t.Fatalf("second pass should fail fast on the spent rate limit: %+v, %v, the feed asked %d times", st, pass.Err(), feeds.Load())
	}
	hs, err := c.SourceHealth(ctx, []config.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	h := hs[0]
	if got := h.Status(time.Now(), 10*time.Minute); got != "ditunda" || h.ConsecutiveFailures != 0 ||
		h.BackoffReason != "batas laju API habis" || !strings.HasPrefix(h.LastReason, "ditunda sampai") {
		t.Errorf("health %+v status %q", h, got)
	}
}

// TestPerURLWarningsAreThrottled: a feed of many broken links logs one
// warning for them, not one per link.
func TestPerURLWarningsAreThrottled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rss" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>T</title>`)
		for i := range 40 {
			fmt.Fprintf(w, `<item><title>Hilang %d</title><link>http://%s/hilang/%d</link><description>Ringkasan %d.</description></item>`, i, r.Host, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	var mu sync.Mutex
	c, _ := testCrawler(t)
	c.Log = slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
	st := c.CrawlSource(context.Background(), config.Source{Name: "Uji", Feed: srv.URL + "/rss", AllowPrivate: true})
	if st.New != 40 {
		t.Fatalf("stats %+v", st)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logs.String(), "fetching article page"); n != 1 {
		t.Errorf("%d warnings for 40 broken links, want 1:\n%s", n, logs.String())
	}
	var th throttle
	now := time.Now()
	th.allow("k", now, time.Second)
	th.allow("k", now.Add(100*time.Millisecond), time.Second)
	th.allow("k", now.Add(200*time.Millisecond), time.Second)
	if ok, held := th.allow("k", now.Add(1100*time.Millisecond), time.Second); !ok || held != 2 {
		t.Errorf("after the interval: %v, %d held back; want true, 2", ok, held)
	}
	if ok, _ := th.allow("other", now, time.Second); !ok {
		t.Error("another key was throttled")
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestSourceKindFromConfig: each kind of the sources file gets its source.
func TestSourceKindFromConfig(t *testing.T) {
	c, _ := testCrawler(t)
	for _, tc := range []struct {
		src  config.Source
		want source.Source
	}{
		{config.Source{Name: "a", Feed: "https://a.id/rss", Site: "https://a.id"}, &feedSource{}},
		{config.Source{Name: "b", Site: "https://b.id", Sitemap: "https://b.id/s.xml"}, &sitemapSource{}},
		{config.Source{Name: "c", Site: "https://c.id", Listings: []string{"https://c.id/x"}}, &listingSource{}},
		{config.Source{Name: "d", Site: "https://d.id"}, &siteSource{}},
		{config.Source{Name: "e", Kind: "site", Feed: "https://e.id/rss", Site: "https://e.id"}, &siteSource{}},
	} {
		got, err := c.sourceOf(tc.src)
		if err != nil || fmt.Sprintf("%T", got) != fmt.Sprintf("%T", tc.want) {
			t.Errorf("%s: %T %v, want %T", tc.src.Name, got, err, tc.want)
		}
	}
}

// TestChangedSourceGetsANewConnector: a source keeps its connector from
// pass to pass; once its configuration changes under the same name, the
// next pass uses a connector made for the new one.
func TestChangedSourceGetsANewConnector(t *testing.T) {
	var feedA, feedB atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a.xml":
			feedA.Add(1)
		case "/b.xml":
			feedB.Add(1)
		default:
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>T</title></channel></rss>`)
	}))
	defer srv.Close()
	ctx := context.Background()
	c, _ := testCrawler(t)
	src := config.Source{Name: "Uji", Feed: srv.URL + "/a.xml", AllowPrivate: true, Line: 3}
	first, err := c.sourceOf(src)
	if err != nil {
		t.Fatal(err)
	}
	moved := src
	moved.Line = 12 // the same source elsewhere in the file
	if again, _ := c.sourceOf(moved); again != first {
		t.Error("an unchanged source got a new connector")
	}
	if st := c.CrawlSource(ctx, src); st.SourcesFailed != 0 || feedA.Load() != 1 {
		t.Fatalf("first pass: %+v, feed a asked %d times", st, feedA.Load())
	}
	changed := src
	changed.Feed = srv.URL + "/b.xml"
	if st := c.CrawlSource(ctx, changed); st.SourcesFailed != 0 || feedB.Load() != 1 || feedA.Load() != 1 {
		t.Errorf("after the feed changed: %+v, feed a asked %d times, feed b %d", st, feedA.Load(), feedB.Load())
	}
	changed.Kind, changed.Sitemap = config.KindSitemap, srv.URL+"/sitemap.xml"
	if s, err := c.sourceOf(changed); err != nil || fmt.Sprintf("%T", s) != "*crawler.sitemapSource" {
		t.Errorf("after the kind changed: %T %v", s, err)
	}
}
