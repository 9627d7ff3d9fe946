package crawler

import (
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler/feed"
	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
)

// FuzzFeed feeds arbitrary bytes through the crawler's feed handling:
// parsing must fail with an error, never panic, and every item's link must
// either canonicalise or be rejected.
func FuzzFeed(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A</title><link>https://a.id/x?utm_source=1</link><pubDate>Selasa, 11 Juni 2024 14:05 WITA</pubDate></item></channel></rss>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>B</title><link href="http://b.id/y"/></entry></feed>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"url":"https://c.id/z","title":"C"}]}`))
	f.Add([]byte(`<html><body>bukan feed</body></html>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		parsed, err := feed.Parse(fetch.ToUTF8(data, "application/xml"), "application/xml")
		if err != nil {
			return
		}
		for _, it := range parsed.Items {
			if it == nil {
				continue
			}
			if c, err := Canonical(it.Link); err == nil {
				if c2, err := Canonical(c); err != nil || c2 != c {
					t.Fatalf("canonical form of %q not stable: %q %q %v", it.Link, c, c2, err)
				}
			}
			_, _ = ParseDate(it.Published, fuzzNow, nil)
			_ = StripHTML(it.Description)
		}
	})
}

var fuzzNow = mustTime("2024-06-11T08:00:00Z")

func mustTime(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
