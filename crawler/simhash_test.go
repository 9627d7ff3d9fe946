package crawler

import (
	"math/bits"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
)

func TestSimHashFindsSyndicatedCopies(t *testing.T) {
	arts, err := indosum.Articles()
	if err != nil {
		t.Fatal(err)
	}
	idx := newStoryIndex()
	for _, a := range arts[:200] {
		idx.add(SimHash(a.Text), a.ID)
	}
	orig := arts[10].Text
	// A syndicated copy: another outlet's dateline, a trimmed last paragraph.
	paras := strings.Split(orig, "\n")
	copyText := "SAMARINDA, Kaltimnews — " + strings.Join(paras[:len(paras)-1], "\n")
	if story, ok := idx.match(SimHash(copyText)); !ok || story != arts[10].ID {
		d := bits.OnesCount64(SimHash(copyText) ^ SimHash(orig))
		t.Errorf("copy not linked to the first story (distance %d): %q %v", d, story, ok)
	}
	// Different articles are not merged.
	false_ := 0
	for _, a := range arts[200:] {
		if _, ok := idx.match(SimHash(a.Text)); ok {
			false_++
		}
	}
	if false_ > 0 {
		t.Errorf("%d distinct articles matched an unrelated story", false_)
	}
}
