// Package requestlog is the session's request log: every HTTP request the
// client sent, newest first (time, method, status, duration, size,
// retries, path and query), the headers and body of one, and a curl
// command that sends it again with the key read from $IMMUTA_API_KEY.
//
// Keys: j/k (↑/↓), pgup/pgdown, g/G move; enter shows the request; y
// copies it as curl (OSC 52); r reads the log again (it also follows new
// requests by itself every second); esc leaves the request, then the log.
package requestlog

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/pager"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/table"
)

// Poll is how often an open log looks for new requests (a counter
// compare; it reads the records only when there are new ones).
const Poll = time.Second

type tickMsg struct{}

// Model is the request log screen. It implements views.View and
// views.Backer.
type Model struct {
	sess *views.Session
	log  *apiclient.RequestLog
	recs []apiclient.RequestRecord // newest first
	seq  uint64

	cur  table.Cursor
	w, h int

	detail bool
	page   pager.Model
}

var (
	_ views.View   = (*Model)(nil)
	_ views.Backer = (*Model)(nil)
)

// New returns the log of ctx.RequestLog (a screen that says there is none
// when it is nil).
func New(sess *views.Session) *Model {
	m := &Model{sess: sess, log: sess.RequestLog, page: pager.New(&sess.Keys)}
	m.read()
	return m
}

// IsRequestLog marks the screen, so the root does not open it twice.
func (m *Model) IsRequestLog() {}

func (m *Model) Init() tea.Cmd       { return tick() }
func (m *Model) Title() string       { return "Request log" }
func (m *Model) CapturesInput() bool { return false }

func tick() tea.Cmd { return tea.Tick(Poll, func(time.Time) tea.Msg { return tickMsg{} }) }

func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.clamp()
	if m.page.SetSize(m.w, m.h) && m.detail {
		m.page.SetContent(m.detailText())
	}
}

// Back leaves the request shown for the list; false on the list.
func (m *Model) Back() (tea.Cmd, bool) {
	if m.detail {
		m.detail = false
		return nil, true
	}
	return nil, false
}

// read takes the log's records again, keeping the selected request
// selected (new ones come in above it).
func (m *Model) read() {
	var sel uint64
	if r := m.selected(); r != nil {
		sel = r.ID
	}
	m.seq = m.log.Seq()
	m.recs = m.log.Snapshot()
	if sel != 0 {
		found := false
		for i := range m.recs {
			if m.recs[i].ID == sel {
				m.cur.Set(i, len(m.recs), m.tableRows())
				found = true
				break
			}
		}
		if !found {
			// The request shown has left the log (it keeps the last N):
			// back to the list rather than show another under its place.
			m.detail = false
		}
	}
	m.clamp()
}

func (m *Model) selected() *apiclient.RequestRecord {
	if i := m.cur.Index(); i < len(m.recs) {
		return &m.recs[i]
	}
	return nil
}

// Selected is the request under the cursor (nil when the log is empty).
func (m *Model) Selected() *apiclient.RequestRecord { return m.selected() }

// Showing reports whether one request is shown (after enter).
func (m *Model) Showing() bool { return m.detail }

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		if m.log.Seq() != m.seq && !m.detail {
			m.read()
		}
		return m, tick()
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		if m.detail {
			m.page.Update(msg)
		} else {
			m.cur.Wheel(msg, len(m.recs), m.tableRows())
		}
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	switch {
	case key.Matches(msg, k.Copy):
		r := m.selected()
		if r == nil {
			return views.Status("no request to copy", views.Warn)
		}
		what := "curl command for " + r.Method + " " + r.Path
		if r.BodyCut {
			what += fmt.Sprintf(" (body cut at %d bytes)", apiclient.MaxLoggedBody)
		}
		return views.Copy(r.Curl(), what)
	case key.Matches(msg, k.Refresh):
		m.read()
		if m.detail {
			m.page.SetContent(m.detailText())
		}
		return nil
	}
	if m.detail {
		m.page.Update(msg)
		return nil
	}
	switch {
	case key.Matches(msg, k.Open):
		if m.selected() != nil {
			m.detail = true
			m.page.SetContent(m.detailText())
			m.page.GotoTop()
		}
	default:
		m.cur.Key(msg, &k, len(m.recs), m.tableRows())
	}
	return nil
}

// tableRows is how many rows fit under the count and header lines.
func (m *Model) tableRows() int { return max(m.h-2, 1) }

func (m *Model) clamp() { m.cur.Clamp(len(m.recs), m.tableRows()) }

// --- drawing -------------------------------------------------------------

// Cells of one record, made safe to draw.
func status(r *apiclient.RequestRecord) string {
	if r.Status == 0 {
		return "ERR"
	}
	return strconv.Itoa(r.Status)
}

func duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	return d.Round(100 * time.Millisecond).String()
}

func size(r *apiclient.RequestRecord) string {
	if r.Status == 0 && r.Size == 0 {
		return "—"
	}
	return humanize.Bytes(uint64(max(r.Size, 0)))
}

func retries(r *apiclient.RequestRecord) string {
	if r.Retries == 0 {
		return ""
	}
	return strconv.Itoa(r.Retries)
}

type col struct {
	title string
	w     int // 0: takes the rest
	right bool
	cell  func(m *Model, r *apiclient.RequestRecord) string
}

// statusCol is the STATUS column, drawn in the error style for a failure.
const statusCol = 2

var cols = []col{
	{"TIME", 8, false, func(m *Model, r *apiclient.RequestRecord) string { return r.Time.In(m.loc()).Format("15:04:05") }},
	{"METHOD", 6, false, func(_ *Model, r *apiclient.RequestRecord) string { return r.Method }},
	{"STATUS", 6, true, func(_ *Model, r *apiclient.RequestRecord) string { return status(r) }},
	{"TOOK", 6, true, func(_ *Model, r *apiclient.RequestRecord) string { return duration(r.Duration) }},
	{"SIZE", 6, true, func(_ *Model, r *apiclient.RequestRecord) string { return size(r) }},
	{"RETRIES", 7, true, func(_ *Model, r *apiclient.RequestRecord) string { return retries(r) }},
	{"PATH AND QUERY", 0, false, func(_ *Model, r *apiclient.RequestRecord) string { return r.Path }},
}

// loc is the zone times are shown in: the clock's, so goldens are fixed.
func (m *Model) loc() *time.Location { return m.sess.Clock().Location() }

// One space between columns: numbers are right-aligned under titles
// wider than most of them, and the path gets the room (80 columns leave
// it 35).
const (
	sep     = 1
	minPath = 28 // below it, narrowDrops go first (60 columns: 29)
)

// narrowDrops are the columns (indexes in cols) hidden in turn when the
// path would get less than minPath: retries, size, duration.
var narrowDrops = []int{5, 4, 3}

func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	if m.detail {
		return m.page.View()
	}
	st := m.sess.Styles
	if m.log == nil {
		return format.Clip(st.Muted.Render("This session keeps no request log."), m.w, m.h)
	}
	lines := make([]string, 0, m.h)
	head := st.Bold.Render(fmt.Sprintf("%d requests", len(m.recs))) +
		st.Muted.Render(fmt.Sprintf(" · newest first · the last %d are kept (request_log_size)", m.log.Limit()))
	if m.seq > uint64(len(m.recs)) {
		head += st.Muted.Render(fmt.Sprintf(" · %d older dropped", m.seq-uint64(len(m.recs))))
	}
	lines = append(lines, ansi.Truncate(head, m.w, "…"))
	if len(m.recs) == 0 {
		lines = append(lines, st.Muted.Render("No request has been sent yet."))
		return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
	}
	widths := make([]int, len(cols))
	used := table.Gutter
	for i, c := range cols {
		widths[i] = c.w
		used += c.w + sep
	}
	last := len(cols) - 1
	// On a narrow terminal the path is what tells requests apart:
	// retries, then size, then duration give it their room (0 hides).
	for _, i := range narrowDrops {
		if m.w-used+sep >= minPath {
			break
		}
		used -= widths[i] + sep
		widths[i] = 0
	}
	widths[last] = max(m.w-used+sep, 4)
	g := table.Grid{Cols: make([]table.Col, len(cols)), Sep: sep,
		Cell: func(i, j int) string { return safe.Short(cols[j].cell(m, &m.recs[i]), widths[j]+1) },
		Alert: func(i, j int) bool {
			r := &m.recs[i]
			return j == statusCol && (r.Status == 0 || r.Status >= 400)
		},
	}
	for i, c := range cols {
		g.Cols[i] = table.Col{Title: c.title, Width: widths[i], Right: c.right}
	}
	lines = append(lines, g.Lines(st, m.cur, len(m.recs), m.tableRows())...)
	return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
}

// authText says how the key was sent, in words.
func authText(a apiclient.AuthMode) string {
	switch a {
	case apiclient.AuthRaw:
		return "the API key in Authorization (copied as $" + apiclient.KeyEnv + ")"
	case apiclient.AuthBearer:
		return "Bearer and the API key (copied as Bearer $" + apiclient.KeyEnv + ")"
	case apiclient.AuthExchange:
		return "Bearer and a session token from POST /bim/apikey/authenticate (the copy trades $" + apiclient.KeyEnv + " for one first)"
	}
	return "no Authorization header"
}

// detailText lays out the selected request for the pager's width.
func (m *Model) detailText() string {
	r := m.selected()
	if r == nil {
		return ""
	}
	st := m.sess.Styles
	d := format.NewDoc(max(m.page.Width(), 1))
	d.Hard(0, st.Title.Render(safe.Line(r.Method+" "+r.URL)))
	d.Blank()
	kv := func(k, v string) { d.Hang(0, 10, st.Label.Render(table.Pad(k, 9, false))+" "+v) }
	if r.Status == 0 {
		kv("Status", st.Error.Render("no answer"))
	} else {
		kv("Status", strconv.Itoa(r.Status))
	}
	if r.Err != "" {
		kv("Error", st.Error.Render(safe.Line(r.Err)))
	}
	kv("Sent", r.Time.In(m.loc()).Format("2006-01-02 15:04:05.000 MST"))
	kv("Took", duration(r.Duration))
	kv("Size", fmt.Sprintf("%s (%d bytes read)", size(r), r.Size))
	kv("Retries", strconv.Itoa(r.Retries))
	kv("Auth", authText(r.Auth))
	d.Blank()
	d.Add(0, st.Section.Render("Headers sent"))
	for _, h := range r.Header {
		d.Hang(2, 4, safe.Line(h.Name)+": "+safe.Line(h.Value))
	}
	d.Blank()
	switch {
	case r.BodySize == 0 && r.Body == "":
		d.Add(0, st.Section.Render("Body sent")+st.Muted.Render(" · none"))
	default:
		note := fmt.Sprintf(" · %d bytes", r.BodySize)
		if r.BodyCut {
			note += fmt.Sprintf(", the first %d kept", apiclient.MaxLoggedBody)
		}
		d.Add(0, st.Section.Render("Body sent")+st.Muted.Render(note))
		body := safe.Block(r.Body)
		if json.Valid([]byte(r.Body)) {
			body = format.PrettyJSON(json.RawMessage(r.Body))
		}
		for _, l := range strings.Split(body, "\n") {
			d.Hard(2, l)
		}
	}
	d.Blank()
	d.Add(0, st.Muted.Render(m.sess.Keys.Copy.Help().Key+" copies it as a curl command that reads the key from $"+apiclient.KeyEnv+"; it never holds the key."))
	return d.String()
}

// --- help ----------------------------------------------------------------

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	cp := keymap.Help("copy as curl", k.Copy)
	if m.detail {
		return m.page.ShortHelp(cp)
	}
	return []key.Binding{k.Down, k.Up, keymap.Help("show request", k.Open), cp, k.Refresh}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.sess.Keys
	cp := keymap.Help("copy as curl", k.Copy)
	if m.detail {
		return m.page.FullHelp(cp, k.Refresh)
	}
	return [][]key.Binding{table.MovementHelp(&k), {keymap.Help("show request", k.Open), cp, k.Refresh}}
}
