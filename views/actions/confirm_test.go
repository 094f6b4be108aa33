package actions_test

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// subscribeDialog opens the subscribe dialog for Orders, whose subscribe
// call succeeds.
func subscribeDialog(t *testing.T) (*viewtest.FakeAPI, *viewtest.Driver) {
	t.Helper()
	api, sess := fixture()
	marked(sess)
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		return subscribed(r.DataSourceIDs...), nil
	}
	drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1)), 100, 30)
	return api, drv
}

func TestConfirmFocusStartsOnCancelAndEnterCancels(t *testing.T) {
	api, drv := subscribeDialog(t)
	if got := highlighted(t, drv); got != "Cancel" {
		t.Fatalf("highlighted button at start = %q, want Cancel", got)
	}
	wantScreen(t, drv, "[Cancel]")
	drv.Key("enter")
	if !closed(drv) {
		t.Fatal("enter on Cancel did not close the dialog")
	}
	wantWrites(t, api)
}

func TestConfirmNAndEscCancel(t *testing.T) {
	for _, k := range []string{"n", "esc"} {
		t.Run(k, func(t *testing.T) {
			api, drv := subscribeDialog(t)
			drv.Key(k)
			if !closed(drv) {
				t.Fatalf("%s did not close the dialog", k)
			}
			wantWrites(t, api)
		})
	}
}

func TestConfirmYAndTabEnterRun(t *testing.T) {
	for name, keys := range map[string][]string{"y": {"y"}, "tab enter": {"tab", "enter"}} {
		t.Run(name, func(t *testing.T) {
			api, drv := subscribeDialog(t)
			drv.Key(keys...)
			wantWrites(t, api, "subscribe [1]")
			if closed(drv) {
				t.Fatal("the dialog closed instead of showing the result")
			}
			wantScreen(t, drv, "Orders: subscribed", "enter closes")
			drv.Key("enter")
			if !closed(drv) {
				t.Fatal("enter did not close the result")
			}
			wantWrites(t, api, "subscribe [1]")
		})
	}
}

// The button drawn highlighted is the one enter presses, whatever keys
// moved the focus.
func TestConfirmHighlightedButtonIsWhatEnterPresses(t *testing.T) {
	moves := []string{"tab", "shift+tab", "left", "right", "up", "down", "h", "l"}
	seqs := [][]string{{}}
	for _, a := range moves {
		seqs = append(seqs, []string{a})
		for _, b := range moves {
			seqs = append(seqs, []string{a, b})
		}
	}
	seqs = append(seqs, []string{"tab", "tab", "tab"}, []string{"l", "l", "h", "right", "left", "tab"})
	for _, seq := range seqs {
		api, drv := subscribeDialog(t)
		drv.Key(seq...)
		if closed(drv) || len(writes(api)) > 0 {
			t.Fatalf("moving the focus with %q closed the dialog or wrote", seq)
		}
		hl := highlighted(t, drv)
		drv.Key("enter")
		switch hl {
		case "Cancel":
			if !closed(drv) || len(writes(api)) != 0 {
				t.Errorf("%q: Cancel highlighted but enter did not just close (writes %q)", seq, writes(api))
			}
		case "Subscribe":
			if closed(drv) || len(writes(api)) != 1 {
				t.Errorf("%q: Subscribe highlighted but enter did not subscribe once (writes %q)", seq, writes(api))
			}
		default:
			t.Errorf("%q: highlighted %q", seq, hl)
		}
	}
	// Each of these keys moves the focus off Cancel.
	for _, k := range moves {
		_, drv := subscribeDialog(t)
		drv.Key(k)
		if got := highlighted(t, drv); got != "Subscribe" {
			t.Errorf("%s from Cancel: highlighted %q, want Subscribe", k, got)
		}
	}
}

// Without colours (NO_COLOR) the focus must still show.
func TestConfirmFocusVisibleWithoutColour(t *testing.T) {
	api, sess := fixture()
	drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1)), 100, 30)
	wantScreen(t, drv, "[Cancel]", "Subscribe")
	noScreen(t, drv, "[Subscribe]")
	drv.Key("tab")
	wantScreen(t, drv, "[Subscribe]", "Cancel")
	noScreen(t, drv, "[Cancel]")
}

func TestConfirmRunsOnceWhileRunning(t *testing.T) {
	api, sess := fixture()
	serverDelete(api)
	_, d := openDialog(t, actions.Delete(sess, targets(api, 1)), 100, 30)

	// y starts the request; its command is held back, so the request is
	// still under way while more keys arrive.
	_, run := d.Update(viewtest.KeyMsg("y"))
	if run == nil {
		t.Fatal("y returned no command")
	}
	for _, k := range []string{"y", "enter", "tab", "enter", "l", "enter", "esc", "n", "u"} {
		if _, cmd := d.Update(viewtest.KeyMsg(k)); cmd != nil {
			t.Fatalf("%s while running returned a command", k)
		}
	}
	if s := d.View(); !strings.Contains(s, "working") {
		t.Errorf("no progress shown while running:\n%s", s)
	}
	drv := &viewtest.Driver{T: t, V: d}
	drv.Run(run)
	wantWrites(t, api, "delete 1")
	if !d.Done() {
		t.Fatal("the dialog did not get its result")
	}
	wantScreen(t, drv, "Orders: disabled (soft delete)")
}

func TestConfirmStatusAfterRun(t *testing.T) {
	_, drv := subscribeDialog(t)
	drv.Key("y")
	st, ok := viewtest.Last[views.StatusMsg](drv)
	if !ok || st.Level != views.Success || !strings.Contains(st.Text, "subscribed 1") {
		t.Fatalf("status = %+v, %v", st, ok)
	}
}

func TestConfirmDoneKeys(t *testing.T) {
	for _, k := range []string{"enter", "esc", "q"} {
		_, drv := subscribeDialog(t)
		drv.Key("y", k)
		if !closed(drv) {
			t.Errorf("%s did not close the result", k)
		}
	}
	// Other keys do nothing, and nothing runs again.
	api, drv := subscribeDialog(t)
	drv.Key("y", "y", "tab", "u")
	if closed(drv) {
		t.Fatal("the result closed on a stray key")
	}
	wantWrites(t, api, "subscribe [1]")
	if _, ok := viewtest.Last[views.OpenModalMsg](drv); ok {
		t.Fatal("u opened a modal without an undo to offer")
	}
}

// A spec run by hand: default label, outcomes, follow-ups and the level
// of the status line.
func TestDialogGenericSpec(t *testing.T) {
	_, sess := fixture()
	marked(sess)
	ran, followed := 0, 0
	d := actions.NewDialog(sess, actions.Spec{
		Title: "Do the thing", Body: []string{"line one", "line two"}, Call: "POST /thing",
		Run: func(context.Context) actions.Result {
			ran++
			return actions.Result{
				Summary: "1 done, 1 failed", Failed: true,
				Outcomes: []actions.Outcome{{Text: "first: done", OK: true}, {Text: "second: refused"}},
				Follow:   []tea.Cmd{func() tea.Msg { followed++; return nil }},
			}
		},
	})
	drv := viewtest.New(t, d, 80, 24)
	wantScreen(t, drv, "Do the thing", "line one", "line two", "→ POST /thing", "Confirm")
	if d.Title() != "Do the thing" || !d.CapturesInput() {
		t.Errorf("Title %q, CapturesInput %v", d.Title(), d.CapturesInput())
	}
	if got := highlighted(t, drv); got != "Cancel" {
		t.Fatalf("highlighted %q", got)
	}
	drv.Key("l", "enter")
	if ran != 1 || followed != 1 {
		t.Fatalf("ran %d times, follow-ups %d", ran, followed)
	}
	wantScreen(t, drv, "✓ first: done", "✗ second: refused")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Level != views.Warn || st.Text != "1 done, 1 failed" {
		t.Errorf("status %+v", st)
	}
	if len(d.ShortHelp()) == 0 || len(d.FullHelp()) != 1 {
		t.Error("no help")
	}
}
