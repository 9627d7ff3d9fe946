// Package crawler fetches news from outlets — feeds with gofeed, article
// pages with a hardened HTTP client — extracts the article text and
// publishes each new article on the bus. It must not classify or store.
package crawler

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/andybalholm/brotli"
	"golang.org/x/net/html/charset"
)

// ErrPrivateAddress is returned for a host that resolves to a loopback,
// private or link-local address when the source does not allow it.
var ErrPrivateAddress = errors.New("refusing private or loopback address")

// ErrTooLarge is returned when a response exceeds the size cap.
var ErrTooLarge = errors.New("response larger than the size cap")

// StatusError is an HTTP response that was not 2xx or 304.
type StatusError struct {
	URL        string
	StatusCode int
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d", e.URL, e.StatusCode)
}

// Fetcher is the HTTP client every request of the crawler goes through.
type Fetcher struct {
	UserAgent string
	MaxBytes  int64
	strict    *http.Client // refuses private addresses
	open      *http.Client // for sources with allow_private
}

// NewFetcher builds a fetcher with per-request timeout, a redirect limit
// and only http/https.
func NewFetcher(userAgent string, timeout time.Duration, maxBytes int64) *Fetcher {
	return &Fetcher{
		UserAgent: userAgent,
		MaxBytes:  maxBytes,
		strict:    newClient(timeout, false),
		open:      newClient(timeout, true),
	}
}

func newClient(timeout time.Duration, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
				ip.IsLinkLocalMulticast() || ip.IsUnspecified() || ip.IsMulticast() {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, host)
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
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

// Response is a fetched document, converted to UTF-8.
type Response struct {
	URL          string // final URL after redirects
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	NotModified  bool
}

// Get fetches rawURL. etag and lastModified make the request conditional;
// a 304 returns a Response with NotModified set.
func (f *Fetcher) Get(ctx context.Context, rawURL string, allowPrivate bool, etag, lastModified string) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("refusing URL %q: only http and https", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", f.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5")
	req.Header.Set("Accept-Language", "id,en;q=0.5")
	// Asking for an encoding ourselves turns off the transport's own gzip
	// handling, so both are decoded below.
	req.Header.Set("Accept-Encoding", "gzip, br")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	client := f.strict
	if allowPrivate {
		client = f.open
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	out := &Response{URL: resp.Request.URL.String(), ContentType: resp.Header.Get("Content-Type"),
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if resp.StatusCode == http.StatusNotModified {
		out.NotModified = true
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		se := &StatusError{URL: rawURL, StatusCode: resp.StatusCode}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			se.RetryAfter = parseRetryAfter(ra)
		}
		return nil, se
	}
	var rd io.Reader = resp.Body
	switch strings.ToLower(resp.Header.Get("Content-Encoding")) {
	case "gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", rawURL, err)
		}
		defer zr.Close()
		rd = zr
	case "br":
		rd = brotli.NewReader(resp.Body)
	}
	// The cap applies to the decoded size: a small compressed bomb stops
	// at the cap too.
	body, err := io.ReadAll(io.LimitReader(rd, f.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", rawURL, err)
	}
	if int64(len(body)) > f.MaxBytes {
		return nil, fmt.Errorf("%s: %w (%d bytes)", rawURL, ErrTooLarge, f.MaxBytes)
	}
	out.Body = toUTF8(body, out.ContentType)
	return out, nil
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
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if name == "utf-8" || enc == nil {
		return body
	}
	if strings.Contains(strings.ToLower(contentType), "xml") || looksXML(body) {
		// XML declares its own encoding; gofeed converts it itself.
		return body
	}
	out, err := io.ReadAll(enc.NewDecoder().Reader(strings.NewReader(string(body))))
	if err != nil {
		return body
	}
	return out
}

func looksXML(b []byte) bool {
	s := strings.TrimSpace(string(b[:min(len(b), 100)]))
	return strings.HasPrefix(s, "<?xml") || strings.HasPrefix(s, "<rss") || strings.HasPrefix(s, "<feed")
}

// Client returns the HTTP client the fetcher uses for a source.
func (f *Fetcher) Client(allowPrivate bool) *http.Client {
	if allowPrivate {
		return f.open
	}
	return f.strict
}
