package crawler

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/demo/indosum"
)

var updateGolden = flag.Bool("update", false, "rewrite golden fixtures")

// TestExtractGolden extracts the fixture pages under testdata/extract and
// compares with the golden texts (regenerate with -update).
func TestExtractGolden(t *testing.T) {
	dir := filepath.Join("testdata", "extract")
	if *updateGolden {
		arts, err := indosum.Articles()
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(dir, 0o755)
		for ti, tpl := range newsTemplates {
			for k := 0; k < 3; k++ {
				i := 40 + ti*7 + k
				page := tpl.page(arts[i], arts[i+1:i+5])
				name := fmt.Sprintf("%s-%d", tpl.name, k)
				os.WriteFile(filepath.Join(dir, name+".html"), []byte(page), 0o644)
			}
		}
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	if len(pages) < 15 {
		t.Fatalf("%d fixture pages; run with -update", len(pages))
	}
	for _, p := range pages {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := Extract(raw, "https://berita.example/"+filepath.Base(p))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		got := ex.Title + "\n\n" + ex.Text + "\n"
		golden := strings.TrimSuffix(p, ".html") + ".txt"
		if *updateGolden {
			os.WriteFile(golden, []byte(got), 0o644)
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: extraction changed\n--- got\n%s\n--- want\n%s", p, got, want)
		}
	}
}

// extractionScore scores extraction the way trafilatura's evaluation does:
// snippets of the article that must appear, boilerplate that must not.
func extractionScore(n int) (precision, recall, f1 float64) {
	arts, _ := indosum.Articles()
	var tp, fn, fp float64
	for i := 0; i < n; i++ {
		a := arts[i%(len(arts)-5)]
		tpl := newsTemplates[i%len(newsTemplates)]
		page := tpl.page(a, arts[i%(len(arts)-5)+1:i%(len(arts)-5)+5])
		ex, err := Extract([]byte(page), "https://berita.example/"+a.Slug)
		text := ""
		if err == nil {
			text = ex.Text
		}
		norm := strings.Join(strings.Fields(text), " ")
		for _, p := range paragraphs(a) {
			// The first 60 and last 40 characters of each paragraph.
			w := strings.Fields(p)
			if len(w) < 6 {
				continue
			}
			for _, snip := range []string{strings.Join(w[:min(8, len(w))], " "), strings.Join(w[max(0, len(w)-6):], " ")} {
				if strings.Contains(norm, snip) {
					tp++
				} else {
					fn++
				}
			}
		}
		for _, junk := range append(tpl.noise, relatedTitles(arts, i)...) {
			if strings.Contains(norm, junk) {
				fp++
			}
		}
	}
	precision = tp / (tp + fp)
	recall = tp / (tp + fn)
	return precision, recall, 2 * precision * recall / (precision + recall)
}

func relatedTitles(arts []indosum.Article, i int) []string {
	var out []string
	for _, r := range arts[i%(len(arts)-5)+1 : i%(len(arts)-5)+5] {
		out = append(out, r.Title())
	}
	return out
}

// TestExtractionQuality reports precision, recall and F1 over 100 pages
// in five site templates; it fails only on a collapse, the figure itself is
// reported by BenchmarkExtractionQuality.
func TestExtractionQuality(t *testing.T) {
	p, r, f1 := extractionScore(100)
	t.Logf("extraction precision %.3f recall %.3f F1 %.3f", p, r, f1)
	if f1 < 0.8 {
		t.Errorf("extraction F1 %.3f", f1)
	}
}

func BenchmarkExtractionQuality(b *testing.B) {
	var p, r, f1 float64
	for b.Loop() {
		p, r, f1 = extractionScore(250)
	}
	b.ReportMetric(p, "precision")
	b.ReportMetric(r, "recall")
	b.ReportMetric(f1, "F1")
}
