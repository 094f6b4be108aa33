// Package requests is the inbox of pending access requests the caller can
// approve (GET /subscription/getPendingRequestsForUser): every source's,
// or one source's. It pages through the list in the background with the
// shared loader, filters the loaded requests locally off the UI goroutine,
// searches the server by name, email or source name, and approves or
// denies the selected request or every marked one in one call.
package requests

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/filtered"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
	"github.com/dsbrowse/dsbrowse/views/table"
)

const loadLabel = "loading pending requests"

// Options say which requests the inbox shows.
type Options struct {
	// SourceID, when set, keeps only the requests for that data source
	// (the server is asked by SourceName, a partial match, and the hits
	// of other sources are dropped).
	SourceID   int64
	SourceName string
}

// row is a request with its display strings, made safe once.
type row struct {
	req               apiclient.PendingRequest
	key               uint64
	who, kind, email  string
	source, date, ago string
	needs             []string // fullest first; see needs
	search            string   // who + " " + email + " " + source: what the filter matches
	whoEnd, emailEnd  int      // where who and email end in search
	sourceID          int64
	decidable         bool // it has a request id
	fromProject       string
}

// batchMsg is one batch of the loader. Only the newest load's batches
// arrive (views.NextBatch on Model.load).
type batchMsg = views.BatchMsg[apiclient.PendingRequest]

// filterMsg is the result of filtering rows off the UI goroutine.
type filterMsg = filtered.Msg[row]

// search is a server search: the call's name, email and modelName.
type search struct {
	text                string // as typed
	name, email, source string
}

func (s search) on() bool { return s.name != "" || s.email != "" || s.source != "" }

// parseSearch reads what was typed for a server search: "name:",
// "email:" and "source:" say which of the call's parameters the words
// after them go to (up to the next such word); words before any go to
// email when they have an @, else to name.
func parseSearch(text string) search {
	s := search{text: strings.TrimSpace(text)}
	var bare []string
	var cur *string
	for _, f := range strings.Fields(s.text) {
		k, v, ok := strings.Cut(f, ":")
		if ok {
			switch strings.ToLower(k) {
			case "name":
				cur = &s.name
			case "email":
				cur = &s.email
			case "source", "model":
				cur = &s.source
			default:
				ok = false
			}
		}
		switch {
		case ok:
			*cur = join(*cur, v)
		case cur != nil:
			*cur = join(*cur, f)
		default:
			bare = append(bare, f)
		}
	}
	if b := strings.Join(bare, " "); b != "" {
		if strings.Contains(b, "@") {
			s.email = join(s.email, b)
		} else {
			s.name = join(s.name, b)
		}
	}
	return s
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + " " + b
}

// Model is the inbox.
type Model struct {
	// typeHidden: the last layout left out the Type column (see columns).
	typeHidden bool
	sess       *views.Session
	opts       Options
	base       context.Context
	cancel     context.CancelFunc

	// loading; load drops the batches of a load that another has replaced
	load      views.Slot
	loader    *paging.Loader[apiclient.PendingRequest]
	prog      paging.Progress
	loading   bool
	started   bool
	reloading bool // the old rows stay until the reload's first batch
	fresh     bool // the reload's first batch has not come yet
	err       error

	marks    map[uint64]bool
	failures map[int64]string // request id → the server's errorMessage

	srv search

	// t is the rows, the filter line, the local filter (as in the access
	// view: off the UI goroutine, one at a time) and the cursor.
	t    filtered.Table[row, uint64]
	w, h int
}

var (
	_ views.View   = (*Model)(nil)
	_ views.Closer = (*Model)(nil)
	_ views.Backer = (*Model)(nil)
)

// New makes the inbox; Init starts loading.
func New(sess *views.Session, o Options) *Model {
	base, cancel := context.WithCancel(context.Background())
	o.SourceName = safe.Line(o.SourceName)
	field := filtered.Field{CharLimit: 200,
		Placeholder: "filter; " + sess.Keys.ServerSearch.Help().Key + " searches the server (name:, email:, source:)"}
	return &Model{sess: sess, opts: o, base: base, cancel: cancel, t: filtered.New(sess.Styles, field, rowSearch, rowKey),
		marks: map[uint64]bool{}, failures: map[int64]string{}}
}

// Init loads the first page.
func (m *Model) Init() tea.Cmd { return m.reload() }

// Close stops the load.
func (m *Model) Close() {
	m.cancel()
	if m.loader != nil {
		m.loader.Cancel()
	}
}

// Title is the breadcrumb.
func (m *Model) Title() string {
	return "Pending requests"
}

// IgnoresListFilter tells the root's header that the list's server filters
// (:mine, :failed…) do not narrow the inbox.
func (m *Model) IgnoresListFilter() bool { return true }

// CapturesInput is true while the filter is being typed.
func (m *Model) CapturesInput() bool { return m.t.Typing() }

// Back clears, in order, the filter being typed, the filter, the server
// search (loading the whole inbox again) and the marks; it reports
// whether esc was used up.
func (m *Model) Back() (tea.Cmd, bool) {
	switch {
	case m.t.LineShown():
		m.t.Clear(m.tableRows())
		return nil, true
	case m.srv.on():
		m.srv = search{}
		return m.reload(), true
	case len(m.marks) > 0:
		clear(m.marks)
		return nil, true
	}
	return nil, false
}

func (m *Model) pendingOptions() apiclient.PendingOptions {
	o := apiclient.PendingOptions{Name: m.srv.name, Email: m.srv.email, ModelName: m.srv.source}
	if m.opts.SourceID != 0 && m.opts.SourceName != "" {
		o.ModelName = m.opts.SourceName
	}
	return o
}

// keyOf identifies a request across pages and reloads: its id, or its
// bytes when it has none (a grouped hit).
func keyOf(r *apiclient.PendingRequest) uint64 {
	if r.ID > 0 {
		return uint64(r.ID)
	}
	return paging.HashKey(r.Raw) | 1<<63
}

// reload starts a new load. The rows on screen stay until its first batch.
func (m *Model) reload() tea.Cmd {
	if m.loader != nil {
		m.loader.Cancel()
	}
	sess, api, o := m.sess, m.sess.API, m.pendingOptions()
	fetch := func(ctx context.Context, offset, size int) ([]apiclient.PendingRequest, int, error) {
		c, cancel := sess.WithTimeout(ctx)
		defer cancel()
		q := o
		q.Offset, q.Size = offset, size
		p, err := api.ListPendingRequests(c, q)
		if err != nil {
			return nil, 0, err
		}
		if p == nil {
			return nil, 0, apiclient.ErrMalformed
		}
		return p.Hits, p.Count, nil
	}
	m.loader = paging.Start(m.base, fetch, keyOf, m.sess.Paging())
	m.reloading, m.fresh = m.started, true
	m.started, m.loading, m.err = true, true, nil
	return m.next()
}

// next waits for the loader's next batch: one outstanding command per
// load, the newest on m.load (a reload's drops the old load's).
func (m *Model) next() tea.Cmd {
	return views.NextBatch(m.base, &m.load, loadLabel, m.loader)
}

// Update handles batches, filter results, decisions, keys and the mouse.
// Its first cases are the access table's too (both are a filtered.Table
// fed by a loader); what each does with them differs.
func (m *Model) Update(msg tea.Msg) (views.View, tea.Cmd) {
	switch msg := msg.(type) {
	case batchMsg:
		return m, m.onBatch(msg)
	case filterMsg:
		return m, m.onFilter(msg)
	case views.RequestsDecidedMsg:
		return m, m.onDecided(msg)
	case tea.KeyMsg:
		if m.t.Typing() {
			return m, m.typingKey(msg)
		}
		return m, m.tableKey(msg)
	case tea.MouseMsg:
		m.mouse(msg)
	}
	return m, nil
}

func (m *Model) onBatch(msg batchMsg) tea.Cmd {
	if !msg.OK {
		m.loading = false // cancelled
		return nil
	}
	b := msg.B
	m.prog = b.Progress
	sel := m.t.SelectedKey()
	if m.fresh && m.reloading && len(b.Items) == 0 {
		// Nothing of the reload yet (a failed page): the old rows stay
		// until it brings some; if it ends without, they stay with the
		// error.
		if b.Err != nil {
			m.err = b.Err
		}
		if !b.Last {
			return m.next()
		}
		m.fresh, m.reloading, m.loading = false, false, false
		if m.err == nil {
			m.err = b.Progress.Err
		}
		if m.err != nil {
			return views.Error(loadLabel, m.err)
		}
		m.t.Rows = nil // the reload found nothing: nothing is pending
		m.dropStaleMarks()
		return m.afterRows(nil)
	}
	if m.fresh {
		m.fresh = false
		if m.reloading {
			m.t.Rows = nil
			m.reloading = false
		}
	}
	if b.Err != nil {
		m.err = b.Err
	}
	now := m.sess.Clock()
	for i := range b.Items {
		r := &b.Items[i]
		if !m.keep(r) {
			continue
		}
		m.t.Rows = append(m.t.Rows, makeRow(*r, now))
	}
	cmds := []tea.Cmd{m.afterRows(sel)}
	if b.Last {
		m.loading = false
		if m.prog.Err != nil && m.err == nil {
			m.err = m.prog.Err
		}
		m.dropStaleMarks()
		if m.err != nil {
			cmds = append(cmds, views.Error(loadLabel, m.err))
		}
	} else {
		cmds = append(cmds, m.next())
	}
	return tea.Batch(cmds...)
}

// keep says whether a hit belongs in this inbox: data source requests
// only (a project's are another screen's), and only this source's when
// the inbox is one source's.
func (m *Model) keep(r *apiclient.PendingRequest) bool {
	if r.Model.Type != "" && r.Model.Type != "datasource" {
		return false
	}
	return m.opts.SourceID == 0 || r.Model.ID == m.opts.SourceID
}

// dropStaleMarks forgets marks and failures of requests no longer shown.
func (m *Model) dropStaleMarks() {
	present := make(map[uint64]bool, len(m.t.Rows))
	for i := range m.t.Rows {
		present[m.t.Rows[i].key] = true
	}
	for k := range m.marks {
		if !present[k] {
			delete(m.marks, k)
		}
	}
	for id := range m.failures {
		if !present[uint64(id)] {
			delete(m.failures, id)
		}
	}
}

func makeRow(r apiclient.PendingRequest, now time.Time) row {
	x := row{req: r, key: keyOf(&r), sourceID: r.Model.ID, decidable: r.ID > 0}
	x.who = format.Inline(r.Entity.Name)
	if x.who == "" {
		x.who = format.Inline(r.Entity.Email)
	}
	if x.who == "" && r.Entity.ID != 0 {
		x.who = "#" + itoa(r.Entity.ID)
	}
	switch r.Entity.Type {
	case "profile", "user":
		x.kind = "user"
	case "":
		x.kind = ""
	default:
		x.kind = format.Inline(r.Entity.Type)
	}
	x.email = format.Inline(r.Entity.Email)
	x.source = format.Inline(r.Model.Name)
	if x.source == "" && r.Model.ID != 0 {
		x.source = "data source " + itoa(r.Model.ID)
	}
	if p := r.FromProject; p != nil {
		x.fromProject = format.Inline(p.Name)
	}
	if t, ok := format.ParseTime(r.CreatedAt); ok {
		x.date, x.ago = format.Date(t), format.Ago(t, now)
	} else {
		x.date = format.Inline(r.CreatedAt)
	}
	x.needs = needs(r)
	x.search = x.who + " " + x.email + " " + x.source
	x.whoEnd = len(x.who)
	x.emailEnd = x.whoEnd + 1 + len(x.email)
	return x
}

// needs says which approvals a request still waits for, fullest first:
// the permission each needs, who must give it when the server names them,
// and how many steps of several are done ("GOVERNANCE (1 of 2 done)");
// then shorter forms, whole words, for a narrow column to pick from.
func needs(r apiclient.PendingRequest) []string {
	w := r.Waiting()
	if len(w) == 0 {
		if len(r.Approvals) == 0 {
			return []string{"an approval"}
		}
		return []string{"none (all given)"}
	}
	full := make([]string, 0, len(w))
	bare := make([]string, 0, len(w))
	for _, a := range w {
		p := format.Inline(a.RequiredPermission)
		if p == "" {
			p = "approval"
		}
		bare = append(bare, p)
		if who := format.Inline(a.Approver); who != "" {
			p += " (" + who + ")"
		}
		if on := format.Inline(a.OwnerModelName); on != "" {
			p += " of " + on
		}
		full = append(full, p)
	}
	progress := ""
	if n := len(r.Approvals); n > 1 && n > len(w) {
		progress = fmt.Sprintf(" (%d of %d done)", n-len(w), n)
	}
	forms := []string{strings.Join(full, ", ") + progress, strings.Join(bare, ", ") + progress, strings.Join(bare, ", ")}
	return slices.Compact(forms)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// afterRows keeps the cursor on the request it was on and, with a filter
// on, asks for it to run again on the new rows.
func (m *Model) afterRows(sel *uint64) tea.Cmd {
	_, cmd := m.t.Rebuilt(m.tableRows(), sel)
	return cmd
}

// onDecided takes an approve or deny's answer: the requests done leave,
// the failed ones show the server's message beside them.
func (m *Model) onDecided(msg views.RequestsDecidedMsg) tea.Cmd {
	for id, text := range msg.Failed {
		m.failures[id] = text
	}
	if len(msg.Done) > 0 {
		// An approval gives one step: a request that waited for more
		// than one is still pending, with a step fewer. It stays, and
		// the inbox loads again to show what it still needs.
		waiting := make(map[uint64]int, len(m.t.Rows))
		for i := range m.t.Rows {
			waiting[m.t.Rows[i].key] = len(m.t.Rows[i].req.Waiting())
		}
		gone := make(map[uint64]bool, len(msg.Done))
		for _, id := range msg.Done {
			delete(m.failures, id)
			delete(m.marks, uint64(id))
			if msg.Approved && waiting[uint64(id)] > 1 {
				msg.Unknown = true // reload
				continue
			}
			gone[uint64(id)] = true
		}
		sel := m.t.SelectedKey()
		// The next request takes the cursor when the selected one leaves.
		if sel != nil && gone[*sel] {
			sel = m.nextKept(gone)
		}
		kept := make([]row, 0, len(m.t.Rows))
		for _, r := range m.t.Rows {
			if !gone[r.key] {
				kept = append(kept, r)
			}
		}
		if m.prog.Total > 0 {
			m.prog.Total = max(m.prog.Total-(len(m.t.Rows)-len(kept)), 0)
		}
		m.t.Rows = kept
		cmd := m.afterRows(sel)
		if msg.Unknown {
			return tea.Batch(cmd, m.reload())
		}
		return cmd
	}
	if msg.Unknown {
		return m.reload()
	}
	return nil
}

// nextKept is the key of the first row after the cursor that stays, or
// the last one before it.
func (m *Model) nextKept(gone map[uint64]bool) *uint64 {
	for i := m.t.Cur.Index() + 1; i < m.t.Len(); i++ {
		if r, _ := m.t.At(i); !gone[r.key] {
			k := r.key
			return &k
		}
	}
	for i := m.t.Cur.Index() - 1; i >= 0; i-- {
		if r, _ := m.t.At(i); !gone[r.key] {
			k := r.key
			return &k
		}
	}
	return nil
}

// targets are what approve and deny work on: every marked request (in
// the inbox's order, filtered out or not), or else the selected one.
func (m *Model) targets() []actions.Request {
	var rs []*row
	if len(m.marks) > 0 {
		for i := range m.t.Rows {
			if m.marks[m.t.Rows[i].key] {
				rs = append(rs, &m.t.Rows[i])
			}
		}
	} else if r := m.t.Selected(); r != nil {
		rs = append(rs, r)
	}
	out := make([]actions.Request, 0, len(rs))
	for _, r := range rs {
		out = append(out, actions.Request{ID: r.req.ID, Who: r.who, Source: r.source})
	}
	return out
}

// --- filter -------------------------------------------------------------

func (m *Model) onFilter(msg filterMsg) tea.Cmd {
	_, _, cmd := m.t.OnResult(msg, m.tableRows(), nil)
	return cmd
}

func (m *Model) typingKey(msg tea.KeyMsg) tea.Cmd {
	if !keymap.Typed(msg) && key.Matches(msg, m.sess.Keys.ServerSearch) {
		// What was typed becomes a server search; the local filter goes.
		s := parseSearch(m.t.Typed())
		m.t.Clear(m.tableRows())
		if !s.on() && !m.srv.on() {
			return nil
		}
		m.srv = s
		m.t.Cur.Reset()
		return m.reload()
	}
	_, cmd := m.t.TypingKey(msg, &m.sess.Keys, m.tableRows())
	return cmd
}

// --- keys -----------------------------------------------------------------

func (m *Model) tableKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.sess.Keys
	if m.sess.ReadOnly {
		for _, b := range k.DecisionWriteKeys() {
			if key.Matches(msg, b) {
				return views.Status("read-only mode: writes are disabled", views.Warn)
			}
		}
	}
	switch {
	case m.t.Cur.Key(msg, k, m.t.Len(), m.tableRows()):
	case key.Matches(msg, k.Filter):
		return m.t.Focus()
	case key.Matches(msg, k.Mark):
		if r := m.t.Selected(); r != nil && r.decidable {
			if m.marks[r.key] {
				delete(m.marks, r.key)
			} else {
				m.marks[r.key] = true
			}
			m.t.Cur.Move(1, m.t.Len(), m.tableRows())
		}
	case key.Matches(msg, k.Approve):
		return actions.Approve(m.sess, m.targets())
	case key.Matches(msg, k.Deny):
		return actions.Deny(m.sess, m.targets())
	case key.Matches(msg, k.Open):
		if r := m.t.Selected(); r != nil && r.sourceID != 0 {
			return views.Emit(views.OpenSourceMsg{ID: r.sourceID, Name: r.req.Model.Name})
		}
	case key.Matches(msg, k.Refresh):
		return m.reload()
	}
	return nil
}

func (m *Model) mouse(msg tea.MouseMsg) {
	m.t.Mouse(msg, msg.Y-m.tableTop(), m.tableRows())
}

// SetSize sets the body size.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = max(w, 0), max(h, 0)
	m.clamp()
}

// Lines above the rows: the status line, the filter line when there is a
// filter, and the column header.
func (m *Model) tableTop() int {
	if m.t.LineShown() {
		return 3
	}
	return 2
}

func (m *Model) tableRows() int { return max(m.h-m.tableTop(), 0) }

func (m *Model) clamp() { m.t.Clamp(m.tableRows()) }

// ShortHelp lists the keys that do something now.
func (m *Model) ShortHelp() []key.Binding {
	k := &m.sess.Keys
	if m.t.Typing() {
		return []key.Binding{keymap.Help("keep filter", k.Accept), keymap.Help("clear filter", k.Back), m.searchBinding()}
	}
	var out []key.Binding
	if m.t.Selected() != nil {
		out = append(out, m.writeKeys()...)
		out = append(out, k.Mark)
	}
	out = append(out, k.Filter)
	if m.t.Query() != "" || m.srv.on() || len(m.marks) > 0 {
		out = append(out, m.clearBinding())
	}
	return append(out, k.Refresh)
}

// FullHelp groups the keys for the ? help.
func (m *Model) FullHelp() [][]key.Binding {
	k := &m.sess.Keys
	if m.t.Typing() {
		return [][]key.Binding{{keymap.Help("keep filter", k.Accept), keymap.Help("clear filter", k.Back), m.searchBinding(),
			keymap.Help("move", k.CursorUp, k.CursorDown)}}
	}
	return [][]key.Binding{
		table.MovementHelp(k),
		append(append([]key.Binding{k.Mark}, m.writeKeys()...), keymap.Help("open the source", k.Open)),
		m.filterKeys(),
	}
}

func (m *Model) filterKeys() []key.Binding {
	out := []key.Binding{m.sess.Keys.Filter}
	if m.t.Query() != "" || m.srv.on() || len(m.marks) > 0 {
		out = append(out, m.clearBinding())
	}
	return append(out, m.sess.Keys.Refresh)
}

// writeKeys are approve and deny, unless the session is read-only.
func (m *Model) writeKeys() []key.Binding {
	if m.sess.ReadOnly {
		return nil
	}
	return []key.Binding{m.sess.Keys.Approve, m.sess.Keys.Deny}
}

func (m *Model) searchBinding() key.Binding {
	return keymap.Help("search server", m.sess.Keys.ServerSearch)
}

// clearBinding is esc, named for what it clears first (see Back).
func (m *Model) clearBinding() key.Binding {
	what := "back"
	switch {
	case m.t.Query() != "":
		what = "clear filter"
	case m.srv.on():
		what = "end server search"
	case len(m.marks) > 0:
		what = "unmark all"
	}
	return keymap.Help(what, m.sess.Keys.Back)
}

// rowSearch is what the filter matches: a row's search string.
func rowSearch(r *row) string { return r.search }

// rowKey identifies a row's request: the cursor stays on it.
func rowKey(r *row) uint64 { return r.key }
