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
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/pager"
	"github.com/dsbrowse/dsbrowse/views/safe"
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
	gen  uint64
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

	gen     uint64
	loading bool
	loaded  bool
	err     error
	rows    []row
	shown   []int // indexes into rows after the filter
	nat     []int // each column's natural width over shown (see natural)

	input  textinput.Model
	typing bool
	query  string

	cursor, offset int
	w, h           int
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
	in.Prompt = "/ "
	in.CharLimit = 256
	in.PromptStyle = sess.Styles.Filter.Prompt
	in.TextStyle = sess.Styles.Filter.Text
	return &Model{sess: sess, id: id, name: name, base: base, cancel: cancel, input: in}
}

func (m *Model) Init() tea.Cmd { return m.load() }
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

func (m *Model) load() tea.Cmd {
	m.gen++
	m.loading = true
	gen, id, base, sess := m.gen, m.id, m.base, m.sess
	return views.Track("loading the columns of "+m.sourceName(), func() tea.Msg {
		ctx, cancel := sess.WithTimeout(base)
		defer cancel()
		d, err := sess.API.GetDictionary(ctx, id)
		if err == nil && d == nil {
			err = errors.New("the server sent no dictionary")
		}
		return loadedMsg{gen: gen, dict: d, err: err}
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
		if msg.gen != m.gen {
			return m, nil
		}
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
		if d := pager.Wheel(msg); d != 0 {
			m.move(d)
		}
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
		switch msg.Type {
		case tea.KeyEsc:
			m.Back()
			return nil
		case tea.KeyEnter:
			m.typing = false
			m.input.Blur()
			return nil
		case tea.KeyUp, tea.KeyDown:
			m.move(map[bool]int{true: -1, false: 1}[msg.Type == tea.KeyUp])
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
		return m.load()
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.PageUp):
		m.move(-m.tableRows())
	case key.Matches(msg, k.PageDown):
		m.move(m.tableRows())
	case key.Matches(msg, k.Top):
		m.cursor = 0
		m.clamp()
	case key.Matches(msg, k.Bottom):
		m.cursor = len(m.shown) - 1
		m.clamp()
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
	m.cursor = 0
	m.offset = 0
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

func (m *Model) move(d int) {
	m.cursor += d
	m.clamp()
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

func (m *Model) clamp() {
	m.cursor = max(min(m.cursor, len(m.shown)-1), 0)
	rows := m.tableRows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(min(m.offset, len(m.shown)-rows), 0)
}

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

const (
	gutter = 2 // "› " marks the selected row without colour
	sep    = 2
)

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
		t := gutter
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
	used := gutter
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

func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0))
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
		if m.typing {
			in := m.input
			in.Width = max(m.w-2-ansi.StringWidth(info)-3, 1)
			lines = append(lines, ansi.Truncate(in.View()+st.Filter.Info.Render("  "+info), m.w, ""))
		} else {
			lines = append(lines, ansi.Truncate(st.Filter.Prompt.Render("/ ")+st.Filter.Text.Render(safe.Line(m.query))+
				st.Filter.Info.Render("  "+info+" · "+m.sess.Keys.Back.Help().Key+" clears"), m.w, "…"))
		}
	}
	if len(m.rows) == 0 {
		lines = append(lines, st.Muted.Render("The data dictionary of "+name+" lists no columns."))
		return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
	}
	idx, widths := m.layout(m.w)
	var hb strings.Builder
	hb.WriteString(strings.Repeat(" ", gutter))
	for j, ci := range idx {
		if j > 0 {
			hb.WriteString(strings.Repeat(" ", sep))
		}
		hb.WriteString(st.Table.Header.Render(pad(cols[ci].title, widths[j])))
	}
	lines = append(lines, hb.String())
	if len(m.shown) == 0 {
		lines = append(lines, st.Muted.Render("  No column matches “"+safe.Line(m.query)+"”."))
	}
	for i := m.offset; i < len(m.shown) && i < m.offset+m.tableRows(); i++ {
		r := &m.rows[m.shown[i]]
		base := st.Table.Cell
		var b strings.Builder
		if i == m.cursor {
			base = st.Table.Selected
			b.WriteString(st.Accent.Render("›") + " ")
		} else {
			b.WriteString(strings.Repeat(" ", gutter))
		}
		for j, ci := range idx {
			if j > 0 {
				b.WriteString(base.Render(strings.Repeat(" ", sep)))
			}
			b.WriteString(base.Render(pad(cols[ci].cell(r), widths[j])))
		}
		lines = append(lines, b.String())
	}
	return format.Clip(strings.Join(lines, "\n"), m.w, m.h)
}

// --- help ----------------------------------------------------------------

var (
	keepFilter  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter"))
	clearFilter = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter"))
)

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	if m.typing {
		return []key.Binding{keepFilter, clearFilter}
	}
	return []key.Binding{k.Down, k.Up, k.Filter, k.Refresh}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.sess.Keys
	if m.typing {
		return [][]key.Binding{{keepFilter, clearFilter}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Filter, k.Refresh}}
}
