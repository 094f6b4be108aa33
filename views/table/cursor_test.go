package table

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/pager"
)

func at(sel, off int) Cursor { return Cursor{sel: sel, off: off} }

func TestCursorMoves(t *testing.T) {
	tests := []struct {
		name           string
		c              Cursor
		do             func(c *Cursor, n, rows int)
		n, rows        int
		wantSel, wantO int
	}{
		{"clamp empty", at(5, 3), (*Cursor).Clamp, 0, 10, 0, 0},
		{"clamp past the end", at(50, 45), (*Cursor).Clamp, 20, 10, 19, 10},
		{"clamp negative", at(-4, -2), (*Cursor).Clamp, 20, 10, 0, 0},
		{"clamp keeps a visible row still", at(5, 3), (*Cursor).Clamp, 20, 10, 5, 3},
		{"clamp scrolls up to the cursor", at(2, 5), (*Cursor).Clamp, 20, 10, 2, 2},
		{"clamp scrolls down to the cursor", at(15, 0), (*Cursor).Clamp, 20, 10, 15, 6},
		{"clamp never scrolls past the last row", at(12, 12), (*Cursor).Clamp, 20, 10, 12, 10},
		{"clamp fewer rows than the window", at(3, 2), (*Cursor).Clamp, 5, 10, 3, 0},
		{"clamp no window: starts at the cursor", at(7, 0), (*Cursor).Clamp, 20, 0, 7, 7},
		{"move down inside", at(0, 0), func(c *Cursor, n, r int) { c.Move(1, n, r) }, 20, 10, 1, 0},
		{"move down off the window", at(9, 0), func(c *Cursor, n, r int) { c.Move(1, n, r) }, 20, 10, 10, 1},
		{"move up off the window", at(5, 5), func(c *Cursor, n, r int) { c.Move(-1, n, r) }, 20, 10, 4, 4},
		{"move up at the top", at(0, 0), func(c *Cursor, n, r int) { c.Move(-1, n, r) }, 20, 10, 0, 0},
		{"move down at the bottom", at(19, 10), func(c *Cursor, n, r int) { c.Move(1, n, r) }, 20, 10, 19, 10},
		{"page down", at(0, 0), func(c *Cursor, n, r int) { c.Page(1, n, r) }, 100, 10, 10, 1},
		{"page up", at(30, 25), func(c *Cursor, n, r int) { c.Page(-1, n, r) }, 100, 10, 20, 20},
		{"page down near the end", at(95, 90), func(c *Cursor, n, r int) { c.Page(1, n, r) }, 100, 10, 99, 90},
		{"page with no window moves one", at(3, 3), func(c *Cursor, n, r int) { c.Page(1, n, r) }, 100, 0, 4, 4},
		{"top", at(50, 45), (*Cursor).Top, 100, 10, 0, 0},
		{"bottom", at(0, 0), (*Cursor).Bottom, 100, 10, 99, 90},
		{"bottom of none", at(0, 0), (*Cursor).Bottom, 0, 10, 0, 0},
		{"set", at(0, 0), func(c *Cursor, n, r int) { c.Set(42, n, r) }, 100, 10, 42, 33},
		{"scroll keeps a cursor in the window", at(5, 0), func(c *Cursor, n, r int) { c.Scroll(3, n, r) }, 100, 10, 5, 3},
		{"scroll takes the cursor down", at(0, 0), func(c *Cursor, n, r int) { c.Scroll(3, n, r) }, 100, 10, 3, 3},
		{"scroll takes the cursor up", at(19, 10), func(c *Cursor, n, r int) { c.Scroll(-3, n, r) }, 100, 10, 16, 7},
		{"scroll stops at the end", at(95, 90), func(c *Cursor, n, r int) { c.Scroll(3, n, r) }, 100, 10, 95, 90},
		{"scroll stops at the top", at(1, 1), func(c *Cursor, n, r int) { c.Scroll(-3, n, r) }, 100, 10, 1, 0},
		{"scroll a short list", at(2, 0), func(c *Cursor, n, r int) { c.Scroll(3, n, r) }, 5, 10, 2, 0},
		{"scroll with no window does nothing", at(2, 2), func(c *Cursor, n, r int) { c.Scroll(3, n, r) }, 100, 0, 2, 2},
		{"reset", at(50, 45), func(c *Cursor, _, _ int) { c.Reset() }, 100, 10, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			tt.do(&c, tt.n, tt.rows)
			if c.Index() != tt.wantSel || c.Offset() != tt.wantO {
				t.Errorf("got row %d from %d, want row %d from %d", c.Index(), c.Offset(), tt.wantSel, tt.wantO)
			}
		})
	}
}

func TestCursorWindowAndAt(t *testing.T) {
	c := at(15, 10)
	if from, to := c.Window(20, 5); from != 10 || to != 15 {
		t.Errorf("Window(20, 5) = %d, %d; want 10, 15", from, to)
	}
	if from, to := c.Window(12, 5); from != 10 || to != 12 {
		t.Errorf("Window(12, 5) = %d, %d; want 10, 12", from, to)
	}
	if from, to := c.Window(0, 5); from != 0 || to != 0 {
		t.Errorf("Window(0, 5) = %d, %d; want 0, 0", from, to)
	}
	if from, to := c.Window(20, 0); from != to {
		t.Errorf("Window(20, 0) = %d, %d; want nothing", from, to)
	}
	for _, tt := range []struct {
		y, n, rows int
		want       int
		ok         bool
	}{
		{0, 20, 5, 10, true},
		{4, 20, 5, 14, true},
		{5, 20, 5, 0, false}, // below the window
		{-1, 20, 5, 0, false},
		{3, 12, 5, 13, false}, // past the last row
	} {
		if i, ok := c.At(tt.y, tt.n, tt.rows); ok != tt.ok || (ok && i != tt.want) {
			t.Errorf("At(%d, %d, %d) = %d, %v; want %d, %v", tt.y, tt.n, tt.rows, i, ok, tt.want, tt.ok)
		}
	}
}

func TestCursorKeys(t *testing.T) {
	k := keymap.Default()
	press := func(s string) tea.KeyMsg {
		switch s {
		case "up":
			return tea.KeyMsg{Type: tea.KeyUp}
		case "down":
			return tea.KeyMsg{Type: tea.KeyDown}
		case "pgdown":
			return tea.KeyMsg{Type: tea.KeyPgDown}
		case "pgup":
			return tea.KeyMsg{Type: tea.KeyPgUp}
		}
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
	}
	steps := []struct {
		key  string
		ok   bool
		want int
	}{
		{"j", true, 1}, {"down", true, 2}, {"k", true, 1}, {"up", true, 0},
		{"pgdown", true, 10}, {"pgup", true, 0}, {"G", true, 99}, {"g", true, 0},
		{"x", false, 0},
	}
	var c Cursor
	for _, s := range steps {
		if ok := c.Key(press(s.key), &k, 100, 10); ok != s.ok || c.Index() != s.want {
			t.Fatalf("%s: moved %v to %d, want %v to %d", s.key, ok, c.Index(), s.ok, s.want)
		}
	}
	// While a filter is typed, only the arrows move: j and k are letters.
	typing := []struct {
		key  string
		ok   bool
		want int
	}{{"down", true, 1}, {"down", true, 2}, {"up", true, 1}, {"j", false, 1}, {"k", false, 1}, {"G", false, 1}}
	for _, s := range typing {
		if ok := c.TypingKey(press(s.key), &k, 100, 10); ok != s.ok || c.Index() != s.want {
			t.Fatalf("typing %s: moved %v to %d, want %v to %d", s.key, ok, c.Index(), s.ok, s.want)
		}
	}
	if got := len(MovementHelp(&k)); got != 6 {
		t.Errorf("MovementHelp has %d bindings, want 6", got)
	}
}

func TestCursorWheel(t *testing.T) {
	var c Cursor
	if c.Wheel(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}, 100, 10) {
		t.Error("a click is not a wheel turn")
	}
	if !c.Wheel(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown}, 100, 10) {
		t.Fatal("wheel down not taken")
	}
	if c.Offset() != pager.WheelLines || c.Index() != pager.WheelLines {
		t.Errorf("wheel down: row %d from %d, want both %d", c.Index(), c.Offset(), pager.WheelLines)
	}
	c.Wheel(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp}, 100, 10)
	if c.Offset() != 0 || c.Index() != pager.WheelLines {
		t.Errorf("wheel up: row %d from %d, want row %d from 0", c.Index(), c.Offset(), pager.WheelLines)
	}
}
