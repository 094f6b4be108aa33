package actions_test

// Issue 9 §2: member writes (revoke, change state and expiration, add by
// id or by a looked-up email or name) have the safety of every write:
// the read-only gate, one flow per source, Cancel focused, the protected
// prompt, sent once, the outcome from the answer and a read after it, and
// a form that keeps what was typed.

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// memberAPI is an access list that searches (searchText on name and
// email, memberTypes) and changes as the writes say.
type memberAPI struct {
	*viewtest.FakeAPI
	mu       sync.Mutex
	members  []apiclient.AccessUser
	sets     []string // "accessID state expiration"
	adds     []apiclient.AddAccessRequest
	setErr   error
	addErr   error
	listErr  error
	searches []apiclient.AccessOptions
}

const srcID = 16

var src = actions.Target{ID: srcID, Name: "Web Sales"}

func member(sub, profile int64, name, email, state string) apiclient.AccessUser {
	u := apiclient.AccessUser{SubscriptionID: sub, Profile: profile, Name: name, Email: email, State: state, Type: "user", Approved: true}
	u.Raw, _ = json.Marshal(map[string]any{"subscriptionId": sub, "profile": profile, "name": name, "email": email, "state": state, "type": "user"})
	return u
}

func newMemberAPI() (*memberAPI, *views.Session) {
	f := &viewtest.FakeAPI{}
	m := &memberAPI{FakeAPI: f, members: []apiclient.AccessUser{
		member(77, 1001, "Ann Lee", "ann@example.com", "subscribed"),
		member(78, 1002, "Bob Stone", "bob@example.com", "subscribed"),
		member(79, 1003, "Bob Stone", "bob.stone@example.com", "expert"),
		{SubscriptionID: 80, Name: "Analysts", Type: "group", State: "subscribed",
			Raw: json.RawMessage(`{"subscriptionId":80,"profile":null,"group":33,"name":"Analysts","type":"group","state":"subscribed"}`)},
		{SubscriptionID: 81, Name: "Everyone in EU", Type: "policy", State: "subscribed"},
	}}
	f.SetAccessFn = func(_, accessID int64, ch apiclient.AccessChange) (*apiclient.WriteAnswer, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		exp := ""
		if ch.Expiration != nil {
			exp = ch.Expiration.UTC().Format(time.RFC3339)
		}
		m.sets = append(m.sets, strings.TrimSpace(fmt.Sprintf("%d %s %s", accessID, ch.State, exp)))
		if m.setErr != nil {
			return nil, m.setErr
		}
		for i, u := range m.members {
			if u.SubscriptionID != accessID {
				continue
			}
			if ch.State == "denied" {
				m.members = append(m.members[:i:i], m.members[i+1:]...)
				break
			}
			raw := map[string]any{"subscriptionId": u.SubscriptionID, "profile": u.Profile, "name": u.Name, "email": u.Email, "state": ch.State, "type": u.Type}
			if exp != "" {
				raw["expiration"] = exp
			}
			u.State = ch.State
			u.Raw, _ = json.Marshal(raw)
			m.members[i] = u
		}
		return &apiclient.WriteAnswer{Raw: json.RawMessage(`"ok"`)}, nil
	}
	f.AddAccessFn = func(_ int64, r apiclient.AddAccessRequest) (*apiclient.WriteAnswer, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.adds = append(m.adds, r)
		if m.addErr != nil {
			return nil, m.addErr
		}
		return &apiclient.WriteAnswer{Raw: json.RawMessage(fmt.Sprintf(`{"state":%q}`, r.State))}, nil
	}
	return m, viewtest.Context(m)
}

func (m *memberAPI) ListAccess(_ context.Context, _ int64, o apiclient.AccessOptions) (*apiclient.AccessPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.searches = append(m.searches, o)
	if m.listErr != nil {
		return nil, m.listErr
	}
	var hits []apiclient.AccessUser
	for _, u := range m.members {
		q := strings.ToLower(o.SearchText)
		if q != "" && !strings.Contains(strings.ToLower(u.Name), q) && !strings.Contains(strings.ToLower(u.Email), q) {
			continue
		}
		if len(o.MemberTypes) > 0 && !contains(o.MemberTypes, u.Type) {
			continue
		}
		hits = append(hits, u)
	}
	lo := min(o.Offset, len(hits))
	hi := min(lo+max(o.Size, 1), len(hits))
	return &apiclient.AccessPage{Count: len(hits), Users: hits[lo:hi]}, nil
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func (m *memberAPI) get(sub int64) apiclient.AccessUser {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, u := range m.members {
		if u.SubscriptionID == sub {
			return u
		}
	}
	panic(fmt.Sprintf("no member %d", sub))
}

func (m *memberAPI) setCalls() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.sets...)
}

func (m *memberAPI) addCalls() []apiclient.AddAccessRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]apiclient.AddAccessRequest(nil), m.adds...)
}

// openForm runs an action's command and returns the member form it opens.
func openForm(t *testing.T, cmd tea.Cmd, w, h int) (*viewtest.Driver, *actions.MemberForm) {
	t.Helper()
	if cmd == nil {
		t.Fatal("the action returned no command")
	}
	for _, msg := range viewtest.Collect(cmd) {
		if om, ok := msg.(views.OpenModalMsg); ok {
			f, ok := om.M.(*actions.MemberForm)
			if !ok {
				t.Fatalf("modal is %T, want *actions.MemberForm", om.M)
			}
			return viewtest.New(t, f, w, h), f
		}
	}
	t.Fatal("the action opened no form")
	return nil, nil
}

// nextModal is the modal the driver's view last asked to open (the form
// hands over to its dialog, the dialog back to its form), as its own
// driver.
func nextModal[T views.View](t *testing.T, drv *viewtest.Driver) (*viewtest.Driver, T) {
	t.Helper()
	om, ok := viewtest.Last[views.OpenModalMsg](drv)
	if !ok {
		t.Fatalf("no modal opened; screen:\n%s", drv.Screen())
	}
	v, ok := om.M.(T)
	if !ok {
		t.Fatalf("modal is %T", om.M)
	}
	drv.Emitted = nil
	return viewtest.New(t, v, 80, 24), v
}

func statusText(t *testing.T, cmd tea.Cmd) string {
	t.Helper()
	for _, msg := range viewtest.Collect(cmd) {
		switch m := msg.(type) {
		case views.StatusMsg:
			return m.Text
		case views.OpenModalMsg:
			t.Fatalf("a modal (%T) opened, want a status", m.M)
		}
	}
	t.Fatal("no status")
	return ""
}

// wantCall checks the call the dialog shows, however it wraps.
func wantCall(t *testing.T, drv *viewtest.Driver, call string) {
	t.Helper()
	flat := strings.Join(strings.Fields(flatten(drv.Screen())), "")
	if !strings.Contains(flat, "→"+strings.ReplaceAll(call, " ", "")) {
		t.Errorf("the dialog does not show the call %s:\n%s", call, drv.Screen())
	}
}

func accessChanges(drv *viewtest.Driver) []views.AccessChangedMsg {
	return all[views.AccessChangedMsg](drv)
}

func TestRevokeMemberCancelFocusedSentOnce(t *testing.T) {
	api, sess := newMemberAPI()
	ann := api.get(77)

	// Cancel is focused: enter cancels, nothing is sent.
	drv, _ := openDialog(t, actions.RevokeMember(marked(sess), src, ann), 80, 24)
	wantScreen(t, drv, "Revoke Ann Lee's access to Web Sales")
	wantCall(t, drv, `PUT /dataSource/16/access/77 {"state":"denied"}`)
	if got := highlighted(t, drv); got != "Cancel" {
		t.Fatalf("focused button %q, want Cancel", got)
	}
	drv.Key("enter")
	if !closed(drv) || len(api.setCalls()) != 0 {
		t.Fatalf("enter on Cancel: closed=%v, sent %q", closed(drv), api.setCalls())
	}

	// y twice (a double press): one PUT, the member read again, the row
	// told to leave.
	drv, d := openDialog(t, actions.RevokeMember(sess, src, ann), 80, 24)
	_, first := drv.V.Update(viewtest.KeyMsg("y"))
	if _, second := drv.V.Update(viewtest.KeyMsg("y")); second != nil {
		t.Fatal("a second y while the first runs returned a command")
	}
	drv.Run(first)
	if got := api.setCalls(); len(got) != 1 || got[0] != "77 denied" {
		t.Fatalf("PUTs %q, want one: 77 denied", got)
	}
	if !d.Done() {
		t.Fatal("the dialog did not finish")
	}
	wantScreen(t, drv, "Ann Lee: access revoked; no longer in the access list of Web Sales")
	ch := accessChanges(drv)
	if len(ch) != 1 || !ch[0].Removed || ch[0].AccessID != 77 || ch[0].SourceID != srcID {
		t.Fatalf("access changes %+v, want 77 removed", ch)
	}
	// The search read Ann back by her email.
	if last := api.searches[len(api.searches)-1]; last.SearchText != "ann@example.com" {
		t.Errorf("read back with %+v", last)
	}
}

func TestMemberWritesRefusedReadOnly(t *testing.T) {
	api, sess := newMemberAPI()
	sess.ReadOnly = true
	for name, cmd := range map[string]tea.Cmd{
		"revoke": actions.RevokeMember(sess, src, api.get(77)),
		"edit":   actions.EditMember(sess, src, api.get(77)),
		"add":    actions.AddMember(sess, src),
	} {
		if got := statusText(t, cmd); !strings.Contains(got, "read-only") {
			t.Errorf("%s: status %q", name, got)
		}
	}
	if len(api.setCalls())+len(api.addCalls()) != 0 {
		t.Fatal("a write was sent in read-only mode")
	}
	// The claim was never taken: a write is possible once writes are.
	if sess.Writes().Busy(srcID) {
		t.Fatal("the source stays busy")
	}
}

func TestPolicyAndUnknownSubscriptionRefused(t *testing.T) {
	api, sess := newMemberAPI()
	pol := api.get(81)
	if got := statusText(t, actions.RevokeMember(sess, src, pol)); !strings.Contains(got, "through a policy") {
		t.Errorf("policy member: %q", got)
	}
	noSub := api.get(77)
	noSub.SubscriptionID = 0
	if got := statusText(t, actions.EditMember(sess, src, noSub)); !strings.Contains(got, "no subscription id") {
		t.Errorf("no subscription id: %q", got)
	}
}

func TestMemberWriteProtectedPrompt(t *testing.T) {
	api, sess := newMemberAPI()
	sess.Protected, sess.Profile = true, "prod"
	drv, _ := openDialog(t, actions.RevokeMember(sess, src, api.get(77)), 80, 24)
	wantScreen(t, drv, "prod is a protected profile: type its name to confirm")
	drv.Key("enter") // nothing typed
	if len(api.setCalls()) != 0 {
		t.Fatal("sent without the profile name")
	}
	wantScreen(t, drv, `Type "prod" exactly to confirm.`)
	typeText(drv, "prod")
	drv.Key("enter")
	if got := api.setCalls(); len(got) != 1 {
		t.Fatalf("PUTs %q, want one", got)
	}
}

func TestOneMemberWriteFlowPerSource(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, _ := openForm(t, actions.EditMember(sess, src, api.get(77)), 80, 24)
	// The form holds the source: a revoke, a second edit, an add, or a
	// disable of the source itself, are refused.
	for name, cmd := range map[string]tea.Cmd{
		"revoke": actions.RevokeMember(sess, src, api.get(78)),
		"edit":   actions.EditMember(sess, src, api.get(78)),
		"add":    actions.AddMember(sess, src),
		"delete": actions.Delete(sess, []actions.Target{src}),
	} {
		if got := statusText(t, cmd); !strings.Contains(got, "a write on Web Sales is already in progress") {
			t.Errorf("%s while the form is open: %q", name, got)
		}
	}
	fdrv.Key("esc")
	if !closed(fdrv) || sess.Writes().Busy(srcID) {
		t.Fatal("esc did not end the flow")
	}
	openDialog(t, actions.RevokeMember(sess, src, api.get(78)), 80, 24)
}

func TestEditMemberStateAndExpiry(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, form := openForm(t, actions.EditMember(sess, src, api.get(77)), 80, 24)
	wantScreen(t, fdrv, "Change Ann Lee's access to Web Sales", "PUT /dataSource/16/access/77", "[subscribed]")
	fdrv.Key("right") // subscribed → expert
	fdrv.Key("tab")
	typeText(fdrv, "2026-12-31")
	fdrv.Key("enter") // the last field: on to the confirm dialog
	if got := form.Values(); got[0] != "expert" || got[1] != "2026-12-31" {
		t.Fatalf("form values %q", got)
	}
	ddrv, d := nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, "State: subscribed → expert", "Expires: none → 2026-12-31")
	wantCall(t, ddrv, `PUT /dataSource/16/access/77 {"state":"expert","expiration":"2026-12-31T00:00:00Z"}`)
	// A key the form gets late (it has handed over) does nothing.
	fdrv.Key("enter")
	if _, ok := viewtest.Last[views.OpenModalMsg](fdrv); ok {
		t.Fatal("the form opened a second dialog")
	}
	ddrv.Key("y")
	if got := api.setCalls(); len(got) != 1 || got[0] != "77 expert 2026-12-31T00:00:00Z" {
		t.Fatalf("PUTs %q", got)
	}
	if !d.Done() {
		t.Fatal("not done")
	}
	wantScreen(t, ddrv, "Ann Lee: now expert, expires 2026-12-31")
	ch := accessChanges(ddrv)
	if len(ch) != 1 || ch[0].Removed || ch[0].User == nil || ch[0].User.State != "expert" || actions.Expiration(*ch[0].User) == "" {
		t.Fatalf("access changes %+v", ch)
	}
	ddrv.Key("enter")
	if !closed(ddrv) || sess.Writes().Busy(srcID) {
		t.Fatal("the flow did not end with the dialog")
	}
}

func TestEditMemberBadInputKept(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, form := openForm(t, actions.EditMember(sess, src, api.get(77)), 80, 24)
	// Nothing changed: said, nothing opened.
	fdrv.Key("ctrl+s")
	wantScreen(t, fdrv, "nothing to change")
	fdrv.Key("tab")
	typeText(fdrv, "31/12/2026")
	fdrv.Key("enter")
	wantScreen(t, fdrv, "✗ a date as YYYY-MM-DD")
	if _, ok := viewtest.Last[views.OpenModalMsg](fdrv); ok {
		t.Fatal("a dialog opened for a bad date")
	}
	if got := form.Values()[1]; got != "31/12/2026" {
		t.Fatalf("the date typed became %q", got)
	}
	erase(fdrv, 10)
	typeText(fdrv, "2020-01-01")
	fdrv.Key("enter")
	wantScreen(t, fdrv, "that date has passed")
	if len(api.setCalls()) != 0 {
		t.Fatal("sent")
	}
}

func TestRefusedEditGoesBackToTheForm(t *testing.T) {
	api, sess := newMemberAPI()
	api.setErr = &apiclient.APIError{StatusCode: 400, Method: "PUT", Path: "/dataSource/16/access/77", Message: "owners cannot expire"}
	fdrv, form := openForm(t, actions.EditMember(sess, src, api.get(77)), 80, 24)
	fdrv.Key("right", "right", "tab") // owner
	typeText(fdrv, "2026-12-31")
	fdrv.Key("enter")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	ddrv.Key("y")
	wantScreen(t, ddrv, "Ann Lee: not changed", "owners cannot expire", "enter goes back to the form")
	ddrv.Key("enter")
	back, _ := nextModal[*actions.MemberForm](t, ddrv)
	if back.V != form {
		t.Fatal("another form came back")
	}
	if got := form.Values(); got[0] != "owner" || got[1] != "2026-12-31" {
		t.Fatalf("what was typed is lost: %q", got)
	}
	wantScreen(t, back, "owners cannot expire")
	if !sess.Writes().Busy(srcID) {
		t.Fatal("the form came back without its flow's claim")
	}
	// Cancel in the dialog comes back too; esc in the form ends it all.
	back.Key("enter")
	ddrv, _ = nextModal[*actions.Dialog](t, back)
	ddrv.Key("n")
	back, _ = nextModal[*actions.MemberForm](t, ddrv)
	back.Key("esc")
	if !closed(back) || sess.Writes().Busy(srcID) {
		t.Fatal("esc did not end the flow")
	}
	if got := api.setCalls(); len(got) != 1 {
		t.Fatalf("PUTs %q, want the one refused", got)
	}
}

func TestNoClearAnswerIsNotResent(t *testing.T) {
	api, sess := newMemberAPI()
	api.setErr = fmt.Errorf("PUT: %w", apiclient.ErrUnreachable)
	// The read after it fails too: nothing settles it.
	drv, _ := openDialog(t, actions.RevokeMember(sess, src, api.get(78)), 80, 24)
	api.listErr = fmt.Errorf("GET: %w", apiclient.ErrUnreachable)
	drv.Key("y")
	wantScreen(t, drv, "no clear answer", "may or may not have revoked it", "Refresh (r) to see")
	drv.Key("enter")
	if !closed(drv) {
		t.Fatal("an unclear answer must not go back to a form to be sent again")
	}
	if got := api.setCalls(); len(got) != 1 {
		t.Fatalf("PUTs %q", got)
	}
}

func TestAddMemberByLookup(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, form := openForm(t, actions.AddMember(sess, src), 80, 24)
	wantScreen(t, fdrv, "Add a member to Web Sales", "POST /dataSource/16/access", "[user]")
	fdrv.Key("tab")

	// Several members match: the form names them and keeps the input.
	typeText(fdrv, "bob stone")
	fdrv.Key("ctrl+s")
	wantScreen(t, fdrv, `"bob stone" is ambiguous`, "<bob@example.com> (1002)", "<bob.stone@example.com> (1003)")
	if got := form.Values()[1]; got != "bob stone" {
		t.Fatalf("input became %q", got)
	}
	// Nobody matches.
	erase(fdrv, 9)
	typeText(fdrv, "zed@example.com")
	fdrv.Key("ctrl+s")
	wantScreen(t, fdrv, `no user matching "zed@example.com"`, "type the profile id")
	// A partial match is not taken for the member.
	erase(fdrv, 15)
	typeText(fdrv, "ann@")
	fdrv.Key("ctrl+s")
	wantScreen(t, fdrv, `no exact match for "ann@"`, "Ann Lee <ann@example.com> (1001)")
	if len(api.addCalls()) != 0 {
		t.Fatal("sent while the member was not settled")
	}

	// The exact email: the dialog names the profile and sends it once.
	erase(fdrv, 4)
	typeText(fdrv, "ann@example.com")
	fdrv.Key("tab", "right") // expert
	fdrv.Key("ctrl+s")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, "Add Ann Lee <ann@example.com> (profile 1001) to Web Sales", "As expert, with no expiration.")
	wantCall(t, ddrv, `POST /dataSource/16/access {"state":"expert","profileId":1001}`)
	ddrv.Key("y", "y")
	if got := api.addCalls(); len(got) != 1 || got[0].ProfileID != 1001 || got[0].State != "expert" || got[0].GroupID != 0 {
		t.Fatalf("POSTs %+v", got)
	}
	wantScreen(t, ddrv, "added to Web Sales as expert")
	if ch := accessChanges(ddrv); len(ch) != 1 || !ch[0].Reload {
		t.Fatalf("access changes %+v, want a reload", ch)
	}
}

func TestAddGroupByIDWithExpiry(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, _ := openForm(t, actions.AddMember(sess, src), 80, 24)
	fdrv.Key("right", "tab") // group
	typeText(fdrv, "42")
	fdrv.Key("tab", "tab")
	typeText(fdrv, "2027-01-31")
	fdrv.Key("enter")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	wantCall(t, ddrv, `POST /dataSource/16/access {"state":"subscribed","groupId":42,"expiration":"2027-01-31T00:00:00Z"}`)
	ddrv.Key("y")
	if got := api.addCalls(); len(got) != 1 || got[0].GroupID != 42 || got[0].ProfileID != 0 || got[0].Expiration == nil {
		t.Fatalf("POSTs %+v", got)
	}
	// A lookup is only made for names: an id is sent as typed.
	for _, s := range api.searches {
		if s.SearchText != "" {
			t.Errorf("looked up %q for an id", s.SearchText)
		}
	}
}

func TestRefusedAddKeepsInput(t *testing.T) {
	api, sess := newMemberAPI()
	api.addErr = &apiclient.APIError{StatusCode: 409, Method: "POST", Path: "/dataSource/16/access", Message: "already a member"}
	fdrv, form := openForm(t, actions.AddMember(sess, src), 80, 24)
	fdrv.Key("tab")
	typeText(fdrv, "1001")
	fdrv.Key("ctrl+s")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	ddrv.Key("y")
	wantScreen(t, ddrv, "not added", "already a member")
	ddrv.Key("enter")
	back, _ := nextModal[*actions.MemberForm](t, ddrv)
	wantScreen(t, back, "already a member")
	if got := form.Values(); got[0] != "user" || got[1] != "1001" {
		t.Fatalf("input lost: %q", got)
	}
}

// Goldens at 80×24: the revoke dialog, the edit form, the add form with a
// lookup that found several members, the change confirm.

func goldenView(t *testing.T, v views.View, ready func() bool) {
	t.Helper()
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: v, Ready: ready}, teatest.WithInitialTermSize(80, 24))
	out := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).View()
	teatest.RequireEqualOutput(t, []byte(out))
}

func TestGoldenRevokeMemberDialog(t *testing.T) {
	api, sess := newMemberAPI()
	_, d := openDialog(t, actions.RevokeMember(sess, src, api.get(77)), 80, 24)
	golden(t, d, always)
}

func TestGoldenEditMemberForm(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, f := openForm(t, actions.EditMember(sess, src, api.get(79)), 80, 24)
	fdrv.Key("right", "tab")
	typeText(fdrv, "2026-13-01")
	fdrv.Key("enter") // a bad date: the error under the field
	goldenView(t, f, always)
}

func TestGoldenAddMemberAmbiguous(t *testing.T) {
	_, sess := newMemberAPI()
	fdrv, f := openForm(t, actions.AddMember(sess, src), 80, 24)
	fdrv.Key("tab")
	typeText(fdrv, "Bob Stone")
	fdrv.Key("ctrl+s")
	goldenView(t, f, always)
}

func TestGoldenChangeMemberConfirm(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, _ := openForm(t, actions.EditMember(sess, src, api.get(77)), 80, 24)
	fdrv.Key("right", "tab")
	typeText(fdrv, "2026-12-31")
	fdrv.Key("enter")
	_, d := nextModal[*actions.Dialog](t, fdrv)
	golden(t, d, always)
}

func TestAddGroupByNameAndExpandedMemberRefused(t *testing.T) {
	api, sess := newMemberAPI()
	fdrv, _ := openForm(t, actions.AddMember(sess, src), 80, 24)
	fdrv.Key("right", "tab") // group
	typeText(fdrv, "analysts")
	fdrv.Key("ctrl+s")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, "Add Analysts (group 33) to Web Sales")
	wantCall(t, ddrv, `POST /dataSource/16/access {"state":"subscribed","groupId":33}`)
	if s := api.searches[len(api.searches)-1]; len(s.MemberTypes) != 1 || s.MemberTypes[0] != "group" || s.ExpandGroups {
		t.Errorf("group lookup asked %+v", s)
	}

	// A user listed through a group (expandGroups) has no entry of their own.
	viaGroup := apiclient.AccessUser{Profile: 1005, Name: "Cy Ng", Type: "user", State: "subscribed",
		Raw: json.RawMessage(`{"profile":1005,"name":"Cy Ng","subscriptionId":null,"viaGroup":{"id":33,"name":"Analysts"}}`)}
	if got := statusText(t, actions.RevokeMember(sess, src, viaGroup)); !strings.Contains(got, "through the group Analysts") {
		t.Errorf("status %q", got)
	}
}

func TestProtectedProfileAsksBeforeAnEditAndAnAdd(t *testing.T) {
	api, sess := newMemberAPI()
	sess.Protected, sess.Profile = true, "prod"
	fdrv, _ := openForm(t, actions.EditMember(sess, src, api.get(78)), 80, 24)
	fdrv.Key("right", "ctrl+s")
	ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, "prod is a protected profile: type its name to confirm")
	typeText(ddrv, "y") // a y goes into the field: it confirms nothing
	ddrv.Key("enter")
	if len(api.setCalls()) != 0 {
		t.Fatal("sent without the profile name")
	}
	erase(ddrv, 1)
	typeText(ddrv, "prod")
	ddrv.Key("enter")
	if got := api.setCalls(); len(got) != 1 || got[0] != "78 expert" {
		t.Fatalf("PUTs %q", got)
	}
	ddrv.Key("enter") // closes the result: the flow ends

	fdrv, _ = openForm(t, actions.AddMember(sess, src), 80, 24)
	fdrv.Key("tab")
	typeText(fdrv, "1001")
	fdrv.Key("ctrl+s")
	ddrv, _ = nextModal[*actions.Dialog](t, fdrv)
	wantScreen(t, ddrv, "prod is a protected profile")
	ddrv.Key("esc") // back to the form: nothing sent
	if len(api.addCalls()) != 0 {
		t.Fatal("sent")
	}
}

// The member form and its dialogs stay within the terminal at every size
// the root allows, and keep the focused field (or the buttons) in sight.
func TestMemberModalsWithinBounds(t *testing.T) {
	for _, sz := range [][2]int{{100, 30}, {60, 20}, {40, 12}, {40, 10}} {
		w, h := sz[0], sz[1]
		name := fmt.Sprintf("%dx%d", w, h)
		api, sess := newMemberAPI()
		sess.Protected, sess.Profile = true, "prod"

		fdrv, _ := openForm(t, actions.AddMember(sess, src), w, h)
		fdrv.Key("tab")
		typeText(fdrv, "bob stone")
		fdrv.Key("ctrl+s") // ambiguous: a three-line error under the field
		within(t, name+" add form", fdrv.Screen(), w, h, "bob stone")
		fdrv.Key("tab", "tab")
		within(t, name+" add form, last field", fdrv.Screen(), w, h, "Expires")
		fdrv.Key("esc")

		fdrv, _ = openForm(t, actions.EditMember(sess, src, api.get(77)), w, h)
		fdrv.Key("right", "ctrl+s")
		ddrv, _ := nextModal[*actions.Dialog](t, fdrv)
		ddrv.V.SetSize(w, h)
		within(t, name+" change confirm", ddrv.Screen(), w, h, "> ")
		ddrv.Key("esc")
	}
}

func within(t *testing.T, what, scr string, w, h int, want string) {
	t.Helper()
	ls := strings.Split(scr, "\n")
	if len(ls) > h {
		t.Errorf("%s: %d lines in %d:\n%s", what, len(ls), h, scr)
	}
	for _, l := range ls {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("%s: a line %d wide in %d: %q", what, n, w, l)
		}
	}
	if !strings.Contains(scr, want) {
		t.Errorf("%s: %q is not in sight:\n%s", what, want, scr)
	}
}

func TestHostileMemberNamesAreSafe(t *testing.T) {
	api, sess := newMemberAPI()
	evil := member(90, 1090, "Eve\x1b]0;owned\x07\u202eLin", "eve\x1b[2J@example.com", "subscribed")
	api.members = append(api.members, evil)
	for name, cmd := range map[string]tea.Cmd{"revoke": actions.RevokeMember(sess, src, evil)} {
		drv, _ := openDialog(t, cmd, 80, 24)
		if scr := drv.V.View(); strings.ContainsAny(scr, "\x07\u202e") || strings.Contains(scr, "\x1b]") || strings.Contains(scr, "\x1b[2J") {
			t.Errorf("%s: the dialog draws the server's controls: %q", name, scr)
		}
		drv.Key("esc")
	}
	fdrv, _ := openForm(t, actions.AddMember(sess, src), 80, 24)
	fdrv.Key("tab")
	typeText(fdrv, "eve")
	fdrv.Key("ctrl+s") // a near match: the candidates are named
	if scr := fdrv.V.View(); strings.ContainsAny(scr, "\x07\u202e") || strings.Contains(scr, "\x1b]") || strings.Contains(scr, "\x1b[2J") {
		t.Errorf("the form draws the server's controls: %q", scr)
	}
	wantScreen(t, fdrv, "Eve")
}
