package clip_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/clip"
	"github.com/dsbrowse/dsbrowse/views/detail"
	"github.com/dsbrowse/dsbrowse/views/sources"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

const tenant = "https://acme.immuta.com"

// fakeOpener records the URLs a browser was asked for, and fails when
// told: no real browser starts in tests.
type fakeOpener struct {
	mu   sync.Mutex
	urls []string
	err  error
}

func (f *fakeOpener) open(u string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.urls = append(f.urls, u)
	return f.err
}

func fixture() (*viewtest.FakeAPI, *views.Session, *fakeOpener) {
	srcs := viewtest.GenSources(12)
	srcs[6].ConnectionString = "acme.snowflakecomputing.com:443/ANALYTICS"
	api := &viewtest.FakeAPI{Sources: srcs}
	sess := viewtest.Context(api)
	sess.TenantURL = tenant
	op := &fakeOpener{}
	sess.OpenURL = op.open
	return api, sess, op
}

// menuKeys runs keys in the menu and returns what reached the root.
func menuKeys(t *testing.T, sess *views.Session, s clip.Source, keys ...string) []tea.Msg {
	t.Helper()
	msgs, _ := menuRun(t, sess, s, keys...)
	return msgs
}

// menuRun runs keys in the menu and returns what reached the root and
// whether the menu has closed (views.Closing).
func menuRun(t *testing.T, sess *views.Session, s clip.Source, keys ...string) ([]tea.Msg, bool) {
	t.Helper()
	m := clip.New(sess, s)
	d := viewtest.New(t, m, 80, 20)
	d.Key(keys...)
	return d.Emitted, m.Closed()
}

// closed reports whether the modal a driver runs has closed.
func closed(d *viewtest.Driver) bool {
	c, ok := d.V.(views.Closing)
	return ok && c.Closed()
}

func lastCopy(t *testing.T, msgs []tea.Msg) views.CopyMsg {
	t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		if c, ok := msgs[i].(views.CopyMsg); ok {
			return c
		}
	}
	t.Fatalf("nothing copied: %v", msgs)
	return views.CopyMsg{}
}

// y then a letter copies at once, from a list row (the source fetched
// for what the row lacks) and from the detail's source; the menu closes.
func TestCopyLetters(t *testing.T) {
	api, sess, _ := fixture()
	row := clip.Source{ID: 7, Name: "Web Sales 00007"}
	for _, tc := range []struct {
		key, text, what string
	}{
		{"i", "7", "source id"},
		{"n", "Web Sales 00007", "source name"},
		{"t", "public.t_7", "SQL table"},
		{"c", "acme.snowflakecomputing.com:443/ANALYTICS", "connection string"},
		{"u", tenant + "/#/data-source/7/overview", "web UI URL"},
		{"j", string(api.Sources[6].Raw), "source JSON"},
	} {
		msgs, shut := menuRun(t, sess, row, tc.key)
		if got := lastCopy(t, msgs); got.Text != tc.text || got.What != tc.what {
			t.Errorf("%s: copied %+v, want %q (%s)", tc.key, got, tc.text, tc.what)
		}
		if !shut {
			t.Errorf("%s: the menu did not close: %v", tc.key, msgs)
		}
	}
	gets := 0
	for _, c := range api.Calls {
		if strings.HasPrefix(c, "get ") {
			gets++
		}
	}
	if gets != 3 {
		t.Errorf("%d GETs for t, c and j from a row, want 3", gets)
	}

	// enter copies the selected item; esc copies nothing.
	if got := lastCopy(t, menuKeys(t, sess, row, "down", "enter")); got.What != "source name" {
		t.Errorf("down enter copied %+v", got)
	}
	for _, k := range []string{"esc", "y", "q"} {
		if msgs, shut := menuRun(t, sess, row, k); len(msgs) != 0 || !shut {
			t.Errorf("%s: closed %v, sent %v", k, shut, msgs)
		}
	}

	// A source without a connection string says so.
	msgs := menuKeys(t, sess, clip.Source{ID: 3, Name: "x"}, "c")
	if s, ok := msgs[len(msgs)-1].(views.StatusMsg); !ok || s.Text != "data source 3 has no connection string to copy" {
		t.Errorf("no connection string: %v", msgs)
	}
	// A failed fetch is an error naming it.
	api.GetErr = errors.New("boom")
	msgs = menuKeys(t, sess, row, "j")
	if e, ok := msgs[len(msgs)-1].(views.ErrorMsg); !ok || e.What != "fetching data source 7 to copy its JSON" {
		t.Errorf("failed fetch: %v", msgs)
	}
}

// y in the list opens the menu on the selected row; w opens the row's
// page through the opener. In the detail, y copies from the whole source.
func TestCopyAndOpenKeys(t *testing.T) {
	_, sess, op := fixture()
	list := sources.New(sess)
	d := viewtest.New(t, list, 120, 20)
	row, _ := list.Selected()
	d.Key("y")
	om, ok := viewtest.Last[views.OpenModalMsg](d)
	if !ok {
		t.Fatalf("y opened nothing: %v", d.Emitted)
	}
	md := viewtest.New(t, om.M, 80, 20)
	md.Key("i")
	if got := lastCopy(t, md.Emitted); got.Text != itoa(row.ID) {
		t.Errorf("y i copied %+v, want %d", got, row.ID)
	}
	d.Key("w")
	if len(op.urls) != 1 || op.urls[0] != tenant+"/#/data-source/"+itoa(row.ID)+"/overview" {
		t.Errorf("opened %v", op.urls)
	}
	if s, ok := viewtest.Last[views.StatusMsg](d); !ok || !strings.Contains(s.Text, "opened in the browser: "+tenant) {
		t.Errorf("status %v", d.Emitted)
	}

	dv := detail.New(sess, 7, "Web Sales 00007")
	dd := viewtest.New(t, dv, 100, 30)
	dd.Key("y")
	om, ok = viewtest.Last[views.OpenModalMsg](dd)
	if !ok {
		t.Fatalf("y in the detail opened nothing: %v", dd.Emitted)
	}
	md = viewtest.New(t, om.M, 80, 20)
	if !strings.Contains(md.Screen(), "acme.snowflakecomputing.com:443/ANALYTICS") {
		t.Errorf("the detail's menu does not preview the connection string:\n%s", md.Screen())
	}
	md.Key("c")
	if got := lastCopy(t, md.Emitted); got.Text != "acme.snowflakecomputing.com:443/ANALYTICS" {
		t.Errorf("y c copied %+v", got)
	}
	dd.Key("w")
	if len(op.urls) != 2 || !strings.HasSuffix(op.urls[1], "/data-source/7/overview") {
		t.Errorf("opened %v", op.urls)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// When no browser starts, the URL is copied and the status says why; a
// template that gives no http(s) URL opens nothing and says so.
func TestOpenFallsBackToCopy(t *testing.T) {
	_, sess, op := fixture()
	op.err = errors.New("xdg-open is not installed")
	msgs := viewtest.CollectAll(clip.Open(sess, 9))
	c, ok := msgs[0].(views.CopyMsg)
	if !ok || c.Text != tenant+"/#/data-source/9/overview" || c.What != "web UI URL" || c.Note != "no browser: xdg-open is not installed" {
		t.Errorf("fallback %v", msgs)
	}

	sess.WebURL = "javascript:alert({id})"
	msgs = viewtest.CollectAll(clip.Open(sess, 9))
	if s, ok := msgs[0].(views.StatusMsg); !ok || s.Level != views.Warn || !strings.Contains(s.Text, "not an http(s) URL") {
		t.Errorf("bad template: %v", msgs)
	}
	sess.WebURL = "{base}/ds/{id}"
	sess.TenantURL = "https://acme.immuta.com/\x1b[2J"
	msgs = viewtest.CollectAll(clip.Open(sess, 9))
	if s, ok := msgs[0].(views.StatusMsg); !ok || strings.ContainsRune(s.Text, 0x1b) {
		t.Errorf("hostile tenant URL: %v", msgs)
	}
	if len(op.urls) != 1 {
		t.Errorf("the opener ran for a bad URL: %v", op.urls)
	}
}

// The copy menu at 80x20: from a list row (what needs a fetch says so),
// and from the detail's source.
func TestGoldenCopyMenu(t *testing.T) {
	api, sess, _ := fixture()
	for name, s := range map[string]clip.Source{
		"row":    {ID: 7, Name: "Web Sales 00007"},
		"detail": {ID: 7, Name: "Web Sales 00007", Src: &api.Sources[6]},
	} {
		t.Run(name, func(t *testing.T) {
			m := clip.New(sess, s)
			tm := teatest.NewTestModel(t, &viewtest.Harness{V: m, Ready: func() bool { return true }}, teatest.WithInitialTermSize(80, 20))
			teatest.RequireEqualOutput(t, []byte(tm.FinalModel(t).View()))
		})
	}
}

// The menu's letters are the ones keymap keeps free of other bindings
// in the copy menu, in the same order.
func TestItemsAreKeymapsCopyMenuItems(t *testing.T) {
	var got []string
	for _, it := range clip.Items {
		got = append(got, it.Key)
	}
	if strings.Join(got, " ") != strings.Join(keymap.CopyMenuItems, " ") {
		t.Errorf("clip.Items %v, keymap.CopyMenuItems %v", got, keymap.CopyMenuItems)
	}
}

// A rebound back key closes the menu, as esc does by default.
func TestReboundBackClosesTheMenu(t *testing.T) {
	_, sess, _ := fixture()
	keys, err := sess.Keys.Apply(map[string][]string{"back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	sess.Keys = keys
	d := viewtest.New(t, clip.New(sess, clip.Source{ID: 7, Name: "x"}), 80, 20)
	d.Key("esc")
	if closed(d) {
		t.Fatal("esc closed the menu, but back is ctrl+g")
	}
	d.Send(tea.KeyMsg{Type: tea.KeyCtrlG})
	if !closed(d) || len(d.Emitted) != 0 {
		t.Fatalf("ctrl+g: closed %v, sent %v", closed(d), d.Emitted)
	}
}

// y then a letter typed faster than the menu opens: the letter reaches
// the list first and copies; the menu then closes as it opens. esc drops
// it the same way; another key is the list's, and the menu opens.
func TestCopyLetterBeforeMenuOpens(t *testing.T) {
	_, sess, _ := fixture()
	list := sources.New(sess)
	d := viewtest.New(t, list, 120, 20)
	row, _ := list.Selected()
	d.Key("y", "i") // the menu's OpenModalMsg is not delivered yet
	om, ok := viewtest.Last[views.OpenModalMsg](d)
	if !ok {
		t.Fatal("y opened nothing")
	}
	if got := lastCopy(t, d.Emitted); got.Text != itoa(row.ID) || got.What != "source id" {
		t.Errorf("y i copied %+v", got)
	}
	md := viewtest.New(t, om.M, 80, 20)
	if !closed(md) || md.Screen() != "" {
		t.Errorf("the menu taken early did not close as it opened: %v %q", md.Emitted, md.Screen())
	}

	d.Key("y", "esc")
	om, _ = viewtest.Last[views.OpenModalMsg](d)
	md = viewtest.New(t, om.M, 80, 20)
	if !closed(md) {
		t.Error("y esc: the menu opened")
	}

	d.Key("y", "down")
	if row2, _ := list.Selected(); row2.ID == row.ID {
		t.Error("down after y did not move the cursor")
	}
	om, _ = viewtest.Last[views.OpenModalMsg](d)
	md = viewtest.New(t, om.M, 80, 20)
	if closed(md) || !strings.Contains(md.Screen(), "Copy from") {
		t.Errorf("y down: the menu did not open: %q", md.Screen())
	}
	// Only the first key after y: the next letter is the list's again.
	before := len(d.Emitted)
	d.Key("i")
	for _, m := range d.Emitted[before:] {
		if _, ok := m.(views.CopyMsg); ok {
			t.Error("a later i copied")
		}
	}
}

// On a short terminal (60x15 leaves the menu 11 lines) the spacers give
// way first and the highlighted item stays on screen as the cursor
// moves, so enter never copies an item that cannot be seen.
func TestMenuShortTerminalKeepsCursorVisible(t *testing.T) {
	_, sess, _ := fixture()
	d := viewtest.New(t, clip.New(sess, clip.Source{ID: 7, Name: "Web Sales 00007"}), 60, 11)
	for _, it := range clip.Items[1:] {
		d.Key("down")
		scr := d.Screen()
		if !strings.Contains(scr, "› "+it.Key+"  "+it.Label) {
			t.Errorf("cursor on %q not shown:\n%s", it.Label, scr)
		}
		if !strings.Contains(scr, "esc cancels") {
			t.Errorf("the hint line is gone at 60x11:\n%s", scr)
		}
	}
}
