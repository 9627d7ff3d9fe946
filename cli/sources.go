package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
)

var sourcesCommand = &command{
	name:    "sources",
	args:    "[--json]",
	summary: "kesehatan setiap sumber: status, terakhir berhasil, artikel baru, galat terakhir",
	scope:   config.ScopeBus | config.ScopeSources,
	examples: []string{
		"pantau sources",
		"pantau sources --config pantau.yaml --json",
	},
	new: func() runner { return &sourcesCmd{} },
}

type sourcesCmd struct {
	json bool
}

func (c *sourcesCmd) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.json, "json", false, "JSON lines (dengan galat lengkap), bukan tabel")
}

// run shows each configured source's health, for analysts.
func (c *sourcesCmd) run(env *Env, _ []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := env.Config
	hs, err := readSourceHealth(ctx, env) // cli/door.go: through pantau run when it holds the bus
	if err != nil {
		return err
	}
	now := time.Now()
	if c.json {
		enc := json.NewEncoder(env.Stdout)
		for _, h := range hs {
			every := cfg.PollInterval
			enc.Encode(struct {
				crawler.Health
				Status string `json:"status"`
			}{h, h.Status(now, every)})
		}
		return nil
	}
	wita := news.WITA
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return indonesian.Stamp(t.In(wita))
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SUMBER\tJENIS\tWILAYAH\tSTATUS\tINTERVAL\tTERAKHIR BERHASIL\tARTIKEL BARU\tGAGAL BERTURUT\tGALAT TERAKHIR")
	defer fmt.Fprintln(env.Stdout, "\nRincian galat: pantau sources --json")
	for i, h := range hs {
		every := cfg.PollInterval
		if p := cfg.Sources[i].PollInterval; p > 0 {
			every = p
		}
		errText := "-"
		if h.LastReason != "" {
			errText = h.LastReason + " (" + when(h.LastErrorAt) + ")"
		}
		status := h.Status(now, every)
		if status == "ditunda" {
			status += " s.d. " + when(h.BackoffUntil)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.Name, h.Kind, h.Region, status, pollEvery(h.Every()),
			when(h.LastSuccess), indonesian.Int(h.New), num(h.ConsecutiveFailures), errText)
	}
	return tw.Flush()
}

// pollEvery writes a polling interval for analysts: "45 dtk", "5 mnt",
// "1 jam 30 mnt" ("-" before the first pass).
func pollEvery(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%d dtk", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d mnt", int(d.Minutes()))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d jam", int(d.Hours()))
	}
	return fmt.Sprintf("%d jam %d mnt", int(d.Hours()), int(d.Minutes())%60)
}
