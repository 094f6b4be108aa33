package filtered

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/styles"
	"github.com/dsbrowse/dsbrowse/views/table"
)

// Table is a filterable table's state: its rows, the filter line (the
// text typed after the filter key, and whether it has focus), the local
// filter run off the UI goroutine, and the cursor, kept on the same row
// (by its key K) as rows come, go and are filtered.
//
// A method that takes win also takes the height of the table's window
// (rows on screen).
type Table[R any, K comparable] struct {
	// Rows are all the table's rows, in order; the filter shows some.
	// The filter reads them off the UI goroutine: a view that changes a
	// row makes a new slice (appending is fine), and after any change
	// calls Rebuilt.
	Rows []R

	m   matcher[R]
	key func(*R) K
	// Cur is the selected row and the first row shown, among the rows
	// shown (filtered or not).
	Cur table.Cursor

	input  textinput.Model
	typing bool
	query  string // what is typed: the filter on now
}

// Field says how the filter line reads when empty and how much it takes.
type Field struct {
	Placeholder string
	CharLimit   int // 0: no limit
}

// New makes a table's filter state: search is the string of a row the
// filter matches, key identifies a row across loads.
func New[R any, K comparable](st *styles.Styles, f Field, search func(*R) string, key func(*R) K) Table[R, K] {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = f.Placeholder
	in.CharLimit = f.CharLimit
	in.PromptStyle = st.Filter.Prompt
	in.TextStyle = st.Filter.Text
	in.PlaceholderStyle = st.Muted
	in.Cursor.SetMode(cursor.CursorStatic)
	return Table[R, K]{m: newMatcher(search), key: key, input: in}
}

const prompt = table.FilterPrompt

// --- the filter line ---------------------------------------------------

// Typing says the filter line has focus: keys go to it.
func (t *Table[R, K]) Typing() bool { return t.typing }

// Query is the filter typed, on now ("" for none).
func (t *Table[R, K]) Query() string { return t.query }

// LineShown says the filter line is drawn: while typing, or with a filter on.
func (t *Table[R, K]) LineShown() bool { return t.typing || t.query != "" }

// Typed is the text in the field now.
func (t *Table[R, K]) Typed() string { return t.input.Value() }

// SetTyped replaces the text in the field (tests; a query given from
// outside). The filter follows at the next key.
func (t *Table[R, K]) SetTyped(s string) { t.input.SetValue(s) }

// Focus starts typing, with the filter on now to edit.
func (t *Table[R, K]) Focus() tea.Cmd {
	t.typing = true
	t.input.SetValue(t.query)
	t.input.CursorEnd()
	return t.input.Focus()
}

// Act is what a key typed in the filter line did.
type Act int

const (
	// Typed: the key went to the field; the filter follows what it holds.
	Typed Act = iota
	// Kept: accept ended typing; the filter stays on.
	Kept
	// Cleared: back, or accept with nothing typed, took the filter off;
	// the cursor stays on the row it was on.
	Cleared
	// Moved: the cursor moved a row (the arrows).
	Moved
)

// TypingKey handles a key while the filter line has focus. A key that
// types text goes to the field whatever it is bound to (typing "k" in a
// filter types k); of the bindings only Accept, Back and the arrows
// (CursorUp, CursorDown) act.
func (t *Table[R, K]) TypingKey(msg tea.KeyMsg, k *keymap.KeyMap, win int) (Act, tea.Cmd) {
	if !keymap.Typed(msg) {
		switch {
		case key.Matches(msg, k.Accept):
			t.typing = false
			t.input.Blur()
			if strings.TrimSpace(t.query) == "" {
				t.Clear(win)
				return Cleared, nil
			}
			return Kept, nil
		case key.Matches(msg, k.Back):
			t.Clear(win)
			return Cleared, nil
		case t.Cur.TypingKey(msg, k, t.Len(), win):
			return Moved, nil
		}
	}
	var cmd, fcmd tea.Cmd
	t.input, cmd = t.input.Update(msg)
	if v := safe.Line(t.input.Value()); v != t.input.Value() {
		t.input.SetValue(v) // a paste must not carry escapes to the screen
	}
	if q := t.input.Value(); q != t.query {
		t.query = q
		if q == "" {
			t.Cur.Reset()
		}
		fcmd = t.Refilter()
	}
	t.Clamp(win)
	return Typed, tea.Batch(cmd, fcmd)
}

// Clear takes the filter off (and the focus from its line), keeping the
// cursor on the row it was on.
func (t *Table[R, K]) Clear(win int) {
	sel := t.SelectedKey()
	t.typing = false
	t.input.Blur()
	t.input.SetValue("")
	t.query = ""
	t.m.want("", t.Rows)
	if sel != nil {
		t.MoveTo(*sel, win)
	}
	t.Clamp(win)
}

// Line draws the filter line, w wide: the field (or the filter, when it
// does not have focus) and how many rows match; back is the key that
// clears it.
func (t *Table[R, K]) Line(st *styles.Styles, w int, back key.Binding) string {
	of := len(t.Rows)
	if t.m.view != nil {
		of = len(t.m.viewRows)
	}
	info := fmt.Sprintf("%d of %d match", t.Len(), of)
	if t.Pending() {
		info += " · filtering…"
	}
	return table.FilterLine(st, w, t.input, t.typing, t.query, info, back)
}

// RowStyles are the styles of row i's cells and of its matches, the
// selected row's when the cursor is on it (cur).
func (t *Table[R, K]) RowStyles(st *styles.Styles, i int) (base, match lipgloss.Style, cur bool) {
	if i == t.Cur.Index() {
		return st.Table.Selected, st.Table.Match.Reverse(true), true
	}
	return st.Table.Cell, st.Table.Match, false
}

// --- filtering -----------------------------------------------------------

// Refilter asks for the filter on now to run on the rows now.
func (t *Table[R, K]) Refilter() tea.Cmd { return t.m.want(t.query, t.Rows) }

// Pending says the table does not yet show the filter's result for the
// query and rows now.
func (t *Table[R, K]) Pending() bool { return t.m.pending(t.query) }

// On says a filtered view is shown (its result may be empty).
func (t *Table[R, K]) On() bool { return t.m.view != nil }

// ShownQuery is the query of the filtered view shown.
func (t *Table[R, K]) ShownQuery() string { return t.m.viewQ }

// OnResult takes a filter's result. A stale one
// (a later keystroke, new rows, a cleared filter, another table's) is
// dropped, and cmd starts the filter wanted now if it waited for it.
// Else the result is shown (shown) and the cursor goes to the row keyed
// restore when not nil and shown (restored), else to the best match for a
// new query, else stays on the row it was on.
func (t *Table[R, K]) OnResult(msg Msg[R], win int, restore *K) (shown, restored bool, cmd tea.Cmd) {
	sel := t.SelectedKey()
	shown, newQuery, cmd := t.m.onResult(msg, t.query, t.Rows)
	if !shown {
		return false, false, cmd
	}
	switch {
	case restore != nil && t.MoveTo(*restore, win):
		restored = true
	case restore != nil:
	case newQuery:
		t.Cur.Reset() // the best match first
	case sel != nil:
		t.MoveTo(*sel, win) // new rows: stay on the row
	}
	t.Clamp(win)
	return true, restored, nil
}

// Rebuilt follows a change of Rows: with a filter on, it asks for it
// to run again (the filtered table stays as it is until the result
// comes); without, the cursor goes to the row keyed target, when given
// and shown (moved).
func (t *Table[R, K]) Rebuilt(win int, target *K) (moved bool, cmd tea.Cmd) {
	if t.query != "" {
		cmd = t.Refilter()
	}
	if !t.On() && target != nil {
		moved = t.MoveTo(*target, win)
	}
	t.Clamp(win)
	return moved, cmd
}

// --- the rows shown --------------------------------------------------------

// Len is how many rows are shown.
func (t *Table[R, K]) Len() int { return Len(t.Rows, t.m.view) }

// At is the i-th row shown and the bytes of its search string that matched.
func (t *Table[R, K]) At(i int) (*R, []int) { return At(t.Rows, t.m.viewRows, t.m.view, i) }

// Selected is the row under the cursor, or nil.
func (t *Table[R, K]) Selected() *R {
	return Selected(t.Rows, t.m.viewRows, t.m.view, t.Cur.Index())
}

// SelectedKey is the key of the row under the cursor, or nil.
func (t *Table[R, K]) SelectedKey() *K {
	if r := t.Selected(); r != nil {
		k := t.key(r)
		return &k
	}
	return nil
}

// MoveTo puts the cursor on the row keyed k, if it is shown.
func (t *Table[R, K]) MoveTo(k K, win int) bool {
	for i, n := 0, t.Len(); i < n; i++ {
		if r, _ := t.At(i); t.key(r) == k {
			t.Cur.Set(i, n, win)
			return true
		}
	}
	return false
}

// Clamp keeps the cursor on a row shown and the window around it.
func (t *Table[R, K]) Clamp(win int) { t.Cur.Clamp(t.Len(), win) }

// Mouse moves the cursor for the wheel, or for a click on line y of the
// window (the line of its first row is 0); moved says it did.
func (t *Table[R, K]) Mouse(msg tea.MouseMsg, y, win int) (moved bool) {
	n := t.Len()
	if t.Cur.Wheel(msg, n, win) {
		return win > 0
	}
	if msg.Action == tea.MouseActionPress && msg.Button == tea.MouseButtonLeft {
		if i, ok := t.Cur.At(y, n, win); ok {
			t.Cur.Set(i, n, win)
			return true
		}
	}
	return false
}
