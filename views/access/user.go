package access

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/pager"
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
	sess   *views.Session
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

	pager pager.Model
}

var (
	_ views.View   = (*UserModel)(nil)
	_ views.Closer = (*UserModel)(nil)
)

// NewUser makes the view of user on source id (named name).
func NewUser(sess *views.Session, id int64, name string, user apiclient.AccessUser) *UserModel {
	base, cancel := context.WithCancel(context.Background())
	return &UserModel{sess: sess, id: id, name: name, user: user, base: base, cancel: cancel, pager: pager.New(&sess.Keys)}
}

// Init fetches the policy info and the visibility report at once.
func (m *UserModel) Init() tea.Cmd { return m.load() }

// Close cancels the view's requests.
func (m *UserModel) Close() { m.cancel() }

// Title is the user's name.
func (m *UserModel) Title() string {
	if n := format.Inline(m.user.Name); n != "" {
		return n
	}
	if n := format.Inline(m.user.Email); n != "" {
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
	sess, api, base, id, profile, gen := m.sess, m.sess.API, m.base, m.id, m.user.Profile, m.gen
	info := views.Track(policyLabel, func() tea.Msg {
		ctx, cancel := sess.WithTimeout(base)
		defer cancel()
		p, err := api.UserPolicyInfo(ctx, id, profile)
		return policyMsg{gen: gen, info: p, err: err}
	})
	report := views.Track(reportLabel, func() tea.Msg {
		ctx, cancel := sess.WithTimeout(base)
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
		if m.pager.Update(msg) {
			return m, nil
		}
		k := m.sess.Keys
		switch {
		case key.Matches(msg, k.Raw) && m.hasData():
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

func (m *UserModel) hasData() bool { return m.info != nil || m.haveReports }

// SetSize sets the body size; the content is rewrapped when the width changes.
func (m *UserModel) SetSize(w, h int) {
	if m.pager.SetSize(w, h) {
		m.rebuild()
	}
}

// View draws the visible part of the content.
func (m *UserModel) View() string { return m.pager.View() }

// rebuild renders the content for the current data and width; it runs
// when one of them changes, never from View.
func (m *UserModel) rebuild() {
	w := m.pager.Width()
	if w <= 0 {
		m.pager.SetContent("")
		return
	}
	d := format.NewDoc(w)
	if m.raw {
		m.rawJSON(d)
	} else {
		m.readable(d)
	}
	m.pager.SetContent(d.String())
}

// readable lays out the verdict first (can this user see the source, and
// why not), then who the user is, what is masked and filtered for them,
// the SQL statement, their policy info and the rest of their report.
func (m *UserModel) readable(d *format.Doc) {
	st := m.sess.Styles
	u := m.user
	who := m.Title()
	switch {
	case m.reportErr != nil:
		visibility.WriteVerdictPending(d, st, who, m.name, m.reportErr)
	case !m.haveReports:
		visibility.WriteVerdictPending(d, st, who, m.name, nil)
	case len(m.reports) == 0:
		d.Hang(0, 2, st.BadgeWarn.Render("? VERDICT UNKNOWN")+" "+st.Muted.Render("the server sent no visibility report for "+who))
	default:
		v := visibility.Judge(m.reports, who)
		// Some reports carry none of the why fields (the seed's): a
		// member whose request still waits cannot see, whatever they say.
		if state := strings.ToLower(strings.TrimSpace(u.State)); v.CanSee && (state == "pending" || state == "denied") {
			v = v.Deny(fmt.Sprintf("%s's access is %s in the access list, not approved", who, format.Inline(state)))
		}
		visibility.WriteVerdict(d, st, v, who, m.name)
	}

	d.Blank()
	d.Add(0, st.Title.Render(who))
	field := func(label, value string) {
		d.Add(2, st.Label.Render(fmt.Sprintf("%-9s", label))+" "+st.Value.Render(value))
	}
	if e := format.Inline(u.Email); e != "" {
		field("Email", e)
	}
	field("State", orDash(format.Inline(u.State)))
	field("Approved", yesNo(u.Approved))
	if t := format.Inline(u.Type); t != "" {
		field("Type", t)
	}
	field("Profile", fmt.Sprintf("%d", u.Profile))
	if t, ok := format.ParseTime(u.CreatedAt); ok {
		field("Since", format.Date(t)+" ("+format.Ago(t, m.sess.Clock())+")")
	}

	// Masked columns: the policy info's (it names the action); the
	// report's when the policy info is not there.
	d.Blank()
	switch {
	case m.info != nil && (len(m.info.Masked) > 0 || len(m.reports) == 0 || len(m.reports[0].Masked) == 0):
		visibility.MaskedColumns(d, st, m.info.Masked, "no columns are masked for this user")
	case m.haveReports && len(m.reports) > 0:
		visibility.MaskedColumns(d, st, m.reports[0].Masked, "no columns are masked for this user")
		if m.infoErr != nil {
			d.Add(2, st.Error.Render("could not load the policy info: "+format.Inline(apiclient.Explain(m.infoErr))))
		}
	case m.infoErr != nil:
		d.Add(0, st.Section.Render("Masked columns"))
		d.Add(2, st.Error.Render("could not load the policy info: "+format.Inline(apiclient.Explain(m.infoErr))))
	default:
		d.Add(0, st.Section.Render("Masked columns"))
		d.Add(2, st.Muted.Render("loading…"))
	}

	// Row filter and SQL statement, from the report.
	d.Blank()
	switch {
	case m.haveReports:
		visibility.RowFilter(d, st, m.reports)
		visibility.SQLStatement(d, st, m.reports)
	case m.reportErr != nil:
		d.Add(0, st.Section.Render("Row filter"))
		d.Add(2, st.Muted.Render("unknown: the visibility report did not load"))
	default:
		d.Add(0, st.Section.Render("Row filter"))
		d.Add(2, st.Muted.Render("loading…"))
	}

	// The rest of the policy info.
	if in := m.info; in != nil {
		d.Blank()
		d.Add(0, st.Section.Render("Visibilities"))
		if in.VisibilityRuleApplies {
			d.Add(2, st.Warning.Render("a visibility rule applies to "+who+": some rows may be hidden"))
		} else {
			d.Add(2, "no visibility rule applies to "+who)
		}
		if vs := listLines(in.Visibilities); len(vs) == 0 {
			d.Add(2, st.Label.Render("visibility values: ")+st.Muted.Render("none"))
		} else {
			d.Add(2, st.Label.Render("visibility values:"))
			for _, v := range vs {
				d.Add(4, "• "+v)
			}
		}
		d.Blank()
		visibility.AdditionalFilters(d, st, in.AdditionalFilters)
	}

	// The rest of the visibility report.
	d.Blank()
	d.Add(0, st.Section.Render("Visibility report"))
	switch {
	case m.reportErr != nil:
		d.Add(2, st.Error.Render("could not load the visibility report: "+format.Inline(apiclient.Explain(m.reportErr))))
	case !m.haveReports:
		d.Add(2, st.Muted.Render("loading…"))
	case len(m.reports) == 0:
		d.Add(2, st.Muted.Render("the server sent no report for this user"))
	default:
		for i, r := range m.reports {
			if len(m.reports) > 1 {
				if i > 0 {
					d.Blank()
				}
				d.Add(0, st.Muted.Render(fmt.Sprintf("report %d of %d", i+1, len(m.reports))))
			}
			d.Append(strings.Split(visibility.RenderRest(st, r, d.Width(), m.sess.Clock(), who), "\n")...)
		}
	}
	if m.infoErr != nil || m.reportErr != nil {
		d.Blank()
		d.Add(0, st.Muted.Render("Press "+m.sess.Keys.Refresh.Help().Key+" to try again."))
	}
}

// rawJSON lays out what the server sent.
func (m *UserModel) rawJSON(d *format.Doc) {
	st := m.sess.Styles
	d.Add(0, st.Muted.Render("Raw JSON · "+m.sess.Keys.Raw.Help().Key+" for the readable view"))
	d.Blank()
	d.Add(0, st.Section.Render("policyInfo"))
	if m.info != nil {
		b, _ := json.Marshal(*m.info)
		d.Hard(0, format.PrettyJSON(b))
	} else {
		d.Add(0, st.Muted.Render("not loaded"))
	}
	d.Blank()
	d.Add(0, st.Section.Render("visibilityReport"))
	if m.haveReports {
		b, _ := json.Marshal(m.reports)
		d.Hard(0, format.PrettyJSON(b))
	} else {
		d.Add(0, st.Muted.Render("not loaded"))
	}
}

// listLines reads a JSON array (visibilities) as one line per element.
func listLines(raw json.RawMessage) []string {
	if format.IsNull(raw) {
		return nil
	}
	raw = bytes.TrimSpace(raw)
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		if s := string(raw); s != "{}" && s != `""` {
			return []string{format.Inline(s)}
		}
		return nil
	}
	outs := make([]string, 0, len(items))
	for _, it := range items {
		outs = append(outs, format.JSONText(it))
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

// actions are the keys other than scrolling that do something now.
func (m *UserModel) actions() []key.Binding {
	var act []key.Binding
	if m.hasData() {
		act = append(act, pager.RawToggle(m.sess.Keys.Raw, m.raw))
	}
	return append(act, m.sess.Keys.Refresh)
}

// ShortHelp lists the keys that do something now.
func (m *UserModel) ShortHelp() []key.Binding { return m.pager.ShortHelp(m.actions()...) }

// FullHelp groups the keys for the ? help.
func (m *UserModel) FullHelp() [][]key.Binding { return m.pager.FullHelp(m.actions()...) }
