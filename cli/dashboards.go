package cli

import (
	"flag"
	"fmt"

	"github.com/diskominfo-kaltim/pantau/dashboards"
)

var dashboardsCommand = &command{
	name:     "dashboards",
	args:     "[--out DIR]",
	summary:  "menulis dasbor Grafana (JSON) dari definisinya",
	examples: []string{"pantau dashboards", "pantau dashboards --out /var/lib/grafana/dashboards"},
	new:      func() runner { return &dashboardsCmd{} },
}

type dashboardsCmd struct {
	out string
}

func (c *dashboardsCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "out", "dashboards/grafana", "`DIR` tujuan berkas JSON dasbor")
}

// run renders the Grafana dashboards from their definitions.
func (c *dashboardsCmd) run(env *Env, _ []string) error {
	files, err := dashboards.Write(c.out)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(env.Stdout, f)
	}
	return nil
}
