package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/diskominfo-kaltim/pantau/news"
)

// MediaFilter selects mentions by where they appeared: the kind of item
// and the platform. The issue, trend, search and article queries take it,
// for the CLI, the API and the web app alike; its values are bound as
// query parameters, never spliced.
type MediaFilter struct {
	Kind     string // news.KindBerita, KindRilis or KindSosmed; "" for all
	Platform string // one of news.Platforms, or PlatformWeb; "" for all
}

// PlatformWeb is the platform filter's name for items from web sites
// (stored with no platform): news articles and press releases.
const PlatformWeb = "web"

// Platforms are the values a platform filter takes.
var Platforms = append([]string{PlatformWeb}, news.Platforms[:]...)

// KindWords are the words analysts choose a kind of item by (the CLI's
// --jenis, the API's and the web app's jenis): the report's words, joined
// by a hyphen so that they need no quotes in a shell.
var KindWords = [3]struct{ Word, Kind string }{
	{"media-massa", news.KindBerita},
	{"siaran-pers", news.KindRilis},
	{"media-sosial", news.KindSosmed},
}

// KindChoices names the kind words for help and messages.
var KindChoices = KindWords[0].Word + ", " + KindWords[1].Word + " atau " + KindWords[2].Word

// PlatformChoices names the platforms for help and messages.
var PlatformChoices = strings.Join(Platforms[:len(Platforms)-1], ", ") + " atau " + Platforms[len(Platforms)-1]

// ParseKind reads a kind of item as analysts write it: a word of
// KindWords, or the stored kind (berita, rilis, sosmed, as the JSON
// output and older web links have it); "" selects all. The error is the
// analyst's, in Bahasa Indonesia.
func ParseKind(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	for _, w := range KindWords {
		if s == w.Word || s == w.Kind || s == strings.ReplaceAll(w.Word, "-", " ") {
			return w.Kind, nil
		}
	}
	return "", fmt.Errorf("%q tidak dikenal; pilih %s", s, KindChoices)
}

// KindWord is the word of KindWords for a stored kind ("" counts as
// berita).
func KindWord(kind string) string {
	for _, w := range KindWords {
		if w.Kind == kind {
			return w.Word
		}
	}
	return KindWords[0].Word
}

// ParsePlatform reads a platform filter: one of Platforms, in any case,
// "twitter" for x; "" selects all.
func ParsePlatform(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "twitter" {
		s = "x"
	}
	if s == "" || slices.Contains(Platforms, s) {
		return s, nil
	}
	return "", fmt.Errorf("%q tidak dikenal; pilih %s", s, PlatformChoices)
}

// The stored kind and platform as the filter and the trend read them:
// rows stored before kinds had none and are news; web items have no
// platform.
const (
	kindExpr     = "if(kind = '', 'berita', kind)"
	platformExpr = "if(platform = '', 'web', platform)"
)

// where returns the filter's conditions, each led by AND, for a query on
// mentions or mention_facts, and binds their values in params.
func (m MediaFilter) where(params map[string]string) string {
	var b strings.Builder
	if m.Kind != "" {
		params["kind"] = m.Kind
		b.WriteString(" AND " + kindExpr + " = {kind:String}")
	}
	if m.Platform != "" {
		params["platform"] = m.Platform
		b.WriteString(" AND " + platformExpr + " = {platform:String}")
	}
	return b.String()
}
