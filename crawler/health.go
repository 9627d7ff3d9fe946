package crawler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

// Health is what the crawler remembers of one source across runs.
type Health struct {
	Name                string    `json:"name"`
	Region              string    `json:"region"`
	Kind                string    `json:"kind"`
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

	// A pause the platform or host asked for (429, rate-limit headers, a
	// spent quota): the source is polled again after BackoffUntil.
	BackoffUntil  time.Time `json:"backoff_until,omitzero"`
	BackoffReason string    `json:"backoff_reason,omitempty"`

	// The adaptive polling schedule: the current interval, when the source
	// is next polled, the estimated time between two of its publications
	// and the newest publication seen.
	IntervalS int64     `json:"interval_s,omitempty"`
	NextPoll  time.Time `json:"next_poll,omitzero"`
	GapS      int64     `json:"gap_s,omitempty"`
	Newest    time.Time `json:"newest,omitzero"`
}

// Every is the source's current polling interval (0 before its first pass).
func (h Health) Every() time.Duration { return time.Duration(h.IntervalS) * time.Second }

// recordHealth adds one pass of src to its stored health and plans the
// next one; it returns the health saved.
func (c *Crawler) recordHealth(ctx context.Context, src config.Source, s source.Source, st *Stats, p plan, passErr error) Health {
	h, _, err := c.state.Health(ctx, src.Name)
	if err != nil {
		c.warn(src.Name, "reading source health", slog.Any("error", err))
	}
	h.Name, h.Region, h.Kind = src.Name, src.Region, src.KindOrDefault()
	now := c.Now().UTC()
	h.LastAttempt = now
	h.Runs++
	h.Items += st.Items
	h.New += st.New
	h.Duplicates += st.Duplicates
	h.Failed += st.Failed
	h.BackoffUntil, h.BackoffReason = time.Time{}, ""
	var le *source.LimitError
	switch {
	case passErr != nil && errors.As(passErr, &le):
		// Deferred, not broken: the platform asked for a pause.
		h.LastError, h.LastErrorAt, h.LastReason = passErr.Error(), now, Reason(passErr)
		h.BackoffUntil, h.BackoffReason = le.Until.UTC(), le.Reason
	case passErr != nil:
		h.LastError, h.LastErrorAt, h.LastReason = passErr.Error(), now, Reason(passErr)
		h.ConsecutiveFailures++
	default:
		h.LastSuccess = now
		h.ConsecutiveFailures = 0
	}
	p.failed = passErr != nil
	c.schedule(&h, src, s, p, now)
	c.Metrics.SourceState(h.Name, h.Every(), h.ConsecutiveFailures, h.BackoffUntil, h.BackoffReason)
	if err := c.state.SaveHealth(ctx, h); err != nil {
		c.warn(src.Name, "saving source health", slog.Any("error", err))
	}
	return h
}

// SourceHealth returns the stored health of each source, in the order
// given; a source never crawled has a zero LastAttempt. A host backed off
// after the source's last pass shows as the source's back-off.
func (c *Crawler) SourceHealth(ctx context.Context, sources []config.Source) ([]Health, error) {
	out := make([]Health, 0, len(sources))
	for _, s := range sources {
		h, _, err := c.state.Health(ctx, s.Name)
		if err != nil {
			return nil, err
		}
		h.Name, h.Region, h.Kind = s.Name, s.Region, s.KindOrDefault()
		out = append(out, h)
	}
	return out, nil
}

// Status is a source's state in words for analysts; every is the
// configured interval (the source's own, when longer, counts).
func (h Health) Status(now time.Time, every time.Duration) string {
	every = max(every, h.Every())
	switch {
	case h.LastAttempt.IsZero():
		return "belum pernah"
	case h.BackoffUntil.After(now):
		return "ditunda"
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
	var le *source.LimitError
	var msg = err.Error()
	switch {
	case errors.As(err, &le):
		return "ditunda sampai " + le.Until.In(WITA).Format("02/01 15:04") + " WITA (" + le.Reason + ")"
	case errors.Is(err, source.ErrCredentials):
		return "token/kunci API tidak berlaku"
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
