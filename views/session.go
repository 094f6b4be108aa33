package views

import (
	"context"
	"iter"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// API is the part of the Immuta client the views use. Tests may fake it.
type API interface {
	ListDataSources(ctx context.Context, o apiclient.ListOptions) (*apiclient.DataSourcePage, error)
	GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error)
	Lineage(ctx context.Context, id int64, t apiclient.LineageType) ([]apiclient.LineageEntry, error)
	ListAccess(ctx context.Context, id int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error)
	UserPolicyInfo(ctx context.Context, id, profile int64) (*apiclient.PolicyInfo, error)
	UserVisibilityReport(ctx context.Context, id, profile int64) ([]apiclient.VisibilityReport, error)
	MyVisibilityReport(ctx context.Context, id int64) (*apiclient.VisibilityReport, error)
	Subscribe(ctx context.Context, req apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error)
	DeleteDataSource(ctx context.Context, id int64) (*apiclient.DeleteResult, error)
	RestoreDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error)
	CreateS3(ctx context.Context, req apiclient.S3CreateRequest) ([]apiclient.S3Created, error)
	GetS3Handler(ctx context.Context, handlerID int64) (*apiclient.S3Handler, error)

	// Access governance (apiclient/governance.go). Writes are sent once.
	ListPendingRequests(ctx context.Context, o apiclient.PendingOptions) (*apiclient.PendingPage, error)
	AllPendingRequests(ctx context.Context, o apiclient.PendingOptions) iter.Seq2[apiclient.PendingRequest, error]
	ApproveRequests(ctx context.Context, reqs []apiclient.ApproveRequest) (*apiclient.DecisionResult, error)
	DenyRequests(ctx context.Context, reqs []apiclient.DenyRequest) (*apiclient.DecisionResult, error)
	SetAccess(ctx context.Context, sourceID, accessID int64, ch apiclient.AccessChange) (*apiclient.WriteAnswer, error)
	AddAccess(ctx context.Context, sourceID int64, r apiclient.AddAccessRequest) (*apiclient.WriteAnswer, error)
	Unsubscribe(ctx context.Context, sourceID int64) (*apiclient.WriteAnswer, error)

	// Tags and the data dictionary (apiclient/tags.go). Writes are sent once.
	ListSourceTags(ctx context.Context, id int64) (*apiclient.SourceTags, error)
	GetDictionary(ctx context.Context, id int64) (*apiclient.Dictionary, error)
	AddSourceTags(ctx context.Context, id int64, names []string) (*apiclient.TagsAdded, error)
	RemoveSourceTag(ctx context.Context, id int64, tag string) (*apiclient.WriteAnswer, error)

	// SourceContacts are a source's owners and experts (apiclient/contacts.go).
	SourceContacts(ctx context.Context, id int64) (*apiclient.Contacts, error)
}

// Settings are a session's settings: resolved once by ui/config (from a
// profile, the environment or --demo) and carried unchanged to the views,
// embedded in config.Target on the way and in Session here. Plain values
// only, so the config and the CLI can hold them too.
type Settings struct {
	Profile string // profile name, "demo" or "env"
	// ReadOnly hides write actions; the client refuses writes anyway.
	ReadOnly bool
	// Protected makes every write ask for the profile name typed.
	Protected   bool
	PageSize    int
	Concurrency int
	// MaxPageSize and FixedPaging shape list loads with PageSize and
	// Concurrency: see Paging.
	MaxPageSize int
	FixedPaging bool
	// MaxRows caps the rows a list load keeps, whatever the server's
	// count says; 0 means the list's default (2 million).
	MaxRows int
	// Timeout bounds each request a view makes (see WithTimeout).
	Timeout time.Duration
	// TenantURL is the tenant's URL and WebURL the profile's web_url
	// template ("" for weblink's default): the source's web UI page.
	TenantURL, WebURL string
	// ListColumns are the list's columns in order (the config's [list]
	// columns, views/listcols names); nil: the default.
	ListColumns []string
}

// Session is what every view shares: the client, keys, styles and the
// session's Settings. The root builds it once per connection.
type Session struct {
	Settings
	API    API
	Keys   keymap.KeyMap
	Styles *styles.Styles
	Host   string // the tenant's host, from the client
	// Now is the clock, replaced in golden tests (see Clock).
	Now func() time.Time
	// RequestLog is the session's record of HTTP requests (nil: none).
	RequestLog *apiclient.RequestLog
	// OpenURL starts a browser on a URL (nil: the platform's opener;
	// tests give a fake).
	OpenURL func(url string) error

	writes *Writes // see Writes
}

// Paging is how list loads page under this session's profile (page_size,
// max_page_size, concurrency, fixed_paging); every list loader uses it.
func (sess *Session) Paging() paging.Options {
	return paging.Profile(sess.PageSize, sess.MaxPageSize, sess.Concurrency, sess.FixedPaging)
}

// DefaultTimeout bounds a request when the Session sets no Timeout.
const DefaultTimeout = 30 * time.Second

// WithTimeout derives the context for one request from parent: it ends
// after c.Timeout (DefaultTimeout when that is not positive), or with
// parent. Call the CancelFunc when the request is done.
func (sess *Session) WithTimeout(parent context.Context) (context.Context, context.CancelFunc) {
	d := DefaultTimeout
	if sess != nil && sess.Timeout > 0 {
		d = sess.Timeout
	}
	return context.WithTimeout(parent, d)
}

// Clock is the time now by c.Now, or by the system clock when c sets none.
func (sess *Session) Clock() time.Time {
	if sess != nil && sess.Now != nil {
		return sess.Now()
	}
	return time.Now()
}
