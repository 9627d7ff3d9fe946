package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

func cmdRun(env *Env, _ []string) error {
	ctx, cancel := signalContext()
	defer cancel()
	p, err := pipeline.Open(ctx, env.Config, env.Log)
	if err != nil {
		return err
	}
	defer p.Close()
	if env.Config.APIToken != "" {
		p.Register("api", func(ctx context.Context) error { return serveAPI(ctx, env.Config, p.Store, env.Log) })
	}
	if !flagOnce && env.Config.HasStage("reporter") && env.Config.SMTPHost != "" && env.Config.ReportTo != "" {
		claims, err := report.OpenClaims(ctx, p.Bus.JS, p.Bus.Options().Replicas)
		if err != nil {
			return err
		}
		rs, err := rules(env.Config)
		if err != nil {
			return err
		}
		host, _ := os.Hostname()
		s := &report.Sender{Store: p.Store, Claims: claims, Mailer: mailer(env.Config), Rules: rs, Log: env.Log,
			Metrics: p.Metrics, Instance: fmt.Sprintf("%s/%d", host, os.Getpid())}
		p.Register("reporter", func(ctx context.Context) error { scheduleReports(ctx, env.Config, s, env.Log); return nil })
		env.Log.Info("laporan harian dijadwalkan", "time", env.Config.ReportTime+" WITA", "to", env.Config.ReportTo)
	}
	sum, err := p.Run(ctx, flagOnce)
	if flagOnce && sum.Took > 0 {
		fmt.Fprintln(env.Stdout, sum.String())
	}
	return err
}

func cmdMigrate(env *Env, _ []string) error {
	if flagPrint {
		if flagCluster == "" {
			return usageError{"--print needs --cluster NAME"}
		}
		ddl, err := store.ClusterDDL(env.Config.Database, flagCluster)
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
	if flagCluster != "" {
		if env.Config.ClickHouseDSN == "" {
			return usageError{"--cluster needs a ClickHouse server (--clickhouse-dsn)"}
		}
		b, err := pipeline.OpenStore(ctx, env.Config)
		if err != nil {
			return err
		}
		defer b.Close()
		n, err := store.MigrateCluster(ctx, b, flagCluster, env.Log)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "skema klaster %s mutakhir: %d migrasi diterapkan\n", flagCluster, n)
		return nil
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
	return nil
}

func cmdSQL(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{`pakai: pantau sql "SELECT ..."`}
	}
	if flagFormat != "tsv" && flagFormat != "json" {
		return usageError{fmt.Sprintf("format %q tidak dikenal (tsv atau json)", flagFormat)}
	}
	ctx, cancel := signalContext()
	defer cancel()
	b, err := pipeline.OpenStore(ctx, env.Config)
	if err != nil {
		return err
	}
	defer b.Close()
	res, err := b.Query(ctx, args[0], nil)
	if err != nil {
		return err
	}
	if flagFormat == "json" {
		return writeJSONLines(env, res)
	}
	return res.WriteTSV(env.Stdout)
}

func writeJSONLines(env *Env, res *store.Result) error {
	enc := jsonOut(env)
	for _, r := range res.Rows {
		obj := make(orderedRow, len(r))
		for i, v := range r {
			obj[i] = field{res.Columns[i], jsonValue(res.Types[i], v)}
		}
		if err := enc.Encode(obj); err != nil {
			return err
		}
	}
	return nil
}

type field struct {
	k string
	v any
}

// orderedRow keeps the query's column order in the JSON object.
type orderedRow []field

func (o orderedRow) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// jsonValue gives numbers as JSON numbers and everything else as strings.
func jsonValue(typ, v string) any {
	t := strings.TrimSuffix(strings.TrimPrefix(typ, "Nullable("), ")")
	if v == `\N` {
		return nil
	}
	if strings.HasPrefix(t, "Int") || strings.HasPrefix(t, "UInt") || strings.HasPrefix(t, "Float") {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return json.Number(v)
		}
	}
	return v
}

func cmdConfig(env *Env, _ []string) error {
	fmt.Fprint(env.Stdout, env.Config.Print())
	return nil
}

func cmdVersion(env *Env, _ []string) error {
	fmt.Fprintf(env.Stdout, "pantau %s\n", Version)
	return nil
}
