package cli

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/diskominfo-kaltim/pantau/api"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/systemd"
)

// serveAPI runs the HTTP API on cfg.APIAddr until ctx ends.
func serveAPI(ctx context.Context, cfg *config.Config, b store.Backend, log *slog.Logger) error {
	rs, err := rules(cfg)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.APIAddr, Handler: (&api.Server{Store: b, Rules: rs, Token: cfg.APIToken, Log: log}).Handler(),
		ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	log.Info("API listening", slog.String("addr", cfg.APIAddr))
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// cmdServe serves the HTTP API over the configured store. With the
// embedded store, run the API inside `pantau run` instead (set api-token):
// the store belongs to one process.
func cmdServe(env *Env, _ []string) error {
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
	// The API process exports its own metrics too (Prometheus scrapes every
	// Pantau process alike), and tells systemd when it serves.
	if err := metrics.New().Serve(ctx, env.Config.MetricsAddr, env.Log); err != nil {
		env.Log.Error("metrics endpoint not started", "addr", env.Config.MetricsAddr, "error", err)
	}
	go systemd.Watch(ctx, healthCheck(env.Config, true), env.Log)
	return serveAPI(ctx, env.Config, b, env.Log)
}
