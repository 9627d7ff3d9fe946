package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/diskominfo-kaltim/pantau/config"
)

// healthURLs are what a process serves and an operator would ask: its
// metrics endpoint and, when it serves the API, the API's health route.
// Wildcard listen addresses are asked on loopback.
func healthURLs(cfg *config.Config, api bool) []string {
	var urls []string
	if u := localURL(cfg.MetricsAddr); u != "" {
		urls = append(urls, u+"/metrics")
	}
	if api {
		if u := localURL(cfg.APIAddr); u != "" {
			urls = append(urls, u+"/api/health")
		}
	}
	return urls
}

func localURL(addr string) string {
	if addr == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// healthCheck asks every health URL; systemd's watchdog pings only while
// it passes (systemd.Watch). nil when the process serves nothing.
func healthCheck(cfg *config.Config, api bool) func(context.Context) error {
	urls := healthURLs(cfg, api)
	if len(urls) == 0 {
		return nil
	}
	return func(ctx context.Context) error {
		for _, u := range urls {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if err != nil {
				return err
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: %s", u, resp.Status)
			}
		}
		return nil
	}
}
