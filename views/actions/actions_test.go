package actions_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// serverDelete makes the fake behave like Immuta: the first DELETE
// disables a source, the second removes it.
func serverDelete(api *viewtest.FakeAPI) {
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		d := source(api, id)
		if d.IsDisabled() {
			api.Sources = slices.DeleteFunc(api.Sources, func(s apiclient.DataSource) bool { return s.ID == id })
			return &apiclient.DeleteResult{Success: true, ID: id, HardDelete: true}, nil
		}
		d.Deleted = true
		setSource(api, d)
		return &apiclient.DeleteResult{Success: true, ID: id, Disabled: true}, nil
	}
	api.RestoreFn = func(id int64) (*apiclient.DataSource, error) {
		d := source(api, id)
		d.Deleted, d.Disabled = false, false
		setSource(api, d)
		return &d, nil
	}
}

func TestDisableActiveSource(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	drv, d := openDialog(t, actions.Delete(sess, targets(api, 2)), 100, 30)
	if d.Title() != "Disable Customers (soft delete)" {
		t.Fatalf("title %q", d.Title())
	}
	wantScreen(t, drv, "Disable Customers (soft delete)", "→ DELETE /dataSource/2", "[Cancel]", "Disable")
	wantWrites(t, api) // the state check reads; it writes nothing
	if !slices.Contains(api.Calls, "get 2") {
		t.Errorf("the state was not read first: %q", api.Calls)
	}

	drv.Key("y")
	wantWrites(t, api, "delete 2")
	wantScreen(t, drv, "✓ Customers: disabled (soft delete)", "u undo: restore")

	ch := all[views.SourceChangedMsg](drv)
	if len(ch) != 1 || ch[0].Source.ID != 2 || !ch[0].Source.IsDisabled() {
		t.Fatalf("SourceChangedMsg = %+v, want source 2 disabled (from the refetch)", ch)
	}
	if rm := all[views.SourceRemovedMsg](drv); len(rm) != 0 {
		t.Fatalf("a disabled source was reported removed: %+v", rm)
	}
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if !strings.Contains(st.Text, "disabled 1") || st.Level != views.Success {
		t.Errorf("status %+v", st)
	}
}

func TestDisableHandlerMessageShown(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	inner := api.DeleteFn
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		res, err := inner(id)
		res.HandlerDeleteErrorMessage = "bucket policy\x1b[2J kept"
		return res, err
	}
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	drv.Key("y")
	wantScreen(t, drv, "Orders: disabled (soft delete); handler said: bucket policy␛[2J kept")
	viewtest.CheckBounds(t, drv.V.View(), 100, 30)
}

func TestHardDeleteNeedsTheExactName(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	drv, d := openDialog(t, actions.Delete(sess, targets(api, 4)), 100, 30)
	if d.Title() != "Delete Old Orders permanently: this cannot be undone" {
		t.Fatalf("title %q", d.Title())
	}
	wantScreen(t, drv, "Delete Old Orders permanently: this cannot be undone", "→ DELETE /dataSource/4",
		"Type the data source name to confirm")

	// Letters, y and n included, go to the field: nothing is deleted,
	// nothing closes.
	typeText(drv, "yny")
	drv.Key("y", "n", "q")
	if closed(drv) {
		t.Fatal("a letter closed the dialog")
	}
	wantWrites(t, api)
	wantScreen(t, drv, "> ynyynq")

	// A wrong name and enter: a hint, no call.
	drv.Key("enter")
	wantWrites(t, api)
	wantScreen(t, drv, `Type "Old Orders" exactly to confirm.`)
	if d.Done() {
		t.Fatal("the dialog ran with a wrong name")
	}

	// Almost the name: still no call.
	erase(drv, len("ynyynq"))
	typeText(drv, "old orders")
	drv.Key("enter")
	wantWrites(t, api)

	erase(drv, len("old orders"))
	typeText(drv, "Old Orders")
	noScreen(t, drv, "exactly to confirm") // typing clears the hint
	drv.Key("enter")
	wantWrites(t, api, "delete 4")
	wantScreen(t, drv, "✓ Old Orders: deleted permanently")
	noScreen(t, drv, "undo: restore")

	rm := all[views.SourceRemovedMsg](drv)
	if len(rm) != 1 || rm[0].ID != 4 {
		t.Fatalf("SourceRemovedMsg = %+v, want id 4", rm)
	}
	drv.Key("u")
	if _, ok := viewtest.Last[views.OpenModalMsg](drv); ok {
		t.Fatal("u offered to restore a source deleted for good")
	}
}

func TestHardDeleteOnlyEscCancels(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4)), 100, 30)
	drv.Key("n")
	if closed(drv) {
		t.Fatal("n closed a dialog with a text field: it should be typed")
	}
	drv.Key("esc")
	if !closed(drv) {
		t.Fatal("esc did not cancel")
	}
	wantWrites(t, api)
}

// The buttons of the hard-delete dialog confirm only with the name typed.
func TestHardDeleteButtonsCheckTheName(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	marked(sess)
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 5)), 100, 30)
	if hl := highlighted(t, drv); hl != "" {
		t.Fatalf("a button is highlighted while the field has focus: %q", hl)
	}
	drv.Key("tab")
	if hl := highlighted(t, drv); hl != "Cancel" {
		t.Fatalf("tab from the field: highlighted %q, want Cancel", hl)
	}
	drv.Key("l")
	if hl := highlighted(t, drv); hl != "Delete forever" {
		t.Fatalf("highlighted %q", hl)
	}
	drv.Key("enter") // the name is empty
	wantWrites(t, api)
	wantScreen(t, drv, `Type "Old Ledger" exactly to confirm.`)
	// The hint puts the focus back in the field: y is typed, not pressed.
	if hl := highlighted(t, drv); hl != "" {
		t.Fatalf("highlighted %q after the hint, want the field focused", hl)
	}
	drv.Key("y")
	wantWrites(t, api)
	wantScreen(t, drv, "> y")
	erase(drv, 1)
	typeText(drv, "Old Ledger")
	drv.Key("tab", "y")
	wantWrites(t, api, "delete 5")
}

// A row the list still shows as active, but which the server has already
// disabled, must get the permanent dialog: a stale state never turns a
// disable into a hard delete.
func TestDeleteRereadsTheState(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	stale := actions.Target{ID: 4, Name: "Old Orders", Disabled: false}
	drv, d := openDialog(t, actions.Delete(sess, []actions.Target{stale}), 100, 30)
	if !strings.HasPrefix(d.Title(), "Delete Old Orders permanently") {
		t.Fatalf("title %q, want the permanent dialog", d.Title())
	}
	drv.Key("y", "enter")
	wantWrites(t, api)

	// And the other way: a row shown disabled that was restored meanwhile
	// gets the soft dialog.
	api2, sess := fixture()
	serverDelete(api2)
	_, d2 := openDialog(t, actions.Delete(sess, []actions.Target{{ID: 1, Name: "Orders", Disabled: true}}), 100, 30)
	if d2.Title() != "Disable Orders (soft delete)" {
		t.Fatalf("title %q", d2.Title())
	}
}

func TestDeleteStateCheckFails(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	// A source already gone is dropped from the list with a word, and no
	// dialog opens when nothing is left.
	msgs := viewtest.Collect(actions.Delete(sess, []actions.Target{{ID: 99, Name: "Gone"}}))
	if len(msgs) != 2 {
		t.Fatalf("messages %+v", msgs)
	}
	if rm, ok := msgs[0].(views.SourceRemovedMsg); !ok || rm.ID != 99 {
		t.Fatalf("got %#v, want the gone source removed", msgs[0])
	}
	if st, ok := msgs[1].(views.StatusMsg); !ok || !strings.Contains(st.Text, "already deleted") {
		t.Fatalf("got %#v, want a status saying so", msgs[1])
	}
	// Any other failure to read the state stops the delete with an error
	// naming the source.
	api.GetErr = &apiclient.APIError{StatusCode: 503, Method: "GET", Path: "/dataSource/1"}
	msgs = viewtest.Collect(actions.Delete(sess, []actions.Target{{ID: 1, Name: "Orders"}}))
	em, ok := msgs[0].(views.ErrorMsg)
	if len(msgs) != 1 || !ok || !errors.Is(em.Err, apiclient.ErrServer) || !strings.Contains(em.What, "Orders") {
		t.Fatalf("got %#v, want an ErrorMsg naming the source", msgs)
	}
	api.GetErr = nil
	wantWrites(t, api)
	if actions.Delete(sess, nil) != nil || actions.Subscribe(sess, nil) != nil {
		t.Error("an action on nothing returned a command")
	}
}

func TestBulkDeleteMixedNeedsTheCount(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	drv, d := openDialog(t, actions.Delete(sess, targets(api, 1, 4, 2)), 100, 30)
	if d.Title() != "Delete 3 data sources: 1 permanently, this cannot be undone" {
		t.Fatalf("title %q", d.Title())
	}
	wantScreen(t, drv, "Disable (soft delete, can be restored) 2:", "• Orders (1)", "• Customers (2)",
		"Delete permanently (already disabled) 1:", "• Old Orders (4)",
		"Type the number of data sources to confirm", "DELETE /dataSource/{id} for 1,4,2")

	typeText(drv, "y2")
	drv.Key("enter")
	wantWrites(t, api)
	wantScreen(t, drv, `Type "3" exactly to confirm.`)
	erase(drv, 2)
	typeText(drv, "3")
	drv.Key("enter")
	wantWrites(t, api, "delete 1", "delete 4", "delete 2")
	wantScreen(t, drv, "✓ Orders: disabled (soft delete)", "✓ Old Orders: deleted permanently",
		"✓ Customers: disabled (soft delete)", "u undo: restore")

	var changed []int64
	for _, m := range all[views.SourceChangedMsg](drv) {
		if !m.Source.IsDisabled() {
			t.Errorf("source %d reported active after the disable", m.Source.ID)
		}
		changed = append(changed, m.Source.ID)
	}
	slices.Sort(changed)
	if !slices.Equal(changed, []int64{1, 2}) {
		t.Errorf("changed %v, want [1 2]", changed)
	}
	rm := all[views.SourceRemovedMsg](drv)
	if len(rm) != 1 || rm[0].ID != 4 {
		t.Errorf("removed %+v, want [4]", rm)
	}
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if !strings.HasPrefix(st.Text, "disabled 2, deleted 1, failed 0") {
		t.Errorf("status %q", st.Text)
	}

	// The undo restores only the two that were disabled, not the one
	// deleted for good.
	drv.Key("u")
	om, ok := viewtest.Last[views.OpenModalMsg](drv)
	if !ok {
		t.Fatal("u did not open the restore dialog")
	}
	if om.M.Title() != "Restore 2 data sources" {
		t.Fatalf("undo title %q", om.M.Title())
	}
	u := viewtest.New(t, om.M, 100, 30)
	wantScreen(t, u, "• Orders (1)", "• Customers (2)", `PUT /dataSource/{id} {"deleted":false} for 1,2`)
	u.Key("y")
	wantWrites(t, api, "delete 1", "delete 4", "delete 2", "restore 1", "restore 2")
}

func TestBulkDisableAllActive(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	drv, d := openDialog(t, actions.Delete(sess, targets(api, 1, 2, 3)), 100, 30)
	if d.Title() != "Disable or delete 3 data sources" {
		t.Fatalf("title %q", d.Title())
	}
	noScreen(t, drv, "Type the number")
	drv.Key("enter") // focus on Cancel
	wantWrites(t, api)
	drv, _ = openDialog(t, actions.Delete(sess, targets(api, 1, 2, 3)), 100, 30)
	drv.Key("y")
	wantWrites(t, api, "delete 1", "delete 2", "delete 3")
}

// Per item: one failure does not stop the others, and each line says
// what happened to its source.
func TestBulkDeleteReportsEachItem(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	inner := api.DeleteFn
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		switch id {
		case 2:
			return nil, &apiclient.APIError{StatusCode: 403, Method: "DELETE", Path: "/dataSource/2", Message: "not an owner"}
		case 3:
			return nil, &apiclient.TransportError{Method: "DELETE", Path: "/dataSource/3", Err: errors.New("connection reset by peer")}
		}
		return inner(id)
	}
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1, 2, 3)), 100, 40)
	drv.Key("y")
	wantWrites(t, api, "delete 1", "delete 2", "delete 3")
	wantScreen(t, drv,
		"✓ Orders: disabled (soft delete)",
		"✗ Customers: not done: permission denied (403): not an owner",
		"✗ Ledger: no clear answer (cannot reach the server: connection reset by peer); the server may or may not have disabled it. Refresh (r) to see.")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Level != views.Warn || !strings.HasPrefix(st.Text, "disabled 1, deleted 0, failed 2") {
		t.Errorf("status %+v", st)
	}
	// The undo covers the one disabled.
	drv.Key("u")
	om, _ := viewtest.Last[views.OpenModalMsg](drv)
	if om.M == nil || om.M.Title() != "Restore Orders" {
		t.Fatalf("undo %+v", om)
	}
}

// A write that got no clear answer is reported as such, and is never sent
// again.
func TestDeleteUnknownOutcomeNotRetried(t *testing.T) {
	cases := map[string]error{
		"transport": &apiclient.TransportError{Method: "DELETE", Path: "/dataSource/1", Err: errors.New("i/o timeout")},
		"503":       &apiclient.APIError{StatusCode: 503, Method: "DELETE", Path: "/dataSource/1", Message: "upstream unavailable"},
		"500":       &apiclient.APIError{StatusCode: 500, Method: "DELETE", Path: "/dataSource/1"},
		"deadline":  fmt.Errorf("DELETE /dataSource/1: %w", context.DeadlineExceeded),
		"malformed": &apiclient.DecodeError{Method: "DELETE", Path: "/dataSource/1", Err: errors.New("unexpected EOF")},
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			api, sess := fixture()
			api.DeleteFn = func(int64) (*apiclient.DeleteResult, error) { return nil, err }
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
			drv.Key("y")
			wantWrites(t, api, "delete 1")
			wantScreen(t, drv, "✗ Orders: no clear answer", "the server may or may not have disabled it. Refresh (r) to see.")
			noScreen(t, drv, "undo: restore")
			// Keys after the result start nothing.
			drv.Key("y", "u", "enter")
			wantWrites(t, api, "delete 1")
			// The refetch is a read, and it shows the server's state.
			if !slices.Contains(api.Calls, "get 1") {
				t.Errorf("no refetch: %q", api.Calls)
			}
			if len(all[views.SourceChangedMsg](drv)) != 1 {
				t.Errorf("no SourceChangedMsg from the refetch")
			}
			st, _ := viewtest.Last[views.StatusMsg](drv)
			if st.Level != views.Warn {
				t.Errorf("status level %v", st.Level)
			}
		})
	}

	// The permanent delete says "deleted".
	api, sess := fixture()
	api.DeleteFn = func(int64) (*apiclient.DeleteResult, error) {
		return nil, &apiclient.APIError{StatusCode: 503, Method: "DELETE", Path: "/dataSource/4"}
	}
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4)), 100, 30)
	typeText(drv, "Old Orders")
	drv.Key("enter")
	wantWrites(t, api, "delete 4")
	wantScreen(t, drv, "the server may or may not have deleted it. Refresh (r) to see.")
}

// An empty answer to a DELETE must not crash the program, and is not
// taken for a disable: the read that follows tells what happened.
func TestDeleteEmptyAnswer(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	inner := api.DeleteFn
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		_, _ = inner(id)
		return nil, nil
	}
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	drv.Key("y")
	wantWrites(t, api, "delete 1")
	wantScreen(t, drv, "✓ Orders: disabled (soft delete)")

	// The same empty answer for a source that did not change: no tick.
	api, sess = fixture()
	api.DeleteFn = func(int64) (*apiclient.DeleteResult, error) { return nil, nil }
	drv, _ = openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	drv.Key("y")
	wantScreen(t, drv, "✗ Orders: the server answered, but it still reads as active")
}

func TestUndoAfterDisable(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 3)), 100, 30)
	drv.Key("y")
	help := drv.V.ShortHelp()
	if len(help) != 2 || help[1].Help().Desc != "undo: restore" {
		t.Errorf("done help %+v, want the undo offered", help)
	}
	drv.Key("u")
	om, ok := viewtest.Last[views.OpenModalMsg](drv)
	if !ok {
		t.Fatal("u did not open the restore dialog")
	}
	if om.M.Title() != "Restore Ledger" {
		t.Fatalf("undo dialog %q", om.M.Title())
	}
	u := viewtest.New(t, om.M, 100, 30)
	wantScreen(t, u, "Restore Ledger", `→ PUT /dataSource/{id} {"deleted":false} for 3`, "[Cancel]")
	// The undo dialog is a confirm dialog like the others.
	u.Key("enter")
	if !closed(u) {
		t.Fatal("enter on Cancel did not close the undo dialog")
	}
	wantWrites(t, api, "delete 3")

	u = viewtest.New(t, om.M.(*actions.Dialog), 100, 30)
	u.Key("y")
	wantWrites(t, api, "delete 3", "restore 3")
	wantScreen(t, u, "✓ Ledger: restored")
	ch := all[views.SourceChangedMsg](u)
	if len(ch) != 1 || ch[0].Source.IsDisabled() {
		t.Fatalf("SourceChangedMsg %+v, want Ledger active", ch)
	}
}

func TestNoUndoInReadOnly(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	sess.ReadOnly = true
	sess.Keys = sess.Keys.WithoutWrites()
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 3)), 100, 30)
	drv.Key("y")
	noScreen(t, drv, "undo: restore")
	drv.Key("u")
	if _, ok := viewtest.Last[views.OpenModalMsg](drv); ok {
		t.Fatal("u opened the restore dialog in read-only mode")
	}
	if len(drv.V.ShortHelp()) != 1 {
		t.Errorf("help offers more than close: %+v", drv.V.ShortHelp())
	}
}

func TestRestore(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	// Only the disabled ones are restored.
	drv, d := openDialog(t, actions.Restore(sess, targets(api, 1, 4, 5)), 100, 30)
	if d.Title() != "Restore 2 data sources" {
		t.Fatalf("title %q", d.Title())
	}
	noScreen(t, drv, "• Orders (1)")
	drv.Key("tab", "enter")
	wantWrites(t, api, "restore 4", "restore 5")
	wantScreen(t, drv, "✓ Old Orders: restored", "✓ Old Ledger: restored")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "restored 2 of 2" {
		t.Errorf("status %q", st.Text)
	}

	msgs := viewtest.Collect(actions.Restore(sess, targets(api, 1)))
	if st, ok := msgs[0].(views.StatusMsg); !ok || st.Level != views.Warn {
		t.Fatalf("restoring an active source: %+v", msgs)
	}
}

func TestRestoreFailures(t *testing.T) {
	api, sess := fixture()
	api.RestoreFn = func(id int64) (*apiclient.DataSource, error) {
		if id == 4 {
			return nil, &apiclient.TransportError{Method: "PUT", Path: "/dataSource/4", Err: errors.New("connection refused")}
		}
		return nil, &apiclient.APIError{StatusCode: 403, Method: "PUT", Path: "/dataSource/5"}
	}
	drv, _ := openDialog(t, actions.Restore(sess, targets(api, 4, 5)), 100, 30)
	drv.Key("y")
	wantWrites(t, api, "restore 4", "restore 5")
	wantScreen(t, drv, "✗ Old Orders: no clear answer (cannot reach the server: connection refused); it may or may not be restored. Refresh (r) to see.",
		"✗ Old Ledger: not restored: permission denied (403)")
}

func TestSubscribeSingle(t *testing.T) {
	api, sess := fixture()
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		d := source(api, 2)
		d.SubscriptionStatus = "subscribed"
		setSource(api, d)
		return subscribed(2), nil
	}
	drv, d := openDialog(t, actions.Subscribe(sess, targets(api, 2)), 100, 30)
	if d.Title() != "Subscribe to Customers" {
		t.Fatalf("title %q", d.Title())
	}
	wantScreen(t, drv, "You will ask for access to:", "• Customers (2)", `→ POST /dataSource/subscribe {"dataSourceIds":[2]}`)
	drv.Key("y")
	wantWrites(t, api, "subscribe [2]")
	wantScreen(t, drv, "✓ Customers: subscribed")
	// The row's subscription state updates: the refetch reports it.
	ch := all[views.SourceChangedMsg](drv)
	if len(ch) != 1 || ch[0].Source.ID != 2 || ch[0].Source.SubscriptionStatus != "subscribed" {
		t.Fatalf("SourceChangedMsg %+v", ch)
	}
}

func TestSubscribeBulkReportsEachItem(t *testing.T) {
	api, sess := fixture()
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		var raw apiclient.SubscribeResult
		if err := raw.UnmarshalJSON([]byte(`{
			"success": [{"modelId": "1", "state": "subscribed"}, {"modelId": 2, "state": "pending"}],
			"inError": [{"dataSourceId": 3, "message": "Ledger requires an attestation"}]}`)); err != nil {
			t.Fatal(err)
		}
		return &raw, nil
	}
	drv, d := openDialog(t, actions.Subscribe(sess, targets(api, 1, 2, 3)), 100, 30)
	if d.Title() != "Subscribe to 3 data sources" {
		t.Fatalf("title %q", d.Title())
	}
	wantScreen(t, drv, "• Orders (1)", "• Customers (2)", "• Ledger (3)", `{"dataSourceIds":[1,2,3]}`)
	drv.Key("y")
	wantWrites(t, api, "subscribe [1 2 3]") // one call for all
	wantScreen(t, drv, "✓ Orders: subscribed", "✓ Customers: pending approval", "✗ Ledger: Ledger requires an attestation")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "subscribed 1, pending approval 1, failed 1" || st.Level != views.Warn {
		t.Errorf("status %+v", st)
	}
	var ids []int64
	for _, m := range all[views.SourceChangedMsg](drv) {
		ids = append(ids, m.Source.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Errorf("refetched %v", ids)
	}
}

// Sources the server said nothing about are reported, and counted.
func TestSubscribeMissingAnswers(t *testing.T) {
	for name, res := range map[string]*apiclient.SubscribeResult{"partial": subscribed(1), "empty": nil} {
		t.Run(name, func(t *testing.T) {
			api, sess := fixture()
			api.SubscribeFn = func(apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) { return res, nil }
			drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1, 2)), 100, 30)
			drv.Key("y")
			wantScreen(t, drv, "✗ Customers: no answer from the server for this one; refresh to see")
			st, _ := viewtest.Last[views.StatusMsg](drv)
			if !strings.HasSuffix(st.Text, "failed "+map[string]string{"partial": "1", "empty": "2"}[name]) {
				t.Errorf("status %q", st.Text)
			}
		})
	}
}

func TestSubscribeCallFails(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"refused", &apiclient.APIError{StatusCode: 403, Method: "POST", Path: "/dataSource/subscribe", Message: "no"},
			"✗ Orders: not subscribed: permission denied (403): no"},
		{"unreachable", &apiclient.TransportError{Method: "POST", Path: "/dataSource/subscribe", Err: errors.New("no route to host")},
			"✗ Orders: no clear answer (cannot reach the server: no route to host); the server may or may not have subscribed you. Refresh (r) to see."},
		{"503", &apiclient.APIError{StatusCode: 503, Method: "POST", Path: "/dataSource/subscribe"},
			"the server may or may not have subscribed you"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api, sess := fixture()
			api.SubscribeFn = func(apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) { return nil, c.err }
			drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1, 2)), 100, 30)
			drv.Key("y")
			wantWrites(t, api, "subscribe [1 2]")
			wantScreen(t, drv, c.want)
			wantScreen(t, drv, strings.Replace(c.want, "Orders", "Customers", 1))
			st, _ := viewtest.Last[views.StatusMsg](drv)
			if st.Level != views.Warn {
				t.Errorf("status %+v", st)
			}
		})
	}
}

// On a protected profile every write asks for the profile name typed.
func TestProtectedProfileEveryWrite(t *testing.T) {
	openers := map[string]func(*viewtest.FakeAPI, *views.Session) (*viewtest.Driver, string){
		"subscribe": func(api *viewtest.FakeAPI, sess *views.Session) (*viewtest.Driver, string) {
			drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1)), 100, 30)
			return drv, "subscribe [1]"
		},
		"disable": func(api *viewtest.FakeAPI, sess *views.Session) (*viewtest.Driver, string) {
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
			return drv, "delete 1"
		},
		"bulk disable": func(api *viewtest.FakeAPI, sess *views.Session) (*viewtest.Driver, string) {
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1, 2)), 100, 30)
			return drv, "delete 1"
		},
		"restore": func(api *viewtest.FakeAPI, sess *views.Session) (*viewtest.Driver, string) {
			drv, _ := openDialog(t, actions.Restore(sess, targets(api, 4)), 100, 30)
			return drv, "restore 4"
		},
		"undo": func(api *viewtest.FakeAPI, sess *views.Session) (*viewtest.Driver, string) {
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 3)), 100, 30)
			typeText(drv, "prod")
			drv.Key("enter", "u")
			om, ok := viewtest.Last[views.OpenModalMsg](drv)
			if !ok {
				t.Fatal("no undo")
			}
			api.Calls = nil
			return viewtest.New(t, om.M, 100, 30), "restore 3"
		},
	}
	for name, open := range openers {
		t.Run(name, func(t *testing.T) {
			api, sess := fixture()
			serverDelete(api)
			api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) { return subscribed(1), nil }
			sess.Protected, sess.Profile = true, "prod"
			drv, call := open(api, sess)
			wantScreen(t, drv, `prod is a protected profile: type its name to confirm`)
			drv.Key("y", "n") // letters go to the field
			drv.Key("enter")
			if closed(drv) || len(writes(api)) != 0 {
				t.Fatalf("wrote without the profile name: %q", writes(api))
			}
			wantScreen(t, drv, `Type "prod" exactly to confirm.`)
			erase(drv, 2)
			typeText(drv, "pro")
			drv.Key("tab", "y") // y on the buttons checks the field too
			if len(writes(api)) != 0 {
				t.Fatalf("wrote with %q typed", "pro")
			}
			drv.Key("shift+tab")
			typeText(drv, "d")
			drv.Key("enter")
			if w := writes(api); len(w) == 0 || w[0] != call {
				t.Fatalf("writes %q, want %q first", w, call)
			}
		})
	}
}

// A protected hard delete asks for both the name and the profile.
func TestProtectedHardDelete(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	sess.Protected, sess.Profile = true, "prod"
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4)), 100, 30)
	typeText(drv, "Old Orders")
	drv.Key("enter") // to the profile field
	wantWrites(t, api)
	drv.Key("enter")
	wantWrites(t, api)
	wantScreen(t, drv, `Type "prod" exactly to confirm.`)
	typeText(drv, "prod")
	drv.Key("enter")
	wantWrites(t, api, "delete 4")
}

// The bulk count is asked for first, then the profile.
func TestProtectedBulkHardDelete(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	sess.Protected, sess.Profile = true, "prod"
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4, 5)), 100, 30)
	typeText(drv, "2")
	drv.Key("enter") // to the profile field
	typeText(drv, "prd")
	drv.Key("enter")
	wantWrites(t, api)
	wantScreen(t, drv, `Type "prod" exactly to confirm.`)
	erase(drv, 3)
	typeText(drv, "prod")
	drv.Key("up") // back to the count: make it wrong
	erase(drv, 1)
	typeText(drv, "20")
	drv.Key("down", "enter")
	wantWrites(t, api)
	wantScreen(t, drv, `Type "2" exactly to confirm.`)
	erase(drv, 1)
	drv.Key("enter", "enter")
	wantWrites(t, api, "delete 4", "delete 5")
}

func TestBulkDeleteSkipsSourcesAlreadyGone(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	msgs := viewtest.Collect(actions.Delete(sess, []actions.Target{{ID: 99, Name: "Gone"}, {ID: 1, Name: "Orders"}}))
	var removed, opened bool
	for _, m := range msgs {
		switch m := m.(type) {
		case views.SourceRemovedMsg:
			removed = m.ID == 99
		case views.OpenModalMsg:
			opened = strings.Contains(m.M.Title(), "Orders") && !strings.Contains(m.M.View(), "Gone")
		}
	}
	if !removed || !opened {
		t.Fatalf("want Gone removed and a dialog for Orders only: %+v", msgs)
	}
}

// A write that failed before it left (its auth could not be settled) did
// nothing: the dialog says it failed, not that the server may have done it.
func TestDeleteNotSentIsNotUncertain(t *testing.T) {
	api, sess := fixture()
	api.DeleteFn = func(int64) (*apiclient.DeleteResult, error) {
		return nil, fmt.Errorf("DELETE /dataSource/1: %w: %w", apiclient.ErrNotSent,
			&apiclient.TransportError{Method: "GET", Path: "/bim/rpc/user/current", Err: errors.New("connection refused")})
	}
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	drv.Key("y")
	wantScreen(t, drv, "✗ Orders")
	noScreen(t, drv, "may or may not")
}
