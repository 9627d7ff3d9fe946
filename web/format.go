package web

import (
	"encoding/json"
	"html"
	"html/template"
	"regexp"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Template functions: numbers and dates as Indonesian readers write them,
// and the labels' colours.

// thousands writes n with a point between groups of three digits.
func thousands(n int) string { return indonesian.Int(int64(n)) }

// percent writes a share (0..1) as a whole percentage: "36%".
func percent(f float64) string { return indonesian.Decimal(100*f, 0) + "%" }

// share writes part of whole as a percentage.
func share(part, whole int) string { return indonesian.Percent(part, whole) }

// change writes a change against the previous window: "+3 (+50%)", "-2",
// "tetap".
func change(now, prev int) string {
	d := now - prev
	switch {
	case d == 0:
		return "tetap"
	case prev == 0:
		return indonesian.Signed(int64(d))
	}
	pct := indonesian.Decimal(100*float64(d)/float64(prev), 0) + "%"
	if d > 0 {
		pct = "+" + pct
	}
	return indonesian.Signed(int64(d)) + " (" + pct + ")"
}

// dateLong writes a day: "Senin, 30 November 2026".
func dateLong(t time.Time) string { return indonesian.Date(t.In(wita)) }

// when writes a time for lists: "30 Nov 2026 14.05 WITA".
func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return indonesian.Stamp(t.In(wita))
}

// dayMonth writes a chart tick: "30 Nov".
func dayMonth(t time.Time) string { return indonesian.DayMonth(t.In(wita)) }

// labelClass is the CSS class of a label's colour.
func labelClass(label string) string {
	switch label {
	case news.LabelPositif:
		return "l-pos"
	case news.LabelNetral:
		return "l-net"
	case news.LabelBerpotensiNegatif:
		return "l-ber"
	case news.LabelNegatif:
		return "l-neg"
	}
	return ""
}

// labelColors are the four classes' colours, in news.Labels order (the
// report's).
var labelColors = [4]string{"#2e7d32", "#78828c", "#d97706", "#c62828"}

// platformName writes a platform as it calls itself (the report's words).
func platformName(p string) string { return report.PlatformName(p) }

// capital starts a sentence or a table cell with a capital letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// roleName says a role in words.
func roleName(r string) string {
	switch r {
	case "admin":
		return "Admin"
	case "analis":
		return "Analis"
	case "pimpinan":
		return "Pimpinan"
	}
	return r
}

// highlight marks the phrase in a snippet (case-insensitive), escaping
// the rest.
func highlight(snippet, phrase string) template.HTML {
	if phrase == "" {
		return template.HTML(html.EscapeString(snippet))
	}
	re := regexp.MustCompile("(?i)" + regexp.QuoteMeta(phrase))
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(snippet, -1) {
		b.WriteString(html.EscapeString(snippet[last:m[0]]))
		b.WriteString("<mark>" + html.EscapeString(snippet[m[0]:m[1]]) + "</mark>")
		last = m[1]
	}
	b.WriteString(html.EscapeString(snippet[last:]))
	return template.HTML(b.String())
}

func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

var funcs = template.FuncMap{
	"num":        thousands,
	"num64":      func(n int64) string { return thousands(int(n)) },
	"list":       func(s ...string) []string { return s },
	"pct":        percent,
	"share":      share,
	"change":     change,
	"date":       dateLong,
	"when":       when,
	"labelClass": labelClass,
	"labels":     func() [4]string { return news.Labels },
	"kindName":   news.KindName,
	// The jenis and platform filters' choices (store.KindWords, Platforms).
	"kindWords":    func() any { return store.KindWords },
	"platforms":    func() []string { return store.Platforms },
	"platformName": platformName,
	"roleName":     roleName,
	"json":         toJSON,
	"highlight":    highlight,
	"join":         func(s []string, sep string) string { return strings.Join(s, sep) },
	"neg":          func(by [4]int) int { return by[2] + by[3] },
	"add":          func(a, b int) int { return a + b },
	"first": func(s []string, n int) []string {
		if len(s) > n {
			return s[:n]
		}
		return s
	},
	"more":         func(s []string, n int) int { return max(len(s)-n, 0) },
	"labelClasses": func() []string { return []string{"l-pos", "l-net", "l-ber", "l-neg"} },
	"periodNav": func(path string, c []periodChoice) any {
		return struct {
			Path    string
			Choices []periodChoice
		}{path, c}
	},
	"kindCounts": func(c []store.NamedCount) []store.NamedCount {
		out := make([]store.NamedCount, len(c))
		for i, x := range c {
			x.Name = capital(news.KindName(x.Name))
			out[i] = x
		}
		return out
	},
	"platformCounts": func(c []store.NamedCount) []store.NamedCount {
		out := make([]store.NamedCount, len(c))
		for i, x := range c {
			x.Name = platformName(x.Name)
			out[i] = x
		}
		return out
	},
	// articleView gives an article in a list its relabel form's context.
	"articleView": newArticleView,
	"scoped":      scoped,
}
