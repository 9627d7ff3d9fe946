package crawler

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/diskominfo-kaltim/pantau/config"
)

// TestOutletEdgeCases crawls one local outlet whose articles come in
// several charsets, behind redirects and AMP pages, slow, huge or
// rate-limited, and checks what is fetched, what is skipped and what text
// each article gets.
func TestOutletEdgeCases(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	body := func(w io.Writer, title, para string) {
		fmt.Fprintf(w, `<html><head><title>%s</title></head><body><nav>Beranda | Daerah</nav><article><h1>%s</h1><p>%s</p>
<p>Pemerintah daerah memastikan penanganan berjalan sesuai rencana dan warga diminta tetap tenang menunggu informasi resmi.</p></article>
<footer>Hak cipta redaksi</footer></body></html>`, title, title, para)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		host := "http://" + r.Host
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
		case "/rss":
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Outlet</title>
<item><title>Satu</title><link>%[1]s/cp1252</link></item>
<item><title>Dua</title><link>%[1]s/latin1</link></item>
<item><title>Tiga</title><link>%[1]s/pindah</link></item>
<item><title>Empat</title><link>%[1]s/berita/empat/amp</link></item>
<item><title>Lima</title><link>%[1]s/lambat</link><description>Ringkasan lima dari feed.</description></item>
<item><title>Enam</title><link>%[1]s/raksasa</link><description>Ringkasan enam dari feed.</description></item>
<item><title>Tujuh</title><link>%[1]s/sibuk</link><description>Ringkasan tujuh dari feed.</description></item>
</channel></rss>`, host)
		case "/cp1252":
			w.Header().Set("Content-Type", "text/html; charset=windows-1252")
			var b strings.Builder
			body(&b, "Satu", "Gubernur menyebut banjir \u201cterkendali\u201d \u2014 kata warga lain.")
			enc, _ := charmap.Windows1252.NewEncoder().String(b.String())
			io.WriteString(w, enc)
		case "/latin1":
			w.Header().Set("Content-Type", "text/html")
			var b strings.Builder
			b.WriteString(`<meta charset="iso-8859-1">`)
			body(&b, "Dua", "Kafe \u00e9lite di Samarinda dibuka \u00b1 pukul 10.")
			enc, _ := charmap.ISO8859_1.NewEncoder().String(b.String())
			io.WriteString(w, enc)
		case "/pindah":
			http.Redirect(w, r, "/berita/tiga", http.StatusMovedPermanently)
		case "/berita/tiga":
			body(w, "Tiga", "Artikel tiga setelah pengalihan alamat.")
		case "/berita/empat/amp":
			fmt.Fprintf(w, `<html><head><link rel="canonical" href="%s/berita/empat"></head><body><article><h1>Empat</h1><p>Versi AMP artikel empat tentang jembatan.</p><p>Paragraf kedua artikel empat yang cukup panjang untuk diekstrak.</p></article></body></html>`, host)
		case "/lambat":
			// Never answers: the crawler's timeout must end the request,
			// however slow or fast the machine is.
			<-r.Context().Done()
		case "/raksasa":
			body(w, "Enam", strings.Repeat("sangat panjang ", 200_000))
		case "/sibuk":
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	// The timeout is what /lambat tests; it is also every other request's,
	// so it is long enough for them on a loaded machine.
	c, b := testCrawlerOn(t, t.TempDir(), 5*time.Second)
	st := c.CrawlSource(ctx, config.Source{Name: "Outlet", Feed: srv.URL + "/rss", Region: "Kota Samarinda", AllowPrivate: true})
	if st.Items != 7 || st.New != 7 || st.Failed != 0 {
		t.Fatalf("stats %+v", st)
	}
	got := map[string]string{}
	for _, a := range drain(t, b, 7) {
		got[strings.TrimPrefix(a.URL, srv.URL)] = a.Text
	}
	want := map[string]string{
		"/cp1252":       "Gubernur menyebut banjir \u201cterkendali\u201d \u2014 kata warga lain.",
		"/latin1":       "Kafe \u00e9lite di Samarinda dibuka \u00b1 pukul 10.",
		"/berita/tiga":  "Artikel tiga setelah pengalihan alamat.",
		"/berita/empat": "Versi AMP artikel empat tentang jembatan.",
		"/lambat":       "Ringkasan lima dari feed.",
		"/raksasa":      "Ringkasan enam dari feed.",
		"/sibuk":        "Ringkasan tujuh dari feed.",
	}
	for path, lead := range want {
		text, ok := got[path]
		if !ok {
			t.Errorf("no article under %s (got %v)", path, keys(got))
			continue
		}
		if !strings.HasPrefix(text, lead) {
			t.Errorf("%s: text %q, want it to start with %q", path, text[:min(len(text), 120)], lead)
		}
		if strings.Contains(text, "Hak cipta") || strings.Contains(text, "Beranda") {
			t.Errorf("%s: boilerplate in %q", path, text)
		}
	}
	// A second pass fetches no article again: AMP and redirected links
	// are known under their feed link too.
	mu.Lock()
	before := hits["/pindah"] + hits["/berita/empat/amp"] + hits["/cp1252"]
	mu.Unlock()
	c.CrawlSource(ctx, config.Source{Name: "Outlet", Feed: srv.URL + "/rss", Region: "Kota Samarinda", AllowPrivate: true})
	mu.Lock()
	after := hits["/pindah"] + hits["/berita/empat/amp"] + hits["/cp1252"]
	mu.Unlock()
	if after != before {
		t.Errorf("known articles fetched again: %d → %d", before, after)
	}
}

func keys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}
