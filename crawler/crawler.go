package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
)

// SeenBucket is the key-value bucket that holds the crawler's State:
// crawled articles, feed validators, back-offs, source health, cursors.
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
	PollMin   time.Duration // adaptive polling: shortest interval (default 1m)
	PollMax   time.Duration // adaptive polling: longest interval (default 30m)
	Now       func() time.Time

	state       *State
	http        *fetch.Fetcher // Fetcher behind the per-host gate
	hosts       sync.Map       // host -> *hostGate
	robotsCache robotsCache
	stories     *storyIndex
	prints      *printIndex
	warnings    throttle
	kindsMu     sync.Mutex
	kinds       map[string]connector // source name -> its connector
	handleKey   []byte
	pollStart   time.Duration // a source's first interval (Run's)
}

// Stats counts one crawl pass.
type Stats struct {
	Sources       int64
	SourcesFailed int64
	Items         int64 // items listed by the sources
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
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Fetcher != nil {
		c.http = c.Fetcher.With(c.gated)
	}
	kv, err := c.Bus.JS.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      SeenBucket,
		Description: "articles already crawled, feed validators, back-offs, source health and cursors",
		TTL:         60 * 24 * time.Hour,
		Storage:     jetstream.FileStorage,
		Replicas:    c.Bus.Options().Replicas,
	})
	if err != nil {
		return fmt.Errorf("opening %s: %w", SeenBucket, err)
	}
	c.state = NewState(kv)
	if c.handleKey, err = c.state.HandleKey(ctx); err != nil {
		return err
	}
	return c.loadStories(ctx)
}

// loadStories fills the near-duplicate indexes from the saved
// fingerprints (short posts' only for stories still in their window).
func (c *Crawler) loadStories(ctx context.Context) error {
	c.stories, c.prints = newStoryIndex(), newPrintIndex()
	n, err := c.state.Fingerprints(ctx, c.stories.add)
	if err != nil {
		return err
	}
	cut := c.Now().Add(-2 * printWindow)
	m, err := c.state.TextPrints(ctx, func(h uint64, story string, at time.Time) {
		if at.After(cut) {
			c.prints.add(h, story, at)
		}
	})
	if err != nil {
		return err
	}
	c.Log.Debug("fingerprints loaded", slog.Int("count", n), slog.Int("short_posts", m))
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

// Run polls each source on its adaptive schedule until ctx ends: first
// at interval, then as often as it publishes, between PollMin and
// PollMax (a source's own poll_interval is kept as it is). The schedule
// is kept in the state, so a restart resumes it.
func (c *Crawler) Run(ctx context.Context, interval time.Duration) error {
	c.pollStart = interval
	var wg sync.WaitGroup
	sem := make(chan struct{}, c.Workers)
	for _, src := range c.Sources {
		wg.Add(1)
		go func(src config.Source) {
			defer wg.Done()
			// A restart keeps each source's schedule.
			if h, found, err := c.state.Health(ctx, src.Name); err == nil && found && !h.NextPoll.IsZero() {
				if !sleep(ctx, time.Until(h.NextPoll)) {
					return
				}
			}
			for {
				select {
				case sem <- struct{}{}:
				case <-ctx.Done():
					return
				}
				_, h := c.crawlSource(ctx, src)
				<-sem
				next := time.Until(h.NextPoll)
				if h.NextPoll.IsZero() {
					next = interval
				}
				if !sleep(ctx, next) {
					return
				}
			}
		}(src)
	}
	wg.Wait()
	return nil
}

// sleep waits d; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// CrawlSource polls one source once: its kind lists what is new and each
// item is fetched (article pages) or taken as it is (social posts), dedupped
// and published.
func (c *Crawler) CrawlSource(ctx context.Context, src config.Source) *Stats {
	st, _ := c.crawlSource(ctx, src)
	return st
}

func (c *Crawler) crawlSource(ctx context.Context, src config.Source) (*Stats, Health) {
	st := &Stats{Sources: 1}
	p := plan{start: c.Now()}
	log := c.Log.With(slog.String("source", src.Name))
	s, err := c.sourceOf(src)
	if err != nil {
		return st, c.sourceFailed(ctx, src, nil, st, p, log, "konfigurasi sumber tidak dapat dipakai", err)
	}
	env := &sourceEnv{c: c, src: src, log: log}
	if err := s.Poll(ctx, env, c.emitter(src, st, &p, log)); err != nil {
		return st, c.sourceFailed(ctx, src, s, st, p, log, "tidak dapat membaca sumber", err)
	}
	p.new = st.New
	c.Metrics.LastSuccess.WithLabelValues(src.Name).Set(float64(c.Now().Unix()))
	h := c.recordHealth(ctx, src, s, st, p, nil)
	log.Info("source crawled", slog.Int64("items", st.Items), slog.Int64("new", st.New),
		slog.Int64("duplicates", st.Duplicates), slog.Int64("failed", st.Failed),
		slog.Duration("next_in", h.Every()))
	return st, h
}

func (c *Crawler) sourceFailed(ctx context.Context, src config.Source, s source.Source, st *Stats, p plan, log *slog.Logger, what string, err error) Health {
	st.SourcesFailed++
	c.Metrics.SourceErrors.WithLabelValues(src.Name).Inc()
	var le *source.LimitError
	if errors.As(err, &le) {
		// The platform asked for a pause: every request to it waits.
		c.backOff(ctx, le.URL, le.Until, le.Reason)
	}
	h := c.recordHealth(ctx, src, s, st, p, fmt.Errorf("%s: %w", what, err))
	// The message is for analysts (Bahasa Indonesia); the error for engineers.
	log.Error("sumber gagal: "+what, slog.String("kind", src.KindOrDefault()), slog.String("feed", src.Feed),
		slog.String("site", src.Site), slog.Any("error", err))
	return h
}

// emitter handles the items a source lists, counting them in st and
// noting their publication times for the schedule.
func (c *Crawler) emitter(src config.Source, st *Stats, p *plan, log *slog.Logger) source.Emit {
	return func(ctx context.Context, it source.Item) error {
		st.Items++
		if it.Post != nil {
			p.dates = append(p.dates, it.Post.PublishedAt)
			return c.post(ctx, src, it.Post, st, log)
		}
		published := it.Published
		if published.IsZero() && it.PublishedText != "" {
			published, _ = ParseDate(it.PublishedText, c.Now(), nil)
		}
		p.dates = append(p.dates, published)
		return c.article(ctx, src, it, st, log)
	}
}

// get fetches u for src if robots.txt allows it; the per-host gate spaces
// it.
func (c *Crawler) get(ctx context.Context, src config.Source, u, etag, lastMod string) (*Response, error) {
	hosts := privateHosts(src)
	if err := c.allowed(ctx, hosts, u); err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	resp, err := c.http.GetFrom(ctx, u, hosts, etag, lastMod)
	if err == nil {
		c.Metrics.Fetched.WithLabelValues(src.Name).Inc()
	}
	return resp, err
}

// privateHosts are the hosts src may reach on special-purpose addresses
// (only those listed for it, with allow_private).
func privateHosts(src config.Source) []string { return src.PrivateHosts() }

// seen reports whether article id was published before; an unreadable
// state is an error, not "new".
func (c *Crawler) seen(ctx context.Context, src config.Source, id string, st *Stats) (bool, error) {
	ok, err := c.state.Seen(ctx, id)
	if err != nil {
		return false, err
	}
	if ok {
		st.Duplicates++
		c.Metrics.Duplicates.WithLabelValues(src.Name).Inc()
	}
	return ok, nil
}

// article fetches, extracts and publishes the article page an item links
// to, unless it is known already.
func (c *Crawler) article(ctx context.Context, src config.Source, it source.Item, st *Stats, log *slog.Logger) error {
	link := strings.TrimSpace(it.Link)
	canon, err := Canonical(link)
	if err != nil || link == "" {
		st.Failed++
		c.warnTo(log, src.Name, "item without a usable link", slog.String("title", it.Title), slog.String("link", link))
		return fmt.Errorf("item %q has no usable link", it.Title)
	}
	id := news.IDFor(canon)
	if dup, err := c.seen(ctx, src, id, st); err != nil || dup {
		if err != nil {
			st.Failed++
		}
		return err
	}
	now := c.Now().UTC()
	a := news.Article{
		ID: id, URL: canon, Outlet: src.Name, Region: src.Region,
		Title: strings.TrimSpace(it.Title), Author: it.Author, Language: "id", FetchedAt: now,
		PublishedAt: it.Published.UTC(),
	}
	if it.Outlet != "" {
		a.Outlet = it.Outlet
	}
	if it.Published.IsZero() && it.PublishedText != "" {
		// Indonesian feeds often write "Selasa, 11 Juni 2024 14:05 WITA".
		if t, err := ParseDate(it.PublishedText, now, nil); err == nil {
			a.PublishedAt = t
		}
	}
	a.Kind = it.Kind
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
			if err := c.state.MarkSeen(ctx, id, fc); err != nil {
				c.warnTo(log, src.Name, "remembering an article's feed link", slog.Any("error", err))
			}
			canon, id = fc, news.IDFor(fc)
			a.ID, a.URL = id, canon
			if dup, err := c.seen(ctx, src, id, st); err != nil || dup {
				if err != nil {
					st.Failed++
				}
				return err
			}
		}
		if xerr == nil {
			c.merge(&a, ex)
		} else {
			c.warnTo(log, src.Name, "extracting article", slog.String("url", link), slog.Any("error", xerr))
		}
	} else {
		c.warnTo(log, src.Name, "fetching article page; using the listing's text", slog.String("url", link), slog.Any("error", err))
	}
	if a.Text == "" {
		a.Text = StripHTML(it.Summary)
	}
	if a.Text == "" && a.Title == "" {
		st.Failed++
		c.warnTo(log, src.Name, "article has neither title nor text; skipped", slog.String("url", link))
		return fmt.Errorf("%s: neither title nor text", link)
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = now
	}
	return c.publish(ctx, src, &a, st, log)
}

// post publishes a complete social item unless it is known already.
func (c *Crawler) post(ctx context.Context, src config.Source, p *news.Article, st *Stats, log *slog.Logger) error {
	a := *p
	if a.ID == "" {
		canon, err := Canonical(a.URL)
		if err != nil {
			st.Failed++
			c.warnTo(log, src.Name, "post without a usable URL", slog.String("url", a.URL))
			return fmt.Errorf("post %q has no usable URL", a.URL)
		}
		a.URL, a.ID = canon, news.IDFor(canon)
	}
	if dup, err := c.seen(ctx, src, a.ID, st); err != nil || dup {
		if err != nil {
			st.Failed++
		}
		return err
	}
	now := c.Now().UTC()
	a.FetchedAt = now
	if a.Outlet == "" {
		a.Outlet = src.Name
	}
	if a.Region == "" {
		a.Region = src.Region
	}
	if a.Language == "" {
		a.Language = "id"
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = now
	}
	if strings.TrimSpace(a.Text) == "" && strings.TrimSpace(a.Title) == "" {
		st.Failed++
		c.warnTo(log, src.Name, "post has neither title nor text; skipped", slog.String("url", a.URL))
		return fmt.Errorf("%s: neither title nor text", a.URL)
	}
	return c.publish(ctx, src, &a, st, log)
}

// publish links a to the story it copies, publishes it and remembers it.
func (c *Crawler) publish(ctx context.Context, src config.Source, a *news.Article, st *Stats, log *slog.Logger) error {
	// Syndicated copies and re-edited stories link to the first copy; each
	// copy stays a mention of its outlet. A short social post links only
	// to a recent post of the same wording (textprint.go).
	var wording uint64
	if a.Kind != news.KindSosmed || len(strings.Fields(a.Text)) >= minPostWords {
		a.SimHash = SimHash(a.Text)
	} else {
		wording = TextPrint(a.Text)
	}
	a.StoryID = a.ID
	story, ok := c.stories.match(a.SimHash)
	if !ok {
		story, ok = c.prints.match(wording, a.PublishedAt)
	}
	if ok {
		a.StoryID = story
		c.Metrics.NearDuplicates.WithLabelValues(src.Name).Inc()
	}
	data, err := json.Marshal(a)
	if err != nil {
		st.Failed++
		return fmt.Errorf("encoding article %s: %w", a.URL, err)
	}
	dup, err := c.Bus.Publish(ctx, bus.SubjectArticles, a.ID, data)
	if err != nil {
		st.Failed++
		log.Error("publishing article", slog.String("url", a.URL), slog.Any("error", err))
		return err
	}
	if dup {
		st.Duplicates++
		c.Metrics.Duplicates.WithLabelValues(src.Name).Inc()
	} else {
		st.New++
		c.Metrics.Published.WithLabelValues(src.Name).Inc()
	}
	if err := c.state.MarkSeen(ctx, a.ID, a.URL); err != nil {
		// Published but not remembered: the next pass publishes it again
		// and the stream's duplicate window drops it.
		c.warnTo(log, src.Name, "remembering article", slog.Any("error", err))
	}
	if !dup && a.SimHash != 0 {
		c.stories.add(a.SimHash, a.StoryID)
		if err := c.state.AddFingerprint(ctx, a.ID, a.SimHash, a.StoryID); err != nil {
			c.warnTo(log, src.Name, "remembering fingerprint", slog.Any("error", err))
		}
	}
	if !dup && wording != 0 {
		c.prints.add(wording, a.StoryID, a.PublishedAt)
		if err := c.state.AddTextPrint(ctx, a.ID, wording, a.StoryID, a.PublishedAt); err != nil {
			c.warnTo(log, src.Name, "remembering fingerprint", slog.Any("error", err))
		}
	}
	return nil
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
