package crawler

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/diskominfo-kaltim/pantau/news"
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

// TestFeedItemsOfKinds: a press release stays an article to fetch, with
// its kind; a social entry becomes a complete post of its platform.
func TestFeedItemsOfKinds(t *testing.T) {
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:pantau="https://github.com/diskominfo-kaltim/pantau/ns/feed"><channel><title>T</title>
<item><title>Rilis</title><link>http://x/r</link><pantau:kind>rilis</pantau:kind></item>
<item><title>Sempaja dalam banget nah</title><link>http://x/p?utm_source=rss</link><pubDate>Mon, 30 Nov 2026 08:13:00 +0800</pubDate>
<description>Sempaja dalam banget nah, yg pakai matic jangan maksa lewat 🙏</description><pantau:kind>sosmed</pantau:kind><pantau:platform>facebook</pantau:platform></item>
</channel></rss>`
	f, err := gofeed.NewParser().Parse(strings.NewReader(feed))
	if err != nil {
		t.Fatal(err)
	}
	if it := feedItem(f.Items[0]); it.Kind != "rilis" || it.Post != nil || it.Link != "http://x/r" {
		t.Errorf("press release %+v", it)
	}
	it := feedItem(f.Items[1])
	if p := it.Post; p == nil || p.Kind != "sosmed" || p.Platform != "facebook" || p.Text != "Sempaja dalam banget nah, yg pakai matic jangan maksa lewat 🙏" ||
		p.URL != "http://x/p?utm_source=rss" || p.PublishedAt.Format("2006-01-02 15:04") != "2026-11-30 00:13" {
		t.Errorf("post %+v", it.Post)
	}
}

// TestFeedCommentAnswersItsPost: a comment entry with the Atom threading
// extension (RFC 4685) carries the id of the post it answers, made from
// the post's address as the crawler makes ids (tracking parameters
// dropped); an unusable address gives none.
func TestFeedCommentAnswersItsPost(t *testing.T) {
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:pantau="https://github.com/diskominfo-kaltim/pantau/ns/feed" xmlns:thr="http://purl.org/syndication/thread/1.0"><channel><title>T</title>
<item><title>Post</title><link>http://x/p?utm_source=rss</link><pantau:kind>sosmed</pantau:kind></item>
<item><title>Komentar</title><link>http://x/k</link><pantau:kind>sosmed</pantau:kind><thr:in-reply-to ref="p" href="http://x/p?utm_source=rss"/></item>
<item><title>Rusak</title><link>http://x/r</link><pantau:kind>sosmed</pantau:kind><thr:in-reply-to ref="p" href="::"/></item>
</channel></rss>`
	f, err := gofeed.NewParser().Parse(strings.NewReader(feed))
	if err != nil {
		t.Fatal(err)
	}
	post, comment, broken := feedItem(f.Items[0]), feedItem(f.Items[1]), feedItem(f.Items[2])
	canon, err := Canonical("http://x/p?utm_source=rss")
	if err != nil {
		t.Fatal(err)
	}
	if post.Post.ParentID != "" || comment.Post.ParentID != news.IDFor(canon) || broken.Post.ParentID != "" {
		t.Errorf("parents: post %q, comment %q (want %q), broken %q", post.Post.ParentID, comment.Post.ParentID, news.IDFor(canon), broken.Post.ParentID)
	}
}
