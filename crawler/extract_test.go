package crawler

import (
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
