package config

import (
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

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
	AllowPrivate bool          `yaml:"allow_private"` // let the listed hosts be on loopback or private addresses (tests, intranet)
	PollInterval time.Duration `yaml:"poll_interval"` // overrides the global poll interval
	Listings     []string      `yaml:"listings"`      // listing pages (section pages) for HTML crawling; default the site
	LinkPattern  string        `yaml:"link_pattern"`  // regexp an article URL matches; default a heuristic
	Sitemap      string        `yaml:"sitemap"`       // sitemap or Google News sitemap; default from robots.txt
	MaxDepth     int           `yaml:"max_depth"`     // listing pages followed from a listing (default 1: none)
	MaxItems     int           `yaml:"max_items"`     // newest articles taken per pass from sitemaps and listings (default 100)

	// Social sources (kind youtube, google_news, telegram, facebook,
	// instagram, x, tiktok).
	BaseURL     string   `yaml:"base_url"`     // the platform's address; default the real one (tests and checks point it at a local server)
	Channel     string   `yaml:"channel"`      // telegram: public channel name (t.me/NAME); youtube: channel id (UC…)
	Query       string   `yaml:"query"`        // google_news, x, tiktok: what to search for
	Account     string   `yaml:"account"`      // facebook: the office's Page id; instagram: its professional account id
	Hashtags    []string `yaml:"hashtags"`     // instagram: hashtags searched (without #), where the account may use hashtag search
	Comments    *bool    `yaml:"comments"`     // youtube, facebook, instagram, tiktok: also read the comments under posts (default yes)
	KeepHandles bool     `yaml:"keep_handles"` // keep authors' handles (the office replies to them); otherwise a keyed hash

	// Credentials of the office on the platform, from the options
	// (youtube-api-key, graph-token, x-bearer-token, tiktok-client-key and
	// -secret), never from this file.
	Credential string `yaml:"-" json:"-"`
	Secret     string `yaml:"-" json:"-"`

	Line int `yaml:"-"` // line in the sources file
}

// Kinds of source. A web source's kind follows from its fields when not
// given: feed when a feed is named, else sitemap, else listing, else site.
const (
	KindFeed    = "feed"    // an RSS/Atom/JSON feed
	KindSite    = "site"    // a homepage: its discovered feed, robots.txt sitemaps, then its links
	KindSitemap = "sitemap" // a sitemap or Google News sitemap
	KindListing = "listing" // listing (section) pages whose article links are followed

	KindYouTube    = "youtube"     // a channel's uploads (public Atom feed) and their comments (Data API v3)
	KindGoogleNews = "google_news" // a Google News search (RSS); each item is crawled from its outlet
	KindTelegram   = "telegram"    // a public channel's web preview (t.me/s/NAME)
	KindFacebook   = "facebook"    // the office's Page and the comments on its posts (Graph API)
	KindInstagram  = "instagram"   // the office's professional account, comments, hashtags (Graph API)
	KindX          = "x"           // recent search (X API v2)
	KindTikTok     = "tiktok"      // video search and comments (Research API, where the office has access)
)

// Kinds lists every kind of source.
var Kinds = []string{KindFeed, KindSite, KindSitemap, KindListing,
	KindYouTube, KindGoogleNews, KindTelegram, KindFacebook, KindInstagram, KindX, KindTikTok}

// Social reports whether the source is a social platform's.
func (s *Source) Social() bool {
	switch s.KindOrDefault() {
	case KindFeed, KindSite, KindSitemap, KindListing:
		return false
	}
	return true
}

// WantComments reports whether comments under the source's posts are read.
func (s *Source) WantComments() bool { return s.Comments == nil || *s.Comments }

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

// PrivateHosts are the hosts the source may reach on loopback, private
// and other special-purpose addresses: with allow_private, the hosts of
// the addresses listed for it (feed, site, sitemap, listings, base_url), and no
// other — not the links its pages lead to. Without it, none.
func (s *Source) PrivateHosts() []string {
	if !s.AllowPrivate {
		return nil
	}
	var out []string
	for _, raw := range append([]string{s.Feed, s.Site, s.Sitemap, s.BaseURL}, s.Listings...) {
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			out = append(out, strings.ToLower(u.Hostname()))
		}
	}
	return out
}

// DefaultSources is the shipped list of Kaltim outlets.
//
//go:embed sources.yaml
var DefaultSources []byte

// LoadSourcesFile reads a sources file.
func LoadSourcesFile(path string) ([]Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("berkas sumber tidak dapat dibaca: %w", err)
	}
	return ParseSources(path, data)
}

// ParseSources parses a YAML list of sources; errors name the line.
func ParseSources(name string, data []byte) ([]Source, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, YAMLError(name, data, err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: tidak ada sumber; tulis daftar sumber (- name: ...)", name)
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
		return nil, fmt.Errorf("%s baris %d: isinya harus daftar sumber (- name: ...)", name, n.Line)
	}
	var out []Source
	seen := map[string]int{}
	for _, item := range n.Content {
		var s Source
		if err := item.Decode(&s); err != nil {
			return nil, decodeError(name, item.Line, err)
		}
		if item.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(item.Content); i += 2 {
				switch k := item.Content[i]; k.Value {
				case "name", "kind", "feed", "site", "region", "allow_private", "poll_interval",
					"listings", "link_pattern", "sitemap", "max_depth", "max_items", "keep_handles",
					"base_url", "channel", "query", "account", "hashtags", "comments":
				default:
					return nil, fmt.Errorf("%s baris %d: kolom %q tidak dikenal pada sumber", name, k.Line, k.Value)
				}
			}
		}
		s.Line = item.Line
		if err := s.validate(); err != nil {
			return nil, fmt.Errorf("%s baris %d: %w", name, item.Line, err)
		}
		if prev, ok := seen[s.Name]; ok {
			return nil, fmt.Errorf("%s baris %d: sumber %q sudah ditulis di baris %d", name, item.Line, s.Name, prev)
		}
		seen[s.Name] = s.Line
		out = append(out, s)
	}
	return out, nil
}

func (s *Source) validate() error {
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		return errors.New("sumber tanpa name")
	}
	s.Kind = strings.TrimSpace(strings.ToLower(s.Kind))
	if s.Kind != "" && !slices.Contains(Kinds, s.Kind) {
		return fmt.Errorf("sumber %q: kind %q tidak dikenal (%s)", s.Name, s.Kind, strings.Join(Kinds, ", "))
	}
	if !s.Social() && s.Feed == "" && s.Site == "" {
		return fmt.Errorf("sumber %q tidak punya feed maupun site", s.Name)
	}
	if err := s.validateKind(); err != nil {
		return fmt.Errorf("sumber %q: %w", s.Name, err)
	}
	for _, u := range append([]string{s.Feed, s.Site, s.Sitemap, s.BaseURL}, s.Listings...) {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fmt.Errorf("sumber %q: %q bukan URL http(s)", s.Name, u)
		}
	}
	if s.LinkPattern != "" {
		if _, err := regexp.Compile(s.LinkPattern); err != nil {
			return fmt.Errorf("sumber %q: link_pattern bukan regex yang valid: %w", s.Name, err)
		}
	}
	if s.MaxDepth < 0 || s.MaxDepth > 3 {
		return fmt.Errorf("sumber %q: max_depth %d di luar 0..3", s.Name, s.MaxDepth)
	}
	if s.MaxItems < 0 || s.MaxItems > 5000 {
		return fmt.Errorf("sumber %q: max_items %d di luar 0..5000", s.Name, s.MaxItems)
	}
	if s.PollInterval != 0 && s.PollInterval < 30*time.Second {
		return fmt.Errorf("sumber %q: poll_interval %s di bawah 30s (terlalu sering untuk sopan)", s.Name, s.PollInterval)
	}
	return nil
}

var (
	telegramChannel = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,31}$`)
	youtubeChannel  = regexp.MustCompile(`^UC[A-Za-z0-9_-]{22}$`)
	graphID         = regexp.MustCompile(`^[0-9]{5,24}$`)
)

// validHashtag reports whether s is 1 to 100 letters, digits and
// underscores (Unicode letters and numbers: what ^[\pL\pN_]{1,100}$
// matches; as a regular expression it took 40-70 ms and 3.9 MB to compile
// when every pantau command started).
func validHashtag(s string) bool {
	n := 0
	for _, r := range s {
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= 100
}

// validateKind checks that the fields the source's kind needs are there.
func (s *Source) validateKind() error {
	need := func(field, value string) error {
		if strings.TrimSpace(value) == "" {
			return fmt.Errorf("kind %s memerlukan %s", s.KindOrDefault(), field)
		}
		return nil
	}
	if !s.Social() {
		for _, f := range []struct {
			name string
			set  bool
		}{{"base_url", s.BaseURL != ""}, {"channel", s.Channel != ""}, {"query", s.Query != ""},
			{"account", s.Account != ""}, {"hashtags", len(s.Hashtags) > 0}, {"comments", s.Comments != nil}} {
			if f.set {
				return fmt.Errorf("%s hanya untuk sumber media sosial (kind %s), bukan kind %s", f.name, strings.Join(Kinds[4:], ", "), s.KindOrDefault())
			}
		}
	}
	switch s.KindOrDefault() {
	case KindFeed:
		return need("feed", s.Feed)
	case KindSitemap:
		return need("sitemap", s.Sitemap)
	case KindListing:
		if len(s.Listings) == 0 && s.Site == "" {
			return errors.New("kind listing memerlukan listings atau site")
		}
	case KindSite:
		return need("site", s.Site)
	case KindTelegram:
		s.Channel = strings.TrimPrefix(strings.TrimSpace(s.Channel), "@")
		if !telegramChannel.MatchString(s.Channel) {
			return fmt.Errorf("channel %q bukan nama kanal Telegram publik (t.me/NAMA)", s.Channel)
		}
	case KindYouTube:
		if !youtubeChannel.MatchString(s.Channel) {
			return fmt.Errorf("channel %q bukan id kanal YouTube (UC diikuti 22 karakter)", s.Channel)
		}
	case KindGoogleNews, KindX, KindTikTok:
		return need("query", s.Query)
	case KindFacebook, KindInstagram:
		if !graphID.MatchString(s.Account) {
			return fmt.Errorf("account %q bukan id Graph API (angka) milik Page atau akun Instagram kantor", s.Account)
		}
		for i, h := range s.Hashtags {
			s.Hashtags[i] = strings.TrimPrefix(strings.TrimSpace(h), "#")
			if s.KindOrDefault() != KindInstagram || !validHashtag(s.Hashtags[i]) {
				return fmt.Errorf("hashtag %q: hashtags hanya untuk sumber instagram, berisi huruf, angka dan _ saja", h)
			}
		}
	}
	return nil
}

// Credentials are the office's keys and tokens on the platforms.
type Credentials struct {
	YouTubeAPIKey      string
	GraphToken         string
	XBearerToken       string
	TikTokClientKey    string
	TikTokClientSecret string
}

// BindCredentials gives each social source its platform's credential.
func BindCredentials(sources []Source, c Credentials) {
	for i := range sources {
		s := &sources[i]
		switch s.KindOrDefault() {
		case KindYouTube:
			s.Credential = c.YouTubeAPIKey
		case KindFacebook, KindInstagram:
			s.Credential = c.GraphToken
		case KindX:
			s.Credential = c.XBearerToken
		case KindTikTok:
			s.Credential, s.Secret = c.TikTokClientKey, c.TikTokClientSecret
		}
	}
}
