// Package visibility shows the caller's visibility report for a data source
// and renders visibility reports for other views (the access user view).
package visibility

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
	"github.com/dsbrowse/dsbrowse/views"
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
	ctx    *views.Context
	id     int64
	name   string
	base   context.Context
	cancel context.CancelFunc

	gen     uint64
	loading bool
	err     error
	report  *apiclient.VisibilityReport
	raw     bool

	w, h int
	vp   viewport.Model
}

var _ views.View = (*Model)(nil)
var _ views.Closer = (*Model)(nil)

// New makes the view for source id (name is shown while it loads).
func New(ctx *views.Context, id int64, name string) *Model {
	base, cancel := context.WithCancel(context.Background())
	m := &Model{ctx: ctx, id: id, name: name, base: base, cancel: cancel, vp: viewport.New(0, 0)}
	m.vp.MouseWheelEnabled = false
	return m
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
	gen, id, api, base, timeout := m.gen, m.id, m.ctx.API, m.base, timeoutOf(m.ctx)
	return views.Track(loadLabel, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, timeout)
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
		k := m.ctx.Keys
		switch {
		case key.Matches(msg, k.Up):
			m.vp.ScrollUp(1)
		case key.Matches(msg, k.Down):
			m.vp.ScrollDown(1)
		case key.Matches(msg, k.PageUp):
			m.vp.PageUp()
		case key.Matches(msg, k.PageDown):
			m.vp.PageDown()
		case key.Matches(msg, k.Top):
			m.vp.GotoTop()
		case key.Matches(msg, k.Bottom):
			m.vp.GotoBottom()
		case key.Matches(msg, k.Raw) && m.report != nil:
			m.raw = !m.raw
			m.rebuild()
			m.vp.GotoTop()
		case key.Matches(msg, k.Refresh):
			return m, m.load()
		}
	case tea.MouseMsg:
		Wheel(&m.vp, msg)
	}
	return m, nil
}

// Wheel scrolls a viewport by three lines for a mouse wheel event.
func Wheel(vp *viewport.Model, msg tea.MouseMsg) {
	if msg.Action != tea.MouseActionPress {
		return
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		vp.ScrollUp(3)
	case tea.MouseButtonWheelDown:
		vp.ScrollDown(3)
	}
}

// SetSize sets the body size; the content is rewrapped when the width changes.
func (m *Model) SetSize(w, h int) {
	w, h = max(w, 0), max(h, 0)
	changed := w != m.w
	m.w, m.h = w, h
	m.vp.Width, m.vp.Height = w, h
	if changed {
		m.rebuild()
	} else {
		m.vp.SetYOffset(m.vp.YOffset)
	}
}

// rebuild renders the content for the current data and width. It runs only
// when one of them changes, never from View.
func (m *Model) rebuild() {
	if m.w <= 0 {
		m.vp.SetContent("")
		return
	}
	st := m.ctx.Styles
	d := newDoc(m.w)
	name := safe.Line(m.name)
	if name == "" {
		name = "this data source"
	}
	if m.err != nil {
		d.add(0, st.Error.Render("Could not load your visibility report for "+name+": "+safe.Line(apiclient.Explain(m.err))))
		d.add(0, st.Muted.Render("Press "+m.ctx.Keys.Refresh.Help().Key+" to try again."))
		d.blank()
	}
	switch {
	case m.report == nil && m.loading:
		d.add(0, st.Muted.Render("Loading your visibility report for "+name+"…"))
	case m.report == nil:
	case m.raw:
		d.add(0, st.Muted.Render("Raw JSON of the report · "+m.ctx.Keys.Raw.Help().Key+" for the readable view"))
		d.blank()
		d.hard(0, PrettyJSON(reportJSON(*m.report)))
	default:
		if m.loading {
			d.add(0, st.Muted.Render("Reloading…"))
		}
		d.lines = append(d.lines, strings.Split(Render(st, *m.report, m.w, now(m.ctx)), "\n")...)
	}
	m.vp.SetContent(d.String())
}

func reportJSON(r apiclient.VisibilityReport) json.RawMessage {
	b, err := json.Marshal(r)
	if err != nil {
		return r.Raw
	}
	return b
}

// PrettyJSON indents raw JSON and makes it safe to draw; what is not JSON
// comes back sanitized as it is.
func PrettyJSON(raw json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(raw), "", "  "); err != nil {
		return safe.Block(string(raw))
	}
	return safe.Block(buf.String())
}

// View draws the visible part of the report, never more than the body size.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	return Clip(m.vp.View(), m.w, m.h)
}

// Clip cuts s to at most h lines of at most w columns.
func Clip(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) scrollable() bool { return m.vp.TotalLineCount() > m.vp.Height }

func (m *Model) rawBinding() key.Binding {
	k := m.ctx.Keys.Raw
	desc := "raw JSON"
	if m.raw {
		desc = "readable view"
	}
	return key.NewBinding(key.WithKeys(k.Keys()...), key.WithHelp(k.Help().Key, desc))
}

// ShortHelp lists the keys that do something now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	var out []key.Binding
	if m.scrollable() {
		out = append(out, k.Up, k.Down, k.PageDown)
	}
	if m.report != nil {
		out = append(out, m.rawBinding())
	}
	return append(out, k.Refresh)
}

// FullHelp groups the keys for the ? help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	var out [][]key.Binding
	if m.scrollable() {
		out = append(out, []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom})
	}
	act := []key.Binding{}
	if m.report != nil {
		act = append(act, m.rawBinding())
	}
	return append(out, append(act, k.Refresh))
}

func timeoutOf(c *views.Context) time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 10 * time.Second
}

func now(c *views.Context) time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
