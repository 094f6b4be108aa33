// Package visibility shows the caller's visibility report for a data source
// and renders visibility reports for other views (the access user view).
package visibility

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/pager"
)

const loadLabel = "loading my visibility report"

// gens makes generation ids unique across every instance, so that a result
// can never be taken for another view's.
var gens atomic.Uint64

type reportMsg struct {
	gen    uint64
	report *apiclient.VisibilityReport
	err    error
}

// Model is the caller's own visibility report for one data source.
type Model struct {
	sess   *views.Session
	id     int64
	name   string
	base   context.Context
	cancel context.CancelFunc

	gen     uint64
	loading bool
	err     error
	report  *apiclient.VisibilityReport
	raw     bool

	pager pager.Model
}

var _ views.View = (*Model)(nil)
var _ views.Closer = (*Model)(nil)

// New makes the view for source id (name is shown while it loads).
func New(sess *views.Session, id int64, name string) *Model {
	base, cancel := context.WithCancel(context.Background())
	return &Model{sess: sess, id: id, name: name, base: base, cancel: cancel, pager: pager.New(&sess.Keys)}
}

// Init starts loading the report.
func (m *Model) Init() tea.Cmd { return m.load() }

// Close cancels the view's requests.
func (m *Model) Close() { m.cancel() }

// Title is the breadcrumb.
func (m *Model) Title() string { return "My visibility" }

// CapturesInput is false: the view has no text field.
func (m *Model) CapturesInput() bool { return false }

func (m *Model) load() tea.Cmd {
	m.gen = gens.Add(1)
	m.loading = true
	m.err = nil
	m.rebuild()
	gen, id, sess, api, base := m.gen, m.id, m.sess, m.sess.API, m.base
	return views.Track(loadLabel, func() tea.Msg {
		ctx, cancel := sess.WithTimeout(base)
		defer cancel()
		r, err := api.MyVisibilityReport(ctx, id)
		return reportMsg{gen: gen, report: r, err: err}
	})
}

// Update handles the report and the keys.
func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case reportMsg:
		if msg.gen != m.gen {
			return m, nil // stale: a newer load is running
		}
		m.loading = false
		if msg.err != nil {
			if m.base.Err() != nil {
				return m, nil // closed
			}
			m.err = msg.err
			m.rebuild()
			return m, views.Error(loadLabel, msg.err)
		}
		if msg.report == nil {
			msg.report = &apiclient.VisibilityReport{}
		}
		m.report = msg.report
		m.rebuild()
	case tea.KeyMsg:
		if m.pager.Update(msg) {
			return m, nil
		}
		k := m.sess.Keys
		switch {
		case key.Matches(msg, k.Raw) && m.report != nil:
			m.raw = !m.raw
			m.rebuild()
			m.pager.GotoTop()
		case key.Matches(msg, k.Refresh):
			return m, m.load()
		}
	case tea.MouseMsg:
		m.pager.Update(msg)
	}
	return m, nil
}

// SetSize sets the body size; the content is rewrapped when the width changes.
func (m *Model) SetSize(w, h int) {
	if m.pager.SetSize(w, h) {
		m.rebuild()
	}
}

// rebuild renders the content for the current data and width. It runs only
// when one of them changes, never from View.
func (m *Model) rebuild() {
	w := m.pager.Width()
	if w <= 0 {
		m.pager.SetContent("")
		return
	}
	st := m.sess.Styles
	d := format.NewDoc(w)
	name := format.Inline(m.name)
	if name == "" {
		name = "this data source"
	}
	// The verdict leads, whatever else the page shows (the raw JSON is
	// what the server sent, nothing more).
	if !m.raw || m.report == nil {
		if m.report != nil {
			WriteVerdict(d, st, Judge([]apiclient.VisibilityReport{*m.report}, ""), "", name)
		} else {
			WriteVerdictPending(d, st, "", name, m.err)
		}
		d.Blank()
	}
	if m.err != nil {
		d.Add(0, st.Error.Render("Could not load your visibility report for "+name+": "+format.Inline(apiclient.Explain(m.err))))
		d.Add(0, st.Muted.Render("Press "+m.sess.Keys.Refresh.Help().Key+" to try again."))
		d.Blank()
	}
	switch {
	case m.report == nil && m.loading:
		d.Add(0, st.Muted.Render("Loading your visibility report for "+name+"…"))
	case m.report == nil:
	case m.raw:
		d.Add(0, st.Muted.Render("Raw JSON of the report · "+m.sess.Keys.Raw.Help().Key+" for the readable view"))
		d.Blank()
		d.Hard(0, format.PrettyJSON(reportJSON(*m.report)))
	default:
		if m.loading {
			d.Add(0, st.Muted.Render("Reloading…"))
		}
		d.Append(strings.Split(Render(st, *m.report, w, m.sess.Clock()), "\n")...)
	}
	m.pager.SetContent(d.String())
}

func reportJSON(r apiclient.VisibilityReport) json.RawMessage {
	b, err := json.Marshal(r)
	if err != nil {
		return r.Raw
	}
	return b
}

// View draws the visible part of the report, never more than the body size.
func (m *Model) View() string { return m.pager.View() }

// actions are the keys other than scrolling that do something now.
func (m *Model) actions() []key.Binding {
	var act []key.Binding
	if m.report != nil {
		act = append(act, pager.RawToggle(m.sess.Keys.Raw, m.raw))
	}
	return append(act, m.sess.Keys.Refresh)
}

// ShortHelp lists the keys that do something now.
func (m *Model) ShortHelp() []key.Binding { return m.pager.ShortHelp(m.actions()...) }

// FullHelp groups the keys for the ? help.
func (m *Model) FullHelp() [][]key.Binding { return m.pager.FullHelp(m.actions()...) }
