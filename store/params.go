package store

import (
	"regexp"
	"strings"
)

var paramType = regexp.MustCompile(`\{\s*(\w+)\s*:\s*([^{}]+?)\s*\}`)

// EscapeParams returns the values of query's parameters as the engine
// reads them. It parses a bound value as escaped text when the parameter
// is a string, so that a backslash in a search phrase ("x\") was an error
// and "\n" became a newline; arrays and other types are read as literals
// and pass unchanged. The backends bind what this returns; callers pass
// plain values.
func EscapeParams(query string, params map[string]string) map[string]string {
	if len(params) == 0 {
		return params
	}
	out := make(map[string]string, len(params))
	for k, v := range params {
		out[k] = v
	}
	for _, m := range paramType.FindAllStringSubmatch(query, -1) {
		v, ok := params[m[1]]
		if !ok {
			continue
		}
		t := m[2]
		for _, wrap := range []string{"Nullable(", "LowCardinality("} {
			for strings.HasPrefix(t, wrap) && strings.HasSuffix(t, ")") {
				t = strings.TrimSuffix(strings.TrimPrefix(t, wrap), ")")
			}
		}
		if t == "String" || strings.HasPrefix(t, "FixedString(") {
			out[m[1]] = EscapeTSV(v)
		}
	}
	return out
}
