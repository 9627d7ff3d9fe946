package crawler

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// ErrDisallowed is returned for a URL that the site's robots.txt forbids.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// robotsAgent is the product token matched against robots.txt groups.
const robotsAgent = "Pantau"

const robotsTTL = 6 * time.Hour

type robotsEntry struct {
	data    *robotstxt.RobotsData
	fetched time.Time
}

// robotsCache holds each host's robots.txt for robotsTTL.
type robotsCache struct {
	mu    sync.Mutex
	hosts map[string]*robotsEntry
}

// robots returns the rules for the host of u, fetching robots.txt when
// they are unknown or stale. A missing robots.txt (4xx) allows everything;
// a failing one (5xx) forbids everything until it is fetched again; an
// unreachable host is left to the page request itself to report.
func (c *Crawler) robots(ctx context.Context, privateHosts []string, u *url.URL) *robotstxt.RobotsData {
	key := u.Scheme + "://" + u.Host
	c.robotsCache.mu.Lock()
	if c.robotsCache.hosts == nil {
		c.robotsCache.hosts = map[string]*robotsEntry{}
	}
	e, ok := c.robotsCache.hosts[key]
	c.robotsCache.mu.Unlock()
	if ok && time.Since(e.fetched) < robotsTTL {
		return e.data
	}
	var data *robotstxt.RobotsData
	resp, err := c.http.GetFrom(ctx, key+"/robots.txt", privateHosts, "", "")
	var se *StatusError
	switch {
	case err == nil:
		data, _ = robotstxt.FromStatusAndBytes(200, resp.Body)
	case errors.As(err, &se):
		data, _ = robotstxt.FromStatusAndBytes(se.StatusCode, nil)
	default:
		return nil
	}
	c.robotsCache.mu.Lock()
	c.robotsCache.hosts[key] = &robotsEntry{data: data, fetched: time.Now()}
	c.robotsCache.mu.Unlock()
	return data
}

// allowed checks rawURL against robots.txt and applies its Crawl-delay to
// the host.
func (c *Crawler) allowed(ctx context.Context, privateHosts []string, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	if u.Path == "/robots.txt" {
		return nil
	}
	r := c.robots(ctx, privateHosts, u)
	if r == nil {
		return nil
	}
	g := r.FindGroup(robotsAgent)
	if g.CrawlDelay > 0 {
		c.setDelay(ctx, rawURL, g.CrawlDelay)
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	if !g.Test(p) {
		return ErrDisallowed
	}
	return nil
}
