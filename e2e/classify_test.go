package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/demo/indosum"
	"github.com/diskominfo-kaltim/pantau/labels"
)

// TestClassifyRoundTrip streams items through `pantau classify`: every
// line is answered, in order; a malformed or blank line gets an error
// naming its line number and the stream goes on.
func TestClassifyRoundTrip(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","title":"Kejati tetapkan tersangka korupsi","text":"Dua pejabat ditahan karena korupsi dana hibah."}`,
		`{"id":"b","title":"Rapat paripurna DPRD","text":"Rapat digelar Senin."}`,
		`{"id":"c", "title": broken`,
		``,
		`{"id":"d","title":"","text":""}`,
		`{"id":"e","text":"Pemprov Kaltim meraih penghargaan pelayanan publik terbaik."}`,
	}, "\n") + "\n"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pantauBin, "classify")
	cmd.Stdin = strings.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("classify: %v\n%s", err, errb.String())
	}
	got := answers(t, out.String(), 6)
	if got[0].ID != "a" || got[0].Label != "negatif" || len(got[0].Scores) != 4 || got[0].ModelVersion == "" ||
		len(got[0].Evidence) == 0 || got[0].Confidence <= 0.25 {
		t.Errorf("first answer %+v", got[0])
	}
	if got[1].ID != "b" || got[5].ID != "e" || got[5].Label != "positif" {
		t.Errorf("order or labels: %+v", got)
	}
	if got[2].Line != 3 || !strings.Contains(got[2].Error, "JSON") {
		t.Errorf("malformed line answer %+v", got[2])
	}
	if got[3].Line != 4 || got[3].Error == "" {
		t.Errorf("blank line answer %+v", got[3])
	}
	if got[4].Line != 5 || got[4].ID != "d" || got[4].Error == "" {
		t.Errorf("empty item answer %+v", got[4])
	}
}

type answer struct {
	ID           string             `json:"id"`
	Label        string             `json:"label"`
	Scores       map[string]float64 `json:"scores"`
	Confidence   float64            `json:"confidence"`
	Polarity     string             `json:"polarity"`
	ModelVersion string             `json:"model_version"`
	Evidence     []string           `json:"evidence"`
	Line         int                `json:"line"`
	Error        string             `json:"error"`
}

// answers parses classify's output: exactly n JSON lines, nothing else.
func answers(t *testing.T, out string, n int) []answer {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("output does not end with a newline: %q", out[max(0, len(out)-200):])
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d answer lines for %d input lines:\n%s", len(lines), n, out[:min(len(out), 3000)])
	}
	var got []answer
	for _, l := range lines {
		var a answer
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("answer %q: %v", l[:min(len(l), 300)], err)
		}
		got = append(got, a)
	}
	return got
}

// TestClassifyHostileInput: every line of hostile input — letters from
// other scripts, invalid UTF-8, binary noise, empty and blank lines, a
// 2 MB text, short and missing ids — gets one JSON answer, in order, and
// nothing else reaches stdout.
func TestClassifyHostileInput(t *testing.T) {
	huge := strings.Repeat("Banjir merendam Samarinda dan warga mengungsi. ", 45_000) // 2.1 MB
	lines := []string{
		`{"id":"x","title":"t","text":"Timnas berlatih di São Paulo bersama François dan Erdoğan"}`,
		`{"id":"1","title":"Новости","text":"Президент прибыл в Москву. 北京天气很好. مرحبا بالعالم"}`,
		`{"id":"j","title":"ꦗꦮ","text":"ꦲꦏ꧀ꦱꦫꦗꦮ ω ç ã ê ì ò ô õ ý å æ ð þ"}`,
		"{\"id\":\"u\",\"title\":\"\xff\xfe\",\"text\":\"\xc3\x28 ÿ \xa0\"}",
		"\xff\xfe\x00\x01 bukan json",
		``,
		`   `,
		`{"id":"","title":"","text":""}`,
		`{"title":"tanpa id","text":"Warga kecewa pelayanan RSUD"}`,
		`{"id":"h","title":"Banjir","text":"` + huge + `"}`,
		`{"id":"k","title":"Sampah kada diangkut","text":"Sampah di TPS sudah 4 hari kada diangkut 😤 kayapa DLH ni","kind":"sosmed"}`,
		`[1,2,3]`,
		`{"id":"z","title":"🙏","text":"\u0000\ud800"}`,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pantauBin, "classify")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("classify: %v\n%s", err, errb.String())
	}
	got := answers(t, out.String(), len(lines))
	for i, a := range got {
		if a.Error == "" {
			if a.Label == "" || len(a.Scores) != 4 || a.Confidence <= 0 || a.Confidence > 1 {
				t.Errorf("line %d: answer %+v", i+1, a)
			}
		} else if a.Line != i+1 {
			t.Errorf("line %d: error answer names line %d: %+v", i+1, a.Line, a)
		}
	}
	for i, id := range map[int]string{0: "x", 1: "1", 2: "j", 3: "u", 9: "h", 10: "k", 12: "z"} {
		if got[i].ID != id || got[i].Error != "" {
			t.Errorf("line %d: %+v, want a label for id %q", i+1, got[i], id)
		}
	}
	for _, i := range []int{4, 5, 6, 7, 11} {
		if got[i].Error == "" {
			t.Errorf("line %d: %+v, want an error", i+1, got[i])
		}
	}
	if got[8].Error != "" || got[8].ID != "" || got[8].Label == "" {
		t.Errorf("item without id: %+v", got[8])
	}
}

// TestEvalAndCorrections: `pantau eval` prints scores; `pantau label`
// records a correction that `pantau train` then reads.
func TestEvalAndCorrections(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "eval.jsonl")
	os.WriteFile(data, []byte(`{"id":"1","title":"Jembatan diresmikan gubernur","text":"Warga senang jembatan baru diresmikan.","label":"positif"}
{"id":"2","title":"Kasus korupsi dana desa","text":"Kepala desa ditetapkan tersangka korupsi.","label":"negatif"}
{"id":"3","title":"Banjir rendam permukiman","text":"BPBD masih mengevakuasi warga.","label":"berpotensi negatif"}
`), 0o644)
	r := pantau(t, time.Minute, "eval", "--data", data)
	if r.code != 0 || !strings.Contains(r.stdout, "makro-F1") || !strings.Contains(r.stdout, "berpotensi negatif") {
		t.Fatalf("eval (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}

	srv := site(t, 5, 0)
	sources := writeSources(t, srv.URL, false)
	store := t.TempDir()
	if r := pantau(t, 2*time.Minute, "run", "--once", "--config", sources, "--data", store, "--host-delay", "0s"); r.code != 0 {
		t.Fatalf("run: %s", r.stderr)
	}
	id := strings.Split(sqlOne(t, store, nil, "SELECT id FROM pantau.mentions ORDER BY id LIMIT 1"), "\t")[0]
	r = pantau(t, time.Minute, "label", "--data", store, "--by", "prahum1", id, "berpotensi negatif")
	if r.code != 0 || !strings.Contains(r.stdout, "prahum1") {
		t.Fatalf("label (exit %d): %s%s", r.code, r.stdout, r.stderr)
	}
	if r := pantau(t, time.Minute, "label", "--data", store, "tidak-ada", "negatif"); r.code == 0 || !strings.Contains(r.stderr, "artikel tidak-ada tidak ada di basis data") {
		t.Errorf("label of an unknown id (exit %d): %s", r.code, r.stderr)
	}
	if r := pantau(t, time.Minute, "label", "--data", store, id, "jelek"); r.code != 2 {
		t.Errorf("label with a bad class (exit %d): %s", r.code, r.stderr)
	}
	if got := sqlOne(t, store, nil, "SELECT label, analyst FROM pantau.label_corrections"); got != "berpotensi negatif\tprahum1" {
		t.Fatalf("correction stored as %q", got)
	}
	// A quick training on an eighth of the data, no cross-validation.
	out := filepath.Join(dir, "model", "pantau.model")
	r = pantau(t, 10*time.Minute, "train", "--data", store, "--out", out, "--folds", "0", "--subset", "8")
	if r.code != 0 || !strings.Contains(r.stderr, "koreksi analis dipakai") || !strings.Contains(r.stdout, "corrections 1") {
		t.Fatalf("train (exit %d):\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// It does not write over a model that recorded cross-validation
	// figures, unless forced.
	os.WriteFile(out, classifier.Shipped(), 0o644)
	r = pantau(t, 10*time.Minute, "train", "--data", store, "--out", out, "--folds", "0", "--subset", "8")
	if r.code == 0 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("train over a measured model (exit %d):\n%s", r.code, r.stderr)
	}
	r = pantau(t, 10*time.Minute, "train", "--data", store, "--out", out, "--folds", "0", "--subset", "8", "--force")
	if r.code != 0 {
		t.Fatalf("train --force (exit %d):\n%s", r.code, r.stderr)
	}
	// The new model file is usable.
	r = pantau(t, time.Minute, "eval", "--data", data, "--model", out)
	if r.code != 0 {
		t.Fatalf("eval with trained model: %s", r.stderr)
	}
}

// TestExtractCommand prints title, a blank line and the body of a saved
// news page, without its boilerplate.
func TestExtractCommand(t *testing.T) {
	arts, err := indosum.Articles()
	if err != nil {
		t.Fatal(err)
	}
	a := arts[3]
	rec := httptest.NewRecorder()
	(&indosum.Site{Name: "Warta Uji", Articles: arts}).ServeHTTP(rec, httptest.NewRequest("GET", "/berita/"+a.Slug, nil))
	page := filepath.Join(t.TempDir(), "page.html")
	os.WriteFile(page, rec.Body.Bytes(), 0o644)
	r := pantau(t, time.Minute, "extract", page)
	if r.code != 0 {
		t.Fatalf("extract (exit %d): %s", r.code, r.stderr)
	}
	parts := strings.SplitN(r.stdout, "\n\n", 2)
	if len(parts) != 2 || parts[0] != a.Title() {
		t.Fatalf("want title, blank line, body; got %q", r.stdout[:min(300, len(r.stdout))])
	}
	lead := strings.SplitN(a.Text, "\n", 2)[0]
	if !strings.HasPrefix(parts[1], lead[:40]) || strings.Contains(parts[1], "Bagikan ke Facebook") {
		t.Errorf("body %q", parts[1][:min(300, len(parts[1]))])
	}
}

// BenchmarkClassifyProcess is the whole `pantau classify` process on one
// core (GOMAXPROCS=1) over 20,000 JSON lines of 2 KB news text (the
// labelled news items repeated): lines/s including start-up, JSON in and
// out. It also reports the start-up of `pantau version` and of `pantau
// classify` answering one line.
func BenchmarkClassifyProcess(b *testing.B) {
	items, err := labels.News4()
	if err != nil {
		b.Fatal(err)
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for i := 0; i < 20_000; i++ {
		it := items[i%len(items)]
		text := it.Text
		for len(text) < 2048 && text != "" {
			text += " " + it.Text
		}
		enc.Encode(map[string]string{"id": fmt.Sprint(i), "title": it.Title, "text": text[:min(len(text), 2048)]})
	}
	run := func(stdin []byte, args ...string) (time.Duration, []byte) {
		b.Helper()
		cmd := exec.Command(pantauBin, args...)
		cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
		cmd.Stdin = bytes.NewReader(stdin)
		var out bytes.Buffer
		cmd.Stdout = &out
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("pantau %v: %v", args, err)
		}
		return time.Since(start), out.Bytes()
	}
	one := []byte(`{"id":"1","title":"Banjir di Samarinda","text":"Warga mengungsi."}` + "\n")
	var total, version, first time.Duration
	for b.Loop() {
		d, out := run(in.Bytes(), "classify")
		if n := bytes.Count(out, []byte("\n")); n != 20_000 {
			b.Fatalf("%d answers for 20000 lines", n)
		}
		total += d
		d, _ = run(nil, "version")
		version += d
		d, _ = run(one, "classify")
		first += d
	}
	n := float64(b.N)
	b.ReportMetric(20_000*n/total.Seconds(), "lines/s")
	b.ReportMetric(version.Seconds()*1000/n, "version-ms")
	b.ReportMetric(first.Seconds()*1000/n, "classify-1-line-ms")
}
