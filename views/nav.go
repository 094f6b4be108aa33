// Package views is the contract between the screens of the TUI (its
// sub-packages) and the root model (package ui/tui): the view protocol
// (nav.go), the session every view shares (session.go) and the claims of
// the write flows (writes.go). Views never import ui/...: they ask the root
// for things (navigate, open a modal, show a status) by returning messages.
package views

import (
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
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

// Closing is how a modal closes, the one way: Closed reports that it is
// done. The root asks after every update the modal receives (a key, a
// reply, a broadcast) and after its Init, and closes it at once, so a key
// typed next goes to the view below instead of to a dialog on its way out.
type Closing interface{ Closed() bool }

// Backer is implemented by views that use esc themselves before the root
// pops them (clearing a filter first). Back reports whether it used esc,
// and returns the command that follows (a recompute, a reload), which the
// root runs as it runs the view's Update commands.
type Backer interface{ Back() (tea.Cmd, bool) }

// Navigation and chrome messages, handled by the root.
type (
	// PushMsg opens V on top of the stack.
	PushMsg struct{ V View }
	// PopMsg goes back one view.
	PopMsg struct{}
	// OpenModalMsg shows M over the current view; it takes all keys.
	OpenModalMsg struct{ M View }
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

// Slot is one kind of request a view starts again and again (a load, a
// refresh, the next page of a loader) of which only the newest one's reply
// counts. Commands started through Latest or TrackLatest on a slot carry
// its sequence number, taken when they are made (on the UI goroutine, so
// the order is the order the view asked in); whoever delivers the reply
// (the root, viewtest) drops it once a newer command of the same slot has
// been made, so views never compare generations themselves. A view keeps
// one Slot per kind of request that runs alongside the others (the detail:
// the source, each lineage direction, the tags). The zero value is ready;
// a Slot must not be copied.
type Slot struct{ seq atomic.Uint64 }

// Drop makes the reply of every command made so far on s stale: for a
// view that stops loading (esc clears a search) without starting another.
func (s *Slot) Drop() { s.seq.Add(1) }

// Latest returns cmd as the newest command of slot s: the replies of the
// commands made on s before it are dropped from now on, and so is cmd's
// once another is made. Everything cmd answers is marked: the commands
// of a batch it returns and the run of a request it starts. A nil cmd
// still supersedes the older ones (and returns nil).
func Latest(s *Slot, cmd tea.Cmd) tea.Cmd {
	n := s.seq.Add(1)
	return s.mark(n, cmd)
}

// TrackLatest is Track(label, Latest(s, cmd)): the request runs under the
// spinner, which counts it down when it answers even if its reply is
// stale and dropped.
func TrackLatest(s *Slot, label string, cmd tea.Cmd) tea.Cmd {
	return Track(label, Latest(s, cmd))
}

func (s *Slot) mark(n uint64, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case nil:
			return nil
		case tea.BatchMsg:
			out := make(tea.BatchMsg, len(msg))
			for i, c := range msg {
				out[i] = s.mark(n, c)
			}
			return out
		case RequestStartMsg:
			msg.Run = s.mark(n, msg.Run)
			return msg
		default:
			return LatestMsg{slot: s, seq: n, Msg: msg}
		}
	}
}

// LatestMsg is the reply of a command made by Latest: the root and
// viewtest unwrap it with Current and deliver Msg only while it is the
// newest; views never see it.
type LatestMsg struct {
	slot *Slot
	seq  uint64
	Msg  tea.Msg
}

// Current returns the reply, and false when a newer command has been made
// on its slot since (the reply is stale: drop it). Call it on the UI
// goroutine, when the reply is about to be delivered.
func (m LatestMsg) Current() (tea.Msg, bool) {
	if m.slot == nil || m.slot.seq.Load() != m.seq {
		return nil, false
	}
	return m.Msg, true
}

// Helpers that return the navigation messages as commands.
func Push(v View) tea.Cmd      { return func() tea.Msg { return PushMsg{V: v} } }
func Pop() tea.Msg             { return PopMsg{} }
func OpenModal(m View) tea.Cmd { return func() tea.Msg { return OpenModalMsg{M: m} } }
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
