package cli

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/store"
)

var trendCommand = &command{
	name:    "trend",
	args:    "[--by label|region|outlet|opd|issue] [--interval day|hour] [--since 30d]",
	summary: "jumlah dan sentimen berita per hari atau per jam (WITA) menurut label, wilayah, media, OPD atau isu",
	scope:   config.ScopeStore,
	examples: []string{
		"pantau trend",
		"pantau trend --by region --since 7d",
		"pantau trend --by issue --interval hour --since 48h --limit 5",
		"pantau trend --by outlet --json",
	},
	new: func() runner { return &trendCmd{} },
}

type trendCmd struct {
	period       periodFlags
	by, interval string
	limit        int
	json         bool
}

// trendHeads are the key column's heading per dimension.
var trendHeads = map[string]string{"label": "LABEL", "region": "WILAYAH", "outlet": "MEDIA", "opd": "OPD", "issue": "ISU"}

func (c *trendCmd) flags(fs *flag.FlagSet) {
	c.period.register(fs, "30d", true)
	fs.StringVar(&c.by, "by", "label", "dikelompokkan menurut "+strings.Join(store.TrendDimensions, ", "))
	fs.StringVar(&c.interval, "interval", "day", "per day (hari) atau hour (jam), WITA")
	fs.IntVar(&c.limit, "limit", 10, "dengan --by issue: isu yang paling banyak diberitakan pada periode itu")
	fs.BoolVar(&c.json, "json", false, "JSON lines, bukan tabel")
}

// run prints mentions per day or hour by label, region, outlet, OPD or
// issue, with their sentiment mix.
func (c *trendCmd) run(env *Env, _ []string) error {
	if !slices.Contains(store.TrendDimensions, c.by) {
		return usageError{fmt.Sprintf("--by %q tidak dikenal; pilih %s", c.by, strings.Join(store.TrendDimensions, ", "))}
	}
	if !slices.Contains(store.TrendIntervals, c.interval) {
		return usageError{fmt.Sprintf("--interval %q tidak dikenal; pilih %s", c.interval, strings.Join(store.TrendIntervals, " atau "))}
	}
	if c.limit < 1 || c.limit > 100 {
		return usageError{"--limit harus 1..100"}
	}
	w, err := c.period.window()
	if err != nil {
		return err
	}
	if c.interval == "hour" && w.Until.Sub(w.Since) > 31*24*time.Hour {
		return usageError{"--interval hour: periode paling panjang 31 hari (contoh: --since 7d)"}
	}
	q, err := openQuery(env, false)
	if err != nil {
		return err
	}
	defer q.close()
	pts, err := store.Trend(q.ctx, q.b, store.TrendQuery{By: c.by, Interval: c.interval, Since: w.Since, Until: w.Until, Issues: c.limit})
	if err != nil {
		return err
	}
	if c.json {
		return encodeEach(env, pts)
	}
	if len(pts) == 0 {
		fmt.Fprintf(env.Stdout, "Tidak ada berita dalam %s. Periode lebih panjang: --since 90d\n", c.period.describe())
		return nil
	}
	when := "TANGGAL (WITA)"
	if c.interval == "hour" {
		when = "JAM (WITA)"
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\tBERITA\tPOS\tNET\tBERPOT\tNEG\n", when, trendHeads[c.by])
	for _, p := range pts {
		key := p.Key
		if p.Name != "" {
			key = p.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\n", p.Period, cut(key, 40), p.Count, p.ByLabel[0], p.ByLabel[1], p.ByLabel[2], p.ByLabel[3])
	}
	return tw.Flush()
}
