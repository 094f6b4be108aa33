package actions_test

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

var sizes = [][2]int{{100, 30}, {60, 20}, {40, 12}}

// manySources adds n active sources with long names (ids 101...).
func manySources(api *viewtest.FakeAPI, n int) []int64 {
	var ids []int64
	for i := range n {
		id := int64(101 + i)
		api.Sources = append(api.Sources, apiclient.DataSource{ID: id,
			Name: fmt.Sprintf("A rather long data source name number %d from the warehouse", i)})
		ids = append(ids, id)
	}
	return ids
}

// Every dialog, in every phase, stays within the terminal, and keeps what
// the user acts on (the focused field, the buttons) on screen.
func TestDialogsWithinBounds(t *testing.T) {
	type state struct {
		name string
		open func(t *testing.T, w, h int) *viewtest.Driver
		want []string // must stay visible
	}
	setup := func(protected bool) (*viewtest.FakeAPI, *views.Session) {
		api, sess := fixture()
		serverDelete(api)
		api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
			return subscribed(r.DataSourceIDs...), nil
		}
		if protected {
			sess.Protected, sess.Profile = true, "prod"
		}
		return api, sess
	}
	states := []state{
		{"subscribe one", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1)), w, h)
			return drv
		}, []string{"Cancel", "Subscribe"}},
		{"subscribe many", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, manySources(api, 20)...)), w, h)
			return drv
		}, []string{"Cancel", "Subscribe"}},
		{"subscribe many result", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, manySources(api, 20)...)), w, h)
			drv.Key("y")
			return drv
		}, []string{"enter closes"}},
		{"disable", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), w, h)
			return drv
		}, []string{"Disable Orders", "Cancel", "Disable"}},
		{"disable done", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 1)), w, h)
			drv.Key("y")
			return drv
		}, []string{"Orders: disabled", "enter closes"}},
		{"hard delete", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4)), w, h)
			typeText(drv, "Old Ord")
			return drv
		}, []string{"Delete Old", "> Old Ord", "Cancel"}},
		{"hard delete hint", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4)), w, h)
			drv.Key("enter")
			return drv
		}, []string{"Delete Old", "exactly", "Cancel"}},
		{"protected hard delete, second field", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(true)
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4)), w, h)
			typeText(drv, "Old Orders")
			drv.Key("enter")
			typeText(drv, "pr")
			return drv
		}, []string{"Delete Old", "> pr", "Cancel"}},
		{"protected bulk, first field", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(true)
			ids := append([]int64{4, 5}, manySources(api, 10)...)
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, ids...)), w, h)
			typeText(drv, "1")
			return drv
		}, []string{"Delete 12", "> 1", "Cancel"}},
		{"bulk result", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			drv, _ := openDialog(t, actions.Delete(sess, targets(api, append([]int64{1, 2, 3}, manySources(api, 12)...)...)), w, h)
			drv.Key("y")
			return drv
		}, []string{"enter closes"}},
		{"running", func(t *testing.T, w, h int) *viewtest.Driver {
			api, sess := setup(false)
			_, d := openDialog(t, actions.Delete(sess, targets(api, 1)), w, h)
			d.Update(viewtest.KeyMsg("y")) // the command is not run: still running
			return &viewtest.Driver{T: t, V: d}
		}, []string{"working"}},
	}
	for _, st := range states {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s %dx%d", st.name, sz[0], sz[1]), func(t *testing.T) {
				drv := st.open(t, sz[0], sz[1])
				out := drv.V.View()
				viewtest.CheckBounds(t, out, sz[0], sz[1])
				scr := drv.Screen()
				for _, w := range st.want {
					if !strings.Contains(scr, w) {
						t.Errorf("%q is not on screen:\n%s", w, scr)
					}
				}
			})
		}
	}
}

// Modals resize with the terminal.
func TestDialogResizes(t *testing.T) {
	api, sess := fixture()
	drv, d := openDialog(t, actions.Subscribe(sess, targets(api, manySources(api, 12)...)), 100, 30)
	wide := d.View()
	for _, sz := range [][2]int{{40, 12}, {60, 20}, {30, 10}, {100, 30}} {
		d.SetSize(sz[0], sz[1])
		viewtest.CheckBounds(t, d.View(), sz[0], sz[1])
	}
	if d.View() != wide {
		t.Error("back at 100×30 the dialog is drawn differently")
	}
	wantScreen(t, drv, "… and 4 more")
}

const hostile = "Evil\x1b[2J\x1b]0;pwned\x07 \u202eName\r\nsecond\tline\x9b31m"

// Names and messages from the server, or a caller that forgot to clean a
// name, never reach the terminal as control sequences.
func TestHostileNamesSanitized(t *testing.T) {
	api, sess := fixture()
	api.Sources = append(api.Sources,
		apiclient.DataSource{ID: 66, Name: hostile},
		apiclient.DataSource{ID: 67, Name: hostile, Deleted: true})
	serverDelete(api)
	inner := api.DeleteFn
	api.DeleteFn = func(id int64) (*apiclient.DeleteResult, error) {
		res, err := inner(id)
		if res != nil {
			res.HandlerDeleteErrorMessage = hostile
		}
		return res, err
	}
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		return &apiclient.SubscribeResult{
			Success: []apiclient.Subscription{{ModelID: apiclient.FlexString("9\x1b[31m"), State: "sub\x1bscribed"}},
			InError: []apiclient.SubscribeFailure{{DataSourceID: 66, Message: hostile}},
		}, nil
	}
	raw := actions.Target{ID: 66, Name: hostile} // not cleaned by the caller
	check := func(name string, drv *viewtest.Driver) {
		t.Helper()
		for _, sz := range sizes {
			drv.V.SetSize(sz[0], sz[1])
			out := drv.V.View()
			viewtest.CheckBounds(t, out, sz[0], sz[1])
			if strings.ContainsAny(out, "\x07\r\u202e\u009b") || strings.Contains(out, "\x1b]") || strings.Contains(out, "\x1b[2J") {
				t.Errorf("%s %v: control characters on screen: %q", name, sz, out)
			}
		}
		if strings.ContainsAny(drv.V.Title(), "\x1b\x07\r\n\u202e") {
			t.Errorf("%s: title %q has control characters", name, drv.V.Title())
		}
	}

	drv, _ := openDialog(t, actions.Subscribe(sess, []actions.Target{raw}), 100, 30)
	check("subscribe", drv)
	wantScreen(t, drv, "Evil␛[2J␛]0;pwned␇")
	drv.Key("y")
	check("subscribe result", drv)
	drv.Key("enter") // the next dialog on this source waits for this one to close

	drv, _ = openDialog(t, actions.Delete(sess, []actions.Target{raw}), 100, 30)
	check("disable", drv)
	drv.Key("y")
	check("disable result", drv)

	drv, _ = openDialog(t, actions.Delete(sess, []actions.Target{{ID: 67, Name: "fine"}}), 100, 30)
	check("hard delete", drv) // the name comes from the server's fresh state
	drv.Key("esc")

	drv, _ = openDialog(t, actions.Restore(sess, []actions.Target{{ID: 67, Name: hostile, Disabled: true}}), 100, 30)
	check("restore", drv)

	// Pasted into the name field: controls are dropped, not drawn.
	drv, _ = openDialog(t, actions.Delete(sess, targets(api, 4)), 100, 30)
	drv.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(hostile), Paste: true})
	check("pasted", drv)
}

// A name pasted with invisible bidi marks is the name: the marks are
// dropped as they arrive.
func TestPastedBidiMarksDropped(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	drv, _ := openDialog(t, actions.Delete(sess, targets(api, 4)), 100, 30)
	drv.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("\u202aOld\u200f Orders\u202c"), Paste: true})
	wantScreen(t, drv, "> Old Orders")
	drv.Key("enter")
	wantWrites(t, api, "delete 4")
}
