package googlenews_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/crawlertest"
	"github.com/diskominfo-kaltim/pantau/crawler/googlenews"
)

// oldID encodes url as Google News article IDs of the older form do.
func oldID(u string) string {
	b := append([]byte{0x08, 0x13, 0x22, byte(len(u))}, u...)
	b = append(b, 0xd2, 0x01, 0x00)
	return base64.RawURLEncoding.EncodeToString(b)
}

var newID = base64.RawURLEncoding.EncodeToString(append([]byte{0x08, 0x13, 0x22, 0x2a}, "AU_yqLPr0pY3pJx8kQ2mN7vB1cX4zT9wE6rU0iO5aS"...))
var consentID = base64.RawURLEncoding.EncodeToString(append([]byte{0x08, 0x13, 0x22, 0x14}, "AU_yqLconsent0000000"...))

type google struct {
	t       *testing.T
	outlet  string
	mu      sync.Mutex
	calls   []string
	lastReq url.Values
}

func (g *google) fixture(name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		g.t.Fatal(err)
	}
	now := time.Now()
	b = regexp.MustCompile(`\{\{T-(\w+)\}\}`).ReplaceAllFunc(b, func(m []byte) []byte {
		d, _ := time.ParseDuration(string(m[4 : len(m)-2]))
		return []byte(now.Add(-d).UTC().Format(time.RFC1123))
	})
	r := strings.NewReplacer("{{NOW}}", now.UTC().Format(time.RFC1123), "{{OUTLET}}", g.outlet,
		"{{OLDID}}", oldID(g.outlet+"/berita/bantuan-banjir-sempaja?utm_source=googlenews"), "{{NEWID}}", newID, "{{CONSENTID}}", consentID)
	return []byte(r.Replace(string(b)))
}

func (g *google) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.calls = append(g.calls, r.Method+" "+r.URL.Path)
	g.mu.Unlock()
	switch {
	case r.URL.Path == "/robots.txt":
		fmt.Fprint(w, "User-agent: *\nDisallow: /search\nAllow: /rss\n")
	case r.URL.Path == "/rss/search":
		if r.URL.Query().Get("q") != `"Pemprov Kaltim"` || r.URL.Query().Get("hl") != "id" || r.URL.Query().Get("ceid") != "ID:id" {
			g.t.Errorf("search query %v", r.URL.Query())
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		w.Write([]byte(strings.ReplaceAll(string(g.fixture("search.xml")), "{{BASE}}", "http://"+r.Host)))
	case r.URL.Path == "/rss/articles/"+newID:
		w.Write(g.fixture("article_page.html"))
	case r.URL.Path == "/rss/articles/"+consentID:
		w.Write(g.fixture("consent_page.html"))
	case r.URL.Path == "/_/DotsSplashUi/data/batchexecute" && r.Method == http.MethodPost:
		r.ParseForm()
		g.mu.Lock()
		g.lastReq = r.PostForm
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(g.fixture("batchexecute.txt"))
	default:
		http.NotFound(w, r)
	}
}

func (g *google) take() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.calls
	g.calls = nil
	return out
}

func outletServer(t *testing.T) (*httptest.Server, *sync.Map) {
	hits := &sync.Map{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := hits.LoadOrStore(r.URL.Path, new(int))
		*(n.(*int))++
		if !strings.HasPrefix(r.URL.Path, "/berita/") {
			http.NotFound(w, r)
			return
		}
		title := strings.ReplaceAll(strings.TrimPrefix(r.URL.Path, "/berita/"), "-", " ")
		fmt.Fprintf(w, `<html><head><title>%s</title></head><body><article><h1>%s</h1>
<p>SAMARINDA – Pemerintah Provinsi Kalimantan Timur menindaklanjuti laporan warga tentang %s pada Selasa pagi.</p>
<p>Kepala dinas terkait menyatakan penanganan akan dilanjutkan hingga akhir pekan bersama pemerintah kota.</p></article></body></html>`, title, title, title)
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

func TestSearchResolvedToOutlets(t *testing.T) {
	outlet, hits := outletServer(t)
	g := &google{t: t, outlet: outlet.URL}
	srv := httptest.NewServer(g)
	defer srv.Close()
	c, b := crawlertest.Open(t, t.TempDir(), nil)
	src := config.Source{Name: "Google News: Pemprov Kaltim", Kind: config.KindGoogleNews, Query: `"Pemprov Kaltim"`,
		Region: "Kalimantan Timur", BaseURL: srv.URL, AllowPrivate: true}
	ctx := context.Background()
	st := c.CrawlSource(ctx, src)
	if st.New != 3 || st.SourcesFailed != 0 {
		t.Fatalf("first poll %+v", st)
	}
	byURL := map[string]string{}
	for _, a := range crawlertest.Articles(t, b) {
		byURL[a.URL] = a.Outlet + " | " + a.Title
		if !strings.Contains(a.Text, "Pemerintah Provinsi Kalimantan Timur") || a.Kind != "" || a.Region != "Kalimantan Timur" {
			t.Errorf("article %s: text %q kind %q", a.URL, a.Text, a.Kind)
		}
	}
	want := map[string]string{
		outlet.URL + "/berita/bantuan-banjir-sempaja":         "Kaltim Post | Pemprov Kaltim Salurkan Bantuan untuk Korban Banjir Sempaja",
		outlet.URL + "/berita/jalan-poros-longsor-alat-berat": "Tribun Kaltim | Jalan Poros Samarinda-Bontang Longsor, Pemprov Kaltim Turunkan Alat Berat",
		outlet.URL + "/berita/harga-cabai-naik-pasar-murah":   "Kaltimtoday.co | Harga Cabai di Samarinda Naik, Pemprov Kaltim Gelar Pasar Murah 🌶️",
	}
	for u, w := range want {
		if byURL[u] != w {
			t.Errorf("%s: %q, want %q (got %v)", u, byURL[u], w, byURL)
		}
	}
	g.mu.Lock()
	freq := g.lastReq.Get("f.req")
	g.mu.Unlock()
	if !strings.Contains(freq, "Fbv4je") || !strings.Contains(freq, newID) || !strings.Contains(freq, "1718085600") ||
		!strings.Contains(freq, "AZ5r3eS7vU0pQy2nN8kFw1xBd9LmA4cT") {
		t.Errorf("batchexecute request %s", freq)
	}
	// Second poll: links resolved once, articles fetched once.
	g.take()
	st = c.CrawlSource(ctx, src)
	if st.New != 0 || st.Duplicates != 3 {
		t.Fatalf("second poll %+v", st)
	}
	for _, call := range g.take() {
		if strings.Contains(call, newID) || strings.Contains(call, "batchexecute") {
			t.Errorf("resolved again: %s", call)
		}
	}
	if n, _ := hits.Load("/berita/bantuan-banjir-sempaja"); *(n.(*int)) != 1 {
		t.Errorf("outlet page fetched %d times", *(n.(*int)))
	}
}

func TestDecodeID(t *testing.T) {
	if u, ok := googlenews.DecodeID(oldID("https://kaltim.prokal.co/read/news/12345-banjir")); !ok || u != "https://kaltim.prokal.co/read/news/12345-banjir" {
		t.Errorf("old form: %q %v", u, ok)
	}
	if u, ok := googlenews.DecodeID(newID); ok {
		t.Errorf("new form decoded to %q", u)
	}
	for _, bad := range []string{"", "!!!", "CBMi", base64.RawURLEncoding.EncodeToString([]byte{0x08, 0x13, 0x22, 0x7f, 'h'})} {
		if _, ok := googlenews.DecodeID(bad); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}
