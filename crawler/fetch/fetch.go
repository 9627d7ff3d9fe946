// Package fetch is the HTTP client every request of the crawler and its
// connectors goes through: only http and https, a per-request timeout, a
// redirect limit, a size cap on the decoded body, conversion to UTF-8, and
// no connection to a special-purpose address (loopback, private, link-local,
// …) unless the host was named for it. It must not know about sources,
// politeness or the bus.
package fetch

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/andybalholm/brotli"
	"golang.org/x/net/html/charset"
)

// ErrPrivateAddress is returned for a host that resolves to a loopback,
// private, link-local or other special-purpose address when it was not
// named as a private host.
var ErrPrivateAddress = errors.New("refusing private or loopback address")

// ErrTooLarge is returned when a response exceeds the size cap.
var ErrTooLarge = errors.New("response larger than the size cap")

// StatusError is an HTTP response that was not 2xx or 304.
type StatusError struct {
	URL        string
	StatusCode int
	RetryAfter time.Duration
	Header     http.Header
	Body       []byte // the first 64 KiB of the body: APIs explain their errors there
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.StatusCode)
}

// Fetcher sends requests. Its clients are made per set of private hosts,
// so a connection opened to a private address for one source is never
// reused for a host that was not named.
type Fetcher struct {
	UserAgent string
	MaxBytes  int64
	timeout   time.Duration
	wrap      func(http.RoundTripper) http.RoundTripper

	mu      sync.Mutex
	clients map[string]*http.Client
}

// New builds a fetcher with a per-request timeout, a redirect limit, a size
// cap and only http/https.
func New(userAgent string, timeout time.Duration, maxBytes int64) *Fetcher {
	return &Fetcher{UserAgent: userAgent, MaxBytes: maxBytes, timeout: timeout}
}

// With returns a fetcher like f whose transports are wrapped by wrap (the
// crawler's per-host gate); it shares no connections with f.
func (f *Fetcher) With(wrap func(http.RoundTripper) http.RoundTripper) *Fetcher {
	return &Fetcher{UserAgent: f.UserAgent, MaxBytes: f.MaxBytes, timeout: f.timeout, wrap: wrap}
}

// Client returns the client for requests that may reach the given hosts
// (names or IP literals, without port) on special-purpose addresses; with
// none, no host may.
func (f *Fetcher) Client(privateHosts ...string) *http.Client {
	hosts := make([]string, 0, len(privateHosts))
	for _, h := range privateHosts {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			hosts = append(hosts, h)
		}
	}
	sort.Strings(hosts)
	key := strings.Join(hosts, " ")
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[key]; ok {
		return c
	}
	if f.clients == nil {
		f.clients = map[string]*http.Client{}
	}
	c := f.newClient(hosts)
	f.clients[key] = c
	return c
}

func (f *Fetcher) newClient(privateHosts []string) *http.Client {
	allowed := map[string]bool{}
	for _, h := range privateHosts {
		allowed[h] = true
	}
	dial := func(ctx context.Context, network, address string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
		if !allowed[strings.ToLower(host)] {
			// Checked on the address actually dialled, after DNS, so a
			// name that resolves (or re-resolves) to a special address
			// cannot slip through.
			d.Control = func(_, address string, _ syscall.RawConn) error {
				return checkDial(address)
			}
		}
		return d.DialContext(ctx, network, address)
	}
	var rt http.RoundTripper = &http.Transport{
		DialContext:           dial,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: f.timeout,
		ForceAttemptHTTP2:     true,
	}
	if f.wrap != nil {
		rt = f.wrap(rt)
	}
	return &http.Client{
		Transport: rt,
		Timeout:   f.timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("stopped after 5 redirects")
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s scheme refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// checkDial refuses a special-purpose address; address is what is about
// to be dialled (an IP and port, after DNS).
func checkDial(address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s (not an IP address)", ErrPrivateAddress, address)
	}
	if blk, ok := SpecialAddress(ap.Addr()); ok {
		return fmt.Errorf("%w: %s (%s)", ErrPrivateAddress, ap.Addr(), blk.Name)
	}
	return nil
}

// Response is a fetched document, converted to UTF-8.
type Response struct {
	URL          string // final URL after redirects
	StatusCode   int
	Header       http.Header
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	NotModified  bool
}

// Get fetches rawURL. etag and lastModified make the request conditional;
// a 304 returns a Response with NotModified set. allowPrivate lets the
// request reach rawURL's own host on a special-purpose address, not a
// host it redirects to.
func (f *Fetcher) Get(ctx context.Context, rawURL string, allowPrivate bool, etag, lastModified string) (*Response, error) {
	var hosts []string
	if allowPrivate {
		if u, err := url.Parse(rawURL); err == nil {
			hosts = []string{u.Hostname()}
		}
	}
	return f.GetFrom(ctx, rawURL, hosts, etag, lastModified)
}

// GetFrom is Get for a request that may reach privateHosts on special
// addresses.
func (f *Fetcher) GetFrom(ctx context.Context, rawURL string, privateHosts []string, etag, lastModified string) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("refusing URL %q: %w", rawURL, err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5")
	req.Header.Set("Accept-Language", "id,en;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	return f.Do(req, privateHosts)
}

// Do sends req (an API call: any method, headers and body) and reads the
// response like Get. A non-2xx answer is a *StatusError carrying the
// start of its body.
func (f *Fetcher) Do(req *http.Request, privateHosts []string) (*Response, error) {
	rawURL := req.URL.String()
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("refusing URL %q: only http and https", rawURL)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", f.UserAgent)
	}
	// Asking for an encoding ourselves turns off the transport's own gzip
	// handling, so both are decoded below.
	req.Header.Set("Accept-Encoding", "gzip, br")
	resp, err := f.Client(privateHosts...).Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = redact(req.URL) // the client's error names the URL, credentials and all
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, redact(req.URL), err)
	}
	defer resp.Body.Close()
	out := &Response{URL: resp.Request.URL.String(), StatusCode: resp.StatusCode, Header: resp.Header,
		ContentType: resp.Header.Get("Content-Type"),
		ETag:        resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if resp.StatusCode == http.StatusNotModified {
		out.NotModified = true
		return out, nil
	}
	rd, closeRd, err := decoded(resp)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", redact(req.URL), err)
	}
	defer closeRd()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(rd, 64<<10))
		se := &StatusError{URL: redact(req.URL), StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			se.RetryAfter = parseRetryAfter(ra)
		}
		return nil, se
	}
	// The cap applies to the decoded size: a small compressed bomb stops
	// at the cap too.
	body, err := io.ReadAll(io.LimitReader(rd, f.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", redact(req.URL), err)
	}
	if int64(len(body)) > f.MaxBytes {
		return nil, fmt.Errorf("%s: %w (%d bytes)", redact(req.URL), ErrTooLarge, f.MaxBytes)
	}
	out.Body = toUTF8(body, out.ContentType)
	return out, nil
}

func decoded(resp *http.Response) (io.Reader, func(), error) {
	switch strings.ToLower(resp.Header.Get("Content-Encoding")) {
	case "gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	case "br":
		return brotli.NewReader(resp.Body), func() {}, nil
	}
	return resp.Body, func() {}, nil
}

// Query parameters that carry credentials: never written to logs.
var secretParams = []string{"key", "access_token", "token", "client_secret", "api_key"}

// redact returns u with credential parameters masked, for errors and logs.
func redact(u *url.URL) string {
	q := u.Query()
	changed := false
	for _, p := range secretParams {
		if q.Has(p) {
			q.Set(p, "******")
			changed = true
		}
	}
	if !changed {
		return u.String()
	}
	c := *u
	c.RawQuery = strings.ReplaceAll(q.Encode(), "%2A", "*")
	return c.String()
}

// Redact masks credential parameters (key, access_token, …) of rawURL.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	return redact(u)
}

func parseRetryAfter(v string) time.Duration {
	var secs int
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// toUTF8 converts body to UTF-8 using the Content-Type, the document's own
// declaration or a guess from its bytes.
func toUTF8(body []byte, contentType string) []byte {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "json") {
		return body // JSON is UTF-8 (RFC 8259)
	}
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" || enc == nil {
		return body
	}
	if strings.Contains(ct, "xml") || looksXML(body) {
		// XML declares its own encoding; the feed parser converts it.
		return body
	}
	out, err := io.ReadAll(enc.NewDecoder().Reader(strings.NewReader(string(body))))
	if err != nil {
		return body
	}
	return out
}

// ToUTF8 is the conversion Get applies, for bytes read elsewhere.
func ToUTF8(body []byte, contentType string) []byte { return toUTF8(body, contentType) }

func looksXML(b []byte) bool {
	s := strings.TrimSpace(string(b[:min(len(b), 100)]))
	return strings.HasPrefix(s, "<?xml") || strings.HasPrefix(s, "<rss") || strings.HasPrefix(s, "<feed")
}
