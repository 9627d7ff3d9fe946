// Package train builds the classifier's model from the repository's data:
// it loads the labelled and unlabelled sets, trains word vectors and the
// model's views, measures everything by grouped cross-validation next to
// two baselines computed on the same folds, and writes the model file and
// its report. Prediction is package classifier; this package is only run
// by `pantau train` and the tests.
package train

import (
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/classifier/data"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Options tune a training run.
type Options struct {
	Folds    int    // outer cross-validation folds; 0 fits without measuring
	Seed     uint64 // folds and word vectors
	Version  string // model version; default named by its contents (classifier.ContentName)
	Vectors  *Vectors
	Progress io.Writer // progress bars; nil for none
	// Subset, when above 0, keeps every Subset-th group of items (tests
	// reproduce the protocol on a part of the data).
	Subset int
}

// Report is what a training run measured.
type Report struct {
	Version    string
	Took       time.Duration
	Folds      int
	Seed       uint64
	Items      int
	Slices     []Slice // per source and kind, then all
	ECE        float64 // of the model's confidence over all folds
	ECEBins    [10]Bin
	FoldHP     []HP // the settings chosen inside each outer fold
	FinalHP    HP
	PolarityC  float64
	PolarityCV float64 // grouped CV macro-F1 on the polarity training data
	Polarity   []PolaritySet
	Notes      []string
	Size       int // model bytes
}

// Slice is one row of the cross-validation table.
type Slice struct {
	Name          string
	N             int
	Model, NB, LR float64 // macro-F1
	Accuracy      float64
	Eval          Eval // the model's
}

// Bin is one calibration bin.
type Bin struct {
	N              int
	Conf, Accuracy float64
}

// PolaritySet is the polarity's macro-F1 on one published validation set.
type PolaritySet struct {
	Name string
	N    int
	F1   float64
}

// MinSupport is the fewest gold items a class needs in a slice to count
// in the slice's macro-F1 (see Eval.MacroF1Min).
const MinSupport = 5

// Baseline settings, fixed beforehand (the textbook defaults): multinomial
// naive Bayes with add-one smoothing and TF-IDF logistic regression with
// balanced classes and C = 1, both over word unigrams and bigrams of the
// raw text.
const (
	baselineAlpha = 1
	baselineC     = 1
)

// Train runs the whole protocol on c and returns the model file and its
// report.
func Train(c *Corpus, o Options) ([]byte, *Report, error) {
	start := time.Now()
	if o.Subset > 1 {
		c = subset(c, o.Subset)
	}
	rep := &Report{Version: o.Version, Folds: o.Folds, Seed: o.Seed, Items: len(c.Issue)}
	p, err := prepare(c, o)
	if err != nil {
		return nil, nil, err
	}

	// Polarity: the regularisation chosen by grouped 3-fold CV on its
	// training data, then fitted on all of it.
	bar := newBar(o.Progress, 3*len(polGrid)+1, "polaritas")
	pc, pcv := p.choosePolarity(o.Seed, func() { bar.Add(1) })
	pl := p.fitPolarity(all(len(p.pol.items)), pc)
	bar.Add(1)
	rep.PolarityC, rep.PolarityCV = pc, pcv
	pol := pl.scoresFor(p, p.issue)

	// The four classes: outer folds grouped by story and article.
	d := p.issue
	var fold []int
	if o.Folds > 0 {
		fold = Folds(d.items, o.Folds, o.Seed)
	}
	pred := make([]classifier.Result, len(d.items))
	predNB := make([]int, len(d.items))
	predLR := make([]int, len(d.items))
	base := p.baselineDocs()
	bar = newBar(o.Progress, (o.Folds+1)*(5*len(cLRGrid)+1), "empat kelas")
	defer bar.Finish()
	tick := func() { bar.Add(1) }
	for f := 0; f < o.Folds; f++ {
		tr, te := split(fold, f)
		ft := p.fitIssue(tr, pol, o.Seed+uint64(f)+1, tick)
		rep.FoldHP = append(rep.FoldHP, ft.hp)
		s, err := p.spec(ft, pl, o.Version)
		if err != nil {
			return nil, nil, err
		}
		b, err := classifier.Encode(s)
		if err != nil {
			return nil, nil, err
		}
		m, err := classifier.Load(b)
		if err != nil {
			return nil, nil, err
		}
		for _, i := range te {
			it := d.items[i]
			pred[i] = m.Classify(it.Title, it.Text, it.Kind)
		}
		nb, lr := base.fit(tr, d)
		for _, i := range te {
			predNB[i], predLR[i] = nb(i), lr(i)
		}
	}
	ft := p.fitIssue(all(len(d.items)), pol, o.Seed, tick)
	rep.FinalHP = ft.hp
	if o.Folds > 0 {
		rep.slices(d, pred, predNB, predLR)
	}
	s, err := p.spec(ft, pl, o.Version)
	if err != nil {
		return nil, nil, err
	}
	s.Header.Scores = rep.scores()
	b, err := classifier.Encode(s)
	if err != nil {
		return nil, nil, err
	}
	m, err := classifier.Load(b)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range sortedKeys(c.PolarityValid) {
		items := c.PolarityValid[name]
		var gold, got []int
		for _, it := range items {
			gold = append(gold, PolarityIndex(it.Label))
			got = append(got, PolarityIndex(m.Classify(it.Title, it.Text, it.Kind).Polarity))
		}
		rep.Polarity = append(rep.Polarity, PolaritySet{Name: name, N: len(items), F1: Score(polarityNames, gold, got).MacroF1})
	}
	rep.Notes = append(rep.Notes,
		fmt.Sprintf("four classes: %d items (news4 %d, Kaltim examples %d, corrections %d)", len(d.items),
			count(d.items, SourceIndoSum, SourceHoax, SourceCNBC), count(d.items, SourceKaltim), count(d.items, SourceCorrection)),
		fmt.Sprintf("polarity: %d training items (SmSA minus %d lines NusaX turned into valid/test sentences, NusaX 11 languages, CNBC headlines minus the %d in news4)",
			len(p.pol.items), c.LeakDropped, c.CNBCDropped),
		fmt.Sprintf("word vectors: %d words, %d dimensions, skip-gram on %d unlabelled and labelled texts", len(p.vec.Words), p.vec.Dim, len(c.Unlabelled)),
		fmt.Sprintf("model: %d words, %d bigrams, %d surface forms", len(s.Words), len(s.Bigrams), len(s.Surfaces)))
	s.Header.Scores = rep.scores()
	s.Header.Notes = rep.Notes
	if b, err = classifier.Encode(s); err != nil {
		return nil, nil, err
	}
	if o.Version == "" {
		if rep.Version, err = classifier.ContentName(b); err != nil {
			return nil, nil, err
		}
		if b, err = classifier.Named(b, rep.Version); err != nil {
			return nil, nil, err
		}
	}
	rep.Size = len(b)
	rep.Took = time.Since(start)
	return b, rep, nil
}

var polarityNames = []string{news.PolarityPositif, news.PolarityNetral, news.PolarityNegatif}

func all(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = i
	}
	return r
}

func count(items []Item, sources ...string) int {
	n := 0
	for _, it := range items {
		for _, s := range sources {
			if it.Source == s {
				n++
			}
		}
	}
	return n
}

// subset keeps every k-th group of the four-class items (and every
// correction) and every k-th polarity item.
func subset(c *Corpus, k int) *Corpus {
	out := *c
	seen := map[string]int{}
	out.Issue = nil
	for _, it := range c.Issue {
		g, ok := seen[it.Group]
		if !ok {
			g = len(seen)
			seen[it.Group] = g
		}
		if g%k == 0 || it.Source == SourceCorrection {
			out.Issue = append(out.Issue, it)
		}
	}
	out.Polarity = nil
	for i, it := range c.Polarity {
		if i%k == 0 {
			out.Polarity = append(out.Polarity, it)
		}
	}
	return &out
}

func prepare(c *Corpus, o Options) (*prepared, error) {
	norm, sentences, err := normalised(c)
	if err != nil {
		return nil, err
	}
	v := o.Vectors
	if v == nil {
		v = trainVectors(sentences, o.Seed, o.Progress)
	}
	p := &prepared{norm: norm, vec: v}
	p.issue = p.docs(c.Issue, IssueIndex)
	p.pol = p.docs(c.Polarity, PolarityIndex)
	return p, nil
}

// normalised builds the normaliser (a Banjar word that is common in the
// corpus is an Indonesian word too, and stays) and returns the corpus's
// sentences with their words normalised.
func normalised(c *Corpus) (*Normaliser, [][]string, error) {
	sentences := Sentences(c)
	freq := map[string]int{}
	for _, s := range sentences {
		for _, w := range s {
			freq[w]++
		}
	}
	norm, err := NewNormaliser(func(w string) bool { return freq[w] >= 5 })
	if err != nil {
		return nil, nil, err
	}
	for _, s := range sentences {
		for i, w := range s {
			s[i] = norm.Word(w)
		}
	}
	return norm, sentences, nil
}

// NewVectors trains word vectors on the corpus (about two minutes of one
// core); they are quantised as Save stores them.
func NewVectors(c *Corpus, seed uint64, progress io.Writer) (*Vectors, error) {
	_, sentences, err := normalised(c)
	if err != nil {
		return nil, err
	}
	return trainVectors(sentences, seed, progress), nil
}

func trainVectors(sentences [][]string, seed uint64, progress io.Writer) *Vectors {
	v := TrainVectors(sentences, VectorOptions{Dim: 64, Window: 5, Negative: 5, Epochs: 5, MinCount: 3, Seed: seed, Progress: progress})
	v.Quantise()
	return v
}

// ShippedVectors returns the word vectors in the repository
// (classifier/data/vectors), which `pantau train` reuses by default.
func ShippedVectors() (*Vectors, error) {
	f, err := data.FS.Open("vectors/vectors.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadVectors(f)
}

// Sentences are the unlabelled texts' lines as words (not normalised),
// for the word vectors and for what counts as a common Indonesian word.
func Sentences(c *Corpus) [][]string {
	var out [][]string
	for _, t := range c.Unlabelled {
		for _, part := range classifier.Words("", t) {
			if len(part) > 1 {
				out = append(out, part)
			}
		}
	}
	return out
}

var polGrid = []float64{0.3, 1, 3}

// choosePolarity picks the polarity regression's C by grouped 3-fold
// cross-validation on its training data; it returns C and its macro-F1.
func (p *prepared) choosePolarity(seed uint64, progress func()) (float64, float64) {
	d := p.pol
	fold := Folds(d.items, 3, seed+100)
	bestC, bestF := polGrid[0], -1.0
	for _, C := range polGrid {
		var gold, got []int
		for f := 0; f < 3; f++ {
			tr, te := split(fold, f)
			pl := p.fitPolarity(tr, C)
			X := pl.joint(d, p)
			s := make([]float64, nPol)
			for _, i := range te {
				pl.m.Scores(X, i, s)
				gold = append(gold, d.y[i])
				got = append(got, argmax(s))
			}
			progress()
		}
		if f := Score(polarityNames, gold, got).MacroF1; f > bestF {
			bestC, bestF = C, f
		}
	}
	return bestC, bestF
}

// baseDocs are the four-class items as the baselines read them: word
// unigrams and bigrams of the raw title and text.
type baseDocs struct {
	X *Sparse
}

func (p *prepared) baselineDocs() *baseDocs {
	feats := make([][]string, len(p.issue.items))
	for i, it := range p.issue.items {
		feats[i] = Ngrams(classifier.Tokenize(it.Title + " " + it.Text))
	}
	return &baseDocs{X: Counts(NewVocab(), feats)}
}

// fit trains both baselines on rows and returns their predictors.
func (b *baseDocs) fit(rows []int, d *docs) (nb, lr func(i int) int) {
	one := make([]float64, len(d.y))
	for i := range one {
		one[i] = 1
	}
	mnb := FitNaiveBayes(b.X, rows, d.y, one, nIssue, baselineAlpha, true)
	T := TFIDF(b.X, rows)
	unit := &docs{y: d.y, w: one}
	mlr := FitSoftmax(T, rows, d.y, balanced(unit, rows, nIssue), nIssue, l2For(baselineC, len(rows)), 300)
	s := make([]float64, nIssue)
	return func(i int) int { mnb.Scores(b.X, i, s); return argmax(s) },
		func(i int) int { mlr.Scores(T, i, s); return argmax(s) }
}

// slices fills the cross-validation table and the calibration.
func (r *Report) slices(d *docs, pred []classifier.Result, nb, lr []int) {
	type acc struct{ gold, model, nb, lr []int }
	by := map[string]*acc{}
	var order []string
	add := func(name string, i int) {
		a := by[name]
		if a == nil {
			a = &acc{}
			by[name] = a
			order = append(order, name)
		}
		a.gold = append(a.gold, d.y[i])
		a.model = append(a.model, IssueIndex(pred[i].Label))
		a.nb = append(a.nb, nb[i])
		a.lr = append(a.lr, lr[i])
	}
	var conf []float64
	var ok []bool
	for i, it := range d.items {
		add(SliceName(it), i)
		switch it.Source {
		case SourceIndoSum, SourceHoax, SourceCNBC:
			add("news4", i)
		case SourceKaltim:
			add("kaltim", i)
		}
		add("all", i)
		conf = append(conf, float64(pred[i].Confidence))
		ok = append(ok, IssueIndex(pred[i].Label) == d.y[i])
	}
	sort.SliceStable(order, func(i, j int) bool { return sliceRank(order[i]) < sliceRank(order[j]) })
	for _, name := range order {
		a := by[name]
		e := Score(news.Labels[:], a.gold, a.model)
		r.Slices = append(r.Slices, Slice{Name: name, N: len(a.gold), Model: e.MacroF1Min(MinSupport), Accuracy: e.Accuracy, Eval: e,
			NB: Score(news.Labels[:], a.gold, a.nb).MacroF1Min(MinSupport), LR: Score(news.Labels[:], a.gold, a.lr).MacroF1Min(MinSupport)})
	}
	r.ECE = ECE(conf, ok)
	for i, c := range conf {
		b := min(int(c*10), 9)
		r.ECEBins[b].N++
		r.ECEBins[b].Conf += c
		if ok[i] {
			r.ECEBins[b].Accuracy++
		}
	}
	for b := range r.ECEBins {
		if n := float64(r.ECEBins[b].N); n > 0 {
			r.ECEBins[b].Conf /= n
			r.ECEBins[b].Accuracy /= n
		}
	}
}

// SliceName is the report row of an item: its source, and for Kaltim
// items its kind.
func SliceName(it Item) string {
	if it.Source == SourceKaltim {
		return "kaltim " + it.Kind
	}
	return it.Source
}

func sliceRank(name string) int {
	for i, n := range []string{"indosum", "hoax", "cnbc", "news4", "kaltim berita", "kaltim rilis", "kaltim sosmed", "kaltim", "correction", "all"} {
		if n == name {
			return i
		}
	}
	return 100
}

// Score returns the model's cross-validated macro-F1 on a slice.
func (r *Report) Score(slice string) (float64, bool) {
	for _, s := range r.Slices {
		if s.Name == slice {
			return s.Model, true
		}
	}
	return 0, false
}

// scores are the figures the model file records.
func (r *Report) scores() map[string]float64 {
	m := map[string]float64{"cv/ece": r.ECE}
	for _, s := range r.Slices {
		m["cv/"+s.Name] = s.Model
		m["cv-nb/"+s.Name] = s.NB
		m["cv-lr/"+s.Name] = s.LR
	}
	for _, s := range r.Polarity {
		m["polarity/"+s.Name] = s.F1
	}
	m["polarity-cv"] = r.PolarityCV
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

func newBar(w io.Writer, n int, desc string) *progressbar.ProgressBar {
	if w == nil {
		return progressbar.NewOptions(n, progressbar.OptionSetWriter(io.Discard))
	}
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		// Not a terminal (a log, a pipe): one plain line when a step
		// starts and one when it ends, no bar frames.
		start := time.Now()
		fmt.Fprintf(w, "%s: %d langkah\n", desc, n)
		return progressbar.NewOptions(n, progressbar.OptionSetWriter(io.Discard), progressbar.OptionOnCompletion(func() {
			fmt.Fprintf(w, "%s: selesai dalam %s\n", desc, time.Since(start).Round(time.Second))
		}))
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}
