package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/youtube"
)

func TestScheduleFollowsPublication(t *testing.T) {
	now := time.Date(2024, 6, 11, 6, 0, 0, 0, time.UTC)
	c := &Crawler{PollMin: time.Minute, PollMax: 30 * time.Minute}
	feed := &feedSource{}
	every := func(step time.Duration, n int, newestAgo time.Duration) []time.Time {
		var ds []time.Time
		for i := range n {
			ds = append(ds, now.Add(-newestAgo-time.Duration(i)*step))
		}
		return ds
	}
	f := func(name string, h Health, src config.Source, p plan, want time.Duration) {
		t.Helper()
		c.schedule(&h, src, feed, p, now)
		if got := h.Every(); got != want {
			t.Errorf("%s: interval %s, want %s", name, got, want)
		}
		if !h.NextPoll.Equal(now.Add(want)) && h.BackoffUntil.IsZero() {
			t.Errorf("%s: next poll %s", name, h.NextPoll)
		}
	}
	src := config.Source{Name: "x"}
	f("a new article every 5 s: the floor", Health{}, src, plan{dates: every(5*time.Second, 20, 0)}, time.Minute)
	f("every 4 minutes", Health{}, src, plan{dates: every(4*time.Minute, 20, time.Minute)}, 4*time.Minute)
	f("a few a day: the ceiling", Health{}, src, plan{dates: every(8*time.Hour, 10, time.Hour)}, 30*time.Minute)
	f("busy by day, quiet since 40 minutes", Health{}, src, plan{dates: every(2*time.Minute, 20, 40*time.Minute)}, 20*time.Minute)
	// A 304 lists nothing: the gap and newest publication kept from before.
	f("not modified, recent publisher", Health{IntervalS: 60, GapS: 30, Newest: now.Add(-90 * time.Second)}, src, plan{}, time.Minute)
	f("not modified, quiet since an hour", Health{IntervalS: 60, GapS: 30, Newest: now.Add(-time.Hour)}, src, plan{}, 30*time.Minute)
	// Undated links: halve after news, grow by half without.
	f("undated, new items", Health{IntervalS: 600}, src, plan{new: 3}, 5*time.Minute)
	f("undated, nothing new", Health{IntervalS: 600}, src, plan{}, 15*time.Minute)
	f("first pass, undated, nothing new", Health{}, src, plan{}, 15*time.Minute)
	f("failed pass doubles", Health{IntervalS: 120, GapS: 5}, src, plan{failed: true}, 4*time.Minute)
	f("a source's own poll_interval is kept", Health{}, config.Source{PollInterval: 45 * time.Minute}, plan{dates: every(time.Second, 10, 0)}, 45*time.Minute)
	// A back-off pushes the next poll, not the interval.
	h := Health{BackoffUntil: now.Add(2 * time.Hour)}
	c.schedule(&h, src, feed, plan{dates: every(5*time.Second, 5, 0)}, now)
	if !h.NextPoll.Equal(now.Add(2*time.Hour)) || h.Every() != time.Minute {
		t.Errorf("backed off: next %s every %s", h.NextPoll, h.Every())
	}
	// A kind's own floor (YouTube's quota) wins over poll-min.
	yt, _ := youtube.New(config.Source{Channel: "UCxxxxxxxxxxxxxxxxxxxxxx"})
	h = Health{}
	c.schedule(&h, src, yt, plan{dates: every(5*time.Second, 5, 0)}, now)
	if h.Every() != 10*time.Minute {
		t.Errorf("youtube floor: %s", h.Every())
	}
	if g, ok := publicationGap([]time.Time{now, now, now}, now); ok {
		t.Errorf("identical stamps gave a gap %s", g)
	}
}

// TestRunPollsBusySourcesMoreOften: under Run, an outlet publishing every
// few hundred milliseconds is asked at the floor, a quiet one at the
// ceiling, and the conditional GET keeps the busy one cheap when nothing
// changed. The schedule survives a restart.
func TestRunPollsBusySourcesMoreOften(t *testing.T) {
	start := time.Now()
	var busyPolls, quietPolls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/busy.xml":
			busyPolls.Add(1)
			fmt.Fprint(w, `<rss version="2.0"><channel><title>B</title>`)
			now := time.Now()
			for i := range 20 {
				at := now.Add(-time.Duration(i) * 200 * time.Millisecond)
				fmt.Fprintf(w, `<item><title>B%d</title><link>http://%s/b/%d</link><description>Isi %d.</description><pubDate>%s</pubDate></item>`,
					at.UnixMilli()/200, r.Host, at.UnixMilli()/200, i, at.Format(time.RFC1123Z))
			}
			fmt.Fprint(w, `</channel></rss>`)
		case "/quiet.xml":
			quietPolls.Add(1)
			w.Header().Set("ETag", `"tenang"`)
			if r.Header.Get("If-None-Match") == `"tenang"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>Q</title>
<item><title>Q1</title><link>http://%[1]s/q/1</link><description>Satu.</description><pubDate>%[2]s</pubDate></item>
<item><title>Q2</title><link>http://%[1]s/q/2</link><description>Dua.</description><pubDate>%[3]s</pubDate></item></channel></rss>`,
				r.Host, start.Add(-24*time.Hour).Format(time.RFC1123Z), start.Add(-72*time.Hour).Format(time.RFC1123Z))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	c, _ := testCrawlerIn(t, dir)
	// The ceiling is far beyond the test, so the quiet source is asked
	// once however slow the machine; the test runs until the busy one has
	// been asked four times, not for a fixed time.
	const ceiling = 30 * time.Minute
	c.PollMin, c.PollMax = 300*time.Millisecond, ceiling
	busy := config.Source{Name: "Ramai", Feed: srv.URL + "/busy.xml", AllowPrivate: true}
	quiet := config.Source{Name: "Sepi", Feed: srv.URL + "/quiet.xml", AllowPrivate: true}
	c.Sources = []config.Source{busy, quiet}
	runUntil(t, c, func() bool { return busyPolls.Load() >= 4 })
	if b, q := busyPolls.Load(), quietPolls.Load(); b < 4 || q != 1 {
		t.Errorf("polls: busy %d (want ≥ 4 at the 300 ms floor), quiet %d (want 1)", b, q)
	}
	hs, err := c.SourceHealth(context.Background(), c.Sources)
	if err != nil {
		t.Fatal(err)
	}
	if hs[0].Every() >= time.Second || hs[1].Every() != ceiling { // kept in whole seconds: 300 ms reads 0
		t.Errorf("intervals: busy %s, quiet %s", hs[0].Every(), hs[1].Every())
	}
	if hs[1].NextPoll.Before(hs[1].LastAttempt.Add(ceiling - time.Second)) {
		t.Errorf("quiet source's next poll %s, last asked %s", hs[1].NextPoll, hs[1].LastAttempt)
	}
	// Restarted, the quiet source waits out its schedule instead of being
	// asked again at once; the busy one is asked again (so the restarted
	// crawler did run its schedule).
	c.Bus.Close()
	c2, _ := testCrawlerIn(t, dir)
	c2.PollMin, c2.PollMax = 300*time.Millisecond, ceiling
	c2.Sources = []config.Source{quiet, busy}
	before := busyPolls.Load()
	runUntil(t, c2, func() bool { return busyPolls.Load() > before })
	if q := quietPolls.Load(); q != 1 {
		t.Errorf("quiet source asked %d times across a restart, want 1", q)
	}
}

// runUntil runs c until done holds (checked every 10 ms), failing the test
// if that takes more than two minutes.
func runUntil(t *testing.T, c *Crawler, done func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		c.Run(ctx, 2*time.Second)
	}()
	limit := time.After(2 * time.Minute)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		select {
		case <-limit:
			cancel()
			<-ran
			t.Fatal("condition not reached in two minutes")
		case <-tick.C:
		}
	}
	cancel()
	<-ran
}
