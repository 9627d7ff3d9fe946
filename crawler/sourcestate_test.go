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
	"github.com/diskominfo-kaltim/pantau/metrics"
)

// TestSourceStateMetrics: after each pass the crawler exports the
// source's polling interval, its failures in a row and, while a
// platform's pause holds, when it ends and why (the Operasional
// dashboard's "sumber dijeda" and "interval polling" panels read them).
func TestSourceStateMetrics(t *testing.T) {
	reset := time.Now().Add(15 * time.Minute).Unix()
	var limited, broken atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/rss" || broken.Load() {
			http.NotFound(w, r)
			return
		}
		if limited.Load() {
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(reset))
		}
		fmt.Fprint(w, `<rss version="2.0"><channel><title>T</title></channel></rss>`)
	}))
	defer srv.Close()
	ctx := context.Background()
	c, _ := testCrawlerOn(t, t.TempDir(), 5*time.Second)
	src := config.Source{Name: "Uji", Feed: srv.URL + "/rss", AllowPrivate: true}
	m := c.Metrics

	c.CrawlSource(ctx, src)
	if v := metrics.Value(m.PollInterval.WithLabelValues("Uji")); v <= 0 {
		t.Errorf("poll interval after a good pass: %v", v)
	}
	if n := metrics.Series(m.PausedUntil); n != 0 {
		t.Errorf("%d pause series after a good pass", n)
	}

	limited.Store(true)
	c.CrawlSource(ctx, src) // answered, but the limit is spent
	c.CrawlSource(ctx, src) // deferred
	if n := metrics.Series(m.PausedUntil); n != 1 {
		t.Fatalf("%d pause series while rate limited, want 1", n)
	}
	if v := metrics.Value(m.PausedUntil.WithLabelValues("Uji", "batas laju API habis")); int64(v) < reset-1 || int64(v) > reset+1 {
		t.Errorf("paused until %v, want %d", v, reset)
	}
	if v := metrics.Value(m.Failing.WithLabelValues("Uji")); v != 0 {
		t.Errorf("a pause counted as %v failures", v)
	}

	// A broken source (another one: this host is still backed off) counts
	// its failures and has no pause.
	broken.Store(true)
	other := config.Source{Name: "Rusak", Feed: srv.URL + "/hilang", AllowPrivate: true}
	c2, _ := testCrawlerOn(t, t.TempDir(), 5*time.Second)
	c2.CrawlSource(ctx, other)
	c2.CrawlSource(ctx, other)
	if v := metrics.Value(c2.Metrics.Failing.WithLabelValues("Rusak")); v != 2 {
		t.Errorf("failures in a row %v, want 2", v)
	}
	if n := metrics.Series(c2.Metrics.PausedUntil); n != 0 {
		t.Errorf("%d pause series for a broken source", n)
	}
}
