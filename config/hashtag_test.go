package config

import (
	"regexp"
	"strings"
	"testing"
)

// validHashtag accepts what the regular expression it replaced matched.
func TestValidHashtag(t *testing.T) {
	re := regexp.MustCompile(`^[\pL\pN_]{1,100}$`)
	for _, s := range []string{"", "banjirsamarinda", "Kaltim_2025", "ikn", "é", "北京", "١٢٣", "Ⅻ", "a b", "a-b", "#a", "a\n",
		"\xff", "a\xffb", "\u00a0", "🙏", strings.Repeat("a", 100), strings.Repeat("a", 101), strings.Repeat("é", 100), strings.Repeat("é", 101), "x\u0301"} {
		if got, want := validHashtag(s), re.MatchString(s); got != want {
			t.Errorf("%q: %v, the regular expression %v", s, got, want)
		}
	}
}
