package classifier

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"

	"github.com/diskominfo-kaltim/pantau/news"
)

// The shipped model and tokenizer, reproduced by `pantau train`.
var (
	//go:embed model/pantau.model
	shippedModel []byte
	//go:embed model/pantau.tokenizer.json
	shippedTokenizer []byte
)

// Params are the weights of a trained model: two softmax heads over the
// same hashed features. The polarity head (positif, netral, negatif) is
// trained on review, tweet and headline sentiment; the issue head (the four
// Diskominfo classes) on in-domain news, with the polarity head's
// probabilities as extra inputs.
type Params struct {
	Version string
	Dim     uint32 // hashed buckets; dense features follow
	// Polarity head: (Dim+denseCount) x 3, row-major.
	WP []float32
	// Issue head: (Dim+denseCount) x 4, plus 4x3 from polarity probabilities.
	WI    []float32
	WIPol [12]float32
	TP    float32 // calibration temperatures
	TI    float32
	// TokenizerSum identifies the tokenizer file the model was trained
	// with (see TokenizerSum; empty in earlier models).
	TokenizerSum string
	// Scores holds the validation figures recorded at training time.
	Scores map[string]float64
	Notes  []string
}

const (
	nPol   = 3
	nIssue = 4
)

// Polarity classes in head order.
var polarities = [nPol]string{news.PolarityPositif, news.PolarityNetral, news.PolarityNegatif}

// Trained is the trained model behind the Model interface.
type Trained struct {
	p    *Params
	feat *featurizer
	pool sync.Pool
	w7   []float32 // WP and WI interleaved, 8 floats a row
}

// LoadShipped loads the model shipped in the binary.
func LoadShipped() (*Trained, error) {
	return Load(bytes.NewReader(shippedModel), bytes.NewReader(shippedTokenizer))
}

// LoadFile loads a model file written by `pantau train`, with the
// tokenizer file beside it (or the shipped one).
func LoadFile(path string) (*Trained, error) {
	mf, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer mf.Close()
	var tok io.Reader = bytes.NewReader(shippedTokenizer)
	if tf, err := os.Open(TokenizerPath(path)); err == nil {
		defer tf.Close()
		tok = tf
	}
	return Load(mf, tok)
}

// TokenizerPath is where the tokenizer of a model file lies: beside it,
// pantau.model → pantau.tokenizer.json.
func TokenizerPath(modelPath string) string {
	return strings.TrimSuffix(modelPath, ".model") + ".tokenizer.json"
}

// Load reads a model and its tokenizer.
func Load(model, tok io.Reader) (*Trained, error) {
	zr, err := gzip.NewReader(model)
	if err != nil {
		return nil, fmt.Errorf("reading model: %w", err)
	}
	var p Params
	if err := gob.NewDecoder(zr).Decode(&p); err != nil {
		return nil, fmt.Errorf("decoding model: %w", err)
	}
	rows := int(p.Dim) + denseCount
	if len(p.WP) != rows*nPol || len(p.WI) != rows*nIssue {
		return nil, fmt.Errorf("model %s is damaged: weight sizes %d/%d for %d rows", p.Version, len(p.WP), len(p.WI), rows)
	}
	tb, err := io.ReadAll(tok)
	if err != nil {
		return nil, fmt.Errorf("reading tokenizer: %w", err)
	}
	if p.TokenizerSum != "" && p.TokenizerSum != TokenizerSum(tb) {
		return nil, fmt.Errorf("model %s was trained with another tokenizer (its NAME.tokenizer.json belongs beside the model file)", p.Version)
	}
	sub, err := LoadSubword(bytes.NewReader(tb))
	if err != nil {
		return nil, err
	}
	return newTrained(&p, newFeaturizer(p.Dim, sub)), nil
}

func newTrained(p *Params, f *featurizer) *Trained {
	t := &Trained{p: p, feat: f}
	rows := len(p.WP) / nPol
	t.w7 = make([]float32, rows*8) // padded to 32 bytes: rows never straddle cache lines
	for r := 0; r < rows; r++ {
		copy(t.w7[r*8:], p.WP[r*nPol:r*nPol+nPol])
		copy(t.w7[r*8+nPol:], p.WI[r*nIssue:r*nIssue+nIssue])
	}
	t.pool.New = func() any { return &doc{words: make([]string, 0, 256), feats: make([]feat, 0, 2048)} }
	return t
}

// Params returns the model's parameters (read-only).
func (t *Trained) Params() *Params { return t.p }

func (t *Trained) Version() string { return t.p.Version }

// Classify labels one item and explains the decision.
func (t *Trained) Classify(title, text string) Result {
	d := t.pool.Get().(*doc)
	defer t.pool.Put(d)
	d.lean = true
	t.feat.extract(title, text, d)
	pol, issue := t.predict(d)
	var r Result
	best := argmax(issue[:])
	r.Label = news.Labels[best]
	for i := range issue {
		r.Scores[i] = float32(issue[i])
	}
	r.Polarity = polarities[argmax(pol[:])]
	r.Evidence = t.evidence(d, best)
	return r
}

// uni returns the sum of the weight rows of e's own and subword
// features, computed once per word and model.
func (t *Trained) uni(e *wordEntry) *uniSum {
	if u := e.uni.Load(); u != nil && u.owner == t {
		return u
	}
	u := &uniSum{owner: t}
	mask := t.p.Dim - 1
	add := func(h uint32) {
		r := t.w7[int(h&mask)*8 : int(h&mask)*8+8]
		for k := range u.v {
			u.v[k] += r[k]
		}
	}
	add(e.hWord)
	copy(u.own[:], t.w7[int(e.hWord&mask)*8:])
	for _, h := range e.subs {
		add(h)
	}
	e.uni.Store(u)
	return u
}

// predict is Params.predict over the interleaved weights, for a lean doc.
func (t *Trained) predict(d *doc) (pol [nPol]float64, issue [nIssue]float64) {
	var u [8]float32
	for _, e := range d.entries {
		r := &t.uni(e).v
		for k := range u {
			u[k] += r[k]
		}
	}
	sp := [nPol]float32{u[0] * d.scale, u[1] * d.scale, u[2] * d.scale}
	si := [nIssue]float32{u[3] * d.scale, u[4] * d.scale, u[5] * d.scale, u[6] * d.scale}
	w := t.w7
	for _, f := range d.feats {
		r := w[int(f.idx)*8 : int(f.idx)*8+7]
		v := f.val
		sp[0] += v * r[0]
		sp[1] += v * r[1]
		sp[2] += v * r[2]
		si[0] += v * r[3]
		si[1] += v * r[4]
		si[2] += v * r[5]
		si[3] += v * r[6]
	}
	return t.p.heads(sp, si)
}

// predict returns the calibrated probabilities of both heads.
func (p *Params) predict(fs []feat) (pol [nPol]float64, issue [nIssue]float64) {
	var sp [nPol]float32
	var si [nIssue]float32
	for _, f := range fs {
		rp := p.WP[int(f.idx)*nPol:]
		sp[0] += f.val * rp[0]
		sp[1] += f.val * rp[1]
		sp[2] += f.val * rp[2]
		ri := p.WI[int(f.idx)*nIssue:]
		si[0] += f.val * ri[0]
		si[1] += f.val * ri[1]
		si[2] += f.val * ri[2]
		si[3] += f.val * ri[3]
	}
	return p.heads(sp, si)
}

// heads turns the summed scores into calibrated probabilities.
func (p *Params) heads(sp [nPol]float32, si [nIssue]float32) (pol [nPol]float64, issue [nIssue]float64) {
	pol4 := softmaxT(sp[:], p.TP)
	copy(pol[:], pol4[:nPol])
	rawPol := softmaxT(sp[:], 1)
	for c := 0; c < nIssue; c++ {
		for k := 0; k < nPol; k++ {
			si[c] += p.WIPol[c*nPol+k] * float32(rawPol[k])
		}
	}
	issue4 := softmaxT(si[:], p.TI)
	copy(issue[:], issue4[:])
	return pol, issue
}

func softmaxT(s []float32, t float32) [nIssue]float64 {
	var out [nIssue]float64
	if t <= 0 {
		t = 1
	}
	m := math.Inf(-1)
	for _, v := range s {
		m = math.Max(m, float64(v/t))
	}
	var z float64
	for i, v := range s {
		out[i] = math.Exp(float64(v/t) - m)
		z += out[i]
	}
	for i := range s {
		out[i] /= z
	}
	return out
}

func argmax(x []float64) int {
	b := 0
	for i := range x {
		if x[i] > x[b] {
			b = i
		}
	}
	return b
}

// evidence lists the item's words and phrases that pushed most toward the
// chosen class (against the mean of the others), for a lean doc.
func (t *Trained) evidence(d *doc, class int) []string {
	type contrib struct {
		name string
		v    float32
	}
	var buf [6]contrib
	best := buf[:0]
	// push weighs a feature: its value times how much its row favours
	// class. It reports whether the feature could enter the top five.
	push := func(row []float32, val float32) (float32, bool) {
		row = row[nPol:7]
		var others float32
		for c := 0; c < nIssue; c++ {
			if c != class {
				others += row[c]
			}
		}
		v := val * (row[class] - others/(nIssue-1))
		return v, v > 0 && (len(best) < 5 || v > best[4].v)
	}
	keep := func(name string, v float32) {
		if name == "" || stopEvidence[name] {
			return
		}
		for i := range best {
			if best[i].name == name {
				if v > best[i].v {
					best[i].v = v
				}
				v = -1
			}
		}
		if v >= 0 {
			best = append(best, contrib{name, v})
		}
		// Insertion order by value; keep the top five.
		for i := len(best) - 1; i > 0 && best[i].v > best[i-1].v; i-- {
			best[i], best[i-1] = best[i-1], best[i]
		}
		if len(best) > 5 {
			best = best[:5]
		}
	}
	for i, e := range d.entries {
		if v, ok := push(t.uni(e).own[:], d.scale); ok {
			keep(d.words[i], v)
		}
	}
	for _, f := range d.feats {
		if f.kind != kindBigram && f.kind != kindNegated && f.kind != kindCue {
			continue // titles repeat words; dense inputs are not phrases
		}
		if v, ok := push(t.w7[int(f.idx)*8:int(f.idx)*8+8], f.val); ok {
			keep(featureName(d, f), v)
		}
	}
	out := make([]string, len(best))
	for i, b := range best {
		out[i] = b.name
	}
	return out
}

// stopEvidence are words too common to explain anything to an analyst.
var stopEvidence = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{"yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan", "untuk", "pada", "dalam",
		"akan", "juga", "tersebut", "ada", "oleh", "karena", "sebagai", "atau", "saat", "kata", "para", "telah", "sudah"} {
		m[w] = true
	}
	return m
}()

// Save writes the parameters gzip-compressed.
func (p *Params) Save(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(p); err != nil {
		return err
	}
	return zw.Close()
}

// ShippedTokenizer returns the shipped tokenizer file: `pantau train`
// reuses its vocabulary unless told to train a new one.
func ShippedTokenizer() []byte { return bytes.Clone(shippedTokenizer) }

// TokenizerSum is the SHA-256 of a tokenizer file, in hex.
func TokenizerSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
