package cli

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/diskominfo-kaltim/pantau/api"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/door"
	"github.com/diskominfo-kaltim/pantau/httpserver"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/web"
)

// httpParts is what the one HTTP server on api-addr offers besides the
// web app and the API.
type httpParts struct {
	// ln, when set, is the listener to serve on (taken early by the
	// caller); else serveHTTP listens on api-addr.
	ln    net.Listener
	store store.Backend
	// crawler knows the sources' health (pantau run only).
	crawler *crawler.Crawler
	// sendReport sends a day's report now (when e-mail is configured).
	sendReport func(ctx context.Context, day time.Time, force bool) (string, error)
	// door offers the store to other processes: the door's endpoints, the
	// read-only ClickHouse endpoint, and DATA/door.json (pantau run on the
	// embedded store).
	door bool
}

// serveHTTP serves the web app (/), the API (/api/) and, for pantau run,
// the door (/door/v1/, /clickhouse) on cfg.APIAddr until ctx ends.
func serveHTTP(ctx context.Context, env *Env, p httpParts) error {
	cfg, log := env.Config, env.Log
	rs, err := rules(cfg)
	if err != nil {
		return err
	}
	app := &web.Server{Store: p.store, Rules: rs, Log: log.With(slog.String("component", "web")), SendReport: p.sendReport}
	if p.crawler != nil {
		app.Sources = sourceHealth(p.crawler, cfg)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", (&api.Server{Store: p.store, Rules: rs, Token: cfg.APIToken, Log: log}).Handler())
	mux.Handle("/", app.Handler())

	var doorToken string
	if p.door {
		doorToken = door.NewToken()
		ds := &door.Server{Token: doorToken, Store: p.store, Log: log, SendReport: p.sendReport}
		if p.crawler != nil {
			ds.Sources = func(ctx context.Context) (any, error) { return p.crawler.SourceHealth(ctx, cfg.Sources) }
		}
		mux.Handle("/door/v1/", ds.Handler())
		if fq, ok := p.store.(door.FormatQuerier); ok {
			ch := &door.ClickHouse{Store: fq, Log: log, Allow: func(ctx context.Context, user, pw string) bool {
				return door.TokenAllows(doorToken, cfg.APIToken)(ctx, user, pw) || app.CheckCredentials(ctx, user, pw)
			}}
			mux.Handle(door.ClickHousePath, ch)
			mux.Handle(door.ClickHousePath+"/", ch)
		}
	}
	ln := p.ln
	if ln == nil {
		if ln, err = httpserver.Listen(cfg.APIAddr, httpserver.Default); err != nil {
			return err
		}
	}
	if p.door {
		remove, err := door.Advertise(cfg.DataDir, ln.Addr().String(), doorToken)
		if err != nil {
			ln.Close()
			return err
		}
		defer remove()
	}
	log.Info("aplikasi web dan API mendengarkan", slog.String("url", "http://"+ln.Addr().String()+"/"))
	return httpserver.Serve(ctx, httpserver.New(mux, httpserver.Default), ln, httpserver.Default, log)
}

// sourceHealth is the crawler's view of the configured sources, for the
// web app's Sumber page and `pantau sources` through the door.
func sourceHealth(c *crawler.Crawler, cfg *config.Config) func(ctx context.Context) ([]web.SourceHealth, error) {
	return func(ctx context.Context) ([]web.SourceHealth, error) {
		hs, err := c.SourceHealth(ctx, cfg.Sources)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		out := make([]web.SourceHealth, len(hs))
		for i, h := range hs {
			every := cfg.PollInterval
			if i < len(cfg.Sources) && cfg.Sources[i].PollInterval > 0 {
				every = cfg.Sources[i].PollInterval
			}
			out[i] = web.SourceHealth{Name: h.Name, Region: h.Region, Status: h.Status(now, every), LastSuccess: h.LastSuccess,
				LastAttempt: h.LastAttempt, LastReason: h.LastReason, LastError: h.LastError, LastErrorAt: h.LastErrorAt,
				ConsecutiveFailures: h.ConsecutiveFailures, New: h.New, Items: h.Items}
		}
		return out, nil
	}
}

// serveInBackground runs serveHTTP beside the pipeline: a web app that
// cannot listen (the port is taken) is logged, and the pipeline goes on.
// stop shuts the server down (and removes the door) and waits for it.
func serveInBackground(ctx context.Context, env *Env, p httpParts) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := serveHTTP(ctx, env, p); err != nil && !errors.Is(err, context.Canceled) {
			env.Log.Error("aplikasi web tidak berjalan; perintah analis tidak dapat memakai penyimpanan selama pantau run berjalan",
				slog.String("addr", env.Config.APIAddr), slog.Any("error", err))
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
