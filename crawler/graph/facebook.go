package graph

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/news"
)

// PlatformFacebook is news.Article.Platform of facebook items.
const PlatformFacebook = "facebook"

// Facebook polls the office's Page: its posts and their public comments.
type Facebook struct {
	page     string
	c        client
	comments bool
}

// NewFacebook makes the connector of a facebook source.
func NewFacebook(src config.Source) (*Facebook, error) {
	return &Facebook{page: src.Account, c: newClient(src.BaseURL, src.Credential), comments: src.WantComments()}, nil
}

// MinInterval keeps well inside the Page's hourly call budget.
func (f *Facebook) MinInterval() time.Duration { return 5 * time.Minute }

// watch is a post whose comments are read, and the newest comment read.
type watch struct {
	Posted time.Time `json:"posted"`
	Newest time.Time `json:"newest"`
}

type fbCursor struct {
	Since    time.Time        `json:"since"`    // the newest post handed on
	Comments map[string]watch `json:"comments"` // post id -> its comments' state
}

type fbPost struct {
	ID           string `json:"id"`
	Message      string `json:"message"`
	CreatedTime  string `json:"created_time"`
	PermalinkURL string `json:"permalink_url"`
	Shares       struct {
		Count int64 `json:"count"`
	} `json:"shares"`
	Reactions summary `json:"reactions"`
	Comments  summary `json:"comments"`
}

type summary struct {
	Summary struct {
		TotalCount int64 `json:"total_count"`
	} `json:"summary"`
}

type fbComment struct {
	ID          string `json:"id"`
	Message     string `json:"message"`
	CreatedTime string `json:"created_time"`
	From        struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"from"`
	LikeCount    int64  `json:"like_count"`
	CommentCount int64  `json:"comment_count"`
	PermalinkURL string `json:"permalink_url"`
	Parent       struct {
		ID string `json:"id"`
	} `json:"parent"`
}

// objectID is the article id of a Graph object (post or comment), fixed
// whatever permalink Meta gives it.
func objectID(id string) string { return news.IDFor("https://www.facebook.com/" + id) }

// Poll hands on the Page's new posts, then the new comments under the
// posts of the last seven days.
func (f *Facebook) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	var cur fbCursor
	if err := loadCursor(ctx, env, &cur); err != nil {
		return err
	}
	if cur.Comments == nil {
		cur.Comments = map[string]watch{}
	}
	q := url.Values{"limit": {"50"}, "fields": {"id,message,created_time,permalink_url,shares," +
		"reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"}}
	if !cur.Since.IsZero() {
		q.Set("since", strconv.FormatInt(cur.Since.Unix(), 10))
	}
	newest, failed := cur.Since, false
	err := each(ctx, f.c, env, "/"+url.PathEscape(f.page)+"/posts", q, func(p fbPost) bool {
		created := parseTime(p.CreatedTime)
		if !created.After(cur.Since) {
			return false
		}
		if _, ok := cur.Comments[p.ID]; !ok && env.Now().Sub(created) < commentWindow {
			cur.Comments[p.ID] = watch{Posted: created}
		}
		if strings.TrimSpace(p.Message) == "" {
			return true // a photo or video without words
		}
		a := news.Article{
			ID: objectID(p.ID), URL: p.PermalinkURL, Kind: news.KindSosmed, Platform: PlatformFacebook,
			Title: source.TitleOf(p.Message), Text: strings.TrimSpace(p.Message), PublishedAt: created,
			AuthorHandle: env.Handle(PlatformFacebook, f.page),
			Engagement: news.Engagement{Likes: p.Reactions.Summary.TotalCount, Comments: p.Comments.Summary.TotalCount,
				Shares: p.Shares.Count},
		}
		if a.URL == "" {
			a.URL = "https://www.facebook.com/" + p.ID
		}
		if emit(ctx, source.Item{Post: &a}) != nil {
			failed = true
		}
		if !failed && created.After(newest) {
			newest = created
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
	if f.comments {
		var stop error
		if errs, stop = followComments(ctx, env, emit, cur.Comments, f.postComments); stop != nil {
			return errors.Join(stop, saveCursor(ctx, env, cur))
		}
	}
	return errors.Join(append(errs, saveCursor(ctx, env, cur))...)
}

// postComments reads a post's comments newest first down to since and
// returns the time of the newest one read (since when one failed).
func (f *Facebook) postComments(ctx context.Context, env source.Env, emit source.Emit, postID string, since time.Time) (time.Time, error) {
	q := url.Values{"limit": {"100"}, "order": {"reverse_chronological"}, "filter": {"stream"},
		"fields": {"id,message,created_time,from{id,name},like_count,comment_count,permalink_url,parent{id}"}}
	newest, failed := since, false
	err := each(ctx, f.c, env, "/"+url.PathEscape(postID)+"/comments", q, func(c fbComment) bool {
		created := parseTime(c.CreatedTime)
		if !created.After(since) {
			return false
		}
		if created.After(newest) {
			newest = created
		}
		text := strings.TrimSpace(c.Message)
		if text == "" {
			return true // a sticker or a photo
		}
		parent := objectID(postID)
		if c.Parent.ID != "" {
			parent = objectID(c.Parent.ID)
		}
		a := news.Article{
			ID: objectID(c.ID), URL: c.PermalinkURL, Kind: news.KindSosmed, Platform: PlatformFacebook,
			Title: source.TitleOf(text), Text: text, PublishedAt: created, ParentID: parent,
			AuthorHandle: env.Handle(PlatformFacebook, c.From.ID),
			Engagement:   news.Engagement{Likes: c.LikeCount, Comments: c.CommentCount},
		}
		if a.URL == "" {
			a.URL = "https://www.facebook.com/" + c.ID
		}
		if env.KeepHandles() {
			a.Author = c.From.Name
		}
		if emit(ctx, source.Item{Post: &a}) != nil {
			failed = true
		}
		return true
	})
	if err != nil {
		return since, err
	}
	if failed {
		return since, errors.New("some comments of post " + postID + " could not be handled")
	}
	return newest, nil
}
