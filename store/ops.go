package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// LastReportSent is when a daily report last went out (zero: never).
func LastReportSent(ctx context.Context, b Backend) (time.Time, error) {
	res, err := b.Query(ctx, fmt.Sprintf("SELECT toUInt32(max(sent_at)) FROM %s.reports_sent WHERE status = 'terkirim'", b.Database()), nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading sent reports: %w", err)
	}
	if len(res.Rows) != 1 {
		return time.Time{}, nil
	}
	sec, err := strconv.ParseInt(res.Rows[0][0], 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("reading sent reports: %q: %w", res.Rows[0][0], err)
	}
	if sec <= 0 {
		return time.Time{}, nil
	}
	return time.Unix(sec, 0).UTC(), nil
}
