// Package door is the one way into an embedded store while `pantau run`
// holds it. chDB lets one process open a data directory, so the running
// process offers the store to others: it advertises its address and a
// random token in DATA/door.json (readable by its user only), answers
// read-only ClickHouse HTTP queries (clickhouse.go: for analysts' CLI
// commands, Grafana and clickhouse-go) and takes the few writes analysts
// make — a label correction, a user, a report to send — through small
// JSON endpoints. Commands that find the store locked open a Backend over
// the door instead of failing. It holds no SQL: statements come from
// store's functions, and writes go through the running process's store.
package door

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// FileName is the door's file in the data directory.
const FileName = "door.json"

// Paths of the door on the run process's HTTP server.
const (
	ClickHousePath = "/clickhouse"
	prefix         = "/door/v1/"
)

// Info is what DATA/door.json says.
type Info struct {
	Addr    string    `json:"addr"`  // host:port of the HTTP server
	Token   string    `json:"token"` // bearer token of the door
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

// URL is the base URL of the door's server, reachable from this machine.
func (i Info) URL() string {
	host, port, err := net.SplitHostPort(i.Addr)
	if err != nil {
		return "http://" + i.Addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// NewToken returns a random token for a door.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Advertise writes DATA/door.json for a server listening on addr; the
// returned function removes it (at shutdown).
func Advertise(dataDir, addr, token string) (func(), error) {
	path := filepath.Join(dataDir, FileName)
	data, _ := json.Marshal(Info{Addr: addr, Token: token, PID: os.Getpid(), Started: time.Now().UTC()})
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, err
	}
	return func() {
		// Only our own file: a later run may have replaced it.
		if cur, err := read(path); err == nil && cur.Token == token {
			os.Remove(path)
		}
	}, nil
}

func read(path string) (Info, error) {
	var i Info
	data, err := os.ReadFile(path)
	if err != nil {
		return i, err
	}
	return i, json.Unmarshal(data, &i)
}

// ErrNoDoor means no running process offers this data directory's store.
var ErrNoDoor = errors.New("no running pantau offers this data directory")

// Find returns the door of the process running on dataDir, checking that
// it answers; ErrNoDoor when there is none (or it is gone).
func Find(ctx context.Context, dataDir string) (*Client, error) {
	info, err := read(filepath.Join(dataDir, FileName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoDoor
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", FileName, err)
	}
	c := &Client{Info: info, HTTP: &http.Client{Timeout: 2 * time.Minute}}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := c.call(pctx, http.MethodGet, "ping", nil, nil); err != nil {
		return nil, fmt.Errorf("%w (%s does not answer: %v)", ErrNoDoor, info.URL(), err)
	}
	return c, nil
}

// Server is the door's JSON endpoints on the run process.
type Server struct {
	Token string
	Store store.Backend
	Log   *slog.Logger
	// Sources returns the sources' health as JSON-able rows; nil when the
	// process runs no crawler.
	Sources func(ctx context.Context) (any, error)
	// SendReport sends a day's report (WITA) and returns its Message-ID.
	SendReport func(ctx context.Context, day time.Time, force bool) (string, error)
}

// Handler serves /door/v1/ping, label, users, sources and report.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"ping", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("POST "+prefix+"label", s.label)
	mux.HandleFunc("POST "+prefix+"users", s.user)
	mux.HandleFunc("GET "+prefix+"users", s.users)
	mux.HandleFunc("GET "+prefix+"sources", s.sources)
	mux.HandleFunc("POST "+prefix+"report", s.report)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || s.Token == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(s.Token)) != 1 {
			reply(w, http.StatusUnauthorized, map[string]string{"error": "token pintu tidak valid"})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, store.ErrNoSuchMention):
		status = http.StatusNotFound
	case errors.As(err, new(*badRequest)):
		status = http.StatusBadRequest
	default:
		if s.Log != nil {
			s.Log.Error("door request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
		}
	}
	reply(w, status, map[string]string{"error": err.Error()})
}

type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func decode(r *http.Request, v any) error {
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(v); err != nil {
		return &badRequest{"JSON tidak valid: " + err.Error()}
	}
	return nil
}

// Correction is a label correction as the door carries it.
type Correction struct {
	ID      string    `json:"id"`
	Label   string    `json:"label"`
	Analyst string    `json:"analyst"`
	Note    string    `json:"note"`
	At      time.Time `json:"at"`
}

func (s *Server) label(w http.ResponseWriter, r *http.Request) {
	var c Correction
	if err := decode(r, &c); err != nil {
		s.fail(w, r, err)
		return
	}
	err := store.RecordCorrection(r.Context(), s.Store, store.Correction{ID: c.ID, Label: c.Label, Analyst: c.Analyst, Note: c.Note, At: c.At})
	if err == nil {
		err = store.Audit(r.Context(), s.Store, store.AuditEntry{User: c.Analyst, Action: "label", Target: c.ID,
			Detail: c.Label + " (pantau label)" + noteSuffix(c.Note), Remote: "cli"})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, map[string]string{"status": "tersimpan"})
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return ": " + n
}

// User is a user record as the door carries it: the password arrives
// hashed.
type User struct {
	Name         string `json:"name"`
	Role         string `json:"role"`
	PasswordHash string `json:"password_hash"`
	Disabled     bool   `json:"disabled"`
	By           string `json:"by"`
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	var u User
	if err := decode(r, &u); err != nil {
		s.fail(w, r, err)
		return
	}
	if !store.ValidRole(u.Role) {
		s.fail(w, r, &badRequest{"peran tidak dikenal: " + u.Role})
		return
	}
	err := store.PutUser(r.Context(), s.Store, store.User{Name: u.Name, Role: u.Role, PasswordHash: u.PasswordHash,
		Disabled: u.Disabled, UpdatedBy: u.By})
	if err == nil {
		err = store.Audit(r.Context(), s.Store, store.AuditEntry{User: u.By, Action: "tambah pengguna", Target: u.Name, Detail: u.Role, Remote: "cli"})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, map[string]string{"status": "tersimpan"})
}

// UserInfo is a user as the door lists it: without the password hash.
type UserInfo struct {
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Disabled  bool      `json:"disabled"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	us, err := store.Users(r.Context(), s.Store)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]UserInfo, len(us))
	for i, u := range us {
		out[i] = UserInfo{u.Name, u.Role, u.Disabled, u.UpdatedAt, u.UpdatedBy}
	}
	reply(w, http.StatusOK, out)
}

func (s *Server) sources(w http.ResponseWriter, r *http.Request) {
	if s.Sources == nil {
		reply(w, http.StatusNotFound, map[string]string{"error": "proses ini tidak menjalankan crawler"})
		return
	}
	rows, err := s.Sources(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	reply(w, http.StatusOK, rows)
}

// reportRequest asks for a day's report to be sent.
type reportRequest struct {
	Date  string `json:"date"` // YYYY-MM-DD, WITA
	Force bool   `json:"force"`
}

var wita = news.WITA

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	var req reportRequest
	if err := decode(r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	day, err := time.ParseInLocation("2006-01-02", req.Date, wita)
	if err != nil {
		s.fail(w, r, &badRequest{"tanggal: pakai YYYY-MM-DD"})
		return
	}
	if s.SendReport == nil {
		reply(w, http.StatusNotFound, map[string]string{"error": "pengiriman e-mail belum diatur pada pantau run (smtp-host, report-to)"})
		return
	}
	id, err := s.SendReport(r.Context(), day, req.Force)
	if err != nil {
		reply(w, http.StatusConflict, map[string]string{"error": err.Error()})
		return
	}
	reply(w, http.StatusOK, map[string]string{"message_id": id})
}
