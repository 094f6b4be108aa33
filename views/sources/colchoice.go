package sources

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/listcols"
)

// Choosing the list's columns: [list] columns in the config sets them and
// their order (views.Session.ListColumns, checked at load), the column
// menu (the list_columns key) shows and hides them for the session, and a
// click on a header sorts by that column (again: reverses).

// columnOf maps a listcols name to its column: listcols.Names is in the
// columns' own order (colName … colCreated, then colTags).
func columnOf(name string) (column, bool) {
	for i, n := range listcols.Names {
		if n == name {
			return column(i), true
		}
	}
	return 0, false
}

// chosenColumns turns the config's names into columns; nil (the default
// layout) when it names none or a name is unknown (the config checked
// them at load).
func chosenColumns(names []string) []column {
	if len(names) == 0 {
		return nil
	}
	out := make([]column, 0, len(names))
	for _, n := range names {
		c, ok := columnOf(n)
		if !ok {
			return nil
		}
		out = append(out, c)
	}
	return out
}

// defaultOrder is the columns as the default layout shows them.
func defaultOrder() []column {
	out := make([]column, 0, numColumns+1)
	for c := column(0); c <= colTags; c++ {
		out = append(out, c)
	}
	return out
}

// colMenu is the column menu: every column, in the order shown, each on
// or off.
type colMenu struct {
	order  []column
	on     map[column]bool
	cursor int // every column is drawn (9 at most): no window, so no table.Cursor
}

func (m *Model) openColumnMenu() {
	cm := &colMenu{on: map[column]bool{}}
	shown := m.cols
	if shown == nil {
		shown = defaultOrder()
	}
	for _, c := range shown {
		cm.order = append(cm.order, c)
		cm.on[c] = true
	}
	for _, c := range defaultOrder() { // the hidden ones after, in their order
		if !cm.on[c] {
			cm.order = append(cm.order, c)
		}
	}
	m.colMenu = cm
}

// applyMenu makes the list show the menu's columns, in its order.
func (m *Model) applyMenu() {
	var cols []column
	for _, c := range m.colMenu.order {
		if m.colMenu.on[c] {
			cols = append(cols, c)
		}
	}
	m.cols = cols
}

// menuKey handles a key while the column menu is open: ↑/↓ move, space or
// enter shows/hides a column (one always stays), K/J move it up or down
// the order, esc (or the menu's key again) closes.
func (m *Model) menuKey(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	cm := m.colMenu
	switch {
	case key.Matches(msg, k.Back) || key.Matches(msg, k.ListColumns) || key.Matches(msg, k.Quit):
		m.colMenu = nil
		return nil
	case key.Matches(msg, k.Up):
		cm.cursor = max(cm.cursor-1, 0)
	case key.Matches(msg, k.Down):
		cm.cursor = min(cm.cursor+1, len(cm.order)-1)
	case key.Matches(msg, k.MoveUp) && cm.cursor > 0:
		cm.order[cm.cursor-1], cm.order[cm.cursor] = cm.order[cm.cursor], cm.order[cm.cursor-1]
		cm.cursor--
	case key.Matches(msg, k.MoveDown) && cm.cursor < len(cm.order)-1:
		cm.order[cm.cursor+1], cm.order[cm.cursor] = cm.order[cm.cursor], cm.order[cm.cursor+1]
		cm.cursor++
	case key.Matches(msg, k.Mark) || key.Matches(msg, k.Accept):
		c := cm.order[cm.cursor]
		others := 0 // shown columns besides TAGS, which shows only when known
		for _, o := range cm.order {
			if cm.on[o] && o != colTags {
				others++
			}
		}
		if cm.on[c] && c != colTags && others == 1 {
			return views.Status("one column at least stays shown", views.Warn)
		}
		cm.on[c] = !cm.on[c]
	default:
		return nil
	}
	m.applyMenu()
	return nil
}

// menuLines draws the column menu as a framed box.
func (m *Model) menuLines() []string {
	cm := m.colMenu
	st := m.styles
	lines := []string{"Columns", ""}
	for i, c := range cm.order {
		box := "[ ]"
		if cm.on[c] {
			box = "[x]"
		}
		cur := "  "
		if i == cm.cursor {
			cur = "› "
		}
		name := listcols.Names[c]
		if c == colTags {
			name += " (when known)"
		}
		lines = append(lines, cur+box+" "+name)
	}
	k := m.sess.Keys
	lines = append(lines, "", k.Mark.Help().Key+" show/hide", k.MoveUp.Help().Key+"/"+k.MoveDown.Help().Key+" move up/down", k.Back.Help().Key+" close")
	w := 0
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	out := make([]string, 0, len(lines)+2)
	out = append(out, "┌"+strings.Repeat("─", w+2)+"┐")
	for i, l := range lines {
		pad := strings.Repeat(" ", w-ansi.StringWidth(l))
		switch {
		case i == 0:
			l = st.header.pre + l + st.header.post
		case i-2 == cm.cursor:
			l = st.selected.pre + l + pad + st.selected.post
			pad = ""
		case i > len(cm.order)+1:
			l = st.muted.pre + l + st.muted.post
		}
		out = append(out, "│ "+l+pad+" │")
	}
	return append(out, "└"+strings.Repeat("─", w+2)+"┘")
}

// withMenu draws the column menu over the list's rows, at the right.
func (m *Model) withMenu(list string) string {
	lines := strings.Split(list, "\n")
	box := m.menuLines()
	bw := ansi.StringWidth(box[0])
	x := max(m.w-bw-1, 0)
	for i, bl := range box {
		y := 2 + i
		if y >= m.h {
			break
		}
		for len(lines) <= y {
			lines = append(lines, "")
		}
		left := ansi.Truncate(lines[y], x, "")
		if lw := ansi.StringWidth(left); lw < x {
			left += strings.Repeat(" ", x-lw)
		}
		lines[y] = left + "\x1b[0m" + ansi.Truncate(bl, m.w-x, "")
	}
	return strings.Join(lines, "\n")
}

// headerClick sorts by the column whose header is at x (a second click on
// the sorted column reverses it). TAGS does not sort.
func (m *Model) headerClick(x int) tea.Cmd {
	l := m.layout()
	at := markWidth
	for i, c := range l.cols {
		if x >= at && x < at+l.widths[i]+gap {
			if c >= numColumns {
				return views.Status("the tags column does not sort", views.Info)
			}
			if m.sort.col == c {
				m.sort.desc = !m.sort.desc
			} else {
				m.sort = sortKey{col: c}
			}
			return tea.Batch(m.recompute(), views.Status(fmt.Sprintf("sorted by %s", columnWords[c]), views.Info))
		}
		at += l.widths[i] + gap
	}
	return nil
}

// chosenLayout is computeLayout for chosen columns: shown in their order;
// as the terminal narrows the last ones go first (the name, when chosen,
// last of all); TAGS only when the rows have tags.
func chosenLayout(w int, tags bool, chosen []column) layout {
	var prio []column
	for _, c := range chosen {
		if c == colName {
			prio = append(prio, c)
		}
	}
	for _, c := range chosen {
		if c != colName && (c != colTags || tags) {
			prio = append(prio, c)
		}
	}
	if len(prio) == 0 { // only tags chosen, and none known
		return layout{}
	}
	f := fitColumns(w, prio, chosen)
	first := 0 // the column that takes what is left: the name, or the first
	for i, c := range f.l.cols {
		if c == colName {
			first = i
		}
	}
	f.grow(colName, 30)
	f.grow(colTags, 20)
	for _, c := range prio[:f.n] {
		f.grow(c, wantWidth[c])
	}
	f.grow(colSchema, 48)
	return f.done(first)
}
