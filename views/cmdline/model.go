package cmdline

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// Outcome is what a key did to the command line.
type Outcome int

const (
	Editing   Outcome = iota
	Cancelled         // esc, or backspace on an empty line
	Submitted         // enter: the line is in Model.Line
)

// Model is the open command line: the root draws View in place of its
// status line and Hints in place of its footer.
type Model struct {
	keys   keymap.KeyMap
	st     *styles.Styles
	in     textinput.Model
	env    Env
	hist   *History
	pos    int    // index into the history while walking it; len = the draft
	draft  string // what was typed before walking the history
	cands  []string
	cand   int // the candidate tab put in the line, -1 for none
	width  int
	Line   string // the submitted line
	cycled bool   // the last key was a tab that put a candidate in
}

// New opens a command line.
func New(keys keymap.KeyMap, st *styles.Styles, env Env, hist *History, width int) *Model {
	in := textinput.New()
	in.Prompt = ":"
	in.CharLimit = MaxLine
	in.PromptStyle = st.Accent
	in.Focus()
	if hist == nil {
		hist = &History{}
	}
	m := &Model{keys: keys, st: st, in: in, env: env, hist: hist, pos: len(hist.entries), cand: -1}
	m.SetWidth(width)
	m.cands = Complete("", env)
	return m
}

// SetWidth sets the line's width in cells.
func (m *Model) SetWidth(w int) {
	m.width = w
	m.in.Width = max(w-2, 1)
}

// Value is the line as typed.
func (m *Model) Value() string { return m.in.Value() }

// Update handles a key.
func (m *Model) Update(msg tea.Msg) (Outcome, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		m.in, cmd = m.in.Update(msg) // the cursor's blink
		return Editing, cmd
	}
	tabbed := false
	defer func() { m.cycled = tabbed }()
	switch {
	case key.Matches(k, m.keys.Back):
		return Cancelled, nil
	case key.Matches(k, m.keys.Accept):
		m.Line = strings.TrimSpace(m.in.Value())
		if m.Line == "" {
			return Cancelled, nil
		}
		return Submitted, nil
	case key.Matches(k, m.keys.Erase) && m.in.Value() == "":
		return Cancelled, nil // as in vim and k9s
	case key.Matches(k, m.keys.Complete):
		tabbed = m.complete()
		return Editing, nil
	case key.Matches(k, m.keys.HistoryPrev):
		m.walk(-1)
		return Editing, nil
	case key.Matches(k, m.keys.HistoryNext):
		m.walk(+1)
		return Editing, nil
	}
	var cmd tea.Cmd
	m.in, cmd = m.in.Update(k)
	m.cand = -1
	m.cands = Complete(m.in.Value(), m.env)
	return Editing, cmd
}

// complete is tab: one candidate is put in the line; several are put in
// up to what they share, and further tabs cycle through them. It reports
// whether a candidate was put in.
func (m *Model) complete() bool {
	if m.cycled && m.cand >= 0 && len(m.cands) > 1 {
		m.cand = (m.cand + 1) % len(m.cands)
		m.set(m.cands[m.cand])
		return true
	}
	v := m.in.Value()
	m.cands = Complete(v, m.env)
	switch len(m.cands) {
	case 0:
		return false
	case 1:
		m.set(m.cands[0])
		m.cands = Complete(m.cands[0], m.env)
		m.cand = -1
		return false
	}
	if p := commonPrefix(m.cands); len(p) > len(strings.TrimPrefix(v, ":")) {
		m.set(p)
		m.cand = -1
		return false
	}
	m.cand = 0
	m.set(m.cands[0])
	return true
}

func (m *Model) set(v string) {
	m.in.SetValue(v)
	m.in.CursorEnd()
}

func commonPrefix(ss []string) string {
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// walk moves through the history: -1 older, +1 newer; past the newest is
// the line as it was typed.
func (m *Model) walk(d int) {
	n := len(m.hist.entries)
	if n == 0 {
		return
	}
	if m.pos == n {
		m.draft = m.in.Value()
	}
	m.pos = max(0, min(m.pos+d, n))
	if m.pos == n {
		m.set(m.draft)
	} else {
		m.set(m.hist.entries[m.pos])
	}
	m.cand = -1
	m.cands = Complete(m.in.Value(), m.env)
}

// View is the prompt line.
func (m *Model) View() string {
	return ansi.Truncate(m.in.View(), m.width, "…")
}

// Hints is the line under the prompt: the completions of what is typed
// (the one tab put in highlighted), or the keys when there are none.
func (m *Model) Hints() string {
	st := m.st
	if len(m.cands) == 0 {
		return ansi.Truncate(st.Muted.Render(m.keys.Complete.Help().Key+" complete · "+m.keys.HistoryPrev.Help().Key+
			"/"+m.keys.HistoryNext.Help().Key+" history · "+m.keys.Accept.Help().Key+" run · "+m.keys.Back.Help().Key+" cancel"), m.width, "…")
	}
	var b strings.Builder
	w := 0
	cands := make([]string, len(m.cands))
	for i, c := range m.cands {
		cands[i] = safe.Line(strings.TrimSpace(c))
	}
	// The row starts late enough that the candidate tab put in the line
	// is on it (the saved views come last and were never seen), "… "
	// saying some come before.
	start := 0
	if m.cand > 0 {
		need := 1 // the closing "…"
		for i := m.cand; i >= 0; i-- {
			cw := ansi.StringWidth(cands[i]) + 2
			lead := 0
			if i > 0 {
				lead = 3
			}
			if need+cw+lead > m.width {
				break
			}
			need += cw
			start = i
		}
	}
	if start > 0 {
		b.WriteString(st.Muted.Render("…  "))
		w = 3
	}
	for i := start; i < len(cands); i++ {
		c := cands[i]
		cw := ansi.StringWidth(c) + 2
		if w+cw > m.width {
			b.WriteString(st.Muted.Render("…"))
			break
		}
		if i == m.cand {
			b.WriteString(st.Accent.Bold(true).Render(c))
		} else {
			b.WriteString(st.Muted.Render(c))
		}
		b.WriteString("  ")
		w += cw
	}
	return b.String()
}

// Submit records line in the history and returns the command that saves
// it (nil when there is no file).
func (m *Model) Submit(line string) tea.Cmd {
	m.hist.Add(line)
	if m.hist.path == "" {
		return nil
	}
	h, snap := m.hist, m.hist.Entries()
	return func() tea.Msg {
		if err := h.Save(snap); err != nil {
			return SaveErrorMsg{Err: err}
		}
		return nil
	}
}

// SaveErrorMsg says the history could not be saved.
type SaveErrorMsg struct{ Err error }
