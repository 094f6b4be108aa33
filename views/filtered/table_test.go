package filtered

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

type item struct {
	id   int
	name string
}

func items(names ...string) []item {
	out := make([]item, len(names))
	for i, n := range names {
		out[i] = item{id: i + 1, name: n}
	}
	return out
}

func newTable(rows []item) Table[item, int] {
	t := New(styles.New(styles.Default), Field{Placeholder: "name"},
		func(r *item) string { return r.name }, func(r *item) int { return r.id })
	t.Rows = rows
	return t
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// typeKey types msg and runs the filter it starts, handing the result
// back as the view would.
func typeKey(t *testing.T, tb *Table[item, int], k *keymap.KeyMap, msg tea.KeyMsg) Act {
	t.Helper()
	act, cmd := tb.TypingKey(msg, k, 5)
	deliver(tb, cmd)
	return act
}

func deliver(tb *Table[item, int], cmd tea.Cmd) {
	for cmd != nil {
		msg := cmd()
		cmd = nil
		switch m := msg.(type) {
		case tea.BatchMsg:
			for _, c := range m {
				deliver(tb, c)
			}
		case Msg[item]:
			_, _, cmd = tb.OnResult(m, 5, nil)
		}
	}
}

// results runs cmd and returns the filter results it answers.
func results(cmd tea.Cmd) []Msg[item] {
	if cmd == nil {
		return nil
	}
	switch m := cmd().(type) {
	case tea.BatchMsg:
		var out []Msg[item]
		for _, c := range m {
			out = append(out, results(c)...)
		}
		return out
	case Msg[item]:
		return []Msg[item]{m}
	}
	return nil
}

func shown(tb *Table[item, int]) []string {
	var out []string
	for i := range tb.Len() {
		r, _ := tb.At(i)
		out = append(out, r.name)
	}
	return out
}

// Letters typed in the filter are text, whatever they are bound to (j
// and k move the cursor elsewhere); accept keeps the filter, back takes
// it off with the cursor on the row it was on; the arrows move.
func TestTypingKeys(t *testing.T) {
	k := keymap.Default()
	rows := items("alpha", "bravo", "jack", "kilo", "juliet")
	tb := newTable(rows)
	tb.Focus()
	if !tb.Typing() || !tb.LineShown() {
		t.Fatal("focus did not start typing")
	}
	for _, r := range "jk" {
		if act := typeKey(t, &tb, &k, runes(string(r))); act != Typed {
			t.Fatalf("%c: act %v", r, act)
		}
	}
	if tb.Query() != "jk" || tb.Typed() != "jk" {
		t.Fatalf("query %q typed %q", tb.Query(), tb.Typed())
	}
	if got := shown(&tb); !slices.Equal(got, []string{"jack"}) {
		t.Fatalf("jk shows %v", got)
	}
	typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyBackspace})
	if got := shown(&tb); len(got) != 2 || tb.Query() != "j" {
		t.Fatalf("j shows %v (query %q)", got, tb.Query())
	}
	if act := typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyDown}); act != Moved || tb.Cur.Index() != 1 {
		t.Fatalf("down: act %v, row %d", act, tb.Cur.Index())
	}
	sel := tb.Selected().name
	if act := typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyEnter}); act != Kept || tb.Typing() || !tb.On() {
		t.Fatalf("enter: act %v typing %v on %v", act, tb.Typing(), tb.On())
	}
	tb.Focus()
	if tb.Typed() != "j" {
		t.Fatalf("focus again: %q to edit", tb.Typed())
	}
	if act := typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyEsc}); act != Cleared || tb.LineShown() || tb.On() {
		t.Fatalf("esc: act %v shown %v on %v", act, tb.LineShown(), tb.On())
	}
	if got := tb.Selected().name; got != sel || len(shown(&tb)) != len(rows) {
		t.Fatalf("after esc the cursor is on %s, want %s", got, sel)
	}

	// Accept with nothing typed takes the filter off.
	tb.Focus()
	typeKey(t, &tb, &k, runes(" "))
	if act := typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyEnter}); act != Cleared || tb.LineShown() {
		t.Fatalf("enter on a blank filter: act %v", act)
	}
}

// A rebound Back clears the filter as esc did; esc then is typed text
// for the field (it types nothing).
func TestReboundBackClears(t *testing.T) {
	k, err := keymap.Default().Apply(map[string][]string{"back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	rows := items("alpha", "bravo")
	tb := newTable(rows)
	tb.Focus()
	typeKey(t, &tb, &k, runes("a"))
	if act := typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyEsc}); act != Typed || !tb.Typing() {
		t.Fatalf("esc with back rebound: act %v", act)
	}
	if act := typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyCtrlG}); act != Cleared || tb.LineShown() {
		t.Fatalf("ctrl+g: act %v", act)
	}
}

// Results for an older query, for rows since replaced, or of another
// table are never shown; the filter wanted meanwhile runs when the one
// running ends.
func TestStaleAndForeignResults(t *testing.T) {
	k := keymap.Default()
	rows := items("alpha", "bravo", "charlie")
	tb := newTable(rows)
	tb.Focus()
	_, first := tb.TypingKey(runes("a"), &k, 5)
	_, none := tb.TypingKey(runes("l"), &k, 5)
	if len(results(none)) != 0 {
		t.Fatal("a second filter started while one runs")
	}
	if !tb.Pending() {
		t.Fatal("not pending while the filter runs")
	}
	res := results(first)
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	other := newTable(rows)
	other.Focus()
	_, ocmd := other.TypingKey(runes("al"), &k, 5)
	for _, r := range results(ocmd) {
		if shown, _, cmd := tb.OnResult(r, 5, nil); shown || cmd != nil {
			t.Fatal("another table's result was taken")
		}
	}
	shownNow, _, next := tb.OnResult(res[0], 5, nil)
	if shownNow || tb.On() || next == nil {
		t.Fatalf("the stale result for %q: shown %v, next %v", res[0].Query, shownNow, next != nil)
	}
	deliver(&tb, next)
	if tb.ShownQuery() != "al" || tb.Pending() || !slices.Equal(shown(&tb), []string{"alpha", "charlie"}) {
		t.Fatalf("shown %q: %v", tb.ShownQuery(), shown(&tb))
	}

	// New rows: the filter runs again; the cursor stays on its row.
	more := append(items("alpha", "bravo", "charlie"), item{id: 9, name: "albert"})
	tb.Rows = more
	_, cmd := tb.Rebuilt(5, nil)
	if !tb.Pending() {
		t.Fatal("new rows: the filter is not asked again")
	}
	deliver(&tb, cmd)
	if got := shown(&tb); len(got) != 3 {
		t.Fatalf("new rows filtered: %v", got)
	}
}

// OnResult puts the cursor on the row to restore, or the best match of a
// new query, or the row it was on.
func TestOnResultCursor(t *testing.T) {
	k := keymap.Default()
	rows := items("anna", "anne", "annie", "bob")
	tb := newTable(rows)
	tb.Focus()
	typeKey(t, &tb, &k, runes("an"))
	typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyDown})
	want := tb.Selected().id
	_, cmd := tb.Rebuilt(5, nil)
	deliver(&tb, cmd)
	if got := tb.Selected().id; got != want {
		t.Fatalf("the cursor went to %d, was on %d", got, want)
	}
	restore := 3
	_, cmd = tb.Rebuilt(5, nil)
	msg := results(cmd)[0]
	if shown, restored, _ := tb.OnResult(msg, 5, &restore); !shown || !restored || tb.Selected().id != 3 {
		t.Fatalf("restore: shown %v restored %v on %d", shown, restored, tb.Selected().id)
	}
}

// Rebuilt without a filter moves to the target row; Mouse clicks and
// scrolls.
func TestRebuiltAndMouse(t *testing.T) {
	rows := items("a", "b", "c", "d", "e", "f", "g", "h")
	tb := newTable(rows)
	target := 7
	if moved, cmd := tb.Rebuilt(3, &target); !moved || cmd != nil || tb.Selected().id != 7 || tb.Cur.Offset() != 4 {
		t.Fatalf("rebuilt: moved %v, on %d from %d", moved, tb.Selected().id, tb.Cur.Offset())
	}
	click := tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
	if !tb.Mouse(click, 0, 3) || tb.Cur.Index() != 4 {
		t.Fatalf("click: row %d", tb.Cur.Index())
	}
	if tb.Mouse(click, 3, 3) {
		t.Fatal("a click below the window moved the cursor")
	}
	wheel := tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp}
	if !tb.Mouse(wheel, 0, 3) || tb.Cur.Offset() != 1 {
		t.Fatalf("wheel up: from %d", tb.Cur.Offset())
	}
	if tb.Mouse(wheel, 0, 0) {
		t.Fatal("the wheel moved a table with no window")
	}
}

func TestLine(t *testing.T) {
	k := keymap.Default()
	st := styles.New(styles.Default)
	rows := items("alpha", "bravo", "charlie")
	tb := newTable(rows)
	tb.Focus()
	if got := ansi.Strip(tb.Line(st, 60, k.Back)); !strings.HasPrefix(got, "/ ") || !strings.Contains(got, "3 of 3 match") {
		t.Fatalf("empty field: %q", got)
	}
	typeKey(t, &tb, &k, runes("a\x1b[31m"))
	if tb.Query() != "a[31m" {
		t.Fatalf("escape kept in the query: %q", tb.Query())
	}
	tb.SetTyped("")
	typeKey(t, &tb, &k, runes("ar"))
	typeKey(t, &tb, &k, tea.KeyMsg{Type: tea.KeyEnter})
	got := ansi.Strip(tb.Line(st, 60, k.Back))
	if got != "/ ar  1 of 3 match · esc clears" {
		t.Fatalf("kept filter: %q", got)
	}
	if got := ansi.Strip(tb.Line(st, 12, k.Back)); ansi.StringWidth(got) > 12 || !strings.HasSuffix(got, "…") {
		t.Fatalf("narrow: %q", got)
	}
}

func TestColumns(t *testing.T) {
	need := func(c int) int { return []int{10, 8, 6, 4}[c] }
	drop := func(c int) int { return []int{0, 3, 1, 2}[c] }
	for _, tt := range []struct {
		avail int
		want  []int
	}{
		{100, []int{0, 1, 2, 3}},
		{34, []int{0, 1, 2, 3}},
		{33, []int{0, 2, 3}},
		{24, []int{0, 2, 3}},
		{23, []int{0, 2}},
		{17, []int{0}},
		{3, []int{0}},
	} {
		got := Drop([]int{0, 1, 2, 3}, tt.avail, 2, need, drop)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Drop(%d) = %v, want %v", tt.avail, got, tt.want)
		}
	}
	if w, extra := Sized([]int{0, 2}, 30, 2, need); !slices.Equal(w, []int{10, 6}) || extra != 12 {
		t.Errorf("Sized = %v %d", w, extra)
	}
	if w, extra := Sized([]int{0}, 5, 2, need); !slices.Equal(w, []int{5}) || extra != 0 {
		t.Errorf("Sized too narrow = %v %d", w, extra)
	}
	w := []int{10, 6}
	Spread([]int{0, 2}, w, 12, func(c int) int { return []int{14, 30}[c/2] })
	if !slices.Equal(w, []int{14, 14}) {
		t.Errorf("Spread = %v", w)
	}
}

func TestPartsAndCell(t *testing.T) {
	// "ann bob cy": ann ends at 3, bob at 7, cy at 10.
	got := Parts([]int{0, 2, 3, 4, 6, 9}, 3, 7, 10)
	if fmt.Sprint(got) != "[[0 2] [0 2] [1]]" {
		t.Errorf("Parts = %v", got)
	}
	plain := lipgloss.NewStyle()
	if c := Cell("abcdef", 4, nil, plain, plain); c != "abc…" {
		t.Errorf("cut: %q", c)
	}
	if c := Cell("ab", 4, []int{1}, plain, plain); c != "ab  " {
		t.Errorf("padded: %q", c)
	}
	if c := Cell("abcdef", 0, nil, plain, plain); c != "" {
		t.Errorf("no width: %q", c)
	}
	if h := Header(plain, 2, 1, []int{1, 0}, []int{3, 4}, func(c int) string { return []string{"Name", "Id"}[c] }); h != "  Id  Name" {
		t.Errorf("header: %q", h)
	}
}

// Cells lights each column's part of the matches and takes a column's
// own style; RowStyles gives the cursor's row the selected styles.
func TestCellsAndRowStyles(t *testing.T) {
	st := styles.New(styles.Default)
	rows := items("a", "b")
	tb := newTable(rows)
	tb.Cur.Set(1, 2, 5)
	if base, _, cur := tb.RowStyles(st, 1); !cur || base.GetReverse() != st.Table.Selected.GetReverse() {
		t.Error("row 1 is the cursor's")
	}
	if _, _, cur := tb.RowStyles(st, 0); cur {
		t.Error("row 0 is not the cursor's")
	}
	plain := lipgloss.NewStyle()
	mark := lipgloss.NewStyle().Underline(true)
	text := func(col, w int) (string, int) { return []string{"ann", "bob", "x"}[col], []int{1, 2, 0}[col] }
	got := Cells([]int{0, 1, 2}, []int{4, 3, 1}, 1, plain, mark, [][]int{{0}, {2}}, text, nil)
	if ansi.Strip(got) != "ann  bob x" {
		t.Fatalf("cells %q", ansi.Strip(got))
	}
	var styled []int
	Cells([]int{0, 2}, []int{3, 1}, 1, plain, mark, nil, text, func(col int) lipgloss.Style {
		styled = append(styled, col)
		return plain
	})
	if !slices.Equal(styled, []int{0, 2}) {
		t.Errorf("style asked for %v", styled)
	}
}
