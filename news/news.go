// Package news holds the messages that travel between Pantau's stages: a
// crawled article and the same article once classified. It holds data and
// its identity rules only; it must not do I/O.
package news

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// WITA (UTC+8, Asia/Makassar) is Kalimantan Timur's time zone: the one
// analysts read dates in and the report's days are cut in.
var WITA = time.FixedZone("WITA", 8*3600)

// The four classes of Diskominfo's issue-sentiment map, in the order used
// for score vectors.
const (
	LabelPositif           = "positif"
	LabelNetral            = "netral"
	LabelBerpotensiNegatif = "berpotensi negatif"
	LabelNegatif           = "negatif"
)

// Labels lists the four classes in score-vector order.
var Labels = [4]string{LabelPositif, LabelNetral, LabelBerpotensiNegatif, LabelNegatif}

// ValidLabel reports whether s is one of the four classes.
func ValidLabel(s string) bool {
	for _, l := range Labels {
		if l == s {
			return true
		}
	}
	return false
}

// Polarities are the plain sentiment of a text.
const (
	PolarityPositif = "positif"
	PolarityNetral  = "netral"
	PolarityNegatif = "negatif"
)

// Kinds of item: what an article message carries.
const (
	KindBerita = "berita" // a news article (the default when empty)
	KindRilis  = "rilis"  // a government press release
	KindSosmed = "sosmed" // a public social-media post or comment
)

// Kinds lists the kinds of item.
var Kinds = [3]string{KindBerita, KindRilis, KindSosmed}

// KindNames are the kinds as every reader sees them — web app, report,
// dashboards — in Kinds order: "media massa", "siaran pers", "media
// sosial".
var KindNames = [3]string{"media massa", "siaran pers", "media sosial"}

// KindName says a kind in words (KindBerita's for an empty or unknown
// kind, as KindOrDefault reads it).
func KindName(kind string) string {
	for i, k := range Kinds {
		if k == kind {
			return KindNames[i]
		}
	}
	return KindNames[0]
}

// Platforms lists the social platforms a social item's Platform names;
// items from web sites have none.
var Platforms = [6]string{"youtube", "facebook", "instagram", "x", "tiktok", "telegram"}

// Engagement is what a platform reports of a social item's reach.
type Engagement struct {
	Likes    int64 `json:"likes,omitempty"`
	Comments int64 `json:"comments,omitempty"`
	Shares   int64 `json:"shares,omitempty"`
	Views    int64 `json:"views,omitempty"`
}

// Article is one crawled item — a news article, a press release or a
// social post — as published on the articles stream.
type Article struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Outlet      string    `json:"outlet"`
	Region      string    `json:"region"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	Author      string    `json:"author,omitempty"`
	Language    string    `json:"language"`
	ImageURL    string    `json:"image_url,omitempty"`
	StoryID     string    `json:"story_id,omitempty"` // id of the first copy of a syndicated story
	SimHash     uint64    `json:"simhash,omitempty"`  // fingerprint of the text`
	PublishedAt time.Time `json:"published_at"`
	FetchedAt   time.Time `json:"fetched_at"`

	// What kind of item it is and, for social items, where it was posted.
	Kind         string     `json:"kind,omitempty"`          // KindBerita when empty
	Platform     string     `json:"platform,omitempty"`      // youtube, facebook, instagram, x, tiktok, telegram; "" for the web
	AuthorHandle string     `json:"author_handle,omitempty"` // the poster's handle, or its hash (see the privacy setting)
	ParentID     string     `json:"parent_id,omitempty"`     // the post a comment answers
	Engagement   Engagement `json:"engagement,omitzero"`
}

// KindOrDefault returns the item's kind, KindBerita when unset.
func (a *Article) KindOrDefault() string {
	if a.Kind == "" {
		return KindBerita
	}
	return a.Kind
}

// Classified is an article with the classifier's verdict, as published on
// the classified stream and stored as one row of `mentions`.
type Classified struct {
	Article
	Label        string     `json:"label"`
	Scores       [4]float32 `json:"scores"` // in Labels order
	Polarity     string     `json:"polarity"`
	ModelVersion string     `json:"model_version"`
	Evidence     []string   `json:"evidence,omitempty"`
	Confidence   float32    `json:"confidence,omitempty"` // calibrated probability of Label

	// Who set the label: "model", or "human" after an analyst's correction.
	LabelSource string    `json:"label_source,omitempty"`
	LabeledBy   string    `json:"labeled_by,omitempty"`
	LabeledAt   time.Time `json:"labeled_at,omitzero"`

	// Issue mapping (tagger and issue clustering).
	Regions    []string `json:"regions,omitempty"`
	OPDs       []string `json:"opds,omitempty"`
	Entities   []string `json:"entities,omitempty"`
	KeyPhrases []string `json:"keyphrases,omitempty"`
	IssueID    string   `json:"issue_id,omitempty"`
	IssueName  string   `json:"issue_name,omitempty"`
	IssueTerms []string `json:"issue_terms,omitempty"`
	// The issue's whole span so far, not this article's: its first and
	// latest article, and when the government first answered on it.
	IssueFirstSeen   time.Time `json:"issue_first_seen,omitzero"`
	IssueLastSeen    time.Time `json:"issue_last_seen,omitzero"`
	IssueRespondedAt time.Time `json:"issue_responded_at,omitzero"`
}

// IDFor returns the article id for a canonical URL: the first 16 bytes of
// its SHA-256, hex encoded. The same id is the JetStream message id, so a
// re-crawled article is dropped by the stream's duplicate window.
func IDFor(canonicalURL string) string {
	sum := sha256.Sum256([]byte(canonicalURL))
	return hex.EncodeToString(sum[:16])
}
