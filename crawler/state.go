package crawler

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/news"
)

// State is the crawler's durable memory: one JetStream key-value bucket
// (SeenBucket) whose keys are all made here.
//
//	article.<id>     an article already published (value: its canonical URL)
//	sim.<id>         its text fingerprint ("<hex simhash> <story id>")
//	print.<id>       a short post's wording ("<hex TextPrint> <story id> <published, Unix seconds>")
//	feed.<id>        a feed's validators (ETag, Last-Modified) after its last complete pass
//	discovered.<id>  the feed found for a site, or "none"
//	backoff.<id>     until when a host asked not to be requested, and why
//	source.<id>      a source's health and polling schedule
//	cursor.<id>      a connector's position in its platform's stream
//	key.handles      the key authors' handles are hashed with
//
// A read that fails for any reason other than a missing key is an error,
// never "not seen": an unreachable bucket must not republish everything.
type State struct {
	kv jetstream.KeyValue
}

// NewState wraps an opened bucket.
func NewState(kv jetstream.KeyValue) *State { return &State{kv: kv} }

func articleKey(id string) string      { return "article." + id }
func simKey(id string) string          { return "sim." + id }
func printKey(id string) string        { return "print." + id }
func feedKey(feedURL string) string    { return "feed." + news.IDFor(feedURL) }
func discoveredKey(site string) string { return "discovered." + news.IDFor(site) }
func healthKey(name string) string     { return "source." + news.IDFor(name) }
func cursorKey(name string) string     { return "cursor." + news.IDFor(name) }

const handleKeyName = "key.handles"

// backoffKey is per host (host:port of a URL, or a bare host).
func backoffKey(rawURL string) string { return "backoff." + news.IDFor(hostOf(rawURL)) }

func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return u.Host
	}
	return rawURL
}

// get reads key; found is false only when the key does not exist.
func (s *State) get(ctx context.Context, key string) (value []byte, created time.Time, found bool, err error) {
	e, err := s.kv.Get(ctx, key)
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return nil, time.Time{}, false, nil
	case err != nil:
		return nil, time.Time{}, false, fmt.Errorf("reading %s from %s: %w", key, SeenBucket, err)
	}
	return e.Value(), e.Created(), true, nil
}

func (s *State) put(ctx context.Context, key string, value []byte) error {
	if _, err := s.kv.Put(ctx, key, value); err != nil {
		return fmt.Errorf("writing %s to %s: %w", key, SeenBucket, err)
	}
	return nil
}

func (s *State) putJSON(ctx context.Context, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", key, err)
	}
	return s.put(ctx, key, data)
}

func (s *State) getJSON(ctx context.Context, key string, v any) (bool, error) {
	data, _, found, err := s.get(ctx, key)
	if err != nil || !found {
		return found, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("decoding %s: %w", key, err)
	}
	return true, nil
}

// Seen reports whether the article with id was published already.
func (s *State) Seen(ctx context.Context, id string) (bool, error) {
	_, _, found, err := s.get(ctx, articleKey(id))
	return found, err
}

// MarkSeen remembers that the article id (at canonical URL canon) was
// published.
func (s *State) MarkSeen(ctx context.Context, id, canon string) error {
	return s.put(ctx, articleKey(id), []byte(canon))
}

// Fingerprints calls fn with every remembered text fingerprint and returns
// how many there were.
func (s *State) Fingerprints(ctx context.Context, fn func(hash uint64, story string)) (int, error) {
	w, err := s.kv.WatchFiltered(ctx, []string{"sim.>"}, jetstream.IgnoreDeletes())
	if err != nil {
		return 0, fmt.Errorf("reading fingerprints: %w", err)
	}
	defer w.Stop()
	n := 0
	for e := range w.Updates() {
		if e == nil {
			break // initial values delivered
		}
		var h uint64
		var story string
		if _, err := fmt.Sscanf(string(e.Value()), "%x %s", &h, &story); err == nil {
			fn(h, story)
			n++
		}
	}
	return n, nil
}

// AddFingerprint remembers the text fingerprint of article id.
func (s *State) AddFingerprint(ctx context.Context, id string, hash uint64, story string) error {
	return s.put(ctx, simKey(id), fmt.Appendf(nil, "%x %s", hash, story))
}

// TextPrints calls fn with every remembered short-post fingerprint and
// returns how many there were.
func (s *State) TextPrints(ctx context.Context, fn func(hash uint64, story string, at time.Time)) (int, error) {
	w, err := s.kv.WatchFiltered(ctx, []string{"print.>"}, jetstream.IgnoreDeletes())
	if err != nil {
		return 0, fmt.Errorf("reading short-post fingerprints: %w", err)
	}
	defer w.Stop()
	n := 0
	for e := range w.Updates() {
		if e == nil {
			break // initial values delivered
		}
		var h uint64
		var story string
		var at int64
		if _, err := fmt.Sscanf(string(e.Value()), "%x %s %d", &h, &story, &at); err == nil {
			fn(h, story, time.Unix(at, 0))
			n++
		}
	}
	return n, nil
}

// AddTextPrint remembers the fingerprint of the short post id, published
// at.
func (s *State) AddTextPrint(ctx context.Context, id string, hash uint64, story string, at time.Time) error {
	return s.put(ctx, printKey(id), fmt.Appendf(nil, "%x %s %d", hash, story, at.Unix()))
}

// Validators are a feed's ETag and Last-Modified.
type Validators struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// FeedValidators returns the validators saved after the feed's last
// complete pass (zero when none).
func (s *State) FeedValidators(ctx context.Context, feedURL string) (Validators, error) {
	var v Validators
	_, err := s.getJSON(ctx, feedKey(feedURL), &v)
	return v, err
}

// SaveFeedValidators saves v for its feed.
func (s *State) SaveFeedValidators(ctx context.Context, v Validators) error {
	return s.putJSON(ctx, feedKey(v.URL), v)
}

// DiscoveredFeed returns the feed found for site ("" when the site had
// none), when it was looked for, and whether it was looked for at all.
func (s *State) DiscoveredFeed(ctx context.Context, site string) (feedURL string, checked time.Time, found bool, err error) {
	v, created, found, err := s.get(ctx, discoveredKey(site))
	if err != nil || !found {
		return "", time.Time{}, found, err
	}
	if string(v) == "none" {
		return "", created, true, nil
	}
	return string(v), created, true, nil
}

// SaveDiscoveredFeed remembers the feed found for site ("" for none).
func (s *State) SaveDiscoveredFeed(ctx context.Context, site, feedURL string) error {
	if feedURL == "" {
		feedURL = "none"
	}
	return s.put(ctx, discoveredKey(site), []byte(feedURL))
}

// Backoff is until when a host asked not to be requested, and why.
type Backoff struct {
	Until  time.Time `json:"until"`
	Reason string    `json:"reason,omitempty"`
}

// HostBackoff returns the saved back-off of the host of rawURL.
func (s *State) HostBackoff(ctx context.Context, rawURL string) (Backoff, error) {
	v, _, found, err := s.get(ctx, backoffKey(rawURL))
	if err != nil || !found {
		return Backoff{}, err
	}
	var b Backoff
	if json.Unmarshal(v, &b) == nil {
		return b, nil
	}
	// Written before reasons were kept: an RFC 3339 time.
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(v)))
	if err != nil {
		return Backoff{}, fmt.Errorf("decoding %s: %w", backoffKey(rawURL), err)
	}
	return Backoff{Until: t}, nil
}

// SaveHostBackoff saves the back-off of the host of rawURL.
func (s *State) SaveHostBackoff(ctx context.Context, rawURL string, b Backoff) error {
	return s.putJSON(ctx, backoffKey(rawURL), b)
}

// Health returns the stored health of the source name; found is false for
// a source never polled.
func (s *State) Health(ctx context.Context, name string) (h Health, found bool, err error) {
	found, err = s.getJSON(ctx, healthKey(name), &h)
	return h, found, err
}

// SaveHealth stores h under its source's name.
func (s *State) SaveHealth(ctx context.Context, h Health) error {
	return s.putJSON(ctx, healthKey(h.Name), h)
}

// refreshAfter is when a long-lived key (a cursor, the handle key) is
// written again so that the bucket's TTL never drops it.
const refreshAfter = 7 * 24 * time.Hour

// Cursor returns the connector cursor of the source name (nil when none).
func (s *State) Cursor(ctx context.Context, name string) ([]byte, error) {
	v, created, found, err := s.get(ctx, cursorKey(name))
	if err == nil && found && time.Since(created) > refreshAfter {
		err = s.put(ctx, cursorKey(name), v)
	}
	return v, err
}

// SaveCursor replaces the connector cursor of the source name.
func (s *State) SaveCursor(ctx context.Context, name string, cursor []byte) error {
	return s.put(ctx, cursorKey(name), cursor)
}

// HandleKey returns the key authors' handles are hashed with, made once at
// random and shared by every crawler on the bucket.
func (s *State) HandleKey(ctx context.Context) ([]byte, error) {
	v, created, found, err := s.get(ctx, handleKeyName)
	if err != nil {
		return nil, err
	}
	if found && len(v) >= 16 {
		if time.Since(created) > refreshAfter {
			err = s.put(ctx, handleKeyName, v)
		}
		return v, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := s.kv.Create(ctx, handleKeyName, key); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			// Another crawler made it first: use that one.
			v, _, _, err := s.get(ctx, handleKeyName)
			return v, err
		}
		return nil, fmt.Errorf("creating %s: %w", handleKeyName, err)
	}
	return key, nil
}
