package cli

import (
	"flag"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/systemd"
)

var serveCommand = &command{
	name:    "serve",
	args:    "[--api-addr A] [--api-token T]",
	summary: "aplikasi web (/) dan HTTP API (/api/...) atas server ClickHouse",
	about: `Melayani aplikasi web untuk analis (masuk dengan akun dari pantau user add) dan HTTP API
(/api/issues, /api/issues/{id}, /api/trend, /api/search, koreksi label; di belakang
Authorization: Bearer api-token, dijelaskan di /api/openapi.yaml). Penyimpanan bawaan (chDB)
hanya boleh dibuka satu proses: pantau run sudah melayani aplikasi web yang sama; pakai serve
dengan server ClickHouse (--clickhouse-dsn).`,
	scope: config.ScopeStore | config.ScopeAPI | config.ScopeRules | config.ScopeLog,
	examples: []string{
		"PANTAU_API_TOKEN_FILE=/etc/pantau/token pantau serve --clickhouse-dsn clickhouse://pantau@db:9000/pantau",
		"pantau serve --clickhouse-dsn clickhouse://pantau@db:9000/pantau --api-addr 0.0.0.0:8080",
	},
	new: func() runner { return &serveCmd{} },
}

type serveCmd struct{}

func (*serveCmd) flags(*flag.FlagSet) {}

// run serves the web app and the HTTP API over the configured store (its
// own: the web app writes sessions, so it does not go through a door).
func (*serveCmd) run(env *Env, _ []string) error {
	ctx, cancel := signalContext()
	defer cancel()
	b, err := pipeline.OpenStore(ctx, env.Config)
	if err != nil {
		return err
	}
	defer b.Close()
	if _, err := store.Migrate(ctx, b, env.Log); err != nil {
		return err
	}
	// The serving process exports its own metrics too (Prometheus scrapes
	// every Pantau process alike), and tells systemd when it serves.
	if err := metrics.New().Serve(ctx, env.Config.MetricsAddr, env.Log); err != nil {
		env.Log.Error("metrics endpoint not started", "addr", env.Config.MetricsAddr, "error", err)
	}
	go systemd.Watch(ctx, healthCheck(env.Config, true), env.Log)
	return serveHTTP(ctx, env, httpParts{store: b}) // cli/web.go
}
