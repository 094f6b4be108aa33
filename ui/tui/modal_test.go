package tui

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// slowReads holds GetDataSource until the test lets it through: the
// state check before a delete, caught in flight without guessing at time.
type slowReads struct {
	*viewtest.FakeAPI
	started chan int64
	release chan struct{}
}

func (s *slowReads) GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error) {
	s.started <- id
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.FakeAPI.GetDataSource(ctx, id)
}

// disabler makes the fake answer DELETE as Immuta does: the first
// disables, the second removes for good.
func disabler(api *viewtest.FakeAPI) {
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		for i, d := range api.Sources {
			if d.ID != id {
				continue
			}
			if d.IsDisabled() {
				api.Sources = append(api.Sources[:i], api.Sources[i+1:]...)
				return &apiclient.DeleteResult{Success: true, ID: id, Disabled: true, HardDelete: true}, nil
			}
			api.Sources[i].Deleted = true
			return &apiclient.DeleteResult{Success: true, ID: id, Disabled: true}, nil
		}
		return nil, &apiclient.APIError{StatusCode: 404, Method: "DELETE", Path: "/dataSource/x"}
	}
	api.RestoreFn = func(id int64) (*apiclient.DataSource, error) {
		for i, d := range api.Sources {
			if d.ID == id {
				api.Sources[i].Deleted, api.Sources[i].Disabled = false, false
				d = api.Sources[i]
				return &d, nil
			}
		}
		return nil, &apiclient.APIError{StatusCode: 404, Method: "PUT", Path: "/dataSource/x"}
	}
}

func deletes(api *viewtest.FakeAPI) int {
	n := 0
	for _, c := range api.Calls {
		if strings.HasPrefix(c, "delete ") {
			n++
		}
	}
	return n
}

// loop runs the root as Bubble Tea would: each command on its own
// goroutine, each message through Update on the test's goroutine, so that
// a test can act while a command is in flight. Tests step it until
// something has happened (never for a while). It runs in the root's
// bubble (newRoot), whose driver checks at the end that every command it
// started has returned.
type loop struct {
	t    *testing.T
	m    *Model
	d    *driver
	msgs chan tea.Msg
}

func newLoop(t *testing.T, m *Model) *loop {
	return &loop{t: t, m: m, d: driverOf(t, m), msgs: make(chan tea.Msg, 1024)}
}

func (l *loop) start(cmd tea.Cmd, from string) {
	if cmd != nil {
		l.d.spawn(cmd, from, l.msgs)
	}
}

// send delivers msg to the root and starts what it returns.
func (l *loop) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			l.start(c, "a command of a batch")
		}
	default:
		_, cmd := l.m.Update(msg)
		l.start(cmd, "the command after "+msgName(msg))
	}
}

// waitLimit only turns a hang into a failure; nothing waits for it. It
// is on the bubble's fake clock, which moves only while every goroutine
// waits on it: a hang fails at once, not after 20 s of real time.
const waitLimit = 20 * time.Second

// until runs messages until ok holds.
func (l *loop) until(what string, ok func() bool) {
	l.t.Helper()
	limit := time.After(waitLimit)
	for !ok() {
		select {
		case msg := <-l.msgs:
			l.send(msg)
		case <-limit:
			l.t.Fatalf("gave up waiting for %s:\n%s", what, screen(l.m))
		}
	}
}

// recv runs messages until ch delivers.
func (l *loop) recv(what string, ch <-chan int64) int64 {
	l.t.Helper()
	limit := time.After(waitLimit)
	for {
		select {
		case v := <-ch:
			return v
		case msg := <-l.msgs:
			l.send(msg)
		case <-limit:
			l.t.Fatalf("gave up waiting for %s:\n%s", what, screen(l.m))
		}
	}
}

func (l *loop) onScreen(text string) {
	l.t.Helper()
	l.until(strconv.Quote(text), func() bool { return strings.Contains(screen(l.m), text) })
}

// Found (a) at the root: D, D while the state check is slow. The second D
// is refused with a word, one dialog opens, one DELETE is sent, and the
// source is disabled (still restorable), not gone.
func TestSecondDeleteKeyWhileCheckIsSlow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		disabler(api)
		slow := &slowReads{FakeAPI: api, started: make(chan int64, 8), release: make(chan struct{})}
		m := newRoot(t, slow, 100, 30, nil)
		l := newLoop(t, m)

		l.send(press("D"))
		id := l.recv("the state check", slow.started)
		l.send(press("D"))
		l.onScreen("is already in progress")
		if !strings.Contains(m.statusLine(), "a write on ") {
			t.Errorf("status line %q", m.statusLine())
		}
		if m.modal != nil {
			t.Fatal("a dialog opened before the check answered")
		}
		close(slow.release)
		l.until("the disable dialog", func() bool { return m.modal != nil })
		if !strings.HasPrefix(m.modal.v.Title(), "Disable ") {
			t.Fatalf("dialog %q", m.modal.v.Title())
		}
		if len(slow.started) != 0 {
			t.Fatal("the second D ran a second check")
		}
		l.send(press("y"))
		l.onScreen("disabled (soft delete)")
		if n := deletes(api); n != 1 {
			t.Fatalf("%d DELETE sent, want 1: %q", n, api.Calls)
		}
		if d, _ := api.GetDataSource(context.Background(), id); d == nil || !d.IsDisabled() {
			t.Fatalf("source %d is not disabled (restorable) after the flow: %+v", id, d)
		}
	})
}

// spy is a modal that records being closed.
type spy struct{ closed bool }

func (s *spy) Init() tea.Cmd                        { return nil }
func (s *spy) Update(tea.Msg) (views.View, tea.Cmd) { return s, nil }
func (s *spy) View() string                         { return "spy" }
func (s *spy) SetSize(int, int)                     {}
func (s *spy) Title() string                        { return "Late dialog" }
func (s *spy) ShortHelp() []key.Binding             { return nil }
func (s *spy) FullHelp() [][]key.Binding            { return nil }
func (s *spy) CapturesInput() bool                  { return true }
func (s *spy) Close()                               { s.closed = true }

// lateDialog has the list ask for a new modal, as a slow check does, and
// reports whether the root refused it.
func lateDialog(t *testing.T, l *loop, from int) bool {
	t.Helper()
	s := &spy{}
	before := l.m.modal
	l.send(routed{to: from, msg: views.OpenModalMsg{M: s}})
	if l.m.modal != nil && l.m.modal.v == views.View(s) {
		return false
	}
	if l.m.modal != before {
		t.Fatal("the open dialog was closed by a refused one")
	}
	if !s.closed {
		t.Error("the refused dialog was not closed (its write flow would stay taken)")
	}
	if !strings.Contains(l.m.statusLine(), "Late dialog: not opened while another dialog is open") {
		t.Errorf("no word about the refused dialog: %q", l.m.statusLine())
	}
	return true
}

// The modal slot is never taken from a dialog that is asking, waiting for
// its request, or showing its result; only the dialog itself may hand it
// on (its undo).
func TestModalNeverReplacedByAnotherView(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		disabler(api)
		deleting, hold := make(chan int64, 1), make(chan struct{})
		inner := api.DeleteFn
		api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
			deleting <- id
			<-hold
			return inner(id)
		}
		m := newRoot(t, api, 100, 30, nil)
		l := newLoop(t, m)
		list := m.top().id

		l.send(press("D"))
		l.until("the disable dialog", func() bool { return m.modal != nil })
		if !lateDialog(t, l, list) {
			t.Fatal("a late dialog replaced one that asks")
		}

		l.send(press("y"))
		l.recv("the DELETE", deleting)
		if !lateDialog(t, l, list) {
			t.Fatal("a late dialog replaced one waiting for its request")
		}

		close(hold)
		l.onScreen("disabled (soft delete)")
		if !lateDialog(t, l, list) {
			t.Fatal("a late dialog replaced one showing its result")
		}

		l.send(press("u"))
		l.until("the undo", func() bool { return m.modal != nil && strings.HasPrefix(m.modal.v.Title(), "Restore ") })
		if n := deletes(api); n != 1 {
			t.Fatalf("%d DELETE, want 1", n)
		}

		l.send(press("esc"))
		if m.modal != nil {
			t.Fatal("esc did not close the undo dialog")
		}
		if lateDialog(t, l, list) {
			t.Fatal("with no dialog open, a dialog was refused")
		}
	})
}

// A dialog asked for by a view that has since been closed (esc during a
// slow check) is not opened over another screen; its flow ends.
func TestDialogOfAClosedViewNotOpened(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		l := newLoop(t, m)
		l.send(press("enter"))
		l.until("the detail", func() bool { return len(m.stack) == 2 })
		detail := m.top().id
		l.send(press("esc"))
		if len(m.stack) != 1 {
			t.Fatal("esc did not close the detail")
		}
		s := &spy{}
		l.send(routed{to: detail, msg: views.OpenModalMsg{M: s}})
		if m.modal != nil {
			t.Fatal("a closed view's dialog opened")
		}
		if !s.closed {
			t.Error("the dropped dialog was not closed (its write flow would stay taken)")
		}
		if !strings.Contains(m.statusLine(), "Late dialog: not opened, its view was closed") {
			t.Errorf("status line %q", m.statusLine())
		}
	})
}
