package train

import (
	"fmt"
	"math"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/news"
)

// A set of documents as the views read them.
type docs struct {
	items  []Item
	y      []int
	w      []float64 // item weights
	kind   []int
	vocab  *Vocab
	X      *Sparse // word and bigram counts (vocab columns)
	nWords []int   // words read, for the 1/√n scale of the linear views
	V      *Sparse // mean of the words' SIF-weighted vectors (dense)
	kaltim []int   // 1 for a Kaltim example, else 0 (the domain view's label)
}

// prepared is what every fit reads.
type prepared struct {
	norm  *Normaliser
	vec   *Vectors
	issue *docs
	pol   *docs
}

func (p *prepared) docs(items []Item, label func(string) int) *docs {
	d := &docs{items: items, vocab: NewVocab()}
	feats := make([][]string, len(items))
	d.V = &Sparse{Ptr: []int{0}, Cols: p.vec.Dim}
	for i, it := range items {
		parts := p.norm.Words(it.Title, it.Text)
		feats[i] = PartNgrams(parts)
		n := 0
		acc := make([]float64, p.vec.Dim)
		nv := 0
		for _, part := range parts {
			for _, w := range part {
				n++
				if v, id, ok := p.vec.Vector(w); ok {
					s := float64(p.vec.SIF(id))
					for j := range acc {
						acc[j] += s * float64(v[j])
					}
					nv++
				}
			}
		}
		idx := make([]int32, p.vec.Dim)
		val := make([]float32, p.vec.Dim)
		for j := range acc {
			idx[j] = int32(j)
			if nv > 0 {
				val[j] = float32(acc[j] / float64(nv))
			}
		}
		d.V.appendRow(idx, val)
		dom := 0
		if it.Source == SourceKaltim {
			dom = 1
		}
		d.kaltim = append(d.kaltim, dom)
		d.nWords = append(d.nWords, n)
		d.y = append(d.y, label(it.Label))
		w := it.Weight
		if w == 0 {
			w = 1
		}
		d.w = append(d.w, w)
		d.kind = append(d.kind, kindIndex(it.Kind))
	}
	d.X = Counts(d.vocab, feats)
	return d
}

func kindIndex(kind string) int {
	for i, k := range news.Kinds {
		if k == kind {
			return i
		}
	}
	return 0
}

// linear is a view over counts: the columns kept (document frequency ≥ 2
// in the training rows), their idf, and for naive Bayes the
// log-probabilities.
type linear struct {
	keep []bool
	idf  []float32
}

// countView returns the kept columns and idf of the training rows.
func countView(d *docs, rows []int) *linear {
	df := make([]int, d.X.Cols)
	for _, i := range rows {
		idx, _ := d.X.Row(i)
		for _, c := range idx {
			df[c]++
		}
	}
	l := &linear{keep: make([]bool, d.X.Cols), idf: make([]float32, d.X.Cols)}
	n := float64(len(rows))
	for c, f := range df {
		l.keep[c] = f >= 2
		l.idf[c] = float32(math.Log((1+n)/(1+float64(f))) + 1)
	}
	return l
}

// counts returns d's counts restricted to the kept columns.
func (l *linear) counts(d *docs) *Sparse {
	out := &Sparse{Ptr: []int{0}, Cols: d.X.Cols}
	for i := 0; i < d.X.Rows(); i++ {
		idx, val := d.X.Row(i)
		for j, c := range idx {
			if l.keep[c] {
				out.Idx = append(out.Idx, c)
				out.Val = append(out.Val, val[j])
			}
		}
		out.Ptr = append(out.Ptr, len(out.Idx))
	}
	return out
}

// weighted returns the linear views' features: kept counts times idf,
// scaled by 1/√(words read).
func (l *linear) weighted(d *docs) *Sparse {
	out := l.counts(d)
	for i := 0; i < out.Rows(); i++ {
		s := float32(1 / math.Sqrt(float64(max(1, d.nWords[i]))))
		for j := out.Ptr[i]; j < out.Ptr[i+1]; j++ {
			out.Val[j] *= l.idf[out.Idx[j]] * s
		}
	}
	return out
}

// HP are a fit's settings, chosen by inner cross-validation.
type HP struct {
	Alpha   float64 // naive Bayes smoothing
	CLR     float64 // inverse L2 strength of the count regression
	CVec    float64 // of the word-vector regression
	CKaltim float64 // of the count regression on Kaltim examples
}

// Grids searched by the inner cross-validation.
var (
	alphaGrid = []float64{0.1, 0.3, 1}
	cLRGrid   = []float64{3, 10, 30}
	cVecGrid  = []float64{10, 100}
)

// Fixed settings: the stacker (39 inputs, thousands of rows) and the
// domain regression (Kaltim or not: easy) hardly depend on them.
const (
	stackC  = 10
	domainC = 100
)

// issueViews are the four-class views fitted on some rows.
type issueViews struct {
	lin    *linear // all rows
	linK   *linear // Kaltim rows
	nb     *NaiveBayes
	lr     *Softmax // over lin.weighted
	vec    *Softmax // over d.V
	kaltim *Softmax // over linK.weighted
	domain *Softmax // over d.V, two classes
}

func l2For(C float64, n int) float64 { return 1 / (C * float64(n)) }

func fitLR(d *docs, X *Sparse, rows []int, C float64, k int) *Softmax {
	w := balanced(d, rows, k)
	return FitSoftmax(X, rows, d.y, w, k, l2For(C, len(rows)), 200)
}

func fitDomain(d *docs, rows []int) *Softmax {
	one := make([]float64, len(d.y))
	for _, i := range rows {
		one[i] = 1
	}
	return FitSoftmax(d.V, rows, d.kaltim, one, 2, l2For(domainC, len(rows)), 200)
}

// balanced reweighs the rows' item weights so that every class weighs the
// same in all (macro-F1 counts classes alike).
func balanced(d *docs, rows []int, k int) []float64 {
	tot := make([]float64, k)
	var all float64
	for _, i := range rows {
		tot[d.y[i]] += d.w[i]
		all += d.w[i]
	}
	w := make([]float64, len(d.w))
	for _, i := range rows {
		if tot[d.y[i]] > 0 {
			w[i] = d.w[i] * all / (float64(k) * tot[d.y[i]])
		}
	}
	return w
}

const nIssue = 4

type scores = [nIssue]float64

// oofScores hold, for some rows, each view's out-of-fold scores under each
// grid setting ([grid][row]), and the domain log-odds.
type oofScores struct {
	nb, lr, vec, kaltim [][]scores
	domain              []float64
}

func grid(n, rows int) [][]scores {
	g := make([][]scores, n)
	for i := range g {
		g[i] = make([]scores, rows)
	}
	return g
}

// kaltimRows returns the Kaltim examples among rows.
func (d *docs) kaltimRows(rows []int) []int {
	var out []int
	for _, i := range rows {
		if d.kaltim[i] == 1 {
			out = append(out, i)
		}
	}
	return out
}

// innerOOF computes out-of-fold view scores over rows for every grid
// setting, with k inner folds.
func (p *prepared) innerOOF(rows []int, k int, seed uint64, progress func()) *oofScores {
	d := p.issue
	sub := make([]Item, len(rows))
	for j, i := range rows {
		sub[j] = d.items[i]
	}
	fold := Folds(sub, k, seed)
	n := len(rows)
	o := &oofScores{nb: grid(len(alphaGrid), n), lr: grid(len(cLRGrid), n), vec: grid(len(cVecGrid), n),
		kaltim: grid(len(cLRGrid), n), domain: make([]float64, n)}
	for f := 0; f < k; f++ {
		var tr, te, pos []int
		for j, i := range rows {
			if fold[j] == f {
				te, pos = append(te, i), append(pos, j)
			} else {
				tr = append(tr, i)
			}
		}
		score := func(out []scores, m interface {
			Scores(*Sparse, int, []float64)
		}, X *Sparse) {
			for j, i := range te {
				m.Scores(X, i, out[pos[j]][:])
			}
		}
		lin := countView(d, tr)
		counts := lin.counts(d)
		for g, a := range alphaGrid {
			score(o.nb[g], FitNaiveBayes(counts, tr, d.y, d.w, nIssue, a, true), counts)
		}
		W := lin.weighted(d)
		for g, C := range cLRGrid {
			score(o.lr[g], fitLR(d, W, tr, C, nIssue), W)
			progress()
		}
		for g, C := range cVecGrid {
			score(o.vec[g], fitLR(d, d.V, tr, C, nIssue), d.V)
		}
		trK := d.kaltimRows(tr)
		WK := countView(d, trK).weighted(d)
		for g, C := range cLRGrid {
			score(o.kaltim[g], fitLR(d, WK, trK, C, nIssue), WK)
		}
		dm := fitDomain(d, tr)
		s := make([]float64, 2)
		for j, i := range te {
			dm.Scores(d.V, i, s)
			o.domain[pos[j]] = s[1] - s[0]
		}
	}
	return o
}

// best returns the grid index whose scores have the highest macro-F1.
func best(d *docs, rows []int, grid [][]scores) (int, float64) {
	b, bf := 0, -1.0
	for g, sc := range grid {
		gold := make([]int, len(rows))
		pred := make([]int, len(rows))
		for j, i := range rows {
			gold[j] = d.y[i]
			pred[j] = argmax(sc[j][:])
		}
		if f := Score(news.Labels[:], gold, pred).MacroF1; f > bf {
			b, bf = g, f
		}
	}
	return b, bf
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

// stackRow is the stacker's input for one item, laid out as the model
// reads it (classifier.In*).
func stackRow(z [4]scores, pol [nPol]float64, kind int, domainLogOdds float64) ([]int32, []float32) {
	in := make([]float64, classifier.StackInputs)
	dom := 1 / (1 + math.Exp(-domainLogOdds))
	for v := range z {
		l := logSumExp(z[v][:])
		for k, x := range z[v] {
			y := math.Max(x-l, minLogProb)
			in[classifier.InViews+v*nIssue+k] = y
			in[classifier.InInter+v*nIssue+k] = y * dom
		}
	}
	l := logSumExp(pol[:])
	for k, x := range pol {
		in[classifier.InPol+k] = x - l
	}
	in[classifier.InKind+kind] = 1
	in[classifier.InDomain] = dom
	idx := make([]int32, len(in))
	val := make([]float32, len(in))
	for i, x := range in {
		idx[i], val[i] = int32(i), float32(x)
	}
	return idx, val
}

const minLogProb = -20

// fitted is a complete four-class fit on some rows.
type fitted struct {
	hp    HP
	inner map[string]float64 // inner-CV macro-F1 of each view as chosen
	views *issueViews
	stack *Softmax
}

// fitIssue fits the four-class part on rows: settings and the stacker
// from inner cross-validation, then each view on all rows.
func (p *prepared) fitIssue(rows []int, polScores [][nPol]float64, seed uint64, progress func()) *fitted {
	d := p.issue
	o := p.innerOOF(rows, 5, seed, progress)
	gNB, fNB := best(d, rows, o.nb)
	gLR, fLR := best(d, rows, o.lr)
	gVec, fVec := best(d, rows, o.vec)
	// The Kaltim view is chosen on the Kaltim rows.
	var kpos []int
	var krows []int
	for j, i := range rows {
		if d.kaltim[i] == 1 {
			kpos, krows = append(kpos, j), append(krows, i)
		}
	}
	kgrid := make([][]scores, len(o.kaltim))
	for g := range o.kaltim {
		for _, j := range kpos {
			kgrid[g] = append(kgrid[g], o.kaltim[g][j])
		}
	}
	gK, fK := best(d, krows, kgrid)
	ft := &fitted{hp: HP{Alpha: alphaGrid[gNB], CLR: cLRGrid[gLR], CVec: cVecGrid[gVec], CKaltim: cLRGrid[gK]},
		inner: map[string]float64{"nb": fNB, "lr": fLR, "vec": fVec, "kaltim": fK}}
	S := &Sparse{Ptr: []int{0}, Cols: classifier.StackInputs}
	sy := &docs{y: make([]int, len(rows)), w: make([]float64, len(rows))}
	srows := make([]int, len(rows))
	for j, i := range rows {
		z := [4]scores{o.nb[gNB][j], o.lr[gLR][j], o.vec[gVec][j], o.kaltim[gK][j]}
		idx, val := stackRow(z, polScores[i], d.kind[i], o.domain[j])
		S.appendRow(idx, val)
		sy.y[j], sy.w[j], srows[j] = d.y[i], d.w[i], j
	}
	ft.stack = FitSoftmax(S, srows, sy.y, balanced(sy, srows, nIssue), nIssue, l2For(stackC, len(rows)), 300)
	v := &issueViews{lin: countView(d, rows)}
	v.nb = FitNaiveBayes(v.lin.counts(d), rows, d.y, d.w, nIssue, ft.hp.Alpha, true)
	v.lr = fitLR(d, v.lin.weighted(d), rows, ft.hp.CLR, nIssue)
	v.vec = fitLR(d, d.V, rows, ft.hp.CVec, nIssue)
	kr := d.kaltimRows(rows)
	v.linK = countView(d, kr)
	v.kaltim = fitLR(d, v.linK.weighted(d), kr, ft.hp.CKaltim, nIssue)
	v.domain = fitDomain(d, rows)
	ft.views = v
	progress()
	return ft
}

const nPol = 3

// polarity is the fitted polarity regression over counts and vectors.
type polarity struct {
	lin *linear
	m   *Softmax // columns: pol vocab, then the vector dimensions
	C   float64
}

// joint returns the polarity regression's features: weighted counts, then
// the vector dimensions.
func (pl *polarity) joint(d *docs, p *prepared) *Sparse {
	W := pl.lin.weighted(d)
	out := &Sparse{Ptr: []int{0}, Cols: p.pol.X.Cols + p.vec.Dim}
	for i := 0; i < d.X.Rows(); i++ {
		idx, val := W.Row(i)
		out.Idx = append(out.Idx, idx...)
		out.Val = append(out.Val, val...)
		vi, vv := d.V.Row(i)
		for j, c := range vi {
			out.Idx = append(out.Idx, int32(p.pol.X.Cols)+c)
			out.Val = append(out.Val, vv[j])
		}
		out.Ptr = append(out.Ptr, len(out.Idx))
	}
	return out
}

// fitPolarity fits the polarity head on all polarity items with C.
func (p *prepared) fitPolarity(rows []int, C float64) *polarity {
	d := p.pol
	pl := &polarity{lin: countView(d, rows), C: C}
	X := pl.joint(d, p)
	pl.m = FitSoftmax(X, rows, d.y, balanced(d, rows, nPol), nPol, l2For(C, len(rows)), 200)
	return pl
}

// polScores returns the polarity regression's scores for the items of
// another document set (their words mapped into the polarity vocabulary).
func (pl *polarity) scoresFor(p *prepared, d *docs) [][nPol]float64 {
	out := make([][nPol]float64, len(d.items))
	for i := range d.items {
		var s [nPol]float64
		copy(s[:], pl.m.B)
		scale := 1 / math.Sqrt(float64(max(1, d.nWords[i])))
		idx, val := d.X.Row(i)
		for j, c := range idx {
			pc, ok := p.pol.vocab.ID(d.vocab.Names[c])
			if !ok || !pl.lin.keep[pc] {
				continue
			}
			x := float64(val[j]) * float64(pl.lin.idf[pc]) * scale
			for k := 0; k < nPol; k++ {
				s[k] += x * pl.m.W[int(pc)*nPol+k]
			}
		}
		vi, vv := d.V.Row(i)
		for j, c := range vi {
			col := p.pol.X.Cols + int(c)
			for k := 0; k < nPol; k++ {
				s[k] += float64(vv[j]) * pl.m.W[col*nPol+k]
			}
		}
		out[i] = s
	}
	return out
}

// spec builds the model file's contents from a four-class fit and the
// polarity fit.
func (p *prepared) spec(ft *fitted, pl *polarity, version string) (*classifier.Spec, error) {
	s := &classifier.Spec{Surfaces: map[string]int{}}
	flags := wordFlags()
	words := map[string]int{}
	word := func(w string) int {
		if i, ok := words[w]; ok {
			return i
		}
		_, _, hasVec := p.vec.Vector(w)
		i := len(s.Words)
		words[w] = i
		s.Words = append(s.Words, classifier.SpecWord{Word: w, Flags: flags(w, hasVec)})
		return i
	}
	bigrams := map[[2]int]int{}
	bigram := func(name string) int {
		a, b := splitBigram(name)
		key := [2]int{word(a), word(b)}
		if i, ok := bigrams[key]; ok {
			return i
		}
		bigrams[key] = len(s.Bigrams)
		s.Bigrams = append(s.Bigrams, classifier.SpecBigram{A: key[0], B: key[1]})
		return len(s.Bigrams) - 1
	}
	iv := ft.views
	for c, name := range p.issue.vocab.Names {
		if !iv.lin.keep[c] && !iv.linK.keep[c] {
			continue
		}
		var row []float32
		nb, lr, kal := classifier.ColNB, classifier.ColLR, classifier.ColKaltim
		if isBigram(name) {
			row = s.Bigrams[bigram(name)].Row[:]
			nb, lr, kal = classifier.BiNB, classifier.BiLR, classifier.BiKaltim
		} else {
			row = s.Words[word(name)].Row[:]
		}
		for k := 0; k < nIssue; k++ {
			if iv.lin.keep[c] {
				row[nb+k] = float32(iv.nb.LogP[c*nIssue+k])
				row[lr+k] = float32(iv.lr.W[c*nIssue+k] * float64(iv.lin.idf[c]))
			}
			if iv.linK.keep[c] {
				row[kal+k] = float32(iv.kaltim.W[c*nIssue+k] * float64(iv.linK.idf[c]))
			}
		}
	}
	for c, name := range p.pol.vocab.Names {
		if !pl.lin.keep[c] {
			continue
		}
		var row []float32
		col := classifier.ColPolLR
		if isBigram(name) {
			row = s.Bigrams[bigram(name)].Row[:]
			col = classifier.BiPolLR
		} else {
			row = s.Words[word(name)].Row[:]
		}
		for k := 0; k < nPol; k++ {
			row[col+k] = float32(pl.m.W[c*nPol+k] * float64(pl.lin.idf[c]))
		}
	}
	// Every word with a vector: its share of the vector views. (A slang
	// or Banjar form is read as its standard word, whose vector counts.)
	polVec := p.pol.X.Cols
	byID := make([]string, len(p.vec.Words))
	for w, id := range p.vec.Words {
		byID[id] = w
	}
	for id, w := range byID {
		if p.norm.Word(w) != w {
			continue
		}
		v := p.vec.Vec[id*p.vec.Dim : id*p.vec.Dim+p.vec.Dim]
		sif := float64(p.vec.SIF(int32(id)))
		row := &s.Words[word(w)].Row
		for k := 0; k < nIssue; k++ {
			var x float64
			for j, vj := range v {
				x += float64(vj) * iv.vec.W[j*nIssue+k]
			}
			row[classifier.ColVec+k] = float32(sif * x)
		}
		var x float64
		for j, vj := range v {
			x += float64(vj) * (iv.domain.W[j*2+1] - iv.domain.W[j*2])
		}
		row[classifier.ColDomain] = float32(sif * x)
		for k := 0; k < nPol; k++ {
			var x float64
			for j, vj := range v {
				x += float64(vj) * pl.m.W[(polVec+j)*nPol+k]
			}
			row[classifier.ColPolVec+k] = float32(sif * x)
		}
	}
	for w, i := range words {
		s.Surfaces[w] = i
	}
	for surface, std := range p.norm.To {
		if i, ok := words[std]; ok {
			if _, own := words[surface]; !own {
				s.Surfaces[surface] = i
			}
		}
	}
	h := &s.Header
	h.Version = version
	h.BiasDomain = float32(iv.domain.B[1] - iv.domain.B[0])
	for k := 0; k < nIssue; k++ {
		h.Bias[0][k] = float32(iv.nb.Prior[k])
		h.Bias[1][k] = float32(iv.lr.B[k])
		h.Bias[2][k] = float32(iv.vec.B[k])
		h.Bias[3][k] = float32(iv.kaltim.B[k])
		h.StackBias[k] = float32(ft.stack.B[k])
		for j := 0; j < classifier.StackInputs; j++ {
			h.Stack[k][j] = float32(ft.stack.W[j*nIssue+k])
		}
	}
	for k := 0; k < nPol; k++ {
		h.BiasPol[k] = float32(pl.m.B[k])
	}
	if len(s.Words) == 0 {
		return nil, fmt.Errorf("no words to build a model from")
	}
	return s, nil
}

func isBigram(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] == ' ' {
			return true
		}
	}
	return false
}

func splitBigram(name string) (string, string) {
	for i := 0; i < len(name); i++ {
		if name[i] == ' ' {
			return name[:i], name[i+1:]
		}
	}
	return name, ""
}
