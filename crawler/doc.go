// Package crawler polls sources — news feeds, sitemaps and listing pages,
// and the social platforms' connectors beside it (crawler/telegram,
// crawler/youtube, …) behind one source interface (crawler/source) — and
// publishes each new article or post on the bus. It is polite (robots.txt,
// one request in flight per host, back-off on 429/503 and rate-limit
// headers), keeps its State in one key-value bucket, and must not classify
// or store.
package crawler

import (
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
)

// The HTTP client lives in crawler/fetch; these names are kept for callers
// outside the crawler (pantau extract, pipeline).
type (
	Fetcher     = fetch.Fetcher
	Response    = fetch.Response
	StatusError = fetch.StatusError
)

var (
	ErrPrivateAddress = fetch.ErrPrivateAddress
	ErrTooLarge       = fetch.ErrTooLarge
)

// NewFetcher builds the crawler's HTTP client (see fetch.New).
func NewFetcher(userAgent string, timeout time.Duration, maxBytes int64) *Fetcher {
	return fetch.New(userAgent, timeout, maxBytes)
}
