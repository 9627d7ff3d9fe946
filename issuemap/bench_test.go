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
// and indexed, the rest pruned, as after a long run. Process CPU time per
// article is reported beside wall time: on a shared machine wall time
// also counts waiting for a core.
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
	next := history
	// The placement alone, as the clusterer does it under its lock.
	b.Run("index", func(b *testing.B) {
		cpu0 := cpuTime()
		for range b.N {
			a, reg := article(next, end.Add(time.Duration(next)*time.Second))
			next++
			ix.assign(newDoc(a, reg, nil), func() string { return fmt.Sprint("isu-", next) })
			ix.prune()
		}
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(active, "active_issues")
	})
	// The whole of Place, the state written to the bucket in the
	// background (its CPU counted: the flusher and the in-process NATS
	// server run in this process).
	b.Run("place", func(b *testing.B) {
		cpu0 := cpuTime()
		for range b.N {
			a, reg := article(next, end.Add(time.Duration(next)*time.Second))
			next++
			m := news.Classified{Article: *a, Regions: reg}
			if err := c.Place(ctx, &m); err != nil {
				b.Fatal(err)
			}
		}
		if err := c.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		b.ReportMetric(active, "active_issues")
		b.ReportMetric(heap/active, "heap_B/issue")
	})
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
