package door

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Client talks to the door of a running process.
type Client struct {
	Info Info
	HTTP *http.Client
}

// call sends a JSON request to a door endpoint and decodes the answer
// into out (nil to drop it).
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Info.URL()+prefix+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Info.Token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			if res.StatusCode == http.StatusNotFound && strings.Contains(e.Error, "no such mention") {
				return fmt.Errorf("%w: %s", store.ErrNoSuchMention, e.Error)
			}
			return errors.New(e.Error)
		}
		return fmt.Errorf("pantau run menjawab %s", res.Status)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Label records a correction through the running process.
func (c *Client) Label(ctx context.Context, corr store.Correction) error {
	return c.call(ctx, http.MethodPost, "label", Correction{ID: corr.ID, Label: corr.Label, Analyst: corr.Analyst, Note: corr.Note, At: corr.At}, nil)
}

// PutUser stores a user through the running process.
func (c *Client) PutUser(ctx context.Context, u User) error {
	return c.call(ctx, http.MethodPost, "users", u, nil)
}

// Users lists the users of the running process's store (without their
// password hashes).
func (c *Client) Users(ctx context.Context) ([]store.User, error) {
	var us []UserInfo
	if err := c.call(ctx, http.MethodGet, "users", nil, &us); err != nil {
		return nil, err
	}
	out := make([]store.User, len(us))
	for i, u := range us {
		out[i] = store.User{Name: u.Name, Role: u.Role, Disabled: u.Disabled, UpdatedAt: u.UpdatedAt, UpdatedBy: u.UpdatedBy}
	}
	return out, nil
}

// Sources reads the sources' health from the running crawler into out.
func (c *Client) Sources(ctx context.Context, out any) error {
	return c.call(ctx, http.MethodGet, "sources", nil, out)
}

// SendReport asks the running process to send a day's report.
func (c *Client) SendReport(ctx context.Context, day time.Time, force bool) (string, error) {
	var out struct {
		MessageID string `json:"message_id"`
	}
	err := c.call(ctx, http.MethodPost, "report", reportRequest{Date: day.In(wita).Format("2006-01-02"), Force: force}, &out)
	return out.MessageID, err
}

// ErrWriteRefused is returned by a Backend for any write: through the
// door, the store is read-only (corrections go through Label).
var ErrWriteRefused = errors.New("penyimpanan dipegang oleh pantau run; lewat pintunya hanya bisa membaca")

// Backend returns the running process's store as a read-only backend for
// database db: queries go to its ClickHouse endpoint and come back as the
// embedded store prints them (TSVWithNamesAndTypes), and corrections go to
// its label endpoint.
func (c *Client) Backend(db string) *Backend { return &Backend{c: c, db: db} }

// Backend is the store of a running process, reached through its door.
type Backend struct {
	c  *Client
	db string
}

func (b *Backend) Name() string                       { return "chdb (lewat pantau run)" }
func (b *Backend) Database() string                   { return b.db }
func (b *Backend) Close() error                       { return nil }
func (b *Backend) Exec(context.Context, string) error { return ErrWriteRefused }
func (b *Backend) InsertMentions(context.Context, []news.Classified) error {
	return ErrWriteRefused
}
func (b *Backend) InsertIssues(context.Context, []store.IssueRow) error { return ErrWriteRefused }

// Ping checks that the running process answers.
func (b *Backend) Ping(ctx context.Context) error {
	return b.c.call(ctx, http.MethodGet, "ping", nil, nil)
}

// RecordCorrection passes a correction to the running process (see
// store.Corrector).
func (b *Backend) RecordCorrection(ctx context.Context, c store.Correction) error {
	return b.c.Label(ctx, c)
}

// Query runs a read-only query on the running process's store.
func (b *Backend) Query(ctx context.Context, query string, params map[string]string) (*store.Result, error) {
	v := url.Values{"default_format": {"TSVWithNamesAndTypes"}}
	for k, p := range params {
		v.Set("param_"+k, p)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, b.c.Info.URL()+ClickHousePath+"?"+v.Encode(), strings.NewReader(query))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+b.c.Info.Token)
	res, err := b.c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, &QueryError{Status: res.StatusCode, Msg: strings.TrimSpace(string(data))}
	}
	return store.ParseTSVWithNamesAndTypes(data)
}

// QueryError is an error the endpoint answered with (ClickHouse's text).
type QueryError struct {
	Status int
	Msg    string
}

func (e *QueryError) Error() string { return e.Msg }
