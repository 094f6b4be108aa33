package detail

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// S in the detail unsubscribes from the source shown; its help offers
// unsubscribe only while the caller is subscribed, and the page shows the
// state the server reports afterwards.
func TestUnsubscribeFromTheDetail(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(3)} // 2 is subscribed
	api.Sources[1].Raw = json.RawMessage(`{"id":2,"name":"Orders 00002","subscriptionStatus":"subscribed"}`)
	api.UnsubscribeFn = func(id int64) (*apiclient.WriteAnswer, error) {
		api.Sources[id-1].SubscriptionStatus = "not_subscribed"
		api.Sources[id-1].Raw = json.RawMessage(`{"id":2,"name":"Orders 00002","subscriptionStatus":"not_subscribed"}`)
		return &apiclient.WriteAnswer{}, nil
	}
	sess := viewtest.Context(api)
	d := viewtest.New(t, New(sess, 2, "Orders 00002"), 100, 40)
	help := func() string {
		var b strings.Builder
		for _, k := range d.V.ShortHelp() {
			if k.Enabled() {
				b.WriteString(k.Help().Key + " " + k.Help().Desc + ",")
			}
		}
		return b.String()
	}
	if !strings.Contains(d.Screen(), "subscribed") {
		t.Fatalf("no subscription shown:\n%s", d.Screen())
	}
	if h := help(); !strings.Contains(h, "S unsubscribe") || strings.Contains(h, "s subscribe") {
		t.Errorf("subscribed source help: %s", h)
	}
	d.Key("S")
	m, ok := viewtest.Last[views.OpenModalMsg](d)
	if !ok || m.M.Title() != "Unsubscribe from Orders 00002" {
		t.Fatalf("S should open the unsubscribe dialog for this source: %+v", d.Emitted)
	}
	dlg := viewtest.New(t, m.M.(*actions.Dialog), 100, 30)
	dlg.Key("y")
	var changed []views.SourceChangedMsg
	for _, e := range dlg.Emitted {
		if c, ok := e.(views.SourceChangedMsg); ok {
			changed = append(changed, c)
		}
	}
	if len(changed) == 0 {
		t.Fatalf("no re-read after the unsubscribe: %+v", dlg.Emitted)
	}
	d.Send(changed[len(changed)-1]) // the root broadcasts it to every view
	if !strings.Contains(d.Screen(), "not_subscribed") {
		t.Errorf("the detail still shows the old state:\n%s", d.Screen())
	}
	if h := help(); strings.Contains(h, "unsubscribe") || !strings.Contains(h, "s subscribe") {
		t.Errorf("unsubscribed source help: %s", h)
	}
}
