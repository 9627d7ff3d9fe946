package crawler

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract feeds arbitrary HTML bytes through article extraction and
// the page helpers: none may panic, and what they return is text a
// publisher can encode (#12: no input may panic a stage).
func FuzzExtract(f *testing.F) {
	pages, _ := filepath.Glob("testdata/extract/*.html")
	for _, p := range pages[:min(len(pages), 6)] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`<html><head><link rel=canonical href="/a?x=1"><title>T</title></head><body><article><h1>Judul</h1><p>Isi</p></article></body></html>`))
	f.Add([]byte(`<div class="date">Selasa, 11 Juni 2024 14:05 WITA</div><p>` + "\xff\xfe" + `</p>`))
	f.Add([]byte(`<html><body><table><tr><td><p>a<br>b</td></tr></table><script>x</script></body>`))
	f.Add([]byte("<p>\x00<a href='javascript:x'>\u202e</a></p>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		if len(page) > 1<<18 {
			return
		}
		if ex, err := Extract(page, "https://outlet.example/berita/a"); err == nil {
			for _, s := range []string{ex.Title, ex.Text, ex.Author} {
				if strings.Contains(s, "\x00") && !strings.Contains(string(page), "\x00") {
					t.Fatalf("NUL appeared in %q", s)
				}
			}
		}
		_ = canonicalLink(page)
		_ = pageDate(page)
		if s := StripHTML(string(page)); utf8.ValidString(string(page)) && !utf8.ValidString(s) {
			t.Fatalf("StripHTML made valid UTF-8 invalid: %q", s)
		}
	})
}
