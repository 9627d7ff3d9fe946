package cli

import (
	"fmt"

	"github.com/diskominfo-kaltim/pantau/dashboards"
)

// cmdDashboards renders the Grafana dashboards from their definitions.
func cmdDashboards(env *Env, _ []string) error {
	files, err := dashboards.Write(flagFile)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintln(env.Stdout, f)
	}
	return nil
}
