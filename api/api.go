// Package api serves Pantau's analyst interface over HTTP: issues, one
// issue, trends and search as JSON under /api/, read-only except label
// corrections, behind a bearer token. Every parameter is validated and
// bound server-side; none is spliced into SQL.
package api

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/issueview"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/period"
	"github.com/diskominfo-kaltim/pantau/store"
)

// OpenAPI is the API's description.
//
//go:embed openapi.yaml
var OpenAPI []byte

// Server answers API requests.
type Server struct {
	Store store.Backend
	Rules issuemap.Rules
	Token string
	Log   *slog.Logger
	Now   func() time.Time
}

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	if s.Now == nil {
		s.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /api/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(OpenAPI)
	})
	mux.Handle("GET /api/issues", s.auth(s.issues))
	mux.Handle("GET /api/issues/{id}", s.auth(s.issue))
	mux.Handle("GET /api/trend", s.auth(s.trend))
	mux.Handle("GET /api/search", s.auth(s.search))
	mux.Handle("POST /api/mentions/{id}/label", s.auth(s.label))
	return mux
}

type apiError struct {
	status int
	msg    string
}

func (e apiError) Error() string { return e.msg }

func bad(format string, a ...any) error {
	return apiError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

func (s *Server) auth(h func(*http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Token == "" || !bearer(r, s.Token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="pantau"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "token tidak valid atau tidak ada (Authorization: Bearer ...)"})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		out, err := h(r.WithContext(ctx))
		if err != nil {
			var ae apiError
			if errors.As(err, &ae) {
				writeJSON(w, ae.status, map[string]string{"error": ae.msg})
				return
			}
			s.Log.Error("api request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "galat di server; lihat log"})
			return
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// labelChoices names the four classes for error messages.
var labelChoices = strings.Join(news.Labels[:3], ", ") + " atau " + news.Labels[3]

// bearer reports whether r carries token in "Authorization: Bearer
// <token>"; the scheme is case-insensitive (RFC 7235) and required.
func bearer(r *http.Request, token string) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(token)) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// period reads the since parameter (period.Parse), def when absent.
func (s *Server) period(r *http.Request, def string) (period.Window, error) {
	p := r.URL.Query().Get("since")
	if p == "" {
		p = def
	}
	w, err := period.Back(p, "", s.Now())
	if err != nil {
		return period.Window{}, bad("since: %v", err)
	}
	return w, nil
}

func limit(r *http.Request, def, max int) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, bad("limit: %q bukan bilangan 1..%d", v, max)
	}
	return n, nil
}

// media reads the jenis and platform parameters: the kind of item
// (media-massa, siaran-pers, media-sosial) and the platform.
func media(r *http.Request) (store.MediaFilter, error) {
	var m store.MediaFilter
	var err error
	if m.Kind, err = store.ParseKind(r.URL.Query().Get("jenis")); err != nil {
		return m, bad("jenis: %v", err)
	}
	if m.Platform, err = store.ParsePlatform(r.URL.Query().Get("platform")); err != nil {
		return m, bad("platform: %v", err)
	}
	return m, nil
}

func (s *Server) issues(r *http.Request) (any, error) {
	w, err := s.period(r, "7d")
	if err != nil {
		return nil, err
	}
	m, err := media(r)
	if err != nil {
		return nil, err
	}
	n, err := limit(r, 20, 500)
	if err != nil {
		return nil, err
	}
	label := r.URL.Query().Get("label")
	if label != "" && !news.ValidLabel(label) {
		return nil, bad("label: %q bukan %s", label, labelChoices)
	}
	return issueview.List(r.Context(), s.Store, s.Rules, store.IssueFilter{Since: w.Since, Until: w.Until,
		Region: r.URL.Query().Get("region"), Label: label, Media: m, Limit: n})
}

// issue is one issue over its whole life, or over since when given.
func (s *Server) issue(r *http.Request) (any, error) {
	w := period.Window{Until: s.Now().UTC()}
	if r.URL.Query().Get("since") != "" {
		var err error
		if w, err = s.period(r, ""); err != nil {
			return nil, err
		}
	}
	m, err := media(r)
	if err != nil {
		return nil, err
	}
	d, err := issueview.Get(r.Context(), s.Store, s.Rules, r.PathValue("id"), w, m)
	if errors.Is(err, issueview.ErrNotFound) {
		if m != (store.MediaFilter{}) {
			return nil, apiError{http.StatusNotFound, "isu tidak ditemukan, atau tidak ada pemberitaannya dari jenis/platform itu"}
		}
		return nil, apiError{http.StatusNotFound, "isu tidak ditemukan"}
	}
	return d, err
}

func (s *Server) trend(r *http.Request) (any, error) {
	w, err := s.period(r, "30d")
	if err != nil {
		return nil, err
	}
	q := store.TrendQuery{By: r.URL.Query().Get("by"), Interval: r.URL.Query().Get("interval"), Since: w.Since, Until: w.Until}
	if q.Media, err = media(r); err != nil {
		return nil, err
	}
	if q.By == "" {
		q.By = "label"
	}
	if !slices.Contains(store.TrendDimensions, q.By) {
		return nil, bad("by: %q bukan salah satu dari %s", q.By, strings.Join(store.TrendDimensions, ", "))
	}
	if q.Interval != "" && !slices.Contains(store.TrendIntervals, q.Interval) {
		return nil, bad("interval: %q bukan salah satu dari %s", q.Interval, strings.Join(store.TrendIntervals, ", "))
	}
	if q.Interval == "hour" && w.Until.Sub(w.Since) > 31*24*time.Hour {
		return nil, bad("interval hour: periode paling panjang 31 hari")
	}
	if q.Issues, err = limit(r, 10, 100); err != nil {
		return nil, err
	}
	return store.Trend(r.Context(), s.Store, q)
}

func (s *Server) search(r *http.Request) (any, error) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" || len(q) > 200 {
		return nil, bad("q: kata kunci wajib diisi (paling panjang 200 karakter)")
	}
	w, err := s.period(r, "30d")
	if err != nil {
		return nil, err
	}
	n, err := limit(r, 20, 200)
	if err != nil {
		return nil, err
	}
	m, err := media(r)
	if err != nil {
		return nil, err
	}
	return store.Search(r.Context(), s.Store, q, w.Since, m, n)
}

func (s *Server) label(r *http.Request) (any, error) {
	var body struct {
		Label   string `json:"label"`
		Analyst string `json:"analyst"`
		Note    string `json:"note"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10)).Decode(&body); err != nil {
		return nil, bad("body: JSON tidak valid: %v", err)
	}
	if !news.ValidLabel(body.Label) {
		return nil, bad("label: %q bukan %s", body.Label, labelChoices)
	}
	if strings.TrimSpace(body.Analyst) == "" {
		return nil, bad("analyst: nama analis wajib diisi")
	}
	c := store.Correction{ID: r.PathValue("id"), Label: body.Label, Analyst: body.Analyst, Note: body.Note}
	if err := store.RecordCorrection(r.Context(), s.Store, c); err != nil {
		if errors.Is(err, store.ErrNoSuchMention) {
			return nil, apiError{http.StatusNotFound, "artikel tidak ditemukan"}
		}
		return nil, err
	}
	return map[string]string{"status": "tersimpan", "id": c.ID, "label": c.Label}, nil
}
