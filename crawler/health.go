package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Health is what the crawler remembers of one source across runs.
type Health struct {
	Name                string    `json:"name"`
	Region              string    `json:"region"`
	LastAttempt         time.Time `json:"last_attempt"`
	LastSuccess         time.Time `json:"last_success,omitempty"`
	LastError           string    `json:"last_error,omitempty"`
	LastReason          string    `json:"last_reason,omitempty"` // LastError in a few words`
	LastErrorAt         time.Time `json:"last_error_at,omitempty"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	Runs                int64     `json:"runs"`
	Items               int64     `json:"items"`
	New                 int64     `json:"new"`
	Duplicates          int64     `json:"duplicates"`
	Failed              int64     `json:"failed"`
}

func healthKey(name string) string { return "source." + news.IDFor(name) }

// recordHealth adds one pass of src to its stored health.
func (c *Crawler) recordHealth(ctx context.Context, src config.Source, st *Stats, passErr error) {
	h, _ := c.health(ctx, src.Name)
	h.Name, h.Region = src.Name, src.Region
	now := c.Now().UTC()
	h.LastAttempt = now
	h.Runs++
	h.Items += st.Items
	h.New += st.New
	h.Duplicates += st.Duplicates
	h.Failed += st.Failed
	if passErr != nil {
		h.LastError, h.LastErrorAt, h.LastReason = passErr.Error(), now, Reason(passErr)
		h.ConsecutiveFailures++
	} else {
		h.LastSuccess = now
		h.ConsecutiveFailures = 0
	}
	data, _ := json.Marshal(h)
	if _, err := c.seen.Put(ctx, healthKey(src.Name), data); err != nil {
		c.Log.Warn("saving source health", "source", src.Name, "error", err)
	}
}

func (c *Crawler) health(ctx context.Context, name string) (Health, error) {
	var h Health
	e, err := c.seen.Get(ctx, healthKey(name))
	if err != nil {
		return h, err
	}
	return h, json.Unmarshal(e.Value(), &h)
}

// SourceHealth returns the stored health of each source, in the order
// given; a source never crawled has a zero LastAttempt.
func (c *Crawler) SourceHealth(ctx context.Context, sources []config.Source) ([]Health, error) {
	out := make([]Health, 0, len(sources))
	for _, s := range sources {
		h, err := c.health(ctx, s.Name)
		if err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return nil, err
		}
		h.Name, h.Region = s.Name, s.Region
		out = append(out, h)
	}
	return out, nil
}

// Status is a source's state in words for analysts.
func (h Health) Status(now time.Time, every time.Duration) string {
	switch {
	case h.LastAttempt.IsZero():
		return "belum pernah"
	case h.ConsecutiveFailures > 0:
		return "gagal"
	case now.Sub(h.LastSuccess) > 3*every:
		return "terlambat"
	}
	return "sehat"
}

// Reason says in a few words, for analysts, why a fetch failed.
func Reason(err error) string {
	var se *StatusError
	var msg = err.Error()
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("HTTP %d", se.StatusCode)
	case errors.Is(err, ErrPrivateAddress):
		return "alamat privat/loopback ditolak"
	case errors.Is(err, ErrDisallowed):
		return "dilarang robots.txt"
	case errors.Is(err, ErrTooLarge):
		return "halaman terlalu besar"
	case errors.Is(err, context.DeadlineExceeded), strings.Contains(msg, "Timeout"), strings.Contains(msg, "timeout"):
		return "waktu habis"
	case strings.Contains(msg, "parsing feed"), strings.Contains(msg, "no feed found"):
		return "feed tidak valid"
	case strings.Contains(msg, "no such host"):
		return "domain tidak ditemukan"
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "network is unreachable"):
		return "server tidak dapat dihubungi"
	}
	return "galat lain"
}
