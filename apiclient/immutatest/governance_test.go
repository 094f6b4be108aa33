package immutatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Issue 9 endpoints, spoken to with raw HTTP: pending requests, decisions,
// members, unsubscribe and the denial reasons of visibility reports.

type pendHit struct {
	ID     *int64
	Entity struct {
		Type        string
		ID          int64
		Name, Email string
	}
	Model *struct {
		Type string
		ID   int64
		Name string
	}
	CreatedAt string
	Count     *int
	Metadata  *struct {
		FromProject *struct {
			ID   int64
			Name string
		}
	}
	Approvals []struct {
		SubscriptionID     int64
		Approver           string
		ApproverID         int64
		State              string
		RequiredPermission string
	}
}

type pendPage struct {
	Count int
	Hits  []pendHit
}

type failure struct {
	ID           int64
	ErrorMessage string
	Model        *struct{ ID int64 }
	Entity       *struct{ ID int64 }
}

type entry struct {
	Profile        *int64
	Group          *int64
	Name, Email    string
	Type, State    string
	Approved       bool
	SubscriptionID *int64
	Expiration     *string
	ViaGroup       *struct {
		ID   int64
		Name string
	}
	Approvals []struct {
		RequiredPermission, State string
		Approver                  *string
	}
	CurrentUserCanApprove bool
}

type entries struct {
	Count int
	Users []entry
}

func decodeInto[T any](t testing.TB, what string, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, b)
	}
	return v
}

func getAs[T any](t testing.TB, s *Server, path string) T {
	t.Helper()
	return decodeInto[T](t, path, get(t, s, path))
}

// send is an authorised write; it returns the status and body.
func send(t testing.TB, s *Server, method, path, body string) (int, []byte) {
	t.Helper()
	code, _, b := do(t, s, method, path, body, "Bearer "+s.Handler.Key())
	return code, b
}

func decideOK(t testing.TB, s *Server, verb, body string) []failure {
	t.Helper()
	code, b := send(t, s, http.MethodPost, "/subscription/"+verb, body)
	if code != 200 {
		t.Fatalf("%s %s: %d %s", verb, body, code, b)
	}
	out := decodeInto[struct{ Failures []failure }](t, verb, b)
	if out.Failures == nil {
		t.Fatalf("%s: no failures array: %s", verb, b)
	}
	return out.Failures
}

func pending(t testing.TB, s *Server, query string) pendPage {
	t.Helper()
	return getAs[pendPage](t, s, "/subscription/getPendingRequestsForUser?"+query)
}

// entryOf finds profile p's own entry (not through a group) on source id.
func entryOf(t testing.TB, s *Server, id, p int64) (entry, bool) {
	t.Helper()
	l := getAs[entries](t, s, fmt.Sprintf("/dataSource/%d/access?size=10000", id))
	for _, e := range l.Users {
		if e.Profile != nil && *e.Profile == p && e.ViaGroup == nil {
			return e, true
		}
	}
	return entry{}, false
}

func countWrites(s *Server, method, path string) (n int, bodies []string) {
	for _, r := range s.Handler.Requests() {
		if r.Method == method && r.Path == path {
			n++
			bodies = append(bodies, r.Body)
		}
	}
	return n, bodies
}

func TestPendingRequestsList(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	p := pending(t, s, "")
	if p.Count != 413 || len(p.Hits) != 15 {
		t.Fatalf("count %d, %d hits (default size 15)", p.Count, len(p.Hits))
	}
	for _, h := range p.Hits {
		if h.ID == nil || *h.ID == 0 || h.Model == nil || h.Model.Type != "datasource" || h.Model.Name == "" ||
			h.Entity.Type != "profile" || h.Entity.Name == "" || h.Entity.Email == "" || h.CreatedAt == "" ||
			h.Metadata == nil || len(h.Approvals) == 0 || h.Count != nil {
			t.Fatalf("hit incomplete: %+v", h)
		}
		for _, a := range h.Approvals {
			if a.SubscriptionID != *h.ID || a.State != "pending" || a.RequiredPermission == "" || a.Approver != CallerName || a.ApproverID != CallerProfile {
				t.Fatalf("approval: %+v", a)
			}
		}
	}
	// Every request is on a live source the caller owns, never the caller's own.
	all := pending(t, s, "size=1000")
	if len(all.Hits) != 413 {
		t.Fatalf("size=1000: %d hits", len(all.Hits))
	}
	owned := map[int64]bool{}
	twoStep, groups, projects := 0, 0, 0
	for _, h := range all.Hits {
		if h.Entity.Type == "profile" && h.Entity.ID == CallerProfile {
			t.Fatalf("the caller's own request listed: %+v", h)
		}
		if _, seen := owned[h.Model.ID]; !seen {
			d := getAs[struct{ SubscriptionStatus string }](t, s, fmt.Sprintf("/dataSource/%d", h.Model.ID))
			owned[h.Model.ID] = d.SubscriptionStatus == "owner"
		}
		if !owned[h.Model.ID] {
			t.Fatalf("request on source %d, which the caller does not own", h.Model.ID)
		}
		if len(h.Approvals) == 2 {
			twoStep++
		}
		if h.Entity.Type == "group" {
			groups++
			if h.Entity.Email != "" {
				t.Fatalf("group with an email: %+v", h.Entity)
			}
		}
		if h.Metadata.FromProject != nil {
			projects++
		}
	}
	if twoStep == 0 || groups == 0 || projects == 0 {
		t.Fatalf("no variety: two-step %d, groups %d, from projects %d", twoStep, groups, projects)
	}
	// Sorted by requester name, ascending by default; desc reverses; paging is consistent.
	names := func(p pendPage) []string {
		var out []string
		for _, h := range p.Hits {
			out = append(out, strings.ToLower(h.Entity.Name))
		}
		return out
	}
	if n := names(all); !slices.IsSorted(n) {
		t.Fatal("not sorted by name")
	}
	desc := names(pending(t, s, "size=1000&sortOrder=desc"))
	if !slices.IsSortedFunc(desc, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Fatal("sortOrder=desc not descending")
	}
	byEmail := pending(t, s, "size=1000&sortField=email")
	if !slices.IsSortedFunc(byEmail.Hits, func(a, b pendHit) int { return strings.Compare(a.Entity.Email, b.Entity.Email) }) {
		t.Fatal("sortField=email not sorted by email")
	}
	page2 := pending(t, s, "size=15&offset=15")
	if *page2.Hits[0].ID != *all.Hits[15].ID {
		t.Fatal("offset=15 does not continue the first page")
	}
	// Filters.
	for q, want := range map[string]func(pendHit) bool{
		"modelName=CUSTOMER%20assets": func(h pendHit) bool { return h.Model.ID == DemoTwoApprovals },
		"name=mia":                    func(h pendHit) bool { return strings.Contains(strings.ToLower(h.Entity.Name), "mia") },
		"email=young@":                func(h pendHit) bool { return strings.Contains(h.Entity.Email, "young@") },
		"profileId=3882":              func(h pendHit) bool { return h.Entity.Type == "profile" && h.Entity.ID == 3882 },
		"groupId=27":                  func(h pendHit) bool { return h.Entity.Type == "group" && h.Entity.ID == 27 },
	} {
		got := pending(t, s, q+"&size=1000")
		if got.Count == 0 || got.Count != len(got.Hits) {
			t.Fatalf("%s: count %d, %d hits", q, got.Count, len(got.Hits))
		}
		for _, h := range got.Hits {
			if !want(h) {
				t.Fatalf("%s let through %+v", q, h)
			}
		}
	}
	// Grouped by entity: counts add up; id and model only for single requests.
	g := pending(t, s, "groupByEntity=true&size=1000")
	sum := 0
	for _, h := range g.Hits {
		if h.Count == nil || *h.Count < 1 {
			t.Fatalf("grouped hit without count: %+v", h)
		}
		sum += *h.Count
		if (*h.Count > 1) != (h.ID == nil) || (*h.Count > 1) != (h.Model == nil) {
			t.Fatalf("grouped hit with count %d: id %v model %v", *h.Count, h.ID, h.Model)
		}
	}
	if sum != 413 || g.Count != len(g.Hits) || g.Count >= 413 {
		t.Fatalf("grouped: %d hits summing to %d", g.Count, sum)
	}
	// Bad parameters.
	for _, q := range []string{"size=0", "size=x", "offset=-1", "sortField=createdAt", "sortOrder=up", "profileId=x", "groupByEntity=maybe", "modelTypes=table"} {
		code, b := send(t, s, http.MethodGet, "/subscription/getPendingRequestsForUser?"+q, "")
		if code != 400 {
			t.Fatalf("%s: %d", q, code)
		}
		hapi(t, 400, b)
	}
	if p := pending(t, s, "modelTypes=project"); p.Count != 0 {
		t.Fatalf("modelTypes=project: %d", p.Count)
	}
	// MaxPageSize caps the page.
	c := NewServer(Options{Sources: 300, MaxPageSize: 7})
	defer c.Close()
	if p := pending(t, c, "size=50"); len(p.Hits) != 7 || p.Count != 413 {
		t.Fatalf("capped: %d hits of %d", len(p.Hits), p.Count)
	}
}

func TestApproveTwoSteps(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	p := pending(t, s, "modelName=Customer%20Assets%20Curated")
	if p.Count != 5 {
		t.Fatalf("%d requests on %d", p.Count, DemoTwoApprovals)
	}
	h := p.Hits[0]
	id, who := *h.ID, h.Entity.ID
	if len(h.Approvals) != 2 || h.Approvals[0].RequiredPermission != "OWNER" || h.Approvals[1].RequiredPermission != "GOVERNANCE" {
		t.Fatalf("approvals: %+v", h.Approvals)
	}
	e, ok := entryOf(t, s, DemoTwoApprovals, who)
	if !ok || e.State != "pending" || !e.CurrentUserCanApprove || len(e.Approvals) != 2 {
		t.Fatalf("access entry before: %+v", e)
	}
	s.Handler.ResetLog()

	// First approval: recorded, still pending.
	if f := decideOK(t, s, "approve", fmt.Sprintf(`{"requests":[{"id":%d}]}`, id)); len(f) != 0 {
		t.Fatalf("failures: %+v", f)
	}
	p = pending(t, s, "modelName=Customer%20Assets%20Curated")
	if p.Count != 5 || *p.Hits[0].ID != id || p.Hits[0].Approvals[0].State != "approved" || p.Hits[0].Approvals[1].State != "pending" {
		t.Fatalf("after one approval: %+v", p.Hits[0])
	}
	e, _ = entryOf(t, s, DemoTwoApprovals, who)
	if e.State != "pending" || e.Approvals[0].State != "approved" || e.Approvals[0].Approver == nil || *e.Approvals[0].Approver != CallerName || e.Approvals[1].State != "pending" {
		t.Fatalf("access entry after one approval: %+v", e)
	}

	// Second approval, with an expiration: subscribed, gone from the list.
	if f := decideOK(t, s, "approve", fmt.Sprintf(`{"requests":[{"id":%d,"expiration":"2031-01-31T00:00:00Z"}]}`, id)); len(f) != 0 {
		t.Fatalf("failures: %+v", f)
	}
	p = pending(t, s, "modelName=Customer%20Assets%20Curated")
	if p.Count != 4 || slices.ContainsFunc(p.Hits, func(h pendHit) bool { return *h.ID == id }) {
		t.Fatalf("approved request still listed: %+v", p)
	}
	e, _ = entryOf(t, s, DemoTwoApprovals, who)
	if e.State != "subscribed" || !e.Approved || e.Expiration == nil || *e.Expiration != "2031-01-31T00:00:00.000Z" || e.CurrentUserCanApprove {
		t.Fatalf("access entry after approval: %+v", e)
	}
	if pending(t, s, "").Count != 412 {
		t.Fatal("total did not drop by one")
	}

	// A third approval fails and changes nothing.
	f := decideOK(t, s, "approve", fmt.Sprintf(`{"requests":[{"id":%d}]}`, id))
	if len(f) != 1 || f[0].ID != id || !strings.Contains(f[0].ErrorMessage, "not pending") || f[0].Model == nil || f[0].Model.ID != DemoTwoApprovals || f[0].Entity == nil || f[0].Entity.ID != who {
		t.Fatalf("third approval: %+v", f)
	}
	// Each write went out once, and the log holds what it carried.
	n, bodies := countWrites(s, http.MethodPost, "/subscription/approve")
	if n != 3 || !strings.Contains(bodies[1], "2031-01-31") {
		t.Fatalf("%d approve calls logged: %q", n, bodies)
	}
}

func TestApproveOneStepAndDeny(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	p := pending(t, s, "modelName=Dbo%20Customer%20Data")
	if p.Count != 7 {
		t.Fatalf("%d requests on 26", p.Count)
	}
	a, d := p.Hits[0], p.Hits[1]
	before := getAs[entries](t, s, "/dataSource/26/access")
	// Both decisions in one batch each; the answer lists no failures.
	if f := decideOK(t, s, "approve", fmt.Sprintf(`{"requests":[{"id":%d,"expiration":"2031-05-01"}]}`, *a.ID)); len(f) != 0 {
		t.Fatalf("approve: %+v", f)
	}
	if f := decideOK(t, s, "deny", fmt.Sprintf(`{"requests":[{"id":%d,"denialReasoning":"Not on the finance team"}]}`, *d.ID)); len(f) != 0 {
		t.Fatalf("deny: %+v", f)
	}
	if e, ok := entryOf(t, s, 26, a.Entity.ID); !ok || e.State != "subscribed" || e.Expiration == nil || *e.Expiration != "2031-05-01T00:00:00.000Z" {
		t.Fatalf("approved entry: %+v", e)
	}
	if _, ok := entryOf(t, s, 26, d.Entity.ID); ok {
		t.Fatal("denied request still in the access list")
	}
	after := getAs[entries](t, s, "/dataSource/26/access")
	if after.Count != before.Count-1 {
		t.Fatalf("access count %d -> %d", before.Count, after.Count)
	}
	if got := pending(t, s, "modelName=Dbo%20Customer%20Data"); got.Count != 5 {
		t.Fatalf("%d requests left", got.Count)
	}
	// Denying the approved one now fails.
	f := decideOK(t, s, "deny", fmt.Sprintf(`{"requests":[{"id":%d,"denialReasoning":"x"}]}`, *a.ID))
	if len(f) != 1 || !strings.Contains(f[0].ErrorMessage, "not pending") {
		t.Fatalf("deny after approve: %+v", f)
	}
}

func TestDecisionFailures(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	p := pending(t, s, "modelName=Public%20Aaa%20Tpc")
	good := *p.Hits[0].ID
	// One batch: a valid request is carried out, each bad one is a failure.
	body := fmt.Sprintf(`{"requests":[{"id":5},{"id":%d},{"id":901},{"id":%d},{"id":"%d"}]}`, DemoNotApprovable, good, good)
	f := decideOK(t, s, "approve", body)
	msgs := map[int64]string{}
	for _, x := range f {
		msgs[x.ID] = x.ErrorMessage
	}
	if len(f) != 4 || !strings.Contains(msgs[5], "not found") || !strings.Contains(msgs[DemoNotApprovable], "not an approver") ||
		!strings.Contains(msgs[901], "your own request") || !strings.Contains(msgs[good], "not pending") {
		t.Fatalf("failures: %+v", f)
	}
	if e, _ := entryOf(t, s, IDPublicAaaTpc, p.Hits[0].Entity.ID); e.State != "subscribed" {
		t.Fatalf("valid request not carried out: %+v", e)
	}
	// The request the caller may not decide stays pending in its list.
	l := getAs[entries](t, s, "/dataSource/27/access?size=1000")
	found := false
	for _, e := range l.Users {
		if e.SubscriptionID != nil && *e.SubscriptionID == DemoNotApprovable {
			found = e.State == "pending" && !e.CurrentUserCanApprove
		}
	}
	if !found {
		t.Fatal("the not-approvable request changed or is missing")
	}
	// Deny: a reason is needed per request; an expiration in the past fails an approval.
	p = pending(t, s, "modelName=Public%20Aaa%20Tpc")
	f = decideOK(t, s, "deny", fmt.Sprintf(`{"requests":[{"id":%d},{"id":%d,"denialReasoning":"  "}]}`, *p.Hits[0].ID, *p.Hits[1].ID))
	if len(f) != 2 || !strings.Contains(f[0].ErrorMessage, "denialReasoning") || f[0].Model == nil || f[0].Entity == nil {
		t.Fatalf("deny without reason: %+v", f)
	}
	f = decideOK(t, s, "approve", fmt.Sprintf(`{"requests":[{"id":%d,"expiration":"2001-01-01"}]}`, *p.Hits[0].ID))
	if len(f) != 1 || !strings.Contains(f[0].ErrorMessage, "past") {
		t.Fatalf("past expiration: %+v", f)
	}
	// Malformed bodies are a 400 and change nothing.
	before := pending(t, s, "").Count
	for _, b := range []string{``, `not json`, `{}`, `{"requests":null}`, `{"requests":[]}`, `{"requests":{}}`, `{"requests":[{}]}`,
		`{"requests":[{"id":"x"}]}`, fmt.Sprintf(`{"requests":[{"id":%d},{"id":%d,"expiration":"soon"}]}`, *p.Hits[0].ID, *p.Hits[1].ID)} {
		for _, verb := range []string{"approve", "deny"} {
			code, out := send(t, s, http.MethodPost, "/subscription/"+verb, b)
			if verb == "deny" && strings.Contains(b, "soon") {
				continue // deny ignores expiration
			}
			if code != 400 {
				t.Fatalf("%s %q: %d %s", verb, b, code, out)
			}
			hapi(t, 400, out)
		}
	}
	if after := pending(t, s, "").Count; after != before {
		t.Fatalf("a rejected body changed the requests: %d -> %d", before, after)
	}
}

func TestAccessParameters(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	q := func(id int64, query string) entries {
		t.Helper()
		return getAs[entries](t, s, fmt.Sprintf("/dataSource/%d/access?%s", id, query))
	}
	all := q(IDWebSales, "size=10000")
	if all.Count != WebSalesUsers {
		t.Fatalf("Web Sales: %d", all.Count)
	}
	tally := map[string]int{}
	for _, e := range all.Users {
		tally[e.State]++
	}
	// states repeat (ORed) and leave pending out; approved splits the list.
	two := q(IDWebSales, "states=owner&states=expert&size=10000")
	if two.Count != tally["owner"]+tally["expert"] || two.Count == 0 {
		t.Fatalf("states=owner&states=expert: %d, tally %v", two.Count, tally)
	}
	for _, e := range two.Users {
		if e.State != "owner" && e.State != "expert" {
			t.Fatalf("states let through %s", e.State)
		}
	}
	if n := q(IDWebSales, "approved=false&size=1").Count; n != tally["pending"] {
		t.Fatalf("approved=false: %d, want %d", n, tally["pending"])
	}
	if n := q(IDWebSales, "approved=true&size=1").Count; n != WebSalesUsers-tally["pending"] {
		t.Fatalf("approved=true: %d", n)
	}
	// sortField sorts desc unless asked otherwise.
	byName := q(IDWebSales, "sortField=name&size=10000")
	if !slices.IsSortedFunc(byName.Users, func(a, b entry) int { return strings.Compare(b.Name, a.Name) }) {
		t.Fatal("sortField=name: default order is not desc")
	}
	asc := q(IDWebSales, "sortField=email&sortOrder=asc&size=10000")
	if !slices.IsSortedFunc(asc.Users, func(a, b entry) int { return strings.Compare(a.Email, b.Email) }) {
		t.Fatal("sortField=email&sortOrder=asc")
	}
	st := q(IDWebSales, "sortField=state&sortOrder=asc&size=10000")
	if !slices.IsSortedFunc(st.Users, func(a, b entry) int { return strings.Compare(a.State, b.State) }) {
		t.Fatal("sortField=state")
	}
	// Paging walks the same order.
	p1, p2 := q(IDWebSales, "sortField=name&size=50"), q(IDWebSales, "sortField=name&size=50&offset=50")
	if p1.Users[0].Name != byName.Users[0].Name || p2.Users[0].Name != byName.Users[50].Name {
		t.Fatal("paging with sortField")
	}
	// searchText finds by name or email.
	if r := q(IDWebSales, "searchText="+url.QueryEscape("FIRST.LAST@")); r.Count != 1 || *r.Users[0].Profile != CallerProfile {
		t.Fatalf("search: %+v", r)
	}

	// Groups and policy members; expandGroups lists members of approved groups.
	grp := q(DemoApprovedGroups, "memberTypes=group")
	approvedGroups := 0
	for _, e := range grp.Users {
		if e.Type != "group" || e.Group == nil || e.Profile != nil || e.Email != "" || e.SubscriptionID == nil {
			t.Fatalf("group entry: %+v", e)
		}
		if e.State != "pending" {
			approvedGroups++
		}
	}
	if approvedGroups != 2 {
		t.Fatalf("%d approved groups on %d", approvedGroups, DemoApprovedGroups)
	}
	plain := q(DemoApprovedGroups, "size=1000")
	exp := q(DemoApprovedGroups, "size=1000&expandGroups=true")
	via := 0
	for _, e := range exp.Users {
		if e.ViaGroup != nil {
			via++
			if e.Type != "user" || e.SubscriptionID != nil || e.Profile == nil || e.ViaGroup.Name == "" {
				t.Fatalf("expanded member: %+v", e)
			}
		}
	}
	if via == 0 || exp.Count != plain.Count+via {
		t.Fatalf("expandGroups: %d -> %d with %d expanded", plain.Count, exp.Count, via)
	}
	if n := q(DemoApprovedGroups, "expandGroups=true&memberTypes=group&size=1000").Count; n != grp.Count {
		t.Fatalf("memberTypes=group with expandGroups: %d", n)
	}
	pol := q(DemoPolicyDenied, "memberTypes=policy&memberTypes=user&size=1000")
	types := map[string]int{}
	for _, e := range pol.Users {
		types[e.Type]++
	}
	if types["policy"] == 0 || types["group"] != 0 {
		t.Fatalf("memberTypes=policy&memberTypes=user: %v", types)
	}
	// Bad values.
	for _, bad := range []string{"states=pending", "states=owner&states=nope", "memberTypes=robot", "approved=yes", "sortField=profile", "sortOrder=up", "expandGroups=1", "size=-1"} {
		code, b := send(t, s, http.MethodGet, "/dataSource/16/access?"+bad, "")
		if code != 400 {
			t.Fatalf("%s: %d", bad, code)
		}
		hapi(t, 400, b)
	}
}

func TestMemberWrites(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	l := getAs[entries](t, s, "/dataSource/26/access?states=subscribed")
	target := l.Users[0]
	sid := *target.SubscriptionID
	path := fmt.Sprintf("/dataSource/26/access/%d", sid)
	s.Handler.ResetLog()

	// Change state and expiration.
	code, b := send(t, s, http.MethodPut, path, `{"state":"expert","expiration":"2030-06-30"}`)
	if code != 200 {
		t.Fatalf("PUT: %d %s", code, b)
	}
	if e := decodeInto[entry](t, "PUT", b); e.State != "expert" || e.Expiration == nil || *e.SubscriptionID != sid {
		t.Fatalf("PUT answer: %s", b)
	}
	if e, _ := entryOf(t, s, 26, *target.Profile); e.State != "expert" || *e.Expiration != "2030-06-30T00:00:00.000Z" {
		t.Fatalf("after PUT: %+v", e)
	}
	if n := getAs[entries](t, s, "/dataSource/26/access?sortField=expiration&size=1").Users[0]; n.Expiration == nil {
		t.Fatal("sortField=expiration (desc) does not put the expiring entry first")
	}
	// Revoke.
	before := getAs[entries](t, s, "/dataSource/26/access").Count
	code, b = send(t, s, http.MethodPut, path, `{"state":"denied"}`)
	if code != 200 || decodeInto[entry](t, "revoke", b).State != "denied" {
		t.Fatalf("revoke: %d %s", code, b)
	}
	if _, ok := entryOf(t, s, 26, *target.Profile); ok {
		t.Fatal("revoked member still listed")
	}
	if after := getAs[entries](t, s, "/dataSource/26/access").Count; after != before-1 {
		t.Fatalf("count %d -> %d", before, after)
	}
	// The id is gone now; other errors.
	for _, c := range []struct {
		path, body string
		code       int
	}{
		{path, `{"state":"expert"}`, 404},
		{"/dataSource/26/access/12345", `{"state":"expert"}`, 404},
		{"/dataSource/99999/access/12345", `{"state":"expert"}`, 404},
		{"/dataSource/26/access/x", `{"state":"expert"}`, 400},
		{"/dataSource/26/access/649", `{"state":"boss"}`, 400},
		{"/dataSource/26/access/649", `{}`, 400},
		{"/dataSource/26/access/649", `{"state":"expert","expiration":"someday"}`, 400},
		{fmt.Sprintf("/dataSource/27/access/%d", DemoNotApprovable), `{"state":"subscribed"}`, 403},
	} {
		code, b := send(t, s, http.MethodPut, c.path, c.body)
		if code != c.code {
			t.Fatalf("PUT %s %s: %d %s", c.path, c.body, code, b)
		}
		hapi(t, c.code, b)
	}

	// Add a user and a group.
	code, b = send(t, s, http.MethodPost, "/dataSource/26/access", `{"state":"subscribed","profileId":3,"expiration":"2030-01-01T00:00:00Z"}`)
	if code != 200 {
		t.Fatalf("POST: %d %s", code, b)
	}
	added := decodeInto[entry](t, "POST", b)
	if added.Name != "Tommy Test" || added.State != "subscribed" || added.SubscriptionID == nil || added.Expiration == nil {
		t.Fatalf("POST answer: %s", b)
	}
	if e, ok := entryOf(t, s, 26, 3); !ok || *e.SubscriptionID != *added.SubscriptionID {
		t.Fatalf("added user not listed: %+v", e)
	}
	code, b = send(t, s, http.MethodPost, "/dataSource/26/access", `{"state":"expert","groupId":33}`)
	if code != 200 || decodeInto[entry](t, "POST group", b).Name != "data-science" {
		t.Fatalf("POST group: %d %s", code, b)
	}
	if g := getAs[entries](t, s, "/dataSource/26/access?memberTypes=group&expandGroups=true&size=100"); g.Count != 1 || g.Users[0].State != "expert" {
		t.Fatalf("added group: %+v", g)
	}
	// The added user can be changed by its new id.
	if code, b := send(t, s, http.MethodPut, fmt.Sprintf("/dataSource/26/access/%d", *added.SubscriptionID), `{"state":"owner"}`); code != 200 {
		t.Fatalf("PUT added: %d %s", code, b)
	}
	if e, _ := entryOf(t, s, 26, 3); e.State != "owner" {
		t.Fatalf("added user after PUT: %+v", e)
	}
	// Errors.
	pend := pending(t, s, "modelName=Dbo%20Customer%20Data&size=1").Hits[0]
	for _, c := range []struct {
		id   int64
		body string
		code int
		msg  string
	}{
		{26, `{"profileId":40}`, 400, `"state" is required`},
		{26, `{"state":"subscribed"}`, 400, "profileId"},
		{26, `{"state":"subscribed","profileId":40,"groupId":1}`, 400, "profileId"},
		{26, `{"state":"lord","profileId":40}`, 400, "state"},
		{26, `{"state":"subscribed","profileId":3}`, 409, "already a member"},
		{26, `{"state":"subscribed","groupId":33}`, 409, "already a member"},
		{26, fmt.Sprintf(`{"state":"subscribed","profileId":%d}`, pend.Entity.ID), 409, "pending request"},
		{26, `{"state":"subscribed","profileId":99999999}`, 404, "not found"},
		{26, `{"state":"subscribed","groupId":999}`, 404, "not found"},
		{27, `{"state":"subscribed","profileId":40}`, 403, "owner"},
		{99999, `{"state":"subscribed","profileId":40}`, 404, "not found"},
	} {
		code, b := send(t, s, http.MethodPost, fmt.Sprintf("/dataSource/%d/access", c.id), c.body)
		if code != c.code || !strings.Contains(hapi(t, c.code, b).Message, c.msg) {
			t.Fatalf("POST %d %s: %d %s", c.id, c.body, code, b)
		}
	}
	if n, _ := countWrites(s, http.MethodPut, path); n != 3 {
		t.Fatalf("%d PUTs to %s logged", n, path)
	}
}

func TestUnsubscribe(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	status := func(id int64) string {
		return getAs[struct{ SubscriptionStatus string }](t, s, fmt.Sprintf("/dataSource/%d", id)).SubscriptionStatus
	}
	listed := func(id int64, sub string) bool {
		p := getAs[struct{ Hits []struct{ ID int64 } }](t, s, "/dataSource?size=1000&subscription="+sub)
		return slices.ContainsFunc(p.Hits, func(h struct{ ID int64 }) bool { return h.ID == id })
	}
	for _, id := range []int64{IDPublicBarfoo, IDFailed, IDExpert, IDPending} {
		code, b := send(t, s, http.MethodDelete, fmt.Sprintf("/dataSource/%d/unsubscribe", id), "")
		if code != 200 {
			t.Fatalf("unsubscribe %d: %d %s", id, code, b)
		}
		if st := decodeInto[struct{ State string }](t, "unsubscribe", b).State; st != "not_subscribed" {
			t.Fatalf("answer state %q", st)
		}
		if st := status(id); st != "not_subscribed" {
			t.Fatalf("%d: status %q after unsubscribe", id, st)
		}
		if !listed(id, "not_subscribed") {
			t.Fatalf("%d not listed as not_subscribed", id)
		}
		if _, ok := entryOf(t, s, id, CallerProfile); ok {
			t.Fatalf("%d: the caller is still in the access list", id)
		}
	}
	// Again, as an owner, or unknown: refused.
	for id, code := range map[int64]int{IDPublicBarfoo: 400, IDWebSales: 400, IDNeedsApproval: 400, 99999: 404} {
		c, b := send(t, s, http.MethodDelete, fmt.Sprintf("/dataSource/%d/unsubscribe", id), "")
		if c != code {
			t.Fatalf("unsubscribe %d: %d %s", id, c, b)
		}
		hapi(t, code, b)
	}
	if status(IDWebSales) != "owner" {
		t.Fatal("a refused unsubscribe changed the owner")
	}
	// Subscribing again works as before.
	code, b := send(t, s, http.MethodPost, "/dataSource/subscribe", `{"dataSourceIds":[22]}`)
	if code != 200 || !listed(IDPublicBarfoo, "subscribed") { // (the seed's detail of 22 has no subscriptionStatus)
		t.Fatalf("resubscribe: %d %s", code, b)
	}
	if n, _ := countWrites(s, http.MethodDelete, "/dataSource/22/unsubscribe"); n != 2 {
		t.Fatalf("%d unsubscribe calls logged", n)
	}
}

type report struct {
	SubscriptionPolicyMet *bool
	DenialReason          string
	HasPurposeRule        *bool
	NoVisibilities        bool
	UserVisibilitiesCount int
	Masked                []struct{ Name string }
	AdditionalFilters     json.RawMessage
	ColumnNames           []string
	WhereClause           string
	SchemaName, TableName string
	SQLStatement          string
}

func TestVisibilityDenials(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	mine := func(id int64) report { return getAs[report](t, s, fmt.Sprintf("/dataSource/%d/visibilityReport", id)) }
	user := func(id, p int64) report {
		r := getAs[[]report](t, s, fmt.Sprintf("/dataSource/%d/users/%d/visibilityReport", id, p))
		if len(r) != 1 {
			t.Fatalf("%d reports", len(r))
		}
		return r[0]
	}
	denied := func(what string, r report, met, purpose bool, reason string) {
		t.Helper()
		if r.SubscriptionPolicyMet == nil || *r.SubscriptionPolicyMet != met || r.HasPurposeRule == nil || *r.HasPurposeRule != purpose ||
			!strings.Contains(r.DenialReason, reason) || r.SQLStatement != "" {
			t.Fatalf("%s: %+v", what, r)
		}
	}
	denied("27 caller", mine(IDNeedsApproval), false, false, "approval")
	denied("28 caller", mine(IDPending), false, false, "pending")
	denied("42 caller", mine(IDExpert), true, true, "Clinical Research")
	denied("111 caller", mine(DemoPolicyDenied), false, false, "supply-analysts")
	nv := user(DemoNoVisibilitiesSource, DemoNoVisibilitiesUser)
	denied("161 user", nv, true, false, "Region")
	if !nv.NoVisibilities || nv.UserVisibilitiesCount != 0 || nv.WhereClause != "1 = 0" || string(nv.AdditionalFilters) != `{"where":"1 = 0"}` {
		t.Fatalf("no visibilities: %+v", nv)
	}
	pi := getAs[struct {
		VisibilityRuleApplies bool
		Visibilities          []string
	}](t, s, fmt.Sprintf("/dataSource/%d/users/%d/policyInfo", DemoNoVisibilitiesSource, DemoNoVisibilitiesUser))
	if !pi.VisibilityRuleApplies || pi.Visibilities == nil || len(pi.Visibilities) != 0 {
		t.Fatalf("policyInfo of a user without values: %+v", pi)
	}
	// Someone who can see: masks, filter and the statement that does both.
	ok := mine(IDParent)
	if *ok.SubscriptionPolicyMet != true || ok.DenialReason != "" || ok.WhereClause != "REGION IN ('EU', 'US')" || len(ok.Masked) != 3 ||
		ok.SchemaName != "public" || ok.TableName != "healthcare_data" || len(ok.ColumnNames) != 7 ||
		!strings.Contains(ok.SQLStatement, `SHA256("FIRST_NAME") AS "FIRST_NAME"`) || !strings.Contains(ok.SQLStatement, `NULL AS "DATE_OF_BIRTH"`) ||
		!strings.HasSuffix(ok.SQLStatement, `FROM "public"."healthcare_data" WHERE REGION IN ('EU', 'US')`) {
		t.Fatalf("can see: %+v", ok)
	}
	// Another user's report follows membership: a pending requester is denied until approved.
	req := pending(t, s, "modelName=Dbo%20Customer%20Data&size=1").Hits[0]
	denied("26 requester", user(IDCustomerData, req.Entity.ID), false, false, "pending")
	decideOK(t, s, "approve", fmt.Sprintf(`{"requests":[{"id":%d}]}`, *req.ID))
	if r := user(IDCustomerData, req.Entity.ID); !*r.SubscriptionPolicyMet || r.DenialReason != "" || r.SQLStatement == "" {
		t.Fatalf("after approval: %+v", r)
	}
	// Members of an approved group can see through it.
	g := getAs[entries](t, s, fmt.Sprintf("/dataSource/%d/access?expandGroups=true&size=1000", DemoApprovedGroups))
	for _, e := range g.Users {
		if e.ViaGroup != nil {
			if _, direct := entryOf(t, s, DemoApprovedGroups, *e.Profile); direct {
				continue
			}
			if r := user(DemoApprovedGroups, *e.Profile); r.SubscriptionPolicyMet == nil || !*r.SubscriptionPolicyMet {
				t.Fatalf("group member %d: %+v", *e.Profile, r)
			}
			break
		}
	}
	// Web Sales keeps the seed's report, without the new fields.
	if b := get(t, s, "/dataSource/16/visibilityReport"); bytes.Contains(b, []byte("subscriptionPolicyMet")) {
		t.Fatal("Web Sales report gained fields")
	}
}

// TestDemoData keeps the notes of demo.go (and /tmp/team/DEMO.md) true.
func TestDemoData(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	per := map[int64]int{}
	two := map[int64]int{}
	for _, h := range pending(t, s, "size=1000").Hits {
		per[h.Model.ID]++
		if len(h.Approvals) == 2 {
			two[h.Model.ID]++
		}
	}
	if per[16] < 300 || per[26] != 7 || per[39] != 3 || per[3] != 2 || per[4] != 1 || two[DemoTwoApprovals] != 5 || two[105] != 1 || len(two) != 2 {
		t.Fatalf("requests per source %v, two-step %v", per, two)
	}
	grp := pending(t, s, "modelName=Store%20Payroll%20Hourly")
	var ids []int64
	for _, h := range grp.Hits {
		ids = append(ids, *h.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int64{102711553, 102711554, 102711566}) || grp.Hits[0].Model.ID != DemoGroupRequests {
		t.Fatalf("group requests: %v", ids)
	}
	for id, name := range map[int64]string{DemoTwoApprovals: "Customer Assets Curated", 105: "Finance Members Snapshot", DemoGroupRequests: "Store Payroll Hourly",
		DemoApprovedGroups: "Risk Stores Hourly", DemoPolicyDenied: "Supply Routes Sample", DemoNoVisibilitiesSource: "Support Returns Curated"} {
		if got, _ := s.Handler.SourceName(id); got != name {
			t.Fatalf("%d is %q, not %q", id, got, name)
		}
	}
	if s.Handler.people[DemoNoVisibilitiesUser].name != "Lina Thomas" {
		t.Fatal("DemoNoVisibilitiesUser")
	}
	// Smaller demos keep the generated ids the notes name.
	if got, _ := NewHandler(Options{Sources: 232}).SourceName(DemoGroupRequests); got != "Store Payroll Hourly" {
		t.Fatalf("with 232 sources: %q", got)
	}
}

func TestGovernanceDeterministic(t *testing.T) {
	a, b, c := NewServer(Options{Sources: 2000, Seed: 3}), NewServer(Options{Sources: 2000, Seed: 3}), NewServer(Options{Sources: 2000, Seed: 4})
	defer a.Close()
	defer b.Close()
	defer c.Close()
	for _, p := range []string{"/subscription/getPendingRequestsForUser?size=100", "/subscription/getPendingRequestsForUser?groupByEntity=true&size=100&sortField=email",
		"/dataSource/1500/access?expandGroups=true&sortField=type", "/dataSource/27/visibilityReport"} {
		pa, pb, pc := get(t, a, p), get(t, b, p), get(t, c, p)
		if !bytes.Equal(pa, pb) {
			t.Fatalf("%s differs for the same seed", p)
		}
		if bytes.Equal(pa, pc) {
			t.Fatalf("%s is the same for another seed", p)
		}
	}
}

// Concurrent decisions on the same requests: each is carried out once.
func TestGovernanceConcurrent(t *testing.T) {
	s, _ := start(t, Options{Sources: 300})
	hits := pending(t, s, "modelName=Web%20Sales&size=40").Hits
	var wg sync.WaitGroup
	var mu sync.Mutex
	okByID := map[int64]int{}
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, h := range hits {
				verb, body := "approve", fmt.Sprintf(`{"requests":[{"id":%d}]}`, *h.ID)
				if i%2 == 1 {
					verb, body = "deny", fmt.Sprintf(`{"requests":[{"id":%d,"denialReasoning":"r%d"}]}`, *h.ID, g)
				}
				code, b := send(t, s, http.MethodPost, "/subscription/"+verb, body)
				var out struct{ Failures []failure }
				if code != 200 || json.Unmarshal(b, &out) != nil {
					t.Errorf("%s: %d %s", verb, code, b)
					return
				}
				if len(out.Failures) == 0 {
					mu.Lock()
					okByID[*h.ID]++
					mu.Unlock()
				}
				switch g % 3 {
				case 0:
					_ = getAs[pendPage](t, s, "/subscription/getPendingRequestsForUser?size=5")
				case 1:
					_ = getAs[entries](t, s, "/dataSource/16/access?size=5&sortField=name")
				case 2:
					_, _ = send(t, s, http.MethodPut, "/dataSource/16/access/31", `{"state":"owner"}`)
				}
			}
		}()
	}
	wg.Wait()
	for _, h := range hits {
		if okByID[*h.ID] != 1 {
			t.Fatalf("request %d carried out %d times", *h.ID, okByID[*h.ID])
		}
	}
	if n := pending(t, s, "modelName=Web%20Sales").Count; n != 322-len(hits) {
		t.Fatalf("%d Web Sales requests left", n)
	}
}
