// Package cli holds pantau's subcommands: parsing flags into a config,
// starting what each command needs and printing results. Stage logic lives
// in the stage packages, not here.
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
	"sort"
	"strings"
	"syscall"

	"github.com/diskominfo-kaltim/pantau/config"
)

// Version is set at build time with -ldflags "-X .../cli.Version=...".
var Version = "dev"

type command struct {
	name  string
	usage string
	help  string
	run   func(env *Env, args []string) error
}

// Env is what a command runs with.
type Env struct {
	Stdout, Stderr io.Writer
	Config         *config.Config
	Log            *slog.Logger
	Flags          *flag.FlagSet
	Set            map[string]string // options given on the command line
}

var commands = []command{
	{"run", "run [--once]", "menjalankan seluruh pipeline (crawl → klasifikasi → simpan)", cmdRun},
	{"demo", "demo", "demo tanpa internet: situs berita contoh di loopback, lalu pipeline", cmdDemo},
	{"classify", "classify [--model FILE]", "klasifikasi JSON lines {id,title,text,kind} dari stdin ke stdout", cmdClassify},
	{"eval", "eval --data FILE.jsonl [--model FILE]", "mengukur model pada data berlabel (empat kelas atau polaritas)", cmdEval},
	{"train", "train [--out FILE] [--folds 5] [--force]", "melatih model dari data repositori dan koreksi analis, diukur dengan validasi silang", cmdTrain},
	{"label", "label ID LABEL [--by NAMA]", "mengoreksi label sebuah artikel (dipakai pelatihan berikutnya)", cmdLabel},
	{"issues", "issues [--since 7d] [--region R] [--label L] [--json]", "daftar isu: sebaran sentimen, lonjakan, rekomendasi", cmdIssues},
	{"issue", "issue ID [--json]", "rincian satu isu: angka, rekomendasi, bahan narasi, artikel", cmdIssue},
	{"trend", "trend [--by label|region|outlet|opd|issue] [--interval day|hour] [--since 30d]", "jumlah dan sentimen berita per hari atau per jam", cmdTrend},
	{"search", `search "kata kunci" [--since 30d]`, "mencari berita", cmdSearch},
	{"report", "report [--date YYYY-MM-DD] [--out F.html|F.pdf] [--send] [--force]", "laporan sentimen harian untuk Kadis (teks, HTML, PDF, atau kirim e-mail)", cmdReport},
	{"dashboards", "dashboards [--out DIR]", "menulis dasbor Grafana (JSON) dari definisinya", cmdDashboards},
	{"serve", "serve --api-token T [--api-addr A]", "HTTP API (JSON di /api/...)", cmdServe},
	{"sources", "sources [--json]", "kesehatan setiap sumber: status, terakhir berhasil, galat", cmdSources},
	{"extract", "extract FILE|URL", "menampilkan teks artikel hasil ekstraksi (judul, baris kosong, isi)", cmdExtract},
	{"sql", `sql [--format tsv|json] "QUERY"`, "menjalankan query pada basis data", cmdSQL},
	{"migrate", "migrate [--cluster NAME [--print]]", "membuat/memperbarui skema basis data", cmdMigrate},
	{"config", "config", "menampilkan konfigurasi efektif (rahasia disamarkan)", cmdConfig},
	{"version", "version", "menampilkan versi", cmdVersion},
}

// Main runs pantau with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == args[0] {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "pantau: perintah tidak dikenal %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("pantau "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	set := map[string]string{}
	config.RegisterFlags(fs, set)
	env := &Env{Stdout: stdout, Stderr: stderr, Flags: fs, Set: set}
	extra := commandFlags(cmd.name, fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Penggunaan: pantau %s\n\n%s\n\nOpsi:\n", cmd.usage, cmd.help)
		fs.PrintDefaults()
	}
	// Flags may come before or after positional arguments.
	var positional []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	cfg, err := config.Load(set, nil)
	if err != nil {
		fmt.Fprintf(stderr, "pantau: konfigurasi tidak valid:\n%v\n", err)
		return 2
	}
	env.Config = cfg
	env.Log = newLogger(stderr, cfg)
	_ = extra
	if err := cmd.run(env, positional); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "pantau %s: %v\n", cmd.name, err)
			return 2
		}
		fmt.Fprintf(stderr, "pantau %s: %v\n", cmd.name, err)
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Per-command flags beyond the shared options.
var (
	flagOnce   bool
	flagFormat string
)

func commandFlags(name string, fs *flag.FlagSet) bool {
	switch name {
	case "run":
		fs.BoolVar(&flagOnce, "once", false, "crawl every source once, wait until everything is stored, print a summary, exit")
	case "sql":
		fs.StringVar(&flagFormat, "format", "tsv", "output format: tsv (with a header row) or json (JSON lines)")
	case "classify", "eval", "train":
		classifierFlags(name, fs)
	case "report":
		fs.StringVar(&flagDate, "date", "", "day of the report (YYYY-MM-DD, WITA); default yesterday")
		fs.StringVar(&flagFile, "out", "", "write report.html or report.pdf instead of printing the text")
		fs.BoolVar(&flagSend, "send", false, "send it by e-mail to report-to")
		fs.BoolVar(&flagForce, "force", false, "with --send: send even if that day's report went out")
	case "migrate":
		fs.StringVar(&flagCluster, "cluster", "", "create the ON CLUSTER schema (ReplicatedMergeTree + Distributed) on this ClickHouse cluster")
		fs.BoolVar(&flagPrint, "print", false, "with --cluster: print the DDL instead of running it")
	case "dashboards":
		fs.StringVar(&flagFile, "out", "dashboards/grafana", "directory for the dashboard JSON files")
	case "sources":
		fs.BoolVar(&flagJSON, "json", false, "JSON lines instead of a table")
	case "issues", "issue":
		periodFlags(fs, "7d", true)
		fs.StringVar(&flagRegion, "region", "", "only issues in this kabupaten/kota (e.g. \"Kota Samarinda\")")
		fs.StringVar(&flagLabel, "label", "", "only issues whose dominant label is this")
		fs.IntVar(&flagLimit, "limit", 20, "issues listed at most")
		fs.BoolVar(&flagJSON, "json", false, "JSON instead of a table")
	case "trend":
		periodFlags(fs, "30d", true)
		fs.StringVar(&flagDim, "by", "label", "label, region, outlet, opd or issue")
		fs.StringVar(&flagInterval, "interval", "day", "day or hour (WITA)")
		fs.IntVar(&flagLimit, "limit", 10, "with --by issue: the most mentioned issues of the period")
		fs.BoolVar(&flagJSON, "json", false, "JSON lines instead of a table")
	case "search":
		periodFlags(fs, "30d", false)
		fs.IntVar(&flagLimit, "limit", 20, "results at most")
		fs.BoolVar(&flagJSON, "json", false, "JSON lines instead of a table")
	case "extract":
		fs.BoolVar(&flagAllowPrivate, "allow-private", false, "allow loopback and private addresses")
	case "label":
		fs.StringVar(&flagBy, "by", "", "analyst name (default $USER)")
		fs.StringVar(&flagNote, "note", "", "why the label changed")
	}
	return true
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "pantau — pemantauan media dan analisis sentimen untuk Diskominfo\n\nPenggunaan: pantau <perintah> [opsi]\n\nPerintah:\n")
	cmds := append([]command(nil), commands...)
	sort.SliceStable(cmds, func(i, j int) bool { return false })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.help)
	}
	fmt.Fprintf(w, "\nSetiap perintah menerima --config FILE dan --data DIR (bawaan ./data). `pantau <perintah> -h` untuk opsi lengkap.\n")
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
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// signalContext ends on SIGINT or SIGTERM.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// periodFlags are the analyst commands' period: --since, and --until where
// a period can end before now.
func periodFlags(fs *flag.FlagSet, since string, until bool) {
	fs.StringVar(&flagSince, "since", since, "period: 24h, 7d, 30d, ...")
	if until {
		fs.StringVar(&flagUntil, "until", "", "end of the period: YYYY-MM-DD (00:00 WITA) or RFC 3339; default now")
	}
}
