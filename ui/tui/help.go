package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// The ? help: the keys of the screen shown, in named groups laid out in as
// many columns as the terminal takes, then the keys that work everywhere.
// It scrolls (the movement keys and the wheel) and stays open meanwhile;
// any other key closes it, so that an 80×24 terminal shows every key.

// helpGroup is one titled block of the help.
type helpGroup struct {
	title string
	keys  []key.Binding
}

// helpGroups names the view's groups by what they hold: the movement keys,
// the writes, the rest; and adds the global keys last.
func (m *Model) helpGroups() []helpGroup {
	var groups [][]key.Binding
	if m.modal != nil {
		groups = m.modal.v.FullHelp()
	} else {
		groups = m.top().v.FullHelp()
	}
	k := m.sess.Keys
	has := func(g []key.Binding, among ...key.Binding) bool {
		for _, b := range g {
			for _, a := range among {
				if b.Enabled() && keymap.SameKeys(b, a) {
					return true
				}
			}
		}
		return false
	}
	writes := func(g []key.Binding) bool {
		for _, b := range g {
			if b.Enabled() && k.IsWrite(b) {
				return true
			}
		}
		return false
	}
	var out []helpGroup
	actions := 0
	for _, g := range groups {
		title := "Actions"
		switch {
		case has(g, k.Up, k.PageDown) && !has(g, k.Open):
			title = "Move"
		case writes(g):
			title = "Changes"
		default:
			if actions++; actions > 1 {
				title = "More"
			}
		}
		out = append(out, helpGroup{title, g})
	}
	global := append(m.globalKeys(), k.Command, k.RequestLog, keymap.Suspend, keymap.ForceQuit)
	return append(out, helpGroup{"Everywhere", global})
}

// renderGroup draws a group as its title over aligned "key  what" lines.
func (m *Model) renderGroup(g helpGroup) []string {
	st := m.sess.Styles
	kw := 0
	var shown []key.Binding
	for _, b := range g.keys {
		if b.Enabled() && b.Help().Desc != "" {
			shown = append(shown, b)
			kw = max(kw, ansi.StringWidth(b.Help().Key))
		}
	}
	if len(shown) == 0 {
		return nil
	}
	lines := []string{st.Title.Render(g.title)}
	for _, b := range shown {
		h := b.Help()
		lines = append(lines, st.Accent.Render(h.Key)+strings.Repeat(" ", kw-ansi.StringWidth(h.Key)+2)+st.Muted.Render(h.Desc))
	}
	return lines
}

// helpLines lays the groups out in columns that fit the width: each column
// is filled top to bottom with whole groups, and as few rows are used as
// the width allows.
func (m *Model) helpLines() []string {
	var blocks [][]string
	for _, g := range m.helpGroups() {
		if b := m.renderGroup(g); b != nil {
			blocks = append(blocks, b)
		}
	}
	const gap = 3
	w := max(m.w, 1)
	var best [][]string
	// Try from as many columns as there are groups down to one: the first
	// layout that fits the width is the shortest.
	for cols := len(blocks); cols >= 1; cols-- {
		lay := layoutColumns(blocks, cols, gap)
		if width(lay) <= w || cols == 1 {
			best = lay
			break
		}
	}
	lines := joinColumns(best, gap)
	if m.cl.helpCmds {
		lines = append(lines, "")
		lines = append(lines, strings.Split(m.commandHelp(), "\n")...)
	}
	return lines
}

// layoutColumns splits blocks, in order, into at most cols columns of
// about equal height (one blank line between blocks in a column).
func layoutColumns(blocks [][]string, cols, gap int) [][]string {
	total := 0
	for _, b := range blocks {
		total += len(b) + 1
	}
	target := (total + cols - 1) / cols
	var out [][]string
	var cur []string
	for _, b := range blocks {
		if len(cur) > 0 && len(cur)+len(b) > target && len(out) < cols-1 {
			out = append(out, cur)
			cur = nil
		}
		if len(cur) > 0 {
			cur = append(cur, "")
		}
		cur = append(cur, b...)
	}
	return append(out, cur)
}

// width is the cells a layout takes, gaps included.
func width(cols [][]string) int {
	w := 0
	for i, c := range cols {
		if i > 0 {
			w += 3
		}
		w += colWidth(c)
	}
	return w
}

func colWidth(c []string) int {
	w := 0
	for _, l := range c {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}

// joinColumns puts the columns side by side, each padded to its width.
func joinColumns(cols [][]string, gap int) []string {
	h := 0
	for _, c := range cols {
		h = max(h, len(c))
	}
	out := make([]string, h)
	for i, c := range cols {
		cw := colWidth(c)
		for r := 0; r < h; r++ {
			l := ""
			if r < len(c) {
				l = c[r]
			}
			if i < len(cols)-1 {
				l += strings.Repeat(" ", cw-ansi.StringWidth(l)+gap)
			}
			out[r] += l
		}
	}
	for r := range out {
		out[r] = strings.TrimRight(out[r], " ")
	}
	return out
}

// fullHelp draws the help in h lines from the scroll offset, with a title
// that says where the view is when it does not all fit. The lines scroll
// in views/pager, the one text page every read-only view scrolls with.
func (m *Model) fullHelp(h int) string {
	lines := m.layoutHelp(h)
	room := max(h-2, 1) // the title and a blank line
	title := m.sess.Styles.Title.Render("Keys for " + safe.Line(m.top().v.Title()))
	if len(lines) > room {
		title += m.sess.Styles.Muted.Render("  " + scrollNote(m.helpPage.Offset(), room, len(lines)))
	}
	// The pager pads its lines and height; the root pads the body itself.
	shown := strings.Split(m.helpPage.View(), "\n")
	for i := range shown {
		shown[i] = strings.TrimRight(shown[i], " ")
	}
	return title + "\n\n" + strings.TrimRight(strings.Join(shown, "\n"), "\n")
}

// layoutHelp gives the help's lines to its pager, sized for a body of h
// lines, and returns them.
func (m *Model) layoutHelp(h int) []string {
	lines := m.helpLines()
	m.helpPage.SetSize(m.w, max(h-2, 1))
	m.helpPage.SetContent(strings.Join(lines, "\n"))
	return lines
}

// scrollNote says which lines are shown and that there are more.
func scrollNote(top, room, n int) string {
	switch {
	case top == 0:
		return "(more below: ↓ scrolls)"
	case top+room >= n:
		return "(end: ↑ scrolls back)"
	}
	return "(↑/↓ scroll)"
}

// helpKey handles a key while the help is shown: movement scrolls it and
// keeps it open, q quits, anything else closes it.
func (m *Model) helpKey(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	_, bh := m.bodySize()
	m.layoutHelp(bh)
	switch {
	case m.helpPage.Update(msg):
	case key.Matches(msg, k.Quit) && !key.Matches(msg, k.Help):
		return m.quit()
	default:
		m.showHelp, m.cl.helpCmds = false, false
		m.helpPage.GotoTop()
		m.resize()
	}
	return nil
}

// helpMouse scrolls the help with the wheel.
func (m *Model) helpMouse(msg tea.MouseMsg) {
	_, bh := m.bodySize()
	m.layoutHelp(bh)
	m.helpPage.Update(msg)
}
