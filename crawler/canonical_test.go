package crawler

import (
	"net/url"
	"testing"
)

func TestCanonical(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := Canonical(in)
		if err != nil {
			t.Fatalf("Canonical(%q): %v", in, err)
		}
		if got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
	f("HTTPS://Kaltim.AntaraNews.com:443/berita/123/judul?utm_source=fb&utm_medium=x#komentar",
		"https://kaltim.antaranews.com/berita/123/judul")
	f("https://kaltim.tribunnews.com/2024/06/11/banjir?page=2&fbclid=abc&amp=1", "https://kaltim.tribunnews.com/2024/06/11/banjir?page=2")
	f("https://kaltim.tribunnews.com/amp/2024/06/11/banjir", "https://kaltim.tribunnews.com/amp/2024/06/11/banjir")
	f("https://www.inibalikpapan.com/jalan-rusak/amp/", "https://www.inibalikpapan.com/jalan-rusak")
	f("https://amp.example.id/a?b=2&a=1", "https://example.id/a?a=1&b=2")
	f("http://example.id", "http://example.id/")
	// Found by FuzzCanonical: canonical once and for all.
	f("http://Amp.Amp.", "http://amp.amp./")
	f("http://amp.amp.example.id:8080/x/amp/amp/", "http://example.id:8080/x")
	f("http://amp.id/a", "http://amp.id/a")
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"https://a.id/x?utm_source=1", "http://A.ID:80/%7Ex#f", "https://amp.a.id/b/amp/?z=1&y=2", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Canonical(s)
		if err != nil {
			return
		}
		// Canonicalisation is idempotent and yields a parseable URL.
		c2, err := Canonical(c)
		if err != nil {
			t.Fatalf("canonical %q does not parse: %v", c, err)
		}
		if _, err := url.Parse(c); err != nil {
			t.Fatal(err)
		}
		if c2 != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, c2)
		}
	})
}
