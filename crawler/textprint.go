package crawler

import (
	"hash/fnv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Short social posts are linked to the story they copy by their exact
// wording, not by SimHash. On a few word 3-shingles, two posts that share
// a stock phrase ("terima kasih pak gubernur atas ...") come within
// nearDupBits though they say different things, and an edited copy is
// missed anyway; the same message posted again, by the same account or by
// many (a campaign), has the same words.
const (
	// minPostWords is the shortest social text fingerprinted by SimHash.
	minPostWords = 30
	// minPrintWords is the shortest social text fingerprinted at all:
	// identical "mantap pak", "aamiin" or "semoga cepat ditindaklanjuti"
	// under unrelated posts are no story.
	minPrintWords = 5
	// printWindow is how far from a story's first copy an identical short
	// post still joins it: copies of one message come in a burst, while a
	// stock sentence recurs for months and must not chain all its uses
	// into one story.
	printWindow = 7 * 24 * time.Hour
)

// TextPrint is the fingerprint of a short text's wording: a hash of its
// words, lower-cased, without links and @mentions (a message sent to
// different accounts is the same message); 0 when fewer than
// minPrintWords words remain.
func TextPrint(text string) uint64 {
	var words []string
	for _, tok := range strings.Fields(strings.ToLower(text)) {
		if strings.HasPrefix(tok, "@") || strings.HasPrefix(tok, "http://") || strings.HasPrefix(tok, "https://") || strings.HasPrefix(tok, "www.") {
			continue
		}
		words = append(words, strings.FieldsFunc(tok, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})...)
	}
	if len(words) < minPrintWords {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(strings.Join(words, " ")))
	if x := h.Sum64(); x != 0 {
		return x
	}
	return 1
}

// printIndex finds the story whose first copy has the same wording and
// was published within printWindow.
type printIndex struct {
	mu     sync.Mutex
	bursts map[uint64][]printRef // wording -> its stories, one per burst
	adds   int
}

type printRef struct {
	story string
	at    time.Time // the story's first copy
}

func newPrintIndex() *printIndex { return &printIndex{bursts: map[uint64][]printRef{}} }

// match returns the story of the wording h whose first copy is closest to
// at, if within printWindow.
func (x *printIndex) match(h uint64, at time.Time) (string, bool) {
	if h == 0 {
		return "", false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	story, best := "", printWindow+1
	for _, r := range x.bursts[h] {
		if d := r.at.Sub(at).Abs(); d < best {
			story, best = r.story, d
		}
	}
	return story, story != ""
}

// add indexes a post published at as a copy of story (the story's first
// copy is the earliest). Stories whose first copy is more than two windows
// old are dropped now and then.
func (x *printIndex) add(h uint64, story string, at time.Time) {
	if h == 0 {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	rs := x.bursts[h]
	i := 0
	for i < len(rs) && rs[i].story != story {
		i++
	}
	switch {
	case i == len(rs):
		x.bursts[h] = append(rs, printRef{story, at})
	case at.Before(rs[i].at):
		rs[i].at = at
	}
	if x.adds++; x.adds%4096 == 0 {
		cut := time.Now().Add(-2 * printWindow)
		for k, rs := range x.bursts {
			kept := rs[:0]
			for _, r := range rs {
				if !r.at.Before(cut) {
					kept = append(kept, r)
				}
			}
			if len(kept) == 0 {
				delete(x.bursts, k)
			} else {
				x.bursts[k] = kept
			}
		}
	}
}
