package crawler

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
)

// hostGate spaces requests to one host: at most one at a time, HostDelay
// apart, and not before a Retry-After the host asked for.
type hostGate struct {
	slot  chan struct{} // one request in flight per host, whichever source asks
	mu    sync.Mutex
	next  time.Time
	until time.Time     // back-off from 429/503
	delay time.Duration // Crawl-delay from robots.txt, if longer than HostDelay
}

func (c *Crawler) gate(rawURL string) *hostGate {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Host
	}
	if g, ok := c.hosts.Load(host); ok {
		return g.(*hostGate)
	}
	ng := &hostGate{slot: make(chan struct{}, 1)}
	// A back-off asked for before a restart still holds.
	if c.seen != nil {
		if e, err := c.seen.Get(context.Background(), backoffKey(rawURL)); err == nil {
			if t, err := time.Parse(time.RFC3339, string(e.Value())); err == nil {
				ng.until = t
			}
		}
	}
	g, _ := c.hosts.LoadOrStore(host, ng)
	return g.(*hostGate)
}

// acquire takes the host's request slot; release gives it back.
func (c *Crawler) acquire(ctx context.Context, rawURL string) (release func(), err error) {
	g := c.gate(rawURL)
	select {
	case g.slot <- struct{}{}:
		return func() { <-g.slot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// wait blocks until the host of rawURL may be requested again.
func (c *Crawler) wait(ctx context.Context, rawURL string) error {
	g := c.gate(rawURL)
	g.mu.Lock()
	now := time.Now()
	at := g.next
	if g.until.After(at) {
		at = g.until
	}
	if at.Before(now) {
		at = now
	}
	g.next = at.Add(max(c.HostDelay, g.delay))
	g.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// backOff makes the host of rawURL wait at least d (capped at 10 minutes),
// also across restarts.
func (c *Crawler) backOff(ctx context.Context, rawURL string, d time.Duration) {
	d = min(d, 10*time.Minute)
	g := c.gate(rawURL)
	until := time.Now().Add(d)
	g.mu.Lock()
	if until.After(g.until) {
		g.until = until
	}
	g.mu.Unlock()
	if c.seen != nil {
		_, _ = c.seen.Put(ctx, backoffKey(rawURL), []byte(until.UTC().Format(time.RFC3339)))
	}
}

func backoffKey(rawURL string) string {
	host := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		host = u.Host
	}
	return "backoff." + news.IDFor(host)
}

// setDelay records the Crawl-delay of the host of rawURL (capped at a minute).
func (c *Crawler) setDelay(rawURL string, d time.Duration) {
	g := c.gate(rawURL)
	g.mu.Lock()
	g.delay = min(d, time.Minute)
	g.mu.Unlock()
}
