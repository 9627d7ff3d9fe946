package classifier

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

var update = flag.Bool("update", false, "rewrite golden files")

func shipped(tb testing.TB) *Trained {
	tb.Helper()
	m, err := LoadShipped()
	if err != nil {
		tb.Fatalf("loading the shipped model: %v", err)
	}
	return m
}

// sharedDir finds the project's shared folder (beside the checkout).
func sharedDir(tb testing.TB) string {
	tb.Helper()
	for _, d := range []string{os.Getenv("PANTAU_SHARED"), "../../shared", "../shared"} {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "labels", "news4_train.jsonl")); err == nil {
			return d
		}
	}
	tb.Fatal("shared datasets not found beside the checkout (set PANTAU_SHARED)")
	return ""
}

// TestShippedModelReproducesItsValidationScores re-scores the shipped
// model on the validation splits it recorded.
func TestShippedModelReproducesItsValidationScores(t *testing.T) {
	m := shipped(t)
	d, err := LoadData(sharedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got float64) {
		t.Helper()
		want, ok := m.Params().Scores[name]
		if !ok {
			t.Fatalf("model records no score %q", name)
		}
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("%s: %.4f, recorded %.4f", name, got, want)
		}
	}
	check("issue/news4-valid", EvaluateIssue(m, d.IssueValid).MacroF1)
	check("polarity/smsa", EvaluatePolarity(m, d.PolValid["smsa"]).MacroF1)
	check("polarity/nusax-indonesian", EvaluatePolarity(m, d.PolValid["nusax-indonesian"]).MacroF1)
	check("polarity/nusax-banjarese", EvaluatePolarity(m, d.PolValid["nusax-banjarese"]).MacroF1)
	// Far above the lexicon baseline, which the model must beat.
	if lex := EvaluateIssue(NewLexicon(), d.IssueValid).MacroF1; m.Params().Scores["issue/news4-valid"] < lex+0.15 {
		t.Errorf("trained model %.3f does not clearly beat the lexicon baseline %.3f", m.Params().Scores["issue/news4-valid"], lex)
	}
}

type golden struct {
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Text     string     `json:"text"`
	Label    string     `json:"label"`
	Polarity string     `json:"polarity"`
	Scores   [4]float32 `json:"scores"`
	Evidence []string   `json:"evidence"`
}

// TestGoldenOutputs pins the shipped model's outputs on fixed items; run
// with -update after retraining.
func TestGoldenOutputs(t *testing.T) {
	m := shipped(t)
	path := filepath.Join("testdata", "golden.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var items, out []golden
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var g golden
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatal(err)
		}
		items = append(items, g)
	}
	f.Close()
	for _, g := range items {
		r := m.Classify(g.Title, g.Text)
		got := golden{ID: g.ID, Title: g.Title, Text: g.Text, Label: r.Label, Polarity: r.Polarity, Scores: r.Scores, Evidence: r.Evidence}
		out = append(out, got)
		if *update {
			continue
		}
		if got.Label != g.Label || got.Polarity != g.Polarity || strings.Join(got.Evidence, "|") != strings.Join(g.Evidence, "|") {
			t.Errorf("%s: got %s/%s %v, golden %s/%s %v", g.ID, got.Label, got.Polarity, got.Evidence, g.Label, g.Polarity, g.Evidence)
		}
		for i := range g.Scores {
			if math.Abs(float64(got.Scores[i]-g.Scores[i])) > 1e-5 {
				t.Errorf("%s: scores %v, golden %v", g.ID, got.Scores, g.Scores)
				break
			}
		}
	}
	if *update {
		var b strings.Builder
		for _, g := range out {
			j, _ := json.Marshal(g)
			b.Write(j)
			b.WriteByte('\n')
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestModelVersionAndLabels(t *testing.T) {
	m := shipped(t)
	if !strings.HasPrefix(m.Version(), "pantau-lr-") {
		t.Errorf("version %q", m.Version())
	}
	r := m.Classify("", "")
	if !news.ValidLabel(r.Label) {
		t.Errorf("empty item label %q", r.Label)
	}
}

func TestModelLoadsFast(t *testing.T) {
	start := time.Now()
	shipped(t)
	// Reported, not asserted: timing belongs to benchmarks.
	t.Logf("model load %s", time.Since(start))
}

func BenchmarkTrainedClassify(b *testing.B) {
	m := shipped(b)
	arts := benchTexts(b)
	// Steady state: the subword cache has seen the vocabulary once, as it
	// has after the first minutes of a running pipeline.
	for _, a := range arts {
		m.Classify(a[0], a[1])
	}
	b.ResetTimer()
	var ms runtime.MemStats
	b.SetBytes(2048)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Classify(arts[i%len(arts)][0], arts[i%len(arts)][1])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
}

// benchTexts are 2 KB article texts from the labelled news.
func benchTexts(tb testing.TB) [][2]string {
	tb.Helper()
	items, err := ReadJSONL(filepath.Join(sharedDir(tb), "labels", "news4_train.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	var out [][2]string
	for _, it := range items {
		t := it.Text
		for len(t) < 2048 {
			t += " " + it.Text
		}
		out = append(out, [2]string{it.Title, t[:2048]})
		if len(out) == 500 {
			break
		}
	}
	return out
}

// TestTrainingReproducesTheShippedModel trains from the shared data with
// the shipped vocabulary and the settings `pantau train` uses, and expects
// the shipped weights bit for bit.
func TestTrainingReproducesTheShippedModel(t *testing.T) {
	want := shipped(t).Params()
	d, err := LoadData(sharedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Train(d, TrainOptions{Seed: 1, Balance: DefaultBalance, Epochs: DefaultEpochs, Tokenizer: ShippedTokenizer()},
		filepath.Join(t.TempDir(), "pantau.tokenizer.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := m.Params()
	same := func(name string, a, b []float32) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: %d weights, shipped %d", name, len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s[%d] = %v, shipped %v: `pantau train` no longer reproduces the shipped model (retrain and commit it)", name, i, a[i], b[i])
			}
		}
	}
	same("WP", got.WP, want.WP)
	same("WI", got.WI, want.WI)
	same("WIPol", got.WIPol[:], want.WIPol[:])
	if got.TP != want.TP || got.TI != want.TI || got.TokenizerSum != want.TokenizerSum {
		t.Errorf("temperatures %v/%v tokenizer %s, shipped %v/%v %s", got.TP, got.TI, got.TokenizerSum, want.TP, want.TI, want.TokenizerSum)
	}
	for k, v := range want.Scores {
		if got.Scores[k] != v {
			t.Errorf("%s: %.4f, shipped %.4f", k, got.Scores[k], v)
		}
	}
}

// A model must not load with a tokenizer other than its own.
func TestModelRefusesAnotherTokenizer(t *testing.T) {
	p := *shipped(t).Params()
	p.TokenizerSum = TokenizerSum([]byte("another"))
	var mb bytes.Buffer
	if err := p.Save(&mb); err != nil {
		t.Fatal(err)
	}
	_, err := Load(&mb, bytes.NewReader(ShippedTokenizer()))
	if err == nil || !strings.Contains(err.Error(), "another tokenizer") {
		t.Fatalf("want a tokenizer mismatch error, got %v", err)
	}
}

// TestConcurrentClassify classifies from many goroutines while the word
// cache grows and is folded into new snapshots: every answer must equal
// the one given alone.
func TestConcurrentClassify(t *testing.T) {
	m, err := LoadShipped()
	if err != nil {
		t.Fatal(err)
	}
	texts := make([]string, 64)
	for i := range texts {
		var b strings.Builder
		for j := 0; j < 300; j++ {
			fmt.Fprintf(&b, "kata%dx%d jalan rusak banjir ", i, j) // new words for the cache
		}
		texts[i] = b.String()
	}
	fresh, err := LoadShipped()
	if err != nil {
		t.Fatal(err)
	}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = fresh.Classify("Banjir di Samarinda", s)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range texts {
				k := (i + g*8) % len(texts)
				if got := m.Classify("Banjir di Samarinda", texts[k]); !reflect.DeepEqual(got, want[k]) {
					t.Errorf("text %d: %+v, alone %+v", k, got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := m.feat.snap.Load().n; n < 1024 {
		t.Errorf("word cache snapshot holds %d words: never folded", n)
	}
}

// Classify sums each word's own and subword rows once per word (cached);
// its probabilities must equal those of the full feature list that
// training uses.
func TestLeanPredictionMatchesFeatures(t *testing.T) {
	m := shipped(t)
	items, err := ReadJSONL(filepath.Join(sharedDir(t), "labels", "news4_train.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	d := &doc{}
	for i, it := range items {
		if i == 300 {
			break
		}
		for pass := 0; pass < 2; pass++ { // the second pass reads the cached sums
			m.feat.extract(it.Title, it.Text, d)
			pol, issue := m.p.predict(d.feats)
			r := m.Classify(it.Title, it.Text)
			for c := range issue {
				if math.Abs(issue[c]-float64(r.Scores[c])) > 1e-5 {
					t.Fatalf("%s: lean scores %v, full %v", it.ID, r.Scores, issue)
				}
			}
			if r.Polarity != polarities[argmax(pol[:])] {
				t.Fatalf("%s: lean polarity %s, full %v", it.ID, r.Polarity, pol)
			}
		}
	}
}
