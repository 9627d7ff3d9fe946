package cli

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/diskominfo-kaltim/pantau/api"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/store"
)

// serveAPI runs the HTTP API on cfg.APIAddr until ctx ends.
func serveAPI(ctx context.Context, cfg *config.Config, b store.Backend, log *slog.Logger) error {
	rs, err := rules(cfg)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.APIAddr, Handler: (&api.Server{Store: b, Rules: rs, Token: cfg.APIToken, Log: log}).Handler(),
		ReadHeaderTimeout: 10 * time.Second}
	shut := make(chan struct{})
	go func() {
		defer close(shut)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	log.Info("API listening", slog.String("addr", cfg.APIAddr))
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	// ListenAndServe returns as Shutdown begins: wait until the requests in
	// flight are answered, so the store is not closed under them.
	<-shut
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
	return serveAPI(ctx, env.Config, b, env.Log)
}
