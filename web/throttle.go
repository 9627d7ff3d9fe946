package web

import (
	"strconv"
	"strings"
	"sync"
	"time"
)

// Login throttling: failed attempts are counted per user name (with the
// address they came from) and per address over a sliding window. Past the
// limit, every attempt — a right password included — is refused until the
// oldest failure leaves the window, so guessing gains nothing.
const (
	throttleWindow  = 15 * time.Minute
	maxFailsPerName = 5  // per name and address
	maxFailsPerIP   = 20 // per address, whatever the name
)

type throttle struct {
	mu    sync.Mutex
	now   func() time.Time
	fails map[string][]time.Time
}

func newThrottle(now func() time.Time) *throttle {
	return &throttle{now: now, fails: map[string][]time.Time{}}
}

func nameKey(ip, name string) string { return "n\x00" + ip + "\x00" + strings.ToLower(name) }
func ipKey(ip string) string         { return "a\x00" + ip }

// recent drops failures older than the window and returns those left.
func (t *throttle) recent(key string, now time.Time) []time.Time {
	f := t.fails[key]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= throttleWindow {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(t.fails, key)
	} else {
		t.fails[key] = f
	}
	return f
}

// blocked returns how long ip must wait before trying name again; zero if
// it may try now.
func (t *throttle) blocked(ip, name string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for key, limit := range map[string]int{nameKey(ip, name): maxFailsPerName, ipKey(ip): maxFailsPerIP} {
		f := t.recent(key, now)
		if len(f) >= limit {
			wait = max(wait, throttleWindow-now.Sub(f[len(f)-limit]))
		}
	}
	return wait
}

func (t *throttle) fail(ip, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.fails) > 100000 { // bounded under a flood of names
		clear(t.fails)
	}
	for _, key := range []string{nameKey(ip, name), ipKey(ip)} {
		t.fails[key] = append(t.recent(key, now), now)
	}
}

// succeed forgets the name's failures from ip (not the address's).
func (t *throttle) succeed(ip, name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, nameKey(ip, name))
}

func retryAfter(d time.Duration) string { return strconv.Itoa(int(d.Seconds() + 0.999)) }

// minutes says a wait in words: "3 menit", "1 menit".
func minutes(d time.Duration) string {
	m := int(d.Minutes() + 0.999)
	if m < 1 {
		m = 1
	}
	return strconv.Itoa(m) + " menit"
}
