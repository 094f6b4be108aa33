package actions_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// ctrlG is the back key in these tests: [keys] back = ["ctrl+g"].
var ctrlG = tea.KeyMsg{Type: tea.KeyCtrlG}

// rebound returns the fixture's session with back on ctrl+g only.
func rebound(t *testing.T) (*viewtest.FakeAPI, *views.Session) {
	t.Helper()
	api, sess := fixture()
	k, err := sess.Keys.Apply(map[string][]string{"back": {"ctrl+g"}})
	if err != nil {
		t.Fatal(err)
	}
	sess.Keys = k
	return api, sess
}

// A rebound back key closes every form and dialog, as esc does by
// default; esc, no longer bound, does nothing there.
func TestReboundBackClosesFormsAndDialogs(t *testing.T) {
	api, sess := rebound(t)
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		return subscribed(r.DataSourceIDs...), nil
	}
	// One flow per source: each form has a source of its own.
	dlg, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1)), 100, 30)
	tags, _ := openTagForm(t, actions.AddTag(sess, target(api, 2), nil))
	members, _ := openForm(t, actions.AddMember(sess, target(api, 3)), 100, 24)
	var decision *viewtest.Driver
	for _, msg := range viewtest.Collect(actions.Deny(sess, []actions.Request{{ID: 9, Who: "ann", Source: "Orders"}})) {
		if om, ok := msg.(views.OpenModalMsg); ok {
			decision = viewtest.New(t, om.M, 80, 24)
		}
	}
	if decision == nil {
		t.Fatal("deny opened no form")
	}
	for name, drv := range map[string]*viewtest.Driver{"dialog": dlg, "tag form": tags, "member form": members, "decision form": decision} {
		drv.Key("esc")
		if closed(drv) {
			t.Errorf("%s: esc closed it, but back is ctrl+g", name)
		}
		drv.Send(ctrlG)
		if !closed(drv) {
			t.Errorf("%s: the rebound back key did not close it", name)
		}
	}
	wantWrites(t, api)
}

// In a text field the letters that are keys elsewhere (q quit, y/n
// confirm/cancel, h/l/j/k movement) are typed, and arrows only move.
func TestLettersAreTypedInFormFields(t *testing.T) {
	api, sess := fixture()
	drv, form := openTagForm(t, actions.AddTag(sess, target(api, 1), nil))
	typeText(drv, "qynhljk")
	if form.Value() != "qynhljk" || closed(drv) {
		t.Fatalf("typed %q, closed %v", form.Value(), closed(drv))
	}
	if _, ok := viewtest.Last[views.OpenModalMsg](drv); ok {
		t.Fatal("a letter went on to the dialog")
	}
}
