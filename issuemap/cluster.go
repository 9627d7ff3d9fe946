// Package issuemap groups mentions into issues and judges them: which
// issue an article continues (an incremental clusterer that follows a
// story across outlets, releases and social posts over days), the issue's
// name, its lifecycle (baru, meningkat, ditangani, mereda, and the spike
// rule), and the communication strategy an analyst is offered for it.
// Issue state is kept in a NATS key-value bucket, so a restart goes on
// where it stopped. It holds no SQL: figures come from store's queries.
package issuemap

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/news"
)

// Bucket keeps the state of every issue seen in the last 90 days, one
// key per issue: issue.<YYYYMMDD of its last article>.<id>, so a start
// reads only the keys of the active window's days.
const Bucket = "PANTAU_ISSUES"

// History is how long an issue's state is kept after its last article.
const History = 90 * 24 * time.Hour

// Clusterer assigns articles to issues. It keeps only the issues active
// within the window in memory, with an inverted index from their terms,
// so placing an article compares it with candidates only.
type Clusterer struct {
	mu  sync.Mutex
	ix  *index
	kv  jetstream.KeyValue
	log *slog.Logger
	// keys maps an issue to its current key in the bucket.
	keys map[string]string
	// Issues changed since the last flush, written by a background
	// flusher every FlushInterval and by Close: placing an article does
	// not wait for the bucket.
	dirty   map[string]*Issue
	saveErr error // the last flush's failure, until one succeeds
	wake    chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
}

// FlushInterval is how often changed issues are written to the bucket.
const FlushInterval = 250 * time.Millisecond

// ErrNotSaved wraps a failure to write issue state: the stage retries the
// article later, so a bucket that is down slows the stage instead of
// losing state.
var ErrNotSaved = errors.New("issue state not saved")

// NewClusterer opens (or creates) the issue bucket and loads the issues
// active within the window before the latest article.
func NewClusterer(ctx context.Context, js jetstream.JetStream, replicas int, log *slog.Logger) (*Clusterer, error) {
	return NewClustererWith(ctx, js, replicas, DefaultParams, log)
}

// NewClustererWith is NewClusterer with other clustering figures.
func NewClustererWith(ctx context.Context, js jetstream.JetStream, replicas int, p Params, log *slog.Logger) (*Clusterer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "issue state by day of last article", TTL: History,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", Bucket, err)
	}
	c := &Clusterer{ix: newIndex(p), kv: kv, log: log, keys: map[string]string{}, dirty: map[string]*Issue{},
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	fctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	c.stop = stop
	go c.flusher(fctx)
	return c, nil
}

func (c *Clusterer) flusher(ctx context.Context) {
	defer close(c.done)
	t := time.NewTicker(FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.wake:
		}
		if err := c.Flush(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("saving issue state; will retry", slog.Any("error", err))
		}
	}
}

// Flush writes the issues changed since the last flush.
func (c *Clusterer) Flush(ctx context.Context) error {
	type put struct {
		id, key, prev string
		data          []byte
	}
	c.mu.Lock()
	puts := make([]put, 0, len(c.dirty))
	for id, is := range c.dirty {
		data, err := json.Marshal(is)
		if err != nil {
			c.mu.Unlock()
			return fmt.Errorf("encoding issue %s: %w", id, err)
		}
		puts = append(puts, put{id, dayKey(is.LastSeen, id), c.keys[id], data})
	}
	clear(c.dirty)
	c.mu.Unlock()
	var errs []error
	for _, p := range puts {
		if _, err := c.kv.Put(ctx, p.key, p.data); err != nil {
			errs = append(errs, fmt.Errorf("saving issue %s: %w", p.id, err))
			c.mu.Lock()
			if _, again := c.dirty[p.id]; !again {
				c.dirty[p.id] = c.ix.issues[p.id]
				if c.dirty[p.id] == nil {
					delete(c.dirty, p.id) // pruned meanwhile
				}
			}
			c.mu.Unlock()
			continue
		}
		if p.prev != "" && p.prev != p.key {
			if err := c.kv.Delete(ctx, p.prev); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
				c.log.Warn("removing an issue's previous key", slog.String("key", p.prev), slog.Any("error", err))
			}
		}
		c.mu.Lock()
		if c.ix.issues[p.id] != nil {
			c.keys[p.id] = p.key
		}
		c.mu.Unlock()
	}
	err := errors.Join(errs...)
	c.mu.Lock()
	c.saveErr = err
	c.mu.Unlock()
	return err
}

// Close writes what is left and stops the flusher.
func (c *Clusterer) Close(ctx context.Context) error {
	c.stop()
	<-c.done
	return c.Flush(ctx)
}

// dayKey is the bucket key of an issue whose last article is at t.
func dayKey(t time.Time, id string) string { return "issue." + t.UTC().Format("20060102") + "." + id }

// load reads the issues of the window's days: the days are found from
// the keys (metadata only), the values read for those days alone.
func (c *Clusterer) load(ctx context.Context) error {
	keys, err := c.kv.ListKeysFiltered(ctx, "issue.>")
	if err != nil {
		return fmt.Errorf("listing %s: %w", Bucket, err)
	}
	days := map[string]bool{}
	latest := ""
	for k := range keys.Keys() {
		if parts := strings.SplitN(k, ".", 3); len(parts) == 3 {
			days[parts[1]] = true
			latest = max(latest, parts[1])
		}
	}
	if latest == "" {
		return nil
	}
	last, err := time.Parse("20060102", latest)
	if err != nil {
		return fmt.Errorf("issue key day %q: %w", latest, err)
	}
	// The window ends at the latest article; after a long stop the
	// first new article prunes what has gone quiet since.
	end := last.Add(24 * time.Hour)
	var filters []string
	for d := range days {
		t, err := time.Parse("20060102", d)
		if err == nil && end.Sub(t) <= c.ix.p.Window+24*time.Hour {
			filters = append(filters, "issue."+d+".>")
		}
	}
	if len(filters) == 0 {
		return nil
	}
	slices.Sort(filters)
	w, err := c.kv.WatchFiltered(ctx, filters, jetstream.IgnoreDeletes())
	if err != nil {
		return fmt.Errorf("reading %s: %w", Bucket, err)
	}
	defer w.Stop()
	n := 0
	for e := range w.Updates() {
		if e == nil {
			break
		}
		var is Issue
		if err := json.Unmarshal(e.Value(), &is); err != nil || is.ID == "" {
			c.log.Warn("unreadable issue state skipped", slog.String("key", e.Key()), slog.Any("error", err))
			continue
		}
		if prev, ok := c.ix.issues[is.ID]; ok && !is.LastSeen.After(prev.LastSeen) {
			continue // an older key of the same issue
		}
		c.ix.restore(&is)
		c.keys[is.ID] = e.Key()
		n++
	}
	c.log.Info("active issues loaded", slog.Int("issues", n), slog.Int("days", len(filters)))
	return nil
}

// Active returns how many issues are in memory.
func (c *Clusterer) Active() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ix.issues)
}

// Place puts a classified article into the issue it continues, or a new
// one, and writes the issue onto it: id, name, terms, its first and last
// article's times and when the government first answered. The tagger's
// regions and offices (already on c) help. An article placed before (a
// redelivery) is not counted twice. State is saved in the background; an
// error (ErrNotSaved) means the last save failed and the article should
// be retried later.
func (c *Clusterer) Place(ctx context.Context, m *news.Classified) error {
	if m.PublishedAt.IsZero() {
		m.PublishedAt = time.Now().UTC()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.saveErr != nil {
		return fmt.Errorf("%w: %w", ErrNotSaved, c.saveErr)
	}
	if is := c.ix.articleIssue(m.ID); is != nil {
		fill(m, is)
		return nil
	}
	d := newDoc(&m.Article, m.Regions, m.OPDs)
	d.label = m.Label
	is, related := c.ix.assign(d, func() string { return "isu-" + news.IDFor("issue/" + m.ID)[:12] })
	if GovernmentVoice(&m.Article) && (is.RespondedAt.IsZero() || m.PublishedAt.Before(is.RespondedAt)) {
		is.RespondedAt = m.PublishedAt
	}
	fill(m, is)
	c.dirty[is.ID] = is
	if related != nil {
		c.dirty[related.ID] = related
	}
	for _, old := range c.ix.prune() {
		if c.dirty[old.ID] == nil {
			delete(c.keys, old.ID) // the bucket keeps it until its TTL
		}
	}
	if len(c.dirty) >= 512 {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

func fill(m *news.Classified, is *Issue) {
	m.IssueID, m.IssueName, m.IssueTerms = is.ID, is.Name, is.TopTerms(8)
	m.IssueFirstSeen, m.IssueLastSeen, m.IssueRespondedAt = is.FirstSeen, is.LastSeen, is.RespondedAt
}

// GovernmentVoice reports whether an item speaks for the government: a
// press release, a post by an official account (Humas, Diskominfo, a
// Pemkot/Pemkab/Pemprov or office account), or a news item whose headline
// opens with a government actor ("Pemkot Samarinda Kerahkan …").
func GovernmentVoice(a *news.Article) bool {
	if a.Kind == news.KindRilis {
		return true
	}
	outlet := strings.ToLower(a.Outlet + " " + a.AuthorHandle)
	for _, o := range govAccounts {
		if strings.Contains(outlet, o) {
			return true
		}
	}
	if a.Kind == news.KindSosmed {
		return false
	}
	head := tokens(a.Title)
	head = head[:min(len(head), 2)]
	for _, w := range head {
		if govActors[w] {
			return true
		}
	}
	return false
}

var govAccounts = []string{"humas", "diskominfo", "pemkot", "pemkab", "pemprov", "pemerintah", "dinas", "bpbd", "dlh", "dishub",
	"disdik", "dinkes", "perumda", "pdam", "satpol", ".go.id", "kominfo"}

var govActors = map[string]bool{"pemkot": true, "pemkab": true, "pemprov": true, "gubernur": true, "bupati": true, "wali": true,
	"wagub": true, "sekda": true, "dinas": true, "dinkes": true, "disdik": true, "disdikbud": true, "dishub": true, "dlh": true,
	"bpbd": true, "dinsos": true, "disdukcapil": true, "satpol": true, "perumda": true, "perumdam": true, "bappeda": true,
	"diskominfo": true, "pupr": true, "kadis": true, "camat": true, "lurah": true, "otorita": true}
