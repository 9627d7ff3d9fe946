// Package indosum holds 300 real Indonesian news articles from IndoSum and
// serves them as a news outlet, as a test corpus for extraction, near-
// duplicate detection, clustering and the pipeline's end-to-end tests. It
// is not the demo (package demo serves the Kaltim example items): most of
// these articles are also in the training data. Only tests import it, so
// it is not linked into the binary.
package indosum

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strings"
	"time"
)

//go:embed articles.jsonl.gz
var articlesGz []byte

// Article is one bundled news article.
type Article struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"approx_time_utc"`
	Slug      string    `json:"slug"`
	Outlet    string    `json:"outlet"`
	URL       string    `json:"url"`
	Category  string    `json:"category"`
	Text      string    `json:"text"`
	TitleText string    `json:"-"`
}

// Title rebuilds a headline from the article's slug.
func (a Article) Title() string {
	if a.TitleText != "" {
		return a.TitleText
	}
	w := strings.Split(a.Slug, "-")
	for i, s := range w {
		if s != "" {
			w[i] = strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return strings.Join(w, " ")
}

// Articles returns the bundled articles, oldest first.
func Articles() ([]Article, error) {
	zr, err := gzip.NewReader(bytes.NewReader(articlesGz))
	if err != nil {
		return nil, err
	}
	var out []Article
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var a Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("demo article %d: %w", len(out)+1, err)
		}
		out = append(out, a)
	}
	return out, sc.Err()
}

// Site is an outlet with robots.txt, an RSS feed at /rss.xml and article
// pages under /berita/, laid out like an Indonesian news site (menu,
// "Baca juga" box, share buttons, comments, ads) so extraction has real
// boilerplate to remove.
type Site struct {
	Name     string
	Articles []Article
}

func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow: /admin/\n")
	case r.URL.Path == "/rss.xml":
		s.feed(w, r)
	case strings.HasPrefix(r.URL.Path, "/berita/"):
		slug := strings.TrimPrefix(r.URL.Path, "/berita/")
		for i := range s.Articles {
			if s.Articles[i].Slug == slug {
				s.page(w, &s.Articles[i], i)
				return
			}
		}
		http.NotFound(w, r)
	case r.URL.Path == "/":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>%s</title><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body><h1>%s</h1></body></html>`,
			html.EscapeString(s.Name), html.EscapeString(s.Name))
	default:
		http.NotFound(w, r)
	}
}

func (s *Site) feed(w http.ResponseWriter, r *http.Request) {
	base := "http://" + r.Host
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>%s</title><link>%s/</link><description>Berita terkini</description><language>id</language>
`, html.EscapeString(s.Name), base)
	for i := len(s.Articles) - 1; i >= 0; i-- {
		a := &s.Articles[i]
		lead := a.Text
		if j := strings.Index(lead, "\n"); j > 0 {
			lead = lead[:j]
		}
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s/berita/%s?utm_source=rss</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(a.Title()), base, a.Slug, a.ID, a.Time.Format(time.RFC1123Z), html.EscapeString(lead))
	}
	b.WriteString("</channel></rss>\n")
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("ETag", fmt.Sprintf(`"%d"`, len(s.Articles)))
	if r.Header.Get("If-None-Match") == fmt.Sprintf(`"%d"`, len(s.Articles)) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	fmt.Fprint(w, b.String())
}

func (s *Site) page(w http.ResponseWriter, a *Article, i int) {
	var paras strings.Builder
	for _, p := range strings.Split(a.Text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			fmt.Fprintf(&paras, "<p>%s</p>\n", html.EscapeString(p))
		}
	}
	related := s.Articles[(i+1)%len(s.Articles)]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>%[1]s - %[2]s</title>
<meta property="og:title" content="%[1]s">
<meta name="author" content="Redaksi %[2]s">
<meta property="article:published_time" content="%[3]s">
<link rel="canonical" href="/berita/%[4]s">
</head><body>
<header><nav><ul><li><a href="/">Beranda</a></li><li><a href="/kategori/daerah">Daerah</a></li><li><a href="/kategori/politik">Politik</a></li><li><a href="/kategori/ekonomi">Ekonomi</a></li><li><a href="/kategori/olahraga">Olahraga</a></li></ul></nav>
<div class="ads">Iklan: Promo kredit motor bunga 0%% — hubungi dealer terdekat</div></header>
<main><article>
<h1>%[1]s</h1>
<div class="meta">Oleh Redaksi %[2]s | %[5]s</div>
<div class="share"><a href="#">Bagikan ke Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a></div>
<div class="content">
%[6]s
<div class="baca-juga"><strong>Baca juga:</strong> <a href="/berita/%[7]s">%[8]s</a></div>
</div>
</article>
<section class="comments"><h3>Komentar</h3><div class="comment">Mantap beritanya min, lanjutkan!</div></section>
</main>
<footer><p>© 2024 %[2]s. Hak cipta dilindungi undang-undang.</p><p>Pedoman Media Siber | Kontak | Karir</p></footer>
</body></html>`,
		html.EscapeString(a.Title()), html.EscapeString(s.Name), a.Time.Format(time.RFC3339), a.Slug,
		a.Time.In(time.FixedZone("WITA", 8*3600)).Format("02/01/2006 15:04 WITA"), paras.String(),
		related.Slug, html.EscapeString(related.Title()))
}
