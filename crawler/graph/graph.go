// Package graph is the connector of facebook and instagram sources through
// Meta's Graph API, with the office's long-lived token: the office's own
// Page and its posts' public comments, the office's Instagram professional
// account, its media's comments and, where the account may use it,
// Instagram hashtag search. It reads no conversations or messages (no
// such endpoint is ever called) and must not publish, store or classify.
package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

// Base is the Graph API's real address and version; a source's base_url
// replaces it (with or without a version path).
const Base = "https://graph.facebook.com/v25.0"

const (
	maxPages      = 5                  // pages read per edge and poll
	commentWindow = 7 * 24 * time.Hour // posts whose comments are still read
)

// client calls the Graph API for one source.
type client struct {
	base  string
	token string
}

func newClient(baseURL, token string) client {
	c := client{base: Base, token: token}
	if baseURL != "" {
		c.base = strings.TrimRight(baseURL, "/")
	}
	return c
}

// page is the envelope of a Graph API list.
type page[T any] struct {
	Data   []T `json:"data"`
	Paging struct {
		Cursors struct {
			After string `json:"after"`
		} `json:"cursors"`
		Next string `json:"next"`
	} `json:"paging"`
}

// errDeleted marks an object that no longer exists (or is no longer
// visible): its comments are not read.
var errDeleted = errors.New("graph object deleted or not visible")

// get reads path (or an absolute paging URL) into v.
func (c client) get(ctx context.Context, env source.Env, path string, q url.Values, v any) error {
	if c.token == "" {
		return &source.CredentialError{Platform: "Graph API", Detail: "graph-token belum diisi (PANTAU_GRAPH_TOKEN_FILE)"}
	}
	u := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		if q == nil {
			q = url.Values{}
		}
		q.Set("access_token", c.token)
		u = c.base + path + "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := env.Do(req)
	if err != nil {
		return graphError(err, env.Now())
	}
	if until, ok := nearLimit(resp.Header, env.Now()); ok {
		// Meta's usage headers say the app is close to its limit: pause
		// before Meta throttles it.
		env.BackOff(ctx, u, until, "batas pemakaian Graph API hampir habis")
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return fmt.Errorf("graph %s: %w", path, err)
	}
	return nil
}

// each reads every page of a list (at most maxPages), calling fn with each
// item until it returns false.
func each[T any](ctx context.Context, c client, env source.Env, path string, q url.Values, fn func(T) bool) error {
	next := path
	for range maxPages {
		var p page[T]
		if err := c.get(ctx, env, next, q, &p); err != nil {
			return err
		}
		for _, it := range p.Data {
			if !fn(it) {
				return nil
			}
		}
		if p.Paging.Next == "" || len(p.Data) == 0 {
			return nil
		}
		next, q = p.Paging.Next, nil
	}
	return nil
}

// apiError is the Graph API's error body.
type apiError struct {
	Error struct {
		Message      string `json:"message"`
		Type         string `json:"type"`
		Code         int    `json:"code"`
		ErrorSubcode int    `json:"error_subcode"`
		FBTraceID    string `json:"fbtrace_id"`
	} `json:"error"`
}

// graphError turns a Graph API error into what the crawler acts on.
func graphError(err error, now time.Time) error {
	var se *fetch.StatusError
	if !errors.As(err, &se) {
		return err
	}
	var ae apiError
	if json.Unmarshal(se.Body, &ae) != nil || ae.Error.Code == 0 {
		return err
	}
	e := ae.Error
	switch {
	case e.Code == 190 || e.Code == 102:
		detail := e.Message
		if e.ErrorSubcode == 463 {
			detail = "token kedaluwarsa: " + e.Message
		}
		return &source.CredentialError{Platform: "Graph API", Detail: detail}
	case e.Code == 10 || (e.Code >= 200 && e.Code <= 299):
		return &source.CredentialError{Platform: "Graph API", Detail: "izin token tidak cukup: " + e.Message}
	case e.Code == 4 || e.Code == 17 || e.Code == 32 || e.Code == 613 || (e.Code >= 80001 && e.Code <= 80014):
		until := now.Add(time.Hour)
		if t, ok := regainAccess(se.Header, now); ok {
			until = t
		}
		return &source.LimitError{URL: se.URL, Until: until, Reason: "batas pemakaian Graph API", Err: fmt.Errorf("graph error %d: %s", e.Code, e.Message)}
	case e.Code == 100 && e.ErrorSubcode == 33:
		return errDeleted
	}
	return fmt.Errorf("graph error %d/%d (%s): %s", e.Code, e.ErrorSubcode, e.Type, e.Message)
}

// usage is one entry of X-Business-Use-Case-Usage, or X-App-Usage.
type usage struct {
	CallCount    float64 `json:"call_count"`
	TotalCPUTime float64 `json:"total_cputime"`
	TotalTime    float64 `json:"total_time"`
	RegainMins   float64 `json:"estimated_time_to_regain_access"`
}

func (u usage) max() float64 { return max(u.CallCount, u.TotalCPUTime, u.TotalTime) }

// regainAccess reads estimated_time_to_regain_access (minutes) from
// X-Business-Use-Case-Usage.
func regainAccess(h http.Header, now time.Time) (time.Time, bool) {
	var buc map[string][]usage
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc) != nil {
		return time.Time{}, false
	}
	var mins float64
	for _, us := range buc {
		for _, u := range us {
			mins = max(mins, u.RegainMins)
		}
	}
	if mins <= 0 {
		return time.Time{}, false
	}
	return now.Add(time.Duration(mins * float64(time.Minute))), true
}

// nearLimit reports whether Meta's usage headers put the app or the
// business at 95% of a limit, and until when to pause.
func nearLimit(h http.Header, now time.Time) (time.Time, bool) {
	high := 0.0
	var app usage
	if json.Unmarshal([]byte(h.Get("X-App-Usage")), &app) == nil {
		high = app.max()
	}
	var buc map[string][]usage
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc) == nil {
		for _, us := range buc {
			for _, u := range us {
				high = max(high, u.max())
			}
		}
	}
	if high < 95 {
		return time.Time{}, false
	}
	if t, ok := regainAccess(h, now); ok {
		return t, true
	}
	return now.Add(10 * time.Minute), true
}

// timeLayout is how the Graph API writes times: 2024-06-11T06:05:00+0000.
const timeLayout = "2006-01-02T15:04:05-0700"

func parseTime(s string) time.Time {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339, s)
	}
	return t.UTC()
}

// loadCursor reads the source's cursor into v (left as it is when none).
func loadCursor(ctx context.Context, env source.Env, v any) error {
	raw, err := env.Cursor(ctx)
	if err != nil || raw == nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("reading the graph cursor: %w", err)
	}
	return nil
}

func saveCursor(ctx context.Context, env source.Env, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return env.SaveCursor(ctx, data)
}

// stopping reports whether an error ends the poll (the platform asked for
// a pause, the token is bad, or the poll was stopped).
// followComments reads the new comments under each watched post (read
// returns the newest comment's time), forgetting posts past commentWindow
// and deleted ones. An error that should stop the pass (a limit, bad
// credentials, shutdown) ends it as stop; others are collected in errs.
func followComments(ctx context.Context, env source.Env, emit source.Emit, watched map[string]watch,
	read func(context.Context, source.Env, source.Emit, string, time.Time) (time.Time, error)) (errs []error, stop error) {
	for id, w := range watched {
		if env.Now().Sub(w.Posted) > commentWindow {
			delete(watched, id)
			continue
		}
		n, err := read(ctx, env, emit, id, w.Newest)
		switch {
		case errors.Is(err, errDeleted):
			delete(watched, id)
		case err != nil && stopping(ctx, err):
			return errs, err
		case err != nil:
			errs = append(errs, err)
		default:
			w.Newest = n
			watched[id] = w
		}
	}
	return errs, nil
}

func stopping(ctx context.Context, err error) bool {
	var le *source.LimitError
	return errors.As(err, &le) || errors.Is(err, source.ErrCredentials) || ctx.Err() != nil
}
