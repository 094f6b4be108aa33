package requests_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/requests"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// The inbox shows who asked (user or group, name, email), for which
// source, when, and what approvals are still needed; a project's request
// is not a data source's and stays out.
func TestInboxShowsRequests(t *testing.T) {
	r := newRig(t, newAPI(demoRequests()...), requests.Options{})
	scr := r.inbox.Screen()
	wantIn(t, scr, "5 pending", "Who", "Type", "Email", "Source", "Requested", "Needs")
	wantIn(t, scr, "Ada Lovelace", "user", "ada@example.com", "Web Sales", "2026-11-20")
	// One of two approvals given: only the one still waiting is named.
	if l := rowLine(scr, "Mia Young"); !strings.Contains(l, "GOVERNANCE") || strings.Contains(l, "OWNER") {
		t.Errorf("Mia's row should need GOVERNANCE only: %q", l)
	}
	if l := rowLine(scr, "Olga Meyer"); !strings.Contains(l, "OWNER, GOVERNANCE") {
		t.Errorf("Olga's row should need two approvals: %q", l)
	}
	if l := rowLine(scr, "store-analysts"); !strings.Contains(l, "group") {
		t.Errorf("a group's request should say group: %q", l)
	}
	wantNot(t, scr, "Zed Project", "Churn Project")
	viewtest.CheckBounds(t, r.inbox.V.View(), r.w, r.h)
}

// Every page is loaded, however many there are.
func TestInboxPagesEverything(t *testing.T) {
	var reqs []apiclient.PendingRequest
	for i := range 730 {
		reqs = append(reqs, req(int64(1000+i), fmt.Sprintf("User %04d", i), fmt.Sprintf("u%d@example.com", i), 16, "Web Sales", 1+i%20))
	}
	api := newAPI(reqs...)
	r := newRig(t, api, requests.Options{}, func(sess *views.Session) { sess.PageSize = 50 })
	wantIn(t, r.inbox.Screen(), "730 pending")
	if len(api.asked) < 2 {
		t.Errorf("%d page requests for 730 at 50 a page", len(api.asked))
	}
}

// / filters the loaded requests by who, email and source, and esc
// clears it.
func TestInboxFilter(t *testing.T) {
	r := newRig(t, newAPI(demoRequests()...), requests.Options{})
	r.key("/")
	r.typeText("payroll")
	scr := r.inbox.Screen()
	wantIn(t, scr, "store-analysts", "1 of 5 match")
	wantNot(t, scr, "Ada Lovelace")
	r.key("enter")
	wantIn(t, r.inbox.Screen(), "/ payroll")
	if _, ok := r.inbox.V.(views.Backer).Back(); !ok {
		t.Fatal("esc should clear the filter first")
	}
	wantIn(t, r.inbox.Screen(), "Ada Lovelace", "store-analysts")
}

// tab while filtering searches the server: name:, email: and source:
// go to the call's name, email and modelName; a bare word to name (to
// email with an @). esc ends the search and loads the full inbox again.
func TestInboxServerSearch(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.key("/")
	r.typeText("source:sales")
	r.key("tab")
	last := api.asked[len(api.asked)-1]
	if last.ModelName != "sales" || last.Name != "" || last.Email != "" {
		t.Fatalf("server search sent %+v, want modelName=sales only", last)
	}
	scr := r.inbox.Screen()
	wantIn(t, scr, "2 pending", `server search: source ~ "sales"`, "Ada Lovelace", "Sofia Miller")
	wantNot(t, scr, "Mia Young")

	r.key("/")
	r.typeText("mia.young@")
	r.key("tab")
	if last := api.asked[len(api.asked)-1]; last.Email != "mia.young@" || last.ModelName != "" {
		t.Errorf("a bare text with @ is an email search: %+v", last)
	}
	r.key("/")
	r.typeText("name:olga source:ledger")
	r.key("tab")
	if last := api.asked[len(api.asked)-1]; last.Name != "olga" || last.ModelName != "ledger" {
		t.Errorf("name: and source: together: %+v", last)
	}
	wantIn(t, r.inbox.Screen(), "Olga Meyer", "1 pending")
	r.key("/")
	r.typeText("source:web sales name:ada")
	r.key("tab")
	if last := api.asked[len(api.asked)-1]; last.ModelName != "web sales" || last.Name != "ada" {
		t.Errorf("words after source: belong to it: %+v", last)
	}

	// esc: the search goes, the whole inbox comes back.
	cmd, ok := r.inbox.V.(views.Backer).Back()
	if !ok || cmd == nil {
		t.Fatalf("esc should end the server search and load again (used %v, cmd %v)", ok, cmd != nil)
	}
	r.inbox.Run(cmd)
	if last := api.asked[len(api.asked)-1]; last.Name != "" || last.ModelName != "" || last.Email != "" {
		t.Errorf("after esc the inbox asked %+v", last)
	}
	wantIn(t, r.inbox.Screen(), "5 pending")
}

// From a source's access view: the server is asked by the source's name
// and requests for other sources with a similar name are left out.
func TestInboxScopedToSource(t *testing.T) {
	reqs := append(demoRequests(), req(907, "Ivan Petrov", "ivan@example.com", 17, "Web Sales Archive", 12))
	api := newAPI(reqs...)
	r := newRig(t, api, requests.Options{SourceID: 16, SourceName: "Web Sales"})
	if api.asked[0].ModelName != "Web Sales" {
		t.Errorf("asked %+v, want modelName=Web Sales", api.asked[0])
	}
	scr := r.inbox.Screen()
	wantIn(t, scr, "2 pending for Web Sales", "Ada Lovelace", "Sofia Miller")
	wantNot(t, scr, "Ivan Petrov", "Mia Young")
}

// An empty inbox says so.
func TestInboxEmpty(t *testing.T) {
	r := newRig(t, newAPI(), requests.Options{SourceID: 16, SourceName: "Web Sales"})
	wantIn(t, r.inbox.Screen(), "No pending access requests for Web Sales")
}

// A failed load says what happened and how to retry.
func TestInboxLoadError(t *testing.T) {
	sess := viewtest.Context(failAPI{newAPI()})
	d := viewtest.New(t, requests.New(sess, requests.Options{}), 100, 10)
	wantIn(t, d.Screen(), "Could not load the pending access requests", "Press r to try again")
	if e, ok := viewtest.Last[views.ErrorMsg](d); !ok || !strings.Contains(e.What, "pending requests") {
		t.Errorf("no error for the root: %v", d.Emitted)
	}
}

type failAPI struct{ *inboxAPI }

func (failAPI) ListPendingRequests(context.Context, apiclient.PendingOptions) (*apiclient.PendingPage, error) {
	return nil, &apiclient.APIError{StatusCode: 403, Method: "GET", Path: "/subscription/getPendingRequestsForUser", Message: "forbidden"}
}

// Approve on the selected request: a form (the expiration is optional),
// then the confirm dialog with Cancel focused; confirmed, ONE call with
// the request's id; the request leaves the inbox.
func TestApproveOneLeaves(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.selectRow("Mia Young")
	r.key("A")
	if _, ok := r.modal.V.(*actions.DecisionForm); !ok {
		t.Fatalf("A opened %T, want the decision form", r.modal.V)
	}
	wantIn(t, r.screen(), "Approve Mia Young's access to Customer Assets Curated", "Expiration date (optional)")
	r.key("enter")
	if _, ok := r.modal.V.(*actions.Dialog); !ok {
		t.Fatalf("enter opened %T, want the confirm dialog", r.modal.V)
	}
	wantIn(t, r.screen(), "[Cancel]", `POST /subscription/approve {"requests":[{"id":902}]}`, "Access does not expire.")
	if api.writes() != 0 {
		t.Fatal("something was sent before the confirmation")
	}
	// enter presses the focused button: Cancel. Nothing is sent, and the
	// form comes back with what was typed.
	r.key("enter")
	if api.writes() != 0 || r.modal == nil {
		t.Fatalf("enter on Cancel sent %d writes", api.writes())
	}
	if _, ok := r.modal.V.(*actions.DecisionForm); !ok {
		t.Fatalf("cancel should go back to the form, got %T", r.modal.V)
	}
	r.key("enter", "y")
	if len(api.approves) != 1 || len(api.approves[0]) != 1 || api.approves[0][0].ID != 902 || api.approves[0][0].Expiration != nil {
		t.Fatalf("approve calls %+v", api.approves)
	}
	wantIn(t, r.screen(), "Mia Young → Customer Assets Curated (request 902): approved")
	r.key("enter") // close the result
	if r.modal != nil {
		t.Fatalf("the dialog stayed: %T", r.modal.V)
	}
	scr := r.inbox.Screen()
	wantIn(t, scr, "4 pending", "Ada Lovelace")
	wantNot(t, scr, "Mia Young")
	if st := r.lastStatus(); st != "approved 1, failed 0" {
		t.Errorf("status %q", st)
	}
}

// An expiration is sent as the date typed, midnight UTC; a date that is
// not one, or is past, is refused in the form with the text kept.
func TestApproveWithExpiration(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.selectRow("Ada Lovelace")
	r.key("A")
	r.typeText("31/01/2027")
	r.key("enter")
	f, ok := r.modal.V.(*actions.DecisionForm)
	if !ok {
		t.Fatalf("a bad date left the form: %T", r.modal.V)
	}
	if f.Value() != "31/01/2027" {
		t.Errorf("the text typed was lost: %q", f.Value())
	}
	wantIn(t, r.screen(), "want YYYY-MM-DD")
	for range len("31/01/2027") {
		r.key("backspace")
	}
	r.typeText("2026-01-31") // before the test clock's today
	r.key("enter")
	wantIn(t, r.screen(), "2026-01-31 is not in the future")
	for range len("2026-01-31") {
		r.key("backspace")
	}
	r.typeText("2027-01-31")
	r.key("enter")
	wantIn(t, r.screen(), `"expiration":"2027-01-31T00:00:00Z"`, "Access ends on 2027-01-31.")
	r.key("y")
	want := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	if len(api.approves) != 1 || api.approves[0][0].Expiration == nil || !api.approves[0][0].Expiration.Equal(want) {
		t.Fatalf("approve %+v, want expiration %v", api.approves, want)
	}
}

// Deny needs a reason: the form refuses without one; every marked
// request is denied in ONE call with that reason.
func TestDenyMarkedNeedsReason(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.selectRow("Ada Lovelace")
	r.key("space")
	r.selectRow("Sofia Miller")
	r.key("space")
	wantIn(t, r.inbox.Screen(), "2 marked")
	r.key("X")
	wantIn(t, r.screen(), "Deny 2 access requests", "Ada Lovelace → Web Sales (request 901)", "Sofia Miller → Web Sales (request 905)")
	r.key("enter")
	wantIn(t, r.screen(), "A reason is required")
	if _, ok := r.modal.V.(*actions.DecisionForm); !ok {
		t.Fatalf("no reason, yet the form moved on to %T", r.modal.V)
	}
	r.typeText("no business need")
	r.key("enter")
	wantIn(t, r.screen(), "Reason: no business need", "[Cancel]")
	r.key("y")
	if len(api.denies) != 1 {
		t.Fatalf("%d deny calls, want one for both", len(api.denies))
	}
	got := api.denies[0]
	if len(got) != 2 || got[0].ID != 901 || got[1].ID != 905 || got[0].Reason != "no business need" || got[1].Reason != "no business need" {
		t.Fatalf("deny %+v", got)
	}
	r.key("enter")
	scr := r.inbox.Screen()
	wantNot(t, scr, "Ada Lovelace", "Sofia Miller", "marked")
	wantIn(t, scr, "3 pending")
}

// The answer's failures are shown next to their requests (a Status
// column), which stay; the rest leave.
func TestFailuresShownBesideTheirRequests(t *testing.T) {
	api := newAPI(demoRequests()...)
	api.fail[904] = "You are not an approver of Finance Ledger"
	r := newRig(t, api, requests.Options{})
	for _, who := range []string{"Ada Lovelace", "Olga Meyer", "Sofia Miller"} {
		r.selectRow(who)
		r.key("space")
	}
	r.key("A", "enter", "y")
	wantIn(t, r.screen(), "Olga Meyer → Finance Ledger (request 904): You are not an approver of Finance Ledger")
	r.key("enter")
	scr := r.inbox.Screen()
	wantIn(t, scr, "Status", "3 pending", "1 failed")
	l := rowLine(scr, "Olga Meyer")
	if !strings.Contains(l, "✗ You are not an approver") {
		t.Errorf("Olga's row lacks the failure beside it: %q\n%s", l, scr)
	}
	wantNot(t, scr, "Ada Lovelace", "Sofia Miller")
	if st := r.lastStatus(); st != "approved 2, failed 1" {
		t.Errorf("status %q", st)
	}
	// The failed request stays marked: another try acts on it alone.
	if !strings.Contains(scr, "1 marked") {
		t.Errorf("the failed request should stay marked:\n%s", scr)
	}
}

// Read-only: the keys are not offered, and pressing one says why; no form.
func TestReadOnlyRefuses(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{}, func(sess *views.Session) { sess.ReadOnly = true; sess.Keys = sess.Keys.WithoutWrites() })
	for _, k := range []string{"A", "X"} {
		r.key(k)
		if r.modal != nil {
			t.Fatalf("%s opened %T in read-only mode", k, r.modal.V)
		}
		if st := r.lastStatus(); st != "read-only mode: writes are disabled" {
			t.Errorf("%s: status %q", k, st)
		}
	}
	for _, b := range r.inbox.V.ShortHelp() {
		if b.Help().Desc == "approve" || b.Help().Desc == "deny" {
			t.Errorf("read-only help offers %s", b.Help().Desc)
		}
	}
	// Even a flow started some other way is refused before any form.
	msgs := viewtest.Collect(actions.Approve(r.sess, []actions.Request{{ID: 901}}))
	if len(msgs) != 1 {
		t.Fatalf("%v", msgs)
	}
	if api.writes() != 0 {
		t.Fatal("a write was sent in read-only mode")
	}
}

// A protected profile asks for its name before anything is sent.
func TestProtectedAsksForProfileName(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{}, func(sess *views.Session) { sess.Protected = true; sess.Profile = "prod" })
	r.selectRow("Ada Lovelace")
	r.key("X")
	r.typeText("duplicate")
	r.key("enter")
	wantIn(t, r.screen(), "prod is a protected profile: type its name to confirm")
	r.key("enter") // nothing typed
	if api.writes() != 0 {
		t.Fatal("sent without the profile name")
	}
	wantIn(t, r.screen(), `Type "prod" exactly to confirm.`)
	r.typeText("prod")
	r.key("enter")
	if len(api.denies) != 1 || api.denies[0][0].ID != 901 {
		t.Fatalf("deny %+v", api.denies)
	}
}

// A second y while the call is in flight sends nothing; a second A on a
// request whose form is open is refused.
func TestSentOnceWithDoubleKeyPress(t *testing.T) {
	api := newAPI(demoRequests()...)
	api.gate = make(chan struct{})
	r := newRig(t, api, requests.Options{})
	r.selectRow("Ada Lovelace")
	r.key("A")
	// A again, from the inbox, on the same request: refused.
	cmd := func() tea.Cmd { _, c := r.inbox.V.Update(viewtest.KeyMsg("A")); return c }()
	if msgs := viewtest.Collect(cmd); len(msgs) != 1 || !strings.Contains(fmt.Sprint(msgs[0]), "already in progress") {
		t.Fatalf("a second A: %v", msgs)
	}
	r.key("enter") // to the dialog
	dlg := r.modal.V.(*actions.Dialog)
	_, first := dlg.Update(viewtest.KeyMsg("y"))
	_, second := dlg.Update(viewtest.KeyMsg("y"))
	_, third := dlg.Update(viewtest.KeyMsg("enter"))
	close(api.gate)
	viewtest.Collect(first)
	viewtest.Collect(second)
	viewtest.Collect(third)
	if n := api.writes(); n != 1 {
		t.Fatalf("%d calls for one confirmation pressed three times", n)
	}
}

// A clear refusal of the whole call (400) changes nothing: the dialog
// says so, and enter goes back to the form with the reason as typed.
func TestRefusedCallKeepsInput(t *testing.T) {
	api := newAPI(demoRequests()...)
	api.decideErr = &apiclient.APIError{StatusCode: 400, Method: "POST", Path: "/subscription/deny", Message: "denialReasoning is too long"}
	r := newRig(t, api, requests.Options{})
	r.selectRow("Ada Lovelace")
	r.key("X")
	r.typeText("a very long reason")
	r.key("enter", "y")
	wantIn(t, r.screen(), "not denied", "denialReasoning is too long", "nothing changed")
	r.key("enter")
	f, ok := r.modal.V.(*actions.DecisionForm)
	if !ok {
		t.Fatalf("after a refusal enter should go back to the form, got %T", r.modal.V)
	}
	if f.Value() != "a very long reason" {
		t.Errorf("the reason typed was lost: %q", f.Value())
	}
	wantIn(t, r.screen(), "denialReasoning is too long")
	wantIn(t, r.inbox.Screen(), "Ada Lovelace", "5 pending")
	if api.writes() != 1 {
		t.Errorf("%d writes", api.writes())
	}
}

// A lost answer (a timeout) may or may not have been carried out: said so,
// and the inbox loads again to show what the server did.
func TestUnknownOutcomeReloads(t *testing.T) {
	api := newAPI(demoRequests()...)
	api.decideErr = fmt.Errorf("%w: connection reset", apiclient.ErrUnreachable)
	r := newRig(t, api, requests.Options{})
	before := len(api.asked)
	r.selectRow("Ada Lovelace")
	r.key("A", "enter", "y")
	wantIn(t, r.screen(), "no clear answer")
	if len(api.asked) == before {
		t.Error("the inbox did not load again after a lost answer")
	}
}

// --- goldens at a fixed size -------------------------------------------------

func golden(t *testing.T, v views.View, w, h int, ready func() bool) {
	t.Helper()
	tm := teatest.NewTestModel(t, &viewtest.Harness{V: v, Ready: ready}, teatest.WithInitialTermSize(w, h))
	out := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	if !ready() {
		t.Fatal("the view did not reach the state to compare")
	}
	teatest.RequireEqualOutput(t, []byte(out))
}

func TestGoldenInbox(t *testing.T) {
	sess := viewtest.Context(newAPI(demoRequests()...))
	m := requests.New(sess, requests.Options{})
	golden(t, m, 110, 10, func() bool { return strings.Contains(m.View(), "5 pending") && !strings.Contains(m.View(), "loading") })
}

func TestGoldenInboxWithFailure(t *testing.T) {
	api := newAPI(demoRequests()...)
	api.fail[904] = "You are not an approver of Finance Ledger"
	r := newRig(t, api, requests.Options{})
	r.selectRow("Olga Meyer")
	r.key("space")
	r.selectRow("Ada Lovelace")
	r.key("space", "A", "enter", "y", "enter")
	m := r.inbox.V
	m.SetSize(110, 10)
	out := lipgloss.NewStyle().Render(m.View())
	teatest.RequireEqualOutput(t, []byte(out))
}

func TestGoldenDenyForm(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.selectRow("store-analysts")
	r.key("X")
	r.key("enter") // no reason: the form says one is required
	r.modal.V.SetSize(80, 20)
	teatest.RequireEqualOutput(t, []byte(r.modal.V.View()))
}

func TestGoldenApproveDialog(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.selectRow("Mia Young")
	r.key("A")
	r.typeText("2027-01-31")
	r.key("enter")
	r.modal.V.SetSize(80, 24)
	teatest.RequireEqualOutput(t, []byte(r.modal.V.View()))
}

// Every size draws within its bounds, with a filter, marks and a
// failure shown; enter opens the selected request's source.
func TestInboxSizesAndOpen(t *testing.T) {
	api := newAPI(demoRequests()...)
	api.fail[904] = "You are not an approver of Finance Ledger, and this message is long enough to be cut"
	r := newRig(t, api, requests.Options{})
	r.selectRow("Olga Meyer")
	r.key("space", "A", "enter", "y", "enter")
	r.key("/")
	r.typeText("e")
	for _, w := range []int{0, 1, 8, 20, 40, 61, 80, 119, 200} {
		for _, h := range []int{0, 1, 2, 3, 5, 12, 40} {
			r.inbox.V.SetSize(w, h)
			viewtest.CheckBounds(t, r.inbox.V.View(), w, h)
		}
	}
	r.inbox.V.SetSize(110, 16)
	r.key("enter") // keep the filter
	r.selectRow("Ada Lovelace")
	r.key("enter")
	if o, ok := viewtest.Last[views.OpenSourceMsg](r.inbox); !ok || o.ID != 16 || o.Name != "Web Sales" {
		t.Errorf("enter: %+v %v", o, ok)
	}
	// The form, with a hint, at every size.
	r.key("X", "enter")
	for _, w := range []int{40, 60, 80, 200} {
		for _, h := range []int{12, 16, 24} {
			r.modal.V.SetSize(w, h)
			out := r.modal.V.View()
			viewtest.CheckBounds(t, out, w, h)
			if !strings.Contains(out, "> ") || !strings.Contains(out, "reason is required") {
				t.Errorf("%dx%d: the field or its hint is cut:\n%s", w, h, out)
			}
		}
	}
}

// A refresh that fails keeps the requests on screen and says why.
func TestRefreshFailureKeepsRows(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	flaky := &failAPI{api}
	r.sess.API = flaky
	r.key("r")
	scr := r.inbox.Screen()
	wantIn(t, scr, "5 pending", "Ada Lovelace", "stopped:")
}

// A request that waits for two approvals is still pending after one: it
// stays in the inbox, which loads again and shows the step still needed.
func TestApproveOneOfTwoStepsStays(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.selectRow("Olga Meyer")
	if l := rowLine(r.inbox.Screen(), "Olga Meyer"); !strings.Contains(l, "OWNER, GOVERNANCE") {
		t.Fatalf("before: %q", l)
	}
	asked := len(api.asked)
	r.key("A", "enter", "y", "enter")
	if len(api.asked) == asked {
		t.Error("the inbox did not load again after a partial approval")
	}
	scr := r.inbox.Screen()
	l := rowLine(scr, "Olga Meyer")
	if l == "" || !strings.Contains(l, "GOVERNANCE") || strings.Contains(l, "OWNER") {
		t.Errorf("after one approval Olga's row should need GOVERNANCE only: %q\n%s", l, scr)
	}
	wantIn(t, scr, "5 pending")
}

// Needs reads whole words: each step still waiting, who gives it, and how
// many of several are done, when the column has the room; narrower, the
// approvers go first, then the count, never half a word before them.
func TestNeedsReadsWholeWords(t *testing.T) {
	two := req(907, "Ian Two", "ian@example.com", 30, "Payroll", 12, "OWNER", "GOVERNANCE")
	two.Approvals[0].Approver = "Ann Owner"
	two.Approvals[1].Approver = "Gus Gov"
	r := newRig(t, newAPI(append(demoRequests(), two)...), requests.Options{})
	r.inbox.V.SetSize(180, 16)
	scr := r.inbox.Screen()
	if l := rowLine(scr, "Mia Young"); !strings.Contains(l, "GOVERNANCE (1 of 2 done)") {
		t.Errorf("Mia at 180: %q", l)
	}
	if l := rowLine(scr, "Ian Two"); !strings.Contains(l, "OWNER (Ann Owner), GOVERNANCE (Gus Gov)") {
		t.Errorf("Ian at 180: %q", l)
	}
	wantNot(t, scr, "2:")
	r.inbox.V.SetSize(110, 16)
	scr = r.inbox.Screen()
	if l := rowLine(scr, "Ian Two"); !strings.Contains(l, "OWNER, GOVERNANCE") || strings.Contains(l, "…") {
		t.Errorf("Ian at 110: %q", l)
	}
	if l := rowLine(scr, "Mia Young"); !strings.Contains(l, "GOVERNANCE") || strings.Contains(l, "…") {
		t.Errorf("Mia at 110: %q", l)
	}
	viewtest.CheckBounds(t, r.inbox.V.View(), 110, 16)
}

// At 80 columns the Type column gives way: a group's request keeps a
// "(group)" after its name, as the CLI prints it; with the column there
// is no such marker.
func TestGroupMarkedWithoutTheTypeColumn(t *testing.T) {
	r := newRig(t, newAPI(demoRequests()...), requests.Options{})
	r.inbox.V.SetSize(80, 24)
	scr := r.inbox.Screen()
	if strings.Contains(scr, "Type") {
		t.Fatalf("the Type column is still there at 80:\n%s", scr)
	}
	if l := rowLine(scr, "store-analysts"); !strings.Contains(l, "store-analysts (group)") {
		t.Errorf("group at 80: %q", l)
	}
	if l := rowLine(scr, "Ada Lovelace"); strings.Contains(l, "(group)") {
		t.Errorf("a user marked as a group: %q", l)
	}
	viewtest.CheckBounds(t, r.inbox.V.View(), 80, 24)
	r.inbox.V.SetSize(110, 24)
	if scr := r.inbox.Screen(); strings.Contains(scr, "(group)") || !strings.Contains(scr, "Type") {
		t.Errorf("at 110:\n%s", scr)
	}
}

// On a short terminal (60×15) the deny dialog keeps the reason, which is
// what is sent; the list of requests is what gets cut.
func TestDenyDialogKeepsTheReasonWhenShort(t *testing.T) {
	r := newRig(t, newAPI(demoRequests()...), requests.Options{})
	for _, who := range []string{"Ada Lovelace", "Mia Young", "store-analysts", "Olga Meyer", "Sofia Miller"} {
		r.selectRow(who)
		r.key("space")
	}
	r.key("X")
	r.typeText("no business need")
	r.key("enter")
	r.modal.V.SetSize(60, 11) // the body of a 60×15 terminal
	scr := r.modal.Screen()
	wantIn(t, scr, "Reason: no business need", "[Cancel]")
	if strings.Contains(scr, "Sofia Miller → Web Sales") {
		t.Errorf("the whole list fits: the test does not test the cut\n%s", scr)
	}
	viewtest.CheckBounds(t, r.modal.V.View(), 60, 11)
}

// Letters typed in the filter are text: A (approve), X (deny), space
// (mark) and j (down) do nothing else while it has focus.
func TestInboxFilterTakesLettersAsText(t *testing.T) {
	api := newAPI(demoRequests()...)
	r := newRig(t, api, requests.Options{})
	r.key("/")
	r.typeText("AX j")
	if r.modal != nil {
		t.Fatalf("a letter typed in the filter opened %q", r.modal.V.Title())
	}
	if !r.inbox.V.CapturesInput() {
		t.Fatal("the filter lost focus")
	}
	wantIn(t, r.inbox.Screen(), "/ AX j")
	wantNot(t, r.inbox.Screen(), "marked")
	if len(api.approves) != 0 || len(api.denies) != 0 {
		t.Fatalf("sent approves %v denies %v", api.approves, api.denies)
	}
}
