package access

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/visibility"
)

const (
	policyLabel = "loading policy info"
	reportLabel = "loading visibility report"
)

type policyMsg struct {
	gen  uint64
	info *apiclient.PolicyInfo
	err  error
}

type userReportMsg struct {
	gen     uint64
	reports []apiclient.VisibilityReport
	err     error
}

// UserModel shows what one user sees of a data source: who they are, their
// policyInfo (masking, visibilities, filters) and their visibility report.
type UserModel struct {
	ctx    *views.Context
	id     int64
	name   string
	user   apiclient.AccessUser
	base   context.Context
	cancel context.CancelFunc

	gen                  uint64
	infoWait, reportWait bool
	info                 *apiclient.PolicyInfo
	reports              []apiclient.VisibilityReport
	haveReports          bool
	infoErr, reportErr   error
	raw                  bool

	w, h int
	vp   viewport.Model
}

var (
	_ views.View   = (*UserModel)(nil)
	_ views.Closer = (*UserModel)(nil)
)

// NewUser makes the view of user on source id (named name).
func NewUser(ctx *views.Context, id int64, name string, user apiclient.AccessUser) *UserModel {
	base, cancel := context.WithCancel(context.Background())
	m := &UserModel{ctx: ctx, id: id, name: name, user: user, base: base, cancel: cancel, vp: viewport.New(0, 0)}
	m.vp.MouseWheelEnabled = false
	return m
}

// Init fetches the policy info and the visibility report at once.
func (m *UserModel) Init() tea.Cmd { return m.load() }

// Close cancels the view's requests.
func (m *UserModel) Close() { m.cancel() }

// Title is the user's name.
func (m *UserModel) Title() string {
	if n := safe.Line(m.user.Name); n != "" {
		return n
	}
	if n := safe.Line(m.user.Email); n != "" {
		return n
	}
	return fmt.Sprintf("profile %d", m.user.Profile)
}

// CapturesInput is false: the view has no text field.
func (m *UserModel) CapturesInput() bool { return false }

func (m *UserModel) load() tea.Cmd {
	m.gen = gens.Add(1)
	m.infoWait, m.reportWait = true, true
	m.infoErr, m.reportErr = nil, nil
	m.rebuild()
	api, base, timeout, id, profile, gen := m.ctx.API, m.base, timeoutOf(m.ctx), m.id, m.user.Profile, m.gen
	info := views.Track(policyLabel, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, timeout)
		defer cancel()
		p, err := api.UserPolicyInfo(ctx, id, profile)
		return policyMsg{gen: gen, info: p, err: err}
	})
	report := views.Track(reportLabel, func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, timeout)
		defer cancel()
		r, err := api.UserVisibilityReport(ctx, id, profile)
		return userReportMsg{gen: gen, reports: r, err: err}
	})
	return tea.Batch(info, report)
}

// Update handles the two answers and the keys.
func (m *UserModel) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case policyMsg:
		if msg.gen != m.gen || !m.infoWait {
			return m, nil
		}
		m.infoWait = false
		if msg.err != nil {
			if m.base.Err() != nil {
				return m, nil
			}
			m.infoErr = msg.err
			m.rebuild()
			return m, views.Error(policyLabel, msg.err)
		}
		if msg.info == nil {
			msg.info = &apiclient.PolicyInfo{}
		}
		m.info = msg.info
		m.rebuild()
	case userReportMsg:
		if msg.gen != m.gen || !m.reportWait {
			return m, nil
		}
		m.reportWait = false
		if msg.err != nil {
			if m.base.Err() != nil {
				return m, nil
			}
			m.reportErr = msg.err
			m.rebuild()
			return m, views.Error(reportLabel, msg.err)
		}
		m.reports, m.haveReports = msg.reports, true
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
		case key.Matches(msg, k.Raw) && m.hasData():
			m.raw = !m.raw
			m.rebuild()
			m.vp.GotoTop()
		case key.Matches(msg, k.Refresh):
			return m, m.load()
		}
	case tea.MouseMsg:
		visibility.Wheel(&m.vp, msg)
	}
	return m, nil
}

func (m *UserModel) hasData() bool { return m.info != nil || m.haveReports }

// SetSize sets the body size; the content is rewrapped when the width changes.
func (m *UserModel) SetSize(w, h int) {
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

// View draws the visible part of the content.
func (m *UserModel) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	return visibility.Clip(m.vp.View(), m.w, m.h)
}

// rebuild renders the content for the current data and width; it runs
// when one of them changes, never from View.
func (m *UserModel) rebuild() {
	if m.w <= 0 {
		m.vp.SetContent("")
		return
	}
	var lines []string
	if m.raw {
		lines = m.rawLines()
	} else {
		lines = m.readable()
	}
	m.vp.SetContent(strings.Join(lines, "\n"))
}

// out collects lines wrapped to the width.
type out struct {
	w     int
	lines []string
}

func (o *out) add(indent int, s string) {
	limit := max(o.w-indent, 1)
	prefix := ""
	if o.w-indent >= 1 {
		prefix = strings.Repeat(" ", indent)
	}
	for _, l := range strings.Split(ansi.Wrap(s, limit, ""), "\n") {
		o.lines = append(o.lines, ansi.Truncate(prefix+l, o.w, ""))
	}
}

func (o *out) blank() { o.lines = append(o.lines, "") }

func (m *UserModel) readable() []string {
	st := m.ctx.Styles
	o := &out{w: m.w}
	u := m.user
	o.add(0, st.Title.Render(m.Title()))
	field := func(label, value string) {
		o.add(2, st.Label.Render(fmt.Sprintf("%-9s", label))+" "+st.Value.Render(value))
	}
	if e := safe.Line(u.Email); e != "" {
		field("Email", e)
	}
	field("State", orDash(safe.Line(u.State)))
	field("Approved", yesNo(u.Approved))
	if t := safe.Line(u.Type); t != "" {
		field("Type", t)
	}
	field("Profile", fmt.Sprintf("%d", u.Profile))
	if t, ok := visibility.ParseTime(u.CreatedAt); ok {
		since := t.UTC().Format("2006-01-02")
		if a := visibility.Ago(nowOf(m.ctx), t); a != "" {
			since += " (" + a + ")"
		}
		field("Since", since)
	}
	who := m.Title()

	// policyInfo
	o.blank()
	switch {
	case m.infoErr != nil:
		o.add(0, st.Section.Render("Masked columns"))
		o.add(2, st.Error.Render("could not load the policy info: "+safe.Line(apiclient.Explain(m.infoErr))))
	case m.info == nil:
		o.add(0, st.Section.Render("Masked columns"))
		o.add(2, st.Muted.Render("loading…"))
	default:
		in := m.info
		o.add(0, st.Section.Render(fmt.Sprintf("Masked columns (%d)", len(in.Masked))))
		if len(in.Masked) == 0 {
			o.add(2, st.Muted.Render("no columns are masked for this user"))
		} else {
			for _, l := range visibility.MaskedTable(st, in.Masked, m.w-2) {
				o.add(2, l)
			}
		}
		o.blank()
		o.add(0, st.Section.Render("Visibilities"))
		if in.VisibilityRuleApplies {
			o.add(2, st.Warning.Render("a visibility rule applies to "+who+": some rows may be hidden"))
		} else {
			o.add(2, "no visibility rule applies to "+who)
		}
		if vs := listLines(in.Visibilities); len(vs) == 0 {
			o.add(2, st.Label.Render("visibility values: ")+st.Muted.Render("none"))
		} else {
			o.add(2, st.Label.Render("visibility values:"))
			for _, v := range vs {
				o.add(4, "• "+v)
			}
		}
		o.blank()
		o.add(0, st.Section.Render("Additional filters"))
		if fl := visibility.FilterLines(in.AdditionalFilters); len(fl) == 0 {
			o.add(2, st.Muted.Render("none"))
		} else {
			for _, l := range fl {
				o.add(2, l)
			}
		}
	}

	// visibility report
	o.blank()
	o.add(0, st.Section.Render("Visibility report"))
	switch {
	case m.reportErr != nil:
		o.add(2, st.Error.Render("could not load the visibility report: "+safe.Line(apiclient.Explain(m.reportErr))))
	case !m.haveReports:
		o.add(2, st.Muted.Render("loading…"))
	case len(m.reports) == 0:
		o.add(2, st.Muted.Render("the server sent no report for this user"))
	default:
		for i, r := range m.reports {
			if len(m.reports) > 1 {
				if i > 0 {
					o.blank()
				}
				o.add(0, st.Muted.Render(fmt.Sprintf("report %d of %d", i+1, len(m.reports))))
			}
			o.lines = append(o.lines, strings.Split(visibility.RenderFor(st, r, m.w, nowOf(m.ctx), who), "\n")...)
		}
	}
	if m.infoErr != nil || m.reportErr != nil {
		o.blank()
		o.add(0, st.Muted.Render("Press "+m.ctx.Keys.Refresh.Help().Key+" to try again."))
	}
	return o.lines
}

func (m *UserModel) rawLines() []string {
	st := m.ctx.Styles
	o := &out{w: m.w}
	o.add(0, st.Muted.Render("Raw JSON · "+m.ctx.Keys.Raw.Help().Key+" for the readable view"))
	hard := func(s string) {
		for _, l := range strings.Split(ansi.Hardwrap(s, max(m.w, 1), true), "\n") {
			o.lines = append(o.lines, ansi.Truncate(l, m.w, ""))
		}
	}
	o.blank()
	o.add(0, st.Section.Render("policyInfo"))
	if m.info != nil {
		b, _ := json.Marshal(*m.info)
		hard(visibility.PrettyJSON(b))
	} else {
		o.add(0, st.Muted.Render("not loaded"))
	}
	o.blank()
	o.add(0, st.Section.Render("visibilityReport"))
	if m.haveReports {
		b, _ := json.Marshal(m.reports)
		hard(visibility.PrettyJSON(b))
	} else {
		o.add(0, st.Muted.Render("not loaded"))
	}
	return o.lines
}

// listLines reads a JSON array (visibilities) as one line per element.
func listLines(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		if s := string(raw); s != "{}" && s != `""` {
			return []string{safe.Line(s)}
		}
		return nil
	}
	outs := make([]string, 0, len(items))
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) == nil {
			outs = append(outs, safe.Line(s))
			continue
		}
		var buf bytes.Buffer
		if json.Compact(&buf, it) == nil {
			outs = append(outs, safe.Line(buf.String()))
		} else {
			outs = append(outs, safe.Line(string(it)))
		}
	}
	return outs
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (m *UserModel) scrollable() bool { return m.vp.TotalLineCount() > m.vp.Height }

func (m *UserModel) rawBinding() key.Binding {
	k := m.ctx.Keys.Raw
	desc := "raw JSON"
	if m.raw {
		desc = "readable view"
	}
	return key.NewBinding(key.WithKeys(k.Keys()...), key.WithHelp(k.Help().Key, desc))
}

// ShortHelp lists the keys that do something now.
func (m *UserModel) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	var outs []key.Binding
	if m.scrollable() {
		outs = append(outs, k.Up, k.Down, k.PageDown)
	}
	if m.hasData() {
		outs = append(outs, m.rawBinding())
	}
	return append(outs, k.Refresh)
}

// FullHelp groups the keys for the ? help.
func (m *UserModel) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	var outs [][]key.Binding
	if m.scrollable() {
		outs = append(outs, []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom})
	}
	var act []key.Binding
	if m.hasData() {
		act = append(act, m.rawBinding())
	}
	return append(outs, append(act, k.Refresh))
}
