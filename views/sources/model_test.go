package sources

import (
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

func newList(t *testing.T, api *viewtest.FakeAPI, w, h int) (*viewtest.Driver, *Model) {
	t.Helper()
	m := New(viewtest.Context(api))
	d := viewtest.New(t, m, w, h)
	return d, m
}

func TestLoadsEveryPageAndSortsByName(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(1234)}
	d, m := newList(t, api, 120, 30)
	if loaded, total := m.Counts(); loaded != 1234 || total != 1234 {
		t.Fatalf("loaded %d of %d", loaded, total)
	}
	scr := d.Screen()
	if !strings.Contains(scr, "1234 of 1234 loaded") {
		t.Errorf("header lacks the count:\n%s", scr)
	}
	lines := strings.Split(scr, "\n")
	if !strings.Contains(lines[2], "Clickstream 00004") {
		t.Errorf("first row should be the first name in order, got %q", lines[2])
	}
	for _, col := range []string{"NAME↑", "ID", "HANDLER", "STATUS", "SUBSCRIPTION", "SCHEMA.TABLE", "CREATED"} {
		if !strings.Contains(lines[1], col) {
			t.Errorf("column %s missing at 120 columns: %q", col, lines[1])
		}
	}
	viewtest.CheckBounds(t, m.View(), 120, 30)
}

func TestBareArrayPagesUntilShortPage(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(450), BareArray: true}
	_, m := newList(t, api, 100, 20)
	if loaded, _ := m.Counts(); loaded != 450 {
		t.Fatalf("loaded %d, want 450", loaded)
	}
}

func TestFilterNarrowsHighlightsAndEscClears(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(600)}
	d, m := newList(t, api, 100, 20)
	d.Key("/")
	if !m.CapturesInput() {
		t.Fatal("typing a filter must capture keys")
	}
	d.Type("web")
	scr := d.Screen()
	if !strings.Contains(scr, "100 of 600 match") {
		t.Errorf("match count missing:\n%s", scr)
	}
	if strings.Contains(scr, "Orders") {
		t.Errorf("non-matching rows still shown:\n%s", scr)
	}
	d.Key("enter")
	if m.CapturesInput() {
		t.Fatal("enter should keep the filter and return to the list")
	}
	if !strings.Contains(d.Screen(), "/web") {
		t.Error("the kept filter is not shown")
	}
	cmd, ok := m.Back()
	if !ok {
		t.Fatal("esc should clear the filter first")
	}
	d.Run(cmd) // the recompute that shows every row again
	// Every row is back; the cursor stays on the row it was on (see
	// TestClearingAFilterKeepsTheSelectedRow), so the screen shows it.
	if scr := d.Screen(); strings.Contains(scr, "match") || !strings.Contains(scr, "600 of 600 loaded") {
		t.Errorf("clearing the filter should bring every row back:\n%s", scr)
	}
	if r, ok := m.Selected(); !ok || !strings.Contains(r.Name, "Web") {
		t.Errorf("the cursor left the filtered row: %+v", r)
	}
	if _, ok := m.Back(); ok {
		t.Fatal("with nothing to clear, esc is the root's")
	}
}

func TestFilterHighlightsMatchedCharacters(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(50)}
	sess := viewtest.Context(api)
	m := New(sess)
	// Give highlights a visible mark even without colour.
	m.styles.match = wrap{pre: "[", post: "]"}
	d := viewtest.New(t, m, 100, 20)
	d.Key("/")
	d.Type("wbs")
	if !strings.Contains(d.Screen(), "[W]e[b] [S]ales") {
		t.Errorf("matched characters not highlighted:\n%s", d.Screen())
	}
}

func TestServerSearch(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(300)}
	d, m := newList(t, api, 100, 20)
	d.Key("/")
	d.Type("00012")
	d.Key("tab")
	scr := d.Screen()
	if !strings.Contains(scr, `Server search "00012"`) || !strings.Contains(scr, "1 of 1 loaded") {
		t.Errorf("server search not shown:\n%s", scr)
	}
	if !strings.Contains(strings.Join(api.Calls, "\n"), `search="00012"`) {
		t.Error("no searchText request was sent")
	}
	cmd, ok := m.Back()
	if !ok {
		t.Fatal("esc should leave the server search")
	}
	d.Run(cmd)
	if !strings.Contains(d.Screen(), "300 of 300 loaded") {
		t.Errorf("the full list should be back:\n%s", d.Screen())
	}
}

func TestSortCyclesAndReverses(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(30)}
	d, _ := newList(t, api, 120, 40)
	d.Key("o") // id
	lines := strings.Split(d.Screen(), "\n")
	if !strings.Contains(lines[1], "ID↑") || !strings.Contains(lines[2], "Web Sales 00001") {
		t.Fatalf("sort by id:\n%s", strings.Join(lines[:4], "\n"))
	}
	d.Key("O")
	lines = strings.Split(d.Screen(), "\n")
	if !strings.Contains(lines[1], "ID↓") || !strings.Contains(lines[2], "00030") {
		t.Fatalf("reverse sort by id:\n%s", strings.Join(lines[:4], "\n"))
	}
}

func TestRefreshKeepsCursorOnTheSameSource(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(250)}
	d, m := newList(t, api, 100, 20)
	d.Key("j", "j", "j")
	before, _ := m.Selected()
	// A new source that sorts first arrives with the refresh.
	api.Sources = append(api.Sources, apiclient.DataSource{ID: 9999, Name: "AAA First"})
	d.Key("r")
	after, _ := m.Selected()
	if after.ID != before.ID {
		t.Fatalf("cursor moved from %s to %s", before.Name, after.Name)
	}
	if loaded, _ := m.Counts(); loaded != 251 {
		t.Fatalf("refresh loaded %d", loaded)
	}
}

func TestEnterAccessVisibilityAskTheRoot(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(10)}
	d, m := newList(t, api, 100, 20)
	sel, _ := m.Selected()
	d.Key("enter")
	if o, ok := viewtest.Last[views.OpenSourceMsg](d); !ok || o.ID != sel.ID {
		t.Fatalf("enter: %+v", d.Emitted)
	}
	d.Key("a")
	if o, ok := viewtest.Last[views.OpenAccessMsg](d); !ok || o.ID != sel.ID {
		t.Fatal("a did not open access users")
	}
	d.Key("v")
	if _, ok := viewtest.Last[views.OpenMyVisibilityMsg](d); !ok {
		t.Fatal("v did not open the visibility report")
	}
}

func TestLoadErrorIsReported(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(500), ListErr: errors.New("boom"), ListErrOffset: 200}
	d, m := newList(t, api, 100, 20)
	if _, ok := viewtest.Last[views.ErrorMsg](d); !ok {
		t.Fatal("no error reported")
	}
	if loaded, _ := m.Counts(); loaded != 200 {
		t.Fatalf("the pages before the error should stay: %d", loaded)
	}
	if !strings.Contains(d.Screen(), "stopped: error") {
		t.Errorf("header should say loading stopped:\n%s", d.Screen())
	}
}

func TestHostileNamesAndNarrowTerminals(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: []apiclient.DataSource{
		{ID: 1, Name: "\x1b[31mEVIL\x1b]0;pwn\x07\u202etxt", BlobHandlerType: "\x1b[2J", Status: "passed"},
		{ID: 2, Name: "データソース 🚀 wide", Status: "passed"},
		{ID: 3, Name: strings.Repeat("long ", 40), Deleted: true},
	}}
	for _, size := range [][2]int{{120, 20}, {60, 10}, {30, 5}, {12, 3}} {
		_, m := newList(t, api, size[0], size[1])
		viewtest.CheckBounds(t, m.View(), size[0], size[1])
	}
	d, _ := newList(t, api, 120, 10)
	if !strings.Contains(d.Screen(), "disabled") {
		t.Error("a deleted source must carry the word disabled")
	}
}

func TestChangesShowAtOnce(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(5)}
	d, _ := newList(t, api, 120, 20)
	changed := api.Sources[0]
	changed.SubscriptionStatus = "pending"
	d.Send(views.SourceChangedMsg{Source: changed})
	if !strings.Contains(d.Screen(), "pending") {
		t.Error("changed row not redrawn")
	}
	d.Send(views.SourceRemovedMsg{ID: changed.ID})
	if strings.Contains(d.Screen(), changed.Name) {
		t.Error("removed row still shown")
	}
}

func TestMouseWheelScrollsAndClickSelects(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(50)}
	d, m := newList(t, api, 100, 20)
	// The wheel scrolls three rows, as in every table (views/table): the
	// cursor, on the first row, goes along.
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	if r, _ := m.Selected(); m.cur.Index() != 3 || m.cur.Offset() != 3 {
		t.Fatalf("wheel: cursor on %d (%s), first row %d; want both 3", m.cur.Index(), r.Name, m.cur.Offset())
	}
	// Body line 2 is the first row shown (info line, column header above
	// it): row 3 now.
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: 2 + 5})
	if m.cur.Index() != 8 {
		t.Fatalf("click selected row %d, want 8", m.cur.Index())
	}
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	if m.cur.Index() != 8 || m.cur.Offset() != 0 {
		t.Fatalf("wheel up: cursor on %d, first row %d; want 8 from 0 (the cursor stays while in view)", m.cur.Index(), m.cur.Offset())
	}
	sel, _ := m.Selected()
	d.Send(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonLeft, Y: 2 + 8})
	if o, ok := viewtest.Last[views.OpenSourceMsg](d); !ok || o.ID != sel.ID {
		t.Fatal("a click on the selected row should open it")
	}
}

// The list pages as every table does (views/table): a window of rows at
// a time; while the filter is typed only the arrows move (j is a letter
// of it), and a menu's column list takes the accept key.
func TestPagesAndMovesWhileTyping(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(50)}
	d, m := newList(t, api, 100, 12) // 10 rows under the info line and header
	d.Key("pgdown")
	if m.cur.Index() != 10 || m.cur.Offset() != 1 {
		t.Fatalf("pgdown: row %d from %d, want 10 from 1", m.cur.Index(), m.cur.Offset())
	}
	d.Key("pgup")
	if m.cur.Index() != 0 {
		t.Fatalf("pgup: row %d, want 0", m.cur.Index())
	}
	d.Key("G")
	if m.cur.Index() != 49 {
		t.Fatalf("G: row %d, want 49", m.cur.Index())
	}
	d.Key("/")
	d.Type("s")
	d.Key("down", "down")
	if m.cur.Index() != 2 || !m.CapturesInput() {
		t.Fatalf("down while typing: row %d", m.cur.Index())
	}
	d.Type("j")
	if m.query != "sj" || !m.CapturesInput() {
		t.Fatalf("j should be typed into the filter: %q", m.query)
	}
	d.Key("esc")
	d.Key(m.sess.Keys.ListColumns.Keys()[0])
	if m.colMenu == nil {
		t.Fatal("the column menu did not open")
	}
	on := m.colMenu.on[m.colMenu.order[1]]
	d.Key("down", "enter")
	if m.colMenu.on[m.colMenu.order[1]] == on {
		t.Error("enter should show/hide the column under the cursor")
	}
	d.Key("esc")
	if m.colMenu != nil {
		t.Error("esc should close the menu")
	}
}
