package access

// The access list's server-side filters (states, member types, expanded
// groups, sort), the small menu that sets them, and the keys that start
// the member writes (views/actions) and open the pending requests.

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/format"
)

// The values GET /dataSource/{id}/access takes (immuta-api-v1.md).
var (
	allStates  = [...]string{"subscribed", "expert", "owner", "ingest"}
	allTypes   = [...]string{"user", "group", "policy"}
	sortFields = [...]string{"", "name", "state", "email", "expiration", "type"}
)

// query is what the access list asks the server for. The zero value is
// the server's own choice: every state and type, groups as one row, the
// server's order. Arrays, not maps: a copy is a copy.
type query struct {
	states [len(allStates)]bool
	types  [len(allTypes)]bool
	expand bool
	sort   string // "" = the server's order
	desc   bool
	// approval narrows to approved entries or to pending ones (the
	// call's approved=true|false); 0 is both.
	approval int
}

const (
	approvalAny = iota
	approvalApproved
	approvalPending
)

var approvalNames = [...]string{"approved or pending", "approved only", "pending only"}

// options maps q onto the call's parameters. The order is always sent
// with a sort field: the server's default is desc, which nobody expects
// after asking for "name".
func (q query) options(size, offset int) apiclient.AccessOptions {
	o := apiclient.AccessOptions{Size: size, Offset: offset, ExpandGroups: q.expand}
	o.States = q.stateList()
	o.MemberTypes = q.typeList()
	if q.approval != approvalAny {
		approved := q.approval == approvalApproved
		o.Approved = &approved
	}
	if q.sort != "" {
		o.SortField, o.SortOrder = q.sort, "asc"
		if q.desc {
			o.SortOrder = "desc"
		}
	}
	return o
}

func (q query) stateList() []string {
	var out []string
	for i, s := range allStates {
		if q.states[i] {
			out = append(out, s)
		}
	}
	return out
}

func (q query) typeList() []string {
	var out []string
	for i, t := range allTypes {
		if q.types[i] {
			out = append(out, t)
		}
	}
	return out
}

func (q query) active() bool { return q != query{} }

// describe is the header's line: which filters and which sort are on.
func (q query) describe() string {
	var parts []string
	if s := q.stateList(); len(s) > 0 {
		parts = append(parts, "state: "+strings.Join(s, ", "))
	}
	if t := q.typeList(); len(t) > 0 {
		parts = append(parts, "type: "+strings.Join(t, ", "))
	}
	if q.approval != approvalAny {
		parts = append(parts, approvalNames[q.approval])
	}
	if q.expand {
		parts = append(parts, "groups expanded")
	}
	if q.sort != "" {
		parts = append(parts, "sort: "+q.sort+" "+q.order())
	}
	return strings.Join(parts, " · ")
}

func (q query) order() string {
	if q.desc {
		return "desc ↓"
	}
	return "asc ↑"
}

// keeps says whether u still belongs in a list asked with q (a member
// whose state a write changed may leave the filtered list).
func (q query) keeps(u apiclient.AccessUser) bool {
	if s := q.stateList(); len(s) > 0 && !contains(s, u.State) {
		return false
	}
	if t := q.typeList(); len(t) > 0 && !contains(t, u.Type) {
		return false
	}
	switch q.approval {
	case approvalApproved:
		return u.Approved
	case approvalPending:
		return !u.Approved
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// nextSort is the sort after s: server order, then each field in turn.
func nextSort(s string) string {
	for i, f := range sortFields {
		if f == s {
			return sortFields[(i+1)%len(sortFields)]
		}
	}
	return ""
}

// extras reads what the seed's shape lacks from an entry's raw JSON: its
// expiration (a date) and the group an expanded member has its access
// through. Most entries have neither: their bytes are not decoded again.
func extras(u apiclient.AccessUser) (expires, via string) {
	if !bytes.Contains(u.Raw, []byte(`"expiration"`)) && !bytes.Contains(u.Raw, []byte(`"viaGroup"`)) {
		return "", ""
	}
	var v struct {
		Expiration any `json:"expiration"`
		ViaGroup   *struct {
			Name any `json:"name"`
		} `json:"viaGroup"`
	}
	if json.Unmarshal(u.Raw, &v) != nil {
		return "", ""
	}
	if e, _ := v.Expiration.(string); e != "" {
		if t, ok := format.ParseTime(e); ok {
			expires = format.Date(t)
		} else {
			expires = format.Inline(e)
		}
	}
	if v.ViaGroup != nil {
		name, _ := v.ViaGroup.Name.(string)
		via = format.Inline(name)
		if via == "" {
			via = "a group"
		}
	}
	return expires, via
}

// --- the filter menu ---------------------------------------------------

// menu edits a copy of the query; enter applies it, esc drops it. Its
// cursor is an index into a short fixed list that menuView keeps centred
// on screen: not a table's scrolling window (views/table.Cursor).
type menu struct {
	q      query
	cursor int
}

const (
	menuStates   = 0
	menuTypes    = menuStates + len(allStates)
	menuExpand   = menuTypes + len(allTypes)
	menuSort     = menuExpand + 1
	menuOrder    = menuSort + 1
	menuApproval = menuOrder + 1
	menuItems    = menuApproval + 1
)

// toggle flips (or steps, for the sort) the item under the cursor; d is
// the direction for the sort field.
func (mn *menu) toggle(d int) {
	switch c := mn.cursor; {
	case c < menuTypes:
		mn.q.states[c] = !mn.q.states[c]
	case c < menuExpand:
		mn.q.types[c-menuTypes] = !mn.q.types[c-menuTypes]
	case c == menuExpand:
		mn.q.expand = !mn.q.expand
	case c == menuSort:
		i := 0
		for j, f := range sortFields {
			if f == mn.q.sort {
				i = j
			}
		}
		mn.q.sort = sortFields[(i+d+len(sortFields))%len(sortFields)]
	case c == menuOrder:
		mn.q.desc = !mn.q.desc
	case c == menuApproval:
		mn.q.approval = (mn.q.approval + d + len(approvalNames)) % len(approvalNames)
	}
}

// lines draws the menu's items, the one under the cursor marked.
func (mn *menu) lines() []string {
	box := func(on bool) string {
		if on {
			return "[x] "
		}
		return "[ ] "
	}
	var out []string
	for i, s := range allStates {
		out = append(out, box(mn.q.states[i])+"state "+s)
	}
	for i, t := range allTypes {
		out = append(out, box(mn.q.types[i])+"type "+t)
	}
	out = append(out, box(mn.q.expand)+"expand groups (one row per group member)")
	s := mn.q.sort
	if s == "" {
		s = "server's order"
	}
	out = append(out, "sort: ‹ "+s+" ›")
	if mn.q.sort == "" {
		out = append(out, "order: (server's)")
	} else {
		out = append(out, "order: ‹ "+mn.q.order()+" ›")
	}
	return append(out, "show: ‹ "+approvalNames[mn.q.approval]+" ›")
}

func (m *Model) openMenu() {
	m.menu = &menu{q: m.q}
}

func (m *Model) menuKey(msg tea.KeyMsg) tea.Cmd {
	k := m.sess.Keys
	mn := m.menu
	switch {
	case key.Matches(msg, k.Back):
		m.menu = nil
	case key.Matches(msg, k.Accept):
		q := mn.q
		m.menu = nil
		return m.setQueryOpts(q)
	case key.Matches(msg, k.Up):
		mn.cursor = max(mn.cursor-1, 0)
	case key.Matches(msg, k.Down):
		mn.cursor = min(mn.cursor+1, menuItems-1)
	case key.Matches(msg, k.Top):
		mn.cursor = 0
	case key.Matches(msg, k.Bottom):
		mn.cursor = menuItems - 1
	case key.Matches(msg, k.Left):
		mn.toggle(-1)
	case key.Matches(msg, k.Mark) || key.Matches(msg, k.Right):
		mn.toggle(1)
	}
	return nil
}

// setQueryOpts loads the list again under q (when it changed). The rows
// shown stay until the first page of the new list arrives.
func (m *Model) setQueryOpts(q query) tea.Cmd {
	if q == m.q {
		return nil
	}
	m.q = q
	m.t.Cur.Reset()
	return m.reload()
}

// menuHelp is the menu's keys, described for the menu.
func (m *Model) menuHelp() []key.Binding {
	k := &m.sess.Keys
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, keymap.Help("toggle", k.Mark), menuStep(k),
		keymap.Help("apply", k.Accept), keymap.Help("cancel", k.Back)}
}

// menuStep is the keys that step the sort field (and the approval choice).
func menuStep(k *keymap.KeyMap) key.Binding { return keymap.Help("change sort", k.Left, k.Right) }

// --- member writes -------------------------------------------------------

func (m *Model) target() actions.Target {
	return actions.Target{ID: m.id, Name: format.Inline(m.name)}
}

// memberKey handles the access view's own keys: filters, sort, the
// member writes and the pending requests. It reports false for a key
// that is none of them.
func (m *Model) memberKey(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := m.sess.Keys
	if m.sess.ReadOnly {
		// The root leaves these keys to the view (another view may use
		// them to read): say why nothing happens.
		for _, b := range k.MemberWriteKeys() {
			if key.Matches(msg, b) {
				return views.Status("read-only mode: writes are disabled", views.Warn), true
			}
		}
	}
	switch {
	case key.Matches(msg, k.MemberFilters):
		m.openMenu()
	case key.Matches(msg, k.ExpandGroups):
		q := m.q
		q.expand = !q.expand
		return m.setQueryOpts(q), true
	case key.Matches(msg, k.Sort):
		q := m.q
		q.sort = nextSort(q.sort)
		return m.setQueryOpts(q), true
	case key.Matches(msg, k.SortReverse):
		q := m.q
		if q.sort == "" {
			q.sort = "name"
		}
		q.desc = !q.desc
		return m.setQueryOpts(q), true
	case key.Matches(msg, k.EditMember):
		if r := m.t.Selected(); r != nil {
			return actions.EditMember(m.sess, m.target(), r.user), true
		}
	case key.Matches(msg, k.Revoke):
		if r := m.t.Selected(); r != nil {
			return actions.RevokeMember(m.sess, m.target(), r.user), true
		}
	case key.Matches(msg, k.AddMember):
		return actions.AddMember(m.sess, m.target()), true
	case key.Matches(msg, k.Requests):
		return m.openRequests(), true
	default:
		return nil, false
	}
	return nil, true
}

// onAccessChanged shows what a member write did, as read back from the
// server: the row takes the entry's new state, or leaves the table (a
// revoke, or a state the filters no longer show).
func (m *Model) onAccessChanged(msg views.AccessChangedMsg) tea.Cmd {
	if msg.SourceID != m.id || !m.started {
		return nil
	}
	if msg.Reload {
		return m.reload()
	}
	sel := m.t.SelectedKey()
	now := m.sess.Clock()
	i := -1
	for j := range m.t.Rows {
		if msg.AccessID != 0 && m.t.Rows[j].user.SubscriptionID == msg.AccessID {
			i = j
			break
		}
	}
	if i < 0 {
		return nil
	}
	if m.q.expand && m.t.Rows[i].user.Type == "group" {
		return m.reload() // the group's members, listed under it, changed with it
	}
	// A new slice: a filter running off the UI goroutine reads the old one.
	rows := make([]row, 0, len(m.t.Rows))
	rows = append(rows, m.t.Rows[:i]...)
	if msg.Removed || msg.User == nil || !m.q.keeps(*msg.User) {
		if m.count > 0 {
			m.count--
		}
	} else {
		nr := makeRow(*msg.User, now)
		m.nat.add(&nr)
		rows = append(rows, nr)
	}
	m.t.Rows = append(rows, m.t.Rows[i+1:]...)
	return m.rebuildRows(sel)
}
