// Package reportpage is the one read-only report page: it loads what it
// shows from the server (one or more requests at once), keeps each
// request's answer or error, lays the page out again when an answer or the
// width changes (never from View), switches between the readable layout and
// the raw JSON, loads again on refresh, and scrolls in a views/pager.
//
// A page is parameterised by its Content: what it loads (its Requests) and
// how it lays them out. The access user page (views/access) and my
// visibility page (views/visibility) are two of them.
package reportpage

import (
	"context"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/pager"
)

// Content is what a page shows: its breadcrumb and its layout. The content
// holds its Requests (given to New) and reads their answers as it lays out.
type Content interface {
	// Title is the page's breadcrumb.
	Title() string
	// Layout lays out the page at d's width: the readable view, or, with
	// raw, what the server sent. It runs when an answer or the width
	// changes, on the UI goroutine.
	Layout(d *format.Doc, raw bool)
}

// Page is a report page showing C. Make it with New.
type Page[C Content] struct {
	sess   *views.Session
	c      C
	reqs   []Loader
	base   context.Context
	cancel context.CancelFunc
	// loads makes the replies of an earlier load stale once another
	// starts: the root (and viewtest) drop them, the page never sees them.
	loads views.Slot
	raw   bool
	pager pager.Model
}

var (
	_ views.View   = (*Page[Content])(nil)
	_ views.Closer = (*Page[Content])(nil)
)

// New makes the page for c, which loads reqs (all of them, at once, on
// Init and on every refresh).
func New[C Content](sess *views.Session, c C, reqs ...Loader) *Page[C] {
	base, cancel := context.WithCancel(context.Background())
	return &Page[C]{sess: sess, c: c, reqs: reqs, base: base, cancel: cancel, pager: pager.New(&sess.Keys)}
}

// Content is what the page shows.
func (p *Page[C]) Content() C { return p.c }

// Init starts every request.
func (p *Page[C]) Init() tea.Cmd { return p.load() }

// Close cancels the page's requests.
func (p *Page[C]) Close() { p.cancel() }

// Title is the content's.
func (p *Page[C]) Title() string { return p.c.Title() }

// CapturesInput is false: the page has no text field.
func (p *Page[C]) CapturesInput() bool { return false }

// load starts every request again, as one command of the page's slot: the
// answers of an earlier load, should they come later, are dropped.
func (p *Page[C]) load() tea.Cmd {
	for _, r := range p.reqs {
		r.begin()
	}
	p.rebuild()
	cmds := make([]tea.Cmd, 0, len(p.reqs))
	for _, r := range p.reqs {
		cmds = append(cmds, r.start(p.sess, p.base))
	}
	return views.Latest(&p.loads, tea.Batch(cmds...))
}

// Update takes the answers and the keys.
func (p *Page[C]) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case Answer:
		r := msg.req
		if msg.err != nil && p.base.Err() != nil {
			return p, nil // closed: the error is the cancel's
		}
		r.settle(msg.value, msg.err)
		p.rebuild()
		if msg.err != nil {
			return p, views.Error(r.label(), msg.err)
		}
	case tea.KeyMsg:
		if p.pager.Update(msg) {
			return p, nil
		}
		k := p.sess.Keys
		switch {
		case key.Matches(msg, k.Raw) && p.hasData():
			p.raw = !p.raw
			p.rebuild()
			p.pager.GotoTop()
		case key.Matches(msg, k.Refresh):
			return p, p.load()
		}
	case tea.MouseMsg:
		p.pager.Update(msg)
	}
	return p, nil
}

// hasData reports whether some request has answered: there is JSON to show.
func (p *Page[C]) hasData() bool {
	return slices.ContainsFunc(p.reqs, Loader.answered)
}

// SetSize sets the body size; the content is laid out again when the
// width changes.
func (p *Page[C]) SetSize(w, h int) {
	if p.pager.SetSize(w, h) {
		p.rebuild()
	}
}

// View draws the visible part of the page, never more than the body size.
func (p *Page[C]) View() string { return p.pager.View() }

// rebuild lays out the content for the current answers and width.
func (p *Page[C]) rebuild() {
	w := p.pager.Width()
	if w <= 0 {
		p.pager.SetContent("")
		return
	}
	d := format.NewDoc(w)
	p.c.Layout(d, p.raw)
	p.pager.SetContent(d.String())
}

// actions are the keys other than scrolling that do something now.
func (p *Page[C]) actions() []key.Binding {
	var act []key.Binding
	if p.hasData() {
		act = append(act, pager.RawToggle(p.sess.Keys.Raw, p.raw))
	}
	return append(act, p.sess.Keys.Refresh)
}

// ShortHelp lists the keys that do something now.
func (p *Page[C]) ShortHelp() []key.Binding { return p.pager.ShortHelp(p.actions()...) }

// FullHelp groups the keys for the ? help.
func (p *Page[C]) FullHelp() [][]key.Binding { return p.pager.FullHelp(p.actions()...) }

// RetryHint is the line under a failed load: which key loads again.
func RetryHint(sess *views.Session) string {
	return sess.Styles.Muted.Render("Press " + sess.Keys.Refresh.Help().Key + " to try again.")
}

// RawHint heads the raw JSON: what it is (what: "Raw JSON", "Raw JSON of
// the report") and which key goes back.
func RawHint(sess *views.Session, what string) string {
	return sess.Styles.Muted.Render(what + " · " + sess.Keys.Raw.Help().Key + " for the readable view")
}
