package classifier

import (
	"runtime"
	"syscall"
	"testing"
	"time"

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
	cpu := cpuTime()
	for b.Loop() {
		a := arts[i%len(arts)]
		m.Classify(a[0], a[1], "berita")
		i++
	}
	reportDocs(b, cpu)
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

// cpuTime is the process's CPU time (user and system).
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// reportDocs reports documents per second of wall time and, since this
// machine is shared, the CPU time per document (cpu-ns/op: run with
// GOMAXPROCS=1 or on one core, e.g. taskset -c 0, so that it is one
// core's work) and documents per CPU second.
func reportDocs(b *testing.B, cpu0 time.Duration) {
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "docs/cpu-s")
	}
}
