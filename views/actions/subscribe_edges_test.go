package actions_test

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// Bulk subscribe offers only the sources that are not yours yet: the
// others are left out of the request and counted by state.
func TestSubscribeOffersOnlySourcesNotYours(t *testing.T) {
	api, sess := fixture()
	ts := targets(api, 1, 2, 3)
	ts[0].Subscription = "owner"
	ts[2].Subscription = "subscribed"
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) { return subscribed(2), nil }
	drv, d := openDialog(t, actions.Subscribe(sess, ts), 100, 30)
	if d.Title() != "Subscribe to Customers" {
		t.Fatalf("title %q: only Customers is not yours", d.Title())
	}
	wantScreen(t, drv, "• Customers (2)", "Left out, yours already: 1 owner, 1 subscribed.", `{"dataSourceIds":[2]}`)
	if strings.Contains(drv.Screen(), "Orders (1)") {
		t.Errorf("an owned source is offered:\n%s", drv.Screen())
	}
	drv.Key("y")
	wantWrites(t, api, "subscribe [2]")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "subscribed 1, pending approval 0, failed 0; left out, yours already: 1 owner, 1 subscribed" {
		t.Errorf("status %q", st.Text)
	}
}

// When every source is yours, no dialog opens and nothing is sent.
func TestSubscribeNothingToDo(t *testing.T) {
	api, sess := fixture()
	ts := targets(api, 1, 2)
	ts[0].Subscription, ts[1].Subscription = "owner", "pending"
	msgs := viewtest.Collect(actions.Subscribe(sess, ts))
	if len(msgs) != 1 {
		t.Fatalf("messages %v", msgs)
	}
	st, ok := msgs[0].(views.StatusMsg)
	if !ok || st.Text != "all 2 data sources are yours already (1 owner, 1 request pending); nothing to subscribe to" {
		t.Fatalf("got %+v", msgs[0])
	}
	wantWrites(t, api)
}

// A source the server answers as owned is not counted as subscribed.
func TestSubscribeCountsOwnedAsOwned(t *testing.T) {
	api, sess := fixture()
	api.SubscribeFn = func(r apiclient.SubscribeRequest) (*apiclient.SubscribeResult, error) {
		var raw apiclient.SubscribeResult
		if err := raw.UnmarshalJSON([]byte(`{"success": [{"modelId": 1, "state": "owner"}, {"modelId": 2, "state": "subscribed"}]}`)); err != nil {
			t.Fatal(err)
		}
		return &raw, nil
	}
	drv, _ := openDialog(t, actions.Subscribe(sess, targets(api, 1, 2)), 100, 30)
	drv.Key("y")
	wantScreen(t, drv, "Orders: you own it already (not subscribed)", "✓ Customers: subscribed")
	st, _ := viewtest.Last[views.StatusMsg](drv)
	if st.Text != "subscribed 1, pending approval 0, failed 0, owned already 1" {
		t.Errorf("status %q", st.Text)
	}
}
