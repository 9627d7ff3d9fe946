package feed

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// TestOneBadByteKeepsTheFeed: one byte that is not UTF-8 in a title, or a
// control character, costs that character, not the feed (#12 item 9).
func TestOneBadByteKeepsTheFeed(t *testing.T) {
	f := func(name string, doc []byte, contentType string, wantTitles ...string) {
		t.Helper()
		feed, err := Parse(doc, contentType)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if len(feed.Items) != len(wantTitles) {
			t.Errorf("%s: %d items, want %d", name, len(feed.Items), len(wantTitles))
			return
		}
		for i, it := range feed.Items {
			if it.Title != wantTitles[i] {
				t.Errorf("%s: item %d title %q, want %q", name, i, it.Title, wantTitles[i])
			}
		}
	}
	rss := func(decl, title string) []byte {
		return []byte(decl + `<rss version="2.0"><channel><title>Outlet</title>
<item><title>` + title + `</title><link>https://a.id/1</link></item>
<item><title>Banjir surut di Samarinda</title><link>https://a.id/2</link></item></channel></rss>`)
	}
	f("invalid byte, UTF-8 declared", rss(`<?xml version="1.0" encoding="UTF-8"?>`, "Kafe \xe9lite dibuka"), "application/rss+xml",
		"Kafe \uFFFDlite dibuka", "Banjir surut di Samarinda")
	f("invalid byte, nothing declared", rss("", "Kafe \xe9lite dibuka"), "",
		"Kafe \uFFFDlite dibuka", "Banjir surut di Samarinda")
	f("truncated sequence", rss("", "Jembatan \xe2\x80 Mahakam"), "",
		"Jembatan \uFFFD\uFFFD Mahakam", "Banjir surut di Samarinda")
	f("control character", rss("", "Rapat\x0b DPRD\x01"), "", "Rapat DPRD", "Banjir surut di Samarinda")
	atom := []byte("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><entry><title>Caf\xe9 Balikpapan</title><link href=\"https://b.id/1\"/></entry></feed>")
	f("atom", atom, "application/atom+xml", "Caf\uFFFD Balikpapan")

	// The HTTP charset is used when the document declares none.
	latin, _ := charmap.Windows1252.NewEncoder().Bytes(rss("", "Kafe élite “baru” dibuka"))
	f("windows-1252 by Content-Type", latin, "application/rss+xml; charset=windows-1252",
		"Kafe élite “baru” dibuka", "Banjir surut di Samarinda")
	// A declared encoding is left to the parser.
	iso, _ := charmap.ISO8859_1.NewEncoder().Bytes(rss(`<?xml version="1.0" encoding="ISO-8859-1"?>`, "Kafe élite"))
	f("ISO-8859-1 declared", iso, "", "Kafe élite", "Banjir surut di Samarinda")
	// Valid input is returned without a copy.
	ok := rss("", "Pasar murah 🛒 digelar")
	if got := Sanitize(ok, ""); &got[0] != &ok[0] || !bytes.Equal(got, ok) {
		t.Error("valid feed copied or changed")
	}
	f("json feed", []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"https://c.id/1","title":"Caf\u00e9"}]}`), "application/feed+json", "Café")
}
