package classifier

import (
	"bufio"
	"bytes"
	_ "embed"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
)

//go:embed lexicon/positive.tsv
var insetPositive []byte

//go:embed lexicon/negative.tsv
var insetNegative []byte

// Stopwords that carry polarity in news and stay in the lexicon.
var polarStopwords = map[string]bool{"baik": true, "buruk": true, "benar": true, "salah": true, "penting": true,
	"masalah": true, "sulit": true, "mudah": true, "berhasil": true, "gagal": true}

// LexiconVersion identifies the baseline model in model_version.
const LexiconVersion = "lexicon-inset-1"

// Lexicon is the baseline model: InSet word weights with negation and
// intensifier handling for polarity, and issue cues from the labelling
// guideline for the four classes. It is deterministic and needs no training.
type Lexicon struct {
	weights map[string]float64 // single words and multi-word phrases
	maxLen  int                // longest phrase, in words
}

// Words that flip the polarity of what follows them.
var negators = map[string]bool{"tidak": true, "tak": true, "bukan": true, "belum": true, "tanpa": true,
	"kurang": true, "jangan": true, "enggak": true, "gak": true, "nggak": true, "ga": true, "tdk": true}

// Words that strengthen what follows them.
var intensifiers = map[string]float64{"sangat": 1.5, "amat": 1.5, "sekali": 1.3, "paling": 1.4,
	"terlalu": 1.3, "benar-benar": 1.4, "makin": 1.2, "semakin": 1.2}

// Cues from GUIDELINE.md: harm stated or attributed (negatif), problems or
// risks still open (berpotensi negatif), good news (positif). Each phrase
// is matched on word boundaries.
var cues = map[string][]string{
	news.LabelNegatif: {"korupsi", "koruptor", "tersangka", "terdakwa", "ditahan", "tewas", "meninggal dunia",
		"pembunuhan", "dibunuh", "penganiayaan", "pemerkosaan", "pencabulan", "penipuan", "pencurian", "perampokan",
		"pungli", "suap", "gratifikasi", "mangkrak", "unjuk rasa", "berdemo", "demonstrasi", "mengecam", "kecam",
		"dikritik", "mengkritik", "kritik", "kecewa", "geram", "marah", "protes", "gagal", "terbengkalai",
		"pelecehan", "penggelapan", "kerugian negara", "bentrok", "kerusuhan", "amuk", "menolak keras"},
	news.LabelBerpotensiNegatif: {"hoaks", "hoax", "kabar bohong", "isu", "rencana demo", "akan demo",
		"akan berunjuk rasa", "banjir", "longsor", "kebakaran", "karhutla", "gempa", "kecelakaan", "padam",
		"pemadaman", "krisis", "kelangkaan", "langka", "antrean", "antre", "kenaikan harga", "harga naik",
		"inflasi", "waspada", "siaga", "rawan", "ancaman", "terancam", "diduga", "dugaan", "temuan", "keluhan",
		"dikeluhkan", "mengeluh", "rusak", "berlubang", "macet", "kemacetan", "defisit", "wabah", "kasus",
		"viral", "polemik", "pro kontra", "menuai", "dipertanyakan", "belum tuntas", "belum selesai", "tertunda",
		"ditunda", "darurat", "evakuasi", "pengungsi", "kekeringan", "abrasi", "pencemaran", "limbah"},
	news.LabelPositif: {"penghargaan", "meraih", "raih", "diresmikan", "meresmikan", "resmikan", "peresmian",
		"bantuan", "menyerahkan bantuan", "prestasi", "berprestasi", "juara", "berhasil", "sukses", "apresiasi",
		"investasi", "meningkat", "peningkatan", "tumbuh", "pertumbuhan", "surplus", "terbaik", "award", "opini wtp",
		"wtp", "beasiswa", "gratis", "rampung", "selesai dibangun", "beroperasi", "swasembada", "menguat",
		"laba", "untung", "lolos", "terpilih", "inovasi", "mendukung", "dukungan", "diluncurkan", "meluncurkan"},
}

// NewLexicon builds the baseline from the embedded InSet lexicon.
func NewLexicon() *Lexicon {
	l := &Lexicon{weights: make(map[string]float64, 12000), maxLen: 1}
	stop := indonesian.Stopwords()
	for w := range polarStopwords {
		delete(stop, w)
	}
	for _, data := range [][]byte{insetPositive, insetNegative} {
		sc := bufio.NewScanner(bytes.NewReader(data))
		first := true
		for sc.Scan() {
			if first {
				first = false
				continue
			}
			word, w, ok := strings.Cut(sc.Text(), "\t")
			if !ok {
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
			if err != nil {
				continue
			}
			key := strings.Join(Tokenize(word), " ")
			if key == "" || stop[key] || negators[key] || intensifiers[key] != 0 {
				continue
			}
			// InSet lists some words in both files; their weights add up.
			l.weights[key] += v
			if n := strings.Count(key, " ") + 1; n > l.maxLen {
				l.maxLen = n
			}
		}
	}
	if l.maxLen > 4 {
		l.maxLen = 4
	}
	return l
}

func (l *Lexicon) Version() string { return LexiconVersion }

// Tokenize lower-cases s and splits it into words of letters and digits
// (hyphenated words stay whole).
func Tokenize(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
}

type hit struct {
	phrase string
	weight float64
}

// Classify scores title and text; the title counts double, as the guideline
// takes the headline's main point for mixed items. The kind is not used.
func (l *Lexicon) Classify(title, text, _ string) Result {
	titleToks := Tokenize(title)
	textToks := Tokenize(text)
	if len(textToks) > 400 {
		textToks = textToks[:400] // the lead carries the item's point
	}
	var pol float64
	var hits []hit
	cueScore := map[string]float64{}
	var cueHits []hit
	for part, toks := range [][]string{titleToks, textToks} {
		mult := 1.0
		if part == 0 {
			mult = 2.0
		}
		p, h := l.polarity(toks)
		pol += mult * p
		for i := range h {
			h[i].weight *= mult
		}
		hits = append(hits, h...)
		for label, phrases := range cues {
			for _, ph := range phrases {
				if n := countPhrase(toks, ph); n > 0 {
					w := mult * math.Min(float64(n), 3)
					cueScore[label] += w
					cueHits = append(cueHits, hit{ph, w})
				}
			}
		}
	}
	norm := math.Sqrt(float64(len(titleToks)*2 + len(textToks) + 1))
	pol /= norm

	// Class scores (logits) from the guideline's decision rules.
	var logit [4]float64
	logit[0] = 0.8*cueScore[news.LabelPositif] + 2*math.Max(pol-0.5, 0)
	logit[1] = 3.0
	logit[2] = 0.9*cueScore[news.LabelBerpotensiNegatif] + 1*math.Max(-pol-0.5, 0)
	logit[3] = 1.0*cueScore[news.LabelNegatif] + 1*math.Max(-pol-1.0, 0)
	probs := softmax(logit)
	best := 0
	for i := range probs {
		if probs[i] > probs[best] {
			best = i
		}
	}
	var r Result
	r.Label = news.Labels[best]
	for i := range probs {
		r.Scores[i] = float32(probs[i])
	}
	r.Confidence = r.Scores[best]
	switch {
	case pol > 0.25:
		r.Polarity = news.PolarityPositif
	case pol < -0.25:
		r.Polarity = news.PolarityNegatif
	default:
		r.Polarity = news.PolarityNetral
	}
	r.Evidence = evidence(append(cueHits, hits...), 5)
	return r
}

// polarity sums lexicon weights over toks, matching the longest phrase
// first, flipping after a negator and scaling after an intensifier.
func (l *Lexicon) polarity(toks []string) (float64, []hit) {
	var sum float64
	var hits []hit
	for i := 0; i < len(toks); {
		matched := 0
		var w float64
		for n := min(l.maxLen, len(toks)-i); n >= 1; n-- {
			if v, ok := l.weights[strings.Join(toks[i:i+n], " ")]; ok {
				matched, w = n, v
				break
			}
		}
		if matched == 0 {
			i++
			continue
		}
		for back := 1; back <= 2 && i-back >= 0; back++ {
			prev := toks[i-back]
			if negators[prev] {
				w = -w * 0.8
				break
			}
			if f, ok := intensifiers[prev]; ok {
				w *= f
			}
		}
		sum += w
		hits = append(hits, hit{strings.Join(toks[i:i+matched], " "), w})
		i += matched
	}
	return sum, hits
}

func countPhrase(toks []string, phrase string) int {
	words := strings.Fields(phrase)
	n := 0
	for i := 0; i+len(words) <= len(toks); i++ {
		ok := true
		for j, w := range words {
			if toks[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

func softmax(x [4]float64) [4]float64 {
	m := x[0]
	for _, v := range x {
		m = math.Max(m, v)
	}
	var out [4]float64
	var s float64
	for i, v := range x {
		out[i] = math.Exp(v - m)
		s += out[i]
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// evidence returns up to k distinct phrases with the largest absolute weight.
func evidence(hits []hit, k int) []string {
	agg := map[string]float64{}
	for _, h := range hits {
		agg[h.phrase] += math.Abs(h.weight)
	}
	keys := make([]string, 0, len(agg))
	for p := range agg {
		keys = append(keys, p)
	}
	sort.Slice(keys, func(i, j int) bool {
		if agg[keys[i]] != agg[keys[j]] {
			return agg[keys[i]] > agg[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > k {
		keys = keys[:k]
	}
	return keys
}
