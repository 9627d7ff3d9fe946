// Package tiktok is the connector of tiktok sources through TikTok's
// Research API: video search by keyword in Indonesia and the comments
// under the videos found, with a client access token made from the
// office's client key and secret. TikTok grants the Research API to
// approved researchers only (non-profit academic institutions in a few
// regions at the time of writing), so most offices have no access: the
// connector then fails with a clear message and nothing else is read —
// Pantau never scrapes TikTok's web pages. It must not publish, store or
// classify.
package tiktok

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Platform is the value of news.Article.Platform for this connector.
const Platform = "tiktok"

// Base is the API's real address; a source's base_url replaces it.
const Base = "https://open.tiktokapis.com"

const (
	maxPages      = 10
	lag           = 2 * 24 * time.Hour // the Research API indexes videos late: each window reaches back this far
	commentWindow = 7 * 24 * time.Hour
	day           = "20060102"
)

// ErrNoAccess is the error of a tiktok source without Research API
// credentials.
var ErrNoAccess = &source.CredentialError{Platform: "TikTok Research API",
	Detail: "tiktok-client-key dan tiktok-client-secret belum diisi; Research API hanya diberikan TikTok kepada peneliti yang disetujui (lihat README)"}

// Source polls one keyword search.
type Source struct {
	query    string
	base     string
	key      string
	secret   string
	comments bool

	mu      sync.Mutex
	token   string
	expires time.Time
}

// New makes the connector of a tiktok source.
func New(src config.Source) (*Source, error) {
	s := &Source{query: src.Query, base: Base, key: src.Credential, secret: src.Secret, comments: src.WantComments()}
	if src.BaseURL != "" {
		s.base = strings.TrimRight(src.BaseURL, "/")
	}
	return s, nil
}

// MinInterval keeps inside the Research API's daily request quota (1,000).
func (s *Source) MinInterval() time.Duration { return 30 * time.Minute }

type watch struct {
	Posted time.Time `json:"posted"`
	Newest time.Time `json:"newest"`
}

type cursor struct {
	Through  string           `json:"through"`  // the last day a complete search covered (YYYYMMDD)
	Comments map[string]watch `json:"comments"` // video id -> its comments' state
}

type video struct {
	ID               int64    `json:"id"`
	VideoDescription string   `json:"video_description"`
	CreateTime       int64    `json:"create_time"`
	RegionCode       string   `json:"region_code"`
	ShareCount       int64    `json:"share_count"`
	ViewCount        int64    `json:"view_count"`
	LikeCount        int64    `json:"like_count"`
	CommentCount     int64    `json:"comment_count"`
	Username         string   `json:"username"`
	HashtagNames     []string `json:"hashtag_names"`
}

type comment struct {
	ID              int64  `json:"id"`
	VideoID         int64  `json:"video_id"`
	Text            string `json:"text"`
	LikeCount       int64  `json:"like_count"`
	ReplyCount      int64  `json:"reply_count"`
	ParentCommentID int64  `json:"parent_comment_id"`
	CreateTime      int64  `json:"create_time"`
}

// apiErr is the error part of every Research API answer.
type apiErr struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	LogID   string `json:"log_id"`
}

// VideoURL is a video's address without its author's handle.
func VideoURL(id int64) string { return fmt.Sprintf("https://m.tiktok.com/v/%d.html", id) }

// Poll searches the days since the last complete search (reaching back
// two days for late-indexed videos), then reads new comments under the
// videos of the last week.
func (s *Source) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	if s.key == "" || s.secret == "" {
		return ErrNoAccess
	}
	var cur cursor
	if raw, err := env.Cursor(ctx); err != nil {
		return err
	} else if raw != nil {
		if err := json.Unmarshal(raw, &cur); err != nil {
			return fmt.Errorf("reading the tiktok cursor: %w", err)
		}
	}
	if cur.Comments == nil {
		cur.Comments = map[string]watch{}
	}
	now := env.Now().UTC()
	start := now.Add(-24 * time.Hour)
	if t, err := time.Parse(day, cur.Through); err == nil {
		start = t.Add(-lag)
	}
	if now.Sub(start) > 29*24*time.Hour {
		start = now.Add(-29 * 24 * time.Hour) // the API allows 30 days at most
	}
	body := map[string]any{
		"query": map[string]any{"and": []map[string]any{
			{"operation": "IN", "field_name": "keyword", "field_values": []string{s.query}},
			{"operation": "IN", "field_name": "region_code", "field_values": []string{"ID"}},
		}},
		"start_date": start.Format(day), "end_date": now.Format(day), "max_count": 100,
	}
	fields := "id,video_description,create_time,region_code,share_count,view_count,like_count,comment_count,username,hashtag_names"
	failed := false
	for page := 0; page < maxPages; page++ {
		var res struct {
			Data struct {
				Videos   []video `json:"videos"`
				Cursor   int64   `json:"cursor"`
				HasMore  bool    `json:"has_more"`
				SearchID string  `json:"search_id"`
			} `json:"data"`
			Error apiErr `json:"error"`
		}
		if err := s.call(ctx, env, "/v2/research/video/query/", fields, body, &res); err != nil {
			return errors.Join(err, save(ctx, env, cur))
		}
		for _, v := range res.Data.Videos {
			posted := time.Unix(v.CreateTime, 0).UTC()
			key := fmt.Sprint(v.ID)
			if _, ok := cur.Comments[key]; !ok && now.Sub(posted) < commentWindow && v.CommentCount > 0 {
				cur.Comments[key] = watch{Posted: posted}
			}
			text := strings.TrimSpace(v.VideoDescription)
			if text == "" {
				continue
			}
			u := VideoURL(v.ID)
			a := news.Article{
				ID: news.IDFor(u), URL: u, Kind: news.KindSosmed, Platform: Platform,
				Title: source.TitleOf(text), Text: text, PublishedAt: posted,
				AuthorHandle: env.Handle(Platform, v.Username),
				Engagement: news.Engagement{Likes: v.LikeCount, Comments: v.CommentCount, Shares: v.ShareCount,
					Views: v.ViewCount},
			}
			if emit(ctx, source.Item{Post: &a}) != nil {
				failed = true
			}
		}
		if !res.Data.HasMore {
			if !failed {
				cur.Through = now.Format(day)
			}
			break
		}
		body["cursor"], body["search_id"] = res.Data.Cursor, res.Data.SearchID
	}
	var errs []error
	if s.comments {
		for key, w := range cur.Comments {
			if now.Sub(w.Posted) > commentWindow {
				delete(cur.Comments, key)
				continue
			}
			n, err := s.videoComments(ctx, env, emit, key, w.Newest)
			var le *source.LimitError
			switch {
			case errors.Is(err, errGone):
				delete(cur.Comments, key)
			case err != nil && (errors.As(err, &le) || errors.Is(err, source.ErrCredentials) || ctx.Err() != nil):
				return errors.Join(err, save(ctx, env, cur))
			case err != nil:
				errs = append(errs, err)
			default:
				w.Newest = n
				cur.Comments[key] = w
			}
		}
	}
	return errors.Join(append(errs, save(ctx, env, cur))...)
}

func save(ctx context.Context, env source.Env, cur cursor) error {
	data, err := json.Marshal(cur)
	if err != nil {
		return err
	}
	return env.SaveCursor(ctx, data)
}

var errGone = errors.New("tiktok video gone")

func (s *Source) videoComments(ctx context.Context, env source.Env, emit source.Emit, videoID string, since time.Time) (time.Time, error) {
	var id int64
	fmt.Sscan(videoID, &id)
	body := map[string]any{"video_id": id, "max_count": 100, "cursor": 0}
	newest, failed := since, false
	for page := 0; page < maxPages; page++ {
		var res struct {
			Data struct {
				Comments []comment `json:"comments"`
				Cursor   int64     `json:"cursor"`
				HasMore  bool      `json:"has_more"`
			} `json:"data"`
			Error apiErr `json:"error"`
		}
		err := s.call(ctx, env, "/v2/research/video/comment/list/", "id,video_id,text,like_count,reply_count,parent_comment_id,create_time", body, &res)
		if err != nil {
			return since, err
		}
		for _, c := range res.Data.Comments {
			at := time.Unix(c.CreateTime, 0).UTC()
			text := strings.TrimSpace(c.Text)
			if !at.After(since) || text == "" {
				continue
			}
			if at.After(newest) {
				newest = at
			}
			parent := news.IDFor(VideoURL(id))
			if c.ParentCommentID != 0 && c.ParentCommentID != id {
				parent = news.IDFor(commentURL(id, c.ParentCommentID))
			}
			u := commentURL(id, c.ID)
			a := news.Article{
				ID: news.IDFor(u), URL: u, Kind: news.KindSosmed, Platform: Platform,
				Title: source.TitleOf(text), Text: text, PublishedAt: at, ParentID: parent,
				Engagement: news.Engagement{Likes: c.LikeCount, Comments: c.ReplyCount},
			}
			if emit(ctx, source.Item{Post: &a}) != nil {
				failed = true
			}
		}
		if !res.Data.HasMore {
			break
		}
		body["cursor"] = res.Data.Cursor
	}
	if failed {
		return since, fmt.Errorf("some comments of video %s could not be handled", videoID)
	}
	return newest, nil
}

func commentURL(video, comment int64) string {
	return fmt.Sprintf("%s?comment_id=%d", VideoURL(video), comment)
}

// call posts body to a Research API endpoint, with a fresh token and one
// retry when TikTok says the token is no longer valid.
func (s *Source) call(ctx context.Context, env source.Env, path, fields string, body, out any) error {
	for attempt := 0; ; attempt++ {
		token, err := s.accessToken(ctx, env)
		if err != nil {
			return err
		}
		data, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+path+"?fields="+url.QueryEscape(fields), bytes.NewReader(data))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := env.Do(req)
		if err != nil {
			err = apiError(err, env.Now())
			if errors.Is(err, errTokenInvalid) && attempt == 0 {
				s.mu.Lock()
				s.token = "" // expired early: ask for a new one once
				s.mu.Unlock()
				continue
			}
			if errors.Is(err, errTokenInvalid) {
				return &source.CredentialError{Platform: "TikTok Research API", Detail: "token akses ditolak"}
			}
			return err
		}
		return json.Unmarshal(resp.Body, out)
	}
}

var errTokenInvalid = errors.New("tiktok access token invalid")

// accessToken returns a client access token, made from the client key and
// secret and kept until shortly before it expires (2 hours).
func (s *Source) accessToken(ctx context.Context, env source.Env) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && env.Now().Before(s.expires) {
		return s.token, nil
	}
	form := url.Values{"client_key": {s.key}, "client_secret": {s.secret}, "grant_type": {"client_credentials"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/v2/oauth/token/", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cache-Control", "no-cache")
	resp, err := env.Do(req)
	var tok struct {
		AccessToken      string `json:"access_token"`
		ExpiresIn        int64  `json:"expires_in"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if err != nil {
		var se *fetch.StatusError
		if errors.As(err, &se) && json.Unmarshal(se.Body, &tok) == nil && tok.Error != "" {
			return "", &source.CredentialError{Platform: "TikTok Research API", Detail: tok.Error + ": " + tok.ErrorDescription}
		}
		return "", fmt.Errorf("tiktok client token: %w", err)
	}
	if err := json.Unmarshal(resp.Body, &tok); err != nil {
		return "", fmt.Errorf("tiktok client token: %w", err)
	}
	if tok.Error != "" || tok.AccessToken == "" {
		return "", &source.CredentialError{Platform: "TikTok Research API", Detail: tok.Error + ": " + tok.ErrorDescription}
	}
	s.token = tok.AccessToken
	s.expires = env.Now().Add(time.Duration(tok.ExpiresIn)*time.Second - 5*time.Minute)
	return s.token, nil
}

// apiError turns a Research API error into what the crawler acts on.
func apiError(err error, now time.Time) error {
	var se *fetch.StatusError
	if !errors.As(err, &se) {
		return err
	}
	var body struct {
		Error apiErr `json:"error"`
	}
	_ = json.Unmarshal(se.Body, &body)
	switch body.Error.Code {
	case "access_token_invalid":
		return errTokenInvalid
	case "rate_limit_exceeded", "daily_quota_limit_exceeded":
		// The daily quota renews at midnight UTC.
		t := now.UTC()
		until := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		if body.Error.Code == "rate_limit_exceeded" && se.RetryAfter > 0 {
			until = now.Add(se.RetryAfter)
		}
		return &source.LimitError{URL: se.URL, Until: until, Reason: "kuota TikTok Research API habis", Err: err}
	case "scope_not_authorized", "scope_permission_missed":
		return &source.CredentialError{Platform: "TikTok Research API", Detail: "izin Research API tidak ada: " + body.Error.Message}
	}
	if se.StatusCode == http.StatusNotFound || strings.Contains(body.Error.Message, "not exist") {
		return errGone
	}
	if body.Error.Message != "" {
		return fmt.Errorf("%w: %s: %s", err, body.Error.Code, body.Error.Message)
	}
	return err
}
