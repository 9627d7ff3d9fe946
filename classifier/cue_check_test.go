package classifier

import "testing"

func TestCueIndexMatchesCountPhrase(t *testing.T) {
	f := newFeaturizer(1<<10, nil)
	d := &doc{}
	f.words("Warga Samarinda mengeluhkan jalan berlubang di Jalan Pangeran Antasari. Dinas PUPR menyatakan perbaikan dijadwalkan pekan depan. rencana demo akan demo harga naik", d)
	words := d.words
	for li, label := range cueLabels {
		var old, idx float32
		for _, ph := range cues[label] {
			old += float32(countPhrase(words, ph))
		}
		for i, w := range words {
			for _, c := range cueIndex[w] {
				if c.label != li || i+len(c.rest) >= len(words) {
					continue
				}
				ok := true
				for j, r := range c.rest {
					if words[i+1+j] != r {
						ok = false
					}
				}
				if ok {
					idx++
				}
			}
		}
		if old != idx {
			t.Errorf("%s: countPhrase %v, index %v", label, old, idx)
		}
	}
}
