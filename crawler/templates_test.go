package crawler

import (
	"fmt"
	"html"
	"strings"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
)

// newsTemplate wraps an article in the page furniture of one family of
// Indonesian news sites. noise lists boilerplate strings the page holds
// that extraction must drop.
type newsTemplate struct {
	name  string
	page  func(a indosum.Article, related []indosum.Article) string
	noise []string
}

func paragraphs(a indosum.Article) []string {
	var out []string
	for _, p := range strings.Split(a.Text, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func esc(s string) string { return html.EscapeString(s) }

var newsTemplates = []newsTemplate{
	{
		name: "tribun",
		page: func(a indosum.Article, rel []indosum.Article) string {
			var b strings.Builder
			fmt.Fprintf(&b, `<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>%s - Tribunkaltim.co</title>
<meta property="og:title" content="%s"><meta name="author" content="Tribunkaltim.co"></head><body>
<div id="header"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/samarinda">Samarinda</a></li><li><a href="/balikpapan">Balikpapan</a></li><li><a href="/kukar">Kukar</a></li><li><a href="/techno">Techno</a></li></ul></div>
<div class="breadcrumb"><a href="/">Home</a> » <a href="/samarinda">Samarinda</a></div>
<div id="article"><h1 id="arttitle">%s</h1><div id="penulis">Penulis: Rahmat Hidayat | Editor: Budi Santoso</div>
<div class="share">Bagikan ke WhatsApp Facebook Twitter Salin Link</div><div class="side-article txt-article">`, esc(a.Title()), esc(a.Title()), esc(a.Title()))
			for i, p := range paragraphs(a) {
				fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
				if i == 1 {
					fmt.Fprintf(&b, `<p><strong>Baca juga: <a href="/berita/%s">%s</a></strong></p>`+"\n", rel[0].Slug, esc(rel[0].Title()))
				}
			}
			b.WriteString(`</div><div class="tags">Tag: <a href="/tag/samarinda">Samarinda</a> <a href="/tag/kaltim">Kaltim</a></div>
<div class="ikuti">Ikuti kami di Google News dan dapatkan berita terkini setiap hari</div></div>
<div class="comment"><h3>Komentar</h3><div>Setuju sekali dengan kebijakan ini, semoga cepat terlaksana</div></div>
<div id="footer">Copyright © 2024 Tribunkaltim.co. All Right Reserved | Redaksi | Info Iklan</div></body></html>`)
			return b.String()
		},
		noise: []string{"Baca juga", "Penulis: Rahmat Hidayat", "Bagikan ke WhatsApp", "Ikuti kami di Google News", "Setuju sekali dengan kebijakan", "All Right Reserved", "Tag: "},
	},
	{
		name: "detik",
		page: func(a indosum.Article, rel []indosum.Article) string {
			var b strings.Builder
			fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title></head><body>
<header><nav><a href="/">detikNews</a> <a href="/berita">Berita</a> <a href="/daerah">Daerah</a> <a href="/indeks">Indeks</a></nav></header>
<article class="detail"><div class="detail__header"><h1 class="detail__title">%s</h1><div class="detail__author">Ahmad Fauzi - detikNews</div>
<div class="detail__date">Selasa, 11 Jun 2024 14:05 WIB</div></div><div class="detail__body-text itp_bodycontent">`, esc(a.Title()), esc(a.Title()))
			for i, p := range paragraphs(a) {
				fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
				if i == 0 {
					b.WriteString(`<div class="parallaxindetail"><p>ADVERTISEMENT</p><p>SCROLL TO CONTINUE WITH CONTENT</p></div>` + "\n")
				}
				if i == 2 {
					fmt.Fprintf(&b, `<table class="linksisip"><tr><td><div class="linksisip__title">Baca juga:</div><a href="/berita/%s">%s</a></td></tr></table>`+"\n", rel[1].Slug, esc(rel[1].Title()))
				}
			}
			fmt.Fprintf(&b, `<p>(abc/def)</p></div></article>
<div class="list-content"><h2>Berita Terkait</h2><article><a href="/berita/%s">%s</a></article><article><a href="/berita/%s">%s</a></article></div>
<footer>detikNetwork | Redaksi | Pedoman Media Siber | Karir | Kotak Pos | Info Iklan | Privacy Policy</footer></body></html>`,
				rel[2].Slug, esc(rel[2].Title()), rel[3].Slug, esc(rel[3].Title()))
			return b.String()
		},
		noise: []string{"ADVERTISEMENT", "SCROLL TO CONTINUE", "Baca juga", "Berita Terkait", "Pedoman Media Siber", "Ahmad Fauzi - detikNews"},
	},
	{
		name: "kompas",
		page: func(a indosum.Article, rel []indosum.Article) string {
			var b strings.Builder
			fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s Halaman all - Kompas.com</title></head><body>
<div class="nav"><a href="/">Kompas.com</a> <a href="/regional">Regional</a> <a href="/nasional">Nasional</a> <a href="/tren">Tren</a></div>
<div class="read__header"><h1 class="read__title">%s</h1><div class="read__time">Kompas.com - 11/06/2024, 14:05 WIB</div></div>
<div class="read__content"><div class="clearfix">`, esc(a.Title()), esc(a.Title()))
			for i, p := range paragraphs(a) {
				if i == 0 {
					p = "SAMARINDA, KOMPAS.com - " + p
				}
				fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
				if i == 1 {
					fmt.Fprintf(&b, `<p><strong>Baca juga: </strong><a class="inner-link-baca-juga" href="/read/%s">%s</a></p>`+"\n", rel[0].Slug, esc(rel[0].Title()))
				}
			}
			b.WriteString(`</div></div><div class="read__editor">Penulis : Kontributor Samarinda, Zakarias Demon Daton<br>Editor : Dheri Agriesta</div>
<div class="kompasidRec">Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com. Mari bergabung di Grup Telegram "Kompas.com News Update"</div>
<div class="paging">Halaman: 1 2 Selanjutnya</div><footer>Copyright 2008 - 2024 PT. Kompas Cyber Media (Kompas Gramedia Digital Group). All Rights Reserved.</footer></body></html>`)
			return b.String()
		},
		noise: []string{"Baca juga", "Dapatkan update berita pilihan", "Grup Telegram", "Editor : Dheri", "Kompas Cyber Media", "Halaman: 1 2"},
	},
	{
		name: "antara",
		page: func(a indosum.Article, rel []indosum.Article) string {
			var b strings.Builder
			fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s - ANTARA News Kalimantan Timur</title></head><body>
<nav class="navbar"><a href="/">Beranda</a> <a href="/terkini">Terkini</a> <a href="/samarinda">Samarinda</a> <a href="/foto">Foto</a></nav>
<div class="wrap__article-detail"><h1 class="post-title">%s</h1><div class="post-meta">Selasa, 11 Juni 2024 14:05 WIB</div>
<div class="post-content clearfix">`, esc(a.Title()), esc(a.Title()))
			for i, p := range paragraphs(a) {
				if i == 0 {
					p = "Samarinda (ANTARA) - " + p
				}
				fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
			}
			fmt.Fprintf(&b, `<p class="text-muted small mt-2">Pewarta: Arumanto<br>Editor: Rahmad Nasution<br>COPYRIGHT © ANTARA 2024</p></div>
<div class="terkait"><h3>Berita Terkait</h3><ul><li><a href="/berita/%s">%s</a></li><li><a href="/berita/%s">%s</a></li></ul></div>
<div class="sidebar"><h3>Terpopuler</h3><ol><li><a href="/berita/%s">%s</a></li></ol></div></div>
<footer>ANTARA News Kalimantan Timur | Tentang Kami | Kontak | Kode Etik</footer></body></html>`,
				rel[1].Slug, esc(rel[1].Title()), rel[2].Slug, esc(rel[2].Title()), rel[3].Slug, esc(rel[3].Title()))
			return b.String()
		},
		noise: []string{"Pewarta: Arumanto", "COPYRIGHT © ANTARA", "Berita Terkait", "Terpopuler", "Kode Etik"},
	},
	{
		name: "humas",
		page: func(a indosum.Article, rel []indosum.Article) string {
			var b strings.Builder
			fmt.Fprintf(&b, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s &#8211; Pemerintah Kota Samarinda</title></head><body class="single-post">
<header class="site-header"><div class="site-title">Pemerintah Kota Samarinda</div><nav><ul><li>Beranda</li><li>Profil</li><li>Layanan Publik</li><li>PPID</li></ul></nav></header>
<div id="content"><main><article class="post"><h1 class="entry-title">%s</h1><div class="entry-meta">Diposting oleh Admin Humas pada 11 Juni 2024</div><div class="entry-content">`, esc(a.Title()), esc(a.Title()))
			for _, p := range paragraphs(a) {
				fmt.Fprintf(&b, "<p>%s</p>\n", esc(p))
			}
			fmt.Fprintf(&b, `<div class="sharedaddy"><h3>Share this:</h3><ul><li>Facebook</li><li>X</li><li>WhatsApp</li></ul></div>
<div class="jp-relatedposts"><h3>Like this:</h3>Like Loading...</div></div></article></main>
<aside id="secondary" class="widget-area"><section class="widget"><h2>Berita Terbaru</h2><ul><li><a href="/berita/%s">%s</a></li><li><a href="/berita/%s">%s</a></li></ul></section>
<section class="widget"><h2>Agenda Pemkot</h2><p>Rapat koordinasi OPD setiap Senin pukul 08.00 WITA</p></section></aside></div>
<footer class="site-footer">Dinas Komunikasi dan Informatika Kota Samarinda &copy; 2024</footer></body></html>`,
				rel[0].Slug, esc(rel[0].Title()), rel[1].Slug, esc(rel[1].Title()))
			return b.String()
		},
		noise: []string{"Share this:", "Like Loading", "Berita Terbaru", "Rapat koordinasi OPD setiap Senin", "Diposting oleh Admin Humas", "Layanan Publik"},
	},
}
