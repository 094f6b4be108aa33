// Package fileform is the small "file and format" form of the TUI's
// exports (the access report, the list's rows): a path with a default
// that follows the format until the user types in it, a row of formats
// picked with ←/→ or their first letter, and a hint line for what went
// wrong (the input is kept). What submitting does is the caller's.
package fileform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Spec describes one form.
type Spec struct {
	Title string
	// Intro is the paragraph under the title (wrapped; cut first when
	// the form is short of room).
	Intro   string
	Formats []string
	// DefaultPath is the file offered for a format.
	DefaultPath func(format string) string
	// Submit runs on enter (or ctrl+s) with the trimmed, non-empty path.
	// A non-empty hint keeps the form open with the input and says why;
	// else the form closes and cmd runs.
	Submit func(path, format string) (cmd tea.Cmd, hint string)
}

// Model is the form, a modal.
type Model struct {
	sess   *views.Session
	spec   Spec
	path   textinput.Model
	format int // index into spec.Formats
	focus  int // 0 path, 1 format
	hint   string
	closed bool
	w, h   int
	// edited: the user typed in the path, so a format change leaves it.
	edited bool
}

var (
	_ views.View    = (*Model)(nil)
	_ views.Closing = (*Model)(nil)
)

// New is the form for spec, on its first format.
func New(sess *views.Session, spec Spec) *Model {
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 4096
	m := &Model{sess: sess, spec: spec}
	in.SetValue(m.defaultPath())
	in.CursorEnd()
	in.Focus()
	m.path = in
	return m
}

func (m *Model) defaultPath() string { return FreeName(m.spec.DefaultPath(m.Format())) }

// FreeName is path, or when a file is there already the first of
// "name-2.ext", "name-3.ext"… that is free: the offered default never
// meets "already exists". Past 999 taken it gives path back, and Create
// says why.
func FreeName(path string) string {
	if path == "" || !exists(path) {
		return path
	}
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for i := 2; i < 1000; i++ {
		if p := fmt.Sprintf("%s-%d%s", base, i, ext); !exists(p) {
			return p
		}
	}
	return path
}

// exists reads path as Create does (~/ is the home folder).
func exists(path string) bool {
	_, err := os.Lstat(expandHome(path))
	return err == nil
}

func expandHome(path string) string {
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, path[2:])
		}
	}
	return path
}

// Path and Format are what the form holds now.
func (m *Model) Path() string   { return m.path.Value() }
func (m *Model) Format() string { return m.spec.Formats[m.format] }

// Hint is the form's word on what went wrong, "" when none.
func (m *Model) Hint() string { return m.hint }

func (m *Model) Init() tea.Cmd       { return textinput.Blink }
func (m *Model) Title() string       { return m.spec.Title }
func (m *Model) CapturesInput() bool { return true }
func (m *Model) SetSize(w, h int)    { m.w, m.h = w, h }
func (m *Model) Closed() bool        { return m.closed }

// SetFormat picks format i (wrapping); the path follows it unless typed.
func (m *Model) SetFormat(i int) {
	n := len(m.spec.Formats)
	i = ((i % n) + n) % n
	old := m.defaultPath()
	m.format = i
	if !m.edited || m.path.Value() == old {
		m.path.SetValue(m.defaultPath())
		m.path.CursorEnd()
		m.edited = false
	}
}

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(msg)
		return m, cmd
	}
	k := m.sess.Keys
	switch {
	case key.Matches(km, k.Back):
		m.closed = true
		return m, nil
	case key.Matches(km, k.Submit):
		return m, m.submit()
	case key.Matches(km, k.Accept):
		if m.focus == 0 {
			m.focusOn(1)
			return m, nil
		}
		return m, m.submit()
	case key.Matches(km, k.NextField, k.PrevField) || (m.focus == 1 && key.Matches(km, k.CursorUp, k.CursorDown)):
		m.focusOn(1 - m.focus)
		return m, nil
	}
	if m.focus == 1 {
		switch {
		case key.Matches(km, k.Right, k.Mark):
			m.SetFormat(m.format + 1)
		case key.Matches(km, k.Left):
			m.SetFormat(m.format - 1)
		case keymap.Typed(km):
			// Any other letter is a format's first letter (c, j, n):
			// typed text, not a binding.
			for i, f := range m.spec.Formats {
				if strings.HasPrefix(f, strings.ToLower(string(km.Runes))) {
					m.SetFormat(i)
					break
				}
			}
		}
		m.hint = ""
		return m, nil
	}
	before := m.path.Value()
	var cmd tea.Cmd
	m.path, cmd = m.path.Update(safe.Typed(km))
	if m.path.Value() != before {
		m.edited, m.hint = true, ""
	}
	return m, cmd
}

func (m *Model) focusOn(i int) {
	m.focus = i
	if i == 0 {
		m.path.Focus()
	} else {
		m.path.Blur()
	}
}

func (m *Model) submit() tea.Cmd {
	p := strings.TrimSpace(m.path.Value())
	if p == "" {
		m.hint = "A file name is required."
		m.focusOn(0)
		return nil
	}
	cmd, hint := m.spec.Submit(p, m.Format())
	if hint != "" {
		m.hint = hint
		return nil
	}
	m.closed = true
	return cmd
}

// FocusPath puts the cursor back in the path (a hint about the file).
func (m *Model) FocusPath() { m.focusOn(0) }

// Create makes the file at path for writing, never over an existing one
// (0600: exports list what the tenant holds). A leading ~/ is the home
// folder, as a shell would read it (the path is typed, and :export FILE
// looks like a shell line). On failure it returns the form's hint.
func Create(path string) (*os.File, string) {
	f, err := os.OpenFile(expandHome(path), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		return f, ""
	case errors.Is(err, os.ErrExist):
		return nil, fmt.Sprintf("%s already exists: choose another name (nothing is overwritten).", safe.Line(path))
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Sprintf("The folder %s does not exist.", safe.Line(filepath.Dir(path)))
	}
	return nil, "Cannot create the file: " + safe.Line(err.Error())
}

// --- help and drawing ------------------------------------------------------

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	cancel := keymap.Help("cancel", k.Back)
	if m.focus == 1 {
		return []key.Binding{keymap.Help("format", k.Left, k.Right), keymap.Help("export", k.Accept), keymap.Help("file", k.NextField), cancel}
	}
	return []key.Binding{keymap.Help("next", k.Accept), k.Submit, cancel}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

func (m *Model) View() string {
	st := m.sess.Styles
	box := format.NewBox(st.Modal.Box, m.w, m.h, 24, 76)
	inner := box.Inner
	head := []string{st.Modal.Title.Render(ansi.Truncate(m.Title(), inner, "…")), ""}
	mid := format.WrapText(m.spec.Intro, inner)
	tail := []string{"", st.Modal.FieldLabel.Render("File")}
	in := m.path
	in.Width = max(inner-4, 4)
	tail = append(tail, ansi.Truncate(in.View(), inner, ""))
	tail = append(tail, "", st.Modal.FieldLabel.Render("Format"))
	var opts []string
	for i, f := range m.spec.Formats {
		label := " " + f + " "
		switch {
		case i == m.format && m.focus == 1:
			opts = append(opts, st.Modal.ButtonActive.Render("["+f+"]"))
		case i == m.format:
			opts = append(opts, st.Bold.Render("["+f+"]"))
		default:
			opts = append(opts, st.Muted.Render(label))
		}
	}
	tail = append(tail, ansi.Truncate(strings.Join(opts, " "), inner, "…"))
	if m.hint != "" {
		tail = append(tail, box.Text(st.Modal.FieldError, m.hint, 3)...)
	}
	hint := fmt.Sprintf("%s moves on, then exports · %s cancels", m.sess.Keys.Accept.Help().Key, m.sess.Keys.Back.Help().Key)
	tail = append(tail, "", st.Muted.Render(ansi.Truncate(hint, inner, "…")))
	return box.Fit(head, mid, tail, st.Muted.Render("…"))
}
