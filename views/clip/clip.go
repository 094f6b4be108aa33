// Package clip is the copy menu of a data source (y: a small menu, or y
// then a letter, as in gh-dash and lazygit) and the open-in-the-web-UI
// action (w). Copies go to the root as views.CopyMsg, which writes them
// through OSC 52 and says in the status line what was copied.
package clip

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/report"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/weblink"
)

// Source is what the menu copies from. The list knows only a row: Src is
// nil there, and the items that need the whole source (SQL table,
// connection string, JSON) fetch it when picked.
type Source struct {
	ID   int64
	Name string
	Src  *apiclient.DataSource
}

// Item is one thing the menu copies; Key is its letter.
type Item struct {
	Key   string
	Label string // in the menu
	What  string // in the status line: "copied source id: 22"
}

// Items are the menu's entries, in order. Their letters are also
// keymap.CopyMenuItems (keymap cannot import clip, and refuses [keys]
// overrides the menu would shadow); a test keeps the two the same.
var Items = []Item{
	{"i", "id", "source id"},
	{"n", "name", "source name"},
	{"t", "SQL table", "SQL table"},
	{"c", "connection string", "connection string"},
	{"u", "web UI URL", "web UI URL"},
	{"j", "JSON", "source JSON"},
}

// Menu opens the copy menu for s. The menu reaches the screen through a
// command, so a letter typed right after y may reach the view first: the
// view hands its keys to Early, which copies with that letter.
func Menu(sess *views.Session, s Source) tea.Cmd {
	if s.ID <= 0 {
		return nil
	}
	m := New(sess, s)
	onTheWay.Store(sess, m)
	return views.OpenModal(m)
}

// onTheWay is each session's copy menu between y and its showing.
var onTheWay sync.Map // *views.Session -> *Model

// Early takes a key that reached a view while its copy menu was on its
// way (y then a letter, typed faster than the menu opens): a letter
// copies, esc drops the menu (which then closes as it opens); any other
// key is the view's, and the menu opens. It reports whether it used the
// key. Only the first key after y is looked at.
func Early(sess *views.Session, km tea.KeyMsg) (tea.Cmd, bool) {
	v, ok := onTheWay.LoadAndDelete(sess)
	if !ok {
		return nil, false
	}
	m := v.(*Model)
	for _, it := range Items {
		if km.String() == it.Key {
			m.closed = true
			return Copy(sess, m.s, it.Key), true
		}
	}
	if key.Matches(km, sess.Keys.Back) {
		m.closed = true
		return nil, true
	}
	return nil, false
}

// Model is the copy menu, a modal.
type Model struct {
	sess   *views.Session
	s      Source
	cursor int
	closed bool
	w, h   int
}

var (
	_ views.View    = (*Model)(nil)
	_ views.Closing = (*Model)(nil)
)

// New is the menu for s.
func New(sess *views.Session, s Source) *Model { return &Model{sess: sess, s: s} }

// Init runs as the menu is shown. A menu whose key was taken early is
// closed already (Closed), and the root closes it at once.
func (m *Model) Init() tea.Cmd {
	onTheWay.CompareAndDelete(m.sess, m)
	return nil
}

func (m *Model) Title() string       { return "Copy" }
func (m *Model) CapturesInput() bool { return true } // letters pick items, q does not quit
func (m *Model) SetSize(w, h int)    { m.w, m.h = w, h }
func (m *Model) Closed() bool        { return m.closed }

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || m.closed {
		return m, nil
	}
	// The letters first: j is JSON here, not down.
	for _, it := range Items {
		if km.String() == it.Key {
			m.closed = true
			return m, Copy(m.sess, m.s, it.Key)
		}
	}
	k := m.sess.Keys
	switch {
	case key.Matches(km, k.Back, k.Copy, k.Quit):
		m.closed = true
		return m, nil
	case key.Matches(km, k.Accept):
		m.closed = true
		return m, Copy(m.sess, m.s, Items[m.cursor].Key)
	case key.Matches(km, k.CursorUp, k.PrevField):
		m.cursor = (m.cursor + len(Items) - 1) % len(Items)
		return m, nil
	case key.Matches(km, k.CursorDown, k.NextField):
		m.cursor = (m.cursor + 1) % len(Items)
		return m, nil
	}
	return m, nil
}

// Copy is the command that copies item (an Items key) of s: at once when
// the value is known, else after fetching the source.
func Copy(sess *views.Session, s Source, item string) tea.Cmd {
	var it Item
	for _, i := range Items {
		if i.Key == item {
			it = i
		}
	}
	switch item {
	case "i":
		return views.Copy(strconv.FormatInt(s.ID, 10), it.What)
	case "n":
		name := s.Name
		if s.Src != nil && s.Src.Name != "" {
			name = s.Src.Name
		}
		return views.Copy(safe.Line(name), it.What)
	case "u":
		u, err := URL(sess, s.ID)
		if err != nil {
			return views.Status(safe.Line(err.Error()), views.Warn)
		}
		return views.Copy(u, it.What)
	case "t", "c", "j":
		if s.Src != nil {
			return func() tea.Msg { return fromSource(s.Src, it) }
		}
		api, id := sess.API, s.ID
		return func() tea.Msg {
			c, cancel := sess.WithTimeout(context.Background())
			defer cancel()
			d, err := api.GetDataSource(c, id)
			if err != nil {
				return views.ErrorMsg{What: fmt.Sprintf("fetching data source %d to copy its %s", id, it.Label), Err: err}
			}
			return fromSource(d, it)
		}
	}
	return nil
}

// fromSource is the copy of one of the whole source's values, or a word
// that it has none.
func fromSource(d *apiclient.DataSource, it Item) tea.Msg {
	var v string
	switch it.Key {
	case "t":
		v = report.SQLTable(d)
	case "c":
		v = d.ConnectionString
	case "j":
		if raw := strings.TrimSpace(string(d.Raw)); raw != "" {
			v = raw // the server's bytes: OSC 52 carries them base64, the screen never sees them
		} else if b, err := json.Marshal(d); err == nil {
			v = string(b)
		}
	}
	if v == "" {
		return views.StatusMsg{Text: fmt.Sprintf("data source %d has no %s to copy", d.ID, it.Label), Level: views.Warn}
	}
	if it.Key != "j" {
		v = safe.Line(v) // one line of text, as it would be typed
	}
	return views.CopyMsg{Text: v, What: it.What}
}

// URL is source id's page in the web UI, by the profile's web_url.
func URL(sess *views.Session, id int64) (string, error) {
	return weblink.Build(sess.WebURL, sess.TenantURL, id)
}

// Open opens source id in the web UI: the browser starts in a command,
// off the UI goroutine. When none can be started, the URL is copied and
// the status line shows it with the reason.
func Open(sess *views.Session, id int64) tea.Cmd {
	u, err := URL(sess, id)
	if err != nil {
		return views.Status(safe.Line(err.Error()), views.Warn)
	}
	open := sess.OpenURL
	if open == nil {
		open = weblink.System
	}
	return func() tea.Msg {
		if err := open(u); err != nil {
			return views.CopyMsg{Text: u, What: "web UI URL", Note: "no browser: " + safe.Line(err.Error())}
		}
		return views.StatusMsg{Text: "opened in the browser: " + u, Level: views.Success}
	}
}

// --- help and drawing ------------------------------------------------------

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	return []key.Binding{keymap.CopyItems("copy"), keymap.Help("copy selected", k.Accept), keymap.Help("cancel", k.Back)}
}

func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// preview is the value shown beside an item, when known without a fetch.
func (m *Model) preview(it Item) string {
	switch it.Key {
	case "i":
		return strconv.FormatInt(m.s.ID, 10)
	case "n":
		if m.s.Src != nil && m.s.Src.Name != "" {
			return format.Inline(m.s.Src.Name)
		}
		return m.s.Name
	case "u":
		if u, err := URL(m.sess, m.s.ID); err == nil {
			return u
		}
		return "(no URL)"
	}
	if m.s.Src == nil {
		return "(fetched when copied)"
	}
	switch it.Key {
	case "t":
		return format.Inline(report.SQLTable(m.s.Src))
	case "c":
		return format.Inline(m.s.Src.ConnectionString)
	}
	return fmt.Sprintf("%d bytes", len(m.s.Src.Raw))
}

func (m *Model) View() string {
	if m.closed {
		return "" // taken early: it closes as it opens
	}
	st := m.sess.Styles
	box := format.NewBox(st.Modal.Box, m.w, m.h, 24, 72)
	inner, maxLines := box.Inner, box.Lines
	head := []string{st.Modal.Title.Render(ansi.Truncate("Copy from "+format.Inline(m.s.Name), inner, "…")), ""}
	var mid []string
	for i, it := range Items {
		mark := "  "
		if i == m.cursor {
			mark = "› "
		}
		label := fmt.Sprintf("%s%s  %-17s ", mark, it.Key, it.Label)
		row := ansi.Truncate(label+st.Muted.Render(m.preview(it)), inner, "…")
		if i == m.cursor {
			row = st.Bold.Render(ansi.Truncate(label+m.preview(it), inner, "…"))
		}
		mid = append(mid, row)
	}
	hint := fmt.Sprintf("a letter copies · %s the selected · %s cancels", m.sess.Keys.Accept.Help().Key, m.sess.Keys.Back.Help().Key)
	tail := []string{"", st.Muted.Render(ansi.Truncate(hint, inner, "…"))}
	if len(head)+len(mid)+len(tail) > maxLines {
		// Short terminal: the spacers go before any item does, and the
		// items shown are the ones around the cursor, so enter never
		// copies a line that cannot be seen.
		head, tail = head[:1], tail[1:]
		if room := maxLines - len(head) - len(tail); room > 0 && room < len(mid) {
			from := min(max(m.cursor-room/2, 0), len(mid)-room)
			mid = mid[from : from+room]
		}
	}
	return box.Fit(head, mid, tail, st.Muted.Render("…"))
}
