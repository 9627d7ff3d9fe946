package cli

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/diskominfo-kaltim/pantau/config"
)

// The test binary doubles as the pantau binary: the deploy tests run the
// commands of the compose file and the systemd units as processes.
func init() {
	if os.Getenv("PANTAU_TEST_AS_BINARY") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
}

type composeHealth struct {
	Test    []string `yaml:"test"`
	Disable bool     `yaml:"disable"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Healthcheck *composeHealth    `yaml:"healthcheck"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	Secrets     []string          `yaml:"secrets"`
}

func readCompose(t *testing.T) map[string]composeService {
	t.Helper()
	data, err := os.ReadFile("../deploy/compose/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]composeService `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Services
}

func isPantau(s composeService) bool { return strings.Contains(s.Image, "pantau") }

// TestComposeMatchesTheBinary: every Pantau service in the compose file
// runs a real subcommand with real stages and options.
func TestComposeMatchesTheBinary(t *testing.T) {
	options := map[string]bool{}
	for _, o := range config.Options {
		options[o.Env()] = true
	}
	known := map[string]bool{}
	for _, c := range commands {
		known[c.name] = true
	}
	pantau := 0
	for name, s := range readCompose(t) {
		if !isPantau(s) {
			continue
		}
		pantau++
		if len(s.Command) == 0 || !known[s.Command[0]] {
			t.Errorf("service %s runs unknown command %v", name, s.Command)
		} else if err := acceptsArgs(s.Command); err != nil {
			t.Errorf("service %s: pantau %v: %v", name, s.Command, err)
		}
		for i, a := range s.Command {
			if a == "--stages" {
				cfg := &config.Config{Stages: s.Command[i+1]}
				for _, st := range strings.Split(cfg.Stages, ",") {
					if st != "crawler" && st != "classifier" && st != "writer" && st != "reporter" {
						t.Errorf("service %s: unknown stage %q", name, st)
					}
				}
			}
		}
		for k := range s.Environment {
			if strings.HasPrefix(k, "PANTAU_") && !options[strings.TrimSuffix(k, "_FILE")] {
				t.Errorf("service %s sets %s, which is no option", name, k)
			}
		}
	}
	if pantau < 6 {
		t.Errorf("%d Pantau services, want migrate, crawler, classifier, writer, reporter, api", pantau)
	}
}

// healthURL is the URL a compose health check asks (wget -qO- URL).
func healthURL(h *composeHealth) (*url.URL, error) {
	if h == nil || h.Disable || len(h.Test) < 2 {
		return nil, fmt.Errorf("no health check")
	}
	cmd := h.Test
	if cmd[0] == "CMD" {
		cmd = cmd[1:]
	}
	if len(cmd) < 2 || cmd[0] != "wget" {
		return nil, fmt.Errorf("health check %v is not `wget URL`", h.Test)
	}
	u, err := url.Parse(cmd[len(cmd)-1])
	if err != nil {
		return nil, err
	}
	if u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" {
		return nil, fmt.Errorf("health check asks %s, not the container itself", u.Host)
	}
	return u, nil
}

func portOf(addr string) string {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return p
}

// servedBy is what a Pantau service serves, from its command and
// environment: /metrics on metrics-addr, /api/health on api-addr when it
// serves the web app and API.
func servedBy(s composeService) map[string]string {
	served := map[string]string{}
	if p := portOf(s.Environment["PANTAU_METRICS_ADDR"]); p != "" {
		served[p+"/metrics"] = "metrics"
	}
	// serve, and run (the web app beside the pipeline), serve the API on
	// api-addr unless it is emptied.
	addr := s.Environment["PANTAU_API_ADDR"]
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	for _, a := range s.Command {
		if a == "--api-addr=" {
			addr = ""
		}
	}
	api := len(s.Command) > 0 && (s.Command[0] == "serve" || s.Command[0] == "run")
	if p := portOf(addr); api && p != "" {
		served[p+"/api/health"] = "api"
	}
	return served
}

// thirdParty is what the other images serve, by image name: the port and
// path of their own health endpoints, and a command-line or environment
// setting that must be there for it (e.g. NATS's monitoring port).
var thirdParty = map[string]struct{ port, path, needs string }{
	"clickhouse/clickhouse-server":    {"8123", "/ping", ""},
	"nats":                            {"8222", "/healthz", "-m 8222"},
	"caddy":                           {"2019", "/config/", "PANTAU_CADDY_ADMIN=127.0.0.1:2019"},
	"prom/prometheus":                 {"9090", "/-/healthy", ""},
	"prom/alertmanager":               {"9093", "/-/healthy", ""},
	"prom/node-exporter":              {"9100", "/metrics", ""},
	"grafana/grafana":                 {"3000", "/api/health", ""},
	"natsio/prometheus-nats-exporter": {"7777", "/metrics", "-port 7777"},
}

func imageName(image string) string {
	name, _, _ := strings.Cut(image, ":")
	return name
}

// TestComposeHealthChecks: every service's health check asks a port and
// path that the service serves (Pantau's from its options, the others'
// from their images' documented endpoints); only Caddy publishes ports;
// Prometheus scrapes what the services serve; mounted files exist.
func TestComposeHealthChecks(t *testing.T) {
	services := readCompose(t)
	noCheck := map[string]string{
		"migrate":       "runs once and exits",
		"nats-exporter": "scratch image without a shell: Prometheus's up{job=\"nats\"} watches it",
	}
	for name, s := range services {
		if len(s.Ports) > 0 && name != "caddy" {
			t.Errorf("service %s publishes %v: only Caddy (TLS) may", name, s.Ports)
		}
		if why, ok := noCheck[name]; ok {
			if s.Healthcheck == nil || !s.Healthcheck.Disable {
				t.Errorf("service %s: expected no health check (%s)", name, why)
			}
			continue
		}
		u, err := healthURL(s.Healthcheck)
		if err != nil {
			t.Errorf("service %s: %v", name, err)
			continue
		}
		if isPantau(s) {
			if servedBy(s)[u.Port()+u.Path] == "" {
				t.Errorf("service %s: health check asks :%s%s; %v serves %v", name, u.Port(), u.Path, s.Command, servedBy(s))
			}
			continue
		}
		tp, ok := thirdParty[imageName(s.Image)]
		if !ok {
			t.Errorf("service %s: image %s has no known health endpoint here", name, s.Image)
			continue
		}
		if u.Port() != tp.port || u.Path != tp.path {
			t.Errorf("service %s: health check asks :%s%s, %s serves :%s%s", name, u.Port(), u.Path, s.Image, tp.port, tp.path)
		}
		if tp.needs != "" {
			k, v, isEnv := strings.Cut(tp.needs, "=")
			if isEnv && s.Environment[k] != v || !isEnv && !strings.Contains(strings.Join(s.Command, " "), tp.needs) {
				t.Errorf("service %s: needs %q for its health endpoint", name, tp.needs)
			}
		}
	}

	// Prometheus's targets are services serving metrics on that port.
	data, err := os.ReadFile("../deploy/compose/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	var prom struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			Job         string `yaml:"job_name"`
			MetricsPath string `yaml:"metrics_path"`
			Static      []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(data, &prom); err != nil {
		t.Fatal(err)
	}
	for _, sc := range prom.ScrapeConfigs {
		path := sc.MetricsPath
		if path == "" {
			path = "/metrics"
		}
		for _, st := range sc.Static {
			for _, target := range st.Targets {
				host, port, _ := net.SplitHostPort(target)
				s, ok := services[host]
				switch {
				case !ok:
					t.Errorf("job %s scrapes %s: no such service", sc.Job, target)
				case isPantau(s):
					if servedBy(s)[port+path] != "metrics" {
						t.Errorf("job %s scrapes %s%s; the service serves %v", sc.Job, target, path, servedBy(s))
					}
				default:
					tp := thirdParty[imageName(s.Image)]
					if tp.path != path || tp.port != port {
						t.Errorf("job %s scrapes %s%s; %s serves metrics on :%s%s", sc.Job, target, path, s.Image, tp.port, tp.path)
					}
				}
			}
		}
	}
	for _, f := range prom.RuleFiles {
		local := strings.Replace(f, "/etc/prometheus/pantau/", "../deploy/prometheus/", 1)
		if _, err := os.Stat(local); err != nil {
			t.Errorf("rule file %s: %v", f, err)
		}
	}
	// Files and directories the compose file mounts exist in deploy/.
	for name, s := range services {
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, ".") {
				continue // a named volume or a host path
			}
			if _, err := os.Stat(filepath.Join("../deploy/compose", src)); err != nil {
				t.Errorf("service %s mounts %s: %v", name, src, err)
			}
		}
	}
}

// unit is a systemd unit file's [Service] settings, in order.
type unit struct {
	path    string
	service [][2]string
}

func readUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unit{path: path}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			section = line
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: bad line %q", path, line)
		}
		if section == "[Service]" {
			u.service = append(u.service, [2]string{k, v})
		}
	}
	return u
}

func (u unit) get(key string) []string {
	var out []string
	for _, kv := range u.service {
		if kv[0] == key {
			out = append(out, kv[1])
		}
	}
	return out
}

// TestUnitsMatchTheBinary: every unit runs a real command with real
// options, is Type=notify with a watchdog (pantau reports READY and pings
// only while its endpoints answer), and reads the config file and
// credentials that deploy/install.sh writes.
func TestUnitsMatchTheBinary(t *testing.T) {
	known := map[string]bool{}
	for _, c := range commands {
		known[c.name] = true
	}
	options := map[string]bool{}
	for _, o := range config.Options {
		options[o.Env()] = true
	}
	units, _ := filepath.Glob("../deploy/systemd/*.service")
	if len(units) < 3 {
		t.Fatalf("units: %v", units)
	}
	for _, path := range units {
		u := readUnit(t, path)
		exec := strings.Fields(strings.Join(u.get("ExecStart"), " "))
		if len(exec) > 1 && exec[0] == "/usr/local/bin/pantau" {
			if err := acceptsArgs(exec[1:]); err != nil {
				t.Errorf("%s: pantau %v: %v", path, exec[1:], err)
			}
		}
		if got := u.get("Type"); len(got) == 1 && got[0] == "oneshot" {
			// A job, not a service: the nightly backup.
			if !strings.Contains(strings.Join(exec, " "), "/usr/local/bin/pantau backup") {
				t.Errorf("%s: oneshot unit runs %v", path, exec)
			}
			continue
		}
		if got := u.get("Type"); len(got) != 1 || got[0] != "notify" {
			t.Errorf("%s: Type=%v, want notify", path, got)
		}
		if len(u.get("WatchdogSec")) != 1 || len(u.get("NotifyAccess")) != 1 {
			t.Errorf("%s: needs WatchdogSec and NotifyAccess=main", path)
		}
		if len(exec) < 2 || exec[0] != "/usr/local/bin/pantau" || !known[exec[1]] {
			t.Errorf("%s: ExecStart %v", path, exec)
		}
		if got := u.get("Environment"); !contains(got, "PANTAU_CONFIG=/etc/pantau/pantau.yaml") {
			t.Errorf("%s: does not read /etc/pantau/pantau.yaml", path)
		}
		creds := map[string]bool{}
		for _, c := range u.get("LoadCredential") {
			id, src, _ := strings.Cut(c, ":")
			creds[id] = true
			if !strings.HasPrefix(src, "/etc/pantau/secrets/") {
				t.Errorf("%s: credential %s from %s", path, id, src)
			}
		}
		for _, e := range u.get("Environment") {
			k, v, _ := strings.Cut(e, "=")
			if strings.HasPrefix(k, "PANTAU_") && !options[strings.TrimSuffix(k, "_FILE")] {
				t.Errorf("%s sets %s, which is no option", path, k)
			}
			if strings.HasPrefix(v, "%d/") && !creds[strings.TrimPrefix(v, "%d/")] {
				t.Errorf("%s: %s reads a credential the unit does not load", path, k)
			}
		}
		if strings.Contains(strings.Join(u.get("Environment"), " "), "PANTAU_METRICS_ADDR=") && !strings.Contains(strings.Join(u.get("Environment"), " "), "PANTAU_METRICS_ADDR=127") {
			t.Errorf("%s switches metrics off: the Operasional dashboard and the alerts need them", path)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// get asks a health URL once.
func get(ctx context.Context, u string) error {
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
	return nil
}

// acceptsArgs parses args with the flags of the command they name.
func acceptsArgs(args []string) error {
	c := lookup(args[0])
	if c == nil {
		return fmt.Errorf("unknown command %q", args[0])
	}
	_, fs, _, _ := c.flagSet()
	_, err := parse(fs, args[1:])
	return err
}
