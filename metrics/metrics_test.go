package metrics

import (
	"testing"
	"time"
)

// TestSourceState: a pause shows with its reason while it holds and goes
// when the next pass records none; the interval and failures follow each
// pass.
func TestSourceState(t *testing.T) {
	m := New()
	until := time.Unix(1_800_000_000, 0)
	m.SourceState("YouTube Humas", 20*time.Minute, 0, until, "kuota YouTube Data API habis")
	m.SourceState("Kaltim Post", time.Minute, 3, time.Time{}, "")
	if v := Value(m.PausedUntil.WithLabelValues("YouTube Humas", "kuota YouTube Data API habis")); v != 1_800_000_000 {
		t.Errorf("paused until %v", v)
	}
	if v := Value(m.PollInterval.WithLabelValues("YouTube Humas")); v != 1200 {
		t.Errorf("interval %v s, want 1200", v)
	}
	if v := Value(m.Failing.WithLabelValues("Kaltim Post")); v != 3 {
		t.Errorf("failures %v, want 3", v)
	}
	if n := Series(m.PausedUntil); n != 1 {
		t.Errorf("%d pause series, want 1", n)
	}
	// Another reason replaces the first; a pass without a pause clears it.
	m.SourceState("YouTube Humas", 20*time.Minute, 0, until, "batas laju")
	if n := Series(m.PausedUntil); n != 1 {
		t.Errorf("%d pause series after a new reason, want 1", n)
	}
	m.SourceState("YouTube Humas", 10*time.Minute, 0, time.Time{}, "")
	if n := Series(m.PausedUntil); n != 0 {
		t.Errorf("%d pause series after the pause ended, want 0", n)
	}
	if v := Value(m.PollInterval.WithLabelValues("YouTube Humas")); v != 600 {
		t.Errorf("interval %v s, want 600", v)
	}
}
