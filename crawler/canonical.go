package crawler

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Query parameters that only track the reader and never select content.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "ref": true, "ref_src": true, "src": true,
	"amp": true, "amp_js_v": true, "usqp": true, "outputtype": true, "page": false,
}

// Canonical normalises an article URL so that the same article reached by
// different links gets one id: scheme and host lower-cased, default port,
// fragment, tracking parameters (utm_*, fbclid, ...) and AMP suffixes
// dropped, remaining parameters sorted.
func Canonical(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)

	if (u.Scheme == "http" && strings.HasSuffix(u.Host, ":80")) || (u.Scheme == "https" && strings.HasSuffix(u.Host, ":443")) {
		u.Host = u.Host[:strings.LastIndex(u.Host, ":")]
	}
	// An AMP subdomain (amp.example.id) serves the site's articles; what
	// remains must still be a host name, so that "amp.amp." or "amp.id"
	// canonicalise once and for all.
	for strings.HasPrefix(u.Host, "amp.") && isHostName(u.Host[len("amp."):]) {
		u.Host = u.Host[len("amp."):]
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.HasPrefix(u.Host, ":") {
		return "", fmt.Errorf("not an http(s) article URL: %q", raw)
	}
	u.Fragment = ""
	u.RawFragment = ""
	u.User = nil
	for strings.HasSuffix(u.Path, "/amp") || strings.HasSuffix(u.Path, "/amp/") {
		u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/amp")
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		vals := q[k]
		sort.Strings(vals)
		for j, v := range vals {
			if i > 0 || j > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	u.RawQuery = b.String()
	u.RawPath = ""
	return u.String(), nil
}

// isHostName reports whether host (with an optional port) is a name of two
// or more non-empty labels.
func isHostName(host string) bool {
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	return true
}
