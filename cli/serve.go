package cli

import (
	"context"
	"flag"
	"log/slog"

	"github.com/diskominfo-kaltim/pantau/api"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/httpserver"
	"github.com/diskominfo-kaltim/pantau/store"
)

// serveAPI runs the HTTP API on cfg.APIAddr until ctx ends, with the
// limits every Pantau listener has (httpserver.Default).
func serveAPI(ctx context.Context, cfg *config.Config, b store.Backend, log *slog.Logger) error {
	rs, err := rules(cfg)
	if err != nil {
		return err
	}
	h := (&api.Server{Store: b, Rules: rs, Token: cfg.APIToken, Log: log}).Handler()
	ln, err := httpserver.Listen(cfg.APIAddr, httpserver.Default)
	if err != nil {
		return err
	}
	log.Info("API mendengarkan", slog.String("addr", ln.Addr().String()))
	return httpserver.Serve(ctx, httpserver.New(h, httpserver.Default), ln, httpserver.Default, log)
}

var serveCommand = &command{
	name:    "serve",
	args:    "--api-token T [--api-addr A]",
	summary: "HTTP API (JSON di /api/..., dijelaskan di /api/openapi.yaml)",
	about: `Melayani /api/issues, /api/issues/{id}, /api/trend, /api/search dan koreksi label di belakang
Authorization: Bearer. Penyimpanan bawaan (chDB) hanya boleh dibuka satu proses: bila pantau run
sedang berjalan pada --data yang sama, isi api-token pada pantau run saja, atau pakai server
ClickHouse (--clickhouse-dsn).`,
	scope: config.ScopeStore | config.ScopeAPI | config.ScopeRules | config.ScopeLog,
	examples: []string{
		"PANTAU_API_TOKEN_FILE=/etc/pantau/token pantau serve --clickhouse-dsn clickhouse://pantau@db:9000/pantau",
		"pantau serve --api-token rahasia --api-addr 127.0.0.1:8080",
	},
	new: func() runner { return &serveCmd{} },
}

type serveCmd struct{}

func (*serveCmd) flags(*flag.FlagSet) {}

// run serves the HTTP API over the configured store.
func (*serveCmd) run(env *Env, _ []string) error {
	if env.Config.APIToken == "" {
		return usageError{"api-token wajib diisi (--api-token, PANTAU_API_TOKEN atau PANTAU_API_TOKEN_FILE)"}
	}
	ctx, cancel := signalContext()
	defer cancel()
	b, err := openStore(ctx, env, env.Log)
	if err != nil {
		return err
	}
	defer b.Close()
	return serveAPI(ctx, env.Config, b, env.Log)
}
