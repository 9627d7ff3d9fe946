package crawler

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
)

// SeenBucket is the key-value bucket that remembers crawled articles and
// feed validators (ETag, Last-Modified) across restarts.
const SeenBucket = "PANTAU_SEEN"

// Crawler crawls sources and publishes new articles.
type Crawler struct {
	Sources   []config.Source
	Fetcher   *Fetcher
	Bus       *bus.Bus
	Metrics   *metrics.Metrics
	Log       *slog.Logger
	Workers   int           // sources crawled at once
	HostDelay time.Duration // pause between requests to one host
	Now       func() time.Time

	seen        jetstream.KeyValue
	hosts       sync.Map // host -> *hostGate
	robotsCache robotsCache
	stories     *storyIndex
}

// Stats counts one crawl pass.
type Stats struct {
	Sources       int64
	SourcesFailed int64
	Items         int64 // feed items seen
	New           int64 // published to the bus
	Duplicates    int64 // already known
	Failed        int64 // articles that could not be fetched or published
}

func (s *Stats) add(o *Stats) {
	atomic.AddInt64(&s.Sources, o.Sources)
	atomic.AddInt64(&s.SourcesFailed, o.SourcesFailed)
	atomic.AddInt64(&s.Items, o.Items)
	atomic.AddInt64(&s.New, o.New)
	atomic.AddInt64(&s.Duplicates, o.Duplicates)
	atomic.AddInt64(&s.Failed, o.Failed)
}

// Init opens the crawler's durable state.
func (c *Crawler) Init(ctx context.Context) error {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	kv, err := c.Bus.JS.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      SeenBucket,
		Description: "articles already crawled and feed validators",
		TTL:         60 * 24 * time.Hour,
		Storage:     jetstream.FileStorage,
		Replicas:    c.Bus.Options().Replicas,
	})
	if err != nil {
		return fmt.Errorf("opening %s: %w", SeenBucket, err)
	}
	c.seen = kv
	return c.loadStories(ctx)
}

// loadStories fills the near-duplicate index from the fingerprints kept in
// the seen bucket ("sim.<id>" = "<hex simhash> <story id>").
func (c *Crawler) loadStories(ctx context.Context) error {
	c.stories = newStoryIndex()
	w, err := c.seen.WatchFiltered(ctx, []string{"sim.>"}, jetstream.IgnoreDeletes())
	if err != nil {
		return fmt.Errorf("reading fingerprints: %w", err)
	}
	defer w.Stop()
	n := 0
	for e := range w.Updates() {
		if e == nil {
			break // initial values delivered
		}
		var h uint64
		var story string
		if _, err := fmt.Sscanf(string(e.Value()), "%x %s", &h, &story); err == nil {
			c.stories.add(h, story)
			n++
		}
	}
	c.Log.Debug("fingerprints loaded", slog.Int("count", n))
	return nil
}

// CrawlOnce crawls every source once, Workers at a time.
func (c *Crawler) CrawlOnce(ctx context.Context) *Stats {
	total := &Stats{}
	sem := make(chan struct{}, c.Workers)
	var wg sync.WaitGroup
	for _, src := range c.Sources {
		wg.Add(1)
		sem <- struct{}{}
		go func(src config.Source) {
			defer wg.Done()
			defer func() { <-sem }()
			st := c.CrawlSource(ctx, src)
			total.add(st)
		}(src)
	}
	wg.Wait()
	return total
}

// Run crawls each source every interval (or its own poll_interval) until
// ctx ends.
func (c *Crawler) Run(ctx context.Context, interval time.Duration) error {
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.Workers)
	for _, src := range c.Sources {
		wg.Add(1)
		go func(src config.Source) {
			defer wg.Done()
			every := interval
			if src.PollInterval > 0 {
				every = src.PollInterval
			}
			// A restart keeps each source's schedule: wait out the rest of
			// the interval since its last pass.
			if h, err := c.health(ctx, src.Name); err == nil && !h.LastAttempt.IsZero() {
				if d := time.Until(h.LastAttempt.Add(every)); d > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(d):
					}
				}
			}
			for {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				c.CrawlSource(ctx, src)
				<-sem
				select {
				case <-ctx.Done():
					return
				case <-time.After(every):
				}
			}
		}(src)
	}
	wg.Wait()
	return nil
}

// CrawlSource crawls one source: its feed (discovered from the site when
// only a site is given), then each new article page.
func (c *Crawler) CrawlSource(ctx context.Context, src config.Source) *Stats {
	st := &Stats{Sources: 1}
	log := c.Log.With(slog.String("source", src.Name))
	items, validators, feedURL, err := c.sourceItems(ctx, src, log)
	if err != nil {
		c.sourceFailed(ctx, src, st, log, "tidak dapat membaca daftar artikel", err)
		return st
	}
	for _, it := range items {
		if ctx.Err() != nil {
			break
		}
		st.Items++
		c.article(ctx, src, it, st, log)
	}
	// Only a feed whose every item was handled may be skipped next time
	// when unchanged; otherwise an interrupted crawl would lose items.
	if validators != nil && feedURL != "" && st.Failed == 0 && ctx.Err() == nil {
		data, _ := json.Marshal(validators)
		if _, err := c.seen.Put(ctx, feedKey(feedURL), data); err != nil {
			log.Warn("saving feed validators", slog.Any("error", err))
		}
	}
	c.Metrics.LastSuccess.WithLabelValues(src.Name).Set(float64(c.Now().Unix()))
	c.recordHealth(ctx, src, st, nil)
	log.Info("source crawled", slog.Int64("items", st.Items), slog.Int64("new", st.New),
		slog.Int64("duplicates", st.Duplicates), slog.Int64("failed", st.Failed))
	return st
}

func (c *Crawler) sourceFailed(ctx context.Context, src config.Source, st *Stats, log *slog.Logger, what string, err error) {
	st.SourcesFailed++
	c.Metrics.SourceErrors.WithLabelValues(src.Name).Inc()
	c.recordHealth(ctx, src, st, fmt.Errorf("%s: %w", what, err))
	// The message is for analysts (Bahasa Indonesia); the error for engineers.
	log.Error("sumber gagal: "+what, slog.String("feed", src.Feed), slog.String("site", src.Site), slog.Any("error", err))
}

// sourceItems lists a source's current articles: from its configured
// feed, sitemap or listing pages; for a bare site, from a discovered feed,
// the sitemaps named in robots.txt, or the homepage's links, in that order.
func (c *Crawler) sourceItems(ctx context.Context, src config.Source, log *slog.Logger) ([]*gofeed.Item, *feedState, string, error) {
	max := src.MaxItems
	if max == 0 {
		max = 100
	}
	if src.Feed != "" {
		items, v, err := c.readFeed(ctx, src, src.Feed)
		return items, v, src.Feed, err
	}
	if src.Sitemap != "" {
		items, err := c.sitemapItems(ctx, src, src.Sitemap, max)
		return items, nil, "", err
	}
	if len(src.Listings) > 0 {
		items, err := c.listingItems(ctx, src, max)
		return items, nil, "", err
	}
	var errs []error
	if feedURL, err := c.discoverFeed(ctx, src); err == nil {
		items, v, err := c.readFeed(ctx, src, feedURL)
		if err == nil {
			return items, v, feedURL, nil
		}
		errs = append(errs, err)
	} else {
		errs = append(errs, err)
	}
	for _, sm := range c.robotsSitemaps(ctx, src) {
		items, err := c.sitemapItems(ctx, src, sm, max)
		if err == nil && len(items) > 0 {
			log.Debug("articles from sitemap", slog.String("sitemap", sm), slog.Int("items", len(items)))
			return items, nil, "", nil
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	items, err := c.listingItems(ctx, src, max)
	if err == nil && len(items) > 0 {
		return items, nil, "", nil
	}
	if err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, fmt.Errorf("no article links on the listing pages of %s", src.Site))
	}
	return nil, nil, "", errors.Join(errs...)
}

// get fetches u if robots.txt allows it, waiting for the host's turn.
func (c *Crawler) get(ctx context.Context, src config.Source, u, etag, lastMod string) (*Response, error) {
	if err := c.allowed(ctx, src.AllowPrivate, u); err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	release, err := c.acquire(ctx, u)
	if err != nil {
		return nil, err
	}
	defer release()
	if err := c.wait(ctx, u); err != nil {
		return nil, err
	}
	resp, err := c.Fetcher.Get(ctx, u, src.AllowPrivate, etag, lastMod)
	var se *StatusError
	if errors.As(err, &se) && (se.StatusCode == 429 || se.StatusCode == 503) {
		d := se.RetryAfter
		if d <= 0 {
			d = time.Minute
		}
		c.backOff(ctx, u, d)
	}
	if err == nil {
		c.Metrics.Fetched.WithLabelValues(src.Name).Inc()
	}
	return resp, err
}

type feedState struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

func feedKey(u string) string { return "feed." + news.IDFor(u) }

// readFeed fetches and parses a feed, conditionally on the validators of
// the last complete crawl. It returns the validators to save once every
// item was handled (nil when there is nothing to save).
func (c *Crawler) readFeed(ctx context.Context, src config.Source, feedURL string) ([]*gofeed.Item, *feedState, error) {
	var prev feedState
	if e, err := c.seen.Get(ctx, feedKey(feedURL)); err == nil {
		_ = json.Unmarshal(e.Value(), &prev)
	}
	resp, err := c.get(ctx, src, feedURL, prev.ETag, prev.LastModified)
	if err != nil {
		return nil, nil, err
	}
	if resp.NotModified {
		c.Log.Debug("feed not modified", slog.String("source", src.Name))
		return nil, nil, nil
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(resp.Body))
	if err != nil {
		return nil, nil, fmt.Errorf("parsing feed %s: %w", feedURL, err)
	}
	var next *feedState
	if resp.ETag != "" || resp.LastModified != "" {
		next = &feedState{URL: feedURL, ETag: resp.ETag, LastModified: resp.LastModified}
	}
	return feed.Items, next, nil
}

func (c *Crawler) article(ctx context.Context, src config.Source, it *gofeed.Item, st *Stats, log *slog.Logger) {
	link := strings.TrimSpace(it.Link)
	if link == "" && len(it.Links) > 0 {
		link = it.Links[0]
	}
	canon, err := Canonical(link)
	if err != nil || link == "" {
		st.Failed++
		log.Warn("feed item without a usable link", slog.String("title", it.Title))
		return
	}
	id := news.IDFor(canon)
	if _, err := c.seen.Get(ctx, "article."+id); err == nil {
		st.Duplicates++
		c.Metrics.Duplicates.WithLabelValues(src.Name).Inc()
		return
	}
	now := c.Now().UTC()
	a := news.Article{
		ID: id, URL: canon, Outlet: src.Name, Region: src.Region,
		Title: strings.TrimSpace(it.Title), Language: "id", FetchedAt: now,
	}
	switch {
	case it.PublishedParsed != nil:
		a.PublishedAt = it.PublishedParsed.UTC()
	case it.Published != "":
		// Indonesian feeds often write "Selasa, 11 Juni 2024 14:05 WITA".
		if t, err := ParseDate(it.Published, now, nil); err == nil {
			a.PublishedAt = t
		}
	case it.UpdatedParsed != nil:
		a.PublishedAt = it.UpdatedParsed.UTC()
	}
	if it.Author != nil {
		a.Author = it.Author.Name
	}
	a.Kind, a.Platform = itemKind(it)
	resp, err := c.get(ctx, src, link, "", "")
	if err == nil {
		ex, xerr := Extract(resp.Body, resp.URL)
		// The page's own address wins over the feed's link: redirects
		// (feed proxies, http→https) and rel=canonical (AMP, mobile
		// pages) lead to the one URL of the article.
		final := resp.URL
		if xerr == nil && ex.Canonical != "" {
			if cu, err := url.Parse(resp.URL); err == nil {
				if ref, err := cu.Parse(ex.Canonical); err == nil && sameSite(ref.Host, cu.Host) {
					final = ref.String()
				}
			}
		}
		if fc, err := Canonical(final); err == nil && fc != canon {
			// Remember the feed's link too, so it is not fetched again.
			_, _ = c.seen.Put(ctx, "article."+id, []byte(fc))
			canon, id = fc, news.IDFor(fc)
			a.ID, a.URL = id, canon
			if _, err := c.seen.Get(ctx, "article."+id); err == nil {
				st.Duplicates++
				c.Metrics.Duplicates.WithLabelValues(src.Name).Inc()
				return
			}
		}
		if xerr == nil {
			c.merge(&a, ex)
		} else {
			log.Warn("extracting article", slog.String("url", link), slog.Any("error", xerr))
		}
	} else {
		log.Warn("fetching article page; using the feed's text", slog.String("url", link), slog.Any("error", err))
	}
	if a.Text == "" {
		a.Text = StripHTML(firstNonEmpty(it.Content, it.Description))
	}
	if a.Text == "" && a.Title == "" {
		st.Failed++
		log.Warn("article has neither title nor text; skipped", slog.String("url", link))
		return
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = now
	}
	// Syndicated copies and re-edited stories link to the first copy; each
	// copy stays a mention of its outlet.
	a.SimHash = SimHash(a.Text)
	a.StoryID = a.ID
	if story, ok := c.stories.match(a.SimHash); ok {
		a.StoryID = story
		c.Metrics.NearDuplicates.WithLabelValues(src.Name).Inc()
	}
	data, _ := json.Marshal(a)
	dup, err := c.Bus.Publish(ctx, bus.SubjectArticles, a.ID, data)
	if err != nil {
		st.Failed++
		log.Error("publishing article", slog.String("url", canon), slog.Any("error", err))
		return
	}
	if dup {
		st.Duplicates++
		c.Metrics.Duplicates.WithLabelValues(src.Name).Inc()
	} else {
		st.New++
		c.Metrics.Published.WithLabelValues(src.Name).Inc()
	}
	if _, err := c.seen.Put(ctx, "article."+id, []byte(canon)); err != nil {
		log.Warn("remembering article", slog.Any("error", err))
	}
	if !dup && a.SimHash != 0 {
		c.stories.add(a.SimHash, a.StoryID)
		if _, err := c.seen.Put(ctx, "sim."+id, fmt.Appendf(nil, "%x %s", a.SimHash, a.StoryID)); err != nil {
			log.Warn("remembering fingerprint", slog.Any("error", err))
		}
	}
}

// merge fills a from the extracted page, preferring the page's canonical
// URL when it names the same site.
func (c *Crawler) merge(a *news.Article, ex *Extracted) {
	if a.Title == "" {
		a.Title = ex.Title
	}
	if ex.Text != "" {
		// Extractors often keep the page's <h1>; the title has its own field.
		a.Text = strings.TrimSpace(strings.TrimPrefix(ex.Text, a.Title))
	}
	if a.Author == "" {
		a.Author = ex.Author
	}
	if ex.Language != "" {
		a.Language = ex.Language
	}
	a.ImageURL = ex.Image
	if a.PublishedAt.IsZero() && !ex.Published.IsZero() {
		a.PublishedAt = ex.Published.UTC()
	}
}

var feedLinkRe = regexp.MustCompile(`(?is)<link[^>]+type=["']application/(?:rss|atom)\+xml["'][^>]*>`)

// discoverFeed finds a feed for a site-only source: the page's
// <link rel="alternate"> first, then the usual /feed and /rss paths.
func (c *Crawler) discoverFeed(ctx context.Context, src config.Source) (string, error) {
	key := "discovered." + news.IDFor(src.Site)
	if e, err := c.seen.Get(ctx, key); err == nil {
		v := string(e.Value())
		// "none" remembers a site without a feed for a day.
		if v != "none" {
			return v, nil
		}
		if time.Since(e.Created()) < 24*time.Hour {
			return "", fmt.Errorf("no feed at %s (checked %s)", src.Site, e.Created().Format(time.DateTime))
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
		if _, err := gofeed.NewParser().Parse(bytes.NewReader(r.Body)); err == nil {
			_, _ = c.seen.Put(ctx, key, []byte(cand))
			return cand, nil
		}
	}
	_, _ = c.seen.Put(ctx, key, []byte("none"))
	return "", fmt.Errorf("no feed found at %s (tried %d candidates)", src.Site, len(candidates))
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// sameSite reports whether two hosts belong to one site (www., amp., m.
// prefixes aside).
func sameSite(a, b string) bool {
	trim := func(h string) string {
		h = strings.ToLower(h)
		for _, p := range []string{"www.", "amp.", "m."} {
			h = strings.TrimPrefix(h, p)
		}
		return h
	}
	return trim(a) == trim(b)
}
