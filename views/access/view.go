package access

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// View draws the status line, the filter, the column header and only the
// rows that fit: never more than the body size.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.sess.Styles
	name := format.Inline(m.name)
	if name == "" {
		name = "this data source"
	}
	if m.menu != nil {
		return m.menuView()
	}
	if len(m.rows) == 0 && !m.filterShown() {
		var msg string
		switch {
		case m.loading() || !m.started:
			msg = st.Muted.Render("Loading the users with access to " + name + "…")
		case m.err != nil:
			msg = st.Error.Render("Could not load the users with access to "+name+": "+format.Inline(apiclient.Explain(m.err))) +
				"\n" + st.Muted.Render("Press "+m.sess.Keys.Refresh.Help().Key+" to try again.")
		case m.q.active():
			msg = st.Muted.Render("No member of " + name + " matches " + m.q.describe() + ". Press " +
				m.sess.Keys.MemberFilters.Help().Key + " to change the filters.")
		default:
			msg = st.Muted.Render("Nobody has access to " + name + ".")
		}
		return format.Clip(ansi.Wrap(msg, m.w, ""), m.w, m.h)
	}

	lines := make([]string, 0, m.h)
	lines = append(lines, m.statusLine())
	if m.q.active() {
		lines = append(lines, m.queryLine())
	}
	if m.filterShown() {
		lines = append(lines, m.filterLine())
	}
	idx, widths := layout(m.w, m.nat)
	var hb strings.Builder
	hb.WriteString(strings.Repeat(" ", gutter))
	for j, ci := range idx {
		if j > 0 {
			hb.WriteString(strings.Repeat(" ", sep))
		}
		hb.WriteString(cell(columns[ci].title, widths[j], nil, st.Table.Header, st.Table.Header))
	}
	lines = append(lines, hb.String())

	if m.len() == 0 {
		lines = append(lines, st.Muted.Render("  No loaded user matches “"+safe.Line(m.query)+"”."))
	}
	// The window is clamped in Update; recompute bounds defensively here
	// without changing the model.
	rows := m.tableRows()
	start := max(min(m.offset, m.len()-1), 0)
	for i := start; i < m.len() && i < start+rows; i++ {
		lines = append(lines, m.renderRow(i, idx, widths))
	}
	return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
}

func (m *Model) statusLine() string {
	st := m.sess.Styles
	var s string
	if m.count >= 0 {
		s = fmt.Sprintf("%d of %d loaded", len(m.rows), m.count)
	} else {
		s = fmt.Sprintf("%d loaded", len(m.rows))
	}
	s = st.Bold.Render(s)
	switch {
	case m.reloading:
		s += st.Muted.Render(" · reloading…")
	case m.loading():
		s += st.Muted.Render(" · loading the rest in the background…")
	}
	if m.prog.Changed {
		s += st.Muted.Render(" · the list changed while loading")
	}
	if m.err != nil {
		what, retry := "stopped", " to retry"
		if n := m.prog.Missing; n > 0 && !m.prog.Halted {
			what = fmt.Sprintf("%d missing", n) // a failed page is a gap; the rest loaded
		}
		if len(m.gaps) > 0 && !m.loading() {
			retry = " fetches only those"
		}
		s += st.Error.Render(" · " + what + ": " + format.Inline(apiclient.Explain(m.err)) + " (" + m.sess.Keys.Refresh.Help().Key + retry + ")")
	}
	return s
}

// queryLine says which server filters and sort the list was asked with.
func (m *Model) queryLine() string {
	st := m.sess.Styles
	return ansi.Truncate(st.Filter.Prompt.Render("server: ")+st.Filter.Text.Render(m.q.describe())+
		st.Filter.Info.Render("  ("+m.sess.Keys.MemberFilters.Help().Key+" changes)"), m.w, "…")
}

// menuView draws the filter menu in place of the table: a title, then the
// items in a window around the cursor.
func (m *Model) menuView() string {
	st := m.sess.Styles
	head := []string{st.Bold.Render("Show which members (asked of the server)"),
		st.Muted.Render("none ticked = all · " + m.sess.Keys.Mark.Help().Key + " toggles · ←/→ sort · enter applies · esc cancels")}
	items := m.menu.lines()
	room := max(m.h-len(head), 1)
	lo := max(min(m.menu.cursor-room/2, len(items)-room), 0)
	lines := append([]string{}, head...)
	for i := lo; i < len(items) && i < lo+room; i++ {
		if i == m.menu.cursor {
			lines = append(lines, st.Accent.Render("› ")+st.Table.Selected.Render(items[i]))
		} else {
			lines = append(lines, "  "+items[i])
		}
	}
	return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
}

func (m *Model) filterLine() string {
	st := m.sess.Styles
	n, of := m.len(), len(m.rows)
	if m.filter.On() {
		of = m.filter.Of()
	}
	info := fmt.Sprintf("%d of %d match", n, of)
	if m.filterPending() {
		info += " · filtering…"
	}
	if m.typing {
		in := m.input // a copy: View does not change the model
		in.Width = max(m.w-lenPrompt-ansi.StringWidth(info)-3, 1)
		return in.View() + st.Filter.Info.Render("  "+info)
	}
	return st.Filter.Prompt.Render("/ ") + st.Filter.Text.Render(safe.Line(m.query)) +
		st.Filter.Info.Render("  "+info+" · "+m.sess.Keys.Back.Help().Key+" clears")
}

func (m *Model) renderRow(i int, idx, widths []int) string {
	st := m.sess.Styles
	r, matched := m.at(i)
	base, match := st.Table.Cell, st.Table.Match
	var b strings.Builder
	if i == m.cursor {
		base, match = st.Table.Selected, st.Table.Match.Reverse(true)
		b.WriteString(st.Accent.Render("›") + " ")
	} else {
		b.WriteString(strings.Repeat(" ", gutter))
	}
	var nameHits, emailHits []int
	for _, x := range matched {
		switch {
		case x < len(r.name):
			nameHits = append(nameHits, x)
		case x > len(r.name):
			emailHits = append(emailHits, x-len(r.name)-1)
		}
	}
	for j, ci := range idx {
		if j > 0 {
			b.WriteString(base.Render(strings.Repeat(" ", sep)))
		}
		c := columns[ci]
		var hits []int
		switch c.field {
		case nameField:
			hits = nameHits
		case emailField:
			hits = emailHits
		}
		b.WriteString(cell(c.cell(r, widths[j]), widths[j], hits, base, match))
	}
	return b.String()
}
