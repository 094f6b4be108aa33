// Package detail is the data source detail view: a scrollable page with the
// source's overview, subscription policy in words, status checks,
// documentation and lineage (parents and children, selectable), plus a raw
// JSON view of everything the server sent.
//
// Keys: j/k (↑/↓), pgup/pgdown, g/G scroll the page; tab moves the focus
// into the lineage list, where j/k move a cursor among parents and children
// and enter opens the selected source; tab leaves the list, esc goes back
// to the screen before, as the footer says. J shows
// the raw JSON (esc or y again comes back), a opens the users with access,
// v the caller's visibility report, r reloads in place.
package detail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/clip"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/pager"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// lineage directions, in the order they are drawn.
var directions = [2]apiclient.LineageType{apiclient.LineageParents, apiclient.LineageChildren}

// Messages carrying request results. A refresh supersedes the load in
// flight: its replies are dropped by the root (views.Slot), not here.
type (
	sourceMsg struct {
		id  int64
		src *apiclient.DataSource
		err error
		// der is what the page needs from src, worked out by the
		// command, off the event loop (a large source takes a while).
		der *derived
	}
	lineageMsg struct {
		id      int64
		dir     int // index into directions
		entries []apiclient.LineageEntry
		err     error
	}
	tagsMsg struct {
		id   int64
		tags apiclient.Tags
		err  error
	}
)

// tagState is the source's tags from GET /dataSource/{id}/tags.
type tagState struct {
	loading bool
	loaded  bool
	tags    apiclient.Tags
	err     error // the last failed load: the source's own tags are shown
	slot    views.Slot
}

// lineageState is one direction of lineage.
type lineageState struct {
	loading bool
	loaded  bool
	entries []apiclient.LineageEntry
	err     error
}

// focus says where up/down go.
type focus int

const (
	focusPage focus = iota
	focusLineage
)

// Model is the detail view of one data source. Use New; it implements
// views.View, views.Closer and views.Backer.
type Model struct {
	sess   *views.Session
	id     int64
	name   string // the name given to New, unsanitized
	ctx    context.Context
	cancel context.CancelFunc
	closed bool

	// The slots of the source request and of each lineage direction:
	// a refresh's requests supersede those still in flight.
	srcSlot views.Slot
	linSlot [2]views.Slot
	loading bool // the source request is in flight
	src     *apiclient.DataSource
	present map[string]bool // top-level keys of src.Raw that are not null
	rawText string          // src.Raw pretty-printed and sanitized
	err     error           // the last failed source request
	gone    bool            // the server said 404
	removed bool            // a SourceRemovedMsg said it is deleted
	lin     [2]lineageState
	tags    tagState
	// contacts are the source's owners and experts (contacts.go): they
	// name the profile that created it; nil until they answer.
	contacts *apiclient.Contacts
	find     findState // / search within the text (find.go)
	rawColor []string  // rawLines syntax-coloured (find.go), nil: not yet

	// rawLines is rawText wrapped at rawW cells: wrapping a large source
	// takes long, so it is done once per width (first by the request).
	rawLines []string
	rawW     int

	raw    bool
	focus  focus
	cursor int // index into entries() while lineage has focus

	w, h      int
	lines     []string // the drawn page (or raw JSON) at width w
	entryLine []int    // content line of each entry of entries()
	// off is the scroll offset: [0] page, [1] raw JSON. The detail pages
	// text, as views/pager does, not a table: views/table's cursor (a
	// selected row inside a window) does not fit, and pager.Model cannot
	// be scrolled to a line (the lineage cursor, a search match), keep
	// two offsets, or mark only the visible lines of a 10 MB JSON.
	off [2]int
}

var (
	_ views.View   = (*Model)(nil)
	_ views.Closer = (*Model)(nil)
	_ views.Backer = (*Model)(nil)
)

// New returns the detail view of source id; name is shown until the source
// has loaded. Requests start with Init.
func New(sess *views.Session, id int64, name string) *Model {
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{sess: sess, id: id, name: name, ctx: ctx, cancel: cancel}
	m.rebuild()
	return m
}

// Init starts loading the source and both directions of its lineage.
func (m *Model) Init() tea.Cmd { return m.load() }

// Close cancels the requests in flight; their results are dropped.
func (m *Model) Close() {
	m.closed = true
	m.cancel()
}

// maxTitle bounds the name in the header and the breadcrumb, in cells;
// both are cut to the terminal anyway, and a 10 MB name must not be
// measured on every frame.
const maxTitle = 256

// Title is the source's name, safe to draw, clipped.
func (m *Model) Title() string {
	if m.src != nil && m.src.Name != "" {
		return safe.Short(m.src.Name, maxTitle)
	}
	if m.name != "" {
		return safe.Short(m.name, maxTitle)
	}
	return fmt.Sprintf("Data source %d", m.id)
}

// CapturesInput is true while a search is typed.
func (m *Model) CapturesInput() bool { return m.find.typing }

// SetSize sets the size the view may draw in.
func (m *Model) SetSize(w, h int) {
	w, h = max(w, 0), max(h, 0)
	widthChanged := w != m.w
	m.w, m.h = w, h
	if widthChanged {
		m.rebuild()
	} else {
		m.clamp()
	}
}

// Back leaves the raw JSON view on esc; it reports false (let the root go
// back) otherwise. In the lineage list esc goes back too, as the footer's
// "esc back" says (tab is the key that leaves the list).
func (m *Model) Back() (tea.Cmd, bool) {
	switch {
	case m.clearFind():
		return nil, true
	case m.raw:
		m.raw = false
	default:
		return nil, false
	}
	m.rebuild()
	return nil, true
}

// load starts a new generation: the source and both lineage directions,
// concurrently. What is shown stays until the answers arrive (refresh keeps
// the page and its scroll position).
func (m *Model) load() tea.Cmd {
	if m.closed {
		return nil
	}
	m.loading = true
	for i := range m.lin {
		m.lin[i].loading = true
	}
	m.rebuild()

	// Capture values: the commands run on other goroutines.
	id, parent, w := m.id, m.ctx, m.w
	sess, api := m.sess, m.sess.API
	label := "loading " + m.Title()

	get := func() tea.Msg {
		ctx, cancel := sess.WithTimeout(parent)
		defer cancel()
		src, err := api.GetDataSource(ctx, id)
		if err == nil && src == nil {
			err = errors.New("the server sent no data source")
		}
		var der *derived
		if err == nil {
			der = derive(src, w)
		}
		return sourceMsg{id: id, src: src, err: err, der: der}
	}
	lineage := func(dir int) tea.Cmd {
		return func() tea.Msg {
			ctx, cancel := sess.WithTimeout(parent)
			defer cancel()
			entries, err := api.Lineage(ctx, id, directions[dir])
			return lineageMsg{id: id, dir: dir, entries: entries, err: err}
		}
	}
	return tea.Batch(
		views.TrackLatest(&m.srcSlot, label, get),
		views.TrackLatest(&m.linSlot[0], label+" (parents)", lineage(0)),
		views.TrackLatest(&m.linSlot[1], label+" (children)", lineage(1)),
		m.loadTags(),
		m.loadContacts(),
	)
}

// loadTags asks for the source's tags (also after a tag write whose read
// back failed).
func (m *Model) loadTags() tea.Cmd {
	if m.closed {
		return nil
	}
	m.tags.loading = true
	id, parent, sess := m.id, m.ctx, m.sess
	return views.TrackLatest(&m.tags.slot, "loading the tags of "+m.Title(), func() tea.Msg {
		ctx, cancel := sess.WithTimeout(parent)
		defer cancel()
		st, err := sess.API.ListSourceTags(ctx, id)
		if err == nil && st == nil {
			err = errors.New("the server sent no tags")
		}
		var tags apiclient.Tags
		if err == nil {
			tags = st.Tags
		}
		return tagsMsg{id: id, tags: tags, err: err}
	})
}

func (m *Model) gotTags(msg tagsMsg) {
	if m.closed || msg.id != m.id || !m.tags.loading {
		return
	}
	m.tags.loading = false
	if errors.Is(msg.err, context.Canceled) {
		m.rebuild()
		return
	}
	if msg.err != nil {
		m.tags.err = msg.err
	} else {
		m.tags.err, m.tags.tags, m.tags.loaded = nil, msg.tags, true
	}
	m.rebuild()
}

// tagsChanged takes the tags a write read back, or loads them again when
// that read failed.
func (m *Model) tagsChanged(msg views.TagsChangedMsg) tea.Cmd {
	if msg.SourceID != m.id {
		return nil
	}
	if msg.Tags == nil {
		cmd := m.loadTags()
		m.rebuild()
		return cmd
	}
	m.tags.slot.Drop() // an older load in flight is stale now
	m.tags.loading, m.tags.loaded, m.tags.err, m.tags.tags = false, true, nil, msg.Tags
	m.rebuild()
	return nil
}

// shownTags are the tags the detail shows and the tag writes start from:
// those of GET /dataSource/{id}/tags, or the source's own when that call
// has not answered (or failed).
func (m *Model) shownTags() apiclient.Tags {
	if m.tags.loaded {
		return m.tags.tags
	}
	if m.src != nil {
		return m.src.Tags
	}
	return nil
}

// Update handles results, data broadcasts, keys and the mouse.
func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case views.RequestDoneMsg:
		// The root normally unwraps this; accept it wrapped too.
		if msg.Msg == nil {
			return m, nil
		}
		return m.Update(msg.Msg)
	case sourceMsg:
		return m, m.gotSource(msg)
	case lineageMsg:
		m.gotLineage(msg)
	case tagsMsg:
		m.gotTags(msg)
	case contactsMsg:
		m.gotContacts(msg)
	case views.TagsChangedMsg:
		return m, m.tagsChanged(msg)
	case views.SourceChangedMsg:
		m.sourceChanged(msg.Source)
	case views.SourceRemovedMsg:
		m.sourceRemoved(msg.ID)
	case tea.KeyMsg:
		return m, m.key(msg)
	case tea.MouseMsg:
		if d := pager.Wheel(msg); d != 0 {
			m.scroll(d)
		}
	}
	return m, nil
}

func (m *Model) gotSource(msg sourceMsg) tea.Cmd {
	if m.closed || msg.id != m.id || !m.loading {
		return nil // stale, for another view, or already handled
	}
	m.loading = false
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			m.rebuild()
			return nil
		}
		m.err = msg.err
		m.gone = errors.Is(msg.err, apiclient.ErrNotFound)
		m.rebuild()
		if m.gone {
			// Every screen learns at once: the list drops the row
			// rather than offering a source the server no longer has.
			return tea.Batch(views.Error("loading "+m.Title(), msg.err), views.Emit(views.SourceRemovedMsg{ID: m.id}))
		}
		return views.Error("loading "+m.Title(), msg.err)
	}
	m.setDerived(msg.src, msg.der)
	m.err, m.gone, m.removed = nil, false, false
	m.rebuild()
	return nil
}

func (m *Model) gotLineage(msg lineageMsg) {
	if m.closed || msg.id != m.id || msg.dir < 0 || msg.dir >= len(m.lin) || !m.lin[msg.dir].loading {
		return
	}
	selected, hadSel := m.selected()
	l := &m.lin[msg.dir]
	l.loading = false
	if msg.err != nil {
		if errors.Is(msg.err, context.Canceled) {
			m.rebuild()
			return
		}
		l.err = msg.err
		l.entries = nil
	} else {
		l.err = nil
		l.entries = msg.entries
	}
	l.loaded = true
	m.reselect(selected, hadSel)
	m.rebuild()
}

// derived is what the page keeps worked out from a source's raw JSON.
type derived struct {
	present map[string]bool
	rawText string
	// rawLines is rawText wrapped at rawW cells, ready for y.
	rawLines []string
	rawW     int
}

// derive works out what the page needs from src's raw JSON, and the raw
// JSON's lines at width w (none when w is 0).
func derive(src *apiclient.DataSource, w int) *derived {
	d := &derived{present: map[string]bool{}}
	raw := src.Raw
	if len(raw) == 0 {
		raw, _ = json.Marshal(src)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) == nil {
		for k, v := range top {
			if !format.IsNull(v) {
				d.present[k] = true
			}
		}
	}
	d.rawText = format.PrettyJSON(raw)
	if w > 0 {
		d.rawLines, d.rawW = rawWrap(d.rawText, w), w
	}
	return d
}

// setSource stores src and what is derived from it once per change.
func (m *Model) setSource(src *apiclient.DataSource) { m.setDerived(src, nil) }

// setDerived is setSource with d already worked out (nil: work it out).
func (m *Model) setDerived(src *apiclient.DataSource, d *derived) {
	if d == nil {
		d = derive(src, 0)
	}
	m.src, m.present, m.rawText = src, d.present, d.rawText
	m.rawLines, m.rawW, m.rawColor = d.rawLines, d.rawW, nil
}

// sourceChanged applies a broadcast change. For this source the fields it
// carries replace the shown ones (a list hit updates the detail without
// dropping the fields only the detail has). A lineage entry with that id
// takes the new name and deleted state.
func (m *Model) sourceChanged(s apiclient.DataSource) {
	changed := false
	if s.ID == m.id {
		next := s
		if m.src != nil {
			if merged, ok := mergeRaw(m.src.Raw, s.Raw); ok {
				var d apiclient.DataSource
				if json.Unmarshal(merged, &d) == nil {
					next = d
				}
			}
		}
		m.setSource(&next)
		m.err, m.gone, m.removed = nil, false, false
		changed = true
	}
	for i := range m.lin {
		for j := range m.lin[i].entries {
			e := &m.lin[i].entries[j]
			if e.DataSourceID == s.ID {
				if s.Name != "" {
					e.DataSourceName = s.Name
				}
				e.Deleted = s.IsDisabled()
				changed = true
			}
		}
	}
	if changed {
		m.rebuild()
	}
}

// mergeRaw lays the keys of next over those of prev (both JSON objects).
func mergeRaw(prev, next json.RawMessage) (json.RawMessage, bool) {
	if len(bytes.TrimSpace(prev)) == 0 || len(bytes.TrimSpace(next)) == 0 {
		return nil, false
	}
	var a, b map[string]json.RawMessage
	if json.Unmarshal(prev, &a) != nil || json.Unmarshal(next, &b) != nil || a == nil || b == nil {
		return nil, false
	}
	for k, v := range b {
		a[k] = v
	}
	out, err := json.Marshal(a)
	return out, err == nil
}

func (m *Model) sourceRemoved(id int64) {
	changed := false
	if id == m.id {
		m.removed = true
		changed = true
	}
	for i := range m.lin {
		for j := range m.lin[i].entries {
			if m.lin[i].entries[j].DataSourceID == id {
				m.lin[i].entries[j].Deleted = true
				changed = true
			}
		}
	}
	if changed {
		m.rebuild()
	}
}

// entries are the selectable lineage entries: parents, then children.
func (m *Model) entries() []apiclient.LineageEntry {
	out := make([]apiclient.LineageEntry, 0, len(m.lin[0].entries)+len(m.lin[1].entries))
	out = append(out, m.lin[0].entries...)
	return append(out, m.lin[1].entries...)
}

func (m *Model) selectable() bool {
	return !m.raw && m.src != nil && len(m.lin[0].entries)+len(m.lin[1].entries) > 0
}

// selected is the entry under the cursor while the lineage list has focus.
func (m *Model) selected() (apiclient.LineageEntry, bool) {
	es := m.entries()
	if m.focus != focusLineage || m.cursor < 0 || m.cursor >= len(es) {
		return apiclient.LineageEntry{}, false
	}
	return es[m.cursor], true
}

// reselect keeps the cursor on the same source after the lists change.
func (m *Model) reselect(prev apiclient.LineageEntry, had bool) {
	es := m.entries()
	if len(es) == 0 {
		m.focus, m.cursor = focusPage, 0
		return
	}
	if had {
		for i, e := range es {
			if e.DataSourceID == prev.DataSourceID {
				m.cursor = i
				return
			}
		}
	}
	m.cursor = min(max(m.cursor, 0), len(es)-1)
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if cmd, ok := clip.Early(m.sess, msg); ok { // y then a letter, faster than the menu opens
		return cmd
	}
	k := m.sess.Keys
	if m.find.typing {
		return m.findKey(msg)
	}
	switch {
	case key.Matches(msg, k.Filter) && m.src != nil:
		return m.startFind()
	case key.Matches(msg, k.FindNext) && m.find.Query != "":
		m.stepFind(1)
		return nil
	case key.Matches(msg, k.FindPrev) && m.find.Query != "":
		m.stepFind(-1)
		return nil
	}
	if m.sess.ReadOnly && !m.gone {
		// The root leaves the tag keys to the views: say why nothing
		// happens.
		for _, b := range k.TagWriteKeys() {
			if key.Matches(msg, b) {
				return views.Status("read-only mode: writes are disabled", views.Warn)
			}
		}
	}
	switch {
	case key.Matches(msg, k.Columns) && !m.gone:
		return views.Emit(views.OpenColumnsMsg{ID: m.id, Name: m.sourceName()})
	case key.Matches(msg, k.AddTag) && !m.gone && m.src != nil:
		return actions.AddTag(m.sess, m.target()[0], m.shownTags())
	case key.Matches(msg, k.RemoveTag) && !m.gone && m.src != nil:
		return actions.RemoveTag(m.sess, m.target()[0], m.shownTags())
	case key.Matches(msg, k.Refresh):
		return m.load()
	case key.Matches(msg, k.Raw):
		m.raw = !m.raw
		m.rebuild()
		return nil
	case key.Matches(msg, k.Copy):
		return clip.Menu(m.sess, clip.Source{ID: m.id, Name: m.sourceName(), Src: m.src})
	case key.Matches(msg, k.OpenWeb) && !m.gone:
		return clip.Open(m.sess, m.id)
	case key.Matches(msg, k.Access) && !m.gone:
		return views.Emit(views.OpenAccessMsg{ID: m.id, Name: m.sourceName()})
	case key.Matches(msg, k.Visibility) && !m.gone:
		return views.Emit(views.OpenMyVisibilityMsg{ID: m.id, Name: m.sourceName()})
	case key.Matches(msg, k.Subscribe) && !m.gone:
		return actions.Subscribe(m.sess, m.target())
	case key.Matches(msg, k.Unsubscribe) && !m.gone:
		return actions.Unsubscribe(m.sess, m.target())
	case key.Matches(msg, k.Delete) && !m.gone:
		return actions.Delete(m.sess, m.target())
	case key.Matches(msg, k.Restore) && !m.gone:
		return actions.Restore(m.sess, m.target())
	}
	if m.focus == focusLineage && !m.raw {
		n := len(m.entries())
		switch {
		case key.Matches(msg, k.Open):
			if e, ok := m.selected(); ok {
				return views.Emit(views.OpenSourceMsg{ID: e.DataSourceID, Name: e.DataSourceName})
			}
			return nil
		case key.Matches(msg, k.NextSection):
			m.focus = focusPage
		case key.Matches(msg, k.Up):
			m.cursor = max(m.cursor-1, 0)
		case key.Matches(msg, k.Down):
			m.cursor = min(m.cursor+1, n-1)
		case key.Matches(msg, k.Top):
			m.cursor = 0
		case key.Matches(msg, k.Bottom):
			m.cursor = n - 1
		case key.Matches(msg, k.PageUp):
			m.scroll(-m.bodyHeight())
			return nil
		case key.Matches(msg, k.PageDown):
			m.scroll(m.bodyHeight())
			return nil
		default:
			return nil
		}
		m.rebuild()
		m.showCursor()
		return nil
	}
	switch {
	case key.Matches(msg, k.NextSection):
		if m.selectable() {
			m.focus = focusLineage
			m.cursor = min(max(m.cursor, 0), len(m.entries())-1)
			m.rebuild()
			m.showCursor()
		}
	case key.Matches(msg, k.Up):
		m.scroll(-1)
	case key.Matches(msg, k.Down):
		m.scroll(1)
	case key.Matches(msg, k.PageUp):
		m.scroll(-m.bodyHeight())
	case key.Matches(msg, k.PageDown):
		m.scroll(m.bodyHeight())
	case key.Matches(msg, k.Top):
		m.off[m.mode()] = 0
	case key.Matches(msg, k.Bottom):
		m.off[m.mode()] = len(m.lines)
		m.clamp()
	}
	return nil
}

// sourceName is the unsanitized name to hand to another view (which
// sanitizes what it draws).
func (m *Model) sourceName() string {
	if m.src != nil && m.src.Name != "" {
		return m.src.Name
	}
	return m.name
}

func (m *Model) mode() int {
	if m.raw {
		return 1
	}
	return 0
}

func (m *Model) scroll(n int) {
	m.off[m.mode()] += n
	m.clamp()
}

// clamp keeps the scroll offset within the content.
func (m *Model) clamp() {
	i := m.mode()
	m.off[i] = min(m.off[i], max(len(m.lines)-m.bodyHeight(), 0))
	m.off[i] = max(m.off[i], 0)
}

// showCursor scrolls so that the selected lineage entry is on screen.
func (m *Model) showCursor() {
	if m.focus != focusLineage || m.cursor < 0 || m.cursor >= len(m.entryLine) {
		return
	}
	line, h := m.entryLine[m.cursor], m.bodyHeight()
	if h <= 0 {
		return
	}
	if line < m.off[0] {
		m.off[0] = line
	} else if line >= m.off[0]+h {
		m.off[0] = line - h + 1
	}
	m.clamp()
}

// ShortHelp is the footer: only the keys that do something now.
// target is this source, for the write actions (which re-read its state
// before a delete).
func (m *Model) target() []actions.Target {
	disabled := m.src != nil && m.src.IsDisabled()
	return []actions.Target{{ID: m.id, Name: m.sourceName(), Disabled: disabled}}
}

// writeKeys are the actions that apply to this source now; they are
// disabled (and so hidden) in read-only mode by the keymap.
func (m *Model) writeKeys() []key.Binding {
	if m.gone || m.src == nil {
		return nil
	}
	k := m.sess.Keys
	tags := []key.Binding{k.AddTag}
	if len(m.shownTags()) > 0 {
		tags = append(tags, k.RemoveTag)
	}
	if m.src.IsDisabled() {
		return append([]key.Binding{keymap.Help("delete forever", k.Delete), k.Restore}, tags...)
	}
	if actions.CanUnsubscribe(m.src.SubscriptionStatus) {
		return append([]key.Binding{k.Unsubscribe, keymap.Help("disable", k.Delete)}, tags...)
	}
	return append([]key.Binding{k.Subscribe, keymap.Help("disable", k.Delete)}, tags...)
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	switch {
	case m.find.typing:
		return []key.Binding{keymap.Help("find", k.Accept), keymap.Help("cancel", k.Back)}
	case m.find.Query != "":
		return []key.Binding{k.FindNext, k.FindPrev, keymap.Help("search again", k.Filter), keymap.Help("clear search", k.Back)}
	case m.raw:
		return []key.Binding{keymap.Help("scroll", k.Down), keymap.Help("overview", k.Raw), keymap.Help("search", k.Filter), k.Refresh}
	case m.focus == focusLineage:
		return []key.Binding{keymap.Help("next source", k.Down), keymap.Help("prev source", k.Up),
			keymap.Help("open source", k.Open), keymap.Help("leave lineage", k.NextSection)}
	}
	out := []key.Binding{keymap.Help("scroll", k.Down)}
	if m.selectable() {
		out = append(out, keymap.Help("select lineage", k.NextSection))
	}
	out = append(out, k.Raw)
	if !m.gone {
		out = append(out, k.Access, k.Visibility, k.Columns)
	}
	out = append(out, m.writeKeys()...)
	return append(out, m.refreshKey())
}

// FullHelp is the ? help, grouped.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.sess.Keys
	scroll := []key.Binding{keymap.Help("scroll up", k.Up), keymap.Help("scroll down", k.Down),
		k.PageUp, k.PageDown, k.Top, k.Bottom}
	if m.raw {
		return [][]key.Binding{scroll, {keymap.Help("overview", k.Raw), k.Copy, m.refreshKey()}}
	}
	out := [][]key.Binding{}
	switch {
	case m.focus == focusLineage:
		out = append(out, []key.Binding{keymap.Help("prev source", k.Up), keymap.Help("next source", k.Down),
			keymap.Help("first source", k.Top), keymap.Help("last source", k.Bottom),
			keymap.Help("open source", k.Open), keymap.Help("leave lineage", k.NextSection), k.PageUp, k.PageDown})
	case m.selectable():
		out = append(out, scroll, []key.Binding{keymap.Help("select lineage", k.NextSection)})
	default:
		out = append(out, scroll)
	}
	acts := []key.Binding{k.Raw, k.Copy}
	if m.src != nil {
		acts = append(acts, keymap.Help("search the text", k.Filter), k.FindNext, k.FindPrev)
	}
	if !m.gone {
		acts = append(acts, k.OpenWeb, k.Access, k.Visibility, k.Columns)
	}
	if w := m.writeKeys(); len(w) > 0 {
		out = append(out, w)
	}
	return append(out, append(acts, m.refreshKey()))
}

func (m *Model) refreshKey() key.Binding {
	if m.err != nil && m.src == nil {
		return keymap.Help("retry", m.sess.Keys.Refresh)
	}
	return m.sess.Keys.Refresh
}
