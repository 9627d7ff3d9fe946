package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
)

// outletWithoutFeed serves a site with no feed: robots.txt naming a Google
// News sitemap (on /sitemap-host) or only listing pages with article, tag
// and pagination links.
func outletWithoutFeed(t *testing.T) (*httptest.Server, *sync.Map) {
	hits := &sync.Map{}
	article := func(w http.ResponseWriter, title string) {
		fmt.Fprintf(w, `<html><head><title>%s</title></head><body><nav>Menu</nav><article><h1>%s</h1>
<p>Pemerintah Kota Samarinda menyampaikan informasi terbaru kepada warga mengenai %s pada pekan ini di balai kota.</p>
<p>Kepala dinas menjelaskan bahwa program tersebut akan dilanjutkan tahun depan dengan anggaran daerah.</p></article></body></html>`, title, title, title)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := hits.LoadOrStore(r.URL.Path, new(int))
		*(c.(*int))++
		host := "http://" + r.Host
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "User-agent: *\nDisallow: /admin/\nSitemap: %s/news-sitemap.xml\n", host)
		case "/news-sitemap.xml":
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>%[1]s/berita/2024/06/11/banjir-rob-di-samarinda-surut</loc><news:news><news:publication_date>2024-06-11T14:05:00+08:00</news:publication_date><news:title>Banjir rob di Samarinda surut</news:title></news:news></url>
<url><loc>%[1]s/berita/2024/06/10/pasar-murah-digelar-di-balikpapan</loc><news:news><news:publication_date>2024-06-10T09:00:00+08:00</news:publication_date><news:title>Pasar murah digelar di Balikpapan</news:title></news:news></url>
</urlset>`, host)
		case "/berita/2024/06/11/banjir-rob-di-samarinda-surut", "/berita/2024/06/10/pasar-murah-digelar-di-balikpapan",
			"/daerah/jalan-poros-kutai-barat-mulai-diperbaiki", "/daerah/warga-berau-terima-bantuan-bibit", "/daerah/sekolah-baru-dibuka-di-bontang-utara":
			article(w, r.URL.Path)
		case "/daerah":
			fmt.Fprint(w, `<html><body><a href="/tag/banjir">Banjir</a> <a href="/kategori/daerah">Daerah</a>
<a href="/daerah/jalan-poros-kutai-barat-mulai-diperbaiki">Jalan poros Kutai Barat mulai diperbaiki</a>
<a href="/daerah/warga-berau-terima-bantuan-bibit">Warga Berau terima bantuan bibit</a>
<a href="https://luar.example/daerah/berita-dari-situs-lain-ini">luar</a>
<a href="/daerah?page=2">Berikutnya</a></body></html>`)
			if r.URL.Query().Get("page") == "2" {
				fmt.Fprint(w, `<a href="/daerah/sekolah-baru-dibuka-di-bontang-utara">Sekolah baru</a>`)
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

func urls(t *testing.T, b *bus.Bus, n int) []string {
	t.Helper()
	var out []string
	for _, a := range drain(t, b, n) {
		out = append(out, a.URL)
	}
	sort.Strings(out)
	return out
}

func TestSitemapFromRobotsAndListingPages(t *testing.T) {
	srv, hits := outletWithoutFeed(t)
	ctx := context.Background()
	c, b := testCrawler(t)
	// Site only: no feed found, so the sitemap named in robots.txt is read.
	st := c.CrawlSource(ctx, config.Source{Name: "Situs", Site: srv.URL + "/", AllowPrivate: true})
	if st.New != 2 || st.SourcesFailed != 0 {
		t.Fatalf("sitemap pass: %+v", st)
	}
	got := urls(t, b, 2)
	if !strings.HasSuffix(got[0], "pasar-murah-digelar-di-balikpapan") || !strings.HasSuffix(got[1], "banjir-rob-di-samarinda-surut") {
		t.Errorf("sitemap articles %v", got)
	}
	// Listing pages: article links only, same host, with one page of
	// pagination; tag and category pages are not articles.
	st = c.CrawlSource(ctx, config.Source{Name: "Daftar", Site: srv.URL + "/", Listings: []string{srv.URL + "/daerah"}, MaxDepth: 1, AllowPrivate: true})
	if st.New != 3 || st.SourcesFailed != 0 {
		t.Fatalf("listing pass: %+v", st)
	}
	items := drain(t, b, 5)[2:]
	var links []string
	for _, it := range items {
		links = append(links, strings.TrimPrefix(it.URL, srv.URL))
	}
	sort.Strings(links)
	want := []string{"/daerah/jalan-poros-kutai-barat-mulai-diperbaiki", "/daerah/sekolah-baru-dibuka-di-bontang-utara", "/daerah/warga-berau-terima-bantuan-bibit"}
	if strings.Join(links, " ") != strings.Join(want, " ") {
		t.Errorf("listing links %v, want %v", links, want)
	}
	if v, ok := hits.Load("/tag/banjir"); ok {
		t.Errorf("tag page visited %d times", *(v.(*int)))
	}
}
