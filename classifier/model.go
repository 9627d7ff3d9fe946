package classifier

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/diskominfo-kaltim/pantau/news"
)

// How a label is computed: the whole prediction of the trained model is
// in this file.
//
// An item's words (text.go: title and body, dateline and credits dropped,
// lower-cased, numbers as one token) are looked up in the model's word
// table, which maps every known surface form — slang and Banjar words
// included — to a row of weights of its standard form. Each pair of
// neighbouring known words is looked up in the bigram table. The rows are
// summed per view:
//
//   - nb:     naive Bayes log-probabilities of the four classes (word and
//     bigram counts);
//   - lr:     a logistic regression over the same counts weighted by
//     inverse document frequency and scaled by 1/√(words read);
//   - vec:    a logistic regression over the mean of the words' vectors
//     (word2vec trained on all the Indonesian text the project has),
//     folded into one row per word;
//   - kaltim: the lr view trained on the Kaltim examples only;
//   - domain: the probability that the item is about Kaltim (a logistic
//     regression over the mean word vector);
//   - pol:    the polarity (positif, netral, negatif), a logistic
//     regression over counts and word vectors trained on reviews, tweets,
//     NusaX (Banjar included) and market headlines.
//
// A stacker — a logistic regression trained on cross-validated outputs of
// the views — combines the four views' log-probabilities, alone and times
// the domain probability (so that Kaltim items may trust other views than
// national news), with the polarity and the item's kind (berita, rilis,
// sosmed) into the four calibrated class probabilities. Evidence is the
// content words and phrases whose rows pushed most toward the chosen
// class.

const (
	nIssue = 4 // the four classes
	nPol   = 3 // polarity: positif, netral, negatif
	nViews = 4 // the four-class views: nb, lr, vec, kaltim
)

// Columns of a word row. Count views (nb, lr, kaltim, pol's count part)
// have a column per class in word and bigram rows; vector views (vec,
// domain, pol's vector part) only in word rows.
const (
	colNB     = 0
	colLR     = colNB + nIssue
	colVec    = colLR + nIssue
	colKaltim = colVec + nIssue
	colDomain = colKaltim + nIssue
	colPolLR  = colDomain + 1
	colPolVec = colPolLR + nPol
	uniCols   = colPolVec + nPol
)

// Columns of a bigram row.
const (
	biNB     = 0
	biLR     = biNB + nIssue
	biKaltim = biLR + nIssue
	biPolLR  = biKaltim + nIssue
	biCols   = biPolLR + nPol
)

// Rows are stored as int8 weights in groups (one group per view), each
// group with its own power-of-two scale: a row starts with one exponent
// byte per group. uniGroups and biGroups are the groups' column ranges.
var (
	uniGroups = [...][2]int{{colNB, colLR}, {colLR, colVec}, {colVec, colKaltim}, {colKaltim, colDomain},
		{colDomain, colPolLR}, {colPolLR, colPolVec}, {colPolVec, uniCols}}
	biGroups = [...][2]int{{biNB, biLR}, {biLR, biKaltim}, {biKaltim, biPolLR}, {biPolLR, biCols}}
)

// Stored row sizes in bytes.
const (
	uniRow = len(uniGroups) + uniCols
	biRow  = len(biGroups) + biCols
)

// pow2 holds 2^e for the stored exponents e (an int8).
var pow2 = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(math.Ldexp(1, int(int8(i))))
	}
	return t
}()

// addUni adds the stored word row r to out (the groups of uniGroups,
// written out: this runs for every word read).
func addUni(out *[uniCols]float32, r []byte) {
	v := r[len(uniGroups):]
	_ = v[uniCols-1]
	s := pow2[r[0]]
	out[0] += float32(int8(v[0])) * s
	out[1] += float32(int8(v[1])) * s
	out[2] += float32(int8(v[2])) * s
	out[3] += float32(int8(v[3])) * s
	s = pow2[r[1]]
	out[4] += float32(int8(v[4])) * s
	out[5] += float32(int8(v[5])) * s
	out[6] += float32(int8(v[6])) * s
	out[7] += float32(int8(v[7])) * s
	s = pow2[r[2]]
	out[8] += float32(int8(v[8])) * s
	out[9] += float32(int8(v[9])) * s
	out[10] += float32(int8(v[10])) * s
	out[11] += float32(int8(v[11])) * s
	s = pow2[r[3]]
	out[12] += float32(int8(v[12])) * s
	out[13] += float32(int8(v[13])) * s
	out[14] += float32(int8(v[14])) * s
	out[15] += float32(int8(v[15])) * s
	out[16] += float32(int8(v[16])) * pow2[r[4]]
	s = pow2[r[5]]
	out[17] += float32(int8(v[17])) * s
	out[18] += float32(int8(v[18])) * s
	out[19] += float32(int8(v[19])) * s
	s = pow2[r[6]]
	out[20] += float32(int8(v[20])) * s
	out[21] += float32(int8(v[21])) * s
	out[22] += float32(int8(v[22])) * s
}

// addBi adds the stored bigram row r to out.
func addBi(out *[biCols]float32, r []byte) {
	v := r[len(biGroups):]
	_ = v[biCols-1]
	s := pow2[r[0]]
	out[0] += float32(int8(v[0])) * s
	out[1] += float32(int8(v[1])) * s
	out[2] += float32(int8(v[2])) * s
	out[3] += float32(int8(v[3])) * s
	s = pow2[r[1]]
	out[4] += float32(int8(v[4])) * s
	out[5] += float32(int8(v[5])) * s
	out[6] += float32(int8(v[6])) * s
	out[7] += float32(int8(v[7])) * s
	s = pow2[r[2]]
	out[8] += float32(int8(v[8])) * s
	out[9] += float32(int8(v[9])) * s
	out[10] += float32(int8(v[10])) * s
	out[11] += float32(int8(v[11])) * s
	s = pow2[r[3]]
	out[12] += float32(int8(v[12])) * s
	out[13] += float32(int8(v[13])) * s
	out[14] += float32(int8(v[14])) * s
}

// Stacker inputs: the views' log-probabilities, the polarity's, the kind,
// the domain probability, and the views' log-probabilities times it.
const (
	inViews     = 0
	inPol       = inViews + nViews*nIssue
	inKind      = inPol + nPol
	inDomain    = inKind + len(news.Kinds)
	inInter     = inDomain + 1
	stackInputs = inInter + nViews*nIssue
)

// Word flags.
const (
	flagNoEvidence = 1 << iota // stopword, outlet, day or month name, number, symbol
	flagVector                 // the word has a vector (counts in the vector views' mean)
	flagNegator                // tidak, bukan, belum … (may open a phrase in evidence)
)

// Polarity classes in head order.
var polarities = [nPol]string{news.PolarityPositif, news.PolarityNetral, news.PolarityNegatif}

// Header is the model file's description of itself, stored as JSON.
type Header struct {
	Version string
	// Table sizes: slots are powers of two.
	WordSlots, Words, BigramSlots, Bigrams int
	// Biases of the views (nb: log priors; domain: log-odds of Kaltim).
	Bias       [nViews][nIssue]float32
	BiasDomain float32
	BiasPol    [nPol]float32
	// The stacker: four classes × stackInputs, and its biases.
	Stack     [nIssue][stackInputs]float32
	StackBias [nIssue]float32
	// Cross-validated and validation figures recorded at training time.
	Scores map[string]float64
	Notes  []string
}

// Trained is a model written by `pantau train`. Its weight rows are used
// in place, as stored (int8: the tables stay small enough for the
// caches); only the hash tables' slots are decoded at load.
type Trained struct {
	h       Header
	words   []uint64 // WordSlots: check<<32 | row<<8 | flags
	uni     []byte   // Words × uniRow bytes
	bigrams []uint64 // BigramSlots: check<<32 | row+1
	bi      []byte   // Bigrams × biRow bytes
	pool    sync.Pool
}

const magic = "PANTAU2\n"

// ErrNotModel is returned for bytes that are not a model file.
var ErrNotModel = errors.New("not a pantau model file")

// Load reads a model from its bytes.
func Load(b []byte) (*Trained, error) {
	if len(b) < len(magic)+4 || string(b[:len(magic)]) != magic {
		return nil, ErrNotModel
	}
	b = b[len(magic):]
	n := int(binary.LittleEndian.Uint32(b))
	b = b[4:]
	if n > len(b) {
		return nil, fmt.Errorf("model header of %d bytes in a file of %d: damaged", n, len(b))
	}
	t := &Trained{}
	if err := json.Unmarshal(b[:n], &t.h); err != nil {
		return nil, fmt.Errorf("model header: %w", err)
	}
	b = b[n:]
	h := &t.h
	if !isPow2(h.WordSlots) || !isPow2(h.BigramSlots) || h.Words >= 1<<24 || h.Bigrams >= 1<<31 {
		return nil, fmt.Errorf("model %s: bad table sizes", h.Version)
	}
	take := func(n int) []byte {
		if n < 0 || n > len(b) {
			return nil
		}
		out := b[:n:n]
		b = b[n:]
		return out
	}
	words := take(h.WordSlots * 8)
	uni := take(h.Words * uniRow)
	bigrams := take(h.BigramSlots * 8)
	bi := take(h.Bigrams * biRow)
	if bi == nil || len(b) != 0 {
		return nil, fmt.Errorf("model %s is damaged: table sizes do not match the file", h.Version)
	}
	t.words, t.uni = slots(words), uni
	t.bigrams, t.bi = slots(bigrams), bi
	for _, v := range t.words {
		if v != 0 && int(uint32(v)>>8) >= h.Words {
			return nil, fmt.Errorf("model %s is damaged: a word points past the table", h.Version)
		}
	}
	for _, v := range t.bigrams {
		if v != 0 && (uint32(v) == 0 || int(uint32(v)) > h.Bigrams) {
			return nil, fmt.Errorf("model %s is damaged: a bigram points past the table", h.Version)
		}
	}
	t.pool.New = func() any {
		d := &doc{}
		d.fn = func(start, end, kind int, h uint64) { t.scan(d, start, end, kind, h) }
		return d
	}
	return t, nil
}

func isPow2(n int) bool { return n > 0 && n&(n-1) == 0 }

// slots decodes a hash table's 8-byte slots (check u32, value u32).
func slots(b []byte) []uint64 {
	out := make([]uint64, len(b)/8)
	for i := range out {
		out[i] = uint64(binary.LittleEndian.Uint32(b[i*8:]))<<32 | uint64(binary.LittleEndian.Uint32(b[i*8+4:]))
	}
	return out
}

// Header returns the model's description (read-only).
func (t *Trained) Header() *Header { return &t.h }

// Version names the model.
func (t *Trained) Version() string { return t.h.Version }

// probeWord returns the row and flags of a word by its hash h, given the
// table's slot at h (the first probed); row is -1 for a word the model
// does not know.
func (t *Trained) probeWord(h, s uint64) (row int32, flags uint8) {
	mask := uint64(len(t.words) - 1)
	check := uint32(h>>32) | 1
	for i := h & mask; ; {
		c := uint32(s >> 32)
		if c == check {
			return int32(uint32(s) >> 8), uint8(s)
		}
		if c == 0 {
			return -1, 0
		}
		i = (i + 1) & mask
		s = t.words[i]
	}
}

// probeBigram returns the row of a bigram by its hash h, given the
// table's slot at h, or -1.
func (t *Trained) probeBigram(h, s uint64) int32 {
	mask := uint64(len(t.bigrams) - 1)
	check := uint32(h>>32) | 1
	for i := h & mask; ; {
		c := uint32(s >> 32)
		if c == check {
			return int32(uint32(s)) - 1
		}
		if c == 0 {
			return -1
		}
		i = (i + 1) & mask
		s = t.bigrams[i]
	}
}

// BigramHash is the table key of the bigram of two word rows.
func BigramHash(a, b int32) uint64 {
	return fmix64(uint64(uint32(a))<<32 | uint64(uint32(b)) + 0x9e3779b97f4a7c15)
}

// WordHash is the table key of a word as written (case does not matter).
func WordHash(w string) uint64 { return fmix64(foldHash(w)) }

// fmix64 spreads a hash's bits (MurmurHash3's finaliser).
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// doc is the scratch space of one classification.
type doc struct {
	uni    [uniCols]float32 // summed word rows (dequantised)
	bi     [biCols]float32  // summed bigram rows
	nWords int              // words read
	nVec   int              // words with a vector
	// The words read, in order, and the bigrams of neighbouring known
	// words: read looks them up in passes over all of them, so that the
	// table reads (cache misses, most of the time spent) overlap.
	words   []wordAt
	bigrams []bigramAt
	// What evidence needs: each known occurrence that may be evidence, in
	// reading order, and where its words are in the source text.
	occ  []occurrence
	text string // the part being read
	part int32
	// parts of the item being read: title and body parts (all; parts is
	// their usual backing array).
	parts [10]string
	all   []string
	fn    func(start, end, kind int, h uint64) // t.scan bound to this doc
	// touched keeps the loads that bring rows into the cache early.
	touched byte
}

// wordAt is one word read.
type wordAt struct {
	h          uint64 // WordHash, then the word table's first slot for it
	slot       uint64
	row        int32 // word row, -1 if unknown
	part       int32
	start, end int32 // bytes of the word in parts[part]
	flags      uint8
	first      bool // the first word of its part: no bigram with the one before
}

// bigramAt is a bigram of two neighbouring known words.
type bigramAt struct {
	h, slot uint64
	word    int32 // index in words of its second word
	row     int32 // bigram row, -1 if unknown
}

type occurrence struct {
	row        int32 // its word or bigram row
	bigram     bool
	part       int32
	start, end int32 // bytes of the word (or both words) in parts[part]
}

// Classify labels one item — a title, a text and its kind (berita, rilis,
// sosmed; empty is berita) — and explains the decision. Any text is
// accepted: invalid UTF-8, other scripts and empty strings give a valid
// label.
func (t *Trained) Classify(title, text, kind string) Result {
	d := t.pool.Get().(*doc)
	defer t.pool.Put(d)
	t.read(d, title, text)
	return t.decide(d, kind)
}

// read sums the rows of the item's words and bigrams. Rows are added in
// reading order (floating-point sums depend on it).
func (t *Trained) read(d *doc, title, text string) {
	d.uni, d.bi = [uniCols]float32{}, [biCols]float32{}
	d.words, d.bigrams, d.occ = d.words[:0], d.bigrams[:0], d.occ[:0]
	parts := append(d.parts[:0], title)
	parts = Body(parts, text)
	d.all = parts
	n := 0
	for i, p := range parts {
		if n >= MaxWords {
			break
		}
		d.text, d.part = p, int32(i)
		n += scanWords(p, MaxWords-n, d.fn)
	}
	d.nWords = len(d.words)
	ws := d.words

	// Words: load every word's first slot, then resolve (mostly from
	// those loads) and touch the rows.
	mask := uint64(len(t.words) - 1)
	for i := range ws {
		ws[i].slot = t.words[ws[i].h&mask]
	}
	var touch byte
	nVec := 0
	for i := range ws {
		w := &ws[i]
		w.row, w.flags = t.probeWord(w.h, w.slot)
		if w.row >= 0 {
			o := int(w.row) * uniRow
			touch ^= t.uni[o] ^ t.uni[o+uniRow-1]
			if w.flags&flagVector != 0 {
				nVec++
			}
		}
	}
	d.nVec = nVec

	// Bigrams of neighbouring known words in one part.
	bmask := uint64(len(t.bigrams) - 1)
	for i := 1; i < len(ws); i++ {
		if ws[i].row >= 0 && ws[i-1].row >= 0 && !ws[i].first {
			h := BigramHash(ws[i-1].row, ws[i].row)
			d.bigrams = append(d.bigrams, bigramAt{h: h, slot: t.bigrams[h&bmask], word: int32(i)})
		}
	}
	for i := range ws {
		if r := ws[i].row; r >= 0 {
			addUni(&d.uni, t.uni[int(r)*uniRow:int(r)*uniRow+uniRow])
		}
	}
	bs := d.bigrams
	for i := range bs {
		bs[i].row = t.probeBigram(bs[i].h, bs[i].slot)
		if r := bs[i].row; r >= 0 {
			o := int(r) * biRow
			touch ^= t.bi[o] ^ t.bi[o+biRow-1]
		}
	}
	for i := range bs {
		if r := bs[i].row; r >= 0 {
			addBi(&d.bi, t.bi[int(r)*biRow:int(r)*biRow+biRow])
		}
	}
	d.touched = touch

	// Occurrences that may be evidence, in reading order (a word, then
	// the bigram it closes): content words, and phrases of content words
	// or of a negator and a content word ("tidak puas").
	k := 0
	for i := range ws {
		w := &ws[i]
		if w.row < 0 {
			continue
		}
		if w.flags&flagNoEvidence == 0 {
			d.occ = append(d.occ, occurrence{row: w.row, part: w.part, start: w.start, end: w.end})
		}
		if k < len(bs) && int(bs[k].word) == i {
			b := bs[k]
			k++
			if b.row < 0 {
				continue
			}
			p := &ws[i-1]
			flags := p.flags | w.flags
			neg := p.flags&flagNegator != 0 && w.flags&flagNoEvidence == 0
			if flags&flagNoEvidence == 0 || neg {
				d.occ = append(d.occ, occurrence{row: b.row, bigram: true, part: w.part, start: p.start, end: w.end})
			}
		}
	}
}

// scan is read's work for one word, the bounds of a word in d.text and
// its foldHash: it records the word and its table key.
func (t *Trained) scan(d *doc, start, end, kind int, h uint64) {
	if kind == wordNumber {
		h = numberHash
	} else {
		h = fmix64(h)
	}
	d.words = append(d.words, wordAt{h: h, part: d.part, start: int32(start), end: int32(end),
		first: len(d.words) == 0 || d.words[len(d.words)-1].part != d.part})
}

var numberHash = WordHash(numberToken)

// decide turns the summed rows into the result.
func (t *Trained) decide(d *doc, kind string) Result {
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
	r.Evidence = t.evidence(d, best, &z, dom, lr, vec)
	return r
}

// minLogProb bounds a view's log-probabilities as the stacker saw them in
// training.
const minLogProb = -20

func kindIndex(kind string) int {
	for i, k := range news.Kinds {
		if k == kind {
			return i
		}
	}
	return 0 // berita
}

func logSoftmax(s, out []float64) {
	m := math.Inf(-1)
	for _, v := range s {
		m = math.Max(m, v)
	}
	var z float64
	for _, v := range s {
		z += math.Exp(v - m)
	}
	l := m + math.Log(z)
	for i, v := range s {
		out[i] = v - l
	}
}

// evidence returns up to five content words or phrases of the item whose
// weights pushed most toward class best: each occurrence's effect on the
// stacker's score of best minus the mean of the other classes, to first
// order (through each view's log-softmax at this item's probabilities;
// the domain probability taken as given).
func (t *Trained) evidence(d *doc, best int, z *[nViews][nIssue]float64, dom float64, lr, vec float32) []string {
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
		out[i] = evidenceText(d.all[top[i].part][top[i].start:top[i].end])
	}
	return out
}

// evidenceText renders words as they appear, lower-cased, with runs of
// anything but letters and digits as one space (inner hyphens and
// apostrophes kept: "rata-rata").
func evidenceText(s string) string {
	if ascii(s) {
		return evidenceASCII(s)
	}
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

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// evidenceASCII is evidenceText for ASCII words, without decoding runes.
func evidenceASCII(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		inner := (c == '-' || c == '\'') && i > 0 && i+1 < len(s) && isASCIIWord(s[i-1]) && isASCIIWord(s[i+1])
		if isASCIIWord(c) || inner {
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, c)
		} else {
			space = true
		}
	}
	return string(b)
}

func isASCIIWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
