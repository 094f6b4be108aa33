package immutatest

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// The issue 9 workflows through the real client: what the TUI and CLI see.
func TestGovernanceThroughClient(t *testing.T) {
	s, c := start(t, Options{Sources: 300})
	s.Handler.ResetLog()

	// Two approvals: the first leaves one waiting, the second subscribes.
	p := must[*apiclient.PendingPage](t)(c.ListPendingRequests(ctx, apiclient.PendingOptions{ModelName: "customer assets curated"}))
	if p.Count != 5 || len(p.Hits[0].Waiting()) != 2 || p.Hits[0].Model.ID != DemoTwoApprovals {
		t.Fatalf("pending on %d: %+v", DemoTwoApprovals, p)
	}
	r := p.Hits[0]
	res := must[*apiclient.DecisionResult](t)(c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: r.ID}}))
	if len(res.Failures) != 0 {
		t.Fatalf("first approval: %+v", res.Failures)
	}
	p = must[*apiclient.PendingPage](t)(c.ListPendingRequests(ctx, apiclient.PendingOptions{ProfileID: r.Entity.ID, ModelName: "customer assets"}))
	if p.Count != 1 || p.Hits[0].ID != r.ID || len(p.Hits[0].Waiting()) != 1 || p.Hits[0].Waiting()[0].RequiredPermission != "GOVERNANCE" {
		t.Fatalf("after one approval: %+v", p)
	}
	exp := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC)
	res = must[*apiclient.DecisionResult](t)(c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: r.ID, Expiration: &exp}}))
	if len(res.Failures) != 0 {
		t.Fatalf("second approval: %+v", res.Failures)
	}
	a := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, DemoTwoApprovals, apiclient.AccessOptions{SearchText: r.Entity.Email, States: []string{"subscribed"}}))
	if a.Count != 1 || a.Users[0].State != "subscribed" || !strings.Contains(string(a.Users[0].Raw), `"expiration":"2031-03-01T00:00:00.000Z"`) {
		t.Fatalf("approved member: %+v", a.Users)
	}

	// Deny with a reason; a failure comes back as data, not an error.
	d := must[*apiclient.PendingPage](t)(c.ListPendingRequests(ctx, apiclient.PendingOptions{ModelName: "Dbo Customer Data", Size: 1}))
	res = must[*apiclient.DecisionResult](t)(c.DenyRequests(ctx, []apiclient.DenyRequest{{ID: d.Hits[0].ID, Reason: "Not needed"}, {ID: DemoNotApprovable, Reason: "no"}}))
	if len(res.Failures) != 1 || res.Failures[0].ID != DemoNotApprovable || res.Failures[0].Model.ID != IDNeedsApproval || res.Failures[0].Entity.Name == "" {
		t.Fatalf("deny: %+v", res.Failures)
	}
	if a := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, IDCustomerData, apiclient.AccessOptions{SearchText: d.Hits[0].Entity.Email})); a.Count != 0 {
		t.Fatalf("denied requester still listed: %+v", a.Users)
	}

	// Members: change, revoke, add; errors keep their kind.
	m := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, IDCustomerData, apiclient.AccessOptions{States: []string{"subscribed"}, SortField: "name", SortOrder: "asc", Size: 2}))
	first, second := m.Users[0], m.Users[1]
	if first.Name > second.Name {
		t.Fatalf("sortOrder=asc: %s before %s", first.Name, second.Name)
	}
	must[*apiclient.WriteAnswer](t)(c.SetAccess(ctx, IDCustomerData, first.SubscriptionID, apiclient.AccessChange{State: "expert", Expiration: &exp}))
	must[*apiclient.WriteAnswer](t)(c.SetAccess(ctx, IDCustomerData, second.SubscriptionID, apiclient.AccessChange{State: "denied"}))
	after := map[int64]string{}
	for u, err := range c.AllAccess(ctx, IDCustomerData, apiclient.AccessOptions{Size: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		after[u.SubscriptionID] = u.State
	}
	if after[first.SubscriptionID] != "expert" || after[second.SubscriptionID] != "" {
		t.Fatalf("after set and revoke: %v", after)
	}
	if _, err := c.SetAccess(ctx, IDCustomerData, second.SubscriptionID, apiclient.AccessChange{State: "expert"}); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("revoked id: %v", err)
	}
	must[*apiclient.WriteAnswer](t)(c.AddAccess(ctx, IDCustomerData, apiclient.AddAccessRequest{State: "subscribed", GroupID: 34}))
	if _, err := c.AddAccess(ctx, IDCustomerData, apiclient.AddAccessRequest{State: "subscribed", GroupID: 34}); !errors.Is(err, apiclient.ErrConflict) {
		t.Fatalf("adding again: %v", err)
	}
	if _, err := c.AddAccess(ctx, IDNeedsApproval, apiclient.AddAccessRequest{State: "subscribed", ProfileID: 40}); !errors.Is(err, apiclient.ErrForbidden) {
		t.Fatalf("not an owner: %v", err)
	}
	yes := true
	g := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, IDCustomerData, apiclient.AccessOptions{MemberTypes: []string{"group"}, Approved: &yes}))
	if g.Count != 1 || g.Users[0].Type != "group" || g.Users[0].Name != "auditors" {
		t.Fatalf("added group: %+v", g.Users)
	}
	x := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, IDCustomerData, apiclient.AccessOptions{ExpandGroups: true, SearchText: "", Size: 1000}))
	via := 0
	for _, u := range x.Users {
		if strings.Contains(string(u.Raw), `"viaGroup":{"id":34,"name":"auditors"}`) {
			via++
		}
	}
	if via == 0 {
		t.Fatal("expandGroups listed no member of auditors")
	}

	// Unsubscribe: the source shows it.
	must[*apiclient.WriteAnswer](t)(c.Unsubscribe(ctx, IDFailed))
	if ds := must[*apiclient.DataSource](t)(c.GetDataSource(ctx, IDFailed)); ds.SubscriptionStatus != "not_subscribed" {
		t.Fatalf("after unsubscribe: %q", ds.SubscriptionStatus)
	}
	if _, err := c.Unsubscribe(ctx, IDWebSales); !errors.Is(err, apiclient.ErrBadRequest) {
		t.Fatalf("owner unsubscribing: %v", err)
	}

	// Every write was sent exactly once.
	for _, w := range []struct {
		method, path string
		n            int
	}{
		{http.MethodPost, "/subscription/approve", 2},
		{http.MethodPost, "/subscription/deny", 1},
		{http.MethodPost, "/dataSource/26/access", 2},
		{http.MethodPost, "/dataSource/27/access", 1},
		{http.MethodDelete, "/dataSource/35/unsubscribe", 1},
		{http.MethodDelete, "/dataSource/16/unsubscribe", 1},
	} {
		if n, _ := countWrites(s, w.method, w.path); n != w.n {
			t.Errorf("%s %s sent %d times, want %d", w.method, w.path, n, w.n)
		}
	}
}
