package crawler

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/feed"
	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/crawler/googlenews"
	"github.com/diskominfo-kaltim/pantau/crawler/graph"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/crawler/telegram"
	"github.com/diskominfo-kaltim/pantau/crawler/tiktok"
	"github.com/diskominfo-kaltim/pantau/crawler/x"
	"github.com/diskominfo-kaltim/pantau/crawler/youtube"
	"github.com/diskominfo-kaltim/pantau/news"
)

// connector is the source kind made for one configuration of a source.
type connector struct {
	cfg config.Source // as made for, without its line in the file
	s   source.Source
}

// sourceOf returns the source kind that polls src. It is made once per
// source and kept between polls (a connector may keep a short-lived token),
// and made afresh when the source's configuration changed since (another
// feed, kind, channel, query or credential), so the next pass follows the
// new configuration; moving the source in the file is no change.
func (c *Crawler) sourceOf(src config.Source) (source.Source, error) {
	cfg := src
	cfg.Line = 0
	c.kindsMu.Lock()
	defer c.kindsMu.Unlock()
	if k, ok := c.kinds[src.Name]; ok && reflect.DeepEqual(k.cfg, cfg) {
		return k.s, nil
	}
	s, err := c.newSource(src) // constructors only read the configuration
	if err != nil {
		return nil, err
	}
	if c.kinds == nil {
		c.kinds = map[string]connector{}
	}
	c.kinds[src.Name] = connector{cfg: cfg, s: s}
	return s, nil
}

func (c *Crawler) newSource(src config.Source) (source.Source, error) {
	max := src.MaxItems
	if max == 0 {
		max = 100
	}
	switch k := src.KindOrDefault(); k {
	case config.KindFeed:
		return &feedSource{c: c, url: src.Feed}, nil
	case config.KindSitemap:
		return &sitemapSource{c: c, url: src.Sitemap, max: max}, nil
	case config.KindListing:
		return &listingSource{c: c, max: max}, nil
	case config.KindSite:
		return &siteSource{c: c, max: max}, nil
	case config.KindYouTube:
		return youtube.New(src)
	case config.KindTelegram:
		return telegram.New(src)
	case config.KindGoogleNews:
		return googlenews.New(src)
	case config.KindFacebook:
		return graph.NewFacebook(src)
	case config.KindInstagram:
		return graph.NewInstagram(src)
	case config.KindX:
		return x.New(src)
	case config.KindTikTok:
		return tiktok.New(src)
	default:
		return nil, fmt.Errorf("source %q: kind %q has no connector", src.Name, k)
	}
}

// emitAll hands items to emit in order and returns how many failed.
func emitAll(ctx context.Context, items []source.Item, emit source.Emit) (failed int) {
	for _, it := range items {
		if ctx.Err() != nil {
			return failed + 1
		}
		if emit(ctx, it) != nil {
			failed++
		}
	}
	return failed
}

// feedSource is a configured RSS/Atom/JSON feed, fetched conditionally on
// the validators of its last complete pass.
type feedSource struct {
	c   *Crawler
	url string
}

func (f *feedSource) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	return f.c.pollFeed(ctx, env.(*sourceEnv), f.url, emit)
}

// pollFeed reads a feed and hands its items on. Only a feed whose every
// item was handled may be skipped next time when unchanged; otherwise an
// interrupted crawl would lose items.
func (c *Crawler) pollFeed(ctx context.Context, env *sourceEnv, feedURL string, emit source.Emit) error {
	items, next, err := c.readFeed(ctx, env.src, feedURL)
	if err != nil {
		return err
	}
	if emitAll(ctx, items, emit) == 0 && next != nil && ctx.Err() == nil {
		if err := c.state.SaveFeedValidators(ctx, *next); err != nil {
			env.Warn("state", "saving feed validators", slog.Any("error", err))
		}
	}
	return nil
}

// readFeed fetches and parses a feed, conditionally on the validators of
// the last complete pass. It returns the validators to save once every
// item was handled (nil when there is nothing to save).
func (c *Crawler) readFeed(ctx context.Context, src config.Source, feedURL string) ([]source.Item, *Validators, error) {
	prev, err := c.state.FeedValidators(ctx, feedURL)
	if err != nil {
		// Not fatal: the feed is fetched unconditionally.
		c.warn(src.Name, "reading feed validators", slog.Any("error", err))
	}
	resp, err := c.get(ctx, src, feedURL, prev.ETag, prev.LastModified)
	if err != nil {
		return nil, nil, err
	}
	if resp.NotModified {
		c.Log.Debug("feed not modified", slog.String("source", src.Name))
		return nil, nil, nil
	}
	parsed, err := feed.Parse(resp.Body, resp.ContentType)
	if err != nil {
		return nil, nil, fmt.Errorf("parsing feed %s: %w", feedURL, err)
	}
	var next *Validators
	if resp.ETag != "" || resp.LastModified != "" {
		next = &Validators{URL: feedURL, ETag: resp.ETag, LastModified: resp.LastModified}
	}
	items := make([]source.Item, 0, len(parsed.Items))
	for _, it := range parsed.Items {
		if it != nil {
			items = append(items, feedItem(it))
		}
	}
	return items, next, nil
}

// feedItem turns a parsed feed entry into an item.
func feedItem(it *gofeed.Item) source.Item {
	out := source.Item{Link: it.Link, Title: it.Title, Summary: firstNonEmpty(it.Content, it.Description)}
	if out.Link == "" && len(it.Links) > 0 {
		out.Link = it.Links[0]
	}
	switch {
	case it.PublishedParsed != nil:
		out.Published = it.PublishedParsed.UTC()
	case it.Published != "":
		out.PublishedText = it.Published
	case it.UpdatedParsed != nil:
		out.Published = it.UpdatedParsed.UTC()
	}
	if it.Author != nil {
		out.Author = it.Author.Name
	}
	switch kind, platform := itemKind(it); kind {
	case news.KindSosmed:
		// A social post served as a feed entry is complete: its text is
		// the entry's, there is no article page to extract.
		out.Post = &news.Article{URL: strings.TrimSpace(out.Link), Title: strings.TrimSpace(out.Title), Text: StripHTML(out.Summary),
			Author: out.Author, PublishedAt: out.Published, Kind: kind, Platform: platform, ParentID: inReplyTo(it)}
	default:
		out.Kind = kind
	}
	return out
}

// sitemapSource is a configured sitemap (or Google News sitemap).
type sitemapSource struct {
	c   *Crawler
	url string
	max int
}

func (s *sitemapSource) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	items, err := s.c.sitemapItems(ctx, env.(*sourceEnv).src, s.url, s.max)
	if err != nil {
		return err
	}
	emitAll(ctx, items, emit)
	return nil
}

// listingSource is a site's listing (section) pages.
type listingSource struct {
	c   *Crawler
	max int
}

func (l *listingSource) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	items, err := l.c.listingItems(ctx, env.(*sourceEnv).src, l.max)
	if err != nil {
		return err
	}
	emitAll(ctx, items, emit)
	return nil
}

// siteSource is a bare homepage: its discovered feed, else the sitemaps
// named in its robots.txt, else the links on its listing pages, in that
// order.
type siteSource struct {
	c   *Crawler
	max int
}

func (s *siteSource) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	c, e := s.c, env.(*sourceEnv)
	src := e.src
	var errs []error
	feedURL, err := c.discoverFeed(ctx, src)
	if err == nil {
		items, next, err := c.readFeed(ctx, src, feedURL)
		if err == nil {
			if emitAll(ctx, items, emit) == 0 && next != nil && ctx.Err() == nil {
				if err := c.state.SaveFeedValidators(ctx, *next); err != nil {
					e.Warn("state", "saving feed validators", slog.Any("error", err))
				}
			}
			return nil
		}
		errs = append(errs, err)
	} else {
		errs = append(errs, err)
	}
	for _, sm := range c.robotsSitemaps(ctx, src) {
		items, err := c.sitemapItems(ctx, src, sm, s.max)
		if err == nil && len(items) > 0 {
			e.log.Debug("articles from sitemap", slog.String("sitemap", sm), slog.Int("items", len(items)))
			emitAll(ctx, items, emit)
			return nil
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	items, err := c.listingItems(ctx, src, s.max)
	if err == nil && len(items) > 0 {
		emitAll(ctx, items, emit)
		return nil
	}
	if err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, fmt.Errorf("no article links on the listing pages of %s", src.Site))
	}
	return errors.Join(errs...)
}

var feedLinkRe = regexp.MustCompile(`(?is)<link[^>]+type=["']application/(?:rss|atom)\+xml["'][^>]*>`)

// discoverFeed finds a feed for a site-only source: the page's
// <link rel="alternate"> first, then the usual /feed and /rss paths. A site
// without a feed is remembered for a day.
func (c *Crawler) discoverFeed(ctx context.Context, src config.Source) (string, error) {
	known, checked, found, err := c.state.DiscoveredFeed(ctx, src.Site)
	if err != nil {
		return "", err
	}
	if found {
		if known != "" {
			return known, nil
		}
		if time.Since(checked) < 24*time.Hour {
			return "", fmt.Errorf("no feed at %s (checked %s)", src.Site, checked.Format(time.DateTime))
		}
	}
	resp, err := c.get(ctx, src, src.Site, "", "")
	if err != nil {
		return "", err
	}
	base, _ := url.Parse(resp.URL)
	var candidates []string
	if tag := feedLinkRe.Find(resp.Body); tag != nil {
		if m := hrefRe.FindSubmatch(tag); m != nil {
			if u, err := base.Parse(string(m[1])); err == nil {
				candidates = append(candidates, u.String())
			}
		}
	}
	for _, p := range []string{"/feed", "/rss", "/feed/", "/rss.xml", "/index.xml"} {
		u, _ := base.Parse(p)
		candidates = append(candidates, u.String())
	}
	for _, cand := range candidates {
		r, err := c.get(ctx, src, cand, "", "")
		if err != nil {
			continue
		}
		if _, err := feed.Parse(r.Body, r.ContentType); err == nil {
			if err := c.state.SaveDiscoveredFeed(ctx, src.Site, cand); err != nil {
				c.warn(src.Name, "remembering a discovered feed", slog.Any("error", err))
			}
			return cand, nil
		}
	}
	if err := c.state.SaveDiscoveredFeed(ctx, src.Site, ""); err != nil {
		c.warn(src.Name, "remembering a site without a feed", slog.Any("error", err))
	}
	return "", fmt.Errorf("no feed found at %s (tried %d candidates)", src.Site, len(candidates))
}

// sourceEnv is the Env the crawler lends one source.
type sourceEnv struct {
	c   *Crawler
	src config.Source
	log *slog.Logger
}

var _ source.Env = (*sourceEnv)(nil)

func (e *sourceEnv) Get(ctx context.Context, u, etag, lastModified string) (*fetch.Response, error) {
	return e.c.get(ctx, e.src, u, etag, lastModified)
}

func (e *sourceEnv) Do(req *http.Request) (*fetch.Response, error) {
	resp, err := e.c.http.Do(req, privateHosts(e.src))
	if err == nil {
		e.c.Metrics.Fetched.WithLabelValues(e.src.Name).Inc()
	}
	return resp, err
}

func (e *sourceEnv) BackOff(ctx context.Context, u string, until time.Time, reason string) {
	e.c.backOff(ctx, u, until, reason)
}

func (e *sourceEnv) Cursor(ctx context.Context) ([]byte, error) {
	return e.c.state.Cursor(ctx, e.src.Name)
}

func (e *sourceEnv) SaveCursor(ctx context.Context, cursor []byte) error {
	return e.c.state.SaveCursor(ctx, e.src.Name, cursor)
}

func (e *sourceEnv) Handle(platform, handle string) string {
	if handle == "" || e.src.KeepHandles {
		return handle
	}
	m := hmac.New(sha256.New, e.c.handleKey)
	m.Write([]byte(platform + "\x00" + strings.ToLower(strings.TrimPrefix(handle, "@"))))
	return "h:" + hex.EncodeToString(m.Sum(nil)[:12])
}

func (e *sourceEnv) KeepHandles() bool { return e.src.KeepHandles }

func (e *sourceEnv) Warn(key, msg string, attrs ...any) {
	e.c.warnTo(e.log, e.src.Name+"\x00"+key, msg, attrs...)
}

func (e *sourceEnv) Log() *slog.Logger { return e.log }
func (e *sourceEnv) Now() time.Time    { return e.c.Now() }

// inReplyTo is the id of the entry an entry answers, from the Atom
// threading extension (RFC 4685, <thr:in-reply-to ref="…" href="…"/>,
// which comment feeds carry): the answered entry's address made an id as
// the crawler makes them, or "" when the entry answers nothing or names
// no usable address.
func inReplyTo(it *gofeed.Item) string {
	for _, e := range it.Extensions["thr"]["in-reply-to"] {
		if canon, err := Canonical(strings.TrimSpace(e.Attrs["href"])); err == nil && canon != "" {
			return news.IDFor(canon)
		}
	}
	return ""
}
