package config

import (
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces a secret in printed text.
const Mask = "******"

var (
	// userinfo with a password in a URL anywhere in a text: scheme://user:pass@
	urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#@:]*):([^\s/?#]*)@`)
	// a token as the whole userinfo of a NATS URL: nats://token@
	urlToken = regexp.MustCompile(`((?:nats|tls|ws|wss)://)([^\s/?#@:]+)@`)
	// secret-looking query or DSN parameters: ?password=..., &token=...
	secretParam = regexp.MustCompile(`(?i)([?&;]\s*(?:password|passwd|pass|pwd|secret|token|access_token|auth|api[_-]?key|apikey|sig|signature)=)[^&;\s#"']*`)
)

// Redact masks the credentials a text may carry — passwords in URLs
// (nats://user:pass@, clickhouse://user:pass@), NATS tokens (nats://tok@)
// and secret parameters (?password=, &token=) — and keeps the rest, so a
// log line or a printed option stays readable. It is the one redaction
// that Pantau's logs and `pantau config` use.
func Redact(s string) string {
	if !strings.Contains(s, "://") && !strings.Contains(s, "=") {
		return s
	}
	s = urlPassword.ReplaceAllString(s, "${1}${2}:"+Mask+"@")
	s = urlToken.ReplaceAllString(s, "${1}"+Mask+"@")
	return secretParam.ReplaceAllString(s, "${1}"+Mask)
}

// MaskSecret shows what may be shown of a secret option: nothing of a
// plain secret (nor of "tok://secret", whose host is the secret), and of a
// URL with a password (a DSN) its scheme, user and host, the password,
// path and query masked.
func MaskSecret(v string) string {
	if v == "" {
		return ""
	}
	scheme, _, ok := strings.Cut(v, "://")
	if !ok {
		return Mask
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User == nil {
		return scheme + "://" + Mask
	}
	if _, hasPassword := u.User.Password(); !hasPassword {
		return scheme + "://" + Mask
	}
	out := u.Scheme + "://" + u.User.Username() + ":" + Mask + "@" + u.Host
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		out += "/" + Mask
	}
	return out
}
