package classifier

import (
	"runtime"
	"testing"

	"github.com/diskominfo-kaltim/pantau/labels"
)

// benchTexts are 2 KB article texts: the labelled news items, each
// repeated to 2,048 bytes.
func benchTexts(tb testing.TB) [][2]string {
	tb.Helper()
	items, err := labels.News4()
	if err != nil {
		tb.Fatal(err)
	}
	var out [][2]string
	for _, it := range items {
		if it.Text == "" {
			continue
		}
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

// BenchmarkClassify classifies 2 KB articles on one goroutine.
func BenchmarkClassify(b *testing.B) {
	m := shipped(b)
	arts := benchTexts(b)
	b.SetBytes(2048)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		a := arts[i%len(arts)]
		m.Classify(a[0], a[1], "berita")
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
}

// BenchmarkLoad is the cost of loading the shipped model (read in place).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(shippedModel); err != nil {
			b.Fatal(err)
		}
	}
}
