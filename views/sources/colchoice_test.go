package sources

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/views/listcols"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// listWith is the list with the config's [list] columns.
func listWith(t *testing.T, cols []string, w, h int) (*viewtest.Driver, *Model) {
	t.Helper()
	sess := viewtest.Context(&viewtest.FakeAPI{Sources: taggedSources(30)})
	sess.ListColumns = cols
	m := New(sess)
	return viewtest.New(t, m, w, h), m
}

func colHeader(d *viewtest.Driver) string { return strings.Split(d.Screen(), "\n")[1] }

// The listcols names are the columns' own order, so the config's names
// reach the right columns.
func TestColumnNamesMapToColumns(t *testing.T) {
	for i, n := range listcols.Names {
		c, ok := columnOf(n)
		if !ok || int(c) != i || strings.ToLower(columnTitle(c)) != map[string]string{"schema": "schema.table"}[n]+map[bool]string{true: n}[n != "schema"] {
			t.Errorf("%q maps to column %d %q", n, c, columnTitle(c))
		}
	}
}

// [list] columns shows those columns in that order, and no others.
func TestConfiguredColumnsAndOrder(t *testing.T) {
	d, _ := listWith(t, []string{"status", "name", "id"}, 100, 12)
	h := colHeader(d)
	if f := strings.Fields(h); strings.Join(f, " ") != "STATUS NAME↑ ID" {
		t.Fatalf("want STATUS, NAME, ID in that order: %q", h)
	}
	for _, gone := range []string{"HANDLER", "SUBSCRIPTION", "CREATED", "TAGS"} {
		if strings.Contains(h, gone) {
			t.Errorf("%s shown though not chosen: %q", gone, h)
		}
	}
	viewtest.CheckBounds(t, d.V.View(), 100, 12)
	// Narrow: the last chosen go first, the name stays.
	d.Send(tea.WindowSizeMsg{Width: 30, Height: 12})
	d.V.SetSize(30, 12)
	if h := colHeader(d); !strings.Contains(h, "NAME") || strings.Contains(h, "ID") {
		t.Errorf("at 30 columns the name should stay and id go: %q", h)
	}
	viewtest.CheckBounds(t, d.V.View(), 30, 12)
}

// H opens the column menu over the list; space hides the column under the
// cursor at once, K moves it, esc closes; q does not quit meanwhile.
func TestColumnMenuTogglesAndMoves(t *testing.T) {
	d, m := listWith(t, nil, 120, 16)
	if !strings.Contains(colHeader(d), "HANDLER") {
		t.Fatalf("the default shows HANDLER: %q", colHeader(d))
	}
	d.Key("H")
	if !m.CapturesInput() {
		t.Fatal("the menu must take the keys (q must not quit)")
	}
	d.Key("j", "j", " ") // handler
	teatest.RequireEqualOutput(t, []byte(d.Screen()))
	if strings.Contains(colHeader(d), "HANDLER") {
		t.Errorf("space did not hide HANDLER: %q", colHeader(d))
	}
	d.Key("j", "K", "K", "K") // status to the top
	d.Key("esc")
	if m.CapturesInput() {
		t.Fatal("esc should close the menu")
	}
	h := colHeader(d)
	if !strings.HasPrefix(strings.TrimSpace(h), "STATUS") || strings.Contains(h, "HANDLER") {
		t.Errorf("want STATUS first, no HANDLER: %q", h)
	}
	// One column at least stays.
	d.Key("H")
	for range len(listcols.Names) {
		if strings.Contains(d.Screen(), "› [x]") {
			d.Key(" ")
		}
		d.Key("j")
	}
	d.Key("esc")
	if f := strings.Fields(colHeader(d)); len(f) != 1 {
		t.Errorf("hiding every column should leave one: %q", colHeader(d))
	}
	viewtest.CheckBounds(t, d.V.View(), 120, 16)
}

// A click on a header sorts by that column; a second one reverses it.
func TestHeaderClickSorts(t *testing.T) {
	d, m := listWith(t, nil, 120, 16)
	h := colHeader(d)
	x := strings.Index(h, "STATUS")
	click := tea.MouseMsg{X: x + 1, Y: 1, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress}
	d.Send(click)
	if m.sort != (sortKey{col: colStatus}) || !strings.Contains(colHeader(d), "STATUS↑") {
		t.Fatalf("click on STATUS: sort %+v, header %q", m.sort, colHeader(d))
	}
	d.Send(click)
	if m.sort != (sortKey{col: colStatus, desc: true}) || !strings.Contains(colHeader(d), "STATUS↓") {
		t.Fatalf("second click should reverse: sort %+v, header %q", m.sort, colHeader(d))
	}
	d.Send(tea.MouseMsg{X: strings.Index(h, "ID") + 1, Y: 1, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	if m.sort != (sortKey{col: colID}) {
		t.Fatalf("click on ID: sort %+v", m.sort)
	}
	lines := strings.Split(d.Screen(), "\n")
	if !strings.Contains(lines[2], " 1 ") && !strings.Contains(lines[2], " 0 ") {
		t.Errorf("sorted by id, the first row should have the smallest id: %q", lines[2])
	}
}
