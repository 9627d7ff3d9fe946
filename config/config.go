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
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
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
	Stages        string
	NATSReplicas  int
	SourcesFile   string
	Model         string

	Sources []Source
}

// Option is one row of the options table.
type Option struct {
	Name    string // key in the config file and flag name with dashes
	Help    string
	Default string
	Secret  bool
	set     func(c *Config, v string) error
	get     func(c *Config) string
}

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
				return fmt.Errorf("%s: %q is not a duration (e.g. 10m, 1s)", name, v)
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
				return fmt.Errorf("%s: %q is not a whole number", name, v)
			}
			*p(c) = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(*p(c)) }}
}

func secret(o Option) Option { o.Secret = true; return o }

// Options is the table of every option.
var Options = []Option{
	str("data", "./data", "data directory: embedded NATS and ClickHouse stores", func(c *Config) *string { return &c.DataDir }),
	str("config", "", "config file (YAML): options and sources, or just a list of sources", func(c *Config) *string { return &c.ConfigFile }),
	str("nats-url", "", "NATS server or cluster URL; empty runs NATS in process", func(c *Config) *string { return &c.NATSURL }),
	integer("nats-replicas", "1", "replicas of Pantau's streams and buckets (3 on a 3-node NATS cluster)", func(c *Config) *int { return &c.NATSReplicas }),
	secret(str("clickhouse-dsn", "", "ClickHouse DSN (clickhouse://user:pass@host:9000/pantau); empty runs chDB in process", func(c *Config) *string { return &c.ClickHouseDSN })),
	str("database", "pantau", "database of the embedded store", func(c *Config) *string { return &c.Database }),
	str("metrics-addr", "127.0.0.1:9464", "address of the Prometheus /metrics endpoint; empty disables it", func(c *Config) *string { return &c.MetricsAddr }),
	str("log-format", "text", "log format: text or json", func(c *Config) *string { return &c.LogFormat }),
	str("log-level", "info", "log level: debug, info, warn, error", func(c *Config) *string { return &c.LogLevel }),
	dur("poll-interval", "10m", "how often each source is crawled", func(c *Config) *time.Duration { return &c.PollInterval }),
	str("user-agent", "Pantau/0.1 (media monitoring Diskominfo Kaltim)", "User-Agent sent to outlets", func(c *Config) *string { return &c.UserAgent }),
	str("contact-url", "https://diskominfo.kaltimprov.go.id", "contact URL added to the User-Agent", func(c *Config) *string { return &c.ContactURL }),
	integer("writer-batch", "10000", "rows per insert at most", func(c *Config) *int { return &c.WriterBatch }),
	dur("writer-flush", "1s", "longest wait before a partial batch is inserted", func(c *Config) *time.Duration { return &c.WriterFlush }),
	integer("workers", "4", "sources crawled at once", func(c *Config) *int { return &c.Workers }),
	integer("max-page-bytes", "5242880", "largest page or feed read, in bytes", func(c *Config) *int { return &c.MaxPageBytes }),
	dur("fetch-timeout", "20s", "timeout of one HTTP request", func(c *Config) *time.Duration { return &c.FetchTimeout }),
	dur("drain-timeout", "2m", "how long --once waits for the pipeline to drain", func(c *Config) *time.Duration { return &c.DrainTimeout }),
	dur("ack-wait", "30s", "how long a stage may hold a message before it is redelivered", func(c *Config) *time.Duration { return &c.AckWait }),
	dur("host-delay", "1s", "pause between two requests to the same host", func(c *Config) *time.Duration { return &c.HostDelay }),
	str("api-addr", "127.0.0.1:8080", "address of the HTTP API (pantau serve, and pantau run when api-token is set)", func(c *Config) *string { return &c.APIAddr }),
	secret(str("api-token", "", "bearer token the HTTP API requires; empty: no API in pantau run", func(c *Config) *string { return &c.APIToken })),
	str("rules", "", "communication-strategy rules file (YAML); empty uses the shipped rules", func(c *Config) *string { return &c.RulesFile }),
	str("opd-map", "", "topics → OPD mapping (YAML like tagger/data/opd.yaml); empty uses the shipped one", func(c *Config) *string { return &c.OPDMapFile }),
	str("smtp-host", "", "SMTP server for the daily report; empty: no e-mail", func(c *Config) *string { return &c.SMTPHost }),
	integer("smtp-port", "587", "SMTP port", func(c *Config) *int { return &c.SMTPPort }),
	str("smtp-user", "", "SMTP user (empty: no authentication)", func(c *Config) *string { return &c.SMTPUser }),
	secret(str("smtp-password", "", "SMTP password", func(c *Config) *string { return &c.SMTPPassword })),
	str("smtp-tls", "starttls", "starttls, tls (implicit, port 465) or none", func(c *Config) *string { return &c.SMTPTLS }),
	str("report-from", "pantau@localhost", "sender of the daily report", func(c *Config) *string { return &c.ReportFrom }),
	str("report-to", "", "recipients of the daily report, comma separated", func(c *Config) *string { return &c.ReportTo }),
	str("report-time", "07:00", "when pantau run sends yesterday's report (HH:MM WITA)", func(c *Config) *string { return &c.ReportTime }),
	str("stages", "crawler,classifier,writer,reporter", "stages pantau run starts (crawler, classifier, writer, reporter), to run them as separate services", func(c *Config) *string { return &c.Stages }),
	str("sources", "", "sources file (YAML list); empty uses the shipped Kaltim sources", func(c *Config) *string { return &c.SourcesFile }),
	str("model", "", "classifier model file from pantau train; empty uses the shipped model, lexicon the baseline", func(c *Config) *string { return &c.Model }),
}

func lookup(name string) (Option, bool) {
	for _, o := range Options {
		if o.Name == name {
			return o, true
		}
	}
	return Option{}, false
}

// RegisterFlags adds every option to fs; values given on the command line
// are recorded in set.
func RegisterFlags(fs *flag.FlagSet, set map[string]string) {
	for _, o := range Options {
		name := o.Name
		fs.Func(name, o.Help+" (env "+o.Env()+", default "+quoteDefault(o.Default)+")", func(v string) error {
			set[name] = v
			return nil
		})
	}
}

func quoteDefault(s string) string {
	if s == "" {
		return `""`
	}
	return s
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
				return nil, fmt.Errorf("reading %s_FILE: %w", o.Env(), err)
			}
			envVals[o.Name] = strings.TrimSpace(string(b))
		}
	}
	// The config file path itself may come from a flag or the environment.
	file := flags["config"]
	if file == "" {
		file = envVals["config"]
	}
	var fileVals map[string]string
	var fileSources []Source
	var fileSourcesSet bool
	if file != "" {
		var err error
		fileVals, fileSources, fileSourcesSet, err = readConfigFile(file)
		if err != nil {
			return nil, err
		}
	}
	for _, layer := range []map[string]string{fileVals, envVals, flags} {
		keys := make([]string, 0, len(layer))
		for k := range layer {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			o, ok := lookup(k)
			if !ok {
				return nil, fmt.Errorf("unknown option %q", k)
			}
			if err := o.set(c, layer[k]); err != nil {
				return nil, err
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
			return nil, fmt.Errorf("shipped sources: %w", err)
		}
		c.Sources = src
	}
	return c, c.Validate()
}

// readConfigFile reads a YAML file that is either a list of sources or a
// mapping of options (with an optional `sources` list).
func readConfigFile(path string) (map[string]string, []Source, bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, false, fmt.Errorf("reading config: %w", err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, nil, false, fmt.Errorf("%s: %w", path, err)
	}
	if len(root.Content) == 0 {
		return nil, nil, false, nil
	}
	doc := root.Content[0]
	switch doc.Kind {
	case yaml.SequenceNode:
		src, err := sourcesFromNode(path, doc)
		return nil, src, true, err
	case yaml.MappingNode:
	default:
		return nil, nil, false, fmt.Errorf("%s line %d: want a mapping of options or a list of sources", path, doc.Line)
	}
	vals := map[string]string{}
	var src []Source
	var have bool
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		key := strings.ReplaceAll(k.Value, "_", "-")
		if key == "sources" && v.Kind == yaml.SequenceNode {
			src, err = sourcesFromNode(path, v)
			if err != nil {
				return nil, nil, false, err
			}
			have = true
			continue
		}
		if _, ok := lookup(key); !ok {
			return nil, nil, false, fmt.Errorf("%s line %d: unknown option %q", path, k.Line, k.Value)
		}
		if v.Kind != yaml.ScalarNode {
			return nil, nil, false, fmt.Errorf("%s line %d: option %q wants a single value", path, v.Line, k.Value)
		}
		vals[key] = v.Value
	}
	if s, ok := vals["sources"]; ok && !filepath.IsAbs(s) {
		vals["sources"] = filepath.Join(filepath.Dir(path), s)
	}
	return vals, src, have, nil
}

// Validate checks rules that involve more than one option.
func (c *Config) Validate() error {
	var errs []error
	if c.DataDir == "" && (c.NATSURL == "" || c.ClickHouseDSN == "") {
		errs = append(errs, errors.New("data: a data directory is needed for the embedded NATS or ClickHouse"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format: %q is not text or json", c.LogFormat))
	}
	if c.PollInterval < time.Minute/2 {
		errs = append(errs, fmt.Errorf("poll-interval: %s is too short to be polite (at least 30s)", c.PollInterval))
	}
	if c.AckWait < time.Second {
		errs = append(errs, fmt.Errorf("ack-wait: %s is below 1s", c.AckWait))
	}
	if c.WriterBatch < 1 || c.WriterBatch > 1_000_000 {
		errs = append(errs, fmt.Errorf("writer-batch: %d is outside 1..1000000", c.WriterBatch))
	}
	if c.Workers < 1 || c.Workers > 64 {
		errs = append(errs, fmt.Errorf("workers: %d is outside 1..64", c.Workers))
	}
	if c.SMTPTLS != "starttls" && c.SMTPTLS != "tls" && c.SMTPTLS != "none" {
		errs = append(errs, fmt.Errorf("smtp-tls: %q is not starttls, tls or none", c.SMTPTLS))
	}
	if _, err := time.Parse("15:04", c.ReportTime); err != nil {
		errs = append(errs, fmt.Errorf("report-time: %q is not HH:MM", c.ReportTime))
	}
	if c.NATSReplicas < 1 || c.NATSReplicas > 5 {
		errs = append(errs, fmt.Errorf("nats-replicas: %d is outside 1..5", c.NATSReplicas))
	}
	if c.NATSReplicas > 1 && c.NATSURL == "" {
		errs = append(errs, errors.New("nats-replicas above 1 needs a NATS cluster (nats-url)"))
	}
	for _, st := range strings.Split(c.Stages, ",") {
		switch strings.TrimSpace(st) {
		case "crawler", "classifier", "writer", "reporter":
		default:
			errs = append(errs, fmt.Errorf("stages: unknown stage %q (crawler, classifier, writer, reporter)", st))
		}
	}
	if c.MaxPageBytes < 1024 {
		errs = append(errs, fmt.Errorf("max-page-bytes: %d is too small", c.MaxPageBytes))
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

// Print writes the effective config as YAML-like lines, secrets masked.
func (c *Config) Print() string {
	var b strings.Builder
	for _, o := range Options {
		v := o.get(c)
		if o.Secret && v != "" {
			v = MaskDSN(v)
		}
		fmt.Fprintf(&b, "%s: %q\n", strings.ReplaceAll(o.Name, "-", "_"), v)
	}
	fmt.Fprintf(&b, "sources: # %d sumber\n", len(c.Sources))
	for _, s := range c.Sources {
		fmt.Fprintf(&b, "  - name: %q\n    feed: %q\n    site: %q\n    region: %q\n", s.Name, s.Feed, s.Site, s.Region)
	}
	return b.String()
}

// MaskDSN hides the password of a URL-shaped secret, or all of any other.
func MaskDSN(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		return "******"
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return v
	}
	user := rest[:at]
	if name, _, ok := strings.Cut(user, ":"); ok {
		user = name + ":******"
	}
	return scheme + "://" + user + rest[at:]
}
