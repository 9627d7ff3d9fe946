package config

import (
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Source is one outlet to monitor, as an analyst writes it in the sources
// file.
type Source struct {
	Name         string        `yaml:"name"`
	Kind         string        `yaml:"kind"`          // what the source is (Kinds); default from the fields given
	Feed         string        `yaml:"feed"`          // RSS/Atom/JSON feed URL
	Site         string        `yaml:"site"`          // homepage, for HTML crawling
	Region       string        `yaml:"region"`        // region the outlet covers
	AllowPrivate bool          `yaml:"allow_private"` // allow loopback and private addresses (tests, intranet)
	PollInterval time.Duration `yaml:"poll_interval"` // overrides the global poll interval
	Listings     []string      `yaml:"listings"`      // listing pages (section pages) for HTML crawling; default the site
	LinkPattern  string        `yaml:"link_pattern"`  // regexp an article URL matches; default a heuristic
	Sitemap      string        `yaml:"sitemap"`       // sitemap or Google News sitemap; default from robots.txt
	MaxDepth     int           `yaml:"max_depth"`     // listing pages followed from a listing (default 1: none)
	MaxItems     int           `yaml:"max_items"`     // newest articles taken per pass from sitemaps and listings (default 100)
	KeepHandles  bool          `yaml:"keep_handles"`  // keep authors' handles of social items (the office replies to them); otherwise a keyed hash
	Line         int           `yaml:"-"`             // line in the sources file
}

// Kinds of source. A web source's kind follows from its fields when not
// given: feed when a feed is named, else sitemap, else listing, else site.
const (
	KindFeed    = "feed"    // an RSS/Atom/JSON feed
	KindSite    = "site"    // a homepage: its discovered feed, robots.txt sitemaps, then its links
	KindSitemap = "sitemap" // a sitemap or Google News sitemap
	KindListing = "listing" // listing (section) pages whose article links are followed
)

// KindOrDefault returns the source's kind, inferred from its fields when
// not given.
func (s *Source) KindOrDefault() string {
	switch {
	case s.Kind != "":
		return s.Kind
	case s.Feed != "":
		return KindFeed
	case s.Sitemap != "":
		return KindSitemap
	case len(s.Listings) > 0:
		return KindListing
	}
	return KindSite
}

// DefaultSources is the shipped list of Kaltim outlets.
//
//go:embed sources.yaml
var DefaultSources []byte

// LoadSourcesFile reads a sources file.
func LoadSourcesFile(path string) ([]Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading sources: %w", err)
	}
	return ParseSources(path, data)
}

// ParseSources parses a YAML list of sources; errors name the line.
func ParseSources(name string, data []byte) ([]Source, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: no sources", name)
	}
	doc := root.Content[0]
	if doc.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "sources" {
				return sourcesFromNode(name, doc.Content[i+1])
			}
		}
	}
	return sourcesFromNode(name, doc)
}

func sourcesFromNode(name string, n *yaml.Node) ([]Source, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s line %d: want a list of sources (- name: ...)", name, n.Line)
	}
	var out []Source
	seen := map[string]int{}
	for _, item := range n.Content {
		var s Source
		if err := item.Decode(&s); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, item.Line, err)
		}
		if item.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(item.Content); i += 2 {
				switch k := item.Content[i]; k.Value {
				case "name", "kind", "feed", "site", "region", "allow_private", "poll_interval",
					"listings", "link_pattern", "sitemap", "max_depth", "max_items", "keep_handles":
				default:
					return nil, fmt.Errorf("%s line %d: unknown field %q in source", name, k.Line, k.Value)
				}
			}
		}
		s.Line = item.Line
		if err := s.validate(); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, item.Line, err)
		}
		if prev, ok := seen[s.Name]; ok {
			return nil, fmt.Errorf("%s line %d: source %q already defined on line %d", name, item.Line, s.Name, prev)
		}
		seen[s.Name] = s.Line
		out = append(out, s)
	}
	return out, nil
}

func (s *Source) validate() error {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		return fmt.Errorf("source has no name")
	}
	s.Kind = strings.TrimSpace(strings.ToLower(s.Kind))
	switch s.Kind {
	case "", KindFeed, KindSite, KindSitemap, KindListing:
	default:
		return fmt.Errorf("source %q: unknown kind %q (feed, site, sitemap, listing)", s.Name, s.Kind)
	}
	if s.Feed == "" && s.Site == "" {
		return fmt.Errorf("source %q has neither feed nor site", s.Name)
	}
	switch s.Kind {
	case KindFeed:
		if s.Feed == "" {
			return fmt.Errorf("source %q: kind feed needs a feed", s.Name)
		}
	case KindSitemap:
		if s.Sitemap == "" {
			return fmt.Errorf("source %q: kind sitemap needs a sitemap", s.Name)
		}
	case KindListing:
		if len(s.Listings) == 0 && s.Site == "" {
			return fmt.Errorf("source %q: kind listing needs listings or a site", s.Name)
		}
	case KindSite:
		if s.Site == "" {
			return fmt.Errorf("source %q: kind site needs a site", s.Name)
		}
	}
	for _, u := range append([]string{s.Feed, s.Site, s.Sitemap}, s.Listings...) {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("source %q: %q is not an http(s) URL", s.Name, u)
		}
	}
	if s.LinkPattern != "" {
		if _, err := regexp.Compile(s.LinkPattern); err != nil {
			return fmt.Errorf("source %q: link_pattern: %w", s.Name, err)
		}
	}
	if s.MaxDepth < 0 || s.MaxDepth > 3 {
		return fmt.Errorf("source %q: max_depth %d is outside 0..3", s.Name, s.MaxDepth)
	}
	if s.MaxItems < 0 || s.MaxItems > 5000 {
		return fmt.Errorf("source %q: max_items %d is outside 0..5000", s.Name, s.MaxItems)
	}
	if s.PollInterval != 0 && s.PollInterval < 30*time.Second {
		return fmt.Errorf("source %q: poll_interval %s is below 30s", s.Name, s.PollInterval)
	}
	return nil
}
