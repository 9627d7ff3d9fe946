package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/diskominfo-kaltim/pantau/config"
)

// TestAllowPrivateOpensOnlyTheListedHost: a source allowed on a private
// address reaches its listed feed host, but an item linking to another
// private host (here the same server under another name, as an internal
// address would be) is not fetched: the feed's text is used (#12 item 5).
func TestAllowPrivateOpensOnlyTheListedHost(t *testing.T) {
	var internal atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/rss":
			port := r.Host[strings.LastIndex(r.Host, ":")+1:]
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>T</title>
<item><title>Di situs sendiri</title><link>http://%[1]s/berita/satu</link></item>
<item><title>Ke alamat internal</title><link>http://localhost:%[2]s/admin/rahasia</link><description>Ringkasan dari feed.</description></item>
</channel></rss>`, r.Host, port)
		case strings.HasPrefix(r.Host, "localhost"):
			internal.Add(1)
			fmt.Fprint(w, "<html><body><article><p>Data internal yang tidak boleh terbaca oleh crawler sama sekali.</p></article></body></html>")
		default:
			fmt.Fprint(w, "<html><body><article><p>Berita satu tentang jembatan di Samarinda yang cukup panjang untuk diekstrak.</p></article></body></html>")
		}
	}))
	defer srv.Close()
	c, b := testCrawler(t)
	st := c.CrawlSource(context.Background(), config.Source{Name: "Intranet", Feed: srv.URL + "/rss", AllowPrivate: true})
	if st.New != 2 {
		t.Fatalf("stats %+v", st)
	}
	if n := internal.Load(); n != 0 {
		t.Errorf("a private host not listed for the source was requested %d times", n)
	}
	for _, a := range drain(t, b, 2) {
		if strings.Contains(a.URL, "localhost") && a.Text != "Ringkasan dari feed." {
			t.Errorf("internal link: text %q, want the feed's", a.Text)
		}
	}
}

// TestInvalidUTF8TitleKeepsTheFeed: one byte that is not UTF-8 in one
// feed title no longer rejects the whole feed (#12 item 9).
func TestInvalidUTF8TitleKeepsTheFeed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rss" {
			fmt.Fprintf(w, "<html><body><article><p>Isi %s yang cukup panjang untuk diekstrak oleh pengekstrak teks.</p></article></body></html>", r.URL.Path)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>T</title>"+
			"<item><title>Kafe \xe9lite dibuka di Samarinda</title><link>http://%[1]s/satu</link></item>"+
			"<item><title>Banjir surut</title><link>http://%[1]s/dua</link></item>"+
			"<item><title>Jalan poros diperbaiki</title><link>http://%[1]s/tiga</link></item></channel></rss>", r.Host)
	}))
	defer srv.Close()
	c, b := testCrawler(t)
	st := c.CrawlSource(context.Background(), config.Source{Name: "Uji", Feed: srv.URL + "/rss", AllowPrivate: true})
	if st.SourcesFailed != 0 || st.New != 3 {
		t.Fatalf("stats %+v", st)
	}
	titles := map[string]bool{}
	for _, a := range drain(t, b, 3) {
		titles[a.Title] = true
	}
	if !titles["Kafe \uFFFDlite dibuka di Samarinda"] {
		t.Errorf("titles %v", titles)
	}
}
