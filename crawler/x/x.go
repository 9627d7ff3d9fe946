// Package x is the connector of x sources: X API v2 recent search (the last
// seven days of public posts matching a query) with the office's bearer
// token, honouring the x-rate-limit-* headers. It must not publish, store
// or classify.
package x

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Platform is the value of news.Article.Platform for this connector.
const Platform = "x"

// Base is the API's real address; a source's base_url replaces it.
const Base = "https://api.x.com"

// maxPages bounds one poll: 10 pages of 100 posts.
const maxPages = 10

// Source polls one search.
type Source struct {
	query string
	base  string
	token string
}

// New makes the connector of an x source.
func New(src config.Source) (*Source, error) {
	s := &Source{query: src.Query, base: Base, token: src.Credential}
	if src.BaseURL != "" {
		s.base = strings.TrimRight(src.BaseURL, "/")
	}
	return s, nil
}

// MinInterval: recent search allows few requests per 15 minutes on the
// lower access levels.
func (s *Source) MinInterval() time.Duration { return 5 * time.Minute }

// cursor is the newest post id handed on with every post before it.
type cursor struct {
	SinceID string `json:"since_id"`
}

type searchResponse struct {
	Data []struct {
		ID               string    `json:"id"`
		Text             string    `json:"text"`
		AuthorID         string    `json:"author_id"`
		CreatedAt        time.Time `json:"created_at"`
		Lang             string    `json:"lang"`
		ReferencedTweets []struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		} `json:"referenced_tweets"`
		PublicMetrics struct {
			RetweetCount    int64 `json:"retweet_count"`
			ReplyCount      int64 `json:"reply_count"`
			LikeCount       int64 `json:"like_count"`
			QuoteCount      int64 `json:"quote_count"`
			ImpressionCount int64 `json:"impression_count"`
		} `json:"public_metrics"`
	} `json:"data"`
	Includes struct {
		Users []struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Username string `json:"username"`
		} `json:"users"`
	} `json:"includes"`
	Meta struct {
		NewestID    string `json:"newest_id"`
		ResultCount int    `json:"result_count"`
		NextToken   string `json:"next_token"`
	} `json:"meta"`
	Errors []struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// PostURL is a post's address without its author's handle, from which its
// article id is made.
func PostURL(id string) string { return "https://x.com/i/web/status/" + id }

// Poll hands on the posts newer than the cursor. The first poll takes
// the newest page only.
func (s *Source) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	if s.token == "" {
		return &source.CredentialError{Platform: "X API", Detail: "x-bearer-token belum diisi (PANTAU_X_BEARER_TOKEN_FILE)"}
	}
	var cur cursor
	if raw, err := env.Cursor(ctx); err != nil {
		return err
	} else if raw != nil {
		if err := json.Unmarshal(raw, &cur); err != nil {
			return fmt.Errorf("reading the x cursor: %w", err)
		}
	}
	newest, failed := "", false
	next := ""
	for page := 0; page < maxPages; page++ {
		q := url.Values{"query": {s.query}, "max_results": {"100"},
			"tweet.fields": {"created_at,public_metrics,author_id,conversation_id,referenced_tweets,lang"},
			"expansions":   {"author_id"}, "user.fields": {"username,name"}}
		if cur.SinceID != "" {
			q.Set("since_id", cur.SinceID)
		}
		if next != "" {
			q.Set("next_token", next)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/2/tweets/search/recent?"+q.Encode(), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+s.token)
		resp, err := env.Do(req)
		if err != nil {
			return apiError(err, env.Now())
		}
		var res searchResponse
		if err := json.Unmarshal(resp.Body, &res); err != nil {
			return fmt.Errorf("x recent search: %w", err)
		}
		for _, e := range res.Errors {
			// Partial errors: a referenced post deleted or withheld.
			env.Warn("partial", "x: part of the answer missing", "title", e.Title, "detail", e.Detail)
		}
		if page == 0 {
			newest = res.Meta.NewestID
		}
		users := map[string][2]string{}
		for _, u := range res.Includes.Users {
			users[u.ID] = [2]string{u.Username, u.Name}
		}
		for _, t := range res.Data {
			text := strings.TrimSpace(t.Text)
			if text == "" {
				continue
			}
			u := PostURL(t.ID)
			a := news.Article{
				ID: news.IDFor(u), URL: u, Kind: news.KindSosmed, Platform: Platform,
				Title: source.TitleOf(text), Text: text, PublishedAt: t.CreatedAt.UTC(), Language: langOf(t.Lang),
				AuthorHandle: env.Handle(Platform, users[t.AuthorID][0]),
				Engagement: news.Engagement{Likes: t.PublicMetrics.LikeCount, Comments: t.PublicMetrics.ReplyCount,
					Shares: t.PublicMetrics.RetweetCount + t.PublicMetrics.QuoteCount, Views: t.PublicMetrics.ImpressionCount},
			}
			for _, ref := range t.ReferencedTweets {
				if ref.Type == "replied_to" {
					a.ParentID = news.IDFor(PostURL(ref.ID))
				}
			}
			if env.KeepHandles() {
				a.Author = users[t.AuthorID][1]
			}
			if emit(ctx, source.Item{Post: &a}) != nil {
				failed = true
			}
		}
		if cur.SinceID == "" || res.Meta.NextToken == "" {
			break
		}
		next = res.Meta.NextToken
	}
	if failed || newest == "" {
		return nil // the failed posts are asked for again next poll
	}
	data, _ := json.Marshal(cursor{SinceID: newest})
	return env.SaveCursor(ctx, data)
}

// langOf maps X's language codes (in, id) to the article's.
func langOf(l string) string {
	switch l {
	case "in", "id", "":
		return "id"
	}
	return l
}

// problem is X API v2's error body (RFC 7807 style).
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Status int    `json:"status"`
}

// apiError turns an X API error into what the crawler acts on.
func apiError(err error, now time.Time) error {
	var se *fetch.StatusError
	if !errors.As(err, &se) {
		return err
	}
	var p problem
	_ = json.Unmarshal(se.Body, &p)
	switch se.StatusCode {
	case http.StatusUnauthorized:
		return &source.CredentialError{Platform: "X API", Detail: strings.TrimSpace(p.Title + ": " + p.Detail)}
	case http.StatusForbidden:
		return &source.CredentialError{Platform: "X API", Detail: "akses ditolak (tingkat akses atau aplikasi): " + p.Detail}
	case http.StatusTooManyRequests:
		if strings.Contains(p.Type, "usage-capped") || p.Title == "UsageCapExceeded" {
			return &source.LimitError{URL: se.URL, Until: now.Add(24 * time.Hour), Reason: "kuota bulanan X API habis", Err: err}
		}
		until := now.Add(15 * time.Minute)
		if n, perr := strconv.ParseInt(se.Header.Get("X-Rate-Limit-Reset"), 10, 64); perr == nil && n > now.Unix() {
			until = time.Unix(n, 0)
		}
		return &source.LimitError{URL: se.URL, Until: until, Reason: "batas laju X API", Err: err}
	}
	if p.Detail != "" {
		return fmt.Errorf("%w: %s", err, p.Detail)
	}
	return err
}
