// Package googlenews is the connector of google_news sources: a Google
// News search (news.google.com/rss/search?q=…) read as RSS, each item
// resolved to the outlet's own article, which the crawler then fetches,
// extracts and dedups like any other article. It must not publish, store
// or classify.
//
// Resolving: Google wraps each link (news.google.com/rss/articles/ID). An
// ID of the older form carries the outlet's URL (base64 of a small
// protobuf) and is decoded without a request; a newer one is resolved as
// news.google.com's own page does — the article page's signature
// (data-n-a-sg, data-n-a-ts) posted to its batchexecute endpoint
// (Fbv4je/garturlreq). That endpoint is not documented: when it changes,
// items fail with a clear error and the feed's other items go on.
package googlenews

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/feed"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

// Base is Google News' real address; a source's base_url replaces it.
const Base = "https://news.google.com"

// Source polls one search.
type Source struct {
	query string
	base  string
}

// New makes the connector of a google_news source.
func New(src config.Source) (*Source, error) {
	s := &Source{query: src.Query, base: Base}
	if src.BaseURL != "" {
		s.base = strings.TrimRight(src.BaseURL, "/")
	}
	return s, nil
}

// MinInterval: a search changes slowly; every five minutes at most.
func (s *Source) MinInterval() time.Duration { return 5 * time.Minute }

// cursor remembers the outlet URL each Google News link resolved to, for
// the items still in the search, so a link is resolved once.
type cursor struct {
	Resolved map[string]string `json:"resolved"` // guid -> outlet URL
}

type rss struct {
	Items []struct {
		Title   string `xml:"title"`
		Link    string `xml:"link"`
		GUID    string `xml:"guid"`
		PubDate string `xml:"pubDate"`
		Source  struct {
			URL  string `xml:"url,attr"`
			Name string `xml:",chardata"`
		} `xml:"source"`
	} `xml:"channel>item"`
}

// Poll reads the search and hands each item on as a link to the outlet's
// article, titled without the " - Outlet" Google appends.
func (s *Source) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	q := url.Values{"q": {s.query}, "hl": {"id"}, "gl": {"ID"}, "ceid": {"ID:id"}}
	resp, err := env.Get(ctx, s.base+"/rss/search?"+q.Encode(), "", "")
	if err != nil {
		return fmt.Errorf("google news search %q: %w", s.query, err)
	}
	var doc rss
	if err := xml.Unmarshal(feed.Sanitize(resp.Body, resp.ContentType), &doc); err != nil {
		return fmt.Errorf("parsing google news search %q: %w", s.query, err)
	}
	var cur cursor
	if raw, err := env.Cursor(ctx); err != nil {
		return err
	} else if raw != nil {
		_ = json.Unmarshal(raw, &cur) // an unreadable cache is only re-resolved
	}
	next := cursor{Resolved: map[string]string{}}
	var failed []error
	for _, it := range doc.Items {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		key := strings.TrimSpace(it.GUID)
		if key == "" {
			key = strings.TrimSpace(it.Link)
		}
		link, ok := cur.Resolved[key]
		if !ok {
			link, err = s.resolve(ctx, env, strings.TrimSpace(it.Link))
			if err != nil {
				env.Warn("resolve", "google news: link not resolved to the outlet; item skipped", "title", it.Title, "error", err)
				failed = append(failed, err)
				continue
			}
		}
		next.Resolved[key] = link
		item := source.Item{Link: link, Outlet: strings.TrimSpace(it.Source.Name), Title: trimOutlet(it.Title, it.Source.Name)}
		if t, err := time.Parse(time.RFC1123, strings.TrimSpace(it.PubDate)); err == nil {
			item.Published = t.UTC()
		} else {
			item.PublishedText = it.PubDate
		}
		_ = emit(ctx, item) // a failed article is fetched again next poll: its link stays in the cache
	}
	data, _ := json.Marshal(next)
	if err := env.SaveCursor(ctx, data); err != nil {
		return err
	}
	if len(failed) == len(doc.Items) && len(failed) > 0 {
		return fmt.Errorf("google news search %q: no link could be resolved: %w", s.query, errors.Join(failed...))
	}
	return nil
}

// trimOutlet drops the " - Outlet" suffix Google adds to titles.
func trimOutlet(title, outlet string) string {
	title = strings.TrimSpace(title)
	if outlet = strings.TrimSpace(outlet); outlet != "" {
		title = strings.TrimSpace(strings.TrimSuffix(title, " - "+outlet))
	}
	return title
}

// resolve returns the outlet's URL of a Google News link.
func (s *Source) resolve(ctx context.Context, env source.Env, link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", err
	}
	base, _ := url.Parse(s.base)
	id := articleID(u.Path)
	if u.Host != base.Host || id == "" {
		return link, nil // already the outlet's
	}
	if out, ok := DecodeID(id); ok {
		return out, nil
	}
	resp, err := env.Get(ctx, s.base+"/rss/articles/"+id, "", "")
	if err != nil {
		return "", err
	}
	if fu, err := url.Parse(resp.URL); err == nil && fu.Host != base.Host {
		return resp.URL, nil // redirected to the outlet
	}
	sig := signatureRe.FindSubmatch(resp.Body)
	ts := timestampRe.FindSubmatch(resp.Body)
	if sig == nil || ts == nil {
		return "", fmt.Errorf("google news article %s: no signature on its page", id)
	}
	return s.batchExecute(ctx, env, id, string(ts[1]), string(sig[1]))
}

var (
	signatureRe = regexp.MustCompile(`data-n-a-sg\s*=\s*["']([A-Za-z0-9_\-+/=]+)["']`)
	timestampRe = regexp.MustCompile(`data-n-a-ts\s*=\s*["']([0-9]{1,12})["']`)
)

// articleID is the ID in /rss/articles/ID or /articles/ID.
func articleID(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if (p == "articles" || p == "read") && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return ""
}

// DecodeID returns the outlet URL carried by an article ID of the older
// form: base64url of a protobuf whose field 4 is the URL. IDs of the
// newer form ("AU_yqL…" inside) carry none.
func DecodeID(id string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(id, "="))
	if err != nil {
		if raw, err = base64.URLEncoding.DecodeString(id); err != nil {
			return "", false
		}
	}
	// 0x08 <varint>: field 1; 0x22 <varint length> <bytes>: field 4.
	if len(raw) < 4 || raw[0] != 0x08 {
		return "", false
	}
	i := 1
	for i < len(raw) && raw[i]&0x80 != 0 {
		i++
	}
	i++
	if i >= len(raw) || raw[i] != 0x22 {
		return "", false
	}
	i++
	n, shift := 0, 0
	for i < len(raw) {
		b := raw[i]
		i++
		n |= int(b&0x7f) << shift
		if b&0x80 == 0 {
			break
		}
		shift += 7
	}
	if n <= 0 || i+n > len(raw) {
		return "", false
	}
	out := string(raw[i : i+n])
	if !strings.HasPrefix(out, "http://") && !strings.HasPrefix(out, "https://") {
		return "", false
	}
	return out, true
}

// batchExecute asks Google News' page endpoint for the URL behind id.
func (s *Source) batchExecute(ctx context.Context, env source.Env, id, ts, sig string) (string, error) {
	inner, _ := json.Marshal([]any{"garturlreq",
		[]any{[]any{"X", "X", []any{"X", "X"}, nil, nil, 1, 1, "ID:id", nil, 1, nil, nil, nil, nil, nil, 0, 1},
			"X", "X", 1, []any{1, 1, 1}, 1, 1, nil, 0, 0, nil, 0},
		id, json.Number(ts), sig})
	freq, _ := json.Marshal([]any{[]any{[]any{"Fbv4je", string(inner), nil, "generic"}}})
	body := url.Values{"f.req": {string(freq)}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/_/DotsSplashUi/data/batchexecute", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	resp, err := env.Do(req)
	if err != nil {
		return "", fmt.Errorf("google news batchexecute for %s: %w", id, err)
	}
	return parseBatchResponse(resp.Body)
}

// parseBatchResponse reads `)]}'` then a JSON array of envelopes; the
// Fbv4je envelope's third element is itself JSON: ["garturlres","URL",…].
func parseBatchResponse(body []byte) (string, error) {
	body = bytes.TrimPrefix(bytes.TrimSpace(body), []byte(")]}'"))
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		var envelopes [][]any
		if err := dec.Decode(&envelopes); err != nil {
			break
		}
		for _, e := range envelopes {
			if len(e) < 3 || e[0] != "wrb.fr" || e[1] != "Fbv4je" {
				continue
			}
			payload, _ := e[2].(string)
			var res []any
			if json.Unmarshal([]byte(payload), &res) == nil && len(res) >= 2 && res[0] == "garturlres" {
				if u, ok := res[1].(string); ok && (strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")) {
					return u, nil
				}
			}
		}
	}
	return "", errors.New("google news batchexecute: no garturlres URL in the answer")
}
