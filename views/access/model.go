// Package access shows who has access to a data source (a paged, filterable
// table) and, for one of them, what they see of it.
package access

import (
	"context"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/filtered"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/table"
)

const loadLabel = "loading access users"

// batchMsg is one batch of the shared page loader (apiclient/paging):
// rows of GET /dataSource/{id}/access, converted on the loader's
// goroutines. Only the newest load's batches arrive (views.NextBatch on
// Model.load).
type batchMsg = views.BatchMsg[row]

// userKey identifies a user across reloads.
type userKey struct {
	typ     string
	profile int64
	name    string
	email   string
}

// row is a user with its display strings, sanitized once.
type row struct {
	user                                         apiclient.AccessUser
	key                                          userKey
	name, email, state, approved, date, ago, typ string
	expires                                      string
	// search is name + " " + email: the string the filter matches.
	search string
	// widths are the cells' widths (see naturals).
	widths naturals
}

// filterMsg is the result of filtering rows off the UI goroutine.
type filterMsg = filtered.Msg[row]

// Model is the table of users with access to one data source.
type Model struct {
	sess   *views.Session
	id     int64
	name   string
	base   context.Context
	cancel context.CancelFunc

	// loading: the shared page loader hands pages over in list order;
	// load drops the batches of a load that another has replaced.
	load      views.Slot
	loader    *paging.Loader[row]
	prog      paging.Progress
	count     int // server's total; -1 unknown
	started   bool
	inflight  bool // the load has not delivered its last batch
	reloading bool // old rows stay until the first batch of the reload
	fresh     bool // no batch of this load has arrived yet
	err       error
	restore   *userKey // cursor target after a reload
	// gaps are the spans that failed, where their rows belong in rows:
	// r fetches only them (Refill) and puts them in place.
	gaps []gap

	nat naturals

	// q is what the list asks the server for (states, types, expanded
	// groups, sort); menu, when open, edits a copy of it.
	q    query
	menu *menu

	// t is the rows, the filter line, the filter (off the UI goroutine,
	// one at a time: with 50,000 users it takes longer than a frame) and
	// the cursor.
	t    filtered.Table[row, userKey]
	w, h int
}

var (
	_ views.View   = (*Model)(nil)
	_ views.Closer = (*Model)(nil)
	_ views.Backer = (*Model)(nil)
)

// New makes the access table for source id, named name.
func New(sess *views.Session, id int64, name string) *Model {
	base, cancel := context.WithCancel(context.Background())
	return &Model{sess: sess, id: id, name: name, base: base, cancel: cancel, count: -1,
		t: filtered.New(sess.Styles, filtered.Field{Placeholder: "name or email"}, rowSearch, rowUser)}
}

// Init loads the first page.
func (m *Model) Init() tea.Cmd { return m.reload() }

// Close cancels every request of the view.
func (m *Model) Close() {
	if m.loader != nil {
		m.loader.Cancel()
	}
	m.cancel()
}

// Title is the breadcrumb.
func (m *Model) Title() string { return "Access" }

// CapturesInput is true while the filter is being typed or the filter
// menu is open.
func (m *Model) CapturesInput() bool { return m.t.Typing() || m.menu != nil }

// Back clears the filter (esc): true when there was one to clear.
func (m *Model) Back() (tea.Cmd, bool) {
	if !m.t.LineShown() {
		return nil, false
	}
	m.t.Clear(m.tableRows())
	return nil, true
}

// reload starts a new load at offset 0 with the view's server filters.
// The rows on screen stay until its first batch arrives; the cursor then
// returns to the same user.
func (m *Model) reload() tea.Cmd {
	if m.loader != nil {
		m.loader.Cancel()
	}
	if r := m.t.Selected(); r != nil {
		k := r.key
		m.restore = &k
	}
	sess, api, id, q, now := m.sess, m.sess.API, m.id, m.q, m.sess.Clock()
	fetch := func(ctx context.Context, offset, size int) ([]row, int, error) {
		c, cancel := sess.WithTimeout(ctx)
		defer cancel()
		p, err := api.ListAccess(c, id, q.options(size, offset))
		if err != nil {
			return nil, 0, err
		}
		if p == nil {
			return nil, 0, apiclient.ErrMalformed
		}
		// Rows are made here, on the loader's goroutines: 50,000
		// members must not be sanitized on the UI goroutine.
		rows := make([]row, len(p.Users))
		for i, u := range p.Users {
			rows[i] = makeRow(u, now)
		}
		return rows, p.Count, nil
	}
	m.loader = paging.Start(m.base, fetch, rowKey, m.sess.Paging())
	m.reloading, m.fresh = m.started, true
	m.started, m.inflight, m.err = true, true, nil
	if !m.reloading {
		m.gaps = nil
	}
	return m.next()
}

// gap is a span of the list that failed to load: off and n in the
// server's numbering, at the index its rows go to in rows, filled the
// rows of it that a refill brought so far.
type gap struct{ off, n, at, filled int }

// refill asks again for the spans that failed, once the load has ended;
// false when there is nothing to ask (then r reloads).
func (m *Model) refill() (tea.Cmd, bool) {
	if m.loader == nil || m.inflight || len(m.gaps) == 0 {
		return nil, false
	}
	l := m.loader.Refill(m.base)
	if l == nil {
		return nil, false
	}
	m.loader = l
	m.inflight, m.err, m.fresh, m.reloading = true, nil, false, false
	return m.next(), true
}

// place puts a batch's rows where they belong: at the end, or, for a
// refill, in their gap (the gaps after it move down).
func (m *Model) place(b paging.Batch[row]) {
	for i := range m.gaps {
		g := &m.gaps[i]
		if b.Offset < g.off || b.Offset >= g.off+g.n {
			continue
		}
		if b.Err != nil {
			return // still missing: the gap stays for the next r
		}
		at := g.at + g.filled
		rows := make([]row, 0, len(m.t.Rows)+len(b.Items)) // a running filter reads the old slice
		rows = append(append(append(rows, m.t.Rows[:at]...), b.Items...), m.t.Rows[at:]...)
		m.t.Rows = rows
		g.filled += len(b.Items)
		for j := range m.gaps {
			if j != i && m.gaps[j].at >= at {
				m.gaps[j].at += len(b.Items)
			}
		}
		if g.filled >= g.n || len(b.Items) == 0 {
			m.gaps = append(m.gaps[:i], m.gaps[i+1:]...)
		}
		return
	}
	if b.Err != nil {
		m.gaps = append(m.gaps, gap{off: b.Offset, n: b.Missing, at: len(m.t.Rows)})
		return
	}
	// Appending leaves the rows a running filter reads (a shorter slice
	// of the same array) as they are.
	m.t.Rows = append(m.t.Rows, b.Items...)
}

// rowKey identifies an entry for the loader (a page that repeats rows
// stops the load; a row is never delivered twice): its bytes, or its
// fields when it has none.
func rowKey(r *row) uint64 {
	if len(r.user.Raw) > 0 {
		return paging.HashKey(r.user.Raw)
	}
	u := r.user
	return paging.HashKey(fmt.Appendf(nil, "%s\x00%d\x00%s\x00%s\x00%d\x00%s", u.Type, u.Profile, u.Name, u.Email, u.SubscriptionID, u.UserID))
}

// next waits for the loader's next batch: one outstanding command per
// load, the newest on m.load (a reload's drops the old load's).
func (m *Model) next() tea.Cmd {
	return views.NextBatch(m.base, &m.load, loadLabel, m.loader)
}

// Update handles pages, keys and the mouse.
func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case batchMsg:
		return m, m.onBatch(msg)
	case filterMsg:
		return m, m.onFilter(msg)
	case views.AccessChangedMsg:
		return m, m.onAccessChanged(msg)
	case views.RequestsDecidedMsg:
		// Approvals add members and denials drop pending rows, whichever
		// inbox decided them (p from here opens one): read the list again,
		// or going back shows them still pending.
		if len(msg.Done) > 0 || msg.Unknown {
			return m, m.reload()
		}
		return m, nil
	case tea.KeyMsg:
		if m.menu != nil {
			return m, m.menuKey(msg)
		}
		if m.t.Typing() {
			return m, m.typingKey(msg)
		}
		return m, m.tableKey(msg)
	case tea.MouseMsg:
		if m.menu == nil { // the menu is drawn over the rows
			m.mouse(msg)
		}
	}
	return m, nil
}

func (m *Model) onBatch(msg batchMsg) tea.Cmd {
	if !msg.OK {
		m.inflight = false // cancelled
		return nil
	}
	b := msg.B
	m.prog = b.Progress
	sel := m.t.SelectedKey()
	var cmds []tea.Cmd
	if b.Err != nil {
		if m.base.Err() != nil {
			return nil // the view was closed
		}
		if m.err == nil {
			cmds = append(cmds, views.Error(loadLabel, b.Err))
		}
		m.err = b.Err
	}
	if m.fresh {
		m.fresh = false
		switch {
		case m.reloading && b.Err != nil && b.Offset == 0:
			m.reloading = false // keep the old rows, say the reload failed
			if b.Last {
				m.inflight = false
				return tea.Batch(cmds...)
			}
			return tea.Batch(append(cmds, m.next())...)
		case m.reloading:
			m.t.Rows, m.nat, m.gaps = nil, naturals{}, nil
			m.reloading = false
		}
	}
	m.count = b.Progress.Total
	for i := range b.Items {
		m.nat.add(&b.Items[i])
	}
	m.place(b)
	cmds = append(cmds, m.rebuildRows(sel))
	if b.Last {
		m.inflight = false
		if e := b.Progress.Err; e != nil && m.err == nil {
			m.err = e
			cmds = append(cmds, views.Error(loadLabel, e))
		}
		if !m.filterPending() {
			m.restore = nil // else the filter's result looks for the user
		}
	} else {
		cmds = append(cmds, m.next())
	}
	return tea.Batch(cmds...)
}

func makeRow(u apiclient.AccessUser, now time.Time) row {
	r := row{
		user:  u,
		key:   userKey{typ: u.Type, profile: u.Profile, name: u.Name, email: u.Email},
		name:  format.Inline(u.Name),
		email: format.Inline(u.Email),
		state: format.Inline(u.State),
		typ:   format.Inline(u.Type),
	}
	var via string
	r.expires, via = extras(u)
	if via != "" {
		r.typ += " via " + via // an expanded group member: change the group's entry
	}
	if r.name == "" {
		r.name = format.Inline(u.UserID)
	}
	r.approved = "no"
	if u.Approved {
		r.approved = "yes"
	}
	if t, ok := format.ParseTime(u.CreatedAt); ok {
		r.date = format.Date(t)
		r.ago = format.Ago(t, now)
	} else {
		r.date = format.Inline(u.CreatedAt)
	}
	r.search = r.name + " " + r.email
	r.widths = widths(&r)
	return r
}

// rebuildRows follows a change of the rows: it keeps the cursor on the
// user it was on (or the one a reload asked for). With a filter on, it
// asks for the filter to run again; the filtered table stays as it is
// until the result comes.
func (m *Model) rebuildRows(sel *userKey) tea.Cmd {
	target := sel
	if m.restore != nil {
		target = m.restore
	}
	moved, cmd := m.t.Rebuilt(m.tableRows(), target)
	if moved {
		m.restore = nil
	}
	return cmd
}

// filterPending says the table does not yet show the filter's result for
// the query and rows now.
func (m *Model) filterPending() bool { return m.t.Pending() }

// onFilter shows a filter's result, unless a later keystroke, a new page
// or a cleared filter has made it stale (or it is another view's).
func (m *Model) onFilter(msg filterMsg) tea.Cmd {
	shown, restored, cmd := m.t.OnResult(msg, m.tableRows(), m.restore)
	if !shown {
		return cmd
	}
	if restored || !m.inflight {
		m.restore = nil
	}
	return nil
}

func (m *Model) typingKey(msg tea.KeyMsg) tea.Cmd {
	act, cmd := m.t.TypingKey(msg, &m.sess.Keys, m.tableRows())
	if act == filtered.Moved {
		m.restore = nil // the user moved: a reload must not jump back
	}
	return cmd
}

func (m *Model) tableKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.sess.Keys
	switch {
	case m.t.Cur.Key(msg, k, m.t.Len(), m.tableRows()):
		m.restore = nil // the user moved: a reload must not jump back
	case key.Matches(msg, k.Filter) && len(m.t.Rows) > 0:
		return m.t.Focus()
	case key.Matches(msg, k.Open):
		if r := m.t.Selected(); r != nil {
			if r.user.Profile <= 0 {
				// A group has no profile: its user page would ask for
				// /users/0/... and show only 404s. Its members have pages.
				how := k.ExpandGroups.Help().Key + " lists its members"
				if m.q.expand {
					how = "its members are the rows 'user via " + orGroup(r.user.Name) + "'"
				}
				return views.Status(fmt.Sprintf("%s is a group: no visibility report of its own; %s, %s opens one",
					orGroup(r.user.Name), how, k.Open.Help().Key), views.Info)
			}
			return views.Emit(views.OpenUserViewMsg{ID: m.id, Name: m.name, User: r.user})
		}
	case key.Matches(msg, k.Refresh):
		if cmd, ok := m.refill(); ok {
			return cmd // only the pages that failed
		}
		return m.reload()
	default:
		cmd, _ := m.memberKey(msg)
		return cmd
	}
	return nil
}

func (m *Model) mouse(msg tea.MouseMsg) {
	if m.t.Mouse(msg, msg.Y-m.tableTop(), m.tableRows()) {
		m.restore = nil
	}
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.clamp()
}

// Lines above the rows: the status line, the server filters' line when
// one is on, the filter line when there is a filter, and the column
// header.
func (m *Model) tableTop() int {
	top := 2
	if m.q.active() {
		top++
	}
	if m.t.LineShown() {
		top++
	}
	return top
}

func (m *Model) tableRows() int { return max(m.h-m.tableTop(), 0) }

// clamp keeps the cursor on a row and the window around the cursor.
func (m *Model) clamp() { m.t.Clamp(m.tableRows()) }

func (m *Model) loading() bool { return m.inflight }

// ShortHelp lists the keys that do something now.
func (m *Model) ShortHelp() []key.Binding {
	if m.menu != nil {
		return m.menuHelp()
	}
	k := &m.sess.Keys
	if m.t.Typing() {
		return typingHelp(k)
	}
	// The footer is one line with the global keys after these: short
	// words, movement left to ? (the full help says each key in full).
	out := m.tableHelp()
	out = append(out, keymap.Help("filters", k.MemberFilters))
	if m.t.Selected() != nil {
		out = append(out, keymap.Help("edit", k.EditMember), keymap.Help("revoke", k.Revoke))
	}
	return append(out, keymap.Help("add", k.AddMember)) // r refresh: in ?
}

// FullHelp groups the keys for the ? help.
func (m *Model) FullHelp() [][]key.Binding {
	if m.menu != nil {
		return [][]key.Binding{m.menuHelp()}
	}
	k := &m.sess.Keys
	if m.t.Typing() {
		return [][]key.Binding{typingHelp(k)}
	}
	var out [][]key.Binding
	if m.t.Len() > 1 {
		out = append(out, table.MovementHelp(k))
	}
	out = append(out, append(m.tableHelp(), k.Refresh))
	out = append(out, []key.Binding{k.MemberFilters, k.ExpandGroups,
		keymap.Help("sort (server)", k.Sort), keymap.Help("reverse sort", k.SortReverse), k.Requests})
	var writes []key.Binding
	if m.t.Selected() != nil {
		writes = append(writes, k.EditMember, k.Revoke)
	}
	return append(out, append(writes, k.AddMember))
}

// tableHelp is the keys that open a row and filter the table, as far as
// they do something now.
func (m *Model) tableHelp() []key.Binding {
	k := &m.sess.Keys
	var out []key.Binding
	if m.t.Selected() != nil {
		out = append(out, keymap.Help("what they see", k.Open))
	}
	if len(m.t.Rows) > 0 {
		out = append(out, k.Filter)
	}
	if m.t.Query() != "" {
		out = append(out, keymap.Help("clear filter", k.Back))
	}
	return out
}

// typingHelp is the filter field's keys.
func typingHelp(k *keymap.KeyMap) []key.Binding {
	return []key.Binding{keymap.Help("keep filter", k.Accept), keymap.Help("clear filter", k.Back),
		keymap.Help("move", k.CursorUp, k.CursorDown)}
}

// orGroup is a group's name for a status line, bounded and safe.
func orGroup(name string) string {
	if n := format.Inline(name); n != "" {
		return n
	}
	return "this member"
}

// rowSearch is what the filter matches: a row's search string.
func rowSearch(r *row) string { return r.search }

// rowUser identifies a row's user: the cursor stays on them.
func rowUser(r *row) userKey { return r.key }
