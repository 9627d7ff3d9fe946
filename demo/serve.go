package demo

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/httpserver"
)

// Port is the demo sites' port. Each outlet listens on its own loopback
// address (127.0.1.10, 127.0.1.11, …) at this port, so article URLs, and so
// their ids, stay the same from one demo run to the next, and the crawler,
// which sends one request at a time to a host, crawls the outlets in
// parallel.
const Port = 18088

// HostDelay is the pause between two requests to one demo site: loopback
// sites need no politeness (the crawler's default is a second).
const HostDelay = 5 * time.Millisecond

// Sites are the demo outlets being served.
type Sites struct {
	Outlets []*Outlet
	Bases   []string // "http://127.0.1.10:18088", in Outlets order
	// Moved is set when the fixed addresses were taken or not available
	// (loopback beyond 127.0.0.1 is Linux's): the sites then listen on
	// random ports of 127.0.0.1, and a second demo run into the same data
	// dir sees new articles.
	Moved bool

	srv *http.Server
	lns []net.Listener
	wg  sync.WaitGroup
}

// address is the fixed address of the i-th outlet.
func address(i, port int) string {
	return net.JoinHostPort(fmt.Sprintf("127.0.%d.%d", 1+i/200, 10+i%200), strconv.Itoa(port))
}

// Serve starts serving outlets on loopback: at their fixed addresses on
// port, or, when one of those cannot be bound, each on a random port of
// 127.0.0.1. Close stops them.
func Serve(outlets []*Outlet, port int) (*Sites, error) {
	s := &Sites{Outlets: outlets}
	lns, err := listenAll(len(outlets), func(i int) string { return address(i, port) })
	if err != nil {
		s.Moved = true
		if lns, err = listenAll(len(outlets), func(int) string { return "127.0.0.1:0" }); err != nil {
			return nil, err
		}
	}
	s.lns = lns
	byHost := map[string]*Site{}
	for i, ln := range lns {
		host := ln.Addr().String()
		byHost[host] = NewSite(outlets[i])
		s.Bases = append(s.Bases, "http://"+host)
	}
	// The limits of every Pantau listener (httpserver.Default).
	s.srv = httpserver.New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site := byHost[r.Host]
		if site == nil {
			http.Error(w, "bukan situs demo", http.StatusMisdirectedRequest)
			return
		}
		site.ServeHTTP(w, r)
	}), httpserver.Default)
	for _, ln := range lns {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			_ = s.srv.Serve(ln)
		}()
	}
	return s, nil
}

func listenAll(n int, addr func(int) string) ([]net.Listener, error) {
	var lns []net.Listener
	for i := 0; i < n; i++ {
		ln, err := httpserver.Listen(addr(i), httpserver.Default)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, fmt.Errorf("listening on %s: %w", addr(i), err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// Sources are the crawler's sources for the sites: one per outlet, its
// feed and site on loopback (allowed), its region.
func (s *Sites) Sources() []config.Source {
	out := make([]config.Source, len(s.Outlets))
	for i, o := range s.Outlets {
		out[i] = config.Source{Name: o.Name, Feed: s.Bases[i] + "/rss.xml", Site: s.Bases[i], Region: o.Region, AllowPrivate: true}
	}
	return out
}

// Items counts the items the sites serve.
func (s *Sites) Items() int {
	n := 0
	for _, o := range s.Outlets {
		n += len(o.Items)
	}
	return n
}

// Close stops serving.
func (s *Sites) Close() error {
	err := s.srv.Close()
	s.wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
