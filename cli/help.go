package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
)

// scopeTitles head the groups of config options in a command's help.
var scopeTitles = []struct {
	scope config.Scope
	title string
}{
	{config.ScopeStore, "Opsi basis data"},
	{config.ScopeBus, "Opsi NATS"},
	{config.ScopeSources, "Opsi sumber"},
	{config.ScopeFetch, "Opsi pengambilan halaman"},
	{config.ScopeRules, "Opsi aturan rekomendasi"},
	{config.ScopeMail, "Opsi e-mail laporan"},
	{config.ScopeAlert, "Opsi peringatan isu"},
	{config.ScopeAPI, "Opsi HTTP API"},
	{config.ScopeLog, "Opsi log"},
}

// help prints the command's help: usage, what it does, only its own
// options, examples and exit codes.
func (c *command) help(w io.Writer) {
	_, fs, _, own := c.flagSet()
	fmt.Fprintf(w, "Penggunaan: pantau %s", c.name)
	if c.args != "" {
		fmt.Fprintf(w, " %s", c.args)
	}
	fmt.Fprintf(w, " [opsi]\n\n%s\n", c.summary)
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.about))
	}
	// The command's own flags, then the config options by group.
	groups := map[string][]*flag.Flag{}
	var order []string
	fs.VisitAll(func(f *flag.Flag) {
		title := "Opsi"
		if o, ok := config.Lookup(f.Name); ok && !own[f.Name] {
			title = optionGroup(o, c.scope)
		}
		if _, ok := groups[title]; !ok {
			order = append(order, title)
		}
		groups[title] = append(groups[title], f)
	})
	for _, title := range sortedGroups(order) {
		fmt.Fprintf(w, "\n%s:\n", title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, f := range groups[title] {
			name, help := flag.UnquoteUsage(f)
			// A back-quoted word at the start of the help names the value only.
			help = strings.TrimPrefix(help, name+" ")
			fmt.Fprintf(tw, "  --%s %s\t%s%s\n", f.Name, valueName(f, name, own[f.Name]), help, defaultNote(f, own[f.Name]))
		}
		tw.Flush()
	}
	if len(c.examples) > 0 {
		fmt.Fprintln(w, "\nContoh:")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	fmt.Fprintln(w, "\nKode keluar:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, e := range append([]exitCode{{exitOK, "berhasil"}, {exitFailed, "galat saat menjalankan (pesan di stderr)"},
		{exitUsage, "penggunaan salah atau konfigurasi tidak valid"}}, c.exits...) {
		fmt.Fprintf(tw, "  %d\t%s\n", e.code, e.why)
	}
	tw.Flush()
	if c.scope != config.ScopeAll {
		fmt.Fprintln(w, "\nOpsi lain (pantau config) tetap dibaca dari berkas --config dan variabel lingkungan PANTAU_*.")
	}
}

// optionGroup is the heading a config option is listed under.
func optionGroup(o config.Option, cmdScope config.Scope) string {
	if o.Scope&config.ScopeCommon != 0 {
		return "Opsi umum"
	}
	for _, g := range scopeTitles {
		if o.Scope&g.scope != 0 && cmdScope&g.scope != 0 {
			return g.title
		}
	}
	return "Opsi pipeline"
}

// sortedGroups puts the command's own options first, then the config
// groups in scopeTitles order, the pipeline's, and the common ones last.
func sortedGroups(present []string) []string {
	rank := []string{"Opsi"}
	for _, g := range scopeTitles {
		rank = append(rank, g.title)
	}
	rank = append(rank, "Opsi pipeline", "Opsi umum")
	var out []string
	for _, t := range rank {
		if slices.Contains(present, t) {
			out = append(out, t)
		}
	}
	return out
}

// placeholders name the value of flags whose help has no back-quoted
// word.
var placeholders = map[string]string{
	"data": "DIR", "config": "BERKAS", "sources": "BERKAS", "rules": "BERKAS", "opd-map": "BERKAS",
	"nats-url": "URL", "clickhouse-dsn": "DSN", "contact-url": "URL", "database": "NAMA",
	"metrics-addr": "HOST:PORT", "api-addr": "HOST:PORT", "api-token": "TOKEN", "smtp-host": "HOST",
	"smtp-user": "NAMA", "smtp-password": "SANDI", "smtp-tls": "starttls|tls|none", "report-from": "ALAMAT",
	"report-to": "ALAMAT,...", "report-time": "HH:MM", "stages": "TAHAP,...", "user-agent": "TEKS",
	"log-format": "text|json", "log-level": "TINGKAT",
	"since": "PERIODE", "until": "WAKTU", "label": "LABEL", "region": "WILAYAH", "by": "DIMENSI",
	"interval": "day|hour", "format": "tsv|json", "task": "issue|polarity|auto", "vectors": "shipped|new|BERKAS", "model": "BERKAS",
	"note": "TEKS",
}

// valueName is the placeholder shown after a flag: the back-quoted word of
// its help, a name that fits the flag, or one that fits its type.
func valueName(f *flag.Flag, name string, own bool) string {
	if strings.Contains(f.Usage, "`") {
		return name
	}
	if p, ok := placeholders[f.Name]; ok {
		return p
	}
	if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
		return ""
	}
	switch name {
	case "int":
		return "N"
	case "float":
		return "X"
	case "duration":
		return "DURASI"
	}
	if o, ok := config.Lookup(f.Name); ok && !own {
		if _, err := time.ParseDuration(o.Default); err == nil {
			return "DURASI"
		}
		if _, err := strconv.Atoi(o.Default); err == nil {
			return "N"
		}
	}
	return "NILAI"
}

// defaultNote names a flag's default and, for config options, its
// environment variable.
func defaultNote(f *flag.Flag, own bool) string {
	if o, ok := config.Lookup(f.Name); ok && !own {
		env := o.Env()
		if o.Secret {
			env += " atau " + o.Env() + "_FILE"
		}
		if o.Default == "" {
			return " (env " + env + ")"
		}
		return fmt.Sprintf(" (bawaan %s; env %s)", o.Default, env)
	}
	if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
		return ""
	}
	if f.DefValue == "" || f.DefValue == "0" {
		return ""
	}
	return " (bawaan " + f.DefValue + ")"
}

var flagErrors = []struct {
	re  *regexp.Regexp
	out string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(.*)$`), "opsi --$1 tidak dikenal untuk perintah ini"},
	{regexp.MustCompile(`^flag needs an argument: -+(.*)$`), "opsi --$1 memerlukan nilai"},
	{regexp.MustCompile(`^invalid boolean value (".*") for -+(\S+): .*$`), "nilai $1 untuk --$2 bukan true atau false"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+(\S+): .*$`), "nilai $1 tidak valid untuk opsi --$2"},
}

// translateFlagError words the flag package's errors in Bahasa Indonesia.
func translateFlagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	for _, fe := range flagErrors {
		if fe.re.MatchString(err.Error()) {
			return errors.New(fe.re.ReplaceAllString(err.Error(), fe.out))
		}
	}
	return err
}

// describe words the errors analysts meet most — a store in use or out of
// reach, NATS out of reach, network and file errors — in Bahasa
// Indonesia; other errors keep their own (already Indonesian or
// technical) text.
func describe(err error, cfg *config.Config) string {
	switch {
	case strings.Contains(err.Error(), "chdb_connect failed"):
		return fmt.Sprintf("penyimpanan bawaan di %s sedang dipakai proses lain (pantau run, pantau demo atau pantau serve). "+
			"Hentikan proses itu dulu (Ctrl-C di terminalnya, atau systemctl stop pantau), lalu ulangi; "+
			"issues, issue, trend, search, report, sql, label, sources dan user berjalan lewat proses itu bila api-addr-nya aktif",
			filepath.Join(cfg.DataDir, "clickhouse"))
	case errors.Is(err, fetch.ErrPrivateAddress):
		what := "alamat itu"
		var ue *url.Error
		if errors.As(err, &ue) {
			what = "alamat " + ue.URL
		}
		return what + " ada di komputer ini atau di jaringan privat: ditolak kecuali dengan --allow-private " +
			"(mis. halaman pantau demo: pantau extract --allow-private URL)"
	case errors.Is(err, chdb.ErrLibraryNotFound):
		return "mesin ClickHouse bawaan (libchdb.so) tidak ditemukan: jalankan make chdb, atau isi PANTAU_CHDB_LIB dengan lokasinya"
	case errors.Is(err, store.ErrUnavailable):
		return fmt.Sprintf("server ClickHouse tidak dapat dijangkau; periksa clickhouse-dsn (%s) dan apakah server berjalan (%v)",
			config.MaskSecret(cfg.ClickHouseDSN), err)
	case errors.Is(err, context.DeadlineExceeded):
		return "waktu habis sebelum perintah selesai (basis data atau jaringan lambat?); ulangi, atau persempit periodenya (--since)"
	case errors.Is(err, nats.ErrNoServers):
		return fmt.Sprintf("server NATS tidak dapat dijangkau; periksa nats-url (%s) dan apakah server berjalan", config.Redact(cfg.NATSURL))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		what := "alamat " + ue.URL
		var dns *net.DNSError
		switch {
		case errors.As(err, &dns):
			return fmt.Sprintf("%s tidak dapat dijangkau: nama host %q tidak ditemukan (periksa alamat atau koneksi internet)", what, dns.Name)
		case errors.Is(err, syscall.ECONNREFUSED):
			return what + " menolak koneksi (server tidak berjalan atau port salah)"
		case ue.Timeout():
			return what + " tidak menjawab dalam batas waktu"
		case strings.Contains(ue.Err.Error(), "invalid"), strings.Contains(ue.Err.Error(), "missing protocol scheme"),
			strings.Contains(ue.Err.Error(), "unsupported protocol scheme"):
			return fmt.Sprintf("alamat %q tidak valid (contoh: https://media.example/berita/123)", ue.URL)
		}
		return fmt.Sprintf("%s tidak dapat diambil: %v", what, ue.Err)
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(err, os.ErrNotExist):
			return fmt.Sprintf("berkas %s tidak ada", pe.Path)
		case errors.Is(err, os.ErrPermission):
			return fmt.Sprintf("berkas %s tidak boleh dibaca atau ditulis (izin)", pe.Path)
		}
	}
	return err.Error()
}
