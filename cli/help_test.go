package cli

import (
	"bytes"
	"flag"
	"regexp"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/config"
)

// english catches help text left in English.
var english = regexp.MustCompile(`(?i)\b(usage|default|options?|the|of|and|or|with|without|file|directory|print|run|write)\b`)

// TestHelpOfEveryCommand: `pantau help CMD` and `pantau CMD -h` print the
// same help in Bahasa Indonesia, listing exactly the command's own flags
// and the config options of its scope, with examples and exit codes.
func TestHelpOfEveryCommand(t *testing.T) {
	for _, c := range commands {
		var a, b, errb bytes.Buffer
		if code := run([]string{"help", c.name}, nil, &a, &errb); code != 0 {
			t.Fatalf("help %s: exit %d %s", c.name, code, errb.String())
		}
		if code := run([]string{c.name, "-h"}, nil, &b, &errb); code != 0 || a.String() != b.String() {
			t.Fatalf("%s -h: exit %d, same as help: %v", c.name, code, a.String() == b.String())
		}
		h := a.String()
		for _, want := range []string{"Penggunaan: pantau " + c.name, "Contoh:\n  ", "Kode keluar:\n  0  berhasil", "--config BERKAS", "--data "} {
			if !strings.Contains(h, want) {
				t.Errorf("help %s lacks %q:\n%s", c.name, want, h)
			}
		}
		// Every word of the help outside flag names, placeholders,
		// examples and defaults is Indonesian.
		prose := regexp.MustCompile(`(?m)^  (pantau|echo|PANTAU_).*$|pantau [a-z]+|--[a-z-]+|\(bawaan [^)]*\)|env PANTAU_\w+|\$USER`).ReplaceAllString(h, "")
		if m := english.FindAllString(prose, -1); len(m) > 0 {
			t.Errorf("help %s has English words %q:\n%s", c.name, m, prose)
		}
		_, fs, _, own := c.flagSet()
		listed := regexp.MustCompile(`(?m)^  --([a-z-]+)`).FindAllStringSubmatch(h, -1)
		names := map[string]bool{}
		for _, m := range listed {
			names[m[1]] = true
		}
		fs.VisitAll(func(f *flag.Flag) {
			if !names[f.Name] {
				t.Errorf("help %s does not list --%s", c.name, f.Name)
			}
		})
		for name := range names {
			if fs.Lookup(name) == nil {
				t.Errorf("help %s lists --%s, which it does not take", c.name, name)
			}
			o, ok := config.Lookup(name)
			if !ok || own[name] {
				continue
			}
			if c.scope != config.ScopeAll && o.Scope&(c.scope|config.ScopeCommon) == 0 {
				t.Errorf("help %s lists --%s, an option of other commands", c.name, name)
			}
		}
	}
}

// TestOptionsOnlyWhereTheyApply: pipeline options only on run, demo and
// config; store options only where a store is opened; --config and --data
// everywhere.
func TestOptionsOnlyWhereTheyApply(t *testing.T) {
	takes := func(cmd, flagName string) bool {
		_, fs, _, _ := lookup(cmd).flagSet()
		return fs.Lookup(flagName) != nil
	}
	for _, c := range commands {
		if !takes(c.name, "config") || !takes(c.name, "data") {
			t.Errorf("%s lacks --config or --data", c.name)
		}
		pipelineOnly := c.name == "run" || c.name == "demo" || c.name == "config"
		for _, o := range []string{"writer-batch", "poll-interval", "stages", "metrics-addr", "workers", "ack-wait"} {
			if takes(c.name, o) && !pipelineOnly && !(o == "poll-interval" && c.name == "sources") {
				t.Errorf("%s takes the pipeline option --%s", c.name, o)
			}
		}
		opensStore := map[string]bool{"run": true, "demo": true, "config": true, "issues": true, "issue": true, "trend": true,
			"search": true, "report": true, "train": true, "label": true, "serve": true, "sql": true, "migrate": true, "user": true}[c.name]
		if takes(c.name, "clickhouse-dsn") != opensStore {
			t.Errorf("%s: takes --clickhouse-dsn %v, opens a store %v", c.name, takes(c.name, "clickhouse-dsn"), opensStore)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"issues", "--writer-batch", "5"}, nil, &out, &errb); code != 2 ||
		!strings.Contains(errb.String(), "opsi --writer-batch tidak dikenal untuk perintah ini") {
		t.Errorf("issues --writer-batch: exit %d %s", code, errb.String())
	}
}

// TestUsageAndUnknownCommands: the exit codes the help promises.
func TestUsageAndUnknownCommands(t *testing.T) {
	f := func(want int, wantOut string, args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		code := run(args, nil, &out, &errb)
		if code != want || !strings.Contains(out.String()+errb.String(), wantOut) {
			t.Errorf("pantau %v: exit %d, want %d with %q\n%s%s", args, code, want, wantOut, out.String(), errb.String())
		}
	}
	f(2, "Perintah:")
	f(0, "Perintah:", "help")
	f(0, "Perintah:", "--help")
	f(2, `perintah tidak dikenal "hapus"`, "hapus")
	f(2, `perintah tidak dikenal "hapus"`, "help", "hapus")
	f(2, "opsi --since memerlukan nilai", "issues", "--since")
	f(2, `nilai "x" tidak valid untuk opsi --limit`, "search", "banjir", "--limit", "x")
	f(2, `periode "kemarin" tidak dikenal`, "issues", "--since", "kemarin", "--data", t.TempDir())
	f(2, "pakai: pantau issue ID", "issue")
	f(0, "pantau dev", "version")
}
