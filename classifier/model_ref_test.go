package classifier

import (
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
)

// refDoc is the scratch space of one classification.
type refDoc struct {
	uni    [uniCols]float32 // summed word rows (dequantised)
	bi     [biCols]float32  // summed bigram rows
	nWords int              // words read
	nVec   int              // words with a vector
	prev   int32            // row of the previous word, -1 if unknown
	// where the previous word starts and its flags, for bigram evidence
	prevStart int32
	prevFlags uint8
	// What evidence needs: each known refOccurrence's row and where its
	// words are in the source text.
	occ  []refOccurrence
	text string // the part being read (occurrences index into parts)
	part int
	// parts of the item being read: title and body parts (all; parts is
	// their usual backing array).
	parts [10]string
	all   []string
	fn    func(start, end, kind int) // t.step bound to this refDoc
	m     *Trained
}

var refPool = sync.Pool{New: func() any {
	d := &refDoc{}
	d.fn = func(start, end, kind int) { refStep(d.m, d, start, end, kind) }
	return d
}}

type refOccurrence struct {
	row        int32 // its word or bigram row
	bigram     bool
	part       int32
	start, end int32 // bytes of the word (or both words) in parts[part]
	flags      uint8 // the words' flags, or-ed
	neg        bool  // a bigram of a negator and a content word ("tidak puas")
}

// refClassify is Classify as it was before the speed work (commit a88c127),
// kept to check that the faster code gives the same answers. It labels one item — a title, a text and its kind (berita, rilis,
// sosmed; empty is berita) — and explains the decision. Any text is
// accepted: invalid UTF-8, other scripts and empty strings give a valid
// label.
func refClassify(t *Trained, title, text, kind string) Result {
	d := refPool.Get().(*refDoc)
	defer refPool.Put(d)
	d.m = t
	refRead(t, d, title, text)
	return refDecide(t, d, kind)
}

// read sums the rows of the item's words and bigrams.
func refRead(t *Trained, d *refDoc, title, text string) {
	d.uni, d.bi = [uniCols]float32{}, [biCols]float32{}
	d.nWords, d.nVec, d.prev = 0, 0, -1
	d.occ = d.occ[:0]
	parts := append(d.parts[:0], title)
	parts = Body(parts, text)
	n := 0
	d.all = parts
	for i, p := range parts {
		if n >= MaxWords {
			break
		}
		d.text, d.part = p, i
		d.prev = -1 // no bigram across parts
		n += refScanWords(p, MaxWords-n, d.fn)
	}
}

// step is read's work for one word, the bounds of a word in d.text.
func refStep(t *Trained, d *refDoc, start, end, kind int) {
	d.nWords++
	var h uint64
	if kind == wordNumber {
		h = numberHash
	} else {
		h = WordHash(d.text[start:end])
	}
	row, flags := refLookupWord(t, h)
	if row < 0 {
		d.prev = -1
		return
	}
	addUni(&d.uni, t.uni[int(row)*uniRow:int(row)*uniRow+uniRow])
	if flags&flagVector != 0 {
		d.nVec++
	}
	d.occ = append(d.occ, refOccurrence{row: row, part: int32(d.part), start: int32(start), end: int32(end), flags: flags})
	if d.prev >= 0 {
		if b := refLookupBigram(t, d.prev, row); b >= 0 {
			addBi(&d.bi, t.bi[int(b)*biRow:int(b)*biRow+biRow])
			d.occ = append(d.occ, refOccurrence{row: b, bigram: true, part: int32(d.part), start: d.prevStart, end: int32(end),
				flags: d.prevFlags | flags, neg: d.prevFlags&flagNegator != 0 && flags&flagNoEvidence == 0})
		}
	}
	d.prev, d.prevStart, d.prevFlags = row, int32(start), flags
}

// decide turns the summed rows into the result.
func refDecide(t *Trained, d *refDoc, kind string) Result {
	h := &t.h
	lr := 1 / float32(math.Sqrt(float64(max(1, d.nWords))))
	var vec float32
	if d.nVec > 0 {
		vec = 1 / float32(d.nVec)
	}
	var z [nViews][nIssue]float64
	for c := 0; c < nIssue; c++ {
		z[0][c] = float64(h.Bias[0][c] + d.uni[colNB+c] + d.bi[biNB+c])
		z[1][c] = float64(h.Bias[1][c] + lr*(d.uni[colLR+c]+d.bi[biLR+c]))
		z[2][c] = float64(h.Bias[2][c] + vec*d.uni[colVec+c])
		z[3][c] = float64(h.Bias[3][c] + lr*(d.uni[colKaltim+c]+d.bi[biKaltim+c]))
	}
	var pol [nPol]float64
	for c := 0; c < nPol; c++ {
		pol[c] = float64(h.BiasPol[c] + lr*(d.uni[colPolLR+c]+d.bi[biPolLR+c]) + vec*d.uni[colPolVec+c])
	}
	dom := 1 / (1 + math.Exp(-float64(h.BiasDomain+vec*d.uni[colDomain])))
	var in [stackInputs]float64
	for v := range z {
		logSoftmax(z[v][:], in[inViews+v*nIssue:inViews+v*nIssue+nIssue])
	}
	for i := inViews; i < inPol; i++ {
		in[i] = max(in[i], minLogProb)
		in[inInter+i-inViews] = in[i] * dom
	}
	logSoftmax(pol[:], in[inPol:inPol+nPol])
	in[inKind+kindIndex(kind)] = 1
	in[inDomain] = dom
	var s [nIssue]float64
	for c := range s {
		s[c] = float64(h.StackBias[c])
		for i, x := range in {
			s[c] += float64(h.Stack[c][i]) * x
		}
	}
	var p [nIssue]float64
	logSoftmax(s[:], p[:])
	var r Result
	best := 0
	for c := range p {
		p[c] = math.Exp(p[c])
		r.Scores[c] = float32(p[c])
		if p[c] > p[best] {
			best = c
		}
	}
	r.Label = news.Labels[best]
	r.Confidence = r.Scores[best]
	bp := 0
	for c := range pol {
		if pol[c] > pol[bp] {
			bp = c
		}
	}
	r.Polarity = polarities[bp]
	r.Evidence = refEvidence(t, d, best, &z, dom, lr, vec)
	return r
}

// evidence returns up to five content words or phrases of the item whose
// weights pushed most toward class best: each refOccurrence's effect on the
// stacker's score of best minus the mean of the other classes, to first
// order (through each view's log-softmax at this item's probabilities;
// the domain probability taken as given).
func refEvidence(t *Trained, d *refDoc, best int, z *[nViews][nIssue]float64, dom float64, lr, vec float32) []string {
	h := &t.h
	// e[v][k]: how much one unit of view v's score k moves best against
	// the others.
	var e [nViews][nIssue]float32
	for v := 0; v < nViews; v++ {
		var p [nIssue]float64
		logSoftmax(z[v][:], p[:])
		var diff [nIssue]float64
		var sum float64
		for k := 0; k < nIssue; k++ {
			w := func(c int) float64 {
				return float64(h.Stack[c][inViews+v*nIssue+k]) + dom*float64(h.Stack[c][inInter+v*nIssue+k])
			}
			var others float64
			for c := 0; c < nIssue; c++ {
				if c != best {
					others += w(c)
				}
			}
			diff[k] = w(best) - others/(nIssue-1)
			sum += diff[k]
		}
		for k := 0; k < nIssue; k++ {
			e[v][k] = float32(diff[k] - math.Exp(p[k])*sum)
		}
	}
	type cand struct {
		part       int32
		start, end int32
		v          float32
	}
	var top [6]cand
	nTop := 0
	// A word or bigram met again scores the same: seen skips most repeats
	// (direct-mapped by row; a miss only costs time).
	var seen [256]int32
	for _, o := range d.occ {
		if o.flags&flagNoEvidence != 0 && !(o.bigram && o.neg) {
			continue
		}
		key := o.row<<1 + 1
		if o.bigram {
			key++
		}
		if seen[key&255] == key {
			continue
		}
		seen[key&255] = key
		var v float32
		if o.bigram {
			r := t.bi[int(o.row)*biRow : int(o.row)*biRow+biRow]
			x := r[len(biGroups):]
			snb, slr, skal := pow2[r[0]], lr*pow2[r[1]], lr*pow2[r[2]]
			for k := 0; k < nIssue; k++ {
				v += float32(int8(x[biNB+k]))*snb*e[0][k] + float32(int8(x[biLR+k]))*slr*e[1][k] + float32(int8(x[biKaltim+k]))*skal*e[3][k]
			}
		} else {
			r := t.uni[int(o.row)*uniRow : int(o.row)*uniRow+uniRow]
			x := r[len(uniGroups):]
			snb, slr, svec, skal := pow2[r[0]], lr*pow2[r[1]], vec*pow2[r[2]], lr*pow2[r[3]]
			for k := 0; k < nIssue; k++ {
				v += float32(int8(x[colNB+k]))*snb*e[0][k] + float32(int8(x[colLR+k]))*slr*e[1][k] +
					float32(int8(x[colVec+k]))*svec*e[2][k] + float32(int8(x[colKaltim+k]))*skal*e[3][k]
			}
		}
		if v <= 0 || nTop == 5 && v <= top[4].v {
			continue
		}
		c := cand{o.part, o.start, o.end, v}
		// The same words again: keep the stronger.
		dup := false
		for i := 0; i < nTop; i++ {
			if strings.EqualFold(d.all[top[i].part][top[i].start:top[i].end], d.all[c.part][c.start:c.end]) {
				dup = true
				if c.v > top[i].v {
					top[i].v = c.v
					for j := i; j > 0 && top[j].v > top[j-1].v; j-- {
						top[j], top[j-1] = top[j-1], top[j]
					}
				}
				break
			}
		}
		if dup {
			continue
		}
		top[nTop] = c
		nTop++
		for j := nTop - 1; j > 0 && top[j].v > top[j-1].v; j-- {
			top[j], top[j-1] = top[j-1], top[j]
		}
		nTop = min(nTop, 5)
	}
	out := make([]string, nTop)
	for i := 0; i < nTop; i++ {
		out[i] = refEvidenceText(d.all[top[i].part][top[i].start:top[i].end])
	}
	return out
}

// evidenceText renders words as they appear, lower-cased, with runs of
// anything but letters and digits as one space (inner hyphens and
// apostrophes kept: "rata-rata").
func refEvidenceText(s string) string {
	var b strings.Builder
	space := false
	rs := []rune(strings.ToLower(s))
	for i, r := range rs {
		if r == utf8.RuneError {
			continue
		}
		inner := (r == '-' || r == '\'') && i > 0 && i+1 < len(rs) && isWordRune(rs[i-1]) && isWordRune(rs[i+1])
		if isWordRune(r) || inner {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// The prediction code gives exactly the answers of the code it replaced
// (refClassify): labels, scores, confidence, polarity and evidence, on
// every labelled item, as an article of 2 KB and as a post.
func TestSameAsReference(t *testing.T) {
	m := shipped(t)
	news4, err := labels.News4()
	if err != nil {
		t.Fatal(err)
	}
	kaltim, err := labels.Kaltim()
	if err != nil {
		t.Fatal(err)
	}
	type item struct{ title, text, kind string }
	var items []item
	for _, it := range news4 {
		items = append(items, item{it.Title, it.Text, ""})
	}
	for _, it := range kaltim {
		items = append(items, item{it.Title, it.Text, it.Kind})
	}
	for _, a := range benchTexts(t) {
		items = append(items, item{a[0], a[1], news.KindSosmed})
	}
	items = append(items, item{"Timnas berlatih di São Paulo", "Erdoğan, FRANÇOIS — İstanbul \xff\xfe 🙏🙏 tidak-puas x'y ÇA", ""},
		item{"", "", ""}, item{strings.Repeat("Banjir ", 500), strings.Repeat("warga tidak puas. ", 600), "rilis"})
	for i, it := range items {
		got, want := m.Classify(it.title, it.text, it.kind), refClassify(m, it.title, it.text, it.kind)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("item %d (%.40q): %+v, before %+v", i, it.title, got, want)
		}
	}
}

// BenchmarkClassifyReference is the code before the speed work, for A/B
// in one run with BenchmarkClassify.
func BenchmarkClassifyReference(b *testing.B) {
	m := shipped(b)
	arts := benchTexts(b)
	b.SetBytes(2048)
	b.ReportAllocs()
	i := 0
	cpu := cpuTime()
	for b.Loop() {
		a := arts[i%len(arts)]
		refClassify(m, a[0], a[1], "berita")
		i++
	}
	reportDocs(b, cpu)
}

func refLookupWord(t *Trained, h uint64) (row int32, flags uint8) {
	mask := uint64(len(t.words) - 1)
	check := uint32(h>>32) | 1
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.words[i]
		c := uint32(s >> 32)
		if c == 0 {
			return -1, 0
		}
		if c == check {
			return int32(uint32(s) >> 8), uint8(s)
		}
	}
}

func refLookupBigram(t *Trained, a, b int32) int32 {
	h := BigramHash(a, b)
	mask := uint64(len(t.bigrams) - 1)
	check := uint32(h>>32) | 1
	for i := h & mask; ; i = (i + 1) & mask {
		s := t.bigrams[i]
		c := uint32(s >> 32)
		if c == 0 {
			return -1
		}
		if c == check {
			return int32(uint32(s)) - 1
		}
	}
}

// evidenceText's ASCII path renders as the rune path does.
func TestEvidenceTextASCII(t *testing.T) {
	for _, s := range []string{"", "Banjir", "rata-rata", "-x-", "a--b", "x'y", "'a'", "Tidak  PUAS", "a - b", "a-", "-", "A1-b2", "x\x00y", "~!@# $%^ hi", "don't-stop"} {
		if got, want := evidenceASCII(s), refEvidenceText(s); got != want {
			t.Errorf("%q: %q, rune path %q", s, got, want)
		}
	}
}

// refScanWords is scanWords before it hashed words itself; it calls fn with the bounds of each word of s, at most max words,
// and returns how many it passed. A word is a run of letters and digits (inner
// hyphens and apostrophes kept: "anak-anak"); each emoji is a word of its
// own; anything else separates words. Words are passed as written: fn
// folds case (see foldHash). Invalid UTF-8 reads as U+FFFD, a separator.
func refScanWords(s string, max int, fn func(start, end, kind int)) int {
	n := 0
	start := -1
	digits := true
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		word := false
		switch {
		case c < utf8.RuneSelf:
			word = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
			if !word && (c == '-' || c == '\'') && start >= 0 && i+1 < len(s) && isWordByte(s[i+1]) {
				word = true // inner hyphen or apostrophe
			}
		case r != utf8.RuneError:
			word = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		}
		if word {
			if start < 0 {
				start = i
				digits = true
			}
			if !(c >= '0' && c <= '9') {
				digits = false
			}
			i += size
			continue
		}
		if start >= 0 {
			if n == max {
				return n
			}
			kind := wordPlain
			if digits {
				kind = wordNumber
			}
			fn(start, i, kind)
			n++
			start = -1
		}
		if r != utf8.RuneError && c >= utf8.RuneSelf && unicode.Is(unicode.So, r) {
			if n == max {
				return n
			}
			fn(i, i+size, wordSymbol)
			n++
		}
		i += size
	}
	if start >= 0 && n < max {
		kind := wordPlain
		if digits {
			kind = wordNumber
		}
		fn(start, len(s), kind)
		n++
	}
	return n
}
