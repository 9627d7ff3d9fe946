package classifier

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/diskominfo-kaltim/pantau/news"
)

// Item is one labelled example: a four-class label or a polarity.
type Item struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Text   string `json:"text"`
	Label  string `json:"label"`
	Source string `json:"source,omitempty"`
	Weight float64
}

// polarityIndex maps dataset labels to polarity head classes.
func polarityIndex(label string) int {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "positive", "positif":
		return 0
	case "neutral", "netral":
		return 1
	case "negative", "negatif":
		return 2
	}
	return -1
}

func issueIndex(label string) int {
	for i, l := range news.Labels {
		if l == label {
			return i
		}
	}
	return -1
}

// Data is everything training reads, split for validation.
type Data struct {
	PolTrain, IssueTrain []Item
	PolValid             map[string][]Item // by set name, e.g. "smsa", "nusax-banjarese"
	IssueValid           []Item
	Corpus               []string // text files for the subword vocabulary
	LeakDropped          int      // SmSA lines left out as near-copies of NusaX valid/test
}

// LoadData reads the datasets under shared (the project's shared folder)
// and makes deterministic validation splits.
func LoadData(shared string) (*Data, error) {
	ds := filepath.Join(shared, "datasets")
	d := &Data{PolValid: map[string][]Item{}}

	// SmSA train lines that are near-copies of NusaX valid/test sentences
	// are left out, or NusaX scores would measure memory.
	leak, err := smsaLeakLines(filepath.Join(ds, "nusax_senti", "overlap_with_smsa.csv"))
	if err != nil {
		return nil, err
	}
	smsa, err := readTSV(filepath.Join(ds, "indonlu_smsa", "train_preprocess.tsv"), leak)
	if err != nil {
		return nil, err
	}
	d.PolTrain = append(d.PolTrain, smsa...)
	d.LeakDropped = len(leak)
	if d.PolValid["smsa"], err = readTSV(filepath.Join(ds, "indonlu_smsa", "valid_preprocess.tsv"), nil); err != nil {
		return nil, err
	}
	langs, err := os.ReadDir(filepath.Join(ds, "nusax_senti"))
	if err != nil {
		return nil, err
	}
	for _, l := range langs {
		if !l.IsDir() || l.Name() == "lexicon" || l.Name() == "english" {
			continue
		}
		w := 0.5
		if l.Name() == "indonesian" || l.Name() == "banjarese" {
			w = 1
		}
		tr, err := readCSV(filepath.Join(ds, "nusax_senti", l.Name(), "train.csv"), "text", "label", w)
		if err != nil {
			return nil, err
		}
		d.PolTrain = append(d.PolTrain, tr...)
		va, err := readCSV(filepath.Join(ds, "nusax_senti", l.Name(), "valid.csv"), "text", "label", 1)
		if err != nil {
			return nil, err
		}
		d.PolValid["nusax-"+l.Name()] = va
	}
	cnbc, err := readCSV(filepath.Join(ds, "cnbc_id_stock_headlines_sentiment", "train_90.csv"), "judul", "sentimen", 0.5)
	if err != nil {
		return nil, err
	}
	d.PolTrain = append(d.PolTrain, cnbc...)
	if d.PolValid["cnbc"], err = readCSV(filepath.Join(ds, "cnbc_id_stock_headlines_sentiment", "validation_10.csv"), "judul", "sentimen", 1); err != nil {
		return nil, err
	}

	news4, err := ReadJSONL(filepath.Join(shared, "labels", "news4_train.jsonl"))
	if err != nil {
		return nil, err
	}
	for _, it := range news4 {
		switch it.Source {
		case "hoax600", "cnbc indonesia":
			it.Weight = 0.6 // their mix differs from regional news
		default:
			it.Weight = 1
		}
		if InValidation(it.ID) {
			d.IssueValid = append(d.IssueValid, it)
		} else {
			d.IssueTrain = append(d.IssueTrain, it)
		}
	}
	d.Corpus = []string{filepath.Join(ds, "indosum_news_articles", "indosum_articles.jsonl"),
		filepath.Join(ds, "indonlu_smsa", "train_preprocess.tsv"), filepath.Join(shared, "labels", "news4_train.jsonl")}
	return d, nil
}

// InValidation puts about 15% of ids, chosen by hash, in the validation split.
func InValidation(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%100 < 15
}

func smsaLeakLines(path string) (map[int]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[int]bool{}
	for _, row := range rows[1:] {
		if len(row) >= 4 && row[1] != "train" && row[2] == "train" {
			n, _ := strconv.Atoi(row[3])
			out[n] = true
		}
	}
	return out, nil
}

func readTSV(path string, skip map[int]bool) ([]Item, error) {
	var out []Item
	err := eachLine(path, func(n int, line string) error {
		text, label, ok := strings.Cut(line, "\t")
		if !skip[n] && ok && polarityIndex(label) >= 0 {
			out = append(out, Item{ID: fmt.Sprintf("%s:%d", filepath.Base(path), n), Text: text, Label: label, Weight: 1})
		}
		return nil
	})
	return out, err
}

// eachLine calls fn with each line of the file at path, numbered from 1
// (lines up to 64 MB).
func eachLine(path string, fn func(n int, line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for n := 1; sc.Scan(); n++ {
		if err := fn(n, sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func readCSV(path, textCol, labelCol string, weight float64) ([]Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ti, li := -1, -1
	for i, h := range rows[0] {
		switch h {
		case textCol:
			ti = i
		case labelCol:
			li = i
		}
	}
	if ti < 0 || li < 0 {
		return nil, fmt.Errorf("%s: columns %s/%s not found", path, textCol, labelCol)
	}
	var out []Item
	for n, r := range rows[1:] {
		if polarityIndex(r[li]) < 0 {
			continue
		}
		out = append(out, Item{ID: fmt.Sprintf("%s:%d", path, n), Text: r[ti], Label: r[li], Weight: weight})
	}
	return out, nil
}

// ReadJSONL reads labelled items, one JSON object a line.
func ReadJSONL(path string) ([]Item, error) {
	var out []Item
	err := eachLine(path, func(n int, line string) error {
		if strings.TrimSpace(line) == "" {
			return nil
		}
		var it Item
		if err := json.Unmarshal([]byte(line), &it); err != nil {
			return fmt.Errorf("%s line %d: %w", path, n, err)
		}
		out = append(out, it)
		return nil
	})
	return out, err
}

// TrainOptions tune training.
type TrainOptions struct {
	Dim         uint32 // hashed buckets (power of two)
	SubwordSize int
	Epochs      int
	Seed        uint64
	Progress    io.Writer // progress bars; nil for none
	Corrections []Item    // analysts' corrections, four-class labels
	Version     string
	Balance     float64 // 0: none; 1: weigh classes inversely to their frequency (macro-F1)
	// Tokenizer, when set, is a tokenizer file (from an earlier training)
	// whose subword vocabulary is reused instead of training a new one.
	// BPE training is not deterministic; a retrain that keeps the
	// vocabulary changes only what the data changes.
	Tokenizer []byte
}

// balance scales example weights toward equal total weight per class,
// by the power p (0 leaves them, 1 equalises).
func balance(data []example, k int, p float64) {
	if p == 0 {
		return
	}
	tot := make([]float64, k)
	var all float64
	for _, ex := range data {
		tot[ex.label] += float64(ex.weight)
		all += float64(ex.weight)
	}
	for i := range data {
		c := tot[data[i].label]
		if c > 0 {
			data[i].weight *= float32(math.Pow(all/(float64(k)*c), p))
		}
	}
}

// Train trains both heads and returns the model with its validation scores.
// The subword vocabulary is trained first and written to tokOut.
func Train(d *Data, opt TrainOptions, tokOut string) (*Trained, error) {
	if opt.Dim == 0 {
		opt.Dim = 1 << 18
	}
	if opt.SubwordSize == 0 {
		opt.SubwordSize = 16000
	}
	if opt.Epochs == 0 {
		opt.Epochs = DefaultEpochs
	}
	if opt.Version == "" {
		opt.Version = "pantau-lr-" + time.Now().UTC().Format("20060102")
	}
	if err := subwords(d, opt, tokOut); err != nil {
		return nil, err
	}
	tb, err := os.ReadFile(tokOut)
	if err != nil {
		return nil, err
	}
	sub, err := LoadSubword(bytes.NewReader(tb))
	if err != nil {
		return nil, err
	}
	fz := newFeaturizer(opt.Dim, sub)
	rows := int(opt.Dim) + denseCount
	p := &Params{Version: opt.Version, Dim: opt.Dim, WP: make([]float32, rows*nPol), WI: make([]float32, rows*nIssue),
		TP: 1, TI: 1, Scores: map[string]float64{}, TokenizerSum: TokenizerSum(tb)}
	rng := rand.New(rand.NewPCG(opt.Seed, 7))

	polTrain := featurize(fz, d.PolTrain, polarityIndex, opt.Progress, "fitur polaritas")
	balance(polTrain, nPol, opt.Balance)
	bar := newBar(opt.Progress, opt.Epochs, "latih polaritas")
	trainHead(p.WP, nil, nPol, polTrain, opt.Epochs, 0.2, 1e-6, rng, bar)

	issueItems := append(append([]Item(nil), d.IssueTrain...), weighted(opt.Corrections, 3)...)
	issueTrain := featurize(fz, issueItems, issueIndex, opt.Progress, "fitur isu")
	balance(issueTrain, nIssue, opt.Balance)
	for i := range issueTrain {
		issueTrain[i].extra = polarityInputs(p, issueTrain[i].feats)
	}
	bar = newBar(opt.Progress, opt.Epochs*3, "latih isu")
	trainHead(p.WI, p.WIPol[:], nIssue, issueTrain, opt.Epochs*3, 0.2, 1e-6, rng, bar)

	// Calibrate on validation and record the scores.
	model := newTrained(p, fz)
	var polValid []example
	for _, name := range sortedKeys(d.PolValid) {
		polValid = append(polValid, featurize(fz, d.PolValid[name], polarityIndex, nil, "")...)
	}
	p.TP = calibrate(polValid, func(fs []feat, t float32) []float64 {
		save := p.TP
		p.TP = t
		pol, _ := p.predict(fs)
		p.TP = save
		return pol[:nPol]
	})
	issueValid := featurize(fz, d.IssueValid, issueIndex, nil, "")
	p.TI = calibrate(issueValid, func(fs []feat, t float32) []float64 {
		save := p.TI
		p.TI = t
		_, is := p.predict(fs)
		p.TI = save
		return is[:]
	})
	for name, items := range d.PolValid {
		p.Scores["polarity/"+name] = EvaluatePolarity(model, items).MacroF1
	}
	ev := EvaluateIssue(model, d.IssueValid)
	p.Scores["issue/news4-valid"] = ev.MacroF1
	p.Scores["issue/news4-valid-accuracy"] = ev.Accuracy
	p.Notes = append(p.Notes,
		fmt.Sprintf("polarity: %d training items (SmSA minus %d lines near-copied in NusaX valid/test, NusaX 11 languages, CNBC headlines)", len(d.PolTrain), d.LeakDropped),
		fmt.Sprintf("issue: %d training items from news4 (85%% split by id hash) plus %d corrections", len(d.IssueTrain), len(opt.Corrections)),
		fmt.Sprintf("subword vocabulary: %d BPE units (sugarme/tokenizer), %s, sha256 %.12s", sub.VocabSize(), vocabOrigin(opt), p.TokenizerSum),
		fmt.Sprintf("temperatures: polarity %.2f, issue %.2f", p.TP, p.TI))
	return model, nil
}

func weighted(items []Item, w float64) []Item {
	out := make([]Item, len(items))
	for i, it := range items {
		it.Weight = w
		out[i] = it
	}
	return out
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
		return nil
	}
	return progressbar.NewOptions(n, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
}

// corpusFile writes the texts of the corpus files (JSON lines with a text
// field, or TSV with the text first) into one plain-text file.
func corpusFile(files []string) (string, error) {
	out, err := os.CreateTemp("", "pantau-corpus-*.txt")
	if err != nil {
		return "", err
	}
	defer out.Close()
	w := bufio.NewWriter(out)
	for _, p := range files {
		err := eachLine(p, func(_ int, line string) error {
			if strings.HasPrefix(line, "{") {
				var v struct{ Title, Text string }
				if json.Unmarshal([]byte(line), &v) == nil {
					line = v.Title + " " + v.Text
				}
			} else if t, _, ok := strings.Cut(line, "\t"); ok {
				line = t
			}
			w.WriteString(strings.ToLower(line))
			return w.WriteByte('\n')
		})
		if err != nil {
			os.Remove(out.Name())
			return "", err
		}
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	return out.Name(), nil
}

type example struct {
	feats  []feat
	label  int
	weight float32
	extra  []float32
}

func featurize(fz *featurizer, items []Item, index func(string) int, progress io.Writer, desc string) []example {
	bar := newBar(progress, len(items), desc)
	out := make([]example, 0, len(items))
	d := &doc{}
	for _, it := range items {
		if bar != nil {
			bar.Add(1)
		}
		y := index(it.Label)
		if y < 0 {
			continue
		}
		fz.extract(it.Title, it.Text, d)
		w := it.Weight
		if w == 0 {
			w = 1
		}
		out = append(out, example{feats: append([]feat(nil), d.feats...), label: y, weight: float32(w)})
	}
	return out
}

// polarityInputs are the polarity head's raw probabilities, the issue
// head's extra inputs.
func polarityInputs(p *Params, fs []feat) []float32 {
	var s [nPol]float32
	for _, f := range fs {
		r := p.WP[int(f.idx)*nPol:]
		for k := 0; k < nPol; k++ {
			s[k] += f.val * r[k]
		}
	}
	pr := softmaxT(s[:], 1)
	return []float32{float32(pr[0]), float32(pr[1]), float32(pr[2])}
}

// trainHead fits a softmax regression with AdaGrad and L2 decay. W is
// rows x k; wx (k x len(extra)) weighs the examples' extra inputs.
func trainHead(W, wx []float32, k int, data []example, epochs int, lr, l2 float32, rng *rand.Rand, bar *progressbar.ProgressBar) {
	g2 := make([]float32, len(W))
	gx := make([]float32, len(wx))
	order := make([]int, len(data))
	for i := range order {
		order[i] = i
	}
	score := make([]float32, k)
	prob := make([]float64, k)
	for ep := 0; ep < epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			ex := &data[i]
			for c := range score {
				score[c] = 0
			}
			for _, f := range ex.feats {
				r := W[int(f.idx)*k:]
				for c := 0; c < k; c++ {
					score[c] += f.val * r[c]
				}
			}
			for c := 0; c < k && wx != nil; c++ {
				for j, v := range ex.extra {
					score[c] += wx[c*len(ex.extra)+j] * v
				}
			}
			m := float32(math.Inf(-1))
			for _, s := range score {
				m = max(m, s)
			}
			var z float64
			for c, s := range score {
				prob[c] = math.Exp(float64(s - m))
				z += prob[c]
			}
			for c := 0; c < k; c++ {
				g := float32(prob[c] / z)
				if c == ex.label {
					g -= 1
				}
				g *= ex.weight
				if g == 0 {
					continue
				}
				for _, f := range ex.feats {
					j := int(f.idx)*k + c
					grad := g*f.val + l2*W[j]
					g2[j] += grad * grad
					W[j] -= lr * grad / (sqrt32(g2[j]) + 1e-6)
				}
				for j, v := range ex.extra {
					x := c*len(ex.extra) + j
					grad := g * v
					gx[x] += grad * grad
					wx[x] -= lr * grad / (sqrt32(gx[x]) + 1e-6)
				}
			}
		}
		if bar != nil {
			bar.Add(1)
		}
	}
}

// calibrate picks the softmax temperature with the lowest log loss.
func calibrate(data []example, probs func([]feat, float32) []float64) float32 {
	best, bestLoss := float32(1), math.Inf(1)
	for t := float32(0.5); t <= 4.01; t += 0.1 {
		var loss float64
		for _, ex := range data {
			p := probs(ex.feats, t)
			loss -= math.Log(max(p[ex.label], 1e-9))
		}
		if loss < bestLoss {
			best, bestLoss = t, loss
		}
	}
	return best
}

// Eval holds per-class and overall scores.
type Eval struct {
	Classes   []string
	Precision []float64
	Recall    []float64
	F1        []float64
	Support   []int
	MacroF1   float64
	Accuracy  float64
	Confusion [][]int // [gold][predicted]
	N         int
}

func evaluate(classes []string, gold, pred []int) Eval {
	k := len(classes)
	e := Eval{Classes: classes, Precision: make([]float64, k), Recall: make([]float64, k), F1: make([]float64, k),
		Support: make([]int, k), Confusion: make([][]int, k), N: len(gold)}
	for i := range e.Confusion {
		e.Confusion[i] = make([]int, k)
	}
	correct := 0
	for i := range gold {
		e.Confusion[gold[i]][pred[i]]++
		if gold[i] == pred[i] {
			correct++
		}
	}
	for c := 0; c < k; c++ {
		tp := e.Confusion[c][c]
		var fp, fn int
		for o := 0; o < k; o++ {
			if o != c {
				fp += e.Confusion[o][c]
				fn += e.Confusion[c][o]
			}
		}
		e.Support[c] = tp + fn
		if tp+fp > 0 {
			e.Precision[c] = float64(tp) / float64(tp+fp)
		}
		if tp+fn > 0 {
			e.Recall[c] = float64(tp) / float64(tp+fn)
		}
		if e.Precision[c]+e.Recall[c] > 0 {
			e.F1[c] = 2 * e.Precision[c] * e.Recall[c] / (e.Precision[c] + e.Recall[c])
		}
		e.MacroF1 += e.F1[c] / float64(k)
	}
	if len(gold) > 0 {
		e.Accuracy = float64(correct) / float64(len(gold))
	}
	return e
}

// EvaluateIssue scores m on four-class items.
func EvaluateIssue(m Model, items []Item) Eval {
	var gold, pred []int
	for _, it := range items {
		g := issueIndex(it.Label)
		if g < 0 {
			continue
		}
		gold = append(gold, g)
		pred = append(pred, issueIndex(m.Classify(it.Title, it.Text).Label))
	}
	return evaluate(news.Labels[:], gold, pred)
}

// EvaluatePolarity scores m's polarity on three-class items.
func EvaluatePolarity(m Model, items []Item) Eval {
	var gold, pred []int
	for _, it := range items {
		g := polarityIndex(it.Label)
		if g < 0 {
			continue
		}
		gold = append(gold, g)
		pred = append(pred, polarityIndex(m.Classify(it.Title, it.Text).Polarity))
	}
	return evaluate(polarities[:], gold, pred)
}

// String prints the evaluation as a table.
func (e Eval) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %9s %9s %9s %8s\n", "kelas", "presisi", "recall", "F1", "jumlah")
	for i, c := range e.Classes {
		fmt.Fprintf(&b, "%-20s %9.3f %9.3f %9.3f %8d\n", c, e.Precision[i], e.Recall[i], e.F1[i], e.Support[i])
	}
	fmt.Fprintf(&b, "\nmakro-F1 %.3f   akurasi %.3f   (%d item)\n\nmatriks kebingungan (baris: label benar, kolom: prediksi)\n", e.MacroF1, e.Accuracy, e.N)
	fmt.Fprintf(&b, "%-20s", "")
	for _, c := range e.Classes {
		fmt.Fprintf(&b, " %10.10s", c)
	}
	b.WriteByte('\n')
	for i, row := range e.Confusion {
		fmt.Fprintf(&b, "%-20s", e.Classes[i])
		for _, v := range row {
			fmt.Fprintf(&b, " %10d", v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// subwords writes the tokenizer file tokOut: trained on d's corpus, or a
// copy of opt.Tokenizer.
func subwords(d *Data, opt TrainOptions, tokOut string) error {
	if opt.Tokenizer != nil {
		if _, err := LoadSubword(bytes.NewReader(opt.Tokenizer)); err != nil {
			return fmt.Errorf("reusing a tokenizer: %w", err)
		}
		return os.WriteFile(tokOut, opt.Tokenizer, 0o644)
	}
	corpus, err := corpusFile(d.Corpus)
	if err != nil {
		return err
	}
	defer os.Remove(corpus)
	return TrainSubword([]string{corpus}, opt.SubwordSize, tokOut)
}

func vocabOrigin(opt TrainOptions) string {
	if opt.Tokenizer != nil {
		return "reused from an earlier training"
	}
	return "trained on the corpus"
}

// The settings `pantau train` uses unless told otherwise.
const (
	DefaultEpochs  = 8
	DefaultBalance = 0.5
)
