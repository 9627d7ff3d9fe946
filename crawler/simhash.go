package crawler

import (
	"hash/fnv"
	"math/bits"
	"strings"
	"sync"
	"unicode"
)

// SimHash is a 64-bit fingerprint of a text's word 3-shingles: texts that
// share most of their wording differ in few bits.
func SimHash(text string) uint64 {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 2000 {
		words = words[:2000]
	}
	var v [64]int32
	n := 0
	for i := 0; i+3 <= len(words); i++ {
		h := fnv.New64a()
		h.Write([]byte(words[i]))
		h.Write([]byte{' '})
		h.Write([]byte(words[i+1]))
		h.Write([]byte{' '})
		h.Write([]byte(words[i+2]))
		x := h.Sum64()
		for b := 0; b < 64; b++ {
			if x&(1<<b) != 0 {
				v[b]++
			} else {
				v[b]--
			}
		}
		n++
	}
	if n == 0 {
		return 0
	}
	var out uint64
	for b := 0; b < 64; b++ {
		if v[b] > 0 {
			out |= 1 << b
		}
	}
	return out
}

// nearDupBits is the largest Hamming distance at which two texts count as
// copies of one story (syndication, edited titles, trimmed paragraphs).
// Independent texts sit near 32 bits apart.
const nearDupBits = 12

// storyWindow is how many recent fingerprints are compared: a linear scan
// of popcounts, exact and cheap at regional volumes (about 50 µs).
const storyWindow = 50000

// storyIndex finds an earlier near-duplicate of a fingerprint among the
// most recent ones.
type storyIndex struct {
	mu   sync.Mutex
	refs []storyRef // ring buffer
	next int
}

type storyRef struct {
	hash  uint64
	story string
}

func newStoryIndex() *storyIndex { return &storyIndex{} }

// match returns the story of the closest indexed near-duplicate of h.
func (s *storyIndex) match(h uint64) (string, bool) {
	if h == 0 {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	best, story := nearDupBits+1, ""
	for _, r := range s.refs {
		if d := bits.OnesCount64(r.hash ^ h); d < best {
			best, story = d, r.story
		}
	}
	return story, story != ""
}

// add indexes h as belonging to story.
func (s *storyIndex) add(h uint64, story string) {
	if h == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.refs) < storyWindow {
		s.refs = append(s.refs, storyRef{h, story})
		return
	}
	s.refs[s.next] = storyRef{h, story}
	s.next = (s.next + 1) % storyWindow
}
