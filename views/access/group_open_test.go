package access

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
)

// enter on a group row (profile null on the wire, 0 here) must not open a
// user page that asks /users/0/policyInfo and /users/0/visibilityReport and
// shows only their 404s (seen on --demo: Risk Stores Hourly › contractors).
// It says what to do instead; a user row still opens.
func TestEnterOnAGroupRowSaysToExpandIt(t *testing.T) {
	users := []apiclient.AccessUser{
		{Profile: 0, Name: "contractors", Type: "group", State: "expert", Approved: true, SubscriptionID: 101277954},
		{Profile: 3401, Name: "Arjun Walker", Email: "arjun.walker@immuta.com", Type: "user", State: "subscribed", Approved: true, SubscriptionID: 101277966},
	}
	api := &fakeAPI{users: users}
	m := loaded(t, api, 100, 20)
	msgs := press(m, "enter")
	if len(msgs) != 1 {
		t.Fatalf("messages %#v", msgs)
	}
	st, ok := msgs[0].(views.StatusMsg)
	if !ok {
		t.Fatalf("enter on a group: %#v, want a status line", msgs[0])
	}
	if !strings.Contains(st.Text, "contractors is a group") || !strings.Contains(st.Text, "x lists its members") {
		t.Errorf("status %q", st.Text)
	}
	if len(api.profiles) != 0 {
		t.Errorf("asked the server about profiles %v", api.profiles)
	}
	msgs = press(m, "j", "enter")
	if open, ok := msgs[0].(views.OpenUserViewMsg); !ok || open.User.Profile != 3401 {
		t.Fatalf("enter on a user: %#v", msgs[0])
	}
}

// An approval made in the inbox (p from this view opens the source's)
// reloads the access list: going back must not show the member still
// pending (seen on --demo: Store Payroll Hourly, Sofia Miller).
func TestDecidedRequestsReloadTheMembers(t *testing.T) {
	users := []apiclient.AccessUser{
		{Profile: 2, Name: "First Last", Type: "user", State: "owner", Approved: true, SubscriptionID: 1},
		{Profile: 3, Name: "Sofia Miller", Type: "user", State: "pending", SubscriptionID: 102711566},
	}
	api := &fakeAPI{users: users}
	m := loaded(t, api, 100, 20)
	if r, _ := m.t.At(1); r.user.State != "pending" {
		t.Fatalf("before: %q", r.user.State)
	}
	api.mu.Lock()
	api.users = []apiclient.AccessUser{users[0], users[1]}
	api.users[1].State, api.users[1].Approved = "subscribed", true
	calls := len(api.calls)
	api.mu.Unlock()

	// A decision with nothing done reads nothing.
	_, cmd := m.Update(views.RequestsDecidedMsg{Failed: map[int64]string{5: "Request 5 not found"}})
	drive(m, cmd)
	if len(api.calls) != calls {
		t.Errorf("a decision that changed nothing reloaded the list")
	}
	_, cmd = m.Update(views.RequestsDecidedMsg{Done: []int64{102711566}, Approved: true})
	drive(m, cmd)
	r, _ := m.t.At(1)
	if r.user.Name != "Sofia Miller" || r.user.State != "subscribed" {
		t.Errorf("after the approval the row reads %q %q", r.user.Name, r.user.State)
	}
	if !strings.Contains(m.View(), "subscribed") {
		t.Errorf("view:\n%s", m.View())
	}
}
