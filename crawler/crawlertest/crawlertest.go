// Package crawlertest runs the real crawler on an embedded NATS server for
// the tests of the crawler's connectors: a connector is tested through the
// same polling, dedup, cursor and back-off code that runs in production,
// against an httptest server playing the platform.
package crawlertest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Open starts an embedded bus with its store under dir (reuse dir to test
// a restart) and a crawler on it; both close with the test unless closed
// before. Requests time out after a minute: the connector tests do not
// test the timeout, and a loaded machine is slow.
func Open(t testing.TB, dir string, log *slog.Logger) (*crawler.Crawler, *bus.Bus) {
	t.Helper()
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b, err := bus.Open(context.Background(), bus.Options{StoreDir: dir}, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	c := &crawler.Crawler{Fetcher: crawler.NewFetcher("Pantau-test", time.Minute, 4<<20), Bus: b,
		Metrics: metrics.New(), Log: log, HostDelay: time.Millisecond}
	if err := c.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c, b
}

// Articles returns every article on the articles stream, in order. It
// reads as many as the stream holds, waiting as long as a loaded machine
// needs for them to be delivered (not "until none come for a while").
func Articles(t testing.TB, b *bus.Bus) []news.Article {
	t.Helper()
	ctx := context.Background()
	stream, err := b.JS.Stream(ctx, bus.StreamArticles)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := int(info.State.Msgs)
	cons, err := b.JS.OrderedConsumer(ctx, bus.StreamArticles, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []news.Article
	for len(out) < want {
		batch, err := cons.Fetch(want-len(out), jetstream.FetchMaxWait(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			var a news.Article
			if err := json.Unmarshal(m.Data(), &a); err != nil {
				t.Fatalf("article message: %v", err)
			}
			out = append(out, a)
			n++
		}
		if n == 0 {
			t.Fatalf("%d of the stream's %d articles delivered", len(out), want)
		}
	}
	return out
}

// Health returns the stored health of src.
func Health(t testing.TB, c *crawler.Crawler, src config.Source) crawler.Health {
	t.Helper()
	hs, err := c.SourceHealth(context.Background(), []config.Source{src})
	if err != nil {
		t.Fatal(err)
	}
	return hs[0]
}
