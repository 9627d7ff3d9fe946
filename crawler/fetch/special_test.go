package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestSpecialAddress(t *testing.T) {
	refused := []string{
		"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "100.100.100.200", "100.127.255.255", // shared address space, cloud metadata
		"198.18.0.1", "198.19.255.254", // benchmarking
		"192.0.0.1", "192.0.0.170", "192.0.0.9", // IETF protocol assignments
		"0.0.0.0", "0.1.2.3", "192.0.2.10", "198.51.100.7", "203.0.113.9", "240.0.0.1", "255.255.255.255",
		"224.0.0.251", "192.88.99.1",
		"::1", "::", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::169.254.169.254",
		"64:ff9b::a9fe:a9fe",   // NAT64 form of 169.254.169.254
		"64:ff9b::7f00:1",      // NAT64 form of 127.0.0.1
		"64:ff9b::c0a8:101",    // NAT64 form of 192.168.1.1
		"64:ff9b:1::a9fe:a9fe", // local-use NAT64
		"2002:a9fe:a9fe::1",    // 6to4 form of 169.254.169.254
		"2002:7f00:1::",        // 6to4 form of 127.0.0.1
		"2002:c0a8:101::1",     // 6to4 form of 192.168.1.1
		"fe80::1", "fe80::1%eth0", "fd00::1", "fc00::1", "ff02::1", "2001:db8::1", "3fff::1", "5f00::1",
		"2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
		"2001:2::1", "100::1", "4000::1",
	}
	for _, s := range refused {
		if blk, ok := SpecialAddress(netip.MustParseAddr(s)); !ok {
			t.Errorf("%s allowed", s)
		} else if blk.Name == "" {
			t.Errorf("%s refused without a name", s)
		}
	}
	allowed := []string{
		"103.10.20.30", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "198.17.255.255", "198.20.0.1",
		"192.0.1.1", "192.31.196.1", "223.255.255.255",
		"2404:6800:4003:c00::64", "2001:4860:4860::8888",
		"64:ff9b::808:808", // NAT64 form of 8.8.8.8
		"2002:808:808::1",  // 6to4 form of 8.8.8.8
		"::ffff:103.10.20.30",
	}
	for _, s := range allowed {
		if blk, ok := SpecialAddress(netip.MustParseAddr(s)); ok {
			t.Errorf("%s refused as %s", s, blk.Name)
		}
	}
	// The dial check itself, on the form the dialer gives it.
	for _, addr := range []string{"[64:ff9b::a9fe:a9fe]:80", "[2002:a9fe:a9fe::1]:443", "100.100.100.200:80", "[::ffff:10.0.0.1]:80"} {
		if err := checkDial(addr); !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("dial %s: %v", addr, err)
		}
	}
}

// TestDialRefusesSpecialAddresses: requests to special-purpose addresses
// are refused when dialling, after DNS (a name resolving to loopback too),
// before any packet leaves.
func TestDialRefusesSpecialAddresses(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ke-nama-lain" {
			http.Redirect(w, r, "http://localhost:"+r.URL.Query().Get("port")+"/", http.StatusFound)
			return
		}
		fmt.Fprint(w, "isi")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	// Generous: refusing is not a timeout, and a slow machine is no reason
	// to fail. Refused at dial time means no connection is ever made: the
	// test server sees none, and the unroutable addresses would end in a
	// connection error or this timeout, not ErrPrivateAddress.
	f := New("Pantau-test", time.Minute, 1<<20)
	ctx := context.Background()
	for _, u := range []string{
		"http://100.100.100.200/latest/meta-data/", "http://198.18.0.1/", "http://192.0.0.1/", "http://0.0.0.0:" + port + "/",
		"http://localhost:" + port + "/", "http://127.0.0.1:" + port + "/",
	} {
		if _, err := f.Get(ctx, u, false, "", ""); !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections reached the loopback server although every dial was refused", n)
	}
	// allow_private opens the named host only, not one it redirects to.
	if r, err := f.Get(ctx, srv.URL+"/", true, "", ""); err != nil || string(r.Body) != "isi" {
		t.Errorf("named private host: %v", err)
	}
	if _, err := f.Get(ctx, srv.URL+"/ke-nama-lain?port="+port, true, "", ""); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("redirect from the named host to another private host: %v", err)
	}
	if _, err := f.GetFrom(ctx, "http://localhost:"+port+"/", []string{"127.0.0.1"}, "", ""); !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("a host not named: %v", err)
	}
}

// TestErrorsHideCredentials: a failed request's error names the URL with
// its key or token masked, also when the failure is the connection's.
func TestErrorsHideCredentials(t *testing.T) {
	f := New("Pantau-test", time.Minute, 1<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	for _, u := range []string{
		"http://127.0.0.1:1/v3/x?key=RAHASIA-YT&part=snippet", // connection refused
		srv.URL + "/me?access_token=RAHASIA-GRAPH",            // answered 400
	} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		_, err := f.Do(req, []string{"127.0.0.1"})
		if err == nil || strings.Contains(err.Error(), "RAHASIA") || !strings.Contains(err.Error(), "******") {
			t.Errorf("%s: %v", u, err)
		}
	}
}
