package httpserver

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// start serves h with l on a free loopback port until the test ends.
func start(t *testing.T, h http.Handler, l Limits) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0", l)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, New(h, l), ln, l, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// closedWithin reports whether the server closes c within d (reading
// whatever it answers first).
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	return err == nil // EOF: the server closed it; a timeout is an error
}

var short = Limits{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, WriteTimeout: 2 * time.Second,
	IdleTimeout: 300 * time.Millisecond, MaxHeaderBytes: 4 << 10, MaxBodyBytes: 1 << 10, MaxConns: 2, ShutdownGrace: time.Second}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(r.Body); err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	fmt.Fprint(w, "ok")
})

// TestSlowAndIdleClientsAreCut: a connection that sends nothing, a body
// sent a byte at a time and an idle keep-alive connection are all closed
// by the server (before, the API held them for 70 s and more).
func TestSlowAndIdleClientsAreCut(t *testing.T) {
	addr := start(t, ok, short)
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if !closedWithin(silent, 10*time.Second) {
		t.Error("a connection that sends no request stays open")
	}

	trickle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer trickle.Close()
	fmt.Fprint(trickle, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
	cut := make(chan bool, 1)
	go func() { cut <- closedWithin(trickle, 10*time.Second) }()
	for i := 0; i < 100; i++ {
		if _, err := trickle.Write([]byte("x")); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !<-cut {
		t.Error("a body sent a byte at a time holds the connection")
	}

	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprint(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(idle), nil)
	if err != nil || resp.StatusCode != 200 || resp.Close {
		t.Fatalf("keep-alive request: %v %+v", err, resp)
	}
	io.Copy(io.Discard, resp.Body)
	if !closedWithin(idle, 10*time.Second) {
		t.Error("an idle keep-alive connection stays open")
	}
}

// TestConnectionLimit: with two connections held, a third waits until one
// is released.
func TestConnectionLimit(t *testing.T) {
	l := short
	l.ReadHeaderTimeout, l.IdleTimeout = 5*time.Second, 5*time.Second
	var served atomic.Int32
	addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { served.Add(1) }), l)
	var held []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	time.Sleep(100 * time.Millisecond) // both accepted
	third := make(chan error, 1)
	go func() {
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
		}
		third <- err
	}()
	select {
	case err := <-third:
		t.Fatalf("a third connection was served while two were held (%v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	held[0].Close()
	if err := <-third; err != nil || served.Load() != 1 {
		t.Errorf("after a release: %v, %d served", err, served.Load())
	}
}

// TestBodyAndHeaderCaps: a body over MaxBodyBytes is refused by the
// handler's read, and headers over MaxHeaderBytes get 431.
func TestBodyAndHeaderCaps(t *testing.T) {
	addr := start(t, ok, short)
	resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader(strings.Repeat("x", 4<<10)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("4 KiB body over a 1 KiB cap: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
	req.Header.Set("X-Big", strings.Repeat("x", 64<<10))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB header: %d", resp.StatusCode)
	}
}
