package dashboards

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Expand replaces the grafana-clickhouse-datasource macros and template
// variables the way the plugin and Grafana do: $__timeFilter(col),
// $__fromTime, $__toTime, $__timeInterval(col), $__conditionalAll(cond,
// $var), ${var:singlequote} and $var. vars maps a variable to its selected
// values; a missing or nil entry means "All".
func Expand(sql string, from, to time.Time, interval time.Duration, vars map[string][]string) (string, error) {
	out := sql
	var err error
	out, err = replaceCalls(out, "$__conditionalAll(", func(args []string) (string, error) {
		if len(args) != 2 {
			return "", fmt.Errorf("$__conditionalAll wants 2 arguments, got %d", len(args))
		}
		name := strings.TrimPrefix(strings.TrimSpace(args[1]), "$")
		if vars[name] == nil {
			return "1=1", nil
		}
		return args[0], nil
	})
	if err != nil {
		return "", err
	}
	out, err = replaceCalls(out, "$__timeFilter(", func(args []string) (string, error) {
		c := strings.TrimSpace(args[0])
		return fmt.Sprintf("%s >= toDateTime(%d) AND %s <= toDateTime(%d)", c, from.Unix(), c, to.Unix()), nil
	})
	if err != nil {
		return "", err
	}
	out, err = replaceCalls(out, "$__timeInterval(", func(args []string) (string, error) {
		return fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL %d second)", strings.TrimSpace(args[0]), int(interval.Seconds())), nil
	})
	if err != nil {
		return "", err
	}
	out = strings.ReplaceAll(out, "$__fromTime", fmt.Sprintf("toDateTime(%d)", from.Unix()))
	out = strings.ReplaceAll(out, "$__toTime", fmt.Sprintf("toDateTime(%d)", to.Unix()))
	out = varRe.ReplaceAllStringFunc(out, func(m string) string {
		sub := varRe.FindStringSubmatch(m)
		name := sub[1] + sub[3]
		vals := vars[name]
		q := make([]string, len(vals))
		for i, v := range vals {
			q[i] = "'" + strings.ReplaceAll(v, "'", "\\'") + "'"
		}
		return strings.Join(q, ",")
	})
	if strings.Contains(out, "$__") {
		return "", fmt.Errorf("unexpanded macro in %q", out)
	}
	return out, nil
}

var varRe = regexp.MustCompile(`\$\{([a-zA-Z_]+)(:singlequote)?\}|\$([a-zA-Z_]+)`)

// replaceCalls replaces every call of macro (written with its opening
// parenthesis) by f of its top-level comma-separated arguments.
func replaceCalls(s, macro string, f func([]string) (string, error)) (string, error) {
	for {
		i := strings.Index(s, macro)
		if i < 0 {
			return s, nil
		}
		depth, j := 1, i+len(macro)
		start := j
		var args []string
		for ; j < len(s) && depth > 0; j++ {
			switch s[j] {
			case '(', '[':
				depth++
			case ')', ']':
				depth--
			case ',':
				if depth == 1 {
					args = append(args, s[start:j])
					start = j + 1
				}
			}
		}
		if depth != 0 {
			return "", fmt.Errorf("unbalanced %s", macro)
		}
		args = append(args, s[start:j-1])
		rep, err := f(args)
		if err != nil {
			return "", err
		}
		s = s[:i] + rep + s[j:]
	}
}
