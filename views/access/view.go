package access

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/filtered"
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
	if len(m.t.Rows) == 0 && !m.t.LineShown() {
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
	if m.t.LineShown() {
		lines = append(lines, m.t.Line(st, m.w, m.sess.Keys.Back))
	}
	idx, widths := layout(m.w, m.nat)
	lines = append(lines, filtered.Header(st.Table.Header, gutter, sep, idx, widths, func(c int) string { return columns[c].title }))

	if m.t.Len() == 0 {
		lines = append(lines, st.Muted.Render("  No loaded user matches “"+safe.Line(m.t.Query())+"”."))
	}
	from, to := m.t.Cur.Window(m.t.Len(), m.tableRows())
	for i := from; i < to; i++ {
		lines = append(lines, m.renderRow(i, idx, widths))
	}
	return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
}

func (m *Model) statusLine() string {
	st := m.sess.Styles
	var s string
	if m.count >= 0 {
		s = fmt.Sprintf("%d of %d loaded", len(m.t.Rows), m.count)
	} else {
		s = fmt.Sprintf("%d loaded", len(m.t.Rows))
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
	k := &m.sess.Keys
	head := []string{st.Bold.Render("Show which members (asked of the server)"),
		st.Muted.Render("none ticked = all · " + k.Mark.Help().Key + " toggles · " + menuStep(k).Help().Key + " sort · " +
			k.Accept.Help().Key + " applies · " + k.Back.Help().Key + " cancels")}
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

func (m *Model) renderRow(i int, idx, widths []int) string {
	st := m.sess.Styles
	r, matched := m.t.At(i)
	base, match, cur := m.t.RowStyles(st, i)
	var b strings.Builder
	if cur {
		b.WriteString(st.Accent.Render("›") + " ")
	} else {
		b.WriteString(strings.Repeat(" ", gutter))
	}
	hits := filtered.Parts(matched, len(r.name), len(r.search))
	b.WriteString(filtered.Cells(idx, widths, sep, base, match, hits, func(ci, w int) (string, int) {
		return columns[ci].cell(r, w), columns[ci].field
	}, nil))
	return b.String()
}
