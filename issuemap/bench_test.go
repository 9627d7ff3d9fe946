package issuemap

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
)

// BenchmarkPlace places one article with 100,000 issues in the 90-day
// history (20,000 with -short): issues of the last window are in memory
// and indexed, the rest pruned, as after a long run; issue state goes to
// the bucket in the background.
func BenchmarkPlace(b *testing.B) {
	items, err := labels.News4()
	if err != nil {
		b.Fatal(err)
	}
	kaltim, err := labels.Kaltim()
	if err != nil {
		b.Fatal(err)
	}
	items = append(items, kaltim...)
	rng := rand.New(rand.NewPCG(1, 2))
	regions := []string{"Kota Samarinda", "Kota Balikpapan", "Kota Bontang", "Kabupaten Kutai Kartanegara", "Kabupaten Berau", ""}
	// A word of its own for each issue, as places and names make stories
	// differ.
	article := func(i int, at time.Time) (*news.Article, []string) {
		it := items[rng.IntN(len(items))]
		a := &news.Article{ID: fmt.Sprint("bench-", i), Title: fmt.Sprintf("%s kampung%d", it.Title, i), Text: it.Text,
			Outlet: "Kabar Mahakam", PublishedAt: at}
		return a, []string{regions[rng.IntN(len(regions))]}
	}
	end := time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	start := end.Add(-History)
	c := newClusterer(b, openBus(b, b.TempDir()))
	ix := c.ix
	history := 100_000
	if testing.Short() {
		history = 20_000
	}
	for i := range history {
		at := start.Add(time.Duration(float64(History) * float64(i) / float64(history)))
		a, reg := article(i, at)
		d := newDoc(a, reg, nil)
		ix.weigh(d)
		ix.add(&Issue{ID: fmt.Sprint("isu-", i), FirstSeen: at, LastSeen: at}, d)
		ix.count(d)
		ix.prune()
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	active, heap := float64(len(ix.issues)), float64(ms.HeapAlloc)
	ctx := context.Background()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := range b.N {
		a, reg := article(history+i, end.Add(time.Duration(i)*time.Second))
		m := news.Classified{Article: *a, Regions: reg}
		if err := c.Place(ctx, &m); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if err := c.Close(ctx); err != nil {
		b.Fatal(err)
	}
	// Process CPU time (the flusher and GC included): on a shared
	// machine, wall time per op also counts waiting for a core.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(active, "active_issues")
	b.ReportMetric(heap/active, "heap_B/issue")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
