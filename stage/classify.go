package stage

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// Classifier consumes crawled articles, classifies, tags and assigns each
// to an issue, and publishes the result. An article is acknowledged only
// after its result was accepted by the classified stream.
type Classifier struct {
	Bus     *bus.Bus
	Model   classifier.Model
	Tagger  *tagger.Tagger      // regions, offices, entities, key phrases; nil: none
	Issues  *issuemap.Clusterer // issue assignment; nil: none
	Metrics *metrics.Metrics
	Log     *slog.Logger
	Batch   int           // messages fetched per pull (default 256)
	MaxWait time.Duration // longest wait to fill a pull (default 500ms)
}

// ClassifierName is the classifier stage's name (metrics, dead letters).
const ClassifierName = "classifier"

// Run classifies until ctx ends.
func (s *Classifier) Run(ctx context.Context) error {
	return Each(ctx, Config{Name: ClassifierName, Stream: bus.StreamArticles, Consumer: bus.ConsumerClassifier,
		Bus: s.Bus, Metrics: s.Metrics, Log: s.Log, Batch: s.Batch, MaxWait: s.MaxWait, Order: publishedAt}, s.handle)
}

// publishedAt orders a pull's articles by publication time, so issues
// grow as their stories did even when a crawl delivers a backlog newest
// first; an article without a readable time keeps its place at the end.
func publishedAt(data []byte) int64 {
	var a struct {
		PublishedAt time.Time `json:"published_at"`
	}
	if json.Unmarshal(data, &a) != nil || a.PublishedAt.IsZero() {
		return math.MaxInt64
	}
	return a.PublishedAt.UnixNano()
}

func (s *Classifier) handle(ctx context.Context, m *Msg) error {
	var a news.Article
	if err := json.Unmarshal(m.Data, &a); err != nil {
		return Permanent(fmt.Errorf("malformed article: %w", err))
	}
	if err := ValidID(a.ID); err != nil {
		return Permanent(fmt.Errorf("malformed article: %w", err))
	}
	c := classifier.Apply(s.Model, a)
	if s.Tagger != nil {
		// An item that names no place is about its outlet's region.
		t := s.Tagger.TagIn(a.Title, a.Text, a.Region)
		c.Regions, c.OPDs, c.Entities, c.KeyPhrases = t.Regions, t.OPDs, t.Entities, t.KeyPhrases
	}
	if s.Issues != nil {
		if err := s.Issues.Place(ctx, &c); err != nil {
			return err // the issue bucket may be back on the next delivery
		}
	}
	data, err := json.Marshal(c)
	if err != nil {
		return Permanent(fmt.Errorf("encoding the result: %w", err))
	}
	if _, err := s.Bus.Publish(ctx, bus.SubjectClassify, c.ID, data); err != nil {
		return err // the bus may be back on the next delivery
	}
	s.Metrics.Classified.WithLabelValues(c.Label).Inc()
	return nil
}

// ValidID checks an article id at a stage's door: the crawler makes ids
// with news.IDFor (32 lowercase hex digits), and the stages, the store and
// issue ids rely on that form.
func ValidID(id string) error {
	if len(id) != 32 {
		return fmt.Errorf("article id %q: want 32 hex digits (news.IDFor), got %d characters", clip(id, 40), len(id))
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return fmt.Errorf("article id %q: want 32 lowercase hex digits (news.IDFor)", id)
		}
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
