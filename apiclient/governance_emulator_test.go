package apiclient_test

// The governance workflow against the emulator (apiclient/immutatest): the
// same calls a reviewer makes, and what the next read shows after each.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// emulated is an emulator with generated sources and a client for it that
// never retries (a retried read would hide a fault).
func emulated(t *testing.T, sources int) (*immutatest.Server, *apiclient.Client) {
	t.Helper()
	s := immutatest.NewServer(immutatest.Options{Sources: sources})
	t.Cleanup(s.Close)
	c, err := apiclient.New(s.URL, immutatest.DefaultKey, apiclient.WithRetries(0, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// pendingByID is every pending request on a data source, by request id.
func pendingByID(t *testing.T, c *apiclient.Client) map[int64]apiclient.PendingRequest {
	t.Helper()
	out := map[int64]apiclient.PendingRequest{}
	for r, err := range c.AllPendingRequests(context.Background(), apiclient.PendingOptions{Size: 50}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Model.Type == "datasource" {
			out[r.ID] = r
		}
	}
	return out
}

// writesSent counts the emulator's log entries for method and path.
func writesSent(s *immutatest.Server, method, path string) int {
	n := 0
	for _, r := range s.Handler.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestGovernanceWorkflowOnEmulator(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, c := emulated(t, 500)

	// List pending: approve one that needs one more approval, deny another.
	before := pendingByID(t, c)
	var approve, deny *apiclient.PendingRequest
	ids := make([]int64, 0, len(before))
	for id := range before {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		r := before[id]
		if id <= 0 || (r.Entity.Type == "profile" && r.Entity.ID == immutatest.CallerProfile) {
			t.Errorf("request %+v: no id, or the caller's own", r)
		}
		switch {
		case approve == nil && len(r.Waiting()) == 1:
			approve = &r
		case deny == nil:
			deny = &r
		}
	}
	if approve == nil || deny == nil {
		t.Fatalf("the emulator has %d pending requests on sources; want two to decide on", len(before))
	}
	exp := time.Now().AddDate(0, 3, 0).UTC().Truncate(24 * time.Hour)
	res, err := c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: approve.ID, Expiration: &exp}})
	if err != nil || len(res.Failures) != 0 {
		t.Fatalf("approve %d: %+v, %v", approve.ID, res, err)
	}
	res, err = c.DenyRequests(ctx, []apiclient.DenyRequest{{ID: deny.ID, Reason: "Not needed for this role"}})
	if err != nil || len(res.Failures) != 0 {
		t.Fatalf("deny %d: %+v, %v", deny.ID, res, err)
	}
	after := pendingByID(t, c)
	for _, id := range []int64{approve.ID, deny.ID} {
		if _, ok := after[id]; ok {
			t.Errorf("request %d still pending after its decision", id)
		}
	}
	if len(after) != len(before)-2 {
		t.Errorf("%d pending after two decisions, %d before", len(after), len(before))
	}
	// The approved requester is now a member; the denied one is not.
	members := accessByID(t, c, approve.Model.ID)
	if u, ok := members[approve.ID]; !ok || u.State != "subscribed" || !u.Approved {
		t.Errorf("approved request %d reads as %+v in the access list", approve.ID, u)
	}
	if u, ok := accessByID(t, c, deny.Model.ID)[deny.ID]; ok && (u.State == "subscribed" || u.State == "pending") {
		t.Errorf("denied request %d reads as %+v in the access list", deny.ID, u)
	}

	// A decision the server refuses comes back as a failure, not an error.
	res, err = c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: deny.ID}})
	if err != nil || len(res.Failures) != 1 || res.Failures[0].ID != deny.ID || res.Failures[0].ErrorMessage == "" {
		t.Errorf("approving a denied request: %+v, %v", res, err)
	}

	// SetAccess to denied removes the member from the list.
	var member apiclient.AccessUser
	for _, u := range members {
		if u.State == "subscribed" && u.Type == "user" && u.Profile != immutatest.CallerProfile && u.SubscriptionID != approve.ID {
			member = u
			break
		}
	}
	if member.SubscriptionID == 0 {
		t.Fatalf("source %d has no other subscribed member", approve.Model.ID)
	}
	if _, err := c.SetAccess(ctx, approve.Model.ID, member.SubscriptionID, apiclient.AccessChange{State: "denied"}); err != nil {
		t.Fatal(err)
	}
	if u, ok := accessByID(t, c, approve.Model.ID)[member.SubscriptionID]; ok {
		t.Errorf("revoked member still listed: %+v", u)
	}
	// AddAccess brings the user back, as an expert; the server's filters
	// (repeated states, member types) find them.
	if _, err := c.AddAccess(ctx, approve.Model.ID, apiclient.AddAccessRequest{State: "expert", ProfileID: member.Profile}); err != nil {
		t.Fatal(err)
	}
	p, err := c.ListAccess(ctx, approve.Model.ID, apiclient.AccessOptions{Size: 500, States: []string{"expert", "ingest"},
		MemberTypes: []string{"user"}, SearchText: member.Email})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.Users, func(u apiclient.AccessUser) bool { return u.Profile == member.Profile && u.State == "expert" }) {
		t.Errorf("user %d not listed as an expert after AddAccess: %+v", member.Profile, p.Users)
	}
	for _, u := range p.Users {
		if u.Type != "user" || (u.State != "expert" && u.State != "ingest") {
			t.Errorf("filtered list holds %+v", u)
		}
	}

	// Unsubscribe: the source's subscriptionStatus changes (the seed's
	// detail of 22 has none, so "before" is read from the list's filter).
	if !listed(t, c, immutatest.IDPublicBarfoo, "subscribed") {
		t.Fatal("source 22 is not listed as subscribed before unsubscribing")
	}
	if _, err := c.Unsubscribe(ctx, immutatest.IDPublicBarfoo); err != nil {
		t.Fatal(err)
	}
	if d, err := c.GetDataSource(ctx, immutatest.IDPublicBarfoo); err != nil || d.SubscriptionStatus != "not_subscribed" {
		t.Errorf("source 22 after unsubscribing: %v", err)
	} else if listed(t, c, immutatest.IDPublicBarfoo, "subscribed") || !listed(t, c, immutatest.IDPublicBarfoo, "not_subscribed") {
		t.Error("source 22 is listed as subscribed after unsubscribing")
	}
	// Unsubscribing again is refused by the server: an error, sent once.
	if _, err := c.Unsubscribe(ctx, immutatest.IDPublicBarfoo); !errors.Is(err, apiclient.ErrBadRequest) {
		t.Errorf("second unsubscribe: %v", err)
	}
	if n := writesSent(s, "DELETE", "/dataSource/22/unsubscribe"); n != 2 {
		t.Errorf("unsubscribe sent %d times for two calls", n)
	}

	// Each write reached the server once.
	for _, w := range [][2]string{{"POST", "/subscription/approve"}, {"POST", "/subscription/deny"}} {
		if n := writesSent(s, w[0], w[1]); n != map[string]int{"/subscription/approve": 2, "/subscription/deny": 1}[w[1]] {
			t.Errorf("%s %s sent %d times", w[0], w[1], n)
		}
	}
}

// listed reports whether source id is among the sources listed with the
// caller's subscription state sub.
func listed(t *testing.T, c *apiclient.Client, id int64, sub string) bool {
	t.Helper()
	for d, err := range c.AllDataSources(context.Background(), apiclient.ListOptions{Size: 500, Subscription: []string{sub}}) {
		if err != nil {
			t.Fatal(err)
		}
		if d.ID == id {
			return true
		}
	}
	return false
}

// accessByID is the access list of a source, by subscription id.
func accessByID(t *testing.T, c *apiclient.Client, id int64) map[int64]apiclient.AccessUser {
	t.Helper()
	out := map[int64]apiclient.AccessUser{}
	for u, err := range c.AllAccess(context.Background(), id, apiclient.AccessOptions{Size: 500}) {
		if err != nil {
			t.Fatal(err)
		}
		out[u.SubscriptionID] = u
	}
	return out
}
