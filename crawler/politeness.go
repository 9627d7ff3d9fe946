package crawler

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

// hostGate spaces requests to one host: at most one at a time, HostDelay
// apart, and not before a back-off the host (or its platform) asked for.
type hostGate struct {
	slot   chan struct{} // one request in flight per host, whichever source or path asks
	mu     sync.Mutex
	next   time.Time
	until  time.Time     // back-off from 429/503, rate-limit headers or a quota
	reason string        // why, for `pantau sources`
	delay  time.Duration // Crawl-delay from robots.txt, if longer than HostDelay
}

// maxWait is the longest back-off a request waits out; a longer one fails
// the request at once (a *source.LimitError) so the worker moves on.
const maxWait = time.Minute

// Back-off caps: what a web page's Retry-After may ask, and what a
// platform's quota or rate-limit reset may.
const (
	maxPageBackoff = 10 * time.Minute
	maxAPIBackoff  = 24 * time.Hour
)

// gate returns the gate of the host of rawURL (host:port), loading a
// back-off saved before a restart.
func (c *Crawler) gate(ctx context.Context, rawURL string) *hostGate {
	host := hostOf(rawURL)
	if g, ok := c.hosts.Load(host); ok {
		return g.(*hostGate)
	}
	ng := &hostGate{slot: make(chan struct{}, 1)}
	if c.state != nil {
		b, err := c.state.HostBackoff(ctx, rawURL)
		if err != nil {
			c.warn("state", "reading a host's back-off", slog.String("host", host), slog.Any("error", err))
		}
		ng.until, ng.reason = b.Until, b.Reason
	}
	g, _ := c.hosts.LoadOrStore(host, ng)
	return g.(*hostGate)
}

// gated wraps a transport so that every request — page, feed, robots.txt,
// API call, colly's listing pages — takes its host's slot, waits its
// turn and records the back-off the answer asks for. The slot is held
// until the response body is closed.
func (c *Crawler) gated(base http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		ctx := req.Context()
		g := c.gate(ctx, req.URL.String())
		select {
		case g.slot <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		var once sync.Once
		release := func() { once.Do(func() { <-g.slot }) }
		if err := c.wait(ctx, g, req.URL.String()); err != nil {
			release()
			return nil, err
		}
		resp, err := base.RoundTrip(req)
		if err != nil {
			release()
			return nil, err
		}
		c.observeLimits(ctx, req.URL.String(), resp)
		resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
		return resp, nil
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}

// wait blocks until the host may be requested again, or fails at once when
// it is backed off for longer than maxWait.
func (c *Crawler) wait(ctx context.Context, g *hostGate, rawURL string) error {
	g.mu.Lock()
	now := time.Now()
	if g.until.Sub(now) > maxWait {
		until, reason := g.until, g.reason
		g.mu.Unlock()
		return &source.LimitError{URL: hostOf(rawURL), Until: until, Reason: reason}
	}
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

// observeLimits backs the host off when the answer asks for it: 429 or 503
// (Retry-After, or the rate-limit reset, or a minute), or a rate-limit
// window spent (x-rate-limit-remaining: 0 until x-rate-limit-reset).
func (c *Crawler) observeLimits(ctx context.Context, rawURL string, resp *http.Response) {
	now := time.Now()
	reset := rateLimitReset(resp.Header, now)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		d := parseRetryAfter(resp.Header.Get("Retry-After"), now)
		limit := maxPageBackoff
		if d <= 0 && !reset.IsZero() {
			d, limit = reset.Sub(now), maxAPIBackoff
		}
		if d <= 0 {
			d = time.Minute
		}
		c.backOff(ctx, rawURL, now.Add(min(d, limit)), fmt.Sprintf("HTTP %d", resp.StatusCode))
	case strings.TrimSpace(resp.Header.Get("X-Rate-Limit-Remaining")) == "0" && !reset.IsZero():
		c.backOff(ctx, rawURL, reset, "batas laju API habis")
	}
}

// rateLimitReset reads x-rate-limit-reset (X, and many APIs: epoch
// seconds) or ratelimit-reset (IETF draft: seconds from now).
func rateLimitReset(h http.Header, now time.Time) time.Time {
	if v := strings.TrimSpace(h.Get("X-Rate-Limit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			if n > 1_000_000_000 {
				return time.Unix(n, 0)
			}
			return now.Add(time.Duration(n) * time.Second)
		}
	}
	if v := strings.TrimSpace(h.Get("RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return now.Add(time.Duration(n) * time.Second)
		}
	}
	return time.Time{}
}

func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}

// backOff makes the host of rawURL wait until until (at most a day ahead),
// also across restarts; a later back-off already in place is kept, one as
// long takes the newer reason (a connector's words over "HTTP 429").
func (c *Crawler) backOff(ctx context.Context, rawURL string, until time.Time, reason string) {
	until = minTime(until, time.Now().Add(maxAPIBackoff))
	g := c.gate(ctx, rawURL)
	g.mu.Lock()
	if until.Before(g.until) {
		g.mu.Unlock()
		return // a longer back-off is in place
	}
	g.until, g.reason = until, reason
	g.mu.Unlock()
	if c.state != nil {
		if err := c.state.SaveHostBackoff(ctx, rawURL, Backoff{Until: until.UTC(), Reason: reason}); err != nil {
			c.warn("state", "saving a host's back-off", slog.String("host", hostOf(rawURL)), slog.Any("error", err))
		}
	}
}

// setDelay records the Crawl-delay of the host of rawURL (capped at a minute).
func (c *Crawler) setDelay(ctx context.Context, rawURL string, d time.Duration) {
	g := c.gate(ctx, rawURL)
	g.mu.Lock()
	g.delay = min(d, time.Minute)
	g.mu.Unlock()
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
