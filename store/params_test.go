package store

import "testing"

func TestEscapeParams(t *testing.T) {
	q := "SELECT 1 WHERE a = {q:String} AND b IN {ids:Array(String)} AND c = { n : Nullable(LowCardinality(String)) } AND d >= {since:DateTime('UTC')}"
	got := EscapeParams(q, map[string]string{"q": `x\`, "ids": `['it\'s']`, "n": "a\tb", "since": "2024-01-01 00:00:00", "unused": `\`})
	want := map[string]string{"q": `x\\`, "ids": `['it\'s']`, "n": `a\tb`, "since": "2024-01-01 00:00:00", "unused": `\`}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}
