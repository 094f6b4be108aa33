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
	total := func() int {
		s := sep * (len(active) - 1)
		for _, i := range active {
			s += need(i)
		}
		return s
	}
	for len(active) > 1 && total() > avail {
		worst := 0
		for j, i := range active {
			if columns[i].drop > columns[active[worst]].drop {
				worst = j
			}
		}
		active = append(active[:worst:worst], active[worst+1:]...)
	}
	if !slices.Contains(active, typeCol) {
		m.typeHidden = true
		nat[0] = m.natural(0, visible) // names grow by " (group)"
	}
	widths = make([]int, len(active))
	extra := avail - total()
	for j, i := range active {
		widths[j] = need(i)
	}
	if extra < 0 {
		widths[0] = avail
		return active, widths
	}
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
	if len(m.rows) == 0 && !m.filterShown() {
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
	if m.filterShown() {
		lines = append(lines, m.filterLine())
	}
	rows := m.tableRows()
	start := max(min(m.offset, m.len()-1), 0)
	end := min(start+rows, m.len())
	visible := make([]row, 0, end-start)
	for i := start; i < end; i++ {
		r, _ := m.at(i)
		visible = append(visible, *r)
	}
	idx, widths := m.layout(m.w, visible)
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
		lines = append(lines, st.Muted.Render("  No loaded request matches “"+safe.Line(m.query)+"”."))
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
	s := st.Bold.Render(fmt.Sprintf("%d pending", len(m.rows)) + m.scopeText())
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
	for i := range m.rows {
		if _, ok := m.failures[m.rows[i].req.ID]; ok && m.rows[i].decidable {
			n++
		}
	}
	return n
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
		in := m.input
		in.Width = max(m.w-2-ansi.StringWidth(info)-3, 1)
		return ansi.Truncate(in.View()+st.Filter.Info.Render("  "+info), m.w, "…")
	}
	return ansi.Truncate(st.Filter.Prompt.Render("/ ")+st.Filter.Text.Render(safe.Line(m.query))+
		st.Filter.Info.Render("  "+info+" · "+m.sess.Keys.Back.Help().Key+" clears"), m.w, "…")
}

func (m *Model) renderRow(i int, idx, widths []int) string {
	st := m.sess.Styles
	r, matched := m.at(i)
	base, match := st.Table.Cell, st.Table.Match
	var b strings.Builder
	if i == m.cursor {
		base, match = st.Table.Selected, st.Table.Match.Reverse(true)
		b.WriteString(st.Accent.Render("›"))
	} else {
		b.WriteString(" ")
	}
	if m.marks[r.key] {
		b.WriteString(st.Table.Marked.Render("●"))
	} else {
		b.WriteString(" ")
	}
	var whoHits, emailHits, sourceHits []int
	for _, x := range matched {
		switch {
		case x < r.whoEnd:
			whoHits = append(whoHits, x)
		case x > r.whoEnd && x < r.emailEnd:
			emailHits = append(emailHits, x-r.whoEnd-1)
		case x > r.emailEnd:
			sourceHits = append(sourceHits, x-r.emailEnd-1)
		}
	}
	for j, ci := range idx {
		if j > 0 {
			b.WriteString(base.Render(strings.Repeat(" ", sep)))
		}
		c := columns[ci]
		var hits []int
		switch c.field {
		case whoField:
			hits = whoHits
		case emailField:
			hits = emailHits
		case sourceField:
			hits = sourceHits
		}
		style := base
		if ci == statusCol && i != m.cursor {
			style = st.Error
		}
		b.WriteString(cell(c.cell(m, r, widths[j]), widths[j], hits, style, match))
	}
	return b.String()
}

// cell renders text in exactly w columns: cut with … when too long, padded
// with spaces, the matched bytes (indexes into text) in the match style.
func cell(text string, w int, matched []int, base, match lipgloss.Style) string {
	if w <= 0 {
		return ""
	}
	shown, cut := text, false
	if ansi.StringWidth(text) > w {
		shown, cut = ansi.Truncate(text, w, "…"), true
	}
	padding := max(w-ansi.StringWidth(shown), 0)
	if len(matched) == 0 {
		return base.Render(shown + strings.Repeat(" ", padding))
	}
	prefix := shown
	if cut {
		prefix = strings.TrimSuffix(shown, "…")
	}
	hit := make(map[int]bool, len(matched))
	for _, i := range matched {
		hit[i] = true
	}
	var b, seg strings.Builder
	segHit := false
	flush := func() {
		if seg.Len() == 0 {
			return
		}
		if segHit {
			b.WriteString(match.Render(seg.String()))
		} else {
			b.WriteString(base.Render(seg.String()))
		}
		seg.Reset()
	}
	for i, r := range prefix {
		if h := hit[i]; h != segHit {
			flush()
			segHit = h
		}
		seg.WriteRune(r)
	}
	flush()
	if rest := shown[len(prefix):] + strings.Repeat(" ", padding); rest != "" {
		b.WriteString(base.Render(rest))
	}
	return b.String()
}
