package config

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"nats reconnected url=nats://pantau:s3cret@10.0.0.5:4222":     "nats reconnected url=nats://pantau:******@10.0.0.5:4222",
		"nats://tok3n@nats:4222":                                      "nats://******@nats:4222",
		"clickhouse://u:p@ss@h:9000/pantau":                           "clickhouse://u:******@h:9000/pantau",
		"dial clickhouse://h:9000/pantau?username=u&password=rahasia": "dial clickhouse://h:9000/pantau?username=u&password=******",
		"https://hooks.example/x?token=abc&x=1":                       "https://hooks.example/x?token=******&x=1",
		"clickhouse://default@h:9000/pantau":                          "clickhouse://default@h:9000/pantau",
		"https://kaltim.antaranews.com/berita/123?utm=x":              "https://kaltim.antaranews.com/berita/123?utm=x",
		"a=b plain text": "a=b plain text",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskSecret(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"rahasia":                         Mask,
		"clickhouse://u:p@h:9000/pantau":  "clickhouse://u:******@h:9000/******",
		"clickhouse://h:9000/?password=p": "clickhouse://******",
		"https://hooks.example/T0/B0/XXX": "https://******",
		"tok://rahasia":                   "tok://******",
		"abc://":                          "abc://******",
		"nats://tok@n:4222":               "nats://******",
	} {
		if got := MaskSecret(in); got != want {
			t.Errorf("MaskSecret(%q) = %q, want %q", in, got, want)
		}
	}
	if strings.Contains(MaskSecret("https://hooks.example/T0/B0/XXX"), "XXX") {
		t.Error("webhook path printed")
	}
}
