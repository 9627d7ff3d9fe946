package cli

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/config"
)

// TestLogsRedactCredentials: passwords and tokens in URLs and DSN
// parameters never reach the log, in either format.
func TestLogsRedactCredentials(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		log := newLogger(&buf, &config.Config{LogFormat: format})
		u, _ := url.Parse("nats://pantau:rahasia1@10.0.0.5:4222")
		log.Info("nats reconnected nats://x:rahasia2@h", "url", "nats://pantau:rahasia3@10.0.0.5:4222",
			"error", fmt.Errorf("dial: %w", errors.New("clickhouse://h:9000/pantau?password=rahasia4")),
			"stringer", u, "count", 3)
		out := buf.String()
		if strings.Contains(out, "rahasia") || !strings.Contains(out, "pantau:******@10.0.0.5:4222") || !strings.Contains(out, "password=******") {
			t.Errorf("%s log leaks or lost its context:\n%s", format, out)
		}
	}
}
