package classifier

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/diskominfo-kaltim/pantau/news"
)

func shipped(tb testing.TB) *Trained {
	tb.Helper()
	m, err := LoadShipped()
	if err != nil {
		tb.Fatalf("loading the shipped model: %v", err)
	}
	return m
}

// valid fails unless r is a well-formed answer.
func valid(t testing.TB, what string, r Result) {
	t.Helper()
	if !news.ValidLabel(r.Label) {
		t.Fatalf("%s: label %q", what, r.Label)
	}
	var sum float64
	best := float32(0)
	for _, s := range r.Scores {
		if math.IsNaN(float64(s)) || s < 0 || s > 1 {
			t.Fatalf("%s: scores %v", what, r.Scores)
		}
		sum += float64(s)
		best = max(best, s)
	}
	if math.Abs(sum-1) > 1e-4 || r.Confidence != best || r.Scores[labelIndex(r.Label)] != best {
		t.Fatalf("%s: scores %v sum to %v, confidence %v, label %s", what, r.Scores, sum, r.Confidence, r.Label)
	}
	if r.Polarity != news.PolarityPositif && r.Polarity != news.PolarityNetral && r.Polarity != news.PolarityNegatif {
		t.Fatalf("%s: polarity %q", what, r.Polarity)
	}
	for _, e := range r.Evidence {
		if e == "" || !utf8.ValidString(e) {
			t.Fatalf("%s: evidence %q", what, r.Evidence)
		}
	}
}

func labelIndex(l string) int {
	for i, x := range news.Labels {
		if x == l {
			return i
		}
	}
	return -1
}

// No text stops the classifier: other scripts, letters the model never
// saw, invalid UTF-8, empty and huge texts all get a valid answer.
func TestClassifyAnyText(t *testing.T) {
	m := shipped(t)
	huge := strings.Repeat("Banjir merendam Samarinda, warga mengungsi. ", 50_000) // 2.2 MB
	long := strings.Repeat("a", 1<<20)                                             // one 1 MB word
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 1<<16)
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	for _, tc := range [][3]string{
		{"Timnas berlatih di São Paulo", "François dan Erdoğan bertemu di İstanbul; ç ã ê ì ò ô õ ý å æ ð þ ω.", ""},
		{"Новости", "Президент прибыл в Москву. 北京 天气 很好. مرحبا بالعالم", "berita"},
		{"ꦗꦮ", "ꦲꦏ꧀ꦱꦫꦗꦮ ᮃᮊ᮪ᮞᮛ ᮞᮥᮔ᮪ᮓ", "sosmed"},
		{"\xff\xfe\xfd", "ÿ \xc3\x28 \xa0\xa1 \xe2\x82 \xf0\x28\x8c\xbc", "rilis"},
		{"", "", ""},
		{"", "", "tidak-ada"},
		{"judul", huge, "berita"},
		{long, long, "berita"},
		{string(noise), string(noise[:1000]), ""},
		{"🙏🙏🙏", "😤😤 👍 #banjirsamarinda @pemkot_smd", "sosmed"},
		{"0 0 0", "1 2 3 4 5 6 7 8 9 10", ""},
		{"- - -", "Jakarta, CNN Indonesia - - -", ""},
	} {
		r := m.Classify(tc[0], tc[1], tc[2])
		valid(t, tc[0][:min(len(tc[0]), 20)], r)
	}
}

// FuzzClassify: any bytes as title, text and kind give a valid answer.
func FuzzClassify(f *testing.F) {
	m := shipped(f)
	f.Add("Timnas berlatih di São Paulo", "Erdoğan, François", "berita")
	f.Add("\xff", "\xc3\x28", "")
	f.Add("Jakarta, CNN Indonesia - - Banjir", "Baca juga: x\n(ant/ded)", "sosmed")
	f.Add("", "ꦗꦮ ω Москва 北京", "rilis")
	f.Fuzz(func(t *testing.T, title, text, kind string) {
		valid(t, "fuzz", m.Classify(title, text, kind))
	})
}

// The shipped model is the one `pantau train` wrote, with its figures.
func TestShippedModel(t *testing.T) {
	m := shipped(t)
	h := m.Header()
	if !strings.HasPrefix(m.Version(), "pantau-stack-") {
		t.Errorf("version %q", m.Version())
	}
	for _, k := range []string{"cv/all", "cv/news4", "cv/kaltim berita", "cv/kaltim sosmed", "cv-nb/all", "cv-lr/all", "cv/ece", "polarity/smsa"} {
		if _, ok := h.Scores[k]; !ok {
			t.Errorf("the model records no %s", k)
		}
	}
	if _, err := Load(append([]byte(nil), Shipped()[:100]...)); err == nil {
		t.Error("a truncated model loaded")
	}
	if _, err := Load([]byte("not a model")); err != ErrNotModel {
		t.Errorf("not a model: %v", err)
	}
}

// The kind is an input: a post and a release of the same words may differ,
// and an unknown kind reads as berita.
func TestKind(t *testing.T) {
	m := shipped(t)
	title, text := "Warga keluhkan jalan rusak", "Jalan di depan rumah kami rusak parah sudah sebulan."
	if !reflect.DeepEqual(m.Classify(title, text, ""), m.Classify(title, text, news.KindBerita)) ||
		!reflect.DeepEqual(m.Classify(title, text, "lain"), m.Classify(title, text, news.KindBerita)) {
		t.Error("empty or unknown kind is not berita")
	}
	if reflect.DeepEqual(m.Classify(title, text, news.KindSosmed).Scores, m.Classify(title, text, news.KindBerita).Scores) {
		t.Error("the kind changes nothing")
	}
}

// Apply fills the classified item, confidence included.
func TestApply(t *testing.T) {
	m := shipped(t)
	c := Apply(m, news.Article{ID: "x", Title: "Kejati tetapkan tersangka korupsi", Text: "Dua pejabat ditahan.", Kind: news.KindBerita})
	if c.ID != "x" || c.Label != news.LabelNegatif || c.Confidence <= 0.25 || c.ModelVersion != m.Version() || c.LabelSource != "model" {
		t.Errorf("%+v", c)
	}
}

// Classify is safe from many goroutines: every answer equals the one
// given alone.
func TestConcurrentClassify(t *testing.T) {
	m := shipped(t)
	texts := []string{"Banjir merendam Samarinda", "Gubernur meresmikan jembatan", "Warga kecewa pelayanan RSUD", "Hoaks vaksin beredar di grup WA"}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = m.Classify(s, s+" "+s, "")
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				k := (i + g) % len(texts)
				if got := m.Classify(texts[k], texts[k]+" "+texts[k], ""); !reflect.DeepEqual(got, want[k]) {
					t.Errorf("text %d: %+v, alone %+v", k, got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

var update = flag.Bool("update", false, "rewrite testdata/golden.jsonl")

type golden struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Text       string     `json:"text"`
	Kind       string     `json:"kind"`
	Label      string     `json:"label"`
	Scores     [4]float32 `json:"scores"`
	Confidence float32    `json:"confidence"`
	Polarity   string     `json:"polarity"`
	Evidence   []string   `json:"evidence"`
}

// TestGoldenOutputs pins the shipped model's answers on fixed items; run
// with -update after retraining.
func TestGoldenOutputs(t *testing.T) {
	m := shipped(t)
	path := filepath.Join("testdata", "golden.jsonl")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var g golden
		if err := json.Unmarshal(line, &g); err != nil {
			t.Fatal(err)
		}
		r := m.Classify(g.Title, g.Text, g.Kind)
		got := golden{ID: g.ID, Title: g.Title, Text: g.Text, Kind: g.Kind, Label: r.Label, Scores: r.Scores,
			Confidence: r.Confidence, Polarity: r.Polarity, Evidence: r.Evidence}
		j, _ := json.Marshal(got)
		out.Write(j)
		out.WriteByte('\n')
		if *update {
			continue
		}
		if got.Label != g.Label || got.Polarity != g.Polarity || strings.Join(got.Evidence, "|") != strings.Join(g.Evidence, "|") {
			t.Errorf("%s: got %s/%s %q, golden %s/%s %q", g.ID, got.Label, got.Polarity, got.Evidence, g.Label, g.Polarity, g.Evidence)
		}
		for i := range g.Scores {
			if math.Abs(float64(got.Scores[i]-g.Scores[i])) > 1e-5 {
				t.Errorf("%s: scores %v, golden %v", g.ID, got.Scores, g.Scores)
				break
			}
		}
	}
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
