package systemd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// listen is systemd's side: a datagram socket that collects notifications.
func listen(t *testing.T) <-chan string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	ch := make(chan string, 64)
	go func() {
		buf := make([]byte, 512)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(ch)
				return
			}
			ch <- string(buf[:n])
		}
	}()
	return ch
}

func next(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("notification %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no %q within 10s", want)
	}
}

func TestNotifyWithoutSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if sent, err := Notify("READY=1"); sent || err != nil {
		t.Fatalf("sent %v, err %v without NOTIFY_SOCKET", sent, err)
	}
	done := make(chan struct{})
	go func() { Watch(context.Background(), nil, slog.New(slog.NewTextHandler(io.Discard, nil))); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Watch blocks without NOTIFY_SOCKET")
	}
}

// TestWatch: READY only once the check passes, a watchdog ping per half
// interval while it passes, none while it fails, STOPPING at the end.
func TestWatch(t *testing.T) {
	ch := listen(t)
	t.Setenv("WATCHDOG_USEC", "400000")
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	var healthy atomic.Bool
	var probes atomic.Int32
	check := func(context.Context) error {
		probes.Add(1)
		if !healthy.Load() {
			return errors.New("not serving")
		}
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { Watch(ctx, check, slog.New(slog.NewTextHandler(io.Discard, nil))); close(done) }()
	for probes.Load() < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case got := <-ch:
		t.Fatalf("%q before the check passed", got)
	default:
	}
	healthy.Store(true)
	next(t, ch, "READY=1")
	next(t, ch, "WATCHDOG=1")
	next(t, ch, "WATCHDOG=1")
	healthy.Store(false)
	// Drain a ping that may have been under way, then expect silence
	// for longer than two intervals.
	time.Sleep(250 * time.Millisecond)
	for len(ch) > 0 {
		<-ch
	}
	select {
	case got := <-ch:
		t.Fatalf("%q while the check fails", got)
	case <-time.After(700 * time.Millisecond):
	}
	healthy.Store(true)
	next(t, ch, "WATCHDOG=1")
	cancel()
	<-done
	deadline := time.After(5 * time.Second)
	for {
		select {
		case got := <-ch:
			if got == "STOPPING=1" {
				return
			}
		case <-deadline:
			t.Fatal("no STOPPING=1 after the context ended")
		}
	}
}

func TestWatchdogIntervalIsForThisProcess(t *testing.T) {
	t.Setenv("WATCHDOG_USEC", "30000000")
	t.Setenv("WATCHDOG_PID", "1")
	if d := WatchdogInterval(); d != 0 && os.Getpid() != 1 {
		t.Fatalf("interval %s for another pid", d)
	}
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))
	if d := WatchdogInterval(); d != 30*time.Second {
		t.Fatalf("interval %s, want 30s", d)
	}
}
