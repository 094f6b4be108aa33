package requests

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/filtered"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// column is one column of the inbox.
type column struct {
	title string
	// drop orders the columns that give way as the width shrinks: the
	// highest goes first. Who (0) always stays.
	drop       int
	min, comfy int
	cell       func(m *Model, r *row, w int) string
	field      int // which part of the search string the cell shows
}

const (
	noField = iota
	whoField
	emailField
	sourceField
)

const (
	gutter = 2 // "›" for the cursor, "●" for a mark: glyphs, so they show without colour
	sep    = 2
)

var columns = []column{
	{title: "Who", drop: 0, min: 8, comfy: 18, field: whoField, cell: func(m *Model, r *row, w int) string {
		// Without the Type column a group would read as a bare name: the
		// marker stays, the name is what gets clipped.
		const mark = " (group)"
		if !m.typeHidden || r.kind != "group" {
			return r.who
		}
		if ansi.StringWidth(r.who)+len(mark) > w && w > len(mark)+3 {
			return ansi.Truncate(r.who, w-len(mark), "…") + mark
		}
		return r.who + mark
	}},
	{title: "Type", drop: 6, min: 4, comfy: 5, cell: func(_ *Model, r *row, _ int) string { return r.kind }},
	{title: "Email", drop: 4, min: 10, comfy: 22, field: emailField, cell: func(_ *Model, r *row, _ int) string { return r.email }},
	{title: "Source", drop: 2, min: 8, comfy: 20, field: sourceField, cell: func(_ *Model, r *row, _ int) string {
		if r.fromProject != "" {
			return r.source + " (via " + r.fromProject + ")"
		}
		return r.source
	}},
	{title: "Requested", drop: 5, min: 10, comfy: 10, cell: func(_ *Model, r *row, w int) string {
		if r.ago != "" && ansi.StringWidth(r.date)+3+ansi.StringWidth(r.ago) <= w {
			return r.date + " (" + r.ago + ")"
		}
		return r.date
	}},
	{title: "Needs", drop: 3, min: 8, comfy: 16, cell: func(_ *Model, r *row, w int) string {
		// The fullest form that fits; the shortest is clipped by the cell.
		for _, s := range r.needs {
			if ansi.StringWidth(s) <= w {
				return s
			}
		}
		if len(r.needs) == 0 {
			return ""
		}
		return r.needs[len(r.needs)-1]
	}},
	{title: "Status", drop: 1, min: 12, comfy: 30, cell: func(m *Model, r *row, _ int) string {
		if f, ok := m.failures[r.req.ID]; ok && r.decidable {
			return "✗ " + f
		}
		return ""
	}},
}

const (
	typeCol   = 1
	statusCol = 6
)

// natural is a column's widest content among the rows given.
func (m *Model) natural(i int, rows []row) int {
	w := ansi.StringWidth(columns[i].title)
	for j := range rows {
		w = max(w, ansi.StringWidth(columns[i].cell(m, &rows[j], 1<<20)))
	}
	return w
}

// layout picks the columns that fit in width w and their widths, as the
// access view does: each asks for a comfortable width, the ones that drop
// first go until the rest fit, and what is left grows them towards their
// content. The Status column is there only while a failure is shown.
// Only the rows on screen are measured: drawing costs what they cost.
func (m *Model) layout(w int, visible []row) (idx []int, widths []int) {
	avail := w - gutter
	if avail <= 0 {
		return nil, nil
	}
	active := []int{0, 1, 2, 3, 4, 5}
	if len(m.failures) > 0 {
		active = append(active, statusCol)
	}
	m.typeHidden = false
	nat := make(map[int]int, len(active))
	for _, i := range active {
		nat[i] = m.natural(i, visible)
	}
	want := func(i int) int { return max(nat[i], columns[i].min) }
	need := func(i int) int { return min(want(i), max(columns[i].comfy, columns[i].min)) }
	active = filtered.Drop(active, avail, sep, need, func(i int) int { return columns[i].drop })
	if !slices.Contains(active, typeCol) {
		m.typeHidden = true
		nat[0] = m.natural(0, visible) // names grow by " (group)"
	}
	widths, extra := filtered.Sized(active, avail, sep, need)
	// A failure's reason is the point of the Status column: it grows
	// first, the others share what is left.
	for j, i := range active {
		if i == statusCol {
			add := min(max(want(i)-widths[j], 0), extra)
			widths[j] += add
			extra -= add
		}
	}
	filtered.Spread(active, widths, extra, want)
	return active, widths
}

// View draws the status line, the filter, the column header and only the
// rows that fit.
func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.sess.Styles
	if len(m.t.Rows) == 0 && !m.t.LineShown() {
		var msg string
		switch {
		case m.loading && !m.reloading || !m.started:
			msg = st.Muted.Render("Loading the pending access requests" + m.scopeText() + "…")
		case m.err != nil:
			msg = st.Error.Render("Could not load the pending access requests"+m.scopeText()+": "+format.Inline(apiclient.Explain(m.err))) +
				"\n" + st.Muted.Render("Press "+m.sess.Keys.Refresh.Help().Key+" to try again.")
		default:
			msg = m.statusLine() + "\n" + st.Muted.Render("No pending access requests"+m.scopeText()+m.searchWords()+". Nothing to approve.")
		}
		return format.Clip(ansi.Wrap(msg, m.w, ""), m.w, m.h)
	}

	lines := make([]string, 0, m.h)
	lines = append(lines, m.statusLine())
	if m.t.LineShown() {
		lines = append(lines, m.t.Line(st, m.w, m.sess.Keys.Back))
	}
	start, end := m.t.Cur.Window(m.t.Len(), m.tableRows())
	visible := make([]row, 0, end-start)
	for i := start; i < end; i++ {
		r, _ := m.t.At(i)
		visible = append(visible, *r)
	}
	idx, widths := m.layout(m.w, visible)
	lines = append(lines, filtered.Header(st.Table.Header, gutter, sep, idx, widths, func(c int) string { return columns[c].title }))
	if m.t.Len() == 0 {
		lines = append(lines, st.Muted.Render("  No loaded request matches “"+safe.Line(m.t.Query())+"”."))
	}
	for i := start; i < end; i++ {
		lines = append(lines, m.renderRow(i, idx, widths))
	}
	return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
}

func (m *Model) scopeText() string {
	if m.opts.SourceID == 0 {
		return ""
	}
	name := m.opts.SourceName
	if name == "" {
		name = fmt.Sprintf("data source %d", m.opts.SourceID)
	}
	return " for " + name
}

func (m *Model) searchWords() string {
	if !m.srv.on() {
		return ""
	}
	var parts []string
	for _, p := range [][2]string{{"name", m.srv.name}, {"email", m.srv.email}, {"source", m.srv.source}} {
		if p[1] != "" {
			parts = append(parts, fmt.Sprintf("%s ~ %q", p[0], safe.Line(p[1])))
		}
	}
	return " matching " + strings.Join(parts, ", ")
}

// statusLine says how many requests there are, what is loading, the
// server search, the marks and a failed load.
func (m *Model) statusLine() string {
	st := m.sess.Styles
	s := st.Bold.Render(fmt.Sprintf("%d pending", len(m.t.Rows)) + m.scopeText())
	if m.srv.on() {
		s += st.Accent.Render(" · server search:" + strings.TrimPrefix(m.searchWords(), " matching"))
	}
	if len(m.marks) > 0 {
		s += st.Bold.Render(fmt.Sprintf(" · %d marked", len(m.marks)))
	}
	if f := m.failedShown(); f > 0 {
		s += st.Error.Render(fmt.Sprintf(" · %d failed (see Status)", f))
	}
	switch {
	case m.reloading:
		s += st.Muted.Render(" · reloading…")
	case m.loading && m.prog.Total > 0:
		s += st.Muted.Render(fmt.Sprintf(" · loading the rest… (%d of %d read)", m.prog.Loaded, m.prog.Total))
	case m.loading:
		s += st.Muted.Render(" · loading the rest…")
	}
	if m.err != nil {
		s += st.Error.Render(" · stopped: " + format.Inline(apiclient.Explain(m.err)) + " (" + m.sess.Keys.Refresh.Help().Key + " to retry)")
	}
	return ansi.Truncate(s, m.w, "…")
}

func (m *Model) failedShown() int {
	n := 0
	for i := range m.t.Rows {
		if _, ok := m.failures[m.t.Rows[i].req.ID]; ok && m.t.Rows[i].decidable {
			n++
		}
	}
	return n
}

// renderRow draws row i as the access table draws its rows, with the
// mark after the cursor's glyph and the Status column in the error style.
func (m *Model) renderRow(i int, idx, widths []int) string {
	st := m.sess.Styles
	r, matched := m.t.At(i)
	base, match, cur := m.t.RowStyles(st, i)
	var b strings.Builder
	if cur {
		b.WriteString(st.Accent.Render("›"))
	} else {
		b.WriteString(" ")
	}
	if m.marks[r.key] {
		b.WriteString(st.Table.Marked.Render("●"))
	} else {
		b.WriteString(" ")
	}
	hits := filtered.Parts(matched, r.whoEnd, r.emailEnd, len(r.search))
	b.WriteString(filtered.Cells(idx, widths, sep, base, match, hits, func(ci, w int) (string, int) {
		return columns[ci].cell(m, r, w), columns[ci].field
	}, func(ci int) lipgloss.Style {
		if ci == statusCol && !cur {
			return st.Error // a failure's reason, unless the cursor's row
		}
		return base
	}))
	return b.String()
}
