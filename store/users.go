package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The web app's tables: users, their sessions and the audit log. Every
// statement here runs on ClickHouse 18.16 too (values quoted, no server-side
// parameters), so the web app works against any supported server.

// webMigration creates the web app's tables. Rows are never updated in
// place: a user or a session is replaced by a newer row (ReplacingMergeTree
// on updated_at) and read with argMax, which needs no FINAL.
var webMigration = Migration{
	Version: 9,
	Name:    "web_users",
	Statements: []string{
		`CREATE TABLE IF NOT EXISTS {db}.users (
    name String,
    role String,
    password_hash String,
    disabled UInt8,
    updated_at DateTime('UTC'),
    updated_by String
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY name`,
		`CREATE TABLE IF NOT EXISTS {db}.web_sessions (
    token_hash String,
    user String,
    csrf String,
    created_at DateTime('UTC'),
    expires_at DateTime('UTC'),
    revoked UInt8,
    updated_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY token_hash`,
		`CREATE TABLE IF NOT EXISTS {db}.audit_log (
    at DateTime('UTC'),
    user String,
    action String,
    target String,
    detail String,
    remote String
) ENGINE = MergeTree
ORDER BY at`,
	},
}

// Roles of web users: admin may do everything (send the report, read the
// audit log), analis reads and relabels, pimpinan only reads.
const (
	RoleAdmin    = "admin"
	RoleAnalis   = "analis"
	RolePimpinan = "pimpinan"
)

// Roles lists the roles.
var Roles = []string{RoleAdmin, RoleAnalis, RolePimpinan}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool { return r == RoleAdmin || r == RoleAnalis || r == RolePimpinan }

// ErrNoSuchUser is returned for a user name that is not stored.
var ErrNoSuchUser = errors.New("no such user")

// User is one web user. PasswordHash is an encoded password hash (the web
// package's); the store never sees a password.
type User struct {
	Name         string
	Role         string
	PasswordHash string
	Disabled     bool
	UpdatedAt    time.Time
	UpdatedBy    string
}

func dtLiteral(t time.Time) string {
	return "toDateTime(" + Quote(t.UTC().Format(time.DateTime)) + ", 'UTC')"
}

func boolInt(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// PutUser stores u as the user's latest state.
func PutUser(ctx context.Context, b Backend, u User) error {
	if !ValidRole(u.Role) {
		return fmt.Errorf("invalid role %q", u.Role)
	}
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = time.Now()
	}
	return b.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.users (name, role, password_hash, disabled, updated_at, updated_by)
SELECT %s, %s, %s, %s, %s, %s`, b.Database(), Quote(u.Name), Quote(u.Role), Quote(u.PasswordHash),
		boolInt(u.Disabled), dtLiteral(u.UpdatedAt), Quote(u.UpdatedBy)))
}

const userColumns = `name, argMax(role, updated_at), argMax(password_hash, updated_at), argMax(disabled, updated_at),
    max(updated_at), argMax(updated_by, updated_at)`

func scanUser(res *Result, i int) (User, error) {
	var u User
	err := res.Scan(i, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.UpdatedAt, &u.UpdatedBy)
	return u, err
}

// GetUser reads one user's latest state.
func GetUser(ctx context.Context, b Backend, name string) (User, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT %s FROM %s.users WHERE name = %s GROUP BY name`,
		userColumns, b.Database(), Quote(name)), nil)
	if err != nil {
		return User{}, fmt.Errorf("reading user: %w", err)
	}
	if len(res.Rows) == 0 {
		return User{}, ErrNoSuchUser
	}
	u, err := scanUser(res, 0)
	if err != nil {
		return User{}, fmt.Errorf("reading user: %w", err)
	}
	return u, nil
}

// Users lists every user, by name.
func Users(ctx context.Context, b Backend) ([]User, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT %s FROM %s.users GROUP BY name ORDER BY name`, userColumns, b.Database()), nil)
	if err != nil {
		return nil, fmt.Errorf("listing users: %w", err)
	}
	out := make([]User, len(res.Rows))
	for i := range out {
		if out[i], err = scanUser(res, i); err != nil {
			return nil, fmt.Errorf("listing users: %w", err)
		}
	}
	return out, nil
}

// Session is a signed-in browser. Only a hash of its token is stored.
type Session struct {
	TokenHash string
	User      string
	CSRF      string
	Created   time.Time
	Expires   time.Time
	Revoked   bool
}

// PutSession stores s as the session's latest state (revoking it is
// storing it again with Revoked set).
func PutSession(ctx context.Context, b Backend, s Session) error {
	now := time.Now()
	return b.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.web_sessions (token_hash, user, csrf, created_at, expires_at, revoked, updated_at)
SELECT %s, %s, %s, %s, %s, %s, %s`, b.Database(), Quote(s.TokenHash), Quote(s.User), Quote(s.CSRF),
		dtLiteral(s.Created), dtLiteral(s.Expires), boolInt(s.Revoked), dtLiteral(now)))
}

// ErrNoSuchSession is returned for a token that was never stored.
var ErrNoSuchSession = errors.New("no such session")

// GetSession reads a session by its token hash.
func GetSession(ctx context.Context, b Backend, tokenHash string) (Session, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT argMax(user, updated_at), argMax(csrf, updated_at), min(created_at),
    argMax(expires_at, updated_at), max(revoked)
FROM %s.web_sessions WHERE token_hash = %s GROUP BY token_hash`, b.Database(), Quote(tokenHash)), nil)
	if err != nil {
		return Session{}, fmt.Errorf("reading session: %w", err)
	}
	s := Session{TokenHash: tokenHash}
	if err := res.One(&s.User, &s.CSRF, &s.Created, &s.Expires, &s.Revoked); errors.Is(err, ErrNoRows) {
		return Session{}, ErrNoSuchSession
	} else if err != nil {
		return Session{}, fmt.Errorf("reading session: %w", err)
	}
	return s, nil
}

// AuditEntry is one recorded action of a user.
type AuditEntry struct {
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	Action string    `json:"action"` // masuk, gagal masuk, keluar, label, kirim laporan, tambah pengguna
	Target string    `json:"target"`
	Detail string    `json:"detail"`
	Remote string    `json:"remote"`
}

// Audit records e.
func Audit(ctx context.Context, b Backend, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	return b.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.audit_log (at, user, action, target, detail, remote)
SELECT %s, %s, %s, %s, %s, %s`, b.Database(), dtLiteral(e.At), Quote(e.User), Quote(e.Action), Quote(e.Target),
		Quote(e.Detail), Quote(e.Remote)))
}

// AuditLog returns the latest entries, newest first; action "" for all.
func AuditLog(ctx context.Context, b Backend, action string, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	where := ""
	if action != "" {
		where = "WHERE action = " + Quote(action)
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT at, user, action, target, detail, remote FROM %s.audit_log %s
ORDER BY at DESC LIMIT %s`, b.Database(), where, strconv.Itoa(limit)), nil)
	if err != nil {
		return nil, fmt.Errorf("reading audit log: %w", err)
	}
	out := make([]AuditEntry, len(res.Rows))
	for i := range out {
		e := &out[i]
		if err := res.Scan(i, &e.At, &e.User, &e.Action, &e.Target, &e.Detail, &e.Remote); err != nil {
			return nil, fmt.Errorf("reading audit log: %w", err)
		}
	}
	return out, nil
}
