package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/diskominfo-kaltim/pantau/config"
)

// TestComposeMatchesTheBinary: every Pantau service in the compose file
// runs a real subcommand with real stages and options.
func TestComposeMatchesTheBinary(t *testing.T) {
	data, err := os.ReadFile("../deploy/compose/docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	options := map[string]bool{}
	for _, o := range config.Options {
		options[o.Env()] = true
	}
	known := map[string]bool{}
	for _, c := range commands {
		known[c.name] = true
	}
	pantau := 0
	for name, s := range doc.Services {
		if !strings.Contains(s.Image, "pantau") {
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

// TestSystemdUnitsMatchTheBinary: every unit runs a command with flags
// that command takes.
func TestSystemdUnitsMatchTheBinary(t *testing.T) {
	units, err := filepath.Glob("../deploy/systemd/*.service")
	if err != nil || len(units) == 0 {
		t.Fatalf("no units: %v", err)
	}
	for _, u := range units {
		data, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			cmd, ok := strings.CutPrefix(line, "ExecStart=/usr/local/bin/pantau ")
			if !ok {
				continue
			}
			if err := acceptsArgs(strings.Fields(cmd)); err != nil {
				t.Errorf("%s: pantau %s: %v", u, cmd, err)
			}
		}
	}
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
