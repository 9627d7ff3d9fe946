// Package web is the analysts' workspace in the browser: an overview,
// the issue queue and each issue in detail with inline relabelling, the
// review queue, search, the sources' health and the daily report, in
// Bahasa Indonesia, behind a login with roles (admin, analis, pimpinan).
// Templates and assets (htmx, Apache ECharts, CSS) are embedded; nothing is
// fetched from the internet at run time. It reads and writes through
// store's functions and holds no SQL of its own.
package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// SourceHealth is one source's state as the Sumber page shows it.
type SourceHealth struct {
	Name                string    `json:"name"`
	Region              string    `json:"region"`
	Status              string    `json:"status"` // sehat, terlambat, gagal, belum pernah
	LastSuccess         time.Time `json:"last_success"`
	LastAttempt         time.Time `json:"last_attempt"`
	LastReason          string    `json:"last_reason"`
	LastError           string    `json:"last_error"`
	LastErrorAt         time.Time `json:"last_error_at"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	New                 int64     `json:"new"`
	Items               int64     `json:"items"`
}

// Server is the web app.
type Server struct {
	Store store.Backend
	Rules issuemap.Rules
	Log   *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Sources returns the sources' health; nil where the crawler's state
	// is not at hand (pantau serve without the bus).
	Sources func(ctx context.Context) ([]SourceHealth, error)
	// SendReport sends a day's report now and returns its Message-ID; nil
	// where e-mail is not configured.
	SendReport func(ctx context.Context, day time.Time, force bool) (string, error)
	// SessionTTL is how long a login lasts (12 hours when zero).
	SessionTTL time.Duration

	pages    map[string]*template.Template
	sessions *sessionCache
	throttle *throttle
	creds    credentialCache
	once     sync.Once
}

// Handler returns the app's routes. It is meant to be mounted at / beside
// the API (/api/) on one server.
func (s *Server) Handler() http.Handler {
	s.setup()

	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	mux.HandleFunc("GET /masuk", s.loginPage)
	mux.HandleFunc("POST /masuk", s.loginSubmit)
	mux.Handle("POST /keluar", s.page(roleAny, s.logout))

	mux.Handle("GET /{$}", s.page(roleAny, s.overview))
	mux.Handle("GET /isu", s.page(roleAny, s.issueQueue))
	mux.Handle("GET /isu/{id}", s.page(roleAny, s.issueDetail))
	mux.Handle("GET /tinjau", s.page(roleAny, s.review))
	mux.Handle("GET /cari", s.page(roleAny, s.search))
	mux.Handle("GET /sumber", s.page(roleAny, s.sources))
	mux.Handle("GET /laporan", s.page(roleAny, s.reportPage))
	mux.Handle("GET /laporan/pratinjau", s.page(roleAny, s.reportPreview))
	mux.Handle("GET /laporan/unduh", s.page(roleAny, s.reportDownload))
	mux.Handle("POST /laporan/kirim", s.page(roleAdmin, s.reportSend))
	mux.Handle("POST /artikel/{id}/label", s.page(roleAnalis, s.relabel))
	mux.Handle("GET /audit", s.page(roleAdmin, s.auditLog))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "Halaman tidak ditemukan.")
	})
	return securityHeaders(mux)
}

// setup fills the defaults and the server's state, once.
func (s *Server) setup() {
	s.once.Do(func() {
		if s.Now == nil {
			s.Now = time.Now
		}
		if s.Log == nil {
			s.Log = slog.New(slog.DiscardHandler)
		}
		if s.SessionTTL == 0 {
			s.SessionTTL = 12 * time.Hour
		}
		s.pages = parsePages()
		s.sessions = newSessionCache()
		s.throttle = newThrottle(s.Now)
		s.creds.m = map[string]time.Time{}
	})
}

// securityHeaders sets the headers every answer carries: no framing by
// other sites, no MIME sniffing, scripts and styles only from this server.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "SAMEORIGIN")
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "+
			"script-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
		h.ServeHTTP(w, r)
	})
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

// view is what every page template receives.
type view struct {
	Title  string
	Active string // the navigation entry to highlight
	User   store.User
	CSRF   string
	Flash  string
	Data   any
}

// CanLabel reports whether the signed-in user may relabel.
func (v view) CanLabel() bool {
	return v.User.Role == store.RoleAdmin || v.User.Role == store.RoleAnalis
}

// IsAdmin reports whether the signed-in user is an admin.
func (v view) IsAdmin() bool { return v.User.Role == store.RoleAdmin }

// HXHeaders is the header htmx adds to every request: the CSRF token.
func (v view) HXHeaders() string { return `{"X-CSRF-Token": "` + v.CSRF + `"}` }

// parsePages parses each page with the layout and the shared blocks.
func parsePages() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).Funcs(issueFuncs).ParseFS(templateFS, "templates/layout.html",
		"templates/parts.html", "templates/issueparts.html"))
	pages := map[string]*template.Template{}
	for _, name := range []string{"login", "error", "overview", "issues", "issue", "review", "search", "sources", "report", "audit"} {
		t := template.Must(base.Clone())
		pages[name] = template.Must(t.ParseFS(templateFS, "templates/"+name+".html"))
	}
	return pages
}

// render writes a page, or only its "content" block for an htmx request
// that targets the main area.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := s.pages[name]
	if !ok {
		s.Log.Error("no such template", slog.String("template", name))
		http.Error(w, "galat di server", http.StatusInternalServerError)
		return
	}
	block := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "isi" {
		block = "content"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Vary", "HX-Request, HX-Target")
	w.WriteHeader(status)
	if err := t.ExecuteTemplate(w, block, v); err != nil {
		s.Log.Error("rendering page", slog.String("template", name), slog.Any("error", err))
	}
}

// renderPart writes one named block of a page's templates (an htmx swap).
func (s *Server) renderPart(w http.ResponseWriter, page, block string, v any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.pages[page].ExecuteTemplate(w, block, v); err != nil {
		s.Log.Error("rendering part", slog.String("template", page), slog.String("block", block), slog.Any("error", err))
	}
}

// fail shows an error page (or a short message to htmx).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") != "isi" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprint(w, msg)
		return
	}
	v := view{Title: "Galat", Flash: msg}
	if sess, ok := sessionFrom(r.Context()); ok {
		v.User, v.CSRF = sess.user, sess.CSRF
	}
	s.render(w, r, status, "error", v)
}

// internal logs err and shows a generic error: details stay in the log.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.Log.Error("web request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
	s.fail(w, r, http.StatusInternalServerError, "Terjadi galat di server; rinciannya ada di log. Coba lagi sebentar lagi.")
}
