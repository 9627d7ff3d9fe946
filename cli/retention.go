package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/store"
)

// applyRetention sets the retention options as TTLs on mentions (on a
// cluster, on every mentions_local). A store that has no TTL (ClickHouse
// 18.16) or is not ready yet is logged, never fatal: the pipeline runs on.
func applyRetention(ctx context.Context, cfg *config.Config, b store.Backend, cluster string, log *slog.Logger) (store.RetentionResult, error) {
	r := store.Retention{Text: cfg.RetentionText, Social: cfg.RetentionSocial}
	res, err := store.ApplyRetention(ctx, b, r, cluster)
	switch {
	case errors.Is(err, store.ErrNoTTL) && r == (store.Retention{}):
		return res, nil
	case errors.Is(err, store.ErrNoTTL):
		log.Warn("retensi tidak diterapkan: ClickHouse ini tidak mengenal TTL (lihat deploy/README.md, Retensi)",
			slog.Any("error", err), slog.String("retention_text", config.Days(r.Text)), slog.String("retention_social", config.Days(r.Social)))
		return res, err
	case err != nil:
		log.Error("retensi tidak diterapkan", slog.Any("error", err))
		return res, err
	}
	if len(res.Applied) > 0 || res.Skipped != "" {
		log.Info("retensi", slog.String("table", res.Table), slog.Int("changed", len(res.Applied)),
			slog.String("retention_text", config.Days(r.Text)), slog.String("retention_social", config.Days(r.Social)), slog.String("note", res.Skipped))
	}
	return res, nil
}

// printRetention applies the retention for `pantau migrate` and says what
// it did; a store without TTL is reported, not an error.
func printRetention(ctx context.Context, env *Env, b store.Backend, cluster string) error {
	res, err := applyRetention(ctx, env.Config, b, cluster, env.Log)
	switch {
	case errors.Is(err, store.ErrNoTTL):
		fmt.Fprintf(env.Stdout, "retensi tidak diterapkan: %v\n", err)
		return nil
	case err != nil:
		return err
	}
	fmt.Fprintf(env.Stdout, "retensi: %s\n", res)
	return nil
}
