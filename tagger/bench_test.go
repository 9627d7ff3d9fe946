package tagger

import (
	"testing"

	"github.com/diskominfo-kaltim/pantau/issuemap/kaltimfeed"
	"github.com/diskominfo-kaltim/pantau/labels"
)

// BenchmarkTag tags the Kaltim example items and as many national news
// items, as their outlets deliver them; one op is one item.
func BenchmarkTag(b *testing.B) {
	tg, err := New()
	if err != nil {
		b.Fatal(err)
	}
	feed, err := kaltimfeed.Feed()
	if err != nil {
		b.Fatal(err)
	}
	national, err := labels.News4()
	if err != nil {
		b.Fatal(err)
	}
	type item struct{ title, text, home string }
	var items []item
	for i, it := range feed {
		items = append(items, item{it.Title, it.Text, it.Region}, item{national[i].Title, national[i].Text, Province})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it := items[i%len(items)]
		tg.TagIn(it.title, it.text, it.home)
	}
}
