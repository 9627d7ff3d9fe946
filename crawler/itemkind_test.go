package crawler

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

func TestItemKindFromFeedElements(t *testing.T) {
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:pantau="https://github.com/diskominfo-kaltim/pantau/ns/feed"><channel><title>T</title>
<item><title>a</title><link>http://x/a</link></item>
<item><title>b</title><link>http://x/b</link><pantau:kind>rilis</pantau:kind></item>
<item><title>c</title><link>http://x/c</link><pantau:kind>sosmed</pantau:kind><pantau:platform>Facebook</pantau:platform></item>
<item><title>d</title><link>http://x/d</link><pantau:kind>sosmed</pantau:kind><pantau:platform>myspace</pantau:platform></item>
<item><title>e</title><link>http://x/e</link><pantau:kind>gosip</pantau:kind><pantau:platform>x</pantau:platform></item>
<item><title>f</title><link>http://x/f</link><pantau:kind>berita</pantau:kind><pantau:platform>x</pantau:platform></item>
</channel></rss>`
	f, err := gofeed.NewParser().Parse(strings.NewReader(feed))
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"", ""}, {"rilis", ""}, {"sosmed", "facebook"}, {"sosmed", ""}, {"", ""}, {"berita", ""}}
	for i, it := range f.Items {
		k, p := itemKind(it)
		if [2]string{k, p} != want[i] {
			t.Errorf("item %s: kind %q platform %q, want %v", it.Title, k, p, want[i])
		}
	}
}
