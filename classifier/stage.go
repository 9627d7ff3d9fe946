package classifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// Stage consumes crawled articles, classifies them and publishes the
// results. An article is acknowledged only after its result was accepted by
// the classified stream.
type Stage struct {
	Bus     *bus.Bus
	Model   Model
	Tagger  *tagger.Tagger      // regions, offices, entities, key phrases; nil: none
	Issues  *issuemap.Clusterer // issue assignment; nil: none
	Metrics *metrics.Metrics
	Log     *slog.Logger
	Batch   int // messages fetched per pull
}

const stageName = "classifier"

// Run processes messages until ctx ends.
func (s *Stage) Run(ctx context.Context) error {
	cons, err := s.Bus.Consumer(ctx, bus.StreamArticles, bus.ConsumerClassifier)
	if err != nil {
		return fmt.Errorf("classifier consumer: %w", err)
	}
	batch := s.Batch
	if batch <= 0 {
		batch = 256
	}
	for ctx.Err() == nil {
		msgs, err := cons.Fetch(batch, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			s.Log.Warn("fetching articles", slog.Any("error", err))
			bus.Sleep(ctx, time.Second)
			continue
		}
		for msg := range msgs.Messages() {
			s.handle(ctx, msg)
		}
		if err := msgs.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) && ctx.Err() == nil &&
			!errors.Is(err, context.DeadlineExceeded) {
			s.Log.Warn("article batch", slog.Any("error", err))
		}
	}
	return nil
}

func (s *Stage) handle(ctx context.Context, msg jetstream.Msg) {
	var a news.Article
	if err := json.Unmarshal(msg.Data(), &a); err != nil || a.ID == "" {
		if err == nil {
			err = errors.New("article without id")
		}
		s.deadLetter(ctx, msg, fmt.Errorf("malformed article: %w", err))
		return
	}
	c := Apply(s.Model, a)
	if s.Tagger != nil {
		// An item that names no place is about its outlet's region.
		t := s.Tagger.TagIn(a.Title, a.Text, a.Region)
		c.Regions, c.OPDs, c.Entities, c.KeyPhrases = t.Regions, t.OPDs, t.Entities, t.KeyPhrases
	}
	if s.Issues != nil {
		if err := s.Issues.Place(ctx, &c); err != nil {
			s.Metrics.Failed.WithLabelValues(stageName).Inc()
			s.retryOrDeadLetter(ctx, msg, err)
			return
		}
	}
	data, err := json.Marshal(c)
	if err != nil {
		s.deadLetter(ctx, msg, fmt.Errorf("encoding result: %w", err))
		return
	}
	if _, err := s.Bus.Publish(ctx, bus.SubjectClassify, c.ID, data); err != nil {
		s.Metrics.Failed.WithLabelValues(stageName).Inc()
		s.retryOrDeadLetter(ctx, msg, err)
		return
	}
	if err := msg.Ack(); err != nil {
		s.Log.Warn("acking article", slog.String("id", a.ID), slog.Any("error", err))
		return
	}
	s.Metrics.Classified.WithLabelValues(c.Label).Inc()
}

func (s *Stage) retryOrDeadLetter(ctx context.Context, msg jetstream.Msg, cause error) {
	md, err := msg.Metadata()
	if err == nil && md.NumDelivered >= uint64(s.Bus.Options().MaxDeliver) {
		s.deadLetter(ctx, msg, cause)
		return
	}
	s.Log.Warn("publishing classified article, will retry", slog.Any("error", cause))
	_ = msg.NakWithDelay(2 * time.Second)
}

func (s *Stage) deadLetter(ctx context.Context, msg jetstream.Msg, reason error) {
	s.Metrics.DeadLettered.WithLabelValues(stageName).Inc()
	s.Bus.Reject(ctx, stageName, msg, reason)
}
