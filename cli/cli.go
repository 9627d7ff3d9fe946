// Package cli holds pantau's subcommands: each command's own flags, its
// help in Bahasa Indonesia, starting what it needs and printing results.
// Stage logic lives in the stage packages, not here.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/diskominfo-kaltim/pantau/config"
)

// Version is set at build time with -ldflags "-X .../cli.Version=...".
var Version = "dev"

// Exit codes every command shares; `pantau run --once` adds its own.
const (
	exitOK     = 0
	exitFailed = 1 // the command failed
	exitUsage  = 2 // wrong arguments or an invalid configuration
)

// command is one entry of the command table: its help and a constructor
// for its flags and run function.
type command struct {
	name     string
	args     string       // positional arguments and main flags, for the usage line
	summary  string       // one line, for `pantau help`
	about    string       // more detail, for `pantau help CMD`
	scope    config.Scope // the config options it takes as flags
	examples []string
	exits    []exitCode // codes beyond 0, 1 and 2
	new      func() runner
}

type exitCode struct {
	code int
	why  string
}

// runner is a command's own flags and what it does with them. Each
// command declares its flags beside its code, in its own flag set.
type runner interface {
	flags(fs *flag.FlagSet)
	run(env *Env, args []string) error
}

// Env is what a command runs with.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Config         *config.Config
	Log            *slog.Logger
}

// commands in the order `pantau help` lists them.
var commands = []*command{
	runCommand, demoCommand, sourcesCommand, extractCommand,
	issuesCommand, issueCommand, trendCommand, searchCommand, reportCommand,
	classifyCommand, evalCommand, trainCommand, labelCommand,
	serveCommand, userCommand, dashboardsCommand, sqlCommand, migrateCommand, dlqCommand, backupCommand, restoreCommand, configCommand, versionCommand,
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Main runs pantau with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	return run(args, os.Stdin, stdout, stderr)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			usage(stdout)
			return exitOK
		}
		cmd := lookup(args[1])
		if cmd == nil {
			fmt.Fprintf(stderr, "pantau: perintah tidak dikenal %q; daftar perintah: pantau help\n", args[1])
			return exitUsage
		}
		cmd.help(stdout)
		return exitOK
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "pantau: perintah tidak dikenal %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	r, fs, set, _ := cmd.flagSet()
	positional, err := parse(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		cmd.help(stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "pantau %s: %v\nBantuan: pantau help %s\n", cmd.name, err, cmd.name)
		return exitUsage
	}
	cfg, err := config.Load(set, nil)
	if err != nil {
		fmt.Fprintf(stderr, "pantau: konfigurasi tidak valid:\n%v\n", err)
		return exitUsage
	}
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Config: cfg, Log: newLogger(stderr, cfg)}
	if err := r.run(env, positional); err != nil {
		fmt.Fprintf(stderr, "pantau %s: %s\n", cmd.name, config.Redact(describe(err, cfg)))
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "Bantuan: pantau help %s\n", cmd.name)
			return exitUsage
		}
		var ee exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return exitFailed
	}
	return exitOK
}

// flagSet builds the command's flag set: its own flags first (named in
// own), then the config options of its scope, whose values given on the
// command line go to set.
func (c *command) flagSet() (r runner, fs *flag.FlagSet, set map[string]string, own map[string]bool) {
	r = c.new()
	fs = flag.NewFlagSet("pantau "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported in Bahasa Indonesia by Main
	fs.Usage = func() {}
	r.flags(fs)
	own = map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { own[f.Name] = true })
	set = map[string]string{}
	config.RegisterFlags(fs, set, c.scope|config.ScopeCommon)
	return r, fs, set, own
}

// parse reads flags that may come before or after positional arguments;
// "--" ends the flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, translateFlagError(err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		if len(args) > fs.NArg() && args[len(args)-fs.NArg()-1] == "--" {
			return append(positional, fs.Args()...), nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// usageError is a mistake in how a command was called: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitError ends a command with its own exit code.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

func usage(w io.Writer) {
	fmt.Fprintf(w, "pantau — pemantauan media dan analisis sentimen untuk Diskominfo\n\nPenggunaan: pantau <perintah> [opsi]\n\nPerintah:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nSetiap perintah menerima --config BERKAS dan --data DIR (bawaan ./data).\n"+
		"Bantuan satu perintah dengan opsinya, contoh dan kode keluarnya: pantau help <perintah> (atau pantau <perintah> -h).\n")
}

func newLogger(w io.Writer, cfg *config.Config) *slog.Logger {
	var lvl slog.Level
	switch strings.ToLower(cfg.LogLevel) {
	case "debug":
		lvl = slog.LevelDebug
	case "warn":
		lvl = slog.LevelWarn
	case "error":
		lvl = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: redactAttr}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// redactAttr masks credentials in every logged value and message
// (config.Redact: the redaction `pantau config` uses too).
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	var s string
	switch a.Value.Kind() {
	case slog.KindString:
		s = a.Value.String()
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case error:
			s = v.Error()
		case fmt.Stringer:
			s = v.String()
		default:
			return a
		}
	default:
		return a
	}
	return slog.String(a.Key, config.Redact(s))
}

// signalContext ends on SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
