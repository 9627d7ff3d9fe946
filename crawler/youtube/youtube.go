// Package youtube is the connector of youtube sources: a channel's uploads
// from its public Atom feed (no key needed) and the public comments under
// them from the YouTube Data API v3 (commentThreads.list, with the
// office's API key, one quota unit a page out of 10,000 a day). It reads
// public content only and must not publish, store or classify: it hands
// items to the crawler through source.Env.
package youtube

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the quota resets at midnight Pacific time

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/feed"
	"github.com/diskominfo-kaltim/pantau/crawler/fetch"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Platform is the value of news.Article.Platform for this connector.
const Platform = "youtube"

// The real addresses; a source's base_url replaces both.
const (
	FeedBase = "https://www.youtube.com"
	APIBase  = "https://www.googleapis.com"
)

const (
	maxPages      = 10                  // comment pages read per video and poll (100 comments a page)
	commentWindow = 30 * 24 * time.Hour // videos whose comments are still read
)

// Source polls one channel.
type Source struct {
	channel  string
	feedBase string
	apiBase  string
	key      string
	comments bool
}

// New makes the connector of a youtube source.
func New(src config.Source) (*Source, error) {
	s := &Source{channel: src.Channel, feedBase: FeedBase, apiBase: APIBase, key: src.Credential, comments: src.WantComments()}
	if src.BaseURL != "" {
		s.feedBase = strings.TrimRight(src.BaseURL, "/")
		s.apiBase = s.feedBase
	}
	return s, nil
}

// MinInterval keeps the daily quota in reach: a channel's 15 recent videos
// read every 10 minutes cost about 2,200 units a day.
func (s *Source) MinInterval() time.Duration { return 10 * time.Minute }

// cursor is, per video, the publication time of the newest comment read.
type cursor struct {
	Comments map[string]time.Time `json:"comments"`
}

type atomFeed struct {
	Entries []struct {
		VideoID   string `xml:"http://www.youtube.com/xml/schemas/2015 videoId"`
		ChannelID string `xml:"http://www.youtube.com/xml/schemas/2015 channelId"`
		Title     string `xml:"http://www.w3.org/2005/Atom title"`
		Published string `xml:"http://www.w3.org/2005/Atom published"`
		Author    struct {
			Name string `xml:"http://www.w3.org/2005/Atom name"`
		} `xml:"http://www.w3.org/2005/Atom author"`
		Group struct {
			Description string `xml:"http://search.yahoo.com/mrss/ description"`
			Thumbnail   struct {
				URL string `xml:"url,attr"`
			} `xml:"http://search.yahoo.com/mrss/ thumbnail"`
			Community struct {
				StarRating struct {
					Count int64 `xml:"count,attr"`
				} `xml:"http://search.yahoo.com/mrss/ starRating"`
				Statistics struct {
					Views int64 `xml:"views,attr"`
				} `xml:"http://search.yahoo.com/mrss/ statistics"`
			} `xml:"http://search.yahoo.com/mrss/ community"`
		} `xml:"http://search.yahoo.com/mrss/ group"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

type video struct {
	id        string
	published time.Time
	article   news.Article
}

// VideoURL is the address of a video, from which its article id is made.
func VideoURL(id string) string { return "https://www.youtube.com/watch?v=" + url.QueryEscape(id) }

// Poll hands on the channel's uploads, then the new comments under the
// uploads of the last 30 days.
func (s *Source) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	feedURL := s.feedBase + "/feeds/videos.xml?channel_id=" + url.QueryEscape(s.channel)
	resp, err := env.Get(ctx, feedURL, "", "")
	if err != nil {
		return fmt.Errorf("youtube channel %s: %w", s.channel, err)
	}
	var f atomFeed
	if err := xml.Unmarshal(feed.Sanitize(resp.Body, resp.ContentType), &f); err != nil {
		return fmt.Errorf("parsing the uploads feed of %s: %w", s.channel, err)
	}
	var videos []video
	for _, e := range f.Entries {
		if e.VideoID == "" {
			continue
		}
		pub, _ := time.Parse(time.RFC3339, strings.TrimSpace(e.Published))
		u := VideoURL(e.VideoID)
		a := news.Article{
			ID: news.IDFor(u), URL: u, Kind: news.KindSosmed, Platform: Platform,
			Title: strings.TrimSpace(e.Title), Text: strings.TrimSpace(e.Group.Description),
			PublishedAt: pub.UTC(), ImageURL: e.Group.Thumbnail.URL,
			AuthorHandle: env.Handle(Platform, e.ChannelID),
			Engagement:   news.Engagement{Views: e.Group.Community.Statistics.Views, Likes: e.Group.Community.StarRating.Count},
		}
		if a.Text == "" {
			a.Text = a.Title
		}
		if env.KeepHandles() {
			a.Author = e.Author.Name
		}
		videos = append(videos, video{id: e.VideoID, published: pub, article: a})
		_ = emit(ctx, source.Item{Post: &a})
	}
	if !s.comments {
		return nil
	}
	if s.key == "" {
		env.Warn("no-key", "komentar YouTube tidak dibaca: youtube-api-key belum diisi (PANTAU_YOUTUBE_API_KEY_FILE)")
		return nil
	}
	return s.pollComments(ctx, env, emit, videos)
}

func (s *Source) pollComments(ctx context.Context, env source.Env, emit source.Emit, videos []video) error {
	var cur cursor
	if raw, err := env.Cursor(ctx); err != nil {
		return err
	} else if raw != nil {
		if err := json.Unmarshal(raw, &cur); err != nil {
			return fmt.Errorf("reading the comment cursor: %w", err)
		}
	}
	if cur.Comments == nil {
		cur.Comments = map[string]time.Time{}
	}
	sort.Slice(videos, func(i, j int) bool { return videos[i].published.After(videos[j].published) })
	// The cursor keeps the videos the feed still lists.
	next := map[string]time.Time{}
	for _, v := range videos {
		if t, ok := cur.Comments[v.id]; ok {
			next[v.id] = t
		}
	}
	var errs []error
	for _, v := range videos {
		if env.Now().Sub(v.published) > commentWindow {
			continue
		}
		newest, err := s.videoComments(ctx, env, emit, v, next[v.id])
		var le *source.LimitError
		switch {
		case err == nil:
			next[v.id] = newest
		case errors.Is(err, errSkip):
			delete(next, v.id) // deleted, private or comments turned off
		case errors.As(err, &le), errors.Is(err, source.ErrCredentials), ctx.Err() != nil:
			// Keep what was read; the rest waits for the quota or the key.
			return errors.Join(err, s.save(ctx, env, next))
		default:
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, s.save(ctx, env, next))...)
}

func (s *Source) save(ctx context.Context, env source.Env, comments map[string]time.Time) error {
	data, err := json.Marshal(cursor{Comments: comments})
	if err != nil {
		return err
	}
	return env.SaveCursor(ctx, data)
}

// errSkip marks a video whose comments cannot be read and need not be.
var errSkip = errors.New("video skipped")

type threadList struct {
	NextPageToken string `json:"nextPageToken"`
	Items         []struct {
		ID      string `json:"id"`
		Snippet struct {
			VideoID         string  `json:"videoId"`
			TopLevelComment comment `json:"topLevelComment"`
			TotalReplyCount int64   `json:"totalReplyCount"`
			IsPublic        *bool   `json:"isPublic"`
		} `json:"snippet"`
		Replies struct {
			Comments []comment `json:"comments"`
		} `json:"replies"`
	} `json:"items"`
}

type comment struct {
	ID      string `json:"id"`
	Snippet struct {
		AuthorDisplayName string `json:"authorDisplayName"`
		AuthorChannelID   struct {
			Value string `json:"value"`
		} `json:"authorChannelId"`
		TextOriginal string    `json:"textOriginal"`
		TextDisplay  string    `json:"textDisplay"`
		ParentID     string    `json:"parentId"`
		LikeCount    int64     `json:"likeCount"`
		PublishedAt  time.Time `json:"publishedAt"`
	} `json:"snippet"`
}

// videoComments reads the comment threads of v newest first, down to
// since, and returns the publication time of the newest one read (since
// itself when an item failed, so it is read again).
func (s *Source) videoComments(ctx context.Context, env source.Env, emit source.Emit, v video, since time.Time) (time.Time, error) {
	newest := since
	failed := false
	page := ""
	for range maxPages {
		q := url.Values{"part": {"snippet,replies"}, "videoId": {v.id}, "maxResults": {"100"},
			"order": {"time"}, "textFormat": {"plainText"}, "key": {s.key}}
		if page != "" {
			q.Set("pageToken", page)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.apiBase+"/youtube/v3/commentThreads?"+q.Encode(), nil)
		if err != nil {
			return since, err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := env.Do(req)
		if err != nil {
			return since, apiError(err, env.Now())
		}
		var list threadList
		if err := json.Unmarshal(resp.Body, &list); err != nil {
			return since, fmt.Errorf("youtube commentThreads of %s: %w", v.id, err)
		}
		reached := false
		for _, th := range list.Items {
			top := th.Snippet.TopLevelComment
			if !top.Snippet.PublishedAt.After(since) {
				reached = true
				break
			}
			if th.Snippet.IsPublic != nil && !*th.Snippet.IsPublic {
				continue
			}
			if top.Snippet.PublishedAt.After(newest) {
				newest = top.Snippet.PublishedAt
			}
			parent := s.commentArticle(env, v, top, v.article.ID)
			if emit(ctx, source.Item{Post: &parent}) != nil {
				failed = true
			}
			for _, r := range th.Replies.Comments {
				a := s.commentArticle(env, v, r, parent.ID)
				if emit(ctx, source.Item{Post: &a}) != nil {
					failed = true
				}
			}
		}
		if reached || list.NextPageToken == "" {
			break
		}
		page = list.NextPageToken
	}
	if failed {
		return since, fmt.Errorf("some comments of video %s could not be handled", v.id)
	}
	return newest, nil
}

func (s *Source) commentArticle(env source.Env, v video, c comment, parentID string) news.Article {
	text := strings.TrimSpace(c.Snippet.TextOriginal)
	if text == "" {
		text = strings.TrimSpace(c.Snippet.TextDisplay)
	}
	u := VideoURL(v.id) + "&lc=" + url.QueryEscape(c.ID)
	a := news.Article{
		ID: news.IDFor(u), URL: u, Kind: news.KindSosmed, Platform: Platform,
		Title: source.TitleOf(text), Text: text, PublishedAt: c.Snippet.PublishedAt.UTC(),
		ParentID: parentID, Engagement: news.Engagement{Likes: c.Snippet.LikeCount},
	}
	handle := c.Snippet.AuthorChannelID.Value
	if handle == "" {
		handle = c.Snippet.AuthorDisplayName
	}
	a.AuthorHandle = env.Handle(Platform, handle)
	if env.KeepHandles() {
		a.Author = c.Snippet.AuthorDisplayName
	}
	return a
}

// googleError is the error body of Google APIs.
type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Errors  []struct {
			Reason string `json:"reason"`
			Domain string `json:"domain"`
		} `json:"errors"`
		Details []struct {
			Reason string `json:"reason"`
		} `json:"details"`
	} `json:"error"`
}

// apiError turns a Data API error into what the crawler acts on: a spent
// quota (back off until midnight Pacific time), a bad or expired key, or
// a video whose comments cannot be read (skipped).
func apiError(err error, now time.Time) error {
	var se *fetch.StatusError
	if !errors.As(err, &se) {
		return err
	}
	var ge googleError
	_ = json.Unmarshal(se.Body, &ge)
	reasons := map[string]bool{}
	for _, e := range ge.Error.Errors {
		reasons[e.Reason] = true
	}
	for _, d := range ge.Error.Details {
		reasons[d.Reason] = true
	}
	switch {
	case reasons["quotaExceeded"] || reasons["dailyLimitExceeded"] || reasons["rateLimitExceeded"]:
		return &source.LimitError{URL: se.URL, Until: nextQuotaReset(now), Reason: "kuota YouTube Data API habis", Err: err}
	case reasons["keyInvalid"] || reasons["keyExpired"] || reasons["API_KEY_INVALID"] || reasons["API_KEY_EXPIRED"] ||
		reasons["accessNotConfigured"] || reasons["ipRefererBlocked"] || reasons["API_KEY_SERVICE_BLOCKED"] ||
		se.StatusCode == http.StatusUnauthorized || strings.Contains(ge.Error.Message, "API key"):
		return &source.CredentialError{Platform: "YouTube Data API", Detail: strings.TrimSpace(ge.Error.Message)}
	case reasons["commentsDisabled"] || reasons["videoNotFound"] || reasons["forbidden"] || se.StatusCode == http.StatusNotFound:
		return errSkip
	}
	if ge.Error.Message != "" {
		return fmt.Errorf("%w: %s", err, ge.Error.Message)
	}
	return err
}

// nextQuotaReset is the next midnight in Pacific time, when the Data API's
// daily quota is renewed.
func nextQuotaReset(now time.Time) time.Time {
	pt, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		pt = time.FixedZone("PST", -8*3600)
	}
	t := now.In(pt)
	return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, pt)
}
