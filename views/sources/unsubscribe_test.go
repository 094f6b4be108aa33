package sources

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// S on marked rows unsubscribes from those the caller is subscribed to,
// counts the others, and the rows show the state read back afterwards.
func TestUnsubscribeMarkedRows(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(6)} // 2 and 5 subscribed, 1 and 4 owned, 3 and 6 not
	api.UnsubscribeFn = func(id int64) (*apiclient.WriteAnswer, error) {
		api.Sources[id-1].SubscriptionStatus = "not_subscribed"
		return &apiclient.WriteAnswer{}, nil
	}
	d, _ := newList(t, api, 120, 20)
	for range 6 {
		d.Key(" ")
	}
	d.Key("S")
	m, ok := viewtest.Last[views.OpenModalMsg](d)
	if !ok || m.M.Title() != "Unsubscribe from 2 data sources" {
		t.Fatalf("S on marked rows: %+v", d.Emitted)
	}
	dlg := viewtest.New(t, m.M.(*actions.Dialog), 100, 30)
	if scr := dlg.Screen(); !strings.Contains(scr, "Orders 00002 (2)") || !strings.Contains(scr, "Ledger 00005 (5)") ||
		!strings.Contains(scr, "Skipped 4 you are not subscribed to (2 not subscribed, 2 owner).") {
		t.Fatalf("dialog:\n%s", scr)
	}
	dlg.Key("y")
	for _, e := range append(d.Emitted, dlg.Emitted...) {
		if c, ok := e.(views.SourceChangedMsg); ok {
			d.Send(c) // the root broadcasts every change to the list
		}
	}
	for _, name := range []string{"Orders 00002", "Ledger 00005"} {
		for _, l := range strings.Split(d.Screen(), "\n") {
			if strings.Contains(l, name) && !strings.Contains(l, "not_subscribed") {
				t.Errorf("row not updated: %q", l)
			}
		}
	}
	var calls []string
	for _, c := range api.Calls {
		if strings.HasPrefix(c, "unsubscribe") {
			calls = append(calls, c)
		}
	}
	if strings.Join(calls, ",") != "unsubscribe 5,unsubscribe 2" && strings.Join(calls, ",") != "unsubscribe 2,unsubscribe 5" {
		t.Errorf("calls %q", calls)
	}
}

// The key is in the list's ? help.
func TestUnsubscribeInHelp(t *testing.T) {
	_, m := newList(t, &viewtest.FakeAPI{Sources: viewtest.GenSources(2)}, 100, 20)
	for _, g := range m.FullHelp() {
		for _, b := range g {
			if b.Help().Key == "S" && b.Help().Desc == "unsubscribe" {
				return
			}
		}
	}
	t.Error("S unsubscribe is not in the full help")
}
