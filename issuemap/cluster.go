// Package issuemap groups mentions into issues and turns an issue's
// figures into a communication-strategy recommendation. Clustering is
// incremental: each new article joins the closest active issue or starts
// one; issue state is kept in a NATS key-value bucket so a restart goes on
// where it stopped. It must not query the store; analytics live in store.
package issuemap

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/news"
)

// Bucket keeps issue centroids and the story → issue links.
const Bucket = "PANTAU_ISSUES"

// Issue is one matter the media talks about, across outlets and days.
type Issue struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	Terms     map[string]float64 `json:"terms"` // centroid: key phrase → weight
	FirstSeen time.Time          `json:"first_seen"`
	LastSeen  time.Time          `json:"last_seen"`
	Count     int                `json:"count"`
}

// TopTerms returns the issue's n heaviest key phrases.
func (is *Issue) TopTerms(n int) []string {
	keys := make([]string, 0, len(is.Terms))
	for k := range is.Terms {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if is.Terms[keys[i]] != is.Terms[keys[j]] {
			return is.Terms[keys[i]] > is.Terms[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys[:min(n, len(keys))]
}

// Clusterer assigns articles to issues.
type Clusterer struct {
	Threshold float64       // cosine similarity needed to join (default 0.3)
	Window    time.Duration // an issue quiet this long takes no new articles (default 7 days)

	mu      sync.Mutex
	kv      jetstream.KeyValue
	issues  map[string]*Issue
	stories map[string]string
	log     *slog.Logger
}

// NewClusterer opens (or creates) the issue bucket and loads the issues
// active within the window.
func NewClusterer(ctx context.Context, js jetstream.JetStream, replicas int, log *slog.Logger) (*Clusterer, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "issue centroids and story links", TTL: 90 * 24 * time.Hour,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", Bucket, err)
	}
	c := &Clusterer{Threshold: 0.3, Window: 7 * 24 * time.Hour, kv: kv,
		issues: map[string]*Issue{}, stories: map[string]string{}, log: log}
	w, err := kv.WatchFiltered(ctx, []string{"issue.>", "story.>"}, jetstream.IgnoreDeletes())
	if err != nil {
		return nil, err
	}
	defer w.Stop()
	for e := range w.Updates() {
		if e == nil {
			break
		}
		switch {
		case strings.HasPrefix(e.Key(), "issue."):
			var is Issue
			if json.Unmarshal(e.Value(), &is) == nil && is.ID != "" {
				c.issues[is.ID] = &is
			}
		case strings.HasPrefix(e.Key(), "story."):
			c.stories[strings.TrimPrefix(e.Key(), "story.")] = string(e.Value())
		}
	}
	return c, nil
}

func cosine(a, b map[string]float64) float64 {
	var dot, na, nb float64
	for k, x := range a {
		na += x * x
		if y, ok := b[k]; ok {
			dot += x * y
		}
	}
	for _, y := range b {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// Assign puts an article with its term vector (tagger.Terms) into an
// issue and returns it. Copies of one story always share an issue.
func (c *Clusterer) Assign(ctx context.Context, a news.Article, v map[string]float64) Issue {
	c.mu.Lock()
	defer c.mu.Unlock()
	at := a.PublishedAt
	if at.IsZero() {
		at = time.Now()
	}
	var best *Issue
	if id, ok := c.stories[a.StoryID]; ok && a.StoryID != "" {
		best = c.issues[id]
	}
	if best == nil {
		bestSim := c.Threshold
		for _, is := range c.issues {
			if at.Sub(is.LastSeen) > c.Window || is.FirstSeen.Sub(at) > c.Window {
				continue
			}
			if s := cosine(v, is.Terms); s >= bestSim {
				best, bestSim = is, s
			}
		}
	}
	if best == nil {
		best = &Issue{ID: "isu-" + a.ID[:12], Terms: map[string]float64{}, FirstSeen: at, LastSeen: at}
		c.issues[best.ID] = best
	}
	// Centroid: running sum, trimmed to the 60 heaviest terms.
	for k, x := range v {
		best.Terms[k] += x
	}
	if len(best.Terms) > 60 {
		keep := map[string]float64{}
		for _, k := range best.TopTerms(60) {
			keep[k] = best.Terms[k]
		}
		best.Terms = keep
	}
	if at.Before(best.FirstSeen) {
		best.FirstSeen = at
	}
	if at.After(best.LastSeen) {
		best.LastSeen = at
	}
	best.Count++
	best.Name = Name(best.TopTerms(6))
	c.save(ctx, best, a.StoryID)
	return *best
}

func (c *Clusterer) save(ctx context.Context, is *Issue, story string) {
	data, _ := json.Marshal(is)
	if _, err := c.kv.Put(ctx, "issue."+is.ID, data); err != nil && c.log != nil {
		c.log.Warn("saving issue", slog.String("issue", is.ID), slog.Any("error", err))
	}
	if story != "" {
		if prev, ok := c.stories[story]; !ok || prev != is.ID {
			c.stories[story] = is.ID
			_, _ = c.kv.Put(ctx, "story."+story, []byte(is.ID))
		}
	}
}

// Name makes a short issue name from its heaviest key phrases: up to three
// of them, pairs first, without repeating a word.
func Name(terms []string) string {
	var parts []string
	used := map[string]bool{}
	pick := func(t string) {
		if len(parts) == 3 {
			return
		}
		for _, w := range strings.Fields(t) {
			if used[w] {
				return
			}
		}
		for _, w := range strings.Fields(t) {
			used[w] = true
		}
		parts = append(parts, t)
	}
	for _, t := range terms {
		if strings.Contains(t, " ") {
			pick(t)
		}
	}
	for _, t := range terms {
		pick(t)
	}
	if len(parts) == 0 {
		return "Isu tanpa nama"
	}
	s := strings.Join(parts, ", ")
	return strings.ToUpper(s[:1]) + s[1:]
}
