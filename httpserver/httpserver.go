// Package httpserver starts Pantau's HTTP listeners — the API, the
// metrics endpoint, the web app — with one set of limits, so that no slow,
// idle or greedy client can hold a server: read, header, write and idle
// timeouts, a cap on header size, a cap on request bodies and on open
// connections. It knows nothing of the handlers it serves.
package httpserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits bound what one client can take from a server.
type Limits struct {
	ReadHeaderTimeout time.Duration // to read a request's headers
	ReadTimeout       time.Duration // to read a whole request, body included
	WriteTimeout      time.Duration // from the end of the headers to the end of the response
	IdleTimeout       time.Duration // a keep-alive connection waiting for its next request
	MaxHeaderBytes    int
	MaxBodyBytes      int64 // request bodies are cut here (the handler reads an error)
	MaxConns          int   // connections open at once; more wait to be accepted
	ShutdownGrace     time.Duration
}

// Default are the limits of Pantau's listeners: an API answer may take a
// store query of up to 30 s; a request has 15 s to arrive.
var Default = Limits{
	ReadHeaderTimeout: 5 * time.Second,
	ReadTimeout:       15 * time.Second,
	WriteTimeout:      60 * time.Second,
	IdleTimeout:       30 * time.Second,
	MaxHeaderBytes:    16 << 10,
	MaxBodyBytes:      1 << 20,
	MaxConns:          256,
	ShutdownGrace:     5 * time.Second,
}

// New returns a server for h with the limits.
func New(h http.Handler, l Limits) *http.Server {
	return &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Body != nil && l.MaxBodyBytes > 0 {
				r.Body = http.MaxBytesReader(w, r.Body, l.MaxBodyBytes)
			}
			h.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// Listen listens on addr, accepting at most l.MaxConns connections at once.
func Listen(addr string, l Limits) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if l.MaxConns > 0 {
		ln = netutil.LimitListener(ln, l.MaxConns)
	}
	return ln, nil
}

// Serve serves srv on ln until ctx ends, then shuts it down, letting
// requests in flight finish within the grace period. It returns when the
// server has stopped.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, l Limits, log *slog.Logger) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), l.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("HTTP server tidak berhenti dengan rapi", slog.String("addr", ln.Addr().String()), slog.Any("error", err))
		srv.Close()
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ListenAndServe is Listen and Serve.
func ListenAndServe(ctx context.Context, addr string, h http.Handler, l Limits, log *slog.Logger) error {
	ln, err := Listen(addr, l)
	if err != nil {
		return err
	}
	return Serve(ctx, New(h, l), ln, l, log)
}
