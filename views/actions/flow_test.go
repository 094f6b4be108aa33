package actions_test

// Issue 8, section 1: a disable never becomes a permanent delete. One
// write flow per source at a time, the id from the row, and the result
// told from the server's answer and the read that follows it.

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// gatedAPI holds every GetDataSource until the test lets it through, so
// that a state check can be caught in flight without guessing at time.
type gatedAPI struct {
	*viewtest.FakeAPI
	started chan int64    // one value per read that has started
	release chan struct{} // closed: every read answers
}

func gated(api *viewtest.FakeAPI) *gatedAPI {
	return &gatedAPI{FakeAPI: api, started: make(chan int64, 16), release: make(chan struct{})}
}

func (g *gatedAPI) GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error) {
	g.started <- id
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.FakeAPI.GetDataSource(ctx, id)
}

// answerAPI answers GetDataSource with a fixed body, as a server that
// sends an empty object, null (decoded as zero values) or another source.
type answerAPI struct {
	*viewtest.FakeAPI
	answer *apiclient.DataSource
}

func (a *answerAPI) GetDataSource(context.Context, int64) (*apiclient.DataSource, error) {
	if a.answer == nil {
		return nil, nil
	}
	d := *a.answer
	return &d, nil
}

// dialogsIn returns the dialogs that msgs would open.
func dialogsIn(msgs []tea.Msg) []*actions.Dialog {
	var out []*actions.Dialog
	for _, m := range msgs {
		if om, ok := m.(views.OpenModalMsg); ok {
			if d, ok := om.M.(*actions.Dialog); ok {
				out = append(out, d)
			}
		}
	}
	return out
}

func statusesIn(msgs []tea.Msg) []string {
	var out []string
	for _, m := range msgs {
		if st, ok := m.(views.StatusMsg); ok {
			out = append(out, st.Text)
		}
	}
	return out
}

// Found (a): D twice while the re-read is slow opened two dialogs;
// confirming both sent DELETE twice, and the second one was permanent.
func TestSecondWriteKeyRefusedWhileCheckInFlight(t *testing.T) {
	api, _ := fixture()
	serverDelete(api)
	g := gated(api)
	sess := viewtest.Context(g)

	first := make(chan []tea.Msg, 1)
	go func() { first <- viewtest.CollectAll(actions.Delete(sess, targets(api, 2))) }()
	<-g.started // the first check is waiting for the server

	// D again, and every other write key on the same source: refused
	// with a word, nothing asked of the server.
	second := make(chan []tea.Msg, 1)
	go func() { second <- viewtest.CollectAll(actions.Delete(sess, targets(api, 2))) }()
	other := [][]tea.Msg{
		viewtest.CollectAll(actions.Subscribe(sess, targets(api, 2))),
		viewtest.CollectAll(actions.Restore(sess, []actions.Target{{ID: 2, Name: "Customers", Disabled: true}})),
		viewtest.CollectAll(actions.Delete(sess, targets(api, 1, 2))), // a bulk one that includes it
	}
	close(g.release)
	msgs := append(<-first, <-second...)
	for _, o := range other {
		msgs = append(msgs, o...)
	}

	ds := dialogsIn(msgs)
	if len(ds) != 1 {
		t.Fatalf("%d dialogs opened for one source, want 1: %#v", len(ds), msgs)
	}
	refused := 0
	for _, s := range statusesIn(msgs) {
		if s == "a write on Customers is already in progress" {
			refused++
		}
	}
	if refused != 4 {
		t.Errorf("%d refusals, want 4 (D, s, u, bulk D): %q", refused, statusesIn(msgs))
	}
	if n := len(g.started); n != 0 {
		t.Errorf("%d more reads started for refused keys", n)
	}

	// Confirming the one dialog sends one DELETE, a disable.
	drv := viewtest.New(t, ds[0], 100, 30)
	drv.Key("y")
	wantWrites(t, api, "delete 2")
	wantScreen(t, drv, "✓ Customers: disabled (soft delete)")
	if d := source(api, 2); !d.IsDisabled() {
		t.Fatal("the source is not disabled (it must still be restorable)")
	}

	// While the dialog shows its result the source is still taken; once it
	// closes, the next D starts a new flow.
	if msgs := viewtest.CollectAll(actions.Delete(sess, targets(api, 2))); len(dialogsIn(msgs)) != 0 {
		t.Fatalf("a second dialog opened while the first shows its result: %#v", msgs)
	}
	drv.Key("enter")
	if !closed(drv) {
		t.Fatal("enter did not close the result")
	}
	_, d := openDialog(t, actions.Delete(sess, targets(api, 2)), 100, 30)
	if !strings.HasPrefix(d.Title(), "Delete Customers permanently") {
		t.Fatalf("after the flow ended: %q", d.Title())
	}
}

// Every way a flow ends frees its sources: cancel, a failed check, nothing
// left to delete, the root closing the dialog, and a request that ends
// after its dialog was closed.
func TestWriteFlowReleasedWhenItEnds(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	busy := func(id int64) bool { return sess.Writes().Busy(id) }

	drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1)), 100, 30)
	if !busy(1) {
		t.Fatal("an open dialog does not hold its source")
	}
	drv.Key("esc")
	if busy(1) {
		t.Fatal("cancel kept the source busy")
	}

	_, d := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	d.Close() // the root closing it (quit, or a refused modal)
	if busy(1) {
		t.Fatal("Close kept the source busy")
	}

	api.GetErr = &apiclient.APIError{StatusCode: 403, Method: "GET", Path: "/dataSource/1"}
	viewtest.CollectAll(actions.Delete(sess, targets(api, 1)))
	api.GetErr = nil
	viewtest.CollectAll(actions.Delete(sess, []actions.Target{{ID: 99, Name: "Gone"}}))
	if busy(1) || busy(99) {
		t.Fatal("a check that ended without a dialog kept its sources busy")
	}

	// A request still running when its dialog is closed keeps the source
	// until it has answered.
	answer := make(chan struct{})
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		<-answer
		return &apiclient.DeleteResult{Success: true, ID: id, Disabled: true}, nil
	}
	_, d = openDialog(t, actions.Delete(sess, targets(api, 3)), 100, 30)
	_, cmd := d.Update(viewtest.KeyMsg("y"))
	ran := make(chan []tea.Msg, 1)
	go func() { ran <- viewtest.CollectAll(cmd) }()
	d.Close()
	if !busy(3) {
		t.Fatal("the source was freed while its DELETE was still in flight")
	}
	close(answer)
	<-ran
	if busy(3) {
		t.Fatal("the source stayed busy after the request ended")
	}
}

// Found (b): an empty 200 (or null) to the re-read opened a dialog for
// DELETE /dataSource/0. The id comes from the row; an answer that is
// empty or names another source stops the flow with a clear error.
func TestDeleteCheckAnswerMustNameTheRow(t *testing.T) {
	cases := map[string]struct {
		answer *apiclient.DataSource
		want   string
	}{
		"empty object": {&apiclient.DataSource{}, "empty answer from GET /dataSource/2"},
		"null":         {nil, "empty answer from GET /dataSource/2"},
		"another id":   {&apiclient.DataSource{ID: 7, Name: "Customers", Deleted: true}, "answered with data source 7"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			api, _ := fixture()
			serverDelete(api)
			a := &answerAPI{FakeAPI: api, answer: c.answer}
			sess := viewtest.Context(a)
			msgs := viewtest.CollectAll(actions.Delete(sess, targets(api, 2)))
			if ds := dialogsIn(msgs); len(ds) != 0 {
				t.Fatalf("a dialog opened on a bad re-read: %q %q", ds[0].Title(), ds[0].View())
			}
			var em views.ErrorMsg
			for _, m := range msgs {
				if e, ok := m.(views.ErrorMsg); ok {
					em = e
				}
			}
			if em.Err == nil || !strings.Contains(em.What, "Customers") || !strings.Contains(em.Err.Error(), c.want) {
				t.Fatalf("want an error naming Customers and %q, got %#v", c.want, msgs)
			}
			wantWrites(t, api)
			if sess.Writes().Busy(2) {
				t.Error("the stopped flow kept the source busy")
			}
		})
	}
}

// The id of the DELETE is the row's even when the re-read renames it.
func TestDeleteUsesTheRowsID(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	d := source(api, 2)
	d.Name = "Customers (renamed)"
	setSource(api, d)
	drv, dlg := openDialog(t, actions.Delete(sess, targets(api, 2)), 100, 30)
	wantScreen(t, drv, "→ DELETE /dataSource/2")
	if !strings.Contains(dlg.Title(), "Customers (renamed)") {
		t.Errorf("title %q, want the current name", dlg.Title())
	}
	drv.Key("y")
	wantWrites(t, api, "delete 2")
}

// Found (d): after a lost answer, or when another client disabled the
// source between check and confirm, the result said "✓ disabled" though
// the follow-up read got a 404. What the read finds is what is told.
func TestDeleteResultFromTheServer(t *testing.T) {
	hardDelete := func(api *viewtest.FakeAPI, id int64) {
		api.Sources = slices.DeleteFunc(api.Sources, func(s apiclient.DataSource) bool { return s.ID == id })
	}
	cases := map[string]struct {
		del func(api *viewtest.FakeAPI, id int64) (*apiclient.DeleteResult, error)
	}{
		"lost answer": {func(api *viewtest.FakeAPI, id int64) (*apiclient.DeleteResult, error) {
			hardDelete(api, id)
			return nil, &apiclient.TransportError{Method: "DELETE", Path: "/dataSource/2", Err: errors.New("connection reset by peer")}
		}},
		"empty answer": {func(api *viewtest.FakeAPI, id int64) (*apiclient.DeleteResult, error) {
			hardDelete(api, id)
			return nil, nil
		}},
		"answer says disabled": {func(api *viewtest.FakeAPI, id int64) (*apiclient.DeleteResult, error) {
			hardDelete(api, id)
			return &apiclient.DeleteResult{Success: true, ID: id, Name: "Customers", Disabled: true}, nil
		}},
		"answer says hardDelete": {func(api *viewtest.FakeAPI, id int64) (*apiclient.DeleteResult, error) {
			hardDelete(api, id)
			return &apiclient.DeleteResult{Success: true, ID: id, Name: "Customers", Disabled: true, HardDelete: true}, nil
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			api, sess := fixture()
			serverDelete(api)
			drv, d := openDialog(t, actions.Delete(sess, targets(api, 2)), 100, 30)
			if d.Title() != "Disable Customers (soft delete)" {
				t.Fatalf("title %q", d.Title())
			}
			// Another client disables it after the last read: this
			// DELETE is then permanent on the server.
			api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) { return c.del(api, id) }
			drv.Key("y")
			wantWrites(t, api, "delete 2")
			wantScreen(t, drv, "✗ permanently deleted by the server: Customers (2)")
			noScreen(t, drv, "✓", "undo: restore", "disabled (soft delete)")
			st, _ := viewtest.Last[views.StatusMsg](drv)
			if st.Level != views.Warn || !strings.Contains(st.Text, "permanently deleted by the server: Customers (2)") ||
				strings.Contains(st.Text, "disabled 1") {
				t.Errorf("status %+v", st)
			}
			if rm := all[views.SourceRemovedMsg](drv); len(rm) != 1 || rm[0].ID != 2 {
				t.Errorf("removed %+v, want source 2", rm)
			}
			if ch := all[views.SourceChangedMsg](drv); len(ch) != 0 {
				t.Errorf("a removed source was reported changed: %+v", ch)
			}
		})
	}
}

// A lost answer that the read cannot settle still says "may or may not";
// an answer the read contradicts is not taken on trust.
func TestDeleteResultWhenTheReadDisagrees(t *testing.T) {
	// Lost answer, source still there (disabled or not): unknown.
	api, sess := fixture()
	serverDelete(api)
	inner := api.DeleteFn
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		_, _ = inner(id)
		return nil, &apiclient.APIError{StatusCode: 502, Method: "DELETE", Path: "/dataSource/1"}
	}
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	drv.Key("y")
	wantScreen(t, drv, "✗ Orders: no clear answer", "the server may or may not have disabled it")
	noScreen(t, drv, "✓", "undo: restore")

	// The answer says disabled, the read says active: not "✓ disabled".
	api, sess = fixture()
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		return &apiclient.DeleteResult{Success: true, ID: id, Disabled: true}, nil
	}
	drv, _ = openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	drv.Key("y")
	wantScreen(t, drv, "✗ Orders: the server answered, but it still reads as active")
	noScreen(t, drv, "✓")

	// The answer names another source: the read decides.
	api, sess = fixture()
	serverDelete(api)
	inner = api.DeleteFn
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		r, err := inner(id)
		r.ID = 9
		return r, err
	}
	drv, _ = openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)
	drv.Key("y")
	wantScreen(t, drv, "✓ Orders: disabled (soft delete)")
}

// A restore is told from the read that follows it too: the PUT's answer
// is documented as an untyped string, so it alone proves nothing.
func TestRestoreResultFromTheServer(t *testing.T) {
	cases := map[string]struct {
		restore func(api *viewtest.FakeAPI, id int64) (*apiclient.DataSource, error)
		want    string
	}{
		"empty answer, restored": {func(api *viewtest.FakeAPI, id int64) (*apiclient.DataSource, error) {
			d := source(api, id)
			d.Deleted, d.Disabled = false, false
			setSource(api, d)
			return nil, nil
		}, "✓ Old Orders: restored"},
		"answer says active, still disabled": {func(api *viewtest.FakeAPI, id int64) (*apiclient.DataSource, error) {
			return &apiclient.DataSource{ID: id, Name: "Old Orders"}, nil
		}, "✗ Old Orders: the server answered, but it still reads as disabled"},
		"gone meanwhile": {func(api *viewtest.FakeAPI, id int64) (*apiclient.DataSource, error) {
			api.Sources = slices.DeleteFunc(api.Sources, func(s apiclient.DataSource) bool { return s.ID == id })
			return &apiclient.DataSource{ID: id, Name: "Old Orders"}, nil
		}, "✗ Old Orders (4): not restored: it is gone from the server (permanently deleted)"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			api, sess := fixture()
			api.RestoreFn = func(id int64) (*apiclient.DataSource, error) { return c.restore(api, id) }
			drv, _ := openDialog(t, actions.Restore(sess, targets(api, 4)), 100, 30)
			drv.Key("y")
			wantWrites(t, api, "restore 4")
			wantScreen(t, drv, c.want)
		})
	}
}

// A disable dialog may stay open for minutes: a source that someone else
// disabled (or deleted) meanwhile gets no DELETE at all from it.
func TestDisableRechecksBeforeSending(t *testing.T) {
	cases := map[string]struct {
		change func(api *viewtest.FakeAPI)
		want   string
		gone   bool
	}{
		"disabled meanwhile": {func(api *viewtest.FakeAPI) {
			d := source(api, 2)
			d.Deleted = true
			setSource(api, d)
		}, "✗ Customers: disabled by someone else meanwhile; nothing sent (D again deletes it for good)", false},
		"deleted meanwhile": {func(api *viewtest.FakeAPI) {
			api.Sources = slices.DeleteFunc(api.Sources, func(s apiclient.DataSource) bool { return s.ID == 2 })
		}, "✗ Customers: already deleted on the server; nothing sent", true},
		"cannot read": {func(api *viewtest.FakeAPI) {
			api.GetErr = &apiclient.APIError{StatusCode: 503, Method: "GET", Path: "/dataSource/2"}
		}, "✗ Customers: not disabled: reading its state again failed", false},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			api, sess := fixture()
			serverDelete(api)
			drv, d := openDialog(t, actions.Delete(sess, targets(api, 2)), 100, 30)
			if d.Title() != "Disable Customers (soft delete)" {
				t.Fatalf("title %q", d.Title())
			}
			c.change(api)
			drv.Key("y")
			wantWrites(t, api)
			wantScreen(t, drv, c.want)
			noScreen(t, drv, "✓", "undo: restore")
			if rm := all[views.SourceRemovedMsg](drv); c.gone != (len(rm) == 1) {
				t.Errorf("removed %+v", rm)
			}
		})
	}
}
