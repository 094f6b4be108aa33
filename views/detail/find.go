package detail

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/views/pager"
)

// Search within the page or the raw JSON: / types a query (enter finds,
// esc gives up), n and N go to the next and previous line that holds it,
// esc clears it. The matches are marked on screen; the search line at the
// bottom says which of how many is shown.

// findState is the detail's search.
type findState struct {
	typing bool
	input  textinput.Model
	pager.Find
}

func (m *Model) startFind() tea.Cmd {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "search the text"
	in.CharLimit = 200
	in.SetValue(m.find.Query)
	in.CursorEnd()
	m.find.input, m.find.typing = in, true
	return m.find.input.Focus()
}

// findKey handles a key while the query is typed.
func (m *Model) findKey(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	switch {
	case key.Matches(msg, k.Back):
		m.find.typing = false
		m.clamp()
		return nil
	case key.Matches(msg, k.Accept):
		m.find.typing = false
		m.find.Run(m.lines, strings.TrimSpace(m.find.input.Value()), m.off[m.mode()])
		m.showMatch()
		return nil
	}
	var cmd tea.Cmd
	m.find.input, cmd = m.find.input.Update(msg)
	return cmd
}

// stepFind goes to the next (d > 0) or previous match, from the current
// one (the lines are searched again: a refresh may have changed them).
func (m *Model) stepFind(d int) {
	cur := m.find.Cur
	m.find.Run(m.lines, m.find.Query, 0)
	m.find.Cur = min(cur, max(len(m.find.Lines)-1, 0))
	m.find.Step(d)
	m.showMatch()
}

// showMatch scrolls the current match to the top third of the page.
func (m *Model) showMatch() {
	if l := m.find.Line(); l >= 0 {
		m.off[m.mode()] = max(l-m.bodyHeight()/3, 0)
		m.clamp()
	}
}

// clearFind ends the search (esc).
func (m *Model) clearFind() bool {
	if !m.find.typing && m.find.Query == "" {
		return false
	}
	m.find = findState{}
	m.clamp()
	return true
}

// findLine is the search line under the page ("" when there is none).
func (m *Model) findLine() string {
	st := m.sess.Styles
	switch {
	case m.find.typing:
		m.find.input.Width = max(m.w-2, 1)
		return ansi.Truncate(m.find.input.View(), m.w, "…")
	case m.find.Query != "":
		return ansi.Truncate(st.Accent.Render("/"+m.find.Query)+st.Muted.Render("  "+m.find.Status()+" · "+m.sess.Keys.FindNext.Help().Key+"/"+m.sess.Keys.FindPrev.Help().Key+" next/prev · esc clears"), m.w, "…")
	}
	return ""
}

// jsonStyles colour the raw JSON (plain under NO_COLOR: the styles are).
func (m *Model) jsonStyles() pager.JSONStyles {
	st := m.sess.Styles
	return pager.JSONStyles{Key: st.Accent, String: st.Value, Number: st.Success, Literal: st.Warning}
}

// colorJSON colours wrapped raw JSON lines.
func (m *Model) colorJSON(lines []string) []string {
	out := make([]string, len(lines))
	in := false
	js := m.jsonStyles()
	for i, l := range lines {
		out[i], in = pager.ColorJSON(l, in, js)
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
