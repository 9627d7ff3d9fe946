package classifier

import (
	"bufio"
	"bytes"
	_ "embed"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
)

//go:embed lexicon/slang.tsv
var slangTSV []byte

// Feature kinds, hashed with the token text into one bucket space.
const (
	kindWord byte = iota + 1
	kindTitle
	kindBigram
	kindSubword
	kindNegated
	kindCue
)

// Dense features live in reserved rows after the hashed buckets.
const (
	denseLexPos = iota
	denseLexNeg
	denseCuePos
	denseCueRisk
	denseCueNeg
	denseBias
	denseCount
)

// feat is one feature occurrence: a weight row and its value.
type feat struct {
	idx uint32
	val float32
	// name locates the feature's text for evidence: token indices into
	// the document's word list (b < 0 for single tokens); kind says how.
	kind byte
	a, b int32
}

// doc is a tokenised item with its features.
type doc struct {
	words   []string
	entries []*wordEntry
	feats   []feat
	// lean leaves out each word's own and subword features: the model
	// adds them from the word's cached row sum (see Trained.uni). nLean
	// counts them; scale is the value of every hashed feature.
	lean  bool
	nLean int
	scale float32
}

// wordEntry is everything the featurizer needs of one surface word,
// computed once and cached: the normalised word, its lexicon weight, and
// the hashes of its features.
type wordEntry struct {
	word    string // after slang normalisation
	weight  float32
	negator bool
	hWord   uint32
	hTitle  uint32
	hNeg    uint32
	cues    []cueRef // cue phrases starting with this word
	subs    []uint32 // hashes of its subword units
	// uni caches the sum of the weight rows of the word's own and subword
	// features for one model.
	uni atomic.Pointer[uniSum]
}

type uniSum struct {
	owner *Trained
	v     [8]float32
	own   [8]float32 // the word feature's own row, for evidence
}

// featurizer turns a title and text into hashed features.
type featurizer struct {
	dim  uint32 // number of hashed buckets, a power of two
	info map[string]wordInfo
	sub  *Subword // nil: no subword features
	// The word cache, surface word → entry, keyed by the word's 64-bit
	// hash. Readers look words up in an immutable table without locking;
	// new words go to young under mu and are folded into a new table once
	// young holds an eighth as many (copies stay amortised O(1) a word).
	snap    atomic.Pointer[wordTable]
	mu      sync.Mutex
	young   map[uint64]*wordEntry
	maxSize int
}

// wordInfo is everything known about a word, found with one lookup.
type wordInfo struct {
	formal  string  // slang normalised to this word ("" if none)
	weight  float32 // InSet weight of the (normalised) word
	negator bool
}

func newFeaturizer(dim uint32, sub *Subword) *featurizer {
	f := &featurizer{dim: dim, info: map[string]wordInfo{}, sub: sub, young: map[uint64]*wordEntry{}, maxSize: 1_000_000}
	f.snap.Store(newWordTable(nil, nil))
	lex := NewLexicon()
	for w, v := range lex.weights {
		if !strings.Contains(w, " ") {
			f.info[w] = wordInfo{weight: float32(v)}
		}
	}
	for w := range negators {
		in := f.info[w]
		in.negator = true
		f.info[w] = in
	}
	sc := bufio.NewScanner(bytes.NewReader(slangTSV))
	for sc.Scan() {
		if s, formal, ok := strings.Cut(sc.Text(), "\t"); ok {
			to := f.info[formal]
			in := f.info[s]
			in.formal, in.weight, in.negator = formal, to.weight, to.negator
			f.info[s] = in
		}
	}
	return f
}

const maxWords = 600 // the lead carries the item's point; long tails add noise and time

// words splits s into words, appending their entries.
func (f *featurizer) words(s string, d *doc) {
	snap := f.snap.Load()
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			f.appendWord(d, snap, s[start:i])
			start = -1
			if len(d.words) >= maxWords {
				return
			}
		}
	}
	if start >= 0 {
		f.appendWord(d, snap, s[start:])
	}
}

func (f *featurizer) appendWord(d *doc, snap *wordTable, w string) {
	e := f.entry(snap, w)
	d.words = append(d.words, e.word)
	d.entries = append(d.entries, e)
}

// entry returns the cached entry of a surface word; snap is the cache
// table the caller loaded for its document.
func (f *featurizer) entry(snap *wordTable, surface string) *wordEntry {
	h := hash64(surface)
	if e := snap.get(h); e != nil {
		return e
	}
	f.mu.Lock()
	e, ok := f.young[h]
	f.mu.Unlock()
	if ok {
		return e
	}
	w := strings.ToLower(surface)
	in := f.info[w]
	if in.formal != "" {
		w = in.formal
	}
	e = &wordEntry{word: w, weight: in.weight, negator: in.negator,
		hWord: hashStr(hashKind(kindWord), w), hTitle: hashStr(hashKind(kindTitle), w),
		hNeg: hashStr(hashKind(kindNegated), w), cues: cueIndex[w]}
	if f.sub != nil {
		for _, p := range f.sub.Pieces(w) {
			e.subs = append(e.subs, hashStr(hashKind(kindSubword), p))
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	old := f.snap.Load()
	if old.n+len(f.young) >= f.maxSize {
		return e
	}
	f.young[h] = e
	if len(f.young) >= max(1024, old.n/8) {
		f.snap.Store(newWordTable(old, f.young))
		f.young = map[uint64]*wordEntry{}
	}
	return e
}

// wordTable is an immutable open-addressing table from a surface word's
// 64-bit hash to its entry. The hash stands for the word: two of the (at
// most a million) cached words share one with a probability near 1e-8,
// and a lookup then costs no string comparison.
type wordTable struct {
	slots []wordSlot
	mask  uint64
	n     int
}

type wordSlot struct {
	h uint64
	e *wordEntry
}

// newWordTable holds the words of old and add, at most half full.
func newWordTable(old *wordTable, add map[uint64]*wordEntry) *wordTable {
	n := len(add)
	if old != nil {
		n += old.n
	}
	size := 1024
	for size < 2*n {
		size *= 2
	}
	t := &wordTable{slots: make([]wordSlot, size), mask: uint64(size - 1)}
	if old != nil {
		for _, s := range old.slots {
			if s.e != nil {
				t.put(s.h, s.e)
			}
		}
	}
	for h, e := range add {
		t.put(h, e)
	}
	return t
}

func (t *wordTable) put(h uint64, e *wordEntry) {
	for i := fmix64(h) & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].e == nil {
			t.slots[i] = wordSlot{h, e}
			t.n++
			return
		}
		if t.slots[i].h == h {
			return
		}
	}
}

func (t *wordTable) get(h uint64) *wordEntry {
	for i := fmix64(h) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.e == nil || s.h == h {
			return s.e
		}
	}
}

// hash64 is FNV-1a, 64 bits.
func hash64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// fmix64 spreads a hash's bits into the low ones (MurmurHash3's finaliser).
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// mix combines two word hashes into a bigram hash.
func mix(a, b uint32) uint32 {
	h := uint64(a)<<32 | uint64(b)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return uint32(h) ^ uint32(kindBigram)
}

// fnv-1a, 32 bits.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func hashStr(h uint32, s string) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

func hashKind(k byte) uint32 { return (fnvOffset ^ uint32(k)) * fnvPrime }

// extract fills d with the features of title and text.
func (f *featurizer) extract(title, text string, d *doc) {
	d.words = d.words[:0]
	d.entries = d.entries[:0]
	d.feats = d.feats[:0]
	d.nLean = 0
	f.words(title, d)
	nTitle := len(d.words)
	f.words(text, d)
	mask := f.dim - 1
	add := func(kind byte, h uint32, a, b int32) {
		d.feats = append(d.feats, feat{idx: h & mask, val: 1, kind: kind, a: a, b: b})
	}
	negScope := 0
	var lexPos, lexNeg float32
	var cue [3]float32
	for i, e := range d.entries {
		if d.lean {
			d.nLean += 1 + len(e.subs)
		} else {
			add(kindWord, e.hWord, int32(i), -1)
		}
		if i < nTitle {
			add(kindTitle, e.hTitle, int32(i), -1)
		}
		if i > 0 && i != nTitle {
			add(kindBigram, mix(d.entries[i-1].hWord, e.hWord), int32(i-1), int32(i))
		}
		if negScope > 0 {
			add(kindNegated, e.hNeg, int32(i), -1)
			negScope--
		}
		if e.negator {
			negScope = 3
		}
		if v := e.weight; v != 0 {
			if negScope > 0 && !e.negator {
				v = -v
			}
			if v > 0 {
				lexPos += v
			} else {
				lexNeg -= v
			}
		}
		if !d.lean {
			for _, h := range e.subs {
				add(kindSubword, h, int32(i), -1)
			}
		}
		// Cue phrases from the guideline, as their own features.
		for _, c := range e.cues {
			if i+len(c.rest) >= len(d.words) {
				continue
			}
			match := true
			for j, r := range c.rest {
				if d.words[i+1+j] != r {
					match = false
					break
				}
			}
			if match {
				cue[c.label]++
				add(kindCue, c.hash, int32(c.label), int32(c.phrase))
			}
		}
	}
	// Scale hashed counts so long and short items weigh alike.
	d.scale = 0
	if n := len(d.feats) + d.nLean; n > 0 {
		d.scale = float32(1 / sqrt32(float32(n)))
		for i := range d.feats {
			d.feats[i].val = d.scale
		}
	}
	n := float32(len(d.words) + 1)
	dense := func(k int, v float32) {
		d.feats = append(d.feats, feat{idx: f.dim + uint32(k), val: v})
	}
	dense(denseLexPos, lexPos/n)
	dense(denseLexNeg, lexNeg/n)
	dense(denseCuePos, log1p32(cue[0]))
	dense(denseCueRisk, log1p32(cue[1]))
	dense(denseCueNeg, log1p32(cue[2]))
	dense(denseBias, 1)
}

// cueLabels orders the cue lists in the dense cue features.
var cueLabels = []string{"positif", "berpotensi negatif", "negatif"}

type cueRef struct {
	label, phrase int
	rest          []string // words after the first
	hash          uint32
}

// cueIndex maps a cue phrase's first word to the phrases it starts.
var cueIndex = func() map[string][]cueRef {
	m := map[string][]cueRef{}
	for li, label := range cueLabels {
		for pi, ph := range cues[label] {
			w := strings.Fields(ph)
			m[w[0]] = append(m[w[0]], cueRef{label: li, phrase: pi, rest: w[1:], hash: hashStr(hashKind(kindCue), ph)})
		}
	}
	return m
}()

// featureName renders a phrase feature (bigram, negated word, cue) for
// evidence.
func featureName(d *doc, ft feat) string {
	switch ft.kind {
	case kindNegated:
		return "(dinegasi) " + d.words[ft.a]
	case kindBigram:
		return d.words[ft.a] + " " + d.words[ft.b]
	case kindCue:
		return cues[cueLabels[ft.a]][ft.b]
	}
	return ""
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

func log1p32(x float32) float32 { return float32(math.Log1p(float64(x))) }
