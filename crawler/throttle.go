package crawler

import (
	"log/slog"
	"sync"
	"time"
)

// warnEvery is how often one kind of warning of one source is logged.
const warnEvery = 30 * time.Second

// throttle lets one log line per key through every interval and counts the
// lines it held back, reported with the next one (VictoriaMetrics'
// logger.WithThrottler). Keys name a source and a kind of failure, never a
// URL, so a feed of 500 broken links logs a line, not 500.
type throttle struct {
	mu   sync.Mutex
	keys map[string]*throttled
}

type throttled struct {
	last       time.Time
	suppressed int
}

// allow reports whether a line for key may be logged now, and how many
// were held back since the last one.
func (t *throttle) allow(key string, now time.Time, every time.Duration) (bool, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.keys == nil {
		t.keys = map[string]*throttled{}
	}
	e, ok := t.keys[key]
	if !ok {
		t.keys[key] = &throttled{last: now}
		return true, 0
	}
	if now.Sub(e.last) < every {
		e.suppressed++
		return false, 0
	}
	n := e.suppressed
	e.last, e.suppressed = now, 0
	return true, n
}

// warn logs msg at warning level at most once per warnEvery for key (the
// source's name and the message make the key).
func (c *Crawler) warn(key, msg string, attrs ...any) {
	c.warnTo(c.Log, key, msg, attrs...)
}

func (c *Crawler) warnTo(log *slog.Logger, key, msg string, attrs ...any) {
	ok, held := c.warnings.allow(key+"\x00"+msg, time.Now(), warnEvery)
	if !ok {
		return
	}
	if held > 0 {
		attrs = append(attrs, slog.Int("suppressed", held))
	}
	log.Warn(msg, attrs...)
}
