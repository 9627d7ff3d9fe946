package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/store"
)

var migrateCommand = &command{
	name:    "migrate",
	args:    "[--cluster NAMA [--print]]",
	summary: "membuat atau memperbarui skema basis data, lalu memeriksa dan membuat lagi tabel yang hilang",
	about: `Menerapkan migrasi yang belum tercatat (juga migrasi yang terhenti di tengah), lalu memeriksa
setiap tabel dan view Pantau: yang hilang (mis. terhapus) dibuat lagi dengan
bentuk terakhirnya. mention_facts diisi lagi dari mentions dan regions_ref dengan isinya; isi tabel
lain yang terhapus tidak dapat dikembalikan (tabelnya kembali kosong).`,
	scope: config.ScopeStore | config.ScopeLog,
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
	repaired, err := store.Repair(ctx, b, env.Log)
	if err != nil {
		return err
	}
	if len(repaired) == 0 {
		fmt.Fprintf(env.Stdout, "diperiksa: %d tabel dan view ada semua\n", len(store.Objects()))
	} else {
		var made []string
		for _, r := range repaired {
			how := "kosong; isinya yang lama hilang"
			switch {
			case r.View:
				how = "view"
			case r.Filled:
				how = "diisi lagi"
			}
			made = append(made, fmt.Sprintf("%s (%s)", r.Name, how))
		}
		fmt.Fprintf(env.Stdout, "dibuat lagi: %s\n", strings.Join(made, ", "))
	}
	return printRetention(ctx, env, b, "")
}
