package tui

import (
	"testing"
	"testing/synctest"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
)

// probe is a view (or a modal) that records what reaches it; the tests of
// the view protocol drive it through the root.
type probe struct {
	got    []tea.Msg
	slot   views.Slot
	backs  int  // how many esc its Back uses
	closed bool // Closed: it asked to close
	// closeOn closes it when a message of this type reaches it.
	closeOn func(tea.Msg) bool
	init    tea.Cmd
}

type (
	reply    struct{ n int }
	backDone struct{}
)

func (p *probe) Init() tea.Cmd { return p.init }
func (p *probe) Update(msg tea.Msg) (views.View, tea.Cmd) {
	p.got = append(p.got, msg)
	if p.closeOn != nil && p.closeOn(msg) {
		p.closed = true
	}
	return p, nil
}
func (p *probe) View() string              { return "probe" }
func (p *probe) SetSize(w, h int)          {}
func (p *probe) Title() string             { return "Probe" }
func (p *probe) ShortHelp() []key.Binding  { return nil }
func (p *probe) FullHelp() [][]key.Binding { return nil }
func (p *probe) CapturesInput() bool       { return false }
func (p *probe) Closed() bool              { return p.closed }
func (p *probe) Back() (tea.Cmd, bool) {
	if p.backs == 0 {
		return nil, false
	}
	p.backs--
	return views.Emit(backDone{}), true
}

// load asks for n on the probe's slot.
func (p *probe) load(n int) tea.Cmd {
	return views.TrackLatest(&p.slot, "loading", func() tea.Msg { return reply{n} })
}

// got reports whether a message equal to want reached p.
func (p *probe) has(want tea.Msg) bool {
	for _, m := range p.got {
		if m == want {
			return true
		}
	}
	return false
}

// pushProbe opens p over the home view.
func pushProbe(t *testing.T, m *Model, p *probe) int {
	t.Helper()
	run(t, m, routed{to: m.top().id, msg: views.PushMsg{V: p}})
	if m.top().v != views.View(p) {
		t.Fatal("the probe was not pushed")
	}
	return m.top().id
}

// Back's command runs, addressed to the view; once Back no longer uses
// esc, the root goes back.
func TestBackRunsItsCommand(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		p := &probe{backs: 1}
		pushProbe(t, m, p)
		run(t, m, press("esc"))
		if len(m.stack) != 2 || !p.has(backDone{}) {
			t.Fatalf("esc used by Back: stack %d, the view got %#v", len(m.stack), p.got)
		}
		run(t, m, press("esc"))
		if len(m.stack) != 1 {
			t.Fatal("esc not used by Back did not go back")
		}
	})
}

// A reply whose slot has a newer command is dropped by the root, whenever
// it arrives; the spinner still counts its request down.
func TestSupersededReplyDroppedByTheRoot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		p := &probe{}
		id := pushProbe(t, m, p)
		first, second := p.load(1), p.load(2) // a refresh while the first load runs
		runCmd(t, m, tag(id, second), "the second load")
		runCmd(t, m, tag(id, first), "the first load, answering late")
		if !p.has(reply{2}) || p.has(reply{1}) {
			t.Fatalf("the view got %#v, want only the second load's reply", p.got)
		}
		if m.busy != 0 {
			t.Fatalf("the spinner counts %d requests, want 0", m.busy)
		}
		// Another view's slot is its own: the home view's replies are kept.
		home := &probe{}
		m.stack[0].v = home
		runCmd(t, m, tag(m.stack[0].id, home.load(3)), "the home view's load")
		p.load(4)
		if !home.has(reply{3}) {
			t.Fatalf("another view's reply was dropped: %#v", home.got)
		}
	})
}

// A modal that says Closed after any update closes at once, not only
// after a key: a reply, a broadcast, or its own Init.
func TestModalClosesAfterAnyUpdate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newRoot(t, fakeWithDetail(), 100, 30, nil)
		open := func(md *probe) {
			t.Helper()
			run(t, m, routed{to: m.top().id, msg: views.OpenModalMsg{M: md}})
		}
		md := &probe{closeOn: func(msg tea.Msg) bool { return msg == reply{1} }}
		open(md)
		if m.modal == nil {
			t.Fatal("the modal did not open")
		}
		run(t, m, routed{to: m.modal.id, msg: reply{1}})
		if m.modal != nil {
			t.Fatal("a modal Closed after a reply stayed open")
		}

		md = &probe{closeOn: func(msg tea.Msg) bool { _, ok := msg.(views.SourceChangedMsg); return ok }}
		open(md)
		run(t, m, routed{to: m.top().id, msg: views.SourceChangedMsg{Source: apiclient.DataSource{ID: 1}}})
		if m.modal != nil {
			t.Fatal("a modal Closed after a broadcast stayed open")
		}

		md = &probe{closed: true, init: views.Status("copied early", views.Success)}
		open(md)
		if m.modal != nil {
			t.Fatal("a modal Closed before it opened was shown")
		}
		if m.status != "copied early" {
			t.Fatalf("its Init's command did not run: status %q", m.status)
		}
	})
}
