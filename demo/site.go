package demo

import (
	"fmt"
	"hash/fnv"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
)

// FeedNS is the namespace of the demo feed's item elements <pantau:kind>
// and <pantau:platform>, which tell the crawler a press release or a
// social post from a news article.
const FeedNS = "https://github.com/diskominfo-kaltim/pantau/ns/feed"

// banner marks every page as example content.
const banner = "CONTOH — konten contoh untuk demo Pantau, bukan berita atau unggahan sungguhan. Nama orang dan perusahaan rekaan."

// Site serves one outlet: robots.txt, a homepage that links its feed, an
// RSS feed at /rss.xml with every item, and a page per item — a news
// article laid out like an Indonesian news site (menu, ads, "Baca juga",
// share buttons, comments), a press release, or a social post.
type Site struct {
	Outlet *Outlet
	etag   string
}

// NewSite returns the site of o.
func NewSite(o *Outlet) *Site {
	h := fnv.New64a()
	for _, it := range o.Items {
		fmt.Fprintf(h, "%s %d\n", it.ID, it.Published.Unix())
	}
	return &Site{Outlet: o, etag: fmt.Sprintf(`"%x"`, h.Sum64())}
}

// path is an item's page path on its site.
func (s *Site) path(it *Item) string {
	switch s.Outlet.Kind {
	case news.KindRilis:
		return "/siaran-pers/" + it.Slug
	case news.KindSosmed:
		return "/posts/" + it.Slug
	}
	return "/berita/" + it.Slug
}

func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/robots.txt":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "User-agent: *\nDisallow: /admin/\n")
	case p == "/rss.xml":
		s.feed(w, r)
	case p == "/":
		s.home(w)
	default:
		for i := range s.Outlet.Items {
			if s.path(&s.Outlet.Items[i]) == p {
				s.page(w, i)
				return
			}
		}
		http.NotFound(w, r)
	}
}

func (s *Site) home(w http.ResponseWriter) {
	o := s.Outlet
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>%[1]s (contoh)</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>
<body><p class="contoh">%[2]s</p><h1>%[1]s</h1><ul>`, html.EscapeString(o.Name), html.EscapeString(banner))
	for i := range o.Items {
		it := &o.Items[i]
		fmt.Fprintf(w, "<li><a href=\"%s\">%s</a></li>\n", s.path(it), html.EscapeString(it.Title))
	}
	fmt.Fprint(w, "</ul></body></html>\n")
}

func (s *Site) feed(w http.ResponseWriter, r *http.Request) {
	o := s.Outlet
	w.Header().Set("ETag", s.etag)
	if r.Header.Get("If-None-Match") == s.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	base := "http://" + r.Host
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:pantau="%s" xmlns:thr="http://purl.org/syndication/thread/1.0"><channel><title>%s (contoh)</title><link>%s/</link><description>%s</description><language>id</language>
`, FeedNS, html.EscapeString(o.Name), base, html.EscapeString(banner))
	for i := range o.Items {
		it := &o.Items[i]
		desc := it.Text
		if o.Kind != news.KindSosmed {
			desc = lead(it.Text)
		}
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s%s?utm_source=rss</link><guid isPermaLink=\"false\">%s</guid><pubDate>%s</pubDate><description>%s</description><pantau:kind>%s</pantau:kind>",
			html.EscapeString(it.Title), base, s.path(it), html.EscapeString(it.ID), it.Published.Format(time.RFC1123Z),
			html.EscapeString(desc), o.Kind)
		if o.Platform != "" {
			fmt.Fprintf(&b, "<pantau:platform>%s</pantau:platform>", o.Platform)
		}
		if p := o.answered(it); p != nil {
			fmt.Fprintf(&b, `<thr:in-reply-to ref="%s" href="%s%s"/>`, html.EscapeString(p.ID), base, s.path(p))
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprint(w, b.String())
}

// lead is a text's first sentence or so, for the feed's description.
func lead(text string) string {
	if i := strings.Index(text, ". "); i > 0 && i < 300 {
		return text[:i+1]
	}
	if len(text) > 300 {
		cut := strings.LastIndex(text[:300], " ")
		return text[:max(cut, 1)] + " …"
	}
	return text
}

func (s *Site) page(w http.ResponseWriter, i int) {
	o, it := s.Outlet, &s.Outlet.Items[i]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch o.Kind {
	case news.KindSosmed:
		s.post(w, it)
	default:
		s.article(w, i)
	}
}

// paragraphs lays a text out in paragraphs of two sentences, as news
// sites do (the example texts are one paragraph each).
func paragraphs(text string) string {
	var b strings.Builder
	for _, p := range strings.Split(text, "\n") {
		per := 2
		if sentenceEnd(p, 3) == 0 {
			per = 1 // short texts too get two paragraphs or more
		}
		for p = strings.TrimSpace(p); p != ""; {
			end := len(p)
			if n := sentenceEnd(p, per); n > 0 && n < len(p) {
				end = n
			}
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(strings.TrimSpace(p[:end])))
			p = strings.TrimSpace(p[end:])
		}
	}
	return b.String()
}

// sentenceEnd is the byte offset after the k-th sentence of p (a full stop
// followed by a space and a capital letter or a quote), or 0.
func sentenceEnd(p string, k int) int {
	for i := 0; i+2 < len(p); i++ {
		if p[i] == '.' && p[i+1] == ' ' && (p[i+2] >= 'A' && p[i+2] <= 'Z' || p[i+2] == '"') {
			if k--; k == 0 {
				return i + 1
			}
		}
	}
	return 0
}

// article is a news article or a press release with the furniture of an
// Indonesian news or government site around it.
func (s *Site) article(w http.ResponseWriter, i int) {
	o, it := s.Outlet, &s.Outlet.Items[i]
	related := &o.Items[(i+1)%len(o.Items)]
	when := it.Published.In(WITA)
	byline := "Redaksi " + o.Name
	section := "Daerah"
	if o.Kind == news.KindRilis {
		byline, section = o.Name, "Siaran Pers"
	}
	fmt.Fprintf(w, `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>%[1]s - %[2]s (contoh)</title>
<meta property="og:title" content="%[1]s">
<meta name="author" content="%[3]s">
<meta property="article:published_time" content="%[4]s">
<link rel="canonical" href="%[5]s">
</head><body>
<header><div class="contoh">%[6]s</div>
<nav><ul><li><a href="/">Beranda</a></li><li><a href="/kategori/daerah">Daerah</a></li><li><a href="/kategori/pemerintahan">Pemerintahan</a></li><li><a href="/kategori/ekonomi">Ekonomi</a></li></ul></nav>
<div class="ads">Iklan: Promo kredit motor bunga 0%% — hubungi dealer terdekat</div></header>
<main>
<div class="kanal"><a href="/kategori/daerah">%[7]s</a></div>
<h1>%[1]s</h1>
<div class="meta">Oleh %[3]s | %[8]s</div>
<div class="share"><a href="#">Bagikan ke Facebook</a> <a href="#">WhatsApp</a></div>
<article><div class="content">
%[9]s
<div class="baca-juga"><strong>Baca juga:</strong> <a href="%[10]s">%[11]s</a></div>
</div></article>
<section class="comments"><h3>Komentar</h3><div class="comment">Semoga cepat ditindaklanjuti.</div></section>
</main>
<footer><p>© %[12]d %[2]s (contoh). Konten contoh untuk demo Pantau.</p><p>Pedoman Media Siber | Kontak</p></footer>
</body></html>`,
		html.EscapeString(it.Title), html.EscapeString(o.Name), html.EscapeString(byline), when.Format(time.RFC3339), s.path(it),
		html.EscapeString(banner), section, indonesian.Date(when)+" "+indonesian.Clock(when)+" WITA", paragraphs(it.Text),
		s.path(related), html.EscapeString(related.Title), when.Year())
}

// post is a public social post or a comment under one: the post alone in
// the body, as a platform's embed shows it; the account, time and the
// "contoh" banner are drawn by the style sheet, so they stay visible but
// out of the text.
func (s *Site) post(w http.ResponseWriter, it *Item) {
	o := s.Outlet
	when := it.Published.In(WITA)
	kind := "Unggahan"
	if it.Comment {
		kind = "Komentar pada unggahan"
	}
	header := o.Name + " · " + kind + " · " + indonesian.Date(when) + " " + indonesian.Clock(when) + " WITA"
	footer := fmt.Sprintf("%d suka · %d komentar · %d dibagikan", reach(it.ID, 400), reach(it.ID+"c", 60), reach(it.ID+"s", 30))
	fmt.Fprintf(w, `<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta property="og:title" content="%[1]s">
<meta property="og:site_name" content="%[2]s (contoh)">
<meta property="article:published_time" content="%[3]s">
<link rel="canonical" href="%[4]s">
<style>body::before{content:%[5]s;display:block;background:#fff3cd}.post::before{content:%[6]s;display:block;color:#52606d}.post::after{content:%[7]s;display:block;color:#52606d}</style>
</head><body>
<div class="post"><div class="text">%[8]s</div></div>
</body></html>`,
		html.EscapeString(it.Title), html.EscapeString(o.Name), when.Format(time.RFC3339), s.path(it),
		cssString(banner), cssString(header), cssString(footer), strings.ReplaceAll(html.EscapeString(it.Text), "\n", "<br>"))
}

// cssString quotes s as a CSS string.
func cssString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "<", `\3c `).Replace(s) + `"`
}

// reach is a made-up, fixed engagement figure below limit.
func reach(seed string, limit uint64) uint64 {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return h.Sum64() % limit
}
