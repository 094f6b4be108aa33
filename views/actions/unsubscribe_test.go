package actions_test

// Issue 9 §2: unsubscribe yourself, single or marked. A write like the
// others: Cancel focused, the protected-profile prompt, one flow per
// source, sent once, the result from the answer and a read of the source.

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// subFixture is fixture with 1 Orders and 2 Customers subscribed, 3 Ledger
// not subscribed and 6 Mine owned by the caller; the server unsubscribes
// by setting the status to not_subscribed.
func subFixture() (*viewtest.FakeAPI, *views.Session) {
	api, sess := fixture()
	for _, id := range []int64{1, 2} {
		d := source(api, id)
		d.SubscriptionStatus = "subscribed"
		setSource(api, d)
	}
	setSource(api, apiclient.DataSource{ID: 6, Name: "Mine", SubscriptionStatus: "owner"})
	api.UnsubscribeFn = func(id int64) (*apiclient.WriteAnswer, error) {
		d := source(api, id)
		d.SubscriptionStatus = "not_subscribed"
		setSource(api, d)
		return &apiclient.WriteAnswer{}, nil
	}
	return api, sess
}

// unsubs are the unsubscribe calls the fake saw, in order.
func unsubs(api *viewtest.FakeAPI) []string {
	var out []string
	for _, c := range api.Calls {
		if strings.HasPrefix(c, "unsubscribe ") {
			out = append(out, c)
		}
	}
	return out
}

func wantUnsubs(t *testing.T, api *viewtest.FakeAPI, want ...string) {
	t.Helper()
	if got := unsubs(api); !slices.Equal(got, want) {
		t.Fatalf("unsubscribe calls = %q, want %q", got, want)
	}
}

func TestUnsubscribeCancelFocused(t *testing.T) {
	api, sess := subFixture()
	drv, d := openDialog(t, actions.Unsubscribe(marked(sess), targets(api, 2)), 100, 30)
	if d.Title() != "Unsubscribe from Customers" {
		t.Fatalf("title %q", d.Title())
	}
	if h := highlighted(t, drv); h != "Cancel" {
		t.Fatalf("%q has focus, want Cancel", h)
	}
	wantScreen(t, drv, "You will lose your access to:", "• Customers (2)", "→ DELETE /dataSource/2/unsubscribe")
	if !slices.Contains(api.Calls, "get 2") {
		t.Errorf("the subscription was not read first: %q", api.Calls)
	}
	drv.Key("enter") // enter presses the focused button: Cancel
	if !closed(drv) {
		t.Fatal("enter on Cancel did not close")
	}
	wantUnsubs(t, api)
	if d.Done() {
		t.Fatal("cancelled dialog ran")
	}
	// The flow ended: the source can be written to again.
	if _, d2 := openDialog(t, actions.Unsubscribe(sess, targets(api, 2)), 100, 30); d2 == nil {
		t.Fatal("no second dialog after cancel")
	}
	for _, k := range []string{"n", "esc"} {
		drv, _ := openDialog(t, actions.Unsubscribe(sess, targets(api, 1)), 100, 30)
		drv.Key(k)
		if !closed(drv) {
			t.Fatalf("%s did not cancel", k)
		}
	}
	wantUnsubs(t, api)
}

func TestUnsubscribeSentOnceAndRowUpdated(t *testing.T) {
	api, sess := subFixture()
	drv, d := openDialog(t, actions.Unsubscribe(sess, targets(api, 2)), 100, 30)
	// A second key press while the dialog is open is refused: one flow.
	again := viewtest.CollectAll(actions.Unsubscribe(sess, targets(api, 2)))
	if len(dialogsIn(again)) != 0 || !slices.Contains(statusesIn(again), "a write on Customers is already in progress") {
		t.Fatalf("second key: %#v", again)
	}
	drv.Key("y", "y", "enter", "y")
	wantUnsubs(t, api, "unsubscribe 2")
	if !d.Done() {
		t.Fatal("did not run")
	}
	wantScreen(t, drv, "✓ Customers: unsubscribed (now not subscribed)")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "unsubscribed 1 of 1" || st.Level != views.Success {
		t.Errorf("status %+v", st)
	}
	// The row learns the server's state from the read after the write.
	ch := all[views.SourceChangedMsg](drv)
	if len(ch) == 0 || ch[len(ch)-1].Source.ID != 2 || ch[len(ch)-1].Source.SubscriptionStatus != "not_subscribed" {
		t.Fatalf("SourceChangedMsg = %+v", ch)
	}
	// Afterwards there is nothing left to unsubscribe from.
	msgs := viewtest.CollectAll(actions.Unsubscribe(sess, targets(api, 2)))
	if len(dialogsIn(msgs)) != 0 || !slices.Contains(statusesIn(msgs), "you are not subscribed to Customers (1 not subscribed); nothing to unsubscribe") {
		t.Fatalf("after: %q", statusesIn(msgs))
	}
	wantUnsubs(t, api, "unsubscribe 2")
}

// Marked rows: only those the caller is subscribed to are offered; the
// others are counted, by what they are.
func TestUnsubscribeMarkedSkipsOthers(t *testing.T) {
	api, sess := subFixture()
	drv, d := openDialog(t, actions.Unsubscribe(sess, targets(api, 1, 3, 2, 6)), 100, 30)
	if d.Title() != "Unsubscribe from 2 data sources" {
		t.Fatalf("title %q", d.Title())
	}
	wantScreen(t, drv, "• Orders (1)", "• Customers (2)", "Skipped 2 you are not subscribed to (1 not subscribed, 1 owner).",
		"DELETE /dataSource/{id}/unsubscribe for 1,2")
	noScreen(t, drv, "Ledger (3)", "Mine (6)")
	drv.Key("y")
	wantUnsubs(t, api, "unsubscribe 1", "unsubscribe 2")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "unsubscribed 2 of 2 · skipped 2 (1 not subscribed, 1 owner)" {
		t.Errorf("status %q", st.Text)
	}

	drv.Key("enter") // closes the result: the flow ends
	// None of them: a status line, no dialog, nothing held.
	msgs := viewtest.CollectAll(actions.Unsubscribe(sess, targets(api, 3, 6)))
	if len(dialogsIn(msgs)) != 0 || !slices.Contains(statusesIn(msgs),
		"you are subscribed to none of the 2 data sources (1 not subscribed, 1 owner); nothing to unsubscribe") {
		t.Fatalf("none: %#v", msgs)
	}
	if sess.Writes().Busy(3) || sess.Writes().Busy(6) {
		t.Fatal("a flow that opened nothing still holds its sources")
	}
}

// The row's state is never trusted: a row that says subscribed, for a
// source the server says is not, sends nothing.
func TestUnsubscribeStaleRowSendsNothing(t *testing.T) {
	api, sess := subFixture()
	msgs := viewtest.CollectAll(actions.Unsubscribe(sess, []actions.Target{{ID: 3, Name: "Ledger"}}))
	if len(dialogsIn(msgs)) != 0 {
		t.Fatal("dialog for a source the caller is not subscribed to")
	}
	wantUnsubs(t, api)
	// A failed read stops the flow with one error and sends nothing.
	api.GetErr = &apiclient.APIError{StatusCode: 500, Message: "down"}
	msgs = viewtest.CollectAll(actions.Unsubscribe(sess, targets(api, 1)))
	var errs []views.ErrorMsg
	for _, m := range msgs {
		if e, ok := m.(views.ErrorMsg); ok {
			errs = append(errs, e)
		}
	}
	if len(errs) != 1 || errs[0].What != "checking Orders (1) before unsubscribing; nothing was sent" || len(dialogsIn(msgs)) != 0 {
		t.Fatalf("%#v", msgs)
	}
	wantUnsubs(t, api)
}

func TestUnsubscribeProtectedProfile(t *testing.T) {
	api, sess := subFixture()
	sess.Protected, sess.Profile = true, "prod"
	drv, _ := openDialog(t, actions.Unsubscribe(sess, targets(api, 1)), 100, 30)
	wantScreen(t, drv, "prod is a protected profile: type its name to confirm")
	drv.Key("y", "enter")
	wantUnsubs(t, api)
	if closed(drv) {
		t.Fatal("closed without the profile name")
	}
	erase(drv, 1)
	typeText(drv, "prod")
	drv.Key("enter")
	wantUnsubs(t, api, "unsubscribe 1")
}

// What the dialog says comes from the server's answer and the read after.
func TestUnsubscribeOutcomes(t *testing.T) {
	lost := fmt.Errorf("%w: connection reset", apiclient.ErrUnreachable)
	for _, c := range []struct {
		name   string
		answer func(api *viewtest.FakeAPI, id int64) (*apiclient.WriteAnswer, error)
		want   string
		ok     bool
	}{
		{"refused", func(*viewtest.FakeAPI, int64) (*apiclient.WriteAnswer, error) {
			return nil, &apiclient.APIError{StatusCode: 403, Message: "only owners\x1b[2J"}
		}, "Orders: not unsubscribed: permission denied (403): only owners␛[2J", false},
		{"answer lost, still subscribed", func(*viewtest.FakeAPI, int64) (*apiclient.WriteAnswer, error) { return nil, lost },
			"Orders: no clear answer", false},
		{"answer lost, read settles it", func(api *viewtest.FakeAPI, id int64) (*apiclient.WriteAnswer, error) {
			d := source(api, id)
			d.SubscriptionStatus = "not_subscribed"
			setSource(api, d)
			return nil, lost
		}, "Orders: unsubscribed (the answer was lost", true},
		{"ok but still subscribed", func(*viewtest.FakeAPI, int64) (*apiclient.WriteAnswer, error) { return &apiclient.WriteAnswer{}, nil },
			"Orders: the server answered, but it still reads as subscribed.", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			api, sess := subFixture()
			api.UnsubscribeFn = func(id int64) (*apiclient.WriteAnswer, error) { return c.answer(api, id) }
			drv, _ := openDialog(t, actions.Unsubscribe(sess, targets(api, 1)), 120, 30)
			drv.Key("y")
			wantUnsubs(t, api, "unsubscribe 1") // never retried
			wantScreen(t, drv, c.want)
			st, _ := viewtest.Last[views.StatusMsg](drv)
			if (st.Level == views.Success) != c.ok {
				t.Errorf("status %+v", st)
			}
			viewtest.CheckBounds(t, drv.V.View(), 120, 30)
		})
	}
}

// A read that leaves subscriptionStatus out is offered, and said so; what
// happened is still told from the answer and the read after it.
func TestUnsubscribeStateNotSaid(t *testing.T) {
	for _, c := range []struct {
		name   string
		answer func(api *viewtest.FakeAPI, id int64) (*apiclient.WriteAnswer, error)
		want   string
		ok     bool
	}{
		{"refused", func(*viewtest.FakeAPI, int64) (*apiclient.WriteAnswer, error) {
			return nil, &apiclient.APIError{StatusCode: 400, Message: "not subscribed"}
		}, "Quiet: not unsubscribed: ", false},
		{"answer lost, read silent", func(*viewtest.FakeAPI, int64) (*apiclient.WriteAnswer, error) {
			return nil, fmt.Errorf("%w: reset", apiclient.ErrUnreachable)
		}, "Quiet: no clear answer", false},
		{"accepted, read silent", func(*viewtest.FakeAPI, int64) (*apiclient.WriteAnswer, error) { return &apiclient.WriteAnswer{}, nil },
			"Quiet: the server accepted the unsubscribe; reading it again does not say the subscription state", true},
		{"accepted, read says", func(api *viewtest.FakeAPI, id int64) (*apiclient.WriteAnswer, error) {
			d := source(api, id)
			d.SubscriptionStatus = "not_subscribed"
			setSource(api, d)
			return &apiclient.WriteAnswer{}, nil
		}, "Quiet: unsubscribed (now not subscribed)", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			api, sess := subFixture()
			setSource(api, apiclient.DataSource{ID: 7, Name: "Quiet"})
			api.UnsubscribeFn = func(id int64) (*apiclient.WriteAnswer, error) { return c.answer(api, id) }
			drv, _ := openDialog(t, actions.Unsubscribe(sess, targets(api, 7, 3)), 120, 30)
			wantScreen(t, drv, "• Quiet (7)", "The server did not say whether you are subscribed to 1 of them", "Skipped 1 you are not subscribed to (1 not subscribed).")
			drv.Key("y")
			wantUnsubs(t, api, "unsubscribe 7")
			wantScreen(t, drv, c.want)
			st, _ := viewtest.Last[views.StatusMsg](drv)
			if (st.Level == views.Success) != c.ok {
				t.Errorf("status %+v", st)
			}
		})
	}
}

// Read-only refuses before anything is read or sent, whatever view asks.
func TestUnsubscribeReadOnlyRefuses(t *testing.T) {
	api, sess := subFixture()
	sess.ReadOnly = true
	msgs := viewtest.CollectAll(actions.Unsubscribe(sess, targets(api, 1, 2)))
	if len(dialogsIn(msgs)) != 0 || !slices.Contains(statusesIn(msgs), "read-only mode: writes are disabled") {
		t.Fatalf("%#v", msgs)
	}
	if len(api.Calls) != 0 {
		t.Fatalf("read-only asked the server: %q", api.Calls)
	}
	if sess.Writes().Busy(1) {
		t.Fatal("read-only took the sources")
	}
}

// The dialog, asking and with its result, stays within the terminal and
// keeps the buttons on screen, for one source and for many (protected
// too).
func TestUnsubscribeDialogWithinBounds(t *testing.T) {
	for _, protected := range []bool{false, true} {
		for _, many := range []bool{false, true} {
			for _, sz := range sizes {
				t.Run(fmt.Sprintf("protected=%v many=%v %dx%d", protected, many, sz[0], sz[1]), func(t *testing.T) {
					api, sess := subFixture()
					if protected {
						sess.Protected, sess.Profile = true, "prod"
					}
					ids := []int64{1}
					if many {
						ids = manySources(api, 20)
						for _, id := range ids {
							d := source(api, id)
							d.SubscriptionStatus = "subscribed"
							setSource(api, d)
						}
						ids = append(ids, 3, 6)
					}
					drv, _ := openDialog(t, actions.Unsubscribe(sess, targets(api, ids...)), sz[0], sz[1])
					viewtest.CheckBounds(t, drv.V.View(), sz[0], sz[1])
					wantScreen(t, drv, "Cancel", "Unsubscribe")
					if protected {
						typeText(drv, "prod")
					}
					drv.Key("enter") // a typed field submits; otherwise Cancel
					if protected {
						viewtest.CheckBounds(t, drv.V.View(), sz[0], sz[1])
						wantScreen(t, drv, "enter closes")
						return
					}
					wantUnsubs(t, api)
				})
			}
		}
	}
}

// A pending request is withdrawn by the same call, and said so; an owner
// is refused with the line the CLI prints.
func TestUnsubscribeWithdrawsAPendingRequest(t *testing.T) {
	api, sess := subFixture()
	d3 := source(api, 3)
	d3.SubscriptionStatus = "pending"
	setSource(api, d3)
	drv, d := openDialog(t, actions.Unsubscribe(sess, targets(api, 3)), 100, 30)
	if d == nil || d.Title() != "Withdraw your request for Ledger" {
		t.Fatalf("dialog %v", d)
	}
	wantScreen(t, drv, "Your pending request will be withdrawn for:", "• Ledger (3)", "→ DELETE /dataSource/3/unsubscribe")
	noScreen(t, drv, "You will lose your access to:")
	drv.Key("y")
	wantUnsubs(t, api, "unsubscribe 3")
	wantScreen(t, drv, "✓ Ledger: request withdrawn (now not subscribed)")
	noScreen(t, drv, "Ledger: unsubscribed")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "withdrew 1 of 1 request" {
		t.Errorf("status %q", st.Text)
	}
	drv.Key("enter")

	// Marked with a subscription: both, each said for what it is.
	d3.SubscriptionStatus = "pending"
	setSource(api, d3)
	drv, d = openDialog(t, actions.Unsubscribe(sess, targets(api, 1, 3)), 100, 30)
	if d.Title() != "Unsubscribe from 2 data sources" {
		t.Fatalf("title %q", d.Title())
	}
	wantScreen(t, drv, "You will lose your access to:", "• Orders (1)", "Your pending request will be withdrawn for:", "• Ledger (3)")
	drv.Key("y")
	wantScreen(t, drv, "Orders: unsubscribed (now not subscribed)", "Ledger: request withdrawn (now not subscribed)")
	if st, _ := viewtest.Last[views.StatusMsg](drv); st.Text != "unsubscribed 1 of 1 · withdrew 1 of 1 request" {
		t.Errorf("status %q", st.Text)
	}
	drv.Key("enter")

	msgs := viewtest.CollectAll(actions.Unsubscribe(sess, targets(api, 6)))
	if len(dialogsIn(msgs)) != 0 || !slices.Contains(statusesIn(msgs), "you own Mine: an owner cannot unsubscribe") {
		t.Fatalf("owner: %q", statusesIn(msgs))
	}
	wantUnsubs(t, api, "unsubscribe 3", "unsubscribe 1", "unsubscribe 3")
}
