package sources

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/styles"
	"github.com/dsbrowse/dsbrowse/views/trace"
)

// wrap holds the escape codes a style puts around text. Rendering a row
// with them is plain string building; calling lipgloss per cell for 60 rows
// on every frame would cost more than the 1 ms a frame may take.
type wrap struct{ pre, post string }

func wrapOf(st lipgloss.Style) wrap {
	r := st.Render("\x00")
	i := strings.IndexByte(r, 0)
	if i < 0 {
		return wrap{}
	}
	return wrap{pre: r[:i], post: r[i+1:]}
}

type rowStyles struct {
	normal, selected, disabled, selDisabled wrap
	// match highlights inside each of the above
	match, selMatch, disMatch, selDisMatch wrap
	marked, header, muted, accent, err     wrap
}

func newRowStyles(s *styles.Styles) rowStyles {
	sel := s.Table.Selected
	dis := s.Table.Disabled
	return rowStyles{
		normal:      wrap{},
		selected:    wrapOf(sel),
		disabled:    wrapOf(dis),
		selDisabled: wrapOf(sel.Foreground(s.Theme.Subtle)),
		match:       wrapOf(s.Table.Match),
		selMatch:    wrapOf(s.Table.Match.Reverse(true)),
		disMatch:    wrapOf(s.Table.Match),
		selDisMatch: wrapOf(s.Table.Match.Reverse(true)),
		marked:      wrapOf(s.Table.Marked),
		header:      wrapOf(s.Table.Header),
		muted:       wrapOf(s.Muted),
		accent:      wrapOf(s.Filter.Prompt),
		err:         wrapOf(s.StatusErr),
	}
}

// layout is which columns fit and how wide each is.
type layout struct {
	cols   []column
	widths []int
}

// colTags is the tags column. It shows only when the rows have tags, and
// it is not a sort key (o cycles through the others), so it sits past
// numColumns.
const colTags = numColumns

// columns in the order they drop out as the terminal narrows (last first);
// priorityTags when the rows have tags, which go first.
var (
	priority     = []column{colName, colStatus, colID, colSubscription, colHandler, colSchema, colCreated}
	priorityTags = append(priority[:len(priority):len(priority)], colTags)
)

var minWidth = [numColumns + 1]int{colName: 20, colID: 5, colHandler: 10, colStatus: 8, colSubscription: 12, colSchema: 14, colCreated: 10, colTags: 10}
var wantWidth = [numColumns + 1]int{colName: 44, colID: 7, colHandler: 11, colStatus: 8, colSubscription: 14, colSchema: 34, colCreated: 10, colTags: 30}

// columnTitle is a column's header.
func columnTitle(c column) string {
	if c == colTags {
		return "TAGS"
	}
	return columnTitles[c]
}

// tagScan remembers whether a dataset's rows have tags: each frame reads
// only the rows added since the last one, and the rows on screen (a row
// replaced by a write may have gained tags).
type tagScan struct {
	ds    *dataset
	n     int
	found bool
}

func (t *tagScan) known(d *dataset, shown []int32) bool {
	if d == nil {
		return false
	}
	if t.ds != d || t.n > len(d.rows) {
		*t = tagScan{ds: d}
	}
	for i := t.n; i < len(d.rows) && !t.found; i++ {
		t.found = d.rows[i].tags != 0
	}
	t.n = len(d.rows)
	for _, i := range shown {
		if t.found {
			break
		}
		t.found = int(i) < len(d.rows) && d.rows[i].tags != 0
	}
	return t.found
}

const gap = 2
const markWidth = 2

func computeLayout(w int, tags bool, chosen []column) layout {
	if chosen != nil {
		return chosenLayout(w, tags, chosen)
	}
	priority := priority
	if tags {
		priority = priorityTags
	}
	f := fitColumns(w, priority, allColumns)
	// Grow in steps: the name to a readable width first, then the other
	// columns to what they want, then the name further, then schema.table;
	// whatever is left goes to the name.
	f.grow(colName, 30)
	for _, c := range priority[1:f.n] {
		f.grow(c, wantWidth[c])
	}
	f.grow(colName, wantWidth[colName])
	f.grow(colSchema, 48)
	return f.done(0)
}

// allColumns is every column in the default layout's order.
var allColumns = defaultOrder()

// fitting is a layout being sized: the default layout and chosen columns
// (colchoice.go) share the width pass and differ in how they grow.
type fitting struct {
	l     layout
	n     int // how many of the priority list fit
	extra int // cells not given yet; negative when even one column is too wide
}

// fitColumns keeps the most columns of prio (most important first; one
// at least) whose minimum widths fit in w, shown in the order of order,
// at their minimum widths.
func fitColumns(w int, prio, order []column) *fitting {
	avail := w - markWidth
	n := len(prio)
	for ; n > 1; n-- {
		need := 0
		for _, c := range prio[:n] {
			need += minWidth[c] + gap
		}
		if need-gap <= avail {
			break
		}
	}
	var keep [numColumns + 1]bool
	for _, c := range prio[:n] {
		keep[c] = true
	}
	f := &fitting{n: n, extra: avail + gap}
	for _, c := range order {
		if keep[c] {
			f.l.cols = append(f.l.cols, c)
			f.l.widths = append(f.l.widths, minWidth[c])
			f.extra -= minWidth[c] + gap
		}
	}
	return f
}

// grow widens column c, if shown, up to upto cells, with what is left.
func (f *fitting) grow(c column, upto int) {
	for i, lc := range f.l.cols {
		if lc == c && f.extra > 0 && f.l.widths[i] < upto {
			add := min(f.extra, upto-f.l.widths[i])
			f.l.widths[i] += add
			f.extra -= add
		}
	}
}

// done gives what is left to the shown column at index first, or takes
// from it what is missing (narrower than one column: it is clipped).
func (f *fitting) done(first int) layout {
	if f.extra > 0 {
		f.l.widths[first] += f.extra
	}
	if f.extra < 0 {
		f.l.widths[first] = max(1, f.l.widths[first]+f.extra)
	}
	return f.l
}

func (r *Row) cell(c column) string {
	switch c {
	case colName:
		return r.Name
	case colID:
		return strconv.FormatInt(r.ID, 10)
	case colHandler:
		return r.Handler()
	case colStatus:
		return r.statusWord()
	case colSubscription:
		return r.Subscription()
	case colSchema:
		return r.SchemaTable
	case colCreated:
		return r.Created()
	case colTags:
		return r.Tags()
	}
	return ""
}

// fit writes s into exactly width cells: truncated with "…" or padded.
// The characters starting at the byte offsets in hl (increasing) are
// wrapped in hi, and the row style base is restored after each. Widths are
// x/ansi's, by grapheme cluster, as everywhere else: an emoji ZWJ sequence
// is one glyph, kept whole or not at all.
func fit(b *strings.Builder, s string, width int, hl []int, base, hi wrap, rightAlign bool) {
	if width <= 0 {
		return
	}
	// A cell takes at least a byte, so a short ASCII s needs no measuring
	// to know it fits; a long one is read only as far as can show.
	p := prefix(s, width)
	sw := len(s)
	switch {
	case len(p) < len(s):
		sw = width + 1 // more than fits
	case sw > width || hasMultiByte(s):
		sw = ansi.StringWidth(s)
	}
	if sw <= width && hl == nil {
		if rightAlign {
			b.WriteString(strings.Repeat(" ", width-sw))
		}
		b.WriteString(s)
		if !rightAlign {
			b.WriteString(strings.Repeat(" ", width-sw))
		}
		return
	}
	limit := width
	if sw > width {
		limit = width - 1 // room for the ellipsis
	}
	used := 0
	for bi := 0; bi < len(p); {
		g, gw := ansi.FirstGraphemeCluster(p[bi:], ansi.GraphemeWidth)
		if used+gw > limit {
			break
		}
		for len(hl) > 0 && hl[0] < bi {
			hl = hl[1:]
		}
		if len(hl) > 0 && hl[0] < bi+len(g) {
			b.WriteString(hi.pre)
			b.WriteString(g)
			b.WriteString(hi.post)
			b.WriteString(base.pre)
		} else {
			b.WriteString(g)
		}
		used += gw
		bi += len(g)
	}
	if sw > width {
		b.WriteString("…")
		used++
	}
	if used < width {
		b.WriteString(strings.Repeat(" ", width-used))
	}
}

// prefix is as much of s as can show in width cells, and a little more so
// that a cut shows: no cell is wider than maxCellBytes bytes in practice.
func prefix(s string, width int) string {
	const maxCellBytes = 32
	if n := (width + 1) * maxCellBytes; len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		return s[:n]
	}
	return s
}

func hasMultiByte(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func (m *Model) View() string {
	if m.colMenu != nil && m.w > 0 && m.h > 0 {
		return m.withMenu(m.listView())
	}
	return m.listView()
}

// layout is the columns of the rows on screen (TAGS when they have tags).
func (m *Model) layout() layout {
	rows := m.bodyRows()
	var shown []int32
	if m.viewDS != nil && len(m.view) > 0 {
		from, to := m.cur.Window(len(m.view), rows)
		shown = m.view[from:to]
	}
	return computeLayout(m.w, m.tagCol.known(m.viewDS, shown), m.cols)
}

func (m *Model) listView() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow((m.w + 16) * m.h)
	m.infoLine(&b)
	if m.h == 1 {
		return b.String()
	}
	b.WriteByte('\n')
	rows := m.bodyRows()
	var shown []int32
	if m.viewDS != nil && len(m.view) > 0 {
		from, to := m.cur.Window(len(m.view), rows)
		shown = m.view[from:to]
	}
	l := computeLayout(m.w, m.tagCol.known(m.viewDS, shown), m.cols)
	st := m.styles
	// Column headers, with the sort arrow on the sorted column.
	b.WriteString(st.header.pre)
	b.WriteString(strings.Repeat(" ", markWidth))
	for i, c := range l.cols {
		title := columnTitle(c)
		if c == m.sort.col {
			if m.sort.desc {
				title += "↓"
			} else {
				title += "↑"
			}
		}
		fit(&b, title, l.widths[i], nil, wrap{}, wrap{}, c == colID)
		if i < len(l.cols)-1 {
			b.WriteString("  ")
		}
	}
	b.WriteString(st.header.post)

	d := m.viewDS
	if len(m.view) == 0 || d == nil {
		if rows > 0 {
			b.WriteByte('\n')
			b.WriteString(st.muted.pre + "  " + truncate(m.emptyText(), m.w-2) + st.muted.post)
		}
		return b.String()
	}
	if rows > 0 {
		trace.Mark("first-row") // for the benchmarks that run the binary
	}
	var match *matcher
	var hl []int
	if text := parseQuery(m.viewQ).text; text != "" {
		match = newMatcher(text) // the name part of the query; the tokens show as chips
		hl = make([]int, 0, 64)
	}
	from, end := m.cur.Window(len(m.view), rows)
	for vi := from; vi < end; vi++ {
		b.WriteByte('\n')
		r := &d.rows[m.view[vi]]
		selected := vi == m.cur.Index()
		base, hi := st.normal, st.match
		switch {
		case selected && r.Disabled:
			base, hi = st.selDisabled, st.selDisMatch
		case selected:
			base, hi = st.selected, st.selMatch
		case r.Disabled:
			base, hi = st.disabled, st.disMatch
		}
		b.WriteString(base.pre)
		// The cursor and marks are glyphs, so they show without colour
		// (NO_COLOR drops reverse video too).
		if selected {
			b.WriteString("›")
		} else {
			b.WriteString(" ")
		}
		if m.marks[r.ID] {
			b.WriteString(st.marked.pre + "●" + st.marked.post + base.pre)
		} else {
			b.WriteString(" ")
		}
		for i, c := range l.cols {
			var cellHL []int
			if c == colName && match != nil {
				if hl = matchedBytes(match, r.Name, hl[:0]); len(hl) > 0 {
					cellHL = hl
				}
			}
			fit(&b, r.cell(c), l.widths[i], cellHL, base, hi, c == colID)
			if i < len(l.cols)-1 {
				b.WriteString("  ")
			}
		}
		b.WriteString(base.post)
	}
	return b.String()
}

func (m *Model) emptyText() string {
	d := m.active()
	switch {
	case d == nil || (!d.started && d.err == nil):
		return "Loading data sources…"
	case d.err != nil && d.loaded() == 0:
		return "Could not load data sources (see the status line); press r to retry."
	case m.viewDS == nil:
		return "Sorting…"
	case m.viewQ != "" && m.tagsUnknownFor(m.viewQ):
		return "No loaded data source has tags (the server sent none with the list), so tag: matches none."
	case m.viewQ != "":
		return fmt.Sprintf("No loaded data source matches %q. Press tab while filtering to search the server.", m.viewQ)
	case m.search != nil:
		return fmt.Sprintf("The server found no data source for %q. esc returns to the full list.", m.search.opts.search)
	case m.filterEmptyText() != "":
		return m.filterEmptyText()
	}
	return "No data sources."
}

// infoLine is the list's own header: what is shown, how much is loaded,
// the filter being typed.
func (m *Model) infoLine(b *strings.Builder) {
	st := m.styles
	d := m.active()
	var left, right string
	switch {
	case m.filtering:
		left = m.input.View()
		right = m.matchInfo(d) + " · tab: search server"
		if chips := m.chipLine(parseQuery(m.input.Value())); chips != "" {
			left += "  " + chips
		}
	case m.search != nil:
		left = st.accent.pre + fmt.Sprintf("Server search %q", m.search.opts.search) + st.accent.post
		right = m.progress(m.search) + " · esc: full list"
		if m.query != "" {
			right = fmt.Sprintf("filter %q: %s · ", m.query, m.matchInfo(d)) + right
		}
	case m.query != "":
		left = st.accent.pre + "/" + m.query + st.accent.post
		if p := parseQuery(m.query); len(p.tokens) > 0 {
			left = st.accent.pre + "/" + st.accent.post + m.chipLine(p)
			if p.text != "" {
				left += " " + st.accent.pre + p.text + st.accent.post
			}
		}
		right = m.matchInfo(d) + " · esc: clear"
	default:
		left = st.accent.pre + m.progress(m.all) + st.accent.post
	}
	if m.all != nil && m.reload != nil {
		right = joinInfo(right, fmt.Sprintf("refreshing %s/%s", humanCount(m.reload.loaded()), totalText(m.reload.total)))
	}
	if len(m.marks) > 0 {
		right = joinInfo(fmt.Sprintf("%d marked", len(m.marks)), right)
	}
	right = joinInfo(m.pendingText(), right)
	arrow := " ↑"
	if m.sort.desc {
		arrow = " ↓"
	}
	right = joinInfo(right, "sort: "+columnWords[m.sort.col]+arrow)
	lw := lipgloss.Width(left)
	rw := ansi.StringWidth(right)
	if lw+2+rw > m.w {
		right = truncate(right, max(m.w-lw-2, 0))
		rw = ansi.StringWidth(right)
	}
	if lw > m.w {
		b.WriteString(ansi.Truncate(left, m.w, "…"))
		return
	}
	b.WriteString(left)
	if pad := m.w - lw - rw; pad > 0 {
		b.WriteString(strings.Repeat(" ", pad))
	}
	b.WriteString(st.muted.pre + right + st.muted.post)
}

// joinInfo joins parts of the info line with " · ", skipping empty ones.
func joinInfo(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " · " + b
}

func totalText(t int) string {
	if t < 0 {
		return "?"
	}
	return humanCount(t)
}

func (m *Model) progress(d *dataset) string {
	if d == nil {
		return ""
	}
	return d.progress(m.sess.Keys.Refresh.Help().Key)
}

func (m *Model) matchInfo(d *dataset) string {
	if d == nil {
		return ""
	}
	what := "fuzzy over loaded"
	if d.done {
		what = "fuzzy over all"
	}
	n := len(m.view)
	if m.viewQ != m.query {
		return fmt.Sprintf("… of %s (%s)", humanCount(d.loaded()), what)
	}
	return fmt.Sprintf("%s of %s match (%s)", humanCount(n), humanCount(d.loaded()), what)
}

// truncate cuts plain text to width cells with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}
