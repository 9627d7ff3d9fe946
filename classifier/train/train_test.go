package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/diskominfo-kaltim/pantau/classifier"
)

// small is a corpus and word vectors small enough for unit tests: every
// 8th group of the four-class items, every 8th polarity item, vectors of
// 16 dimensions trained one epoch on the unlabelled texts.
var small = sync.OnceValues(func() (*Corpus, error) {
	c, err := Load(nil)
	if err != nil {
		return nil, err
	}
	c = subset(c, 8)
	return c, nil
})

func smallVectors(c *Corpus) *Vectors {
	_, s, err := normalised(c)
	if err != nil {
		panic(err)
	}
	v := TrainVectors(s[:len(s)/4], VectorOptions{Dim: 16, Window: 4, Negative: 3, Epochs: 1, MinCount: 3, Seed: 1})
	v.Quantise()
	return v
}

// The model file computes what training fitted: the predictor's class
// probabilities equal the training side's (float) stacker output up to
// the int8 rounding of the weights.
func TestModelFileMatchesTheFit(t *testing.T) {
	c, err := small()
	if err != nil {
		t.Fatal(err)
	}
	p, err := prepare(c, Options{Seed: 1, Vectors: smallVectors(c)})
	if err != nil {
		t.Fatal(err)
	}
	pl := p.fitPolarity(all(len(p.pol.items)), 3)
	pol := pl.scoresFor(p, p.issue)
	d := p.issue
	ft := p.fitIssue(all(len(d.items)), pol, 1, func() {})
	s, err := p.spec(ft, pl, "test")
	if err != nil {
		t.Fatal(err)
	}
	b, err := classifier.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := classifier.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	v := ft.views
	counts := v.lin.counts(d)
	W := v.lin.weighted(d)
	WK := v.linK.weighted(d)
	var worst float64
	agree := 0
	for i, it := range d.items {
		var z [4]scores
		v.nb.Scores(counts, i, z[0][:])
		v.lr.Scores(W, i, z[1][:])
		v.vec.Scores(d.V, i, z[2][:])
		v.kaltim.Scores(WK, i, z[3][:])
		ds := make([]float64, 2)
		v.domain.Scores(d.V, i, ds)
		idx, val := stackRow(z, pol[i], d.kind[i], ds[1]-ds[0])
		S := &Sparse{Ptr: []int{0}, Cols: classifier.StackInputs}
		S.appendRow(idx, val)
		want := make([]float64, nIssue)
		ft.stack.Scores(S, 0, want)
		l := logSumExp(want)
		r := m.Classify(it.Title, it.Text, it.Kind)
		var diff float64
		for k := range want {
			diff = math.Max(diff, math.Abs(math.Exp(want[k]-l)-float64(r.Scores[k])))
		}
		worst = math.Max(worst, diff)
		if argmax(want) == IssueIndex(r.Label) {
			agree++
		}
	}
	t.Logf("%d items: largest probability difference %.4f, same label %d", len(d.items), worst, agree)
	if worst > 0.05 || agree < len(d.items)*98/100 {
		t.Errorf("the model file differs from the fit: largest probability difference %.4f, same label on %d of %d", worst, agree, len(d.items))
	}
}

var update = flag.Bool("update", false, "rewrite testdata/protocol.golden.json")

// protocolFigures are what TestProtocolReproduces pins.
type protocolFigures struct {
	Items     int
	Slices    map[string][3]float64 // model, naive Bayes, TF-IDF LR
	ECE       float64
	FoldHP    []HP
	FinalHP   HP
	PolarityC float64
	Polarity  map[string]float64
	ModelSHA  string
}

// TestProtocolReproduces runs the whole training protocol — polarity,
// nested cross-validation of the four classes with both baselines on the
// same folds, the final model — on an eighth of the repository's data
// with small word vectors, and checks that the figures and the model's
// bytes are those recorded (training is deterministic: the same data and
// seed give the same model). The full run is `make model`.
func TestProtocolReproduces(t *testing.T) {
	c, err := small()
	if err != nil {
		t.Fatal(err)
	}
	b, rep, err := Train(c, Options{Folds: 3, Seed: 1, Vectors: smallVectors(c), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	got := protocolFigures{Items: rep.Items, Slices: map[string][3]float64{}, ECE: round(rep.ECE), FoldHP: rep.FoldHP,
		FinalHP: rep.FinalHP, PolarityC: rep.PolarityC, Polarity: map[string]float64{}, ModelSHA: hex.EncodeToString(sum[:])}
	for _, s := range rep.Slices {
		got.Slices[s.Name] = [3]float64{round(s.Model), round(s.NB), round(s.LR)}
	}
	for _, p := range rep.Polarity {
		got.Polarity[p.Name] = round(p.F1)
	}
	path := filepath.Join("testdata", "protocol.golden.json")
	if *update {
		j, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(j, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var want protocolFigures
	j, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(j, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("the protocol on the subset gave\n%s\nrecorded in %s:\n%s", g, path, j)
	}
	// The report shows the figures next to the baselines.
	md := rep.Markdown()
	for _, s := range []string{"| all |", "naive Bayes", "TF-IDF LR", "Expected calibration error", "smsa"} {
		if !strings.Contains(md, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }
