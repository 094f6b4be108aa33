package table

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/styles"
)

// Gutter is the width of "› ", which marks the selected row without
// colour (NO_COLOR).
const Gutter = 2

// Col is one column as drawn: its title, its width in cells (0 hides
// it) and whether its cells are right-aligned (numbers).
type Col struct {
	Title string
	Width int
	Right bool
}

// Grid draws a table of plain cells: a header line of titles, then the
// rows of a cursor's window, the selected one marked and in
// st.Table.Selected. The columns and requestlog screens draw with it.
// Tables whose cells carry the filter's match highlights draw theirs
// with views/filtered (the access table, the inbox) or their own fast
// path (the data sources list, 100k rows): highlights are what differ.
type Grid struct {
	Cols []Col
	Sep  int // cells between columns
	// Cell is the text of row i in column j (an index into Cols), safe to
	// draw; it is cut to the column's width.
	Cell func(i, j int) string
	// Alert, when set, says that row i's cell in column j is drawn in
	// st.Error when the row is not selected (a failed request's status).
	Alert func(i, j int) bool
}

// Pad cuts s to w cells (ending in "…") and pads it with spaces, on the
// left when right.
func Pad(s string, w int, right bool) string {
	s = ansi.Truncate(s, w, "…")
	p := strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
	if right {
		return p + s
	}
	return s + p
}

// Header is the line of titles.
func (g *Grid) Header(st *styles.Styles) string {
	return g.line(strings.Repeat(" ", Gutter), strings.Repeat(" ", g.Sep), func(_ int, c Col) string {
		return st.Table.Header.Render(Pad(c.Title, c.Width, c.Right))
	})
}

// Row is the line of row i.
func (g *Grid) Row(st *styles.Styles, i int, selected bool) string {
	base, lead := st.Table.Cell, strings.Repeat(" ", Gutter)
	if selected {
		base, lead = st.Table.Selected, st.Accent.Render("›")+" "
	}
	return g.line(lead, base.Render(strings.Repeat(" ", g.Sep)), func(j int, c Col) string {
		style := base
		if !selected && g.Alert != nil && g.Alert(i, j) {
			style = st.Error
		}
		return style.Render(Pad(g.Cell(i, j), c.Width, c.Right))
	})
}

// line is lead, then the shown columns' cells, gap between them.
func (g *Grid) line(lead, gap string, cell func(j int, c Col) string) string {
	var b strings.Builder
	b.WriteString(lead)
	first := true
	for j, c := range g.Cols {
		if c.Width <= 0 {
			continue
		}
		if !first {
			b.WriteString(gap)
		}
		first = false
		b.WriteString(cell(j, c))
	}
	return b.String()
}

// Lines is the header line, then the rows of cur's window: rows lines
// of n rows at most.
func (g *Grid) Lines(st *styles.Styles, cur Cursor, n, rows int) []string {
	from, to := cur.Window(n, rows)
	out := make([]string, 0, 1+to-from)
	out = append(out, g.Header(st))
	for i := from; i < to; i++ {
		out = append(out, g.Row(st, i, i == cur.Index()))
	}
	return out
}
