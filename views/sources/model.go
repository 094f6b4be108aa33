// Package sources is the home screen: the table of data sources. It pages
// through GET /dataSource in the background, filters the loaded rows with a
// fuzzy filter, runs server searches, and sorts by any column. Sorting and
// filtering run off the UI goroutine; drawing costs what the visible rows
// cost, however many are loaded.
package sources

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/clip"
	"github.com/dsbrowse/dsbrowse/views/s3form"
	"github.com/dsbrowse/dsbrowse/views/table"
	"github.com/dsbrowse/dsbrowse/views/trace"
)

// dataset is one set of rows being or having been loaded: the full list, a
// refresh of it, or a server search.
type dataset struct {
	load    int // generation: batches of another are dropped
	opts    listOpts
	ld      *paging.Loader[Row]
	room    *atomic.Pointer[reservation] // made by the loader for the first page
	rows    []Row
	byID    map[int64]int32
	total   int  // -1 while unknown
	started bool // first page arrived
	done    bool
	err     error // what stopped the load: its first page, or a run of pages, failed
	// cap is the most rows the load keeps (views.Session.MaxRows); stop
	// says why the load ended before the count, at stopOff.
	cap      int
	stop     stopReason
	stopOff  int
	missing  int   // rows the loader lacks that r fetches (failed pages, and after a halt the rest)
	halted   bool  // stopped asking after maxFailRun failures in a row
	changed  bool  // the count moved during the load
	reported bool  // a failed page was reported on the status line
	lastErr  error // the last page's failure
	// sorted is rows' order by the model's sort key, valid for sortedN rows.
	sorted    []int32
	sortedKey sortKey
	sortedN   int
}

// firstReserve is the most rows reserved up front from the server's
// count: every row of most tenants at once, and all that a count that
// lies (a billion, say) can cost before rows bear it out. A load that
// outgrows it reserves the rest of the count in one step (see merge).
const firstReserve = 1 << 18

type sortKey struct {
	col  column
	desc bool
}

func (d *dataset) loaded() int { return len(d.rows) }

// Model is the data sources list.
type Model struct {
	sess   *views.Session
	base   context.Context
	cancel context.CancelFunc
	w, h   int

	loads  int      // load generation counter
	all    *dataset // what the list shows when no search is active
	reload *dataset // a refresh in progress; swapped in when complete
	search *dataset // server search results, while shown
	// filter is the server filters every load asks with (the command
	// line's :failed, :tag, a saved view: ServerFilterMsg, serverfilter.go).
	filter serverFilter

	sort      sortKey
	query     string // the applied local filter
	input     textinput.Model
	filtering bool

	// view is the active dataset's rows in display order.
	view     []int32
	viewDS   *dataset
	viewN    int
	viewQ    string
	viewSort sortKey

	cur        table.Cursor
	selectedID int64
	moved      bool // the user has moved the cursor (else stay at top)

	computeGen int
	computing  bool
	letters    letterIndex // for the one-letter filter of a large dataset (computeView)
	again      bool        // asked to recompute while one ran: onCompute starts another
	// While a load streams in, the view is re-sorted at most every
	// loadRedraw: lastCompute is when a compute last started, and
	// redrawDue says a redrawMsg is on its way.
	lastCompute time.Time
	redrawDue   bool

	marks map[int64]bool
	inbox inboxCount // pending access requests (governance.go)

	styles rowStyles
	tagCol tagScan // whether the rows have tags, for the TAGS column (render.go)
	// cols are the columns shown, in order (nil: the default layout);
	// colMenu is the column menu while open (colchoice.go).
	cols    []column
	colMenu *colMenu
}

// New returns the list; Init starts loading.
func New(sess *views.Session) *Model {
	base, cancel := context.WithCancel(context.Background())
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = tokenHint
	in.CharLimit = 200
	m := &Model{sess: sess, base: base, cancel: cancel, input: in, marks: map[int64]bool{}}
	m.styles = newRowStyles(sess.Styles)
	m.cols = chosenColumns(sess.ListColumns)
	return m
}

func (m *Model) Title() string { return "Data sources" }

func (m *Model) CapturesInput() bool { return m.filtering || m.colMenu != nil }

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.Width = max(10, w/2)
	m.cur.Clamp(len(m.view), m.bodyRows())
}

// Close cancels every load and request the list has in flight.
func (m *Model) Close() { m.cancel() }

func (m *Model) Init() tea.Cmd {
	m.all = m.newDataset(listOpts{filter: m.filter})
	return tea.Batch(m.startLoad(m.all), m.pendingCount())
}

func (m *Model) maxRows() int {
	if m.sess.MaxRows > 0 {
		return m.sess.MaxRows
	}
	return DefaultMaxRows
}

func (m *Model) newDataset(o listOpts) *dataset {
	m.loads++
	c := m.maxRows()
	return &dataset{load: m.loads, opts: o, total: -1, byID: map[int64]int32{}, cap: c}
}

// active is the dataset the table shows.
func (m *Model) active() *dataset {
	if m.search != nil {
		return m.search
	}
	return m.all
}

func (m *Model) datasetFor(load int) *dataset {
	for _, d := range []*dataset{m.all, m.reload, m.search} {
		if d != nil && d.load == load {
			return d
		}
	}
	return nil
}

// afterPage swaps in a refresh that is complete, and redraws the rows of
// the dataset shown.
//
// A refresh with pages missing is dropped: the list it would replace is
// whole (r on a list with gaps fetches them instead of refreshing).
func (m *Model) afterPage(d *dataset, cmds []tea.Cmd) tea.Cmd {
	switch {
	case d.done && d == m.reload && (d.missing > 0 || d.halted):
		m.reload = nil
		what := "refreshing data sources: pages could not be fetched (the old list is still shown)"
		if n := d.missingRows(); n > 0 {
			what = fmt.Sprintf("refreshing data sources: %s rows could not be fetched (the old list is still shown)", humanCount(n))
		}
		cmds = append(cmds, views.Error(what, d.lastErr))
	case d.done && d == m.reload:
		m.all, m.reload = d, nil
	}
	if d == m.active() {
		cmds = append(cmds, m.recomputeSoon(d))
	}
	return tea.Batch(cmds...)
}

// loadRedraw is how often, at most, a load in progress re-sorts the view.
// Pages arrive by the hundred a second; each re-sort, and each frame it
// brings, costs CPU the load needs, and no one reads the rows faster.
const loadRedraw = 50 * time.Millisecond

// redrawMsg says it is time to show the rows that arrived meanwhile.
type redrawMsg struct{}

// recomputeSoon re-sorts the rows of d, a page of which just arrived: at
// once for its first rows and its last page, else at most every
// loadRedraw.
func (m *Model) recomputeSoon(d *dataset) tea.Cmd {
	wait := loadRedraw - time.Since(m.lastCompute)
	if d.done || m.viewDS != d || wait <= 0 {
		return m.recompute()
	}
	if m.redrawDue {
		return nil
	}
	m.redrawDue = true
	return tea.Tick(wait, func(time.Time) tea.Msg { return redrawMsg{} })
}

// cowSet replaces rows[i], copying the slice first when a compute running
// off the UI goroutine may be reading it.
func cowSet(rows []Row, i int32, r Row, shared bool) []Row {
	if shared {
		rows = slices.Clone(rows)
	}
	rows[i] = r
	return rows
}

// computeMsg is the result of sorting and filtering off the UI goroutine.
type computeMsg struct {
	gen    int
	n      int
	key    sortKey
	sorted []int32
	query  string
	view   []int32
	cursor int // index of the selected row in view, -1 if gone
}

// recompute sorts and filters the active dataset in a command. Requests
// are coalesced: while one runs, later ones just ask for one more.
func (m *Model) recompute() tea.Cmd {
	if m.computing {
		m.again = true
		return nil
	}
	d := m.active()
	if d == nil {
		return nil
	}
	m.computing, m.again = true, false
	m.lastCompute = time.Now()
	m.computeGen++
	gen, rows, key, q, sel := m.computeGen, d.rows, m.sort, m.query, m.selectedID
	var prevSorted []int32
	if d.sortedKey == key && d.sortedN <= len(rows) {
		prevSorted = d.sorted[:d.sortedN:d.sortedN]
	}
	// Narrowing: a query that extends the one the current view was
	// filtered with only needs that view's rows searched again (with
	// field tokens, only when each token is extended: narrows).
	var narrowFrom []int32
	if m.viewDS == d && m.viewN == len(rows) && m.viewSort == key && narrows(m.viewQ, q) {
		narrowFrom = m.view
	}
	// The selected row is found by its index: comparing indices scans view
	// in order, where comparing ids would jump all over rows.
	selIdx := int32(-1)
	if i, ok := d.byID[sel]; ok && sel != 0 {
		selIdx = i
	}
	letters := &m.letters // one compute runs at a time; it keeps the index
	return func() tea.Msg {
		sorted, view, cur := computeView(letters, rows, key, prevSorted, narrowFrom, q, selIdx)
		return computeMsg{gen: gen, n: len(rows), key: key, sorted: sorted, query: q, view: view, cursor: cur}
	}
}

// computeView is the work of one recompute, done off the UI goroutine:
// rows sorted by key (reusing prevSorted, the order of a prefix of rows),
// then filtered and ranked by q. narrowFrom, when not nil, is the view of a
// query q extends: only those rows can match. cur is the position of row
// sel in view, or -1.
//
// letters is the list's letterIndex, brought up to date with rows first
// (and dropped for a small dataset), so it is ready when the first key is
// typed; nil in benchmarks of the row path.
func computeView(letters *letterIndex, rows []Row, key sortKey, prevSorted, narrowFrom []int32, q string, sel int32) (sorted, view []int32, cur int) {
	var x *letterIndex
	if letters != nil {
		letters.mu.Lock()
		defer letters.mu.Unlock()
		letters.update(rows)
		if letters.n > 0 {
			x = letters
		}
	}
	sorted = prevSorted
	if len(prevSorted) != len(rows) {
		sorted = sortedOrder(rows, key.col, key.desc, prevSorted)
	}
	view = sorted
	if q != "" {
		candidates := sorted
		if narrowFrom != nil {
			candidates = narrow(sorted, narrowFrom, len(rows))
		}
		view = filterRows(q, candidates, rows, x) // field tokens, then the fuzzy name match (tokens.go)
	}
	cur = -1
	if sel >= 0 {
		cur = slices.Index(view, sel)
	}
	return sorted, view, cur
}

// narrow returns the rows of sorted that are in subset, in sorted's order.
func narrow(sorted, subset []int32, n int) []int32 {
	keep := make([]uint64, (n+63)/64)
	for _, i := range subset {
		keep[i>>6] |= 1 << (i & 63)
	}
	out := make([]int32, 0, len(subset))
	for _, i := range sorted {
		if keep[i>>6]&(1<<(i&63)) != 0 {
			out = append(out, i)
		}
	}
	return out
}

func (m *Model) onCompute(msg computeMsg) tea.Cmd {
	if msg.gen != m.computeGen {
		return nil
	}
	m.computing = false
	d := m.active()
	if d != nil && msg.n <= len(d.rows) {
		if msg.key == m.sort {
			d.sorted, d.sortedKey, d.sortedN = msg.sorted, msg.key, msg.n
		}
		m.view, m.viewDS, m.viewN, m.viewQ, m.viewSort = msg.view, d, msg.n, msg.query, msg.key
		i := m.cur.Index()
		switch {
		case !m.moved:
			i = 0 // until the user moves, the top row is selected
		case msg.cursor >= 0:
			i = msg.cursor // follow the selected row to its new place
		}
		// A cursor past the end of a shorter view keeps selectedID: the
		// row it was on is found again when the view grows back.
		past := i >= len(m.view)
		m.cur.Set(i, len(m.view), m.bodyRows())
		if !past {
			m.syncSelected()
		}
		if d == m.all && d.done && msg.n == len(d.rows) && d.total == len(d.rows) && trace.On() {
			trace.Mark("all-loaded")
			if d.ld != nil {
				trace.Note("requests", int64(d.ld.Progress().Requests))
			}
		}
	}
	if m.again || (d != nil && (msg.n != len(d.rows) || msg.query != m.query || msg.key != m.sort)) {
		m.again = false
		return m.recompute()
	}
	return nil
}

func (m *Model) syncSelected() {
	if r, ok := m.Selected(); ok {
		m.selectedID = r.ID
	}
}

// Selected is the row under the cursor.
func (m *Model) Selected() (Row, bool) {
	d := m.viewDS
	if d == nil || m.cur.Index() >= len(m.view) {
		return Row{}, false
	}
	return d.rows[m.view[m.cur.Index()]], true
}

// Marked returns the marked rows that are loaded, in display order.
func (m *Model) Marked() []Row {
	if len(m.marks) == 0 || m.viewDS == nil {
		return nil
	}
	var out []Row
	d := m.viewDS
	for id := range m.marks {
		if i, ok := d.byID[id]; ok {
			out = append(out, d.rows[i])
		}
	}
	slices.SortFunc(out, func(a, b Row) int { return compareRows(&a, &b, colName) })
	return out
}

// targets are what an action works on: the marked rows, or else the
// selected one.
func (m *Model) targets() []actions.Target {
	rows := m.Marked()
	if len(rows) == 0 {
		if r, ok := m.Selected(); ok {
			rows = []Row{r}
		}
	}
	out := make([]actions.Target, len(rows))
	for i, r := range rows {
		out[i] = actions.Target{ID: r.ID, Name: r.Name, Disabled: r.Disabled, Subscription: r.Subscription()}
	}
	return out
}

// ClearMarks unmarks every row.
func (m *Model) ClearMarks() { clear(m.marks) }

func (m *Model) bodyRows() int { return max(m.h-2, 0) } // info line + column header

func (m *Model) moveTo(i int) {
	m.cur.Set(i, len(m.view), m.bodyRows())
	m.userMoved()
}

// userMoved follows a move of the cursor by the user: the selection
// stays on that row from now on.
func (m *Model) userMoved() {
	m.moved = true
	m.syncSelected()
}

// resetCursor puts the cursor back on the top row for new rows (a new
// filter, a new search), following it until the user moves.
func (m *Model) resetCursor() {
	m.cur.Reset()
	m.moved = false
}

// Back clears, in order, the filter being typed, a server search, a
// local filter and the marks; it returns the recompute that shows the
// rows again, and whether esc was used up.
func (m *Model) Back() (tea.Cmd, bool) {
	switch {
	case m.filtering:
		m.stopFiltering()
		m.clearQuery()
		return m.recompute(), true
	case m.search != nil:
		stopLoad(m.search)
		m.search = nil
		m.view, m.viewDS = nil, nil
		return m.recompute(), true
	case m.query != "":
		m.clearQuery()
		return m.recompute(), true
	case len(m.marks) > 0:
		m.ClearMarks()
		return nil, true
	}
	return nil, false
}

// stopFiltering closes the filter field; the query stays.
func (m *Model) stopFiltering() {
	m.filtering = false
	m.input.Blur()
}

// clearQuery drops the local filter, keeping the selected row selected;
// the caller recomputes.
func (m *Model) clearQuery() {
	m.query = ""
	m.input.SetValue("")
	m.keepSelected()
}

// keepSelected makes the next compute keep the cursor on the selected row
// (clearing a filter shows the row the user was on, in its place among
// all the rows, not the top of the list).
func (m *Model) keepSelected() {
	if _, ok := m.Selected(); ok {
		m.syncSelected()
		m.moved = true
	}
}

func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	return m, m.update(msg)
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case batchMsg:
		return m.onBatch(msg)
	case computeMsg:
		return m.onCompute(msg)
	case redrawMsg:
		m.redrawDue = false
		return m.recompute()
	case views.SourceChangedMsg:
		m.applyChange(rowOf(&msg.Source))
		return m.recompute()
	case views.SourcesAddedMsg:
		for i := range msg.Sources {
			m.applyChange(rowOf(&msg.Sources[i]))
		}
		return m.recompute()
	case views.SourceRemovedMsg:
		m.remove(msg.ID)
		return m.recompute()
	case pendingMsg:
		m.onPending(msg)
		return nil
	case views.RequestsDecidedMsg:
		return m.pendingCount()
	case views.ServerFilterMsg:
		return m.setServerFilter(msg.Opts)
	case tea.MouseMsg:
		return m.mouse(msg)
	case tea.KeyMsg:
		if m.filtering {
			return m.filterKey(msg)
		}
		if m.colMenu != nil {
			return m.menuKey(msg)
		}
		return m.key(msg)
	}
	if m.filtering {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if cmd, ok := clip.Early(m.sess, msg); ok { // y then a letter, faster than the menu opens
		return cmd
	}
	k := m.sess.Keys
	switch {
	case m.cur.Key(msg, &k, len(m.view), m.bodyRows()):
		m.userMoved()
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.input.SetValue(m.query)
		m.input.CursorEnd()
		return m.input.Focus()
	case key.Matches(msg, k.Open):
		if r, ok := m.Selected(); ok {
			return views.Emit(views.OpenSourceMsg{ID: r.ID, Name: r.Name})
		}
	case key.Matches(msg, k.Access):
		if r, ok := m.Selected(); ok {
			return views.Emit(views.OpenAccessMsg{ID: r.ID, Name: r.Name})
		}
	case key.Matches(msg, k.Visibility):
		if r, ok := m.Selected(); ok {
			return views.Emit(views.OpenMyVisibilityMsg{ID: r.ID, Name: r.Name})
		}
	case key.Matches(msg, k.Columns):
		if r, ok := m.Selected(); ok {
			return views.Emit(views.OpenColumnsMsg{ID: r.ID, Name: r.Name})
		}
	case key.Matches(msg, k.ListColumns):
		m.openColumnMenu()
	case key.Matches(msg, k.Sort):
		m.sort = sortKey{col: (m.sort.col + 1) % numColumns}
		return m.recompute()
	case key.Matches(msg, k.SortReverse):
		m.sort.desc = !m.sort.desc
		return m.recompute()
	case key.Matches(msg, k.Refresh):
		return m.refresh()
	case key.Matches(msg, k.Subscribe):
		return actions.Subscribe(m.sess, m.targets())
	case key.Matches(msg, k.Unsubscribe):
		return actions.Unsubscribe(m.sess, m.targets())
	case key.Matches(msg, k.Delete):
		return actions.Delete(m.sess, m.targets())
	case key.Matches(msg, k.Restore):
		return actions.Restore(m.sess, m.targets())
	case key.Matches(msg, k.Create):
		return views.OpenModal(s3form.New(m.sess))
	case key.Matches(msg, k.Requests):
		return views.Emit(views.OpenRequestsMsg{})
	case key.Matches(msg, k.Report):
		return m.exportReport()
	case key.Matches(msg, k.Copy):
		if r, ok := m.Selected(); ok {
			return clip.Menu(m.sess, clip.Source{ID: r.ID, Name: r.Name})
		}
	case key.Matches(msg, k.OpenWeb):
		if r, ok := m.Selected(); ok {
			return clip.Open(m.sess, r.ID)
		}
	case key.Matches(msg, k.Export):
		return m.exportForm()
	case key.Matches(msg, k.Mark):
		if r, ok := m.Selected(); ok {
			if m.marks[r.ID] {
				delete(m.marks, r.ID)
			} else {
				m.marks[r.ID] = true
			}
			m.moveTo(m.cur.Index() + 1)
		}
	}
	return nil
}

func (m *Model) filterKey(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	switch {
	case keymap.Typed(msg):
		// text for the filter, never a binding
	case key.Matches(msg, k.Back):
		m.stopFiltering()
		m.clearQuery()
		return m.recompute()
	case key.Matches(msg, k.Accept):
		m.stopFiltering()
		return nil
	case key.Matches(msg, k.ServerSearch):
		q := strings.TrimSpace(m.input.Value())
		// The server searches the free text; field tokens stay as the
		// local filter over what it finds.
		keep := ""
		if p := parseQuery(q); len(p.tokens) > 0 {
			q, keep = strings.TrimSpace(p.text), p.tokensOnly()
		}
		if q == "" {
			return nil
		}
		m.stopFiltering()
		m.clearQuery()
		m.query = keep
		m.input.SetValue(keep)
		stopLoad(m.search)
		m.search = m.newDataset(listOpts{search: q, filter: m.filter})
		m.view, m.viewDS = nil, nil
		m.resetCursor()
		return tea.Batch(m.recompute(), m.startLoad(m.search))
	case m.cur.TypingKey(msg, &k, len(m.view), m.bodyRows()):
		m.userMoved()
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if v := m.input.Value(); v != m.query {
		m.query = v
		m.resetCursor()
		return tea.Batch(cmd, m.recompute())
	}
	return cmd
}

func (m *Model) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.cur.Wheel(msg, len(m.view), m.bodyRows()) {
		m.userMoved()
		return nil
	}
	if msg.Action != tea.MouseActionPress {
		return nil
	}
	switch msg.Button {
	case tea.MouseButtonLeft:
		if msg.Y == 1 && m.colMenu == nil {
			return m.headerClick(msg.X)
		}
		// Body line 2 is the first row (info line, column header above it).
		if i, ok := m.cur.At(msg.Y-2, len(m.view), m.bodyRows()); ok {
			if i == m.cur.Index() {
				if r, ok := m.Selected(); ok {
					return views.Emit(views.OpenSourceMsg{ID: r.ID, Name: r.Name})
				}
			}
			m.moveTo(i)
		}
	}
	return nil
}

// refresh reloads the list while the old rows stay on screen; filter, sort
// and the selected row are kept.
func (m *Model) refresh() tea.Cmd {
	if d := m.active(); d != nil && d.resumable() {
		return m.retryMissing(d)
	}
	if m.search != nil {
		stopLoad(m.search)
		m.search = m.newDataset(m.search.opts)
		return m.startLoad(m.search)
	}
	stopLoad(m.reload)
	m.reload = m.newDataset(listOpts{filter: m.filter})
	return m.startLoad(m.reload)
}

// applyChange updates or adds a row in every dataset that holds it (or the
// full list, for a new source).
func (m *Model) applyChange(r Row) {
	for _, d := range []*dataset{m.all, m.search} {
		if d == nil {
			continue
		}
		if i, ok := d.byID[r.ID]; ok {
			d.rows = cowSet(d.rows, i, r, true)
			d.sortedN = 0 // a changed row may sort elsewhere
		} else if d == m.all {
			d.byID[r.ID] = int32(len(d.rows))
			d.rows = append(d.rows, r)
			if d.total >= 0 {
				d.total++
			}
		}
	}
}

func (m *Model) remove(id int64) {
	delete(m.marks, id)
	for _, d := range []*dataset{m.all, m.search} {
		if d == nil {
			continue
		}
		if _, ok := d.byID[id]; !ok {
			continue
		}
		rows := make([]Row, 0, len(d.rows)-1)
		byID := make(map[int64]int32, len(d.rows))
		for _, r := range d.rows {
			if r.ID != id {
				byID[r.ID] = int32(len(rows))
				rows = append(rows, r)
			}
		}
		d.rows, d.byID, d.sortedN = rows, byID, 0
		if d.total > 0 {
			d.total--
		}
		if d == m.viewDS {
			m.view, m.viewDS = nil, nil
		}
	}
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.sess.Keys
	if m.filtering {
		return []key.Binding{
			keymap.Help("keep filter", k.Accept),
			keymap.Help("clear", k.Back),
			k.ServerSearch,
		}
	}
	if m.colMenu != nil {
		return []key.Binding{
			keymap.Help("show/hide", m.sess.Keys.Mark), m.sess.Keys.MoveUp, m.sess.Keys.MoveDown,
			keymap.Help("close", m.sess.Keys.Back),
		}
	}
	if m.failedStart() {
		// Nothing loaded: r is the one key that helps, and says so.
		return []key.Binding{m.refreshKey(), k.RequestLog, k.Filter}
	}
	return []key.Binding{k.Open, k.Filter, k.Access, k.Visibility, k.Subscribe, k.Delete, k.Create}
}

// failedStart reports that the load failed before any row came.
func (m *Model) failedStart() bool {
	d := m.active()
	return d != nil && d.err != nil && d.loaded() == 0
}

// refreshKey is r, labelled with what it does now.
func (m *Model) refreshKey() key.Binding {
	refresh := m.sess.Keys.Refresh
	switch d := m.active(); {
	case m.failedStart():
		refresh.SetHelp(refresh.Help().Key, "retry the load")
	case d != nil && d.resumable():
		refresh.SetHelp(refresh.Help().Key, "fetch the missing rows")
	}
	return refresh
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.sess.Keys
	refresh := m.refreshKey()
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Access, k.Visibility, k.Columns, keymap.Help(filterHelp, k.Filter), k.ServerSearch, k.ListColumns},
		{k.Sort, k.SortReverse, refresh, keymap.Help("requests", k.Requests), k.Copy, keymap.Help("web UI", k.OpenWeb), k.Export},
		{k.Mark, k.Subscribe, k.Unsubscribe, k.Create, k.Delete, k.Restore, keymap.Help("access report", k.Report)},
	}
}

// Counts says how many rows are loaded of how many the server has.
func (m *Model) Counts() (loaded, total int) {
	d := m.all
	if d == nil {
		return 0, -1
	}
	return d.loaded(), d.total
}

var _ views.View = (*Model)(nil)
var _ views.Backer = (*Model)(nil)
