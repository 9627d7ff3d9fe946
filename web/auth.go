package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/diskominfo-kaltim/pantau/store"
)

// Sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure on
// TLS); only its SHA-256 is stored, with the user and the session's CSRF
// token. Every form and htmx request carries the CSRF token, checked on
// every POST together with the request's origin.

const (
	sessionCookie   = "pantau_sesi"
	loginCSRFCookie = "pantau_masuk"
	csrfField       = "csrf"
	csrfHeader      = "X-CSRF-Token"
)

// Roles a page requires.
type role int

const (
	roleAny    role = iota // any signed-in user (pimpinan reads)
	roleAnalis             // analis or admin: relabelling
	roleAdmin
)

func allowed(have string, need role) bool {
	switch need {
	case roleAdmin:
		return have == store.RoleAdmin
	case roleAnalis:
		return have == store.RoleAdmin || have == store.RoleAnalis
	}
	return store.ValidRole(have)
}

// session is a signed-in user as a request sees it.
type session struct {
	store.Session
	user    store.User
	fetched time.Time
}

type ctxKey struct{}

func sessionFrom(ctx context.Context) (*session, bool) {
	s, ok := ctx.Value(ctxKey{}).(*session)
	return s, ok
}

// sessionCache keeps sessions read from the store for a minute, so that a
// page does not cost a store query per request; logging out drops the
// entry at once.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]*session
}

const sessionCacheTTL = time.Minute

func newSessionCache() *sessionCache { return &sessionCache{m: map[string]*session{}} }

func (c *sessionCache) get(hash string, now time.Time) (*session, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[hash]
	if !ok || now.Sub(s.fetched) > sessionCacheTTL {
		return nil, false
	}
	return s, true
}

func (c *sessionCache) put(s *session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[s.TokenHash] = s
}

func (c *sessionCache) drop(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, hash)
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// secure reports whether the browser reached us over TLS (directly or
// through a proxy that says so): cookies are then marked Secure.
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// currentSession reads the request's session, if it is valid.
func (s *Server) currentSession(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	hash := hashToken(c.Value)
	now := s.Now()
	if sess, ok := s.sessions.get(hash, now); ok {
		if now.After(sess.Expires) {
			return nil, nil
		}
		return sess, nil
	}
	st, err := store.GetSession(r.Context(), s.Store, hash)
	if errors.Is(err, store.ErrNoSuchSession) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if st.Revoked || now.After(st.Expires) {
		return nil, nil
	}
	u, err := store.GetUser(r.Context(), s.Store, st.User)
	if errors.Is(err, store.ErrNoSuchUser) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// A user changed since the session began (password, role, disabled)
	// signs in again.
	if u.Disabled || u.UpdatedAt.After(st.Created) {
		return nil, nil
	}
	sess := &session{Session: st, user: u, fetched: now}
	s.sessions.put(sess)
	return sess, nil
}

// page wraps a handler: it requires a session with the given role and, on
// POST, a valid CSRF token from the same origin.
func (s *Server) page(need role, h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.currentSession(r)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if sess == nil {
			if r.Method != http.MethodGet || r.Header.Get("HX-Request") == "true" {
				w.Header().Set("HX-Redirect", "/masuk")
				s.fail(w, r, http.StatusUnauthorized, "Sesi Anda berakhir. Silakan masuk lagi.")
				return
			}
			next := r.URL.RequestURI()
			http.Redirect(w, r, "/masuk?lanjut="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, sess))
		if r.Method == http.MethodPost {
			if !sameOrigin(r) {
				s.fail(w, r, http.StatusForbidden, "Permintaan ditolak: asal permintaan tidak dikenal.")
				return
			}
			tok := r.Header.Get(csrfHeader)
			if tok == "" {
				r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
				tok = r.PostFormValue(csrfField)
			}
			if subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRF)) != 1 {
				s.fail(w, r, http.StatusForbidden, "Permintaan ditolak: token formulir tidak valid. Muat ulang halaman lalu coba lagi.")
				return
			}
		}
		if !allowed(sess.user.Role, need) {
			s.fail(w, r, http.StatusForbidden, "Peran Anda ("+sess.user.Role+") tidak boleh melakukan ini.")
			return
		}
		h(w, r, sess)
	})
}

// sameOrigin rejects cross-site form posts: the browser's Origin (or
// Sec-Fetch-Site) must name this server when present.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// clientIP is the address login attempts are counted against.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type loginView struct {
	Name    string
	Next    string
	Message string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if sess, err := s.currentSession(r); err == nil && sess != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("lanjut")), http.StatusSeeOther)
		return
	}
	s.showLogin(w, r, http.StatusOK, loginView{Next: r.URL.Query().Get("lanjut")})
}

// showLogin renders the login form with a fresh double-submit CSRF token.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, lv loginView) {
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/masuk", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: secure(r), MaxAge: 3600})
	s.render(w, r, status, "login", view{Title: "Masuk", CSRF: tok, Data: lv})
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.showLogin(w, r, http.StatusBadRequest, loginView{Message: "Formulir tidak valid."})
		return
	}
	name := strings.TrimSpace(r.PostFormValue("nama"))
	lv := loginView{Name: name, Next: r.PostFormValue("lanjut")}
	c, err := r.Cookie(loginCSRFCookie)
	if !sameOrigin(r) || err != nil || c.Value == "" ||
		subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) != 1 {
		lv.Message = "Formulir kedaluwarsa. Silakan coba lagi."
		s.showLogin(w, r, http.StatusForbidden, lv)
		return
	}
	ip := clientIP(r)
	if wait := s.throttle.blocked(ip, name); wait > 0 {
		w.Header().Set("Retry-After", retryAfter(wait))
		lv.Message = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam " + minutes(wait) + "."
		s.showLogin(w, r, http.StatusTooManyRequests, lv)
		return
	}
	u, ok, err := s.authenticate(r.Context(), name, r.PostFormValue("sandi"))
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if !ok {
		s.throttle.fail(ip, name)
		s.audit(r, name, "gagal masuk", "", "")
		lv.Message = "Nama pengguna atau kata sandi salah."
		s.showLogin(w, r, http.StatusUnauthorized, lv)
		return
	}
	s.throttle.succeed(ip, name)
	tok := randomToken()
	now := s.Now()
	st := store.Session{TokenHash: hashToken(tok), User: u.Name, CSRF: randomToken(), Created: now.Truncate(time.Second),
		Expires: now.Add(s.SessionTTL)}
	if err := store.PutSession(r.Context(), s.Store, st); err != nil {
		s.internal(w, r, err)
		return
	}
	s.sessions.put(&session{Session: st, user: u, fetched: now})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: secure(r), Expires: st.Expires})
	http.SetCookie(w, &http.Cookie{Name: loginCSRFCookie, Value: "", Path: "/masuk", MaxAge: -1, HttpOnly: true, Secure: secure(r)})
	s.audit(r, u.Name, "masuk", "", "")
	http.Redirect(w, r, safeNext(lv.Next), http.StatusSeeOther)
}

// authenticate checks a name and password. An unknown name costs as much
// as a wrong password.
func (s *Server) authenticate(ctx context.Context, name, password string) (store.User, bool, error) {
	u, err := store.GetUser(ctx, s.Store, name)
	if errors.Is(err, store.ErrNoSuchUser) || err == nil && u.Disabled {
		CheckPassword(dummyHash(), password)
		return store.User{}, false, nil
	}
	if err != nil {
		return store.User{}, false, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		s.Log.Error("stored password hash unreadable", slog.String("user", name), slog.Any("error", err))
		return store.User{}, false, nil
	}
	return u, ok, nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	st := sess.Session
	st.Revoked = true
	if err := store.PutSession(r.Context(), s.Store, st); err != nil {
		s.internal(w, r, err)
		return
	}
	s.sessions.drop(st.TokenHash)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r)})
	s.audit(r, sess.user.Name, "keluar", "", "")
	http.Redirect(w, r, "/masuk", http.StatusSeeOther)
}

// audit records an action; a failure is logged, not shown.
func (s *Server) audit(r *http.Request, user, action, target, detail string) {
	e := store.AuditEntry{At: s.Now(), User: user, Action: action, Target: target, Detail: detail, Remote: clientIP(r)}
	if err := store.Audit(context.WithoutCancel(r.Context()), s.Store, e); err != nil {
		s.Log.Error("audit not recorded", slog.String("action", action), slog.Any("error", err))
	}
}

// credentialCache remembers, for a few minutes, a name and password that
// checked out, so that a client sending them with every request (Grafana
// on the ClickHouse endpoint) does not pay the password hash each time.
type credentialCache struct {
	mu sync.Mutex
	m  map[string]time.Time // SHA-256 of name and password → valid until
}

const credentialTTL = 5 * time.Minute

// CheckCredentials reports whether name and password are a web user's
// (any role, not disabled). Failures count towards the login throttle of
// the address "api" so that guessing through it is slowed as well.
func (s *Server) CheckCredentials(ctx context.Context, name, password string) bool {
	if name == "" || password == "" {
		return false
	}
	s.setup()
	sum := sha256.Sum256([]byte(name + "\x00" + password))
	key := hex.EncodeToString(sum[:])
	now := s.Now()
	s.creds.mu.Lock()
	until, ok := s.creds.m[key]
	s.creds.mu.Unlock()
	if ok && now.Before(until) {
		return true
	}
	if s.throttle.blocked("api", name) > 0 {
		return false
	}
	_, good, err := s.authenticate(ctx, name, password)
	if err != nil || !good {
		s.throttle.fail("api", name)
		return false
	}
	s.creds.mu.Lock()
	if len(s.creds.m) > 1000 {
		clear(s.creds.m)
	}
	s.creds.m[key] = now.Add(credentialTTL)
	s.creds.mu.Unlock()
	return true
}
