// Package systemd tells systemd that a Pantau process is ready and still
// healthy (the sd_notify protocol of Type=notify units with WatchdogSec),
// so a unit's health check is the same request an operator would make. It
// holds nothing else: no unit files, no D-Bus, no journal.
package systemd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"time"
)

// Notify sends state (e.g. "READY=1") to the socket systemd names in
// NOTIFY_SOCKET. Without NOTIFY_SOCKET (not started by systemd) it does
// nothing and reports false.
func Notify(state string) (bool, error) {
	path := os.Getenv("NOTIFY_SOCKET")
	if path == "" {
		return false, nil
	}
	if path[0] == '@' { // abstract socket
		path = "\x00" + path[1:]
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return false, fmt.Errorf("notifying systemd: %w", err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(state)); err != nil {
		return false, fmt.Errorf("notifying systemd: %w", err)
	}
	return true, nil
}

// WatchdogInterval is the unit's WatchdogSec as systemd passes it
// (WATCHDOG_USEC, for this process only: WATCHDOG_PID), or 0 when the
// watchdog is off.
func WatchdogInterval() time.Duration {
	usec, err := strconv.ParseInt(os.Getenv("WATCHDOG_USEC"), 10, 64)
	if err != nil || usec <= 0 {
		return 0
	}
	if pid := os.Getenv("WATCHDOG_PID"); pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return 0
	}
	return time.Duration(usec) * time.Microsecond
}

// Watch reports READY=1 once check passes, then WATCHDOG=1 at half the
// watchdog interval for as long as check keeps passing, and STOPPING=1
// when ctx ends. A failing check sends no ping, so systemd restarts a
// process that stopped serving (after WatchdogSec). check nil means the
// process serves nothing to ask: it is ready when Watch starts. Without
// NOTIFY_SOCKET Watch returns at once.
func Watch(ctx context.Context, check func(context.Context) error, log *slog.Logger) {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return
	}
	if check == nil {
		check = func(context.Context) error { return nil }
	}
	probe := func() error {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return check(cctx)
	}
	tick := 500 * time.Millisecond
	for {
		err := probe()
		if err == nil {
			break
		}
		log.Debug("not ready yet", slog.Any("error", err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(tick):
		}
	}
	if _, err := Notify("READY=1"); err != nil {
		log.Warn("systemd notification failed", slog.Any("error", err))
	}
	every := WatchdogInterval() / 2
	for {
		if every <= 0 {
			<-ctx.Done()
		}
		select {
		case <-ctx.Done():
			_, _ = Notify("STOPPING=1")
			return
		case <-time.After(every):
		}
		if err := probe(); err != nil {
			log.Error("health check failed; no watchdog ping", slog.Any("error", err))
			continue
		}
		if _, err := Notify("WATCHDOG=1"); err != nil {
			log.Warn("systemd notification failed", slog.Any("error", err))
		}
	}
}
