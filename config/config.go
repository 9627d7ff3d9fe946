// Package config holds Pantau's options — one typed table with defaults,
// help, environment variables (PANTAU_*, and *_FILE for secrets) and
// secret masking — and the sources file that analysts edit. It reads files
// and the environment only when asked; no other package reads config
// globally.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Config is the effective configuration of one pantau process.
type Config struct {
	DataDir       string
	ConfigFile    string
	NATSURL       string
	ClickHouseDSN string
	Database      string
	MetricsAddr   string
	LogFormat     string
	LogLevel      string
	PollInterval  time.Duration
	PollMin       time.Duration
	PollMax       time.Duration
	UserAgent     string
	ContactURL    string
	WriterBatch   int
	WriterFlush   time.Duration
	Workers       int
	MaxPageBytes  int
	FetchTimeout  time.Duration
	DrainTimeout  time.Duration
	HostDelay     time.Duration
	AckWait       time.Duration
	APIAddr       string
	APIToken      string
	RulesFile     string
	OPDMapFile    string
	SMTPHost      string
	SMTPPort      int
	SMTPUser      string
	SMTPPassword  string
	SMTPTLS       string
	ReportFrom    string
	ReportTo      string
	ReportTime    string
	Alert         AlertConfig // early warning: who hears of issues that spike or turn negative
	Stages        string
	NATSReplicas  int
	SourcesFile   string
	Social        Credentials // the office's keys and tokens for social sources
	Sync          string
	SyncInterval  time.Duration

	// How long mentions keep their text and social items (ClickHouse TTLs).
	RetentionText   time.Duration
	RetentionSocial time.Duration
	Model           string // classifier model file; empty: the shipped model

	Sources []Source
}

// AlertConfig is the early warning's options (package alert).
type AlertConfig struct {
	To             string // e-mail for every alert, comma separated
	TelegramToken  string
	TelegramChat   string // chats for every alert, comma separated
	TelegramAPI    string
	RecipientsFile string // per-office recipients (YAML)
	Quiet          string // HH:MM-HH:MM WITA
	Interval       time.Duration
}

// Enabled reports whether alerts have somewhere to go: Telegram, or
// e-mail through an SMTP server.
func (a AlertConfig) Enabled(smtpHost string) bool {
	return a.TelegramToken != "" || smtpHost != "" && (a.To != "" || a.RecipientsFile != "")
}

// Option is one row of the options table.
type Option struct {
	Name    string // key in the config file and flag name with dashes
	Help    string // in Bahasa Indonesia: `pantau CMD -h` shows it
	Default string
	Secret  bool
	Scope   Scope // the commands besides run and demo that take it as a flag
	set     func(c *Config, v string) error
	get     func(c *Config) string
}

// Scope says which commands take an option as a flag: run and demo take
// every option; the others only those of the scopes they name. Whatever
// the command, every option is still read from the config file and the
// environment.
type Scope uint16

// The scopes of options.
const (
	ScopeCommon  Scope = 1 << iota // every command: --config, --data
	ScopeStore                     // commands that open the store
	ScopeBus                       // commands that open NATS
	ScopeFetch                     // commands that fetch web pages
	ScopeRules                     // commands that draft recommendations
	ScopeMail                      // commands that send the report
	ScopeAPI                       // commands that serve the HTTP API
	ScopeLog                       // commands that log their progress
	ScopeSources                   // commands that read the sources
	ScopeAlert                     // commands that send early warnings (run, demo)
	// ScopeAll is run's and demo's: every option.
	ScopeAll Scope = 1<<16 - 1
)

// Env is the environment variable for the option.
func (o Option) Env() string {
	return "PANTAU_" + strings.ToUpper(strings.ReplaceAll(o.Name, "-", "_"))
}

func str(name, def, help string, p func(*Config) *string) Option {
	return Option{Name: name, Default: def, Help: help,
		set: func(c *Config, v string) error { *p(c) = v; return nil },
		get: func(c *Config) string { return *p(c) }}
}

func dur(name, def, help string, p func(*Config) *time.Duration) Option {
	return Option{Name: name, Default: def, Help: help,
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s: %q bukan durasi (contoh: 10m, 1s)", name, v)
			}
			*p(c) = d
			return nil
		},
		get: func(c *Config) string { return p(c).String() }}
}

func integer(name, def, help string, p func(*Config) *int) Option {
	return Option{Name: name, Default: def, Help: help,
		set: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%s: %q bukan bilangan bulat", name, v)
			}
			*p(c) = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(*p(c)) }}
}

// days is a retention period: whole days as "180d" (or a Go duration of
// whole days); "0" keeps forever.
func days(name, def, help string, p func(*Config) *time.Duration) Option {
	return Option{Name: name, Default: def, Help: help,
		set: func(c *Config, v string) error {
			var d time.Duration
			if n, ok := strings.CutSuffix(v, "d"); ok {
				k, err := strconv.Atoi(n)
				if err != nil || k < 0 {
					return fmt.Errorf("%s: %q bukan jumlah hari (contoh: 180d, atau 0 untuk selamanya)", name, v)
				}
				d = time.Duration(k) * 24 * time.Hour
			} else if v != "0" {
				var err error
				if d, err = time.ParseDuration(v); err != nil || d < 0 || d%(24*time.Hour) != 0 {
					return fmt.Errorf("%s: %q bukan jumlah hari (contoh: 180d, atau 0 untuk selamanya)", name, v)
				}
			}
			*p(c) = d
			return nil
		},
		get: func(c *Config) string { return Days(*p(c)) }}
}

// Days prints a retention period as the options take it: "180d", or "0".
func Days(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func secret(o Option) Option { o.Secret = true; return o }

// in puts an option on the commands of scope s (besides run and demo).
func in(s Scope, o Option) Option { o.Scope |= s; return o }

// Options is the table of every option.
var Options = []Option{
	in(ScopeCommon, str("data", "./data", "direktori data: penyimpanan NATS dan ClickHouse bawaan (embedded)", func(c *Config) *string { return &c.DataDir })),
	in(ScopeCommon, str("config", "", "berkas konfigurasi (YAML): opsi dan sumber, atau daftar sumber saja", func(c *Config) *string { return &c.ConfigFile })),
	in(ScopeBus, str("nats-url", "", "URL server atau klaster NATS; kosong: NATS berjalan di dalam proses", func(c *Config) *string { return &c.NATSURL })),
	in(ScopeBus, integer("nats-replicas", "1", "replika stream dan bucket Pantau (3 pada klaster NATS 3 node)", func(c *Config) *int { return &c.NATSReplicas })),
	in(ScopeStore, secret(str("clickhouse-dsn", "", "DSN ClickHouse (clickhouse://user:pass@host:9000/pantau); kosong: chDB di dalam proses", func(c *Config) *string { return &c.ClickHouseDSN }))),
	in(ScopeStore, str("database", "pantau", "basis data penyimpanan bawaan (chDB)", func(c *Config) *string { return &c.Database })),
	str("metrics-addr", "127.0.0.1:9464", "alamat endpoint Prometheus /metrics; kosong: tidak ada", func(c *Config) *string { return &c.MetricsAddr }),
	in(ScopeLog, str("log-format", "text", "format log: text atau json", func(c *Config) *string { return &c.LogFormat })),
	in(ScopeLog, str("log-level", "info", "tingkat log: debug, info, warn, error", func(c *Config) *string { return &c.LogLevel })),
	in(ScopeSources, dur("poll-interval", "10m", "seberapa sering setiap sumber dirayapi pada awalnya (lalu menyesuaikan, antara poll-min dan poll-max)", func(c *Config) *time.Duration { return &c.PollInterval })),
	in(ScopeSources, dur("poll-min", "1m", "jeda terpendek antara dua perayapan sumber yang sering terbit", func(c *Config) *time.Duration { return &c.PollMin })),
	in(ScopeSources, dur("poll-max", "30m", "jeda terpanjang antara dua perayapan sumber yang jarang terbit", func(c *Config) *time.Duration { return &c.PollMax })),
	in(ScopeFetch, str("user-agent", "Pantau/0.1 (media monitoring Diskominfo Kaltim)", "User-Agent yang dikirim ke media", func(c *Config) *string { return &c.UserAgent })),
	in(ScopeFetch, str("contact-url", "https://diskominfo.kaltimprov.go.id", "URL kontak yang ditambahkan ke User-Agent", func(c *Config) *string { return &c.ContactURL })),
	integer("writer-batch", "10000", "baris paling banyak per insert", func(c *Config) *int { return &c.WriterBatch }),
	dur("writer-flush", "1s", "waktu tunggu paling lama sebelum batch yang belum penuh disimpan", func(c *Config) *time.Duration { return &c.WriterFlush }),
	integer("workers", "4", "sumber yang dirayapi bersamaan", func(c *Config) *int { return &c.Workers }),
	in(ScopeFetch, integer("max-page-bytes", "5242880", "ukuran halaman atau feed terbesar yang dibaca, dalam byte", func(c *Config) *int { return &c.MaxPageBytes })),
	in(ScopeFetch, dur("fetch-timeout", "20s", "batas waktu satu permintaan HTTP", func(c *Config) *time.Duration { return &c.FetchTimeout })),
	dur("drain-timeout", "2m", "berapa lama --once (dan penghentian) menunggu pipeline tuntas", func(c *Config) *time.Duration { return &c.DrainTimeout }),
	str("sync", "always", "kapan penyimpanan bawaan menulis ke disk: always (fsync sebelum setiap pengakuan: artikel yang sudah diakui selamat dari listrik padam) atau interval (JetStream setiap sync-interval, chDB saat OS menulis: selamat bila pantau mati, tidak bila mesin mati; sekitar 2,5 kali lebih cepat, lihat README)", func(c *Config) *string { return &c.Sync }),
	dur("sync-interval", "2m", "dengan sync: interval, seberapa sering JetStream bawaan menulis ke disk", func(c *Config) *time.Duration { return &c.SyncInterval }),
	dur("ack-wait", "30s", "berapa lama satu tahap boleh menahan pesan sebelum dikirim ulang", func(c *Config) *time.Duration { return &c.AckWait }),
	dur("host-delay", "1s", "jeda antara dua permintaan ke host yang sama", func(c *Config) *time.Duration { return &c.HostDelay }),
	in(ScopeAPI, str("api-addr", "127.0.0.1:8080", "alamat aplikasi web, HTTP API dan pintu penyimpanan (pantau run, pantau serve); kosong: tidak ada", func(c *Config) *string { return &c.APIAddr })),
	in(ScopeAPI, secret(str("api-token", "", "token Bearer yang diminta HTTP API (/api/); kosong: API menolak semua permintaan", func(c *Config) *string { return &c.APIToken }))),
	in(ScopeRules, str("rules", "", "berkas aturan strategi komunikasi (YAML); kosong: aturan bawaan", func(c *Config) *string { return &c.RulesFile })),
	str("opd-map", "", "pemetaan topik → OPD (YAML seperti tagger/data/opd.yaml); kosong: pemetaan bawaan", func(c *Config) *string { return &c.OPDMapFile }),
	in(ScopeMail, str("smtp-host", "", "server SMTP untuk laporan harian; kosong: tanpa e-mail", func(c *Config) *string { return &c.SMTPHost })),
	in(ScopeMail, integer("smtp-port", "587", "port SMTP", func(c *Config) *int { return &c.SMTPPort })),
	in(ScopeMail, str("smtp-user", "", "pengguna SMTP (kosong: tanpa autentikasi)", func(c *Config) *string { return &c.SMTPUser })),
	in(ScopeMail, secret(str("smtp-password", "", "kata sandi SMTP", func(c *Config) *string { return &c.SMTPPassword }))),
	in(ScopeMail, str("smtp-tls", "starttls", "starttls, tls (langsung, port 465) atau none", func(c *Config) *string { return &c.SMTPTLS })),
	in(ScopeMail, str("report-from", "pantau@localhost", "pengirim laporan harian", func(c *Config) *string { return &c.ReportFrom })),
	in(ScopeMail, str("report-to", "", "penerima laporan harian, dipisah koma", func(c *Config) *string { return &c.ReportTo })),
	in(ScopeMail, str("report-time", "07:00", "jam pantau run mengirim laporan kemarin (HH:MM WITA)", func(c *Config) *string { return &c.ReportTime })),
	in(ScopeAlert, str("alert-to", "", "penerima e-mail peringatan isu untuk semua isu, dipisah koma (lewat server SMTP di atas)", func(c *Config) *string { return &c.Alert.To })),
	in(ScopeAlert, secret(str("alert-telegram-token", "", "token bot Telegram untuk peringatan isu; kosong: tanpa Telegram", func(c *Config) *string { return &c.Alert.TelegramToken }))),
	in(ScopeAlert, str("alert-telegram-chat", "", "chat Telegram (id atau @kanal) yang menerima semua peringatan, dipisah koma", func(c *Config) *string { return &c.Alert.TelegramChat })),
	in(ScopeAlert, str("alert-telegram-api", "https://api.telegram.org", "alamat Telegram Bot API", func(c *Config) *string { return &c.Alert.TelegramAPI })),
	in(ScopeAlert, str("alert-recipients", "", "berkas penerima peringatan per OPD (YAML: - opd, email, telegram)", func(c *Config) *string { return &c.Alert.RecipientsFile })),
	in(ScopeAlert, str("alert-quiet", "", "jam tenang tanpa peringatan (HH:MM-HH:MM WITA, contoh 22:00-06:00); yang muncul dikirim sesudahnya", func(c *Config) *string { return &c.Alert.Quiet })),
	in(ScopeAlert, dur("alert-interval", "30s", "seberapa sering penyimpanan diperiksa untuk peringatan isu", func(c *Config) *time.Duration { return &c.Alert.Interval })),
	str("stages", "crawler,classifier,writer,reporter,alerter", "tahap yang dijalankan pantau run (crawler, classifier, writer, reporter, alerter), untuk menjalankannya sebagai layanan terpisah", func(c *Config) *string { return &c.Stages }),
	in(ScopeSources, str("sources", "", "berkas sumber (daftar YAML); kosong: sumber Kaltim bawaan", func(c *Config) *string { return &c.SourcesFile })),
	days("retention-text", "0", "berapa lama teks berita disimpan (mis. 730d; baris, label dan hitungannya tetap); 0: selamanya; TTL ClickHouse, perlu chDB atau ClickHouse 21.8+", func(c *Config) *time.Duration { return &c.RetentionText }),
	days("retention-social", "180d", "berapa lama butir media sosial (kind sosmed) disimpan, seluruh baris; 0: selamanya; TTL ClickHouse, perlu chDB atau ClickHouse 21.8+", func(c *Config) *time.Duration { return &c.RetentionSocial }),
	in(ScopeSources, secret(str("youtube-api-key", "", "kunci YouTube Data API v3 milik kantor (komentar sumber youtube)", func(c *Config) *string { return &c.Social.YouTubeAPIKey }))),
	in(ScopeSources, secret(str("graph-token", "", "token Graph API jangka panjang milik Page kantor (sumber facebook dan instagram)", func(c *Config) *string { return &c.Social.GraphToken }))),
	in(ScopeSources, secret(str("x-bearer-token", "", "bearer token X API v2 milik kantor (sumber x)", func(c *Config) *string { return &c.Social.XBearerToken }))),
	in(ScopeSources, secret(str("tiktok-client-key", "", "client key TikTok Research API (sumber tiktok)", func(c *Config) *string { return &c.Social.TikTokClientKey }))),
	in(ScopeSources, secret(str("tiktok-client-secret", "", "client secret TikTok Research API (sumber tiktok)", func(c *Config) *string { return &c.Social.TikTokClientSecret }))),
	str("model", "", "berkas model klasifikasi dari pantau train; lexicon: pengklasifikasi leksikon sederhana sebagai pembanding; kosong: model bawaan", func(c *Config) *string { return &c.Model }),
}

// Lookup returns the option named name.
func Lookup(name string) (Option, bool) {
	for _, o := range Options {
		if o.Name == name {
			return o, true
		}
	}
	return Option{}, false
}

// RegisterFlags adds to fs the options of scope (all of them with
// ScopeAll) that fs does not define yet; values given on the command line
// are recorded in set.
func RegisterFlags(fs *flag.FlagSet, set map[string]string, scope Scope) {
	for _, o := range Options {
		if scope != ScopeAll && o.Scope&scope == 0 || fs.Lookup(o.Name) != nil {
			continue
		}
		name := o.Name
		fs.Func(name, o.Help, func(v string) error {
			set[name] = v
			return nil
		})
	}
}

// Load builds the effective config. Precedence: flags, environment
// (NAME, or NAME_FILE for secrets), config file, defaults.
func Load(flags map[string]string, env func(string) string) (*Config, error) {
	if env == nil {
		env = os.Getenv
	}
	c := &Config{}
	for _, o := range Options {
		if err := o.set(c, o.Default); err != nil {
			return nil, err
		}
	}
	envVals := map[string]string{}
	for _, o := range Options {
		if v := env(o.Env()); v != "" {
			envVals[o.Name] = v
		} else if p := env(o.Env() + "_FILE"); p != "" {
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("%s_FILE: berkas rahasia tidak dapat dibaca: %w", o.Env(), err)
			}
			envVals[o.Name] = strings.TrimSpace(string(b))
		}
	}
	// The config file path itself may come from a flag or the environment.
	file := flags["config"]
	if file == "" {
		file = envVals["config"]
	}
	fileVals := map[string]string{}
	var fileSources []Source
	var fileSourcesSet bool
	if file != "" {
		vals, src, have, err := readConfigFile(file)
		if err != nil {
			return nil, err
		}
		for k, v := range vals {
			fileVals[k] = v.value // each already checked, with its line
		}
		fileSources, fileSourcesSet = src, have
	}
	for _, layer := range []struct {
		vals  map[string]string
		where func(o Option) string
	}{
		{fileVals, func(Option) string { return file }},
		{envVals, func(o Option) string { return o.Env() }},
		{flags, func(o Option) string { return "--" + o.Name }},
	} {
		keys := make([]string, 0, len(layer.vals))
		for k := range layer.vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			o, ok := Lookup(k)
			if !ok {
				return nil, fmt.Errorf("opsi %q tidak dikenal", k)
			}
			if err := o.set(c, layer.vals[k]); err != nil {
				return nil, fmt.Errorf("%s: %w", layer.where(o), err)
			}
		}
	}
	switch {
	case c.SourcesFile != "":
		src, err := LoadSourcesFile(c.SourcesFile)
		if err != nil {
			return nil, err
		}
		c.Sources = src
	case fileSourcesSet:
		c.Sources = fileSources
	default:
		src, err := ParseSources("sources bawaan", DefaultSources)
		if err != nil {
			return nil, fmt.Errorf("sumber bawaan: %w", err)
		}
		c.Sources = src
	}
	BindCredentials(c.Sources, c.Social)
	return c, c.Validate()
}

// Validate checks rules that involve more than one option.
func (c *Config) Validate() error {
	var errs []error
	if c.DataDir == "" && (c.NATSURL == "" || c.ClickHouseDSN == "") {
		errs = append(errs, errors.New("data: direktori data diperlukan untuk NATS atau ClickHouse bawaan"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format: %q bukan text atau json", c.LogFormat))
	}
	if c.PollInterval < time.Minute/2 {
		errs = append(errs, fmt.Errorf("poll-interval: %s terlalu sering untuk sopan (paling sedikit 30s)", c.PollInterval))
	}
	if c.Sync != "interval" && c.Sync != "always" {
		errs = append(errs, fmt.Errorf("sync: %q bukan interval atau always", c.Sync))
	}
	if c.SyncInterval < time.Second {
		errs = append(errs, fmt.Errorf("sync-interval: %s kurang dari 1s", c.SyncInterval))
	}
	if c.PollMin < time.Minute/2 {
		errs = append(errs, fmt.Errorf("poll-min: %s terlalu sering untuk sopan (paling sedikit 30s)", c.PollMin))
	}
	if c.PollMin > c.PollMax {
		errs = append(errs, fmt.Errorf("poll-min %s lebih panjang dari poll-max %s", c.PollMin, c.PollMax))
	}
	if c.AckWait < time.Second {
		errs = append(errs, fmt.Errorf("ack-wait: %s kurang dari 1s", c.AckWait))
	}
	if c.WriterBatch < 1 || c.WriterBatch > 1_000_000 {
		errs = append(errs, fmt.Errorf("writer-batch: %d di luar 1..1000000", c.WriterBatch))
	}
	if c.Workers < 1 || c.Workers > 64 {
		errs = append(errs, fmt.Errorf("workers: %d di luar 1..64", c.Workers))
	}
	if c.SMTPTLS != "starttls" && c.SMTPTLS != "tls" && c.SMTPTLS != "none" {
		errs = append(errs, fmt.Errorf("smtp-tls: %q bukan starttls, tls atau none", c.SMTPTLS))
	}
	if q := c.Alert.Quiet; q != "" {
		a, b, ok := strings.Cut(q, "-")
		_, err1 := time.Parse("15:04", strings.TrimSpace(a))
		_, err2 := time.Parse("15:04", strings.TrimSpace(b))
		if !ok || err1 != nil || err2 != nil {
			errs = append(errs, fmt.Errorf("alert-quiet: %q bukan rentang HH:MM-HH:MM (contoh 22:00-06:00)", q))
		}
	}
	if c.Alert.Interval < time.Second {
		errs = append(errs, fmt.Errorf("alert-interval: %s di bawah 1s", c.Alert.Interval))
	}
	if _, err := time.Parse("15:04", c.ReportTime); err != nil {
		errs = append(errs, fmt.Errorf("report-time: %q bukan HH:MM", c.ReportTime))
	}
	if c.NATSReplicas < 1 || c.NATSReplicas > 5 {
		errs = append(errs, fmt.Errorf("nats-replicas: %d di luar 1..5", c.NATSReplicas))
	}
	if c.NATSReplicas > 1 && c.NATSURL == "" {
		errs = append(errs, errors.New("nats-replicas di atas 1 memerlukan klaster NATS (nats-url)"))
	}
	for _, st := range strings.Split(c.Stages, ",") {
		switch strings.TrimSpace(st) {
		case "crawler", "classifier", "writer", "reporter", "alerter":
		default:
			errs = append(errs, fmt.Errorf("stages: tahap %q tidak dikenal (crawler, classifier, writer, reporter, alerter)", st))
		}
	}
	if c.MaxPageBytes < 1024 {
		errs = append(errs, fmt.Errorf("max-page-bytes: %d terlalu kecil (paling sedikit 1024)", c.MaxPageBytes))
	}
	return errors.Join(errs...)
}

// HasStage reports whether pantau run starts the named stage.
func (c *Config) HasStage(name string) bool {
	for _, st := range strings.Split(c.Stages, ",") {
		if strings.TrimSpace(st) == name {
			return true
		}
	}
	return false
}
