package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/demo"
	"github.com/diskominfo-kaltim/pantau/door"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/store"
)

// openShared opens the store for an analyst command. While `pantau run`
// holds the embedded store of this data directory, the store is reached
// through its door (read-only; corrections, users and report sends pass
// to the run process) instead of failing on chDB's lock. Otherwise the
// store is opened here and, with migrate, brought up to date.
func openShared(ctx context.Context, env *Env, log *slog.Logger, migrate bool) (store.Backend, error) {
	if env.Config.ClickHouseDSN == "" {
		c, err := door.Find(ctx, env.Config.DataDir)
		switch {
		case err == nil:
			if log != nil {
				log.Debug("penyimpanan dipakai lewat pantau run", slog.String("url", c.Info.URL()))
			}
			return c.Backend(env.Config.Database), nil
		case !errors.Is(err, door.ErrNoDoor):
			return nil, err
		}
	}
	b, err := pipeline.OpenStore(ctx, env.Config)
	if err != nil {
		if env.Config.ClickHouseDSN == "" {
			return nil, fmt.Errorf("%w\n(penyimpanan %s dipakai proses lain? Bila pantau run berjalan dengan api-addr kosong atau port terpakai, perintah ini tidak dapat memakainya)", err, env.Config.DataDir)
		}
		return nil, err
	}
	if migrate {
		if _, err := store.Migrate(ctx, b, log); err != nil {
			b.Close()
			return nil, err
		}
	}
	return b, nil
}

// throughDoor returns the door client when b is a store reached through
// a running pantau run.
func throughDoor(ctx context.Context, env *Env, b store.Backend) (*door.Client, bool) {
	if _, ok := b.(*door.Backend); !ok {
		return nil, false
	}
	c, err := door.Find(ctx, env.Config.DataDir)
	return c, err == nil
}

// readSourceHealth reads the sources' health from the crawler's state on
// the bus, or, while `pantau run` holds the embedded bus of this data
// directory, from the running crawler through the door.
func readSourceHealth(ctx context.Context, env *Env) ([]crawler.Health, error) {
	cfg := env.Config
	if cfg.NATSURL == "" {
		if c, err := door.Find(ctx, cfg.DataDir); err == nil {
			var hs []crawler.Health
			return hs, c.Sources(ctx, &hs)
		}
	}
	b, err := bus.Open(ctx, bus.Options{URL: cfg.NATSURL, StoreDir: filepath.Join(cfg.DataDir, "nats"), Replicas: cfg.NATSReplicas}, env.Log)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	cr := &crawler.Crawler{Bus: b, Log: env.Log, Metrics: metrics.New()}
	if err := cr.Init(ctx); err != nil {
		return nil, err
	}
	hs, err := cr.SourceHealth(ctx, cfg.Sources)
	if err != nil {
		return nil, err
	}
	more, err := demoHealth(ctx, cr, cfg.Sources)
	if err != nil {
		return nil, err
	}
	return append(hs, more...), nil
}

// demoHealth is the health of the example outlets a pantau demo crawled
// into this data dir (none unless it ran here), besides the configured
// sources: after the demo, pantau sources shows what it crawled.
func demoHealth(ctx context.Context, cr *crawler.Crawler, configured []config.Source) ([]crawler.Health, error) {
	outlets, err := demo.Outlets(time.Now())
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for _, s := range configured {
		names[s.Name] = true
	}
	var srcs []config.Source
	for _, o := range outlets {
		if !names[o.Name] {
			// Only the name is looked up; the feed makes its kind read "feed",
			// as the demo's sources are.
			srcs = append(srcs, config.Source{Name: o.Name, Region: o.Region, Feed: "rss.xml"})
		}
	}
	hs, err := cr.SourceHealth(ctx, srcs)
	if err != nil {
		return nil, err
	}
	crawled := hs[:0]
	for _, h := range hs {
		if !h.LastAttempt.IsZero() {
			crawled = append(crawled, h)
		}
	}
	return crawled, nil
}
