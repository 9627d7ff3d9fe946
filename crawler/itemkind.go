package crawler

import (
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/diskominfo-kaltim/pantau/news"
)

// platforms are the social platforms a feed item may name.
var platforms = map[string]bool{"youtube": true, "facebook": true, "instagram": true, "x": true, "tiktok": true, "telegram": true}

// itemKind reads what a feed item is from the feed's own elements
// <pantau:kind> (berita, rilis or sosmed) and <pantau:platform> (for a
// social post), which the demo's outlets carry: a press-release feed or a
// social account served as a feed. Unknown values are ignored: the item
// stays a news article from the web. feedItem turns a social entry into a
// complete post.
func itemKind(it *gofeed.Item) (kind, platform string) {
	ext := it.Extensions["pantau"]
	value := func(name string) string {
		if v := ext[name]; len(v) > 0 {
			return strings.ToLower(strings.TrimSpace(v[0].Value))
		}
		return ""
	}
	for _, k := range news.Kinds {
		if value("kind") == k {
			kind = k
		}
	}
	if kind == news.KindSosmed && platforms[value("platform")] {
		platform = value("platform")
	}
	return kind, platform
}
