// Package alert is Pantau's early warning: when an issue spikes or turns
// negative, it tells the offices concerned by e-mail and Telegram within
// a minute of the article being stored, once per issue and state change,
// not during quiet hours. It polls the store (issuemap judges the
// issues), keeps what it has sent in a NATS key-value bucket so restarts
// and a second instance do not repeat an alert, and sends through the
// report package's SMTP sender and the Telegram Bot API. It holds no SQL.
package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Bucket keeps, per issue, which alerts went out and a delivery in
// flight.
const Bucket = "PANTAU_ALERTS"

// What an alert is about.
const (
	KindSpike    = "melonjak"         // the issue spikes (issuemap.Spike)
	KindNegative = "berbalik negatif" // the last 24 hours are mostly negatif or berpotensi negatif
)

// Kinds lists them.
var Kinds = []string{KindSpike, KindNegative}

// Conditions returns the alert kinds an issue's figures call for: a
// spike, or a last day with at least two mentions, most of them negatif
// or berpotensi negatif, after a baseline that was not.
func Conditions(s store.IssueSummary) []string {
	var out []string
	if issuemap.Spike(s) {
		out = append(out, KindSpike)
	}
	if s.Today >= 2 && s.NegShareToday >= 0.5 && (s.Baseline == 0 || s.NegShareBase < 0.5) {
		out = append(out, KindNegative)
	}
	return out
}

// Alerter watches the store and sends alerts.
type Alerter struct {
	Store      store.Backend
	KV         jetstream.KeyValue // from OpenBucket; shared by every instance
	Rules      issuemap.Rules     // the recommendation quoted in an alert
	Mailer     *report.Mailer     // nil: no e-mail
	Telegram   *Telegram          // nil: no Telegram
	Recipients Recipients
	Quiet      QuietHours
	Interval   time.Duration // how often the store is read (default 30s)
	Log        *slog.Logger
	Instance   string           // this process, in delivery claims (default host/pid/random)
	Now        func() time.Time // default time.Now

	mu   sync.Mutex // one check at a time
	last time.Time  // the last poll's start
}

// OpenBucket opens (or creates) the alert bucket.
func OpenBucket(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.KeyValue, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: Bucket,
		Description: "alerts sent per issue, deliveries in flight", TTL: 30 * 24 * time.Hour,
		Storage: jetstream.FileStorage, Replicas: max(replicas, 1)})
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", Bucket, err)
	}
	return kv, nil
}

// Run polls until ctx ends.
func (a *Alerter) Run(ctx context.Context) error {
	interval := a.Interval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := a.Check(ctx); err != nil && ctx.Err() == nil {
			a.log().Warn("peringatan isu: pemeriksaan gagal; dicoba lagi", slog.Any("error", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (a *Alerter) log() *slog.Logger {
	if a.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Log
}

func (a *Alerter) now() time.Time {
	if a.Now != nil {
		return a.Now().UTC()
	}
	return time.Now().UTC()
}

func (a *Alerter) instance() string {
	if a.Instance == "" {
		host, _ := os.Hostname()
		a.Instance = fmt.Sprintf("%s/%d/%04x", host, os.Getpid(), rand.IntN(1<<16))
	}
	return a.Instance
}

// How far back a poll looks for stored articles beyond the last poll
// (the writer's batches and clocks that differ), and how long a claimed
// delivery is left to its sender before another instance takes it over.
const (
	margin = time.Minute
	lease  = 2 * time.Minute
	// An alert state confirmed within this long is the same episode; a
	// condition seen again after a longer pause is a new state change.
	episode = 24 * time.Hour
	// The first poll after a start reads this far back.
	startLookback = time.Hour
)

// Check reads the issues that got articles since the last check, and
// alerts on those whose state changed; it resumes deliveries other
// instances left unfinished.
func (a *Alerter) Check(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	since := a.last
	if since.IsZero() {
		since = now.Add(-startLookback)
	}
	ids, err := store.IssuesStoredSince(ctx, a.Store, since.Add(-margin), 30*24*time.Hour)
	if err != nil {
		return err
	}
	inflight, err := a.inflight(ctx)
	if err != nil {
		return err
	}
	for _, id := range inflight {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	var errs []error
	for _, id := range ids {
		if err := a.checkIssue(ctx, id, now); err != nil {
			errs = append(errs, fmt.Errorf("issue %s: %w", id, err))
		}
	}
	if len(errs) == 0 {
		a.last = now
	}
	return errors.Join(errs...)
}

// record is an issue's alert state in the bucket.
type record struct {
	Seen    map[string]time.Time `json:"seen"` // alert kind → when last seen true
	Pending *delivery            `json:"pending,omitempty"`
}

// delivery is an alert being sent: its text and who has it already.
type delivery struct {
	Kinds    []string        `json:"kinds"`
	Subject  string          `json:"subject"`
	Text     string          `json:"text"`
	Email    []string        `json:"email"`
	Telegram []string        `json:"telegram"`
	Done     map[string]bool `json:"done"` // "email" or "telegram:<chat>" → delivered or refused for good
	By       string          `json:"by"`
	At       time.Time       `json:"at"`
}

func recordKey(id string) string   { return "issue." + id }
func inflightKey(id string) string { return "inflight." + id }

func (a *Alerter) inflight(ctx context.Context) ([]string, error) {
	keys, err := a.KV.ListKeysFiltered(ctx, "inflight.>")
	if err != nil {
		return nil, fmt.Errorf("listing deliveries in flight: %w", err)
	}
	var out []string
	for k := range keys.Keys() {
		out = append(out, strings.TrimPrefix(k, "inflight."))
	}
	return out, nil
}

func (a *Alerter) load(ctx context.Context, id string) (record, uint64, error) {
	r := record{Seen: map[string]time.Time{}}
	e, err := a.KV.Get(ctx, recordKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return r, 0, nil
	}
	if err != nil {
		return r, 0, err
	}
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return r, 0, fmt.Errorf("reading alert state: %w", err)
	}
	if r.Seen == nil {
		r.Seen = map[string]time.Time{}
	}
	return r, e.Revision(), nil
}

// save writes r if the record is still at rev (0: absent); false when
// another instance wrote first.
func (a *Alerter) save(ctx context.Context, id string, r record, rev uint64) (uint64, bool, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return 0, false, err
	}
	if rev == 0 {
		rev, err = a.KV.Create(ctx, recordKey(id), data)
	} else {
		rev, err = a.KV.Update(ctx, recordKey(id), data, rev)
	}
	if err != nil {
		var apiErr *jetstream.APIError
		if errors.Is(err, jetstream.ErrKeyExists) || errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("saving alert state: %w", err)
	}
	return rev, true, nil
}

func (a *Alerter) checkIssue(ctx context.Context, id string, now time.Time) error {
	r, rev, err := a.load(ctx, id)
	if err != nil {
		return err
	}
	if p := r.Pending; p != nil {
		if p.By != a.instance() && now.Sub(p.At) < lease {
			return nil // another instance is sending it
		}
		return a.deliver(ctx, id, r, rev, now)
	}
	list, err := issuemap.Issues(ctx, a.Store, store.IssueFilter{ID: id, Since: now.Add(-30 * 24 * time.Hour), Until: now, Limit: 1})
	if err != nil || len(list) == 0 {
		return err
	}
	s := list[0]
	var fresh []string
	for _, k := range Conditions(s) {
		if seen, ok := r.Seen[k]; !ok || now.Sub(seen) > episode {
			fresh = append(fresh, k)
		}
	}
	if len(fresh) == 0 || a.Quiet.Contains(now) {
		// Nothing new, or held until the quiet hours end (the condition
		// is read again then): only keep confirmed states fresh.
		changed := false
		for _, k := range Conditions(s) {
			if _, ok := r.Seen[k]; ok && now.Sub(r.Seen[k]) <= episode {
				r.Seen[k], changed = now, true
			}
		}
		if changed {
			_, _, err = a.save(ctx, id, r, rev)
		}
		return err
	}
	for _, k := range Conditions(s) {
		r.Seen[k] = now
	}
	email, chats := a.Recipients.For(s.OPDs)
	subject, text := Compose(s, fresh, a.Rules.Recommend(s))
	r.Pending = &delivery{Kinds: fresh, Subject: subject, Text: text, Email: email, Telegram: chats, Done: map[string]bool{},
		By: a.instance(), At: now}
	rev, ok, err := a.save(ctx, id, r, rev)
	if err != nil || !ok {
		return err // another instance claimed it
	}
	if _, err := a.KV.Put(ctx, inflightKey(id), []byte(a.instance())); err != nil {
		a.log().Warn("peringatan isu: penanda pengiriman tidak tersimpan", slog.String("issue", id), slog.Any("error", err))
	}
	return a.deliver(ctx, id, r, rev, now)
}

// deliver sends r's pending alert to whoever does not have it yet, and
// records who does; a temporary failure leaves the rest for the next
// poll.
func (a *Alerter) deliver(ctx context.Context, id string, r record, rev uint64, now time.Time) error {
	p := r.Pending
	if p.By != a.instance() {
		// Take over a delivery its sender left unfinished.
		p.By, p.At = a.instance(), now
		var ok bool
		var err error
		if rev, ok, err = a.save(ctx, id, r, rev); err != nil || !ok {
			return err
		}
	}
	var errs []error
	if a.Mailer != nil && len(p.Email) > 0 && !p.Done["email"] {
		err := a.sendEmail(ctx, p)
		switch {
		case err == nil:
			p.Done["email"] = true
			a.log().Info("peringatan isu terkirim (e-mail)", slog.String("issue", id), slog.Any("kinds", p.Kinds), slog.Int("recipients", len(p.Email)))
		case report.Temporary(err):
			errs = append(errs, err)
		default:
			p.Done["email"] = true
			a.log().Error("peringatan isu: e-mail ditolak", slog.String("issue", id), slog.Any("error", err))
		}
	}
	for _, chat := range p.Telegram {
		key := "telegram:" + chat
		if a.Telegram == nil || p.Done[key] {
			continue
		}
		_, err := a.Telegram.Send(ctx, chat, p.Text)
		var te *TelegramError
		switch {
		case err == nil:
			p.Done[key] = true
			a.log().Info("peringatan isu terkirim (Telegram)", slog.String("issue", id), slog.String("chat", chat))
		case errors.As(err, &te) && te.Temporary(), ctx.Err() != nil:
			errs = append(errs, err)
		default:
			p.Done[key] = true
			a.log().Error("peringatan isu: Telegram menolak", slog.String("issue", id), slog.String("chat", chat), slog.Any("error", err))
		}
	}
	if len(errs) == 0 {
		r.Pending = nil
	}
	if _, _, err := a.save(ctx, id, r, rev); err != nil {
		errs = append(errs, err)
	}
	if r.Pending == nil {
		if err := a.KV.Delete(ctx, inflightKey(id)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
