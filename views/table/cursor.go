// Package table holds what the scrolling tables of the views share: the
// cursor (the selected row and the first row shown) and the keys and
// wheel that move it.
package table

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/pager"
)

// Cursor is the selected row of a list taller than its window, and the
// first row the window shows. Its zero value selects the first row.
//
// Every method that changes it takes n, the number of rows, and rows,
// how many fit in the window, and leaves the cursor on a row (0 when
// n == 0) with that row in the window. A window of no rows (a terminal
// too short to show one) starts at the selected row.
type Cursor struct {
	sel, off int
}

// Index is the selected row.
func (c Cursor) Index() int { return c.sel }

// Offset is the first row shown.
func (c Cursor) Offset() int { return c.off }

// Clamp keeps the cursor on one of n rows and the window of rows lines
// around it, scrolling as little as it can and never past the last row.
func (c *Cursor) Clamp(n, rows int) {
	c.sel = max(min(c.sel, n-1), 0)
	if rows <= 0 {
		c.off = c.sel
		return
	}
	if c.sel < c.off {
		c.off = c.sel
	}
	if c.sel >= c.off+rows {
		c.off = c.sel - rows + 1
	}
	c.off = max(min(c.off, n-rows), 0)
}

// Set selects row i (clamped to the rows there are).
func (c *Cursor) Set(i, n, rows int) {
	c.sel = i
	c.Clamp(n, rows)
}

// Move moves the selection by d rows (up when d < 0).
func (c *Cursor) Move(d, n, rows int) { c.Set(c.sel+d, n, rows) }

// Page moves the selection a window of rows down (dir > 0) or up.
func (c *Cursor) Page(dir, n, rows int) {
	step := max(rows, 1)
	if dir < 0 {
		step = -step
	}
	c.Move(step, n, rows)
}

// Top selects the first row.
func (c *Cursor) Top(n, rows int) { c.Set(0, n, rows) }

// Bottom selects the last row.
func (c *Cursor) Bottom(n, rows int) { c.Set(n-1, n, rows) }

// Reset selects the first row and shows it at the top, for a new set of
// rows (a new filter, a new search).
func (c *Cursor) Reset() { c.sel, c.off = 0, 0 }

// Scroll moves the window d rows (the mouse wheel), taking the selection
// along only when it would leave the window.
func (c *Cursor) Scroll(d, n, rows int) {
	if rows <= 0 {
		return
	}
	c.off = max(min(c.off+d, n-rows), 0)
	c.sel = max(min(c.sel, c.off+rows-1), c.off)
	c.Clamp(n, rows)
}

// Window is the rows to draw: from, up to but not including to.
func (c Cursor) Window(n, rows int) (from, to int) {
	from = min(c.off, max(n, 0))
	return from, min(from+max(rows, 0), n)
}

// At is the row drawn on line y of the window (0: its first line), if
// there is one there (a click).
func (c Cursor) At(y, n, rows int) (int, bool) {
	if y < 0 || y >= rows {
		return 0, false
	}
	i := c.off + y
	return i, i < n
}

// Key moves the cursor for the movement bindings (Up, Down, PageUp,
// PageDown, Top, Bottom) and reports whether msg was one of them.
func (c *Cursor) Key(msg tea.KeyMsg, k *keymap.KeyMap, n, rows int) bool {
	switch {
	case key.Matches(msg, k.Up):
		c.Move(-1, n, rows)
	case key.Matches(msg, k.Down):
		c.Move(1, n, rows)
	case key.Matches(msg, k.PageUp):
		c.Page(-1, n, rows)
	case key.Matches(msg, k.PageDown):
		c.Page(1, n, rows)
	case key.Matches(msg, k.Top):
		c.Top(n, rows)
	case key.Matches(msg, k.Bottom):
		c.Bottom(n, rows)
	default:
		return false
	}
	return true
}

// TypingKey moves the cursor one row for the keys that move it while a
// filter is typed (CursorUp, CursorDown: the arrows, not j/k, which are
// letters of the filter) and reports whether msg was one of them.
func (c *Cursor) TypingKey(msg tea.KeyMsg, k *keymap.KeyMap, n, rows int) bool {
	up, down := key.Matches(msg, k.CursorUp), key.Matches(msg, k.CursorDown)
	if up {
		c.Move(-1, n, rows)
	} else if down {
		c.Move(1, n, rows)
	}
	return up || down
}

// Wheel scrolls the window for the mouse wheel (pager.WheelLines a
// notch) and reports whether msg was a wheel turn.
func (c *Cursor) Wheel(msg tea.MouseMsg, n, rows int) bool {
	d := pager.Wheel(msg)
	if d == 0 {
		return false
	}
	c.Scroll(d, n, rows)
	return true
}

// MovementHelp is the movement bindings, in the order the help shows them.
func MovementHelp(k *keymap.KeyMap) []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}
