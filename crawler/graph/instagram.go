package graph

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/news"
)

// PlatformInstagram is news.Article.Platform of instagram items.
const PlatformInstagram = "instagram"

// Instagram polls the office's professional account: its media, their
// public comments, and recent media under the configured hashtags.
type Instagram struct {
	account  string
	c        client
	comments bool
	hashtags []string
}

// NewInstagram makes the connector of an instagram source.
func NewInstagram(src config.Source) (*Instagram, error) {
	return &Instagram{account: src.Account, c: newClient(src.BaseURL, src.Credential),
		comments: src.WantComments(), hashtags: src.Hashtags}, nil
}

// MinInterval keeps well inside the account's hourly call budget.
func (g *Instagram) MinInterval() time.Duration { return 5 * time.Minute }

type tagState struct {
	ID     string    `json:"id"`     // the hashtag's id (ig_hashtag_search is limited to 30 hashtags a week)
	Newest time.Time `json:"newest"` // the newest media handed on
}

type igCursor struct {
	Since    time.Time           `json:"since"`
	Comments map[string]watch    `json:"comments"`
	Hashtags map[string]tagState `json:"hashtags"`
}

type igMedia struct {
	ID            string `json:"id"`
	Caption       string `json:"caption"`
	MediaType     string `json:"media_type"`
	Permalink     string `json:"permalink"`
	Timestamp     string `json:"timestamp"`
	LikeCount     int64  `json:"like_count"`
	CommentsCount int64  `json:"comments_count"`
	Username      string `json:"username"`
}

type igComment struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Timestamp string `json:"timestamp"`
	Username  string `json:"username"`
	LikeCount int64  `json:"like_count"`
	Replies   struct {
		Data []igComment `json:"data"`
	} `json:"replies"`
}

const mediaFields = "id,caption,media_type,permalink,timestamp,like_count,comments_count"

func igID(id string) string { return news.IDFor("https://www.instagram.com/graph/" + id) }

func (g *Instagram) mediaArticle(env source.Env, m igMedia) (news.Article, bool) {
	text := strings.TrimSpace(m.Caption)
	if text == "" {
		return news.Article{}, false
	}
	a := news.Article{
		ID: igID(m.ID), URL: m.Permalink, Kind: news.KindSosmed, Platform: PlatformInstagram,
		Title: source.TitleOf(text), Text: text, PublishedAt: parseTime(m.Timestamp),
		AuthorHandle: env.Handle(PlatformInstagram, m.Username),
		Engagement:   news.Engagement{Likes: m.LikeCount, Comments: m.CommentsCount},
	}
	if a.URL == "" {
		a.URL = "https://www.instagram.com/graph/" + m.ID
	}
	return a, true
}

// Poll hands on the account's new media, the new comments under the media
// of the last seven days, and new media under each hashtag.
func (g *Instagram) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	var cur igCursor
	if err := loadCursor(ctx, env, &cur); err != nil {
		return err
	}
	if cur.Comments == nil {
		cur.Comments = map[string]watch{}
	}
	if cur.Hashtags == nil {
		cur.Hashtags = map[string]tagState{}
	}
	newest, failed := cur.Since, false
	q := url.Values{"limit": {"50"}, "fields": {mediaFields + ",username"}}
	err := each(ctx, g.c, env, "/"+url.PathEscape(g.account)+"/media", q, func(m igMedia) bool {
		at := parseTime(m.Timestamp)
		if !at.After(cur.Since) {
			return false
		}
		if _, ok := cur.Comments[m.ID]; !ok && env.Now().Sub(at) < commentWindow {
			cur.Comments[m.ID] = watch{Posted: at}
		}
		if a, ok := g.mediaArticle(env, m); ok && emit(ctx, source.Item{Post: &a}) != nil {
			failed = true
		}
		if !failed && at.After(newest) {
			newest = at
		}
		return true
	})
	if err != nil {
		return err
	}
	if !failed {
		cur.Since = newest
	}
	var errs []error
	if g.comments {
		var stop error
		if errs, stop = followComments(ctx, env, emit, cur.Comments, g.mediaComments); stop != nil {
			return errors.Join(stop, saveCursor(ctx, env, cur))
		}
	}
	for _, tag := range g.hashtags {
		err := g.hashtag(ctx, env, emit, tag, &cur)
		if err != nil && stopping(ctx, err) {
			return errors.Join(err, saveCursor(ctx, env, cur))
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, saveCursor(ctx, env, cur))...)
}

// mediaComments reads a media's comments and their replies newer than
// since (the API gives no order to rely on: every page is read).
func (g *Instagram) mediaComments(ctx context.Context, env source.Env, emit source.Emit, mediaID string, since time.Time) (time.Time, error) {
	q := url.Values{"limit": {"50"}, "fields": {"id,text,timestamp,username,like_count,replies{id,text,timestamp,username,like_count}"}}
	newest, failed := since, false
	handle := func(c igComment, parent string) {
		at := parseTime(c.Timestamp)
		text := strings.TrimSpace(c.Text)
		if !at.After(since) || text == "" {
			return
		}
		if at.After(newest) {
			newest = at
		}
		a := news.Article{
			ID: igID(c.ID), URL: "https://www.instagram.com/graph/" + c.ID, Kind: news.KindSosmed, Platform: PlatformInstagram,
			Title: source.TitleOf(text), Text: text, PublishedAt: at, ParentID: parent,
			AuthorHandle: env.Handle(PlatformInstagram, c.Username), Engagement: news.Engagement{Likes: c.LikeCount},
		}
		if emit(ctx, source.Item{Post: &a}) != nil {
			failed = true
		}
	}
	err := each(ctx, g.c, env, "/"+url.PathEscape(mediaID)+"/comments", q, func(c igComment) bool {
		handle(c, igID(mediaID))
		for _, r := range c.Replies.Data {
			handle(r, igID(c.ID))
		}
		return true
	})
	if err != nil {
		return since, err
	}
	if failed {
		return since, fmt.Errorf("some comments of media %s could not be handled", mediaID)
	}
	return newest, nil
}

// hashtag hands on the recent media under #tag newer than the last read.
func (g *Instagram) hashtag(ctx context.Context, env source.Env, emit source.Emit, tag string, cur *igCursor) error {
	st := cur.Hashtags[tag]
	if st.ID == "" {
		var found page[struct {
			ID string `json:"id"`
		}]
		if err := g.c.get(ctx, env, "/ig_hashtag_search", url.Values{"user_id": {g.account}, "q": {tag}}, &found); err != nil {
			return fmt.Errorf("hashtag #%s: %w", tag, err)
		}
		if len(found.Data) == 0 {
			return fmt.Errorf("hashtag #%s: not found by ig_hashtag_search", tag)
		}
		st.ID = found.Data[0].ID
		cur.Hashtags[tag] = st
	}
	q := url.Values{"user_id": {g.account}, "limit": {"50"}, "fields": {mediaFields}}
	newest, failed := st.Newest, false
	err := each(ctx, g.c, env, "/"+url.PathEscape(st.ID)+"/recent_media", q, func(m igMedia) bool {
		at := parseTime(m.Timestamp)
		if !at.After(st.Newest) {
			return true // no order is promised: look at the whole page
		}
		if a, ok := g.mediaArticle(env, m); ok && emit(ctx, source.Item{Post: &a}) != nil {
			failed = true
		}
		if at.After(newest) {
			newest = at
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("hashtag #%s: %w", tag, err)
	}
	if !failed {
		st.Newest = newest
		cur.Hashtags[tag] = st
	}
	return nil
}
