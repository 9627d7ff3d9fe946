package config

import (
	"strings"
	"testing"
	"time"
)

func TestRetentionOptions(t *testing.T) {
	f := func(text, social string, wantText, wantSocial time.Duration, wantErr string) {
		t.Helper()
		c, err := Load(map[string]string{"retention-text": text, "retention-social": social}, func(string) string { return "" })
		if wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), wantErr) {
				t.Fatalf("%s/%s: error %v, want %q", text, social, err, wantErr)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s/%s: %v", text, social, err)
		}
		if c.RetentionText != wantText || c.RetentionSocial != wantSocial {
			t.Fatalf("%s/%s: %s/%s", text, social, c.RetentionText, c.RetentionSocial)
		}
		if !strings.Contains(c.Print(), "retention_social: "+Days(wantSocial)+"\n") {
			t.Fatalf("config print lacks retention_social %s:\n%s", Days(wantSocial), c.Print())
		}
	}
	f("0", "180d", 0, 180*24*time.Hour, "")
	f("730d", "0", 730*24*time.Hour, 0, "")
	f("48h", "4320h", 2*24*time.Hour, 180*24*time.Hour, "")
	f("36h", "180d", 0, 0, "retention-text")
	f("0", "-5d", 0, 0, "retention-social")
	f("setahun", "0", 0, 0, "retention-text")
	c, err := Load(nil, func(string) string { return "" })
	if err != nil || c.RetentionText != 0 || c.RetentionSocial != 180*24*time.Hour {
		t.Fatalf("defaults: %v %v", c, err)
	}
}
