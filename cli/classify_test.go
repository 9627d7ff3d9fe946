package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/news"
)

// answers counts the answers `pantau classify` owes for input: one per
// line, blank lines included, the last line with or without its newline.
func answers(in []byte) int {
	n := bytes.Count(in, []byte("\n"))
	if len(in) > 0 && in[len(in)-1] != '\n' {
		n++
	}
	return n
}

// checkStream runs the classify stream over in and checks that every
// input line got exactly one JSON answer, in order: a label from the four
// classes, or an error naming the line.
func checkStream(t *testing.T, m classifier.Model, in []byte) {
	t.Helper()
	var out bytes.Buffer
	if err := classifyStream(m, bytes.NewReader(in), &out); err != nil {
		t.Fatalf("classify stream: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if out.Len() == 0 {
		lines = nil
	}
	if want := answers(in); len(lines) != want {
		t.Fatalf("%d answers for %d input lines:\n%s", len(lines), want, out.String())
	}
	for i, l := range lines {
		var a struct {
			Line  int    `json:"line"`
			Label string `json:"label"`
			Error string `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("answer %d is not JSON: %v\n%q", i+1, err, l)
		}
		switch {
		case a.Error != "":
			if a.Line != i+1 {
				t.Fatalf("error answer %d names line %d: %q", i+1, a.Line, l)
			}
		case !news.ValidLabel(a.Label):
			t.Fatalf("answer %d has no valid label: %q", i+1, l)
		}
	}
}

// TestClassifyAnswersHostileLines: letters from other scripts, invalid
// UTF-8, empty and blank lines, a 2 MB text, short ids and broken JSON
// each get their own answer, in order.
func TestClassifyAnswersHostileLines(t *testing.T) {
	m, err := classifier.Open("")
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("Banjir merendam Samarinda, warga mengungsi. ", 2<<20/44)
	in := strings.Join([]string{
		`{"id":"x","title":"t","text":"Timnas berlatih di São Paulo"}`,
		`{"id":"1","title":"Ердоган","text":"François, Erdoğan, ꦗꦮ, مرحبا, 你好, ω"}`,
		"{\"id\":\"2\",\"title\":\"\xff\xfe\",\"text\":\"\xc3\x28 bukan UTF-8\"}",
		``,
		`   `,
		`{"id":"a","title":"` + huge + `","text":""}`,
		`{"id":"","title":"","text":""}`,
		`{"title":"tanpa id","text":"Warga kada tahu jalan rusak banar","kind":"sosmed"}`,
		`bukan json`,
		`[1,2,3]`,
		`{"id":"b","title":"akhir tanpa baris baru"}`,
	}, "\n")
	checkStream(t, m, []byte(in))
}

// FuzzClassifyStream: any bytes on stdin give one JSON answer per line.
func FuzzClassifyStream(f *testing.F) {
	m, err := classifier.Open("")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		`{"id":"x","title":"t","text":"Timnas berlatih di São Paulo"}`,
		"{\"title\":\"\xff\",\"text\":\"\x00\"}\n\n{}",
		`{"id":"1","title":"Banjir","text":"Warga mengungsi.","kind":"rilis"}` + "\n",
		"\n\n\n",
		`{"title":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkStream(t, m, in)
	})
}

// TestClassifyExplainsBadLinesInIndonesian: a line that is not an item is
// told why in Bahasa Indonesia, not in the JSON decoder's English.
func TestClassifyExplainsBadLinesInIndonesian(t *testing.T) {
	m, err := classifier.Open("")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := classifyStream(m, strings.NewReader("bukan json\n{\"title\":1}\n[1]\n"), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{`bukan JSON yang sah (rusak pada karakter ke-1)`, `title harus berupa teks`, `satu baris harus satu objek`} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "invalid character") || strings.Contains(got, "cannot unmarshal") {
		t.Errorf("the decoder's English leaks:\n%s", got)
	}
}
