// Package columns is a data source's columns, from its data dictionary
// (GET /dictionary/{id}): name, type, remote type, nullable, primary key,
// column tags and description, with its own / filter.
//
// Keys: j/k (↑/↓), pgup/pgdown, g/G move; / filters (every word typed must
// appear in the name, a type, a tag or the description; enter keeps the
// filter, esc clears it); r reloads.
package columns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/table"
)

// row is one column, made safe to draw once, when it loads.
type row struct {
	name, typ, remote, null, key, tags, desc string
	search                                   string // the fields, lower-cased, for the filter
}

// maxCell bounds each field kept for display, in cells: a 10 MB
// description must not be measured on every frame.
const maxCell = 512

func toRow(c apiclient.Column) row {
	r := row{
		name:   safe.Short(c.Name, maxCell),
		typ:    safe.Short(c.DataType, maxCell),
		remote: safe.Short(c.RemoteType, maxCell),
		null:   "no",
		tags:   safe.Short(strings.Join(c.Tags.Names(), ", "), maxCell),
		desc:   safe.Short(c.Description, maxCell),
	}
	if c.IsNullable() {
		r.null = "yes"
	}
	if c.IsPrimaryKey {
		r.key = "key"
	}
	r.search = strings.ToLower(strings.Join([]string{r.name, r.typ, r.remote, r.tags, r.desc}, "\n"))
	return r
}

type loadedMsg struct {
	dict *apiclient.Dictionary
	err  error
}

// Model is the columns view of one source. It implements views.View,
// views.Closer and views.Backer.
type Model struct {
	sess   *views.Session
	id     int64
	name   string
	base   context.Context
	cancel context.CancelFunc

	load    views.Slot // the newest load's reply counts
	loading bool
	loaded  bool
	err     error
	rows    []row
	shown   []int // indexes into rows after the filter
	nat     []int // each column's natural width over shown (see natural)

	input  textinput.Model
	typing bool
	query  string

	cur  table.Cursor
	w, h int
}

var (
	_ views.View   = (*Model)(nil)
	_ views.Closer = (*Model)(nil)
	_ views.Backer = (*Model)(nil)
)

// New returns the columns view of source id (name is the source's name,
// unsanitized).
func New(sess *views.Session, id int64, name string) *Model {
	base, cancel := context.WithCancel(context.Background())
	in := textinput.New()
	in.Prompt = table.FilterPrompt
	in.CharLimit = 256
	in.PromptStyle = sess.Styles.Filter.Prompt
	in.TextStyle = sess.Styles.Filter.Text
	return &Model{sess: sess, id: id, name: name, base: base, cancel: cancel, input: in}
}

func (m *Model) Init() tea.Cmd { return m.reload() }
func (m *Model) Close()        { m.cancel() }
func (m *Model) Title() string { return "Columns" }

// CapturesInput is true while the filter is typed.
func (m *Model) CapturesInput() bool { return m.typing }

func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.clamp()
}

// Back clears the filter first (esc); false when there was none.
func (m *Model) Back() (tea.Cmd, bool) {
	if m.typing || m.query != "" {
		m.typing = false
		m.input.Blur()
		m.input.SetValue("")
		m.setQuery("")
		return nil, true
	}
	return nil, false
}

func (m *Model) sourceName() string {
	if n := format.Inline(m.name); n != "" {
		return n
	}
	return fmt.Sprintf("data source %d", m.id)
}

func (m *Model) reload() tea.Cmd {
	m.loading = true
	id, base, sess := m.id, m.base, m.sess
	return views.TrackLatest(&m.load, "loading the columns of "+m.sourceName(), func() tea.Msg {
		ctx, cancel := sess.WithTimeout(base)
		defer cancel()
		d, err := sess.API.GetDictionary(ctx, id)
		if err == nil && d == nil {
			err = errors.New("the server sent no dictionary")
		}
		return loadedMsg{dict: d, err: err}
	})
}

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case views.RequestDoneMsg:
		if msg.Msg == nil {
			return m, nil
		}
		return m.Update(msg.Msg)
	case loadedMsg:
		m.loading = false
		if msg.err != nil {
			if errors.Is(msg.err, context.Canceled) {
				return m, nil
			}
			m.err = msg.err
			if errors.Is(msg.err, apiclient.ErrNotFound) {
				return m, nil // said on the page: no dictionary
			}
			return m, views.Error("loading the columns of "+m.sourceName(), msg.err)
		}
		m.err, m.loaded = nil, true
		m.rows = make([]row, len(msg.dict.Columns))
		for i, c := range msg.dict.Columns {
			m.rows[i] = toRow(c)
		}
		m.setQuery(m.query)
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		m.cur.Wheel(msg, len(m.shown), m.tableRows())
	}
	if m.typing {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	if m.typing {
		switch {
		case keymap.Typed(msg):
			// text for the filter, never a binding
		case key.Matches(msg, k.Back):
			m.Back()
			return nil
		case key.Matches(msg, k.Accept):
			m.typing = false
			m.input.Blur()
			return nil
		case m.cur.TypingKey(msg, &k, len(m.shown), m.tableRows()):
			return nil
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		if v := m.input.Value(); v != m.query {
			m.setQuery(v)
		}
		return cmd
	}
	switch {
	case key.Matches(msg, k.Filter):
		m.typing = true
		m.input.SetValue(m.query)
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(msg, k.Refresh):
		return m.reload()
	default:
		m.cur.Key(msg, &k, len(m.shown), m.tableRows())
	}
	return nil
}

// setQuery filters the rows: every word of q must appear in a row.
// Dictionaries hold at most a few thousand columns, so this runs inline.
func (m *Model) setQuery(q string) {
	m.query = q
	words := strings.Fields(strings.ToLower(q))
	m.shown = m.shown[:0]
	for i, r := range m.rows {
		ok := true
		for _, w := range words {
			if !strings.Contains(r.search, w) {
				ok = false
				break
			}
		}
		if ok {
			m.shown = append(m.shown, i)
		}
	}
	m.nat = m.natural()
	m.cur.Reset()
	m.clamp()
}

// natural is each column's width: its widest cell among the rows shown
// (up to the column's max). Worked out once per filter, not per frame.
func (m *Model) natural() []int {
	nat := make([]int, len(cols))
	for i, c := range cols {
		nat[i] = ansi.StringWidth(c.title)
		for _, j := range m.shown {
			if c.max > 0 && nat[i] >= c.max {
				break
			}
			if n := ansi.StringWidth(c.cell(&m.rows[j])); n > nat[i] {
				nat[i] = n
			}
		}
		if c.max > 0 {
			nat[i] = min(nat[i], c.max)
		}
	}
	return nat
}

// tableRows is how many rows fit under the status, filter and header lines.
func (m *Model) tableRows() int {
	n := m.h - 2
	if m.filterShown() {
		n--
	}
	return max(n, 1)
}

func (m *Model) filterShown() bool { return m.typing || m.query != "" }

func (m *Model) clamp() { m.cur.Clamp(len(m.shown), m.tableRows()) }

// Shown returns the names of the columns the filter keeps, in order (for
// tests).
func (m *Model) Shown() []string {
	out := make([]string, len(m.shown))
	for i, j := range m.shown {
		out[i] = m.rows[j].name
	}
	return out
}

// --- drawing -------------------------------------------------------------

type col struct {
	title string
	max   int // widest it grows to (0: takes the rest)
	cell  func(r *row) string
}

// cols in order; layout drops them from the end of dropOrder as the
// terminal narrows.
var cols = []col{
	{"NAME", 40, func(r *row) string { return r.name }},
	{"TYPE", 14, func(r *row) string { return r.typ }},
	{"REMOTE TYPE", 24, func(r *row) string { return r.remote }},
	{"NULL", 4, func(r *row) string { return r.null }},
	{"KEY", 3, func(r *row) string { return r.key }},
	{"TAGS", 36, func(r *row) string { return r.tags }},
	{"DESCRIPTION", 0, func(r *row) string { return r.desc }},
}

// dropOrder is which columns go first when they do not all fit.
var dropOrder = []int{4, 2, 3, 6, 1}

const sep = 2

// layout picks the columns that fit width w and their widths, sized to
// the widest cell shown (up to each column's max).
func (m *Model) layout(w int) ([]int, []int) {
	nat := m.nat
	if len(nat) != len(cols) {
		nat = m.natural()
	}
	keep := make([]bool, len(cols))
	for i := range keep {
		keep[i] = true
	}
	total := func() int {
		t := table.Gutter
		n := 0
		for i, k := range keep {
			if k {
				w := nat[i]
				if cols[i].max == 0 {
					w = min(w, 12) // the description needs some room, not all
				}
				t += w
				n++
			}
		}
		return t + sep*(n-1)
	}
	for _, d := range dropOrder {
		if total() <= w {
			break
		}
		keep[d] = false
	}
	var idx, widths []int
	used := table.Gutter
	for i, k := range keep {
		if k {
			idx = append(idx, i)
			widths = append(widths, nat[i])
			used += nat[i]
		}
	}
	used += sep * (len(idx) - 1)
	// The last column takes what is left (or gives back what is missing).
	last := len(widths) - 1
	widths[last] = max(widths[last]+w-used, 1)
	if cols[idx[last]].max > 0 {
		widths[last] = min(widths[last], max(nat[idx[last]], 1))
	}
	return idx, widths
}

func (m *Model) View() string {
	if m.w <= 0 || m.h <= 0 {
		return ""
	}
	st := m.sess.Styles
	name := m.sourceName()
	if !m.loaded {
		var msg string
		switch {
		case errors.Is(m.err, apiclient.ErrNotFound):
			msg = st.Muted.Render(name + " has no data dictionary (the server answered: not found).")
		case m.err != nil:
			msg = st.Error.Render("Could not load the columns of "+name+": "+format.Inline(apiclient.Explain(m.err))) +
				"\n" + st.Muted.Render("Press "+m.sess.Keys.Refresh.Help().Key+" to try again.")
		default:
			msg = st.Muted.Render("Loading the columns of " + name + "…")
		}
		return format.Clip(ansi.Wrap(msg, m.w, ""), m.w, m.h)
	}
	lines := make([]string, 0, m.h)
	status := st.Bold.Render(fmt.Sprintf("%d columns", len(m.rows))) + st.Muted.Render(" · "+name)
	if m.loading {
		status += st.Muted.Render(" · reloading…")
	}
	lines = append(lines, ansi.Truncate(status, m.w, "…"))
	if m.filterShown() {
		info := fmt.Sprintf("%d of %d match", len(m.shown), len(m.rows))
		lines = append(lines, table.FilterLine(st, m.w, m.input, m.typing, m.query, info, m.sess.Keys.Back))
	}
	if len(m.rows) == 0 {
		lines = append(lines, st.Muted.Render("The data dictionary of "+name+" lists no columns."))
		return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
	}
	idx, widths := m.layout(m.w)
	g := table.Grid{Cols: make([]table.Col, len(idx)), Sep: sep, Cell: func(i, j int) string {
		return cols[idx[j]].cell(&m.rows[m.shown[i]])
	}}
	for j, ci := range idx {
		g.Cols[j] = table.Col{Title: cols[ci].title, Width: widths[j]}
	}
	grid := g.Lines(st, m.cur, len(m.shown), m.tableRows())
	lines = append(lines, grid[0])
	if len(m.shown) == 0 {
		lines = append(lines, st.Muted.Render("  No column matches “"+safe.Line(m.query)+"”."))
	}
	lines = append(lines, grid[1:]...)
	return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
}

// --- help ----------------------------------------------------------------

func (m *Model) typingHelp() []key.Binding {
	k := m.sess.Keys
	return []key.Binding{keymap.Help("keep filter", k.Accept), keymap.Help("clear filter", k.Back)}
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	if m.typing {
		return m.typingHelp()
	}
	return []key.Binding{k.Down, k.Up, k.Filter, k.Refresh}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.sess.Keys
	if m.typing {
		return [][]key.Binding{m.typingHelp()}
	}
	return [][]key.Binding{table.MovementHelp(&k), {k.Filter, k.Refresh}}
}
