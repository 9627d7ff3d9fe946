package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
)

// TestClassifyRoundTrip streams items through `pantau classify`: every
// line is answered, in order; a malformed line gets an error naming its
// line number and the stream goes on.
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
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d answers for 5 non-empty lines:\n%s", len(lines), out.String())
	}
	type ans struct {
		ID           string             `json:"id"`
		Label        string             `json:"label"`
		Scores       map[string]float64 `json:"scores"`
		Polarity     string             `json:"polarity"`
		ModelVersion string             `json:"model_version"`
		Evidence     []string           `json:"evidence"`
		Line         int                `json:"line"`
		Error        string             `json:"error"`
	}
	var got []ans
	for _, l := range lines {
		var a ans
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("answer %q: %v", l, err)
		}
		got = append(got, a)
	}
	if got[0].ID != "a" || got[0].Label != "negatif" || len(got[0].Scores) != 4 || got[0].ModelVersion == "" || len(got[0].Evidence) == 0 {
		t.Errorf("first answer %+v", got[0])
	}
	if got[1].ID != "b" || got[4].ID != "e" || got[4].Label != "positif" {
		t.Errorf("order or labels: %+v", got)
	}
	if got[2].Line != 3 || !strings.Contains(got[2].Error, "JSON") {
		t.Errorf("malformed line answer %+v", got[2])
	}
	if got[3].Line != 5 || got[3].ID != "d" || got[3].Error == "" {
		t.Errorf("empty item answer %+v", got[3])
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
	shared := sharedDir(t)
	out := filepath.Join(dir, "model", "pantau.model")
	r = pantau(t, 5*time.Minute, "train", "--data", store, "--shared", shared, "--out", out, "--epochs", "1")
	if r.code != 0 || !strings.Contains(r.stderr, "koreksi analis dipakai") || !strings.Contains(r.stdout, "plus 1 corrections") {
		t.Fatalf("train (exit %d):\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The new model file is usable.
	r = pantau(t, time.Minute, "eval", "--data", data, "--model", out)
	if r.code != 0 {
		t.Fatalf("eval with trained model: %s", r.stderr)
	}
}

func sharedDir(t *testing.T) string {
	for _, d := range []string{os.Getenv("PANTAU_SHARED"), "../../shared", "../shared"} {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "labels")); err == nil {
			abs, _ := filepath.Abs(d)
			return abs
		}
	}
	t.Fatal("shared datasets not found beside the checkout (set PANTAU_SHARED)")
	return ""
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
