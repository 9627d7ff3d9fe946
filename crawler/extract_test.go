package crawler

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
)

func demoPage(tb testing.TB) ([]byte, indosum.Article) {
	tb.Helper()
	arts, err := indosum.Articles()
	if err != nil {
		tb.Fatal(err)
	}
	s := &indosum.Site{Name: "Warta Uji", Articles: arts}
	a := arts[5]
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/berita/"+a.Slug, nil))
	return rec.Body.Bytes(), a
}

// TestExtractDropsBoilerplate: the article's paragraphs come out, the
// menu, ads, "Baca juga", share buttons, comments and footer do not.
func TestExtractDropsBoilerplate(t *testing.T) {
	page, a := demoPage(t)
	ex, err := Extract(page, "http://warta.example/berita/"+a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(a.Text, "\n", 2)[0]
	if !strings.Contains(ex.Text, first[:60]) {
		t.Errorf("lead paragraph missing from %q", ex.Text[:min(200, len(ex.Text))])
	}
	for _, junk := range []string{"Promo kredit", "Bagikan ke Facebook", "Hak cipta", "Mantap beritanya", "Beranda"} {
		if strings.Contains(ex.Text, junk) {
			t.Errorf("boilerplate %q in extracted text", junk)
		}
	}
	if ex.Canonical != "/berita/"+a.Slug {
		t.Errorf("canonical %q", ex.Canonical)
	}
}

func BenchmarkExtract(b *testing.B) {
	page, a := demoPage(b)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(page, "http://warta.example/berita/"+a.Slug); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/page")
}

// TestExtractOneParagraph: an article of one paragraph comes out once, in
// the layouts of common news CMSs. go-trafilatura v1.12.2 gave it twice
// (see dropRepeatedLead).
func TestExtractOneParagraph(t *testing.T) {
	short := "Pemerintah Provinsi Kalimantan Timur meresmikan jembatan baru di Samarinda pada hari Senin untuk memperlancar arus lalu lintas warga kota yang setiap pagi terjebak macet panjang di jalan utama."
	long := short + " Gubernur mengatakan jembatan sepanjang 420 meter itu dibangun selama dua tahun dengan anggaran daerah dan bantuan pemerintah pusat, serta akan dilengkapi jalur sepeda dan trotoar yang ramah bagi penyandang disabilitas pada tahun depan."
	more := "Jembatan dibuka untuk umum mulai pukul enam pagi, dan pengendara diminta tidak berhenti di badan jembatan."
	layouts := []struct{ name, body string }{
		{"article>div.content", `<main><article><div class="content"><p>%s</p></div></article></main>`},
		{"article>p", `<main><article><p>%s</p></article></main>`},
		{"wordpress", `<div id="page"><article class="post type-post"><header><h1 class="entry-title">Jembatan baru</h1></header><div class="entry-content"><p>%s</p></div><footer class="entry-footer">Kategori: Daerah</footer></article></div>`},
		{"itemprop", `<main><div itemprop="articleBody"><p>%s</p></div></main>`},
		{"section>post-body", `<section class="content"><div class="post-body"><p>%s</p></div></section>`},
		{"list", `<article><div class="article-content"><ul><li>%s</li><li>Jembatan dibuka untuk umum mulai pukul enam pagi.</li></ul></div></article>`},
		{"p with br", `<article><div class="article-content"><p>%s<br>Jembatan dibuka untuk umum mulai pukul enam pagi.</p></div></article>`},
		{"more after the container", `<article><h1>Jembatan baru</h1><div class="post-content"><p>%s</p></div><p>` + more + `</p></article>`},
	}
	for _, l := range layouts {
		for _, para := range []string{short, long} {
			page := `<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Jembatan baru</title></head><body>` +
				fmt.Sprintf(l.body, para) + `</body></html>`
			ex, err := Extract([]byte(page), "https://berita.example/jembatan")
			if err != nil {
				t.Errorf("%s: %v", l.name, err)
				continue
			}
			if n := strings.Count(ex.Text, para); n != 1 {
				t.Errorf("%s (%d bytes): paragraph extracted %d times: %q", l.name, len(para), n, ex.Text)
			}
			if strings.Contains(l.body, more) && !strings.Contains(ex.Text, more) {
				t.Errorf("%s (%d bytes): the paragraph after the container is lost: %q", l.name, len(para), ex.Text)
			}
		}
	}

	// The test outlet's own layout, with real articles cut to their lead.
	arts, err := indosum.Articles()
	if err != nil {
		t.Fatal(err)
	}
	var one []indosum.Article
	for _, a := range arts[:40] {
		a.Text = paragraphs(a)[0]
		one = append(one, a)
	}
	s := &indosum.Site{Name: "Warta Uji", Articles: one}
	for _, a := range one {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/berita/"+a.Slug, nil))
		ex, err := Extract(rec.Body.Bytes(), "http://warta.example/berita/"+a.Slug)
		if err != nil {
			t.Errorf("%s: %v", a.Slug, err)
			continue
		}
		lead := strings.Join(strings.Fields(a.Text), " ")
		if n := strings.Count(ex.Text, lead[:min(len(lead), 60)]); n != 1 {
			t.Errorf("%s (%d bytes): paragraph extracted %d times: %q", a.Slug, len(a.Text), n, ex.Text)
		}
	}
}
