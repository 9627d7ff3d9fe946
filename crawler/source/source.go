// Package source is the contract between the crawler and each kind of
// source it polls: web feeds, sitemaps and listing pages in package
// crawler, and the social platforms' connectors beside it
// (crawler/telegram, crawler/youtube, …). A source lists what is new and
// hands each item to the crawler; the crawler fetches pages, dedups,
// publishes and keeps the state. A source must not publish, store or
// classify, and reaches the network only through its Env.
package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Item is one thing a source lists: a link to an article page, which the
// crawler fetches, extracts and dedups by its canonical URL, or a complete
// social item (Post), published as it is and dedupped by its id.
type Item struct {
	Link          string    // the article page
	Title         string    // the listing's title (the page's title is used when empty)
	Summary       string    // the listing's text (HTML allowed): used when the page cannot be had
	Author        string    // the listing's author
	Published     time.Time // zero when unknown
	PublishedText string    // a date the listing gave but that was not parsed (Indonesian formats)
	Outlet        string    // the outlet's name when it is not the source's (Google News)
	Kind          string    // the item's kind when the listing says so (news.KindRilis); "" for news

	Post *news.Article // a complete social post or comment
}

// Emit hands one item to the crawler. It returns an error when the item
// could not be handled (it will be tried again on a later poll), nil when
// it was published or was already known. A source must not move its
// cursor past an item whose Emit failed.
type Emit func(ctx context.Context, it Item) error

// Source is one entry of the sources file, as the crawler polls it.
type Source interface {
	// Poll lists what the source has that is new since its cursor and
	// hands each item to emit.
	Poll(ctx context.Context, env Env, emit Emit) error
}

// MinIntervaler is a source that must not be polled more often than
// MinInterval (a platform's quota), whatever adaptive polling suggests.
type MinIntervaler interface {
	MinInterval() time.Duration
}

// Env is what the crawler lends a source for one poll.
type Env interface {
	// Get fetches a web page or feed as a crawler does: robots.txt
	// honoured, one request at a time per host, the host's delay and
	// back-off, conditional on etag/lastModified when given.
	Get(ctx context.Context, url, etag, lastModified string) (*fetch.Response, error)
	// Do sends an API request made with the office's credentials: one at a
	// time per host, the host's delay and back-off, rate-limit headers
	// (429, Retry-After, x-rate-limit-*) applied; robots.txt is for
	// crawlers of pages and is not consulted.
	Do(req *http.Request) (*fetch.Response, error)
	// BackOff holds every request to the host of url back until until,
	// also across restarts, and shows reason in `pantau sources`.
	BackOff(ctx context.Context, url string, until time.Time, reason string)
	// Cursor returns the source's saved position (nil when none);
	// SaveCursor replaces it. A restart resumes from the saved cursor.
	Cursor(ctx context.Context) ([]byte, error)
	SaveCursor(ctx context.Context, cursor []byte) error
	// Handle returns how an author's handle on platform is kept: as it is
	// where the source is configured to keep handles, otherwise a keyed
	// hash ("h:…") that still groups one author's items.
	Handle(platform, handle string) string
	// KeepHandles reports whether the source keeps authors' handles (and
	// names); otherwise a connector leaves news.Article.Author empty.
	KeepHandles() bool
	// Warn logs a warning at most once per interval for key (per-URL
	// failures on hot paths), counting the rest.
	Warn(key, msg string, attrs ...any)
	Log() *slog.Logger
	Now() time.Time
}

// LimitError says a platform refused more requests until Until: a quota
// spent or a rate limit reached. The crawler backs the host off and shows
// Reason in `pantau sources`.
type LimitError struct {
	URL    string
	Until  time.Time
	Reason string // for analysts, in Bahasa Indonesia
	Err    error
}

func (e *LimitError) Error() string {
	msg := fmt.Sprintf("%s: rate limited until %s (%s)", e.URL, e.Until.UTC().Format(time.RFC3339), e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *LimitError) Unwrap() error { return e.Err }

// ErrCredentials marks a missing, invalid or expired token or API key:
// the office must renew it; polling again will not help.
var ErrCredentials = errors.New("credentials missing, invalid or expired")

// CredentialError is an ErrCredentials with the platform's words.
type CredentialError struct {
	Platform string
	Detail   string
}

func (e *CredentialError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Platform, ErrCredentials, e.Detail)
}

func (e *CredentialError) Is(target error) bool { return target == ErrCredentials }
