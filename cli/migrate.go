package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/store"
)

var migrateCommand = &command{
	name:    "migrate",
	args:    "[--cluster NAMA [--print]]",
	summary: "membuat atau memperbarui skema basis data",
	scope:   config.ScopeStore | config.ScopeLog,
	examples: []string{
		"pantau migrate",
		"pantau migrate --clickhouse-dsn clickhouse://pantau@db:9000/pantau",
		"pantau migrate --cluster pantau --print > skema.sql",
	},
	new: func() runner { return &migrateCmd{} },
}

type migrateCmd struct {
	cluster string
	print   bool
}

func (c *migrateCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.cluster, "cluster", "", "`NAMA` klaster ClickHouse tempat skema ON CLUSTER (ReplicatedMergeTree + Distributed) dibuat")
	fs.BoolVar(&c.print, "print", false, "dengan --cluster: cetak DDL-nya, jangan jalankan")
}

func (c *migrateCmd) run(env *Env, _ []string) error {
	if c.print {
		if c.cluster == "" {
			return usageError{"--print memerlukan --cluster NAMA"}
		}
		ddl, err := store.ClusterDDL(env.Config.Database, c.cluster)
		if err != nil {
			return err
		}
		for _, s := range ddl {
			fmt.Fprintf(env.Stdout, "%s;\n\n", s)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if c.cluster != "" {
		if env.Config.ClickHouseDSN == "" {
			return usageError{"--cluster memerlukan server ClickHouse (--clickhouse-dsn)"}
		}
		b, err := pipeline.OpenStore(ctx, env.Config)
		if err != nil {
			return err
		}
		defer b.Close()
		n, err := store.MigrateCluster(ctx, b, c.cluster, env.Log)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "skema klaster %s mutakhir: %d migrasi diterapkan\n", c.cluster, n)
		return printRetention(ctx, env, b, c.cluster)
	}
	b, err := pipeline.OpenStore(ctx, env.Config)
	if err != nil {
		return err
	}
	defer b.Close()
	n, err := store.Migrate(ctx, b, env.Log)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "skema mutakhir: %d migrasi diterapkan, versi %d (%s)\n", n,
		store.Migrations[len(store.Migrations)-1].Version, b.Name())
	return printRetention(ctx, env, b, "")
}
