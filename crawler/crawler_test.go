package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/nats-io/nats.go/jetstream"
	"golang.org/x/text/encoding/charmap"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/demo/indosum"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
)

func TestFetcherSafety(t *testing.T) {
	big := strings.Repeat("x", 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			fmt.Fprint(w, big)
		case "/latin1":
			w.Header().Set("Content-Type", "text/html; charset=windows-1252")
			b, _ := charmap.Windows1252.NewEncoder().String("<p>Caf\u00e9 \u201cKaltim\u201d</p>")
			io.WriteString(w, b)
		case "/busy":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/etag":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			fmt.Fprint(w, "isi")
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	f := NewFetcher("Pantau-test", testTimeout, 1024)

	if _, err := f.Get(ctx, srv.URL+"/latin1", false, "", ""); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("loopback without allow_private: %v", err)
	}
	r, err := f.Get(ctx, srv.URL+"/latin1", true, "", "")
	if err != nil || string(r.Body) != "<p>Caf\u00e9 \u201cKaltim\u201d</p>" {
		t.Errorf("windows-1252 → UTF-8: %q, %v", r.Body, err)
	}
	if _, err := f.Get(ctx, srv.URL+"/big", true, "", ""); !errors.Is(err, ErrTooLarge) {
		t.Errorf("size cap: %v", err)
	}
	var se *StatusError
	if _, err := f.Get(ctx, srv.URL+"/busy", true, "", ""); !errors.As(err, &se) || se.StatusCode != 429 || se.RetryAfter != 2*time.Minute {
		t.Errorf("429: %v", err)
	}
	if _, err := f.Get(ctx, srv.URL+"/loop", true, "", ""); err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v", err)
	}
	if _, err := f.Get(ctx, "file:///etc/passwd", true, "", ""); err == nil {
		t.Error("file URL accepted")
	}
	r, err = f.Get(ctx, srv.URL+"/etag", true, "", "")
	if err != nil || r.ETag != `"v1"` {
		t.Fatalf("etag: %v %+v", err, r)
	}
	r, err = f.Get(ctx, srv.URL+"/etag", true, r.ETag, "")
	if err != nil || !r.NotModified {
		t.Errorf("conditional GET: %v %+v", err, r)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestCrawlSource crawls a feed whose items lead to a good page, a missing
// page (the feed's text is used) and a duplicate link; a second pass
// publishes nothing new; a 429 backs the host off.
func TestCrawlSource(t *testing.T) {
	var hits, busyAt, rssAt atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/rss":
			rssAt.Store(time.Now().UnixNano())
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Jembatan Mahakam diresmikan</title><link>http://%[1]s/a?utm_source=rss</link><pubDate>Tue, 11 Jun 2024 14:05:00 +0800</pubDate></item>
<item><title>Banjir di Samarinda</title><link>http://%[1]s/hilang</link><description>&lt;p&gt;Banjir merendam tiga kecamatan.&lt;/p&gt;</description></item>
<item><title>Jembatan Mahakam diresmikan</title><link>http://%[1]s/a#top</link></item>
</channel></rss>`, r.Host)
		case "/a":
			fmt.Fprint(w, `<html><head><title>Jembatan</title></head><body><nav>Beranda Daerah</nav><article><h1>Jembatan Mahakam diresmikan</h1>
<p>Gubernur Kalimantan Timur meresmikan jembatan baru di Samarinda pada Selasa pagi, disaksikan ribuan warga yang antusias.</p>
<p>Jembatan sepanjang 400 meter itu diharapkan mengurai kemacetan di pusat kota dan mempercepat arus barang antarwilayah.</p></article>
<footer>Hak cipta</footer></body></html>`)
		case "/busy":
			busyAt.Store(time.Now().UnixNano())
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c, b := testCrawler(t)
	src := config.Source{Name: "Uji", Feed: srv.URL + "/rss", Region: "Kota Samarinda", AllowPrivate: true}
	st := c.CrawlSource(ctx, src)
	if st.Items != 3 || st.New != 2 || st.Duplicates != 1 || st.Failed != 0 {
		t.Fatalf("first pass: %+v", st)
	}
	stream, _ := b.JS.Stream(ctx, bus.StreamArticles)
	info, _ := stream.Info(ctx)
	if info.State.Msgs != 2 {
		t.Fatalf("articles on the bus: %d", info.State.Msgs)
	}
	got := map[string]news.Article{}
	cons, _ := b.JS.OrderedConsumer(ctx, bus.StreamArticles, jetstream.OrderedConsumerConfig{})
	batch, _ := cons.Fetch(2)
	for m := range batch.Messages() {
		var a news.Article
		json.Unmarshal(m.Data(), &a)
		got[a.URL] = a
	}
	a := got["http://"+strings.TrimPrefix(srv.URL, "http://")+"/a"]
	if !strings.HasPrefix(a.Text, "Gubernur Kalimantan Timur meresmikan") || strings.Contains(a.Text, "Hak cipta") {
		t.Errorf("extracted text %q", a.Text)
	}
	if a.Region != "Kota Samarinda" || a.PublishedAt.Format(time.RFC3339) != "2024-06-11T06:05:00Z" {
		t.Errorf("article %+v", a)
	}
	if h := got[srv.URL+"/hilang"]; h.Text != "Banjir merendam tiga kecamatan." {
		t.Errorf("missing page should fall back to the feed text, got %q", h.Text)
	}

	st = c.CrawlSource(ctx, src)
	if st.New != 0 {
		t.Fatalf("second pass published %d", st.New)
	}

	// A 503 with Retry-After holds the next request to that host back:
	// it reaches the server a second or more after the 503 was asked for
	// (the back-off runs from when the crawler read the 503, later still).
	c.get(ctx, src, srv.URL+"/busy", "", "")
	c.get(ctx, src, srv.URL+"/rss", "", "")
	if gap := time.Duration(rssAt.Load() - busyAt.Load()); gap < time.Second {
		t.Errorf("host not backed off after 503 Retry-After: next request %s after it", gap)
	}
}

func TestCrawlSourceBadFeeds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/html" {
			fmt.Fprint(w, "<html><body>bukan feed</body></html>")
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	ctx := context.Background()
	c, _ := testCrawler(t)
	for _, src := range []config.Source{
		{Name: "404", Feed: srv.URL + "/none", AllowPrivate: true},
		{Name: "html", Feed: srv.URL + "/html", AllowPrivate: true},
		{Name: "nofeed", Site: srv.URL + "/html", AllowPrivate: true},
	} {
		st := c.CrawlSource(ctx, src)
		if st.SourcesFailed != 1 || st.New != 0 {
			t.Errorf("%s: %+v", src.Name, st)
		}
	}
}

// TestRobotsTxt: a disallowed page is never requested (the feed's own text
// is used), and Crawl-delay spaces requests to the host.
func TestRobotsTxt(t *testing.T) {
	var privateHits atomic.Int64
	var mu sync.Mutex
	var times []time.Time
	stamp := func() { mu.Lock(); times = append(times, time.Now()); mu.Unlock() }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			stamp()
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n")
		case "/rss":
			stamp()
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>T</title>
<item><title>Rahasia</title><link>http://%[1]s/private/x</link><description>Ringkasan dari feed.</description></item>
<item><title>Publik</title><link>http://%[1]s/public/y</link></item></channel></rss>`, r.Host)
		case "/private/x":
			privateHits.Add(1)
		case "/public/y":
			stamp()
			fmt.Fprint(w, "<html><body><article><p>Berita publik tentang Samarinda yang cukup panjang untuk diekstrak dengan baik oleh pengekstrak.</p></article></body></html>")
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c, _ := testCrawler(t)
	st := c.CrawlSource(ctx, config.Source{Name: "Uji", Feed: srv.URL + "/rss", AllowPrivate: true})
	if st.New != 2 {
		t.Fatalf("stats %+v", st)
	}
	if privateHits.Load() != 0 {
		t.Errorf("disallowed page fetched %d times", privateHits.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	// robots.txt, the feed, the page. The crawler spaces the starts of its
	// requests, so the feed may reach the server late and the page on
	// time; but the feed was asked for after robots.txt was answered, so
	// the page comes a full second or more after robots.txt was asked for.
	if len(times) != 3 {
		t.Fatalf("%d requests stamped, want 3 (robots.txt, feed, page)", len(times))
	}
	if gap := times[2].Sub(times[0]); gap < time.Second {
		t.Errorf("Crawl-delay not honoured: the page %s after robots.txt", gap)
	}
}

// TestSyndicatedCopyJoinsTheFirstStory: the same story on a second outlet
// is kept as that outlet's mention but linked to the first copy, also for
// a crawler started later on the same state.
func TestSyndicatedCopyJoinsTheFirstStory(t *testing.T) {
	arts, err := indosum.Articles()
	if err != nil {
		t.Fatal(err)
	}
	orig, other := arts[20], arts[21]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		item := func(path, title string) string {
			return fmt.Sprintf("<item><title>%s</title><link>http://%s%s</link></item>", title, r.Host, path)
		}
		page := func(text string) {
			fmt.Fprint(w, "<html><body><article>")
			for _, p := range strings.Split(text, "\n") {
				fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(p))
			}
			fmt.Fprint(w, "</article></body></html>")
		}
		switch r.URL.Path {
		case "/a/rss":
			fmt.Fprint(w, `<rss version="2.0"><channel><title>A</title>`+item("/a/1", "Asli")+item("/a/2", "Lain")+`</channel></rss>`)
		case "/b/rss":
			fmt.Fprint(w, `<rss version="2.0"><channel><title>B</title>`+item("/b/1", "Salinan dengan judul baru")+`</channel></rss>`)
		case "/a/1":
			page(orig.Text)
		case "/a/2":
			page(other.Text)
		case "/b/1":
			paras := strings.Split(orig.Text, "\n")
			page("SAMARINDA — " + strings.Join(paras[:len(paras)-1], "\n"))
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	dir := t.TempDir()
	b, err := bus.Open(ctx, bus.Options{StoreDir: dir}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	newCrawler := func() *Crawler {
		c := &Crawler{Fetcher: NewFetcher("Pantau-test", testTimeout, 1<<20), Bus: b, Metrics: metrics.New(), Log: quiet()}
		if err := c.Init(ctx); err != nil {
			t.Fatal(err)
		}
		return c
	}
	newCrawler().CrawlSource(ctx, config.Source{Name: "A", Feed: srv.URL + "/a/rss", AllowPrivate: true})
	// A restarted crawler still knows the first copy.
	newCrawler().CrawlSource(ctx, config.Source{Name: "B", Feed: srv.URL + "/b/rss", AllowPrivate: true})
	cons, _ := b.JS.OrderedConsumer(ctx, bus.StreamArticles, jetstream.OrderedConsumerConfig{})
	batch, _ := cons.Fetch(3)
	got := map[string]news.Article{}
	for m := range batch.Messages() {
		var a news.Article
		json.Unmarshal(m.Data(), &a)
		got[strings.TrimPrefix(a.URL, srv.URL)] = a
	}
	b.Close()
	if len(got) != 3 {
		t.Fatalf("%d articles published", len(got))
	}
	if got["/b/1"].StoryID != got["/a/1"].ID || got["/b/1"].Outlet != "B" {
		t.Errorf("copy story %q, first copy id %q", got["/b/1"].StoryID, got["/a/1"].ID)
	}
	if got["/a/2"].StoryID != got["/a/2"].ID {
		t.Errorf("unrelated article joined story %q", got["/a/2"].StoryID)
	}
}

// drain reads n articles from the articles stream with an ordered consumer
// (the wait ends as soon as n have come; it is long for a loaded machine).
func drain(t *testing.T, b *bus.Bus, n int) []news.Article {
	t.Helper()
	ctx := context.Background()
	cons, err := b.JS.OrderedConsumer(ctx, bus.StreamArticles, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(n, jetstream.FetchMaxWait(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var out []news.Article
	for m := range batch.Messages() {
		var a news.Article
		json.Unmarshal(m.Data(), &a)
		out = append(out, a)
	}
	return out
}

func TestFetcherDecodesCompressedBodies(t *testing.T) {
	// The bomb is compressed once here, so the server answers at once
	// however slow a loaded, race-instrumented machine is.
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(make([]byte, 10<<20))
	zw.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "br") {
			t.Errorf("Accept-Encoding %q", r.Header.Get("Accept-Encoding"))
		}
		switch r.URL.Path {
		case "/gz":
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.WriteString(zw, "isi gzip")
			zw.Close()
		case "/br":
			w.Header().Set("Content-Encoding", "br")
			bw := brotli.NewWriter(w)
			io.WriteString(bw, "isi brotli")
			bw.Close()
		case "/bomb":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(bomb.Bytes())
		}
	}))
	defer srv.Close()
	f := NewFetcher("Pantau-test", testTimeout, 1<<20)
	for path, want := range map[string]string{"/gz": "isi gzip", "/br": "isi brotli"} {
		r, err := f.Get(context.Background(), srv.URL+path, true, "", "")
		if err != nil || string(r.Body) != want {
			t.Errorf("%s: %q %v", path, r.Body, err)
		}
	}
	if _, err := f.Get(context.Background(), srv.URL+"/bomb", true, "", ""); !errors.Is(err, ErrTooLarge) {
		t.Errorf("gzip bomb: %v", err)
	}
}

func TestPageDateFromIndonesianDateLine(t *testing.T) {
	page := []byte(`<html><body><div class="detail__date">Selasa, 11 Jun 2024 14:05 WIB</div><article><p>Isi.</p></article></body></html>`)
	if got := pageDate(page); got.Format(time.RFC3339) != "2024-06-11T07:05:00Z" {
		t.Errorf("page date %s", got)
	}
}

// testTimeout is the per-request timeout of tests that do not test the
// timeout: generous, so that a loaded, race-instrumented machine (load 20
// to 30 while other agents test) does not turn a slow answer into a
// failure. A test of the timeout itself makes its server never answer.
const testTimeout = time.Minute

// testCrawler is a crawler on a fresh embedded bus, closed with the test.
func testCrawler(t *testing.T) (*Crawler, *bus.Bus) {
	t.Helper()
	return testCrawlerOn(t, t.TempDir(), testTimeout)
}

// testCrawlerIn is a crawler on the embedded bus stored in dir (reused
// across a restart).
func testCrawlerIn(t *testing.T, dir string) (*Crawler, *bus.Bus) {
	t.Helper()
	return testCrawlerOn(t, dir, testTimeout)
}

func testCrawlerOn(t *testing.T, dir string, timeout time.Duration) (*Crawler, *bus.Bus) {
	t.Helper()
	b, err := bus.Open(context.Background(), bus.Options{StoreDir: dir}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	c := &Crawler{Fetcher: NewFetcher("Pantau-test", timeout, 1<<20), Bus: b, Metrics: metrics.New(), Log: quiet()}
	if err := c.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c, b
}
