package access

// Issue 9 §2 in the access view: the server filters and sort map to the
// call's parameters and the header says which are on; the member keys
// start the write flows (views/actions) and the inbox; a write's answer
// updates the row or takes it away.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// members are n generated users with subscription ids 5000+i.
func members(n int) []apiclient.AccessUser {
	us := genUsers(n)
	for i := range us {
		us[i].SubscriptionID = int64(5000 + i)
	}
	return us
}

func lastCall(t *testing.T, api *fakeAPI) apiclient.AccessOptions {
	t.Helper()
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(api.calls) == 0 {
		t.Fatal("no call")
	}
	return api.calls[len(api.calls)-1]
}

func callCount(api *fakeAPI) int {
	api.mu.Lock()
	defer api.mu.Unlock()
	return len(api.calls)
}

func TestFilterMenuMapsToTheCall(t *testing.T) {
	api := &fakeAPI{users: members(5)}
	m := loaded(t, api, 100, 24)
	if o := lastCall(t, api); o.States != nil || o.MemberTypes != nil || o.ExpandGroups || o.SortField != "" || o.SortOrder != "" {
		t.Fatalf("the first load asked for %+v, want the server's defaults", o)
	}
	before := callCount(api)

	press(m, "f")
	if !m.CapturesInput() || !strings.Contains(m.View(), "Show which members") {
		t.Fatalf("no menu:\n%s", m.View())
	}
	// Tick expert and owner, the group type, expand groups; sort by name,
	// then reverse it; apply.
	press(m, "j", " ", "j", " ") // expert, owner
	press(m, "j", "j", "j", " ") // type group
	press(m, "j", "j", " ")      // expand groups
	press(m, "j", "right")       // sort: name
	press(m, "j", " ")           // order: desc
	if callCount(api) != before {
		t.Fatal("the menu asked the server before enter")
	}
	press(m, "enter")
	o := lastCall(t, api)
	if !slices.Equal(o.States, []string{"expert", "owner"}) || !slices.Equal(o.MemberTypes, []string{"group"}) ||
		!o.ExpandGroups || o.SortField != "name" || o.SortOrder != "desc" || o.Offset != 0 {
		t.Fatalf("asked %+v", o)
	}
	out := m.View()
	if want := "server: state: expert, owner · type: group · groups expanded · sort: name desc ↓"; !strings.Contains(out, want) {
		t.Errorf("the header does not say %q:\n%s", want, out)
	}
	if m.CapturesInput() {
		t.Error("the menu stayed open")
	}

	// esc drops what the menu changed.
	n := callCount(api)
	press(m, "f", " ", "esc")
	if callCount(api) != n || m.q.states[0] {
		t.Fatalf("esc applied the menu: %+v", m.q)
	}
}

func TestSortAndExpandKeys(t *testing.T) {
	api := &fakeAPI{users: members(5)}
	m := loaded(t, api, 100, 24)
	press(m, "o")
	if o := lastCall(t, api); o.SortField != "name" || o.SortOrder != "asc" {
		t.Fatalf("o: %+v; the order must be sent (the server's default is desc)", o)
	}
	press(m, "o")
	if o := lastCall(t, api); o.SortField != "state" || o.SortOrder != "asc" {
		t.Fatalf("o o: %+v", o)
	}
	press(m, "O")
	if o := lastCall(t, api); o.SortField != "state" || o.SortOrder != "desc" {
		t.Fatalf("O: %+v", o)
	}
	if !strings.Contains(m.View(), "sort: state desc ↓") {
		t.Errorf("header:\n%s", m.View())
	}
	press(m, "o", "o", "o", "o") // email, expiration, type, back to the server's order
	if o := lastCall(t, api); o.SortField != "" || o.SortOrder != "" {
		t.Fatalf("back to the server's order: %+v", o)
	}
	press(m, "x")
	if o := lastCall(t, api); !o.ExpandGroups {
		t.Fatalf("x: %+v", o)
	}
	press(m, "x")
	if o := lastCall(t, api); o.ExpandGroups {
		t.Fatalf("x x: %+v", o)
	}
	// The filters are kept by a refresh and by later pages.
	press(m, "x", "r")
	if o := lastCall(t, api); !o.ExpandGroups {
		t.Fatalf("refresh dropped the filter: %+v", o)
	}
}

func TestLaterPagesKeepTheFilters(t *testing.T) {
	api := &fakeAPI{users: members(350)}
	m := loaded(t, api, 100, 24)
	press(m, "O") // name desc
	api.mu.Lock()
	calls := slices.Clone(api.calls)
	api.mu.Unlock()
	var pages int
	for _, c := range calls[4:] { // the first load's 4 pages came before
		if c.SortField != "name" || c.SortOrder != "desc" {
			t.Errorf("page at %d asked %+v", c.Offset, c)
		}
		pages++
	}
	if pages != 4 || len(m.t.Rows) != 350 {
		t.Fatalf("%d pages, %d rows", pages, len(m.t.Rows))
	}
}

func TestNoMatchSaysWhichFilters(t *testing.T) {
	api := &fakeAPI{}
	m := loaded(t, api, 100, 10)
	press(m, "f", " ", "enter")
	if out := m.View(); !strings.Contains(out, "No member of Web Sales matches state: subscribed") {
		t.Errorf("empty result:\n%s", out)
	}
}

func rootMsg[T any](msgs []tea.Msg) (T, bool) {
	for _, m := range msgs {
		if v, ok := m.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func TestMemberKeysStartTheFlows(t *testing.T) {
	api := &fakeAPI{users: members(3)}
	m := loaded(t, api, 100, 24)
	press(m, "j")
	sel := m.t.Selected().user

	msgs := press(m, "e")
	om, ok := rootMsg[views.OpenModalMsg](msgs)
	if _, form := om.M.(*actions.MemberForm); !ok || !form {
		t.Fatalf("e opened %v", msgs)
	}
	if !strings.Contains(om.M.Title(), "Change "+sel.Name+"'s access to Web Sales") {
		t.Errorf("form %q", om.M.Title())
	}
	// The form holds the source: D is refused until it closes.
	st, _ := rootMsg[views.StatusMsg](press(m, "D"))
	if !strings.Contains(st.Text, "already in progress") {
		t.Errorf("D while the form is open: %q", st.Text)
	}
	om.M.(views.Closer).Close()

	om, _ = rootMsg[views.OpenModalMsg](press(m, "D"))
	if d, ok := om.M.(*actions.Dialog); !ok || !strings.Contains(d.Title(), "Revoke "+sel.Name) {
		t.Fatalf("D opened %#v", om.M)
	}
	om.M.(views.Closer).Close()

	om, _ = rootMsg[views.OpenModalMsg](press(m, "A"))
	if f, ok := om.M.(*actions.MemberForm); !ok || f.Title() != "Add a member to Web Sales" {
		t.Fatalf("A opened %#v", om.M)
	}
	om.M.(views.Closer).Close()

	if r, ok := rootMsg[views.OpenRequestsMsg](press(m, "p")); !ok || r.SourceID != 16 || r.SourceName != "Web Sales" {
		t.Fatalf("p: %+v", r)
	}
	if api := callCount(api); api != 1 {
		t.Errorf("%d list calls: a member key must not reload", api)
	}
}

func TestReadOnlyMemberKeys(t *testing.T) {
	sess := testCtx(&fakeAPI{users: members(3)})
	sess.ReadOnly, sess.Keys = true, sess.Keys.WithoutWrites()
	m := New(sess, 16, "Web Sales")
	m.SetSize(100, 24)
	drive(m, m.Init())
	for _, k := range []string{"e", "D", "A"} {
		msgs := press(m, k)
		if _, ok := rootMsg[views.OpenModalMsg](msgs); ok {
			t.Errorf("%s opened a modal in read-only mode", k)
		}
		if st, _ := rootMsg[views.StatusMsg](msgs); !strings.Contains(st.Text, "read-only") {
			t.Errorf("%s: status %q", k, st.Text)
		}
	}
	for _, g := range append(m.FullHelp(), m.ShortHelp()) {
		for _, b := range g {
			if b.Enabled() && slices.Contains([]string{"revoke", "add member", "edit state/expiry", "edit", "add"}, b.Help().Desc) {
				t.Errorf("read-only help offers %q", b.Help().Desc)
			}
		}
	}
}

func TestHelpListsTheMemberKeys(t *testing.T) {
	m := loaded(t, &fakeAPI{users: members(3)}, 100, 24)
	var descs []string
	for _, g := range m.FullHelp() {
		for _, b := range g {
			descs = append(descs, b.Help().Key+" "+b.Help().Desc)
		}
	}
	for _, want := range []string{"f state/type filters", "x expand groups", "o sort (server)", "O reverse sort",
		"p pending requests", "e edit state/expiry", "D revoke", "A add member"} {
		if !slices.Contains(descs, want) {
			t.Errorf("? help lacks %q: %q", want, descs)
		}
	}
	var short []string
	for _, b := range m.ShortHelp() {
		short = append(short, b.Help().Desc)
	}
	for _, want := range []string{"filters", "edit", "revoke", "add"} {
		if !slices.Contains(short, want) {
			t.Errorf("footer lacks %q: %q", want, short)
		}
	}
	// Rebound keys are the ones that work and the ones shown.
	sess := testCtx(&fakeAPI{users: members(3)})
	keys, err := sess.Keys.Apply(map[string][]string{"member_filters": {"F"}, "revoke": {"ctrl+x"}})
	if err != nil {
		t.Fatal(err)
	}
	sess.Keys = keys
	m = New(sess, 16, "Web Sales")
	m.SetSize(100, 24)
	drive(m, m.Init())
	press(m, "f")
	if m.menu != nil {
		t.Fatal("f still opens the menu after rebinding")
	}
	press(m, "F")
	if m.menu == nil {
		t.Fatal("F does not open the menu")
	}
}

func withExpiration(u apiclient.AccessUser, state, exp string) apiclient.AccessUser {
	u.State = state
	u.Raw, _ = json.Marshal(map[string]any{"subscriptionId": u.SubscriptionID, "name": u.Name, "email": u.Email,
		"state": state, "type": u.Type, "expiration": exp, "profile": u.Profile})
	return u
}

func TestWriteAnswerUpdatesOrRemovesTheRow(t *testing.T) {
	api := &fakeAPI{users: members(4)}
	m := loaded(t, api, 120, 24)
	press(m, "j")
	u := m.t.Selected().user

	// Another source's change is not this view's.
	changed := withExpiration(u, "expert", "2026-12-31T00:00:00.000Z")
	m.Update(views.AccessChangedMsg{SourceID: 99, AccessID: u.SubscriptionID, User: &changed})
	if m.t.Selected().state == "expert" {
		t.Fatal("another source's answer changed this table")
	}
	m.Update(views.AccessChangedMsg{SourceID: 16, AccessID: u.SubscriptionID, User: &changed})
	out := m.View()
	if r := m.t.Selected(); r.state != "expert" || r.expires != "2026-12-31" || r.user.SubscriptionID != u.SubscriptionID {
		t.Fatalf("row after the change: %+v", r)
	}
	if !strings.Contains(out, "Expires") || !strings.Contains(out, "2026-12-31") || callCount(api) != 1 {
		t.Fatalf("the expiration is not shown, or the list reloaded:\n%s", out)
	}

	// Revoked: the row leaves, the count follows, the cursor stays put.
	m.Update(views.AccessChangedMsg{SourceID: 16, AccessID: u.SubscriptionID, Removed: true})
	if len(m.t.Rows) != 3 || m.count != 3 || !strings.Contains(m.View(), "3 of 3 loaded") {
		t.Fatalf("%d rows, count %d:\n%s", len(m.t.Rows), m.count, m.View())
	}
	for _, r := range m.t.Rows {
		if r.user.SubscriptionID == u.SubscriptionID {
			t.Fatal("the revoked member is still shown")
		}
	}

	// Under a state filter, a member changed to another state leaves.
	api.users = members(4)
	for i := range api.users {
		api.users[i].State = "subscribed"
	}
	press(m, "f", " ", "enter") // subscribed only
	first := m.t.Rows[0].user
	toOwner := withExpiration(first, "owner", "")
	m.Update(views.AccessChangedMsg{SourceID: 16, AccessID: first.SubscriptionID, User: &toOwner})
	if len(m.t.Rows) != 3 {
		t.Fatalf("a member who left the filter stays: %d rows", len(m.t.Rows))
	}

	// An add reloads (the server places the new member).
	n := callCount(api)
	_, cmd := m.Update(views.AccessChangedMsg{SourceID: 16, Reload: true})
	drive(m, cmd)
	if callCount(api) == n {
		t.Fatal("an add did not reload the list")
	}
}

func TestGoldenAccessServerFilters(t *testing.T) {
	us := members(6)
	for i := range us {
		us[i].State = []string{"owner", "expert"}[i%2]
	}
	us[1] = withExpiration(us[1], "expert", "2027-01-31T00:00:00.000Z")
	m := New(testCtx(&fakeAPI{users: us}), 16, "Web Sales")
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m}, teatest.WithInitialTermSize(100, 16))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "6 of 6 loaded") },
		teatest.WithDuration(5*time.Second))
	for _, k := range []string{"f", "j", " ", "j", " ", "j", "j", "j", "j", "j", " ", "j", "right", "enter"} {
		tm.Send(viewtest.KeyMsg(k))
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "sort: name") },
		teatest.WithDuration(5*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	teatest.RequireEqualOutput(t, []byte(tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()))
}

func TestGoldenAccessFilterMenu(t *testing.T) {
	m := New(testCtx(&fakeAPI{users: members(6)}), 16, "Web Sales")
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: m}, teatest.WithInitialTermSize(80, 20))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "6 of 6 loaded") },
		teatest.WithDuration(5*time.Second))
	for _, k := range []string{"f", " ", "j", "j", "j", "j", " "} {
		tm.Send(viewtest.KeyMsg(k))
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "[x] type user") },
		teatest.WithDuration(5*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	teatest.RequireEqualOutput(t, []byte(tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()))
}

func TestClearingTheFilterAfterAChangeKeepsTheCursor(t *testing.T) {
	api := &fakeAPI{users: members(300)}
	m := loaded(t, api, 100, 20)
	press(m, "/")
	typeText(m, "user0250@")
	press(m, "enter")
	u := m.t.Selected().user
	if u.Name != "User 0250" {
		t.Fatalf("selected %q", u.Name)
	}
	changed := withExpiration(u, u.State, "2027-03-31T00:00:00Z")
	_, cmd := m.Update(views.AccessChangedMsg{SourceID: 16, AccessID: u.SubscriptionID, User: &changed})
	drive(m, cmd)
	press(m, "esc")
	if r := m.t.Selected(); r == nil || r.user.SubscriptionID != u.SubscriptionID {
		t.Fatalf("cursor on %+v", r)
	}
	if !strings.Contains(m.View(), "› User 0250") {
		t.Fatalf("the cursor's row is not shown:\n%s", m.View())
	}
}

func TestExpandedGroupMemberShowsItsGroup(t *testing.T) {
	us := members(2)
	us = append(us, apiclient.AccessUser{Profile: 3001, Name: "Cy Ng", Email: "cy@example.com", Type: "user", State: "subscribed",
		Raw: json.RawMessage(`{"profile":3001,"name":"Cy Ng","email":"cy@example.com","type":"user","state":"subscribed","subscriptionId":null,"viaGroup":{"id":33,"name":"store-analysts"}}`)})
	m := loaded(t, &fakeAPI{users: us}, 120, 10)
	if out := m.View(); !strings.Contains(out, "user via store-analysts") {
		t.Fatalf("the group is not shown:\n%s", out)
	}
	press(m, "G")
	st, _ := rootMsg[views.StatusMsg](press(m, "D"))
	if !strings.Contains(st.Text, "Cy Ng has access through the group store-analysts") {
		t.Errorf("D on an expanded member: %q", st.Text)
	}
}

func TestGroupChangeReloadsItsExpandedMembers(t *testing.T) {
	us := members(3)
	us[0].Type = "group"
	api := &fakeAPI{users: us}
	m := loaded(t, api, 120, 10)
	press(m, "x")
	n := callCount(api)
	g := withExpiration(us[0], "owner", "")
	_, cmd := m.Update(views.AccessChangedMsg{SourceID: 16, AccessID: us[0].SubscriptionID, User: &g})
	drive(m, cmd)
	if callCount(api) == n {
		t.Fatal("a group's change with its members listed did not reload")
	}
	// Without expanded groups the row alone changes.
	press(m, "x")
	n = callCount(api)
	m.Update(views.AccessChangedMsg{SourceID: 16, AccessID: us[0].SubscriptionID, User: &g})
	if callCount(api) != n || m.t.Rows[0].state != "owner" {
		t.Fatalf("calls %d→%d, row %+v", n, callCount(api), m.t.Rows[0].state)
	}
}

// The filter menu and the server filters' line stay within the body at
// every size, with the item under the cursor in sight.
func TestMenuAndFilterLineWithinBounds(t *testing.T) {
	for _, sz := range [][2]int{{120, 30}, {80, 12}, {40, 6}, {40, 4}, {12, 3}, {1, 1}} {
		w, h := sz[0], sz[1]
		m := loaded(t, &fakeAPI{users: members(40)}, w, h)
		press(m, "f", " ", "j", "j", "j", "j", "j", "j", "j", "j", "right", "enter") // state subscribed, sort name
		checkBounds(t, m.View(), w, h)
		if h >= 4 && !strings.Contains(m.View(), "server:") {
			t.Errorf("%dx%d: no filters line:\n%s", w, h, m.View())
		}
		press(m, "f", "G")
		for range 9 {
			press(m, "j")
		}
		out := m.View()
		checkBounds(t, out, w, h)
		if w >= 40 && h >= 4 && !strings.Contains(out, "order:") {
			t.Errorf("%dx%d: the item under the cursor is not shown:\n%s", w, h, out)
		}
		press(m, "esc")
	}
}

func TestApprovalFilter(t *testing.T) {
	api := &fakeAPI{users: members(4)}
	m := loaded(t, api, 120, 24)
	press(m, "f")
	for range 10 {
		press(m, "j")
	}
	press(m, "right", "right", "enter") // pending only
	o := lastCall(t, api)
	if o.Approved == nil || *o.Approved {
		t.Fatalf("pending only asked %+v", o)
	}
	if !strings.Contains(m.View(), "server: pending only") {
		t.Errorf("header:\n%s", m.View())
	}
	// A member approved by a write leaves the pending-only list.
	u := m.t.Rows[0].user
	u.Approved = true
	_, cmd := m.Update(views.AccessChangedMsg{SourceID: 16, AccessID: u.SubscriptionID, User: &u})
	drive(m, cmd)
	for _, r := range m.t.Rows {
		if r.user.SubscriptionID == u.SubscriptionID {
			t.Fatal("an approved member stays in the pending-only list")
		}
	}
	press(m, "f")
	for range 10 {
		press(m, "j")
	}
	press(m, "left", "enter") // approved only
	if o := lastCall(t, api); o.Approved == nil || !*o.Approved {
		t.Fatalf("approved only asked %+v", o)
	}
}

func TestRefillPutsTwoGapsInPlace(t *testing.T) {
	boom := &apiclient.APIError{StatusCode: 503, Method: "GET", Path: "/dataSource/16/access", Message: "busy"}
	fail := true
	api := &fakeAPI{users: members(3000), failIf: func(o apiclient.AccessOptions) error {
		for _, at := range []int{700, 2200} {
			if fail && o.Offset <= at && at < o.Offset+o.Size {
				return boom
			}
		}
		return nil
	}}
	m := loaded(t, api, 120, 20)
	if len(m.gaps) != 2 || len(m.t.Rows) >= 3000 {
		t.Fatalf("%d gaps, %d rows", len(m.gaps), len(m.t.Rows))
	}
	press(m, "/")
	typeText(m, "user1")
	press(m, "enter")
	sel := m.t.Selected().key
	fail = false
	press(m, "r")
	if len(m.t.Rows) != 3000 || len(m.gaps) != 0 {
		t.Fatalf("%d rows, %d gaps after r", len(m.t.Rows), len(m.gaps))
	}
	for i, r := range m.t.Rows {
		if want := fmt.Sprintf("User %04d", i); r.name != want {
			t.Fatalf("row %d is %q", i, r.name)
		}
	}
	if m.t.Selected().key != sel {
		t.Errorf("the cursor moved to %+v", m.t.Selected().key)
	}
	if want := filteredBefore(m, "user1"); len(shownRows(m)) != len(want) {
		t.Errorf("the filter shows %d rows, want %d", len(shownRows(m)), len(want))
	}
}

// In the f menu, G/end go to the last item and g/home back to the first,
// as in the list: a → after G changes the last item, not the first.
func TestFilterMenuTopAndBottom(t *testing.T) {
	for _, keys := range [][2]string{{"G", "g"}, {"end", "home"}} {
		api := &fakeAPI{users: members(4)}
		m := loaded(t, api, 120, 24)
		press(m, "f", keys[0], "right", "enter") // show: approved only
		o := lastCall(t, api)
		if o.Approved == nil || !*o.Approved || len(o.States) != 0 {
			t.Fatalf("%s then →: asked %+v", keys[0], o)
		}
		press(m, "f", keys[0], keys[1], " ", "enter") // back to the top: state subscribed
		if o := lastCall(t, api); len(o.States) != 1 {
			t.Fatalf("%s %s then space: asked %+v", keys[0], keys[1], o)
		}
	}
}

// The menu and the filter line take the keymap's bindings, rebound or
// not: a rebound back closes the menu and clears the filter as esc did
// (esc then does nothing there), a rebound accept applies, left and right
// (h and l too) step the choices; letters typed in the filter stay text.
func TestReboundKeysInTheMenuAndTheFilter(t *testing.T) {
	api := &fakeAPI{users: members(4)}
	sess := testCtx(api)
	k, err := sess.Keys.Apply(map[string][]string{"back": {"ctrl+g"}, "accept": {"ctrl+o"}})
	if err != nil {
		t.Fatal(err)
	}
	sess.Keys = k
	m := New(sess, 16, "Web Sales")
	m.SetSize(120, 24)
	drive(m, m.Init())
	before := callCount(api)

	press(m, "f", "esc")
	if m.menu == nil {
		t.Fatal("esc closed the menu with back rebound to ctrl+g")
	}
	press(m, "ctrl+g")
	if m.menu != nil {
		t.Fatal("the rebound back did not close the menu")
	}
	press(m, "f", "G", "l", "enter") // show: approved only; enter is not accept now
	if m.menu == nil || callCount(api) != before {
		t.Fatal("enter applied the menu with accept rebound to ctrl+o")
	}
	press(m, "h", "l", "ctrl+o")
	if o := lastCall(t, api); m.menu != nil || o.Approved == nil || !*o.Approved {
		t.Fatalf("ctrl+o: menu %v, asked %+v", m.menu != nil, o)
	}

	press(m, "/")
	typeText(m, "jhl")
	if m.t.Typed() != "jhl" || !m.t.Typing() {
		t.Fatalf("typed %q (typing %v): a letter fired a binding", m.t.Typed(), m.t.Typing())
	}
	press(m, "esc")
	if !m.t.Typing() {
		t.Fatal("esc left the filter with back rebound")
	}
	press(m, "ctrl+g")
	if m.t.LineShown() || m.CapturesInput() {
		t.Fatal("the rebound back did not clear the filter")
	}
}
