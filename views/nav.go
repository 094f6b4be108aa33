// Package views holds the screens of the TUI and the contract between them
// and the root model (package ui). Views never import ui: they ask it for
// things (navigate, open a modal, show a status) by returning messages.
package views

import (
	"context"
	"iter"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// View is one screen on the root's stack, or the modal.
type View interface {
	Init() tea.Cmd
	Update(tea.Msg) (View, tea.Cmd)
	View() string
	// SetSize gives the body size: the root draws header, status and footer.
	SetSize(w, h int)
	// Title is this view's breadcrumb.
	Title() string
	// ShortHelp and FullHelp feed the footer and the ? help (help.KeyMap).
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// CapturesInput is true while a text field has focus: letters go to the
	// view, not to global keys (q does not quit while typing a filter).
	CapturesInput() bool
}

// Closer is implemented by views that hold requests to cancel when they
// leave the stack.
type Closer interface{ Close() }

// Closing is implemented by modals that can tell, right after an update,
// that they asked to close; the root then closes them at once, so a key
// typed next goes to the view below instead of to a dialog on its way out.
type Closing interface{ Closed() bool }

// Backer is implemented by views that use esc themselves before the root
// pops them (clearing a filter first). Back reports whether it consumed esc.
type Backer interface{ Back() bool }

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

// Session is what every view shares: the client, keys, styles and the
// session's settings. The root builds it once.
type Session struct {
	API     API
	Keys    keymap.KeyMap
	Styles  *styles.Styles
	Profile string // profile name, "demo" or "env"
	Host    string
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
	// Now is the clock, replaced in golden tests (see Clock).
	Now func() time.Time
	// RequestLog is the session's record of HTTP requests (nil: none).
	RequestLog *apiclient.RequestLog
	// TenantURL is the tenant's URL and WebURL the profile's web_url
	// template ("" for weblink's default): the source's web UI page.
	// OpenURL starts a browser on a URL (nil: the platform's opener;
	// tests give a fake).
	TenantURL, WebURL string
	OpenURL           func(url string) error
	// ListColumns are the list's columns in order (the config's [list]
	// columns, views/listcols names); nil: the default.
	ListColumns []string

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

// Navigation and chrome messages, handled by the root.
type (
	// PushMsg opens V on top of the stack.
	PushMsg struct{ V View }
	// PopMsg goes back one view.
	PopMsg struct{}
	// OpenModalMsg shows M over the current view; it takes all keys.
	OpenModalMsg struct{ M View }
	// CloseModalMsg closes the modal.
	CloseModalMsg struct{}
	// StatusMsg shows a short message in the status line.
	StatusMsg struct {
		Text  string
		Level Level
	}
	// ErrorMsg shows an error in plain words until it is dismissed.
	ErrorMsg struct {
		What string // what was being done: "loading data sources"
		Err  error
	}
)

// Level is the kind of a status message.
type Level int

const (
	Info Level = iota
	Success
	Warn
)

// Data messages the root broadcasts to every view on the stack, so that a
// change made anywhere shows up everywhere at once.
type (
	// SourceChangedMsg carries the new state of a data source.
	SourceChangedMsg struct{ Source apiclient.DataSource }
	// SourceRemovedMsg says a source is gone for good.
	SourceRemovedMsg struct{ ID int64 }
	// SourcesAddedMsg carries newly created sources.
	SourcesAddedMsg struct{ Sources []apiclient.DataSource }
	// AccessChangedMsg says a member write on source SourceID answered:
	// the entry AccessID now reads as User (read back from the server),
	// or has no access any more (Removed). Reload asks the access views
	// of the source to load again (a member was added: where it sits in
	// the server's order is the server's to say).
	AccessChangedMsg struct {
		SourceID, AccessID int64
		User               *apiclient.AccessUser
		Removed, Reload    bool
	}
	// RequestsDecidedMsg says an approve or deny of access requests
	// answered: Done are the requests the server carried out (they leave
	// every inbox), Failed maps each one it did not to its errorMessage
	// (shown beside it). Unknown says the answer was lost: inboxes load
	// again to show what the server did.
	RequestsDecidedMsg struct {
		Done    []int64
		Failed  map[int64]string
		Unknown bool
		// Approved: the decision was an approval, which may have given
		// only one of the approvals a request needs (it then stays).
		Approved bool
	}
	// TagsChangedMsg says a tag write on source SourceID answered; Tags
	// are the source's tags read back right after it (nil when the read
	// failed: views that show them load them again).
	TagsChangedMsg struct {
		SourceID int64
		Tags     apiclient.Tags
	}
)

// Request tracking: the root shows a spinner while any request runs.
type (
	// RequestStartMsg asks the root to run Run under its spinner. The root
	// delivers Run's result to the view that asked, and to no other.
	RequestStartMsg struct {
		Label string
		Run   tea.Cmd
	}
	// RequestDoneMsg carries Run's result back; views see only Msg.
	RequestDoneMsg struct {
		Label string
		Msg   tea.Msg
	}
	// BackedMsg is sent to a view right after its Back consumed esc, so it
	// can return the commands that follow (a recompute, say).
	BackedMsg struct{}
)

// Track runs cmd (which does IO) under the root's spinner, labelled for the
// status line. The result reaches the issuing view as cmd's own message.
// Views must not use tea.Sequence: the root routes each command's result
// back to the view that returned it, and it cannot see inside a sequence.
func Track(label string, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg { return RequestStartMsg{Label: label, Run: cmd} }
}

// Helpers that return the navigation messages as commands.
func Push(v View) tea.Cmd      { return func() tea.Msg { return PushMsg{V: v} } }
func Pop() tea.Msg             { return PopMsg{} }
func OpenModal(m View) tea.Cmd { return func() tea.Msg { return OpenModalMsg{M: m} } }
func CloseModal() tea.Msg      { return CloseModalMsg{} }
func Status(text string, l Level) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: text, Level: l} }
}
func Error(what string, err error) tea.Cmd {
	return func() tea.Msg { return ErrorMsg{What: what, Err: err} }
}

// Emit wraps a message as a command.
func Emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// Route messages: a view asks the root to open another screen by naming
// what to show; the root builds it. Views need not import each other.
type (
	// OpenSourceMsg opens the detail view of a data source.
	OpenSourceMsg struct {
		ID   int64
		Name string
	}
	// OpenAccessMsg opens the users with access to a data source.
	OpenAccessMsg struct {
		ID   int64
		Name string
	}
	// OpenMyVisibilityMsg opens the caller's visibility report.
	OpenMyVisibilityMsg struct {
		ID   int64
		Name string
	}
	// OpenUserViewMsg opens what one user sees of a source: their
	// policyInfo and visibility report.
	OpenUserViewMsg struct {
		ID   int64
		Name string
		User apiclient.AccessUser
	}
	// OpenRequestsMsg opens the inbox of pending access requests: every
	// source's, or only source SourceID's (named SourceName) when set.
	OpenRequestsMsg struct {
		SourceID   int64
		SourceName string
	}
	// OpenColumnsMsg opens a source's columns (its data dictionary).
	OpenColumnsMsg struct {
		ID   int64
		Name string
	}
	// OpenRequestLogMsg opens the session's request log (the request_log
	// key, and :log).
	OpenRequestLogMsg struct{}
)

// ServerFilterMsg gives the list the server filters to load with (the
// command line's :failed, :tag NAME, a saved view…): GET /dataSource's own
// parameters, combined; Size and Offset are the loader's. The root sends
// it to the home view, which reloads.
type ServerFilterMsg struct{ Opts apiclient.ListOptions }

// CopyMsg asks the root to put Text on the clipboard through OSC 52 (which
// works over SSH, and in tmux with set-clipboard on). What names it for
// the status line ("curl command", "source id"): the root says
// "copied What: Text", clipped to the line.
type CopyMsg struct {
	Text string
	What string
	// Note follows the text in parentheses ("no browser: ..."): after it,
	// so a clipped status line still shows what was copied.
	Note string
}

// Copy returns the command that copies text (see CopyMsg).
func Copy(text, what string) tea.Cmd {
	return func() tea.Msg { return CopyMsg{Text: text, What: what} }
}

// Write flows: one at a time per data source. A flow (subscribe, disable
// or delete, restore; one source or many) claims its sources when its key
// is pressed and keeps them through the state check, the dialog and the
// request, so that a second key cannot open a second dialog on the same
// source (two confirmed DELETEs make a disable permanent).

// Writes is the set of data sources with a write flow in progress. It is
// safe to use from commands: a flow may end off the UI goroutine.
type Writes struct {
	mu   sync.Mutex
	busy map[int64]bool
}

// WriteClaim is one flow's hold on its sources. They stay busy until every
// holder (the check, the dialog, the request) has let go.
type WriteClaim struct {
	w    *Writes
	ids  []int64
	refs int // guarded by w.mu
}

// Claim takes ids for one flow with a single holder. When one of them is
// already busy nothing is taken, and that id is returned.
func (w *Writes) Claim(ids []int64) (*WriteClaim, int64, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range ids {
		if w.busy[id] {
			return nil, id, false
		}
	}
	if w.busy == nil {
		w.busy = map[int64]bool{}
	}
	c := &WriteClaim{w: w, refs: 1}
	for _, id := range ids {
		if !w.busy[id] { // a list may name a source twice
			w.busy[id] = true
			c.ids = append(c.ids, id)
		}
	}
	return c, 0, true
}

// Busy reports whether a write flow holds id.
func (w *Writes) Busy(id int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.busy[id]
}

// Any reports whether any write flow is in progress (the root does not
// switch profiles under one: its result would have no screen to tell it).
func (w *Writes) Any() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range w.busy {
		if b {
			return true
		}
	}
	return false
}

// Hold adds a holder to a claim that is still held (a request starting
// under its dialog). It reports false, and adds nothing, once the claim
// has been let go. A nil claim holds nothing.
func (c *WriteClaim) Hold() bool {
	if c == nil {
		return false
	}
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	if c.refs == 0 {
		return false
	}
	c.refs++
	return true
}

// Release lets go of one hold; the last one frees the sources. Extra
// calls and a nil claim do nothing.
func (c *WriteClaim) Release() {
	if c == nil {
		return
	}
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	if c.refs == 0 {
		return
	}
	if c.refs--; c.refs == 0 {
		for _, id := range c.ids {
			delete(c.w.busy, id)
		}
	}
}

// writesInit guards the lazy creation of a Session's Writes.
var writesInit sync.Mutex

// Writes is the session's set of sources with a write in progress: one
// set for every view, so that the list and the detail see the same flows.
func (sess *Session) Writes() *Writes {
	writesInit.Lock()
	defer writesInit.Unlock()
	if sess.writes == nil {
		sess.writes = &Writes{}
	}
	return sess.writes
}
