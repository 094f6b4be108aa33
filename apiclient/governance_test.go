package apiclient_test

// Access governance calls against a recording httptest server: the exact
// requests sent (method, path, repeated query parameters, JSON body), the
// answers of immuta-api-v1.md decoded leniently, and writes refused before
// sending or sent once.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// pendingBody is the doc's answer: one request through a project with one
// approval given and one waiting, one derived request, an unknown field.
const pendingBody = `{"count":2,"extra":{"x":1},"hits":[
 {"id":652,"entity":{"type":"profile","id":3,"name":"Tommy Test","email":"tommy@example.com"},
  "model":{"type":"datasource","id":22,"name":"Public Barfoo"},
  "createdAt":"2026-01-05T10:00:00.000Z",
  "metadata":{"fromProject":{"id":9,"name":"Fraud"}},
  "approvals":[
   {"subscriptionId":652,"approver":"First Last","approverId":2,"state":"approved","requiredPermission":"OWNER","ownerModelName":"Public Barfoo","ownerModelId":22},
   {"subscriptionId":652,"approver":"Any governor","state":"pending","requiredPermission":"GOVERNANCE"}],
  "newField":true},
 {"id":653,"entity":{"type":"group","id":12,"name":"Analysts"},
  "model":{"type":"datasource","id":40,"name":"Derived","parentId":9,"parentName":"Fraud"},
  "createdAt":"2026-01-06T10:00:00.000Z","approvals":[{"state":"pending","requiredPermission":"OWNER"}]}
]}`

// answer is a server that answers every request with status and body.
func answer(t *testing.T, status int, body string) *server {
	t.Helper()
	return newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) { reply(w, status, []byte(body)) })
}

// onlyHit is the one request s saw.
func onlyHit(t *testing.T, s *server) hit {
	t.Helper()
	h := s.Hits()
	if len(h) != 1 {
		t.Fatalf("server saw %d requests, want 1", len(h))
	}
	return h[0]
}

func date(t *testing.T, s string) *time.Time {
	t.Helper()
	d, err := apiclient.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return &d
}

func TestAccessOptionsWire(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	for _, c := range []struct {
		o    apiclient.AccessOptions
		want url.Values
	}{
		{apiclient.AccessOptions{}, url.Values{}},
		// The doc's workflow: states and memberTypes repeat the name.
		{apiclient.AccessOptions{States: []string{"subscribed", "expert", "owner"}, MemberTypes: []string{"user", "group"}, Size: 50},
			url.Values{"states": {"subscribed", "expert", "owner"}, "memberTypes": {"user", "group"}, "size": {"50"}}},
		{apiclient.AccessOptions{Size: 20, Offset: 40, SortField: "expiration", SortOrder: "asc", SearchText: "tommy@",
			States: []string{"ingest"}, MemberTypes: []string{"policy"}, Approved: &no, ExpandGroups: true},
			url.Values{"size": {"20"}, "offset": {"40"}, "sortField": {"expiration"}, "sortOrder": {"asc"}, "searchText": {"tommy@"},
				"states": {"ingest"}, "memberTypes": {"policy"}, "approved": {"false"}, "expandGroups": {"true"}}},
		{apiclient.AccessOptions{Approved: &yes}, url.Values{"approved": {"true"}}},
		// uniq: a value given twice is sent once.
		{apiclient.AccessOptions{States: []string{"owner", "expert", "owner"}}, url.Values{"states": {"owner", "expert"}}},
	} {
		s := route(t, http.MethodGet, "/dataSource/22/access", c.want, 200, fixture(t, "access.json"))
		p, err := newClient(t, s).ListAccess(context.Background(), 22, c.o)
		if err != nil || p.Count != 2 {
			t.Errorf("%+v: %v", c.o, err)
		}
		if got := onlyHit(t, s).Query; !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: query %v, want %v", c.o, got, c.want)
		}
	}
	// modelTypes-like params and modelTypes itself are never sent here.
	if strings.Contains(apiclient.AccessOptions{States: []string{"owner"}}.Values().Encode(), "modelTypes") {
		t.Error("modelTypes sent")
	}
}

func TestListAccessRefusesUnknownEnums(t *testing.T) {
	t.Parallel()
	s := answer(t, 200, `{"count":0,"users":[]}`)
	c := newClient(t, s)
	for _, c2 := range []struct {
		o    apiclient.AccessOptions
		want string
	}{
		{apiclient.AccessOptions{States: []string{"owner", "pending"}}, `state "pending" is not one of subscribed, expert, owner, ingest`},
		{apiclient.AccessOptions{States: []string{"denied"}}, `state "denied"`},
		{apiclient.AccessOptions{MemberTypes: []string{"users"}}, `member type "users" is not one of user, group, policy`},
		{apiclient.AccessOptions{SortField: "id"}, `sortField "id" is not one of name, state, email, expiration, type`},
		{apiclient.AccessOptions{SortOrder: "DESC"}, `sortOrder "DESC" is not one of asc, desc`},
	} {
		_, err := c.ListAccess(context.Background(), 22, c2.o)
		if err == nil || !strings.Contains(err.Error(), c2.want) || !strings.HasPrefix(err.Error(), "GET /dataSource/22/access: ") {
			t.Errorf("%+v: err = %v, want %q", c2.o, err, c2.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
	}
	if s.count() != 0 {
		t.Errorf("the server saw %d requests", s.count())
	}
}

func TestListPendingRequestsWire(t *testing.T) {
	t.Parallel()
	want := url.Values{"size": {"50"}, "offset": {"100"}, "modelName": {"Public Barfoo"}, "name": {"Tom"}, "email": {"tommy@"},
		"profileId": {"3"}, "groupId": {"12"}, "sortField": {"email"}, "sortOrder": {"desc"}}
	s := route(t, http.MethodGet, "/subscription/getPendingRequestsForUser", want, 200, []byte(pendingBody))
	_, err := newClient(t, s).ListPendingRequests(context.Background(), apiclient.PendingOptions{Size: 50, Offset: 100,
		ModelName: "Public Barfoo", Name: "Tom", Email: "tommy@", ProfileID: 3, GroupID: 12, SortField: "email", SortOrder: "desc"})
	if err != nil {
		t.Fatal(err)
	}
	// The workflow's call: size and nothing else; never modelTypes or groupByEntity.
	s = route(t, http.MethodGet, "/subscription/getPendingRequestsForUser", url.Values{"size": {"50"}}, 200, []byte(pendingBody))
	if _, err := newClient(t, s).ListPendingRequests(context.Background(), apiclient.PendingOptions{Size: 50}); err != nil {
		t.Fatal(err)
	}
	if q := onlyHit(t, s).Query; q.Has("modelTypes") || q.Has("groupByEntity") {
		t.Errorf("query %v", q)
	}
	// Unknown enums: refused, nothing sent.
	for _, o := range []apiclient.PendingOptions{{SortField: "state"}, {SortOrder: "up"}} {
		if _, err := newClient(t, s).ListPendingRequests(context.Background(), o); err == nil || !strings.Contains(err.Error(), "is not one of") {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
	if s.count() != 1 {
		t.Errorf("the server saw %d requests, want 1", s.count())
	}
}

func TestListPendingRequestsDecodes(t *testing.T) {
	t.Parallel()
	s := route(t, http.MethodGet, "/subscription/getPendingRequestsForUser", url.Values{}, 200, []byte(pendingBody))
	p, err := newClient(t, s).ListPendingRequests(context.Background(), apiclient.PendingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 2 || len(p.Hits) != 2 {
		t.Fatalf("count %d, %d hits", p.Count, len(p.Hits))
	}
	r := p.Hits[0]
	want := apiclient.PendingRequest{ID: 652,
		Entity:      apiclient.EntityRef{Type: "profile", ID: 3, Name: "Tommy Test", Email: "tommy@example.com"},
		Model:       apiclient.ModelRef{Type: "datasource", ID: 22, Name: "Public Barfoo"},
		CreatedAt:   "2026-01-05T10:00:00.000Z",
		FromProject: &apiclient.ModelRef{ID: 9, Name: "Fraud"},
		Approvals: []apiclient.RequestApproval{
			{SubscriptionID: 652, Approver: "First Last", ApproverID: 2, State: "approved", RequiredPermission: "OWNER", OwnerModelName: "Public Barfoo", OwnerModelID: 22},
			{SubscriptionID: 652, Approver: "Any governor", State: "pending", RequiredPermission: "GOVERNANCE"},
		},
		Raw: r.Raw}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("hit 0 =\n%+v\nwant\n%+v", r, want)
	}
	if w := r.Waiting(); len(w) != 1 || w[0].RequiredPermission != "GOVERNANCE" {
		t.Errorf("Waiting = %+v", w)
	}
	checkRaw(t, "hit 0", r.Raw, []byte(pendingBody), r.MarshalJSON)
	r1 := p.Hits[1]
	if r1.ID != 653 || r1.Entity.Type != "group" || r1.Model.ParentID != 9 || r1.Model.ParentName != "Fraud" || r1.FromProject != nil || len(r1.Waiting()) != 1 {
		t.Errorf("hit 1 = %+v", r1)
	}
}

func TestPendingRequestsLenient(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
		count      int
		check      func(t *testing.T, hits []apiclient.PendingRequest)
	}{
		{"count missing", `{"hits":[{"id":1}]}`, -1, func(t *testing.T, h []apiclient.PendingRequest) {
			if len(h) != 1 || h[0].ID != 1 {
				t.Errorf("hits %+v", h)
			}
		}},
		{"count a string", `{"count":"7","hits":[]}`, 7, nil},
		{"count negative", `{"count":-3,"hits":[]}`, -1, nil},
		{"hits missing", `{"count":0}`, 0, func(t *testing.T, h []apiclient.PendingRequest) {
			if h == nil || len(h) != 0 {
				t.Errorf("hits %#v, want empty", h)
			}
		}},
		{"bare array", `[{"id":5,"model":{"type":"project","id":1}}]`, -1, func(t *testing.T, h []apiclient.PendingRequest) {
			if len(h) != 1 || h[0].ID != 5 || h[0].Model.Type != "project" {
				t.Errorf("hits %+v", h)
			}
		}},
		{"wrong types", `{"count":1,"hits":[{"id":"652","entity":"Tommy","model":[],"createdAt":5,"count":"x",
			"metadata":{"fromProject":"Fraud"},"approvals":"none","unknown":{"deep":[1]}}]}`, 1, func(t *testing.T, h []apiclient.PendingRequest) {
			r := h[0]
			if r.ID != 652 || r.Entity != (apiclient.EntityRef{}) || r.Model != (apiclient.ModelRef{}) || r.CreatedAt != "" ||
				r.FromProject != nil || r.Approvals != nil || len(r.Waiting()) != 0 {
				t.Errorf("hit %+v", r)
			}
		}},
		{"numbers as strings", `{"count":1,"hits":[{"id":652,"entity":{"type":"profile","id":"3"},"model":{"id":"22","parentId":"9"},
			"approvals":[{"subscriptionId":"652","approverId":"2","ownerModelId":"22","state":"pending"},7,null]}]}`, 1,
			func(t *testing.T, h []apiclient.PendingRequest) {
				r := h[0]
				if r.Entity.ID != 3 || r.Model.ID != 22 || r.Model.ParentID != 9 || len(r.Approvals) != 1 ||
					r.Approvals[0] != (apiclient.RequestApproval{SubscriptionID: 652, ApproverID: 2, OwnerModelID: 22, State: "pending"}) {
					t.Errorf("hit %+v", r)
				}
			}},
		{"grouped", `{"count":1,"hits":[{"entity":{"type":"profile","id":3},"count":4,"createdAt":"2026-01-05"}]}`, 1,
			func(t *testing.T, h []apiclient.PendingRequest) {
				if h[0].ID != 0 || h[0].Count != 4 {
					t.Errorf("hit %+v", h[0])
				}
			}},
		{"hits not objects", `{"count":3,"hits":[1,"x",{"id":9},null]}`, 3, func(t *testing.T, h []apiclient.PendingRequest) {
			if len(h) != 1 || h[0].ID != 9 {
				t.Errorf("hits %+v", h)
			}
		}},
		{"an unknown approval state waits", `{"hits":[{"id":1,"approvals":[{"state":"approved"},{"state":"escalated"}]}]}`, -1,
			func(t *testing.T, h []apiclient.PendingRequest) {
				if w := h[0].Waiting(); len(w) != 1 || w[0].State != "escalated" {
					t.Errorf("Waiting %+v", w)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p, err := newClient(t, answer(t, 200, c.body)).ListPendingRequests(context.Background(), apiclient.PendingOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Count != c.count {
				t.Errorf("Count = %d, want %d", p.Count, c.count)
			}
			for _, h := range p.Hits {
				checkRaw(t, "hit", h.Raw, []byte(c.body), h.MarshalJSON)
			}
			if c.check != nil {
				c.check(t, p.Hits)
			}
		})
	}
	// hits that is not a list must not read as "nothing pending".
	for _, body := range []string{`{"count":2,"hits":{"id":1}}`, `{"count":2,"hits":"none"}`, `"x"`, ``} {
		_, err := newClient(t, answer(t, 200, body)).ListPendingRequests(context.Background(), apiclient.PendingOptions{})
		if !errors.Is(err, apiclient.ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", body, err)
		}
	}
}

func TestAllPendingRequests(t *testing.T) {
	t.Parallel()
	pages := map[string]string{
		"0": `{"count":3,"hits":[{"id":1},{"id":2}]}`,
		"2": `{"count":3,"hits":[{"id":3}]}`,
	}
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		off := r.URL.Query().Get("offset")
		if off == "" {
			off = "0"
		}
		if r.URL.Query().Get("size") != "2" || r.URL.Query().Get("name") != "Tom" {
			t.Errorf("query %v", r.URL.Query())
		}
		reply(w, 200, []byte(pages[off]))
	})
	var ids []int64
	for r, err := range newClient(t, s).AllPendingRequests(context.Background(), apiclient.PendingOptions{Size: 2, Name: "Tom"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if !reflect.DeepEqual(ids, []int64{1, 2, 3}) || s.count() != 2 {
		t.Errorf("ids %v after %d requests", ids, s.count())
	}
}

func TestApproveRequestsWire(t *testing.T) {
	t.Parallel()
	s := route(t, http.MethodPost, "/subscription/approve", nil, 200, []byte(`{"failures":[]}`))
	cet := time.FixedZone("CET", 3600)
	res, err := newClient(t, s).ApproveRequests(context.Background(), []apiclient.ApproveRequest{
		{ID: 652, Expiration: date(t, "2026-01-31")},
		{ID: 653},
		{ID: 654, Expiration: new(time.Date(2026, 2, 1, 1, 30, 0, 999, cet))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) != 0 || string(res.Raw) != `{"failures":[]}` {
		t.Errorf("result %+v", res)
	}
	h := onlyHit(t, s)
	want := `{"requests":[{"id":652,"expiration":"2026-01-31T00:00:00Z"},{"id":653},{"id":654,"expiration":"2026-02-01T00:30:00Z"}]}`
	if !sameJSON(t, h.Body, []byte(want)) {
		t.Errorf("body %s\nwant %s", h.Body, want)
	}
	if ct := h.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestDenyRequestsWire(t *testing.T) {
	t.Parallel()
	body := `{"failures":[{"id":653,"errorMessage":"Request already handled","model":{"type":"datasource","id":40,"name":"Derived"},
		"entity":{"type":"group","id":12,"name":"Analysts"},"extra":1}],"unknown":true}`
	s := route(t, http.MethodPost, "/subscription/deny", nil, 200, []byte(body))
	res, err := newClient(t, s).DenyRequests(context.Background(), []apiclient.DenyRequest{
		{ID: 652, Reason: "Not needed for your role"}, {ID: 653, Reason: "Ask your manager \"first\""}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"requests":[{"id":652,"denialReasoning":"Not needed for your role"},{"id":653,"denialReasoning":"Ask your manager \"first\""}]}`
	if h := onlyHit(t, s); !sameJSON(t, h.Body, []byte(want)) {
		t.Errorf("body %s\nwant %s", h.Body, want)
	}
	wantF := []apiclient.DecisionFailure{{ID: 653, ErrorMessage: "Request already handled",
		Model:  apiclient.ModelRef{Type: "datasource", ID: 40, Name: "Derived"},
		Entity: apiclient.EntityRef{Type: "group", ID: 12, Name: "Analysts"}}}
	if !reflect.DeepEqual(res.Failures, wantF) {
		t.Errorf("failures %+v\nwant %+v", res.Failures, wantF)
	}
	checkRaw(t, "result", res.Raw, []byte(body), res.MarshalJSON)
}

func TestDecisionResultLenient(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		body string
		want []apiclient.DecisionFailure
	}{
		{`{}`, nil}, // failures missing: nothing failed
		{`{"failures":null,"jobs":[1]}`, nil},
		{`{"failures":[{"id":"652","errorMessage":5}]}`, []apiclient.DecisionFailure{{ID: 652}}},
		{`{"failures":[652,"Request not found",{"model":"x","entity":[],"errorMessage":"gone"}]}`, []apiclient.DecisionFailure{
			{ID: 652}, {ErrorMessage: "Request not found"}, {ErrorMessage: "gone"}}},
	} {
		res, err := newClient(t, answer(t, 200, c.body)).ApproveRequests(context.Background(), []apiclient.ApproveRequest{{ID: 652}})
		if err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if !reflect.DeepEqual(res.Failures, c.want) || string(res.Raw) != c.body {
			t.Errorf("%s: failures %+v, want %+v", c.body, res.Failures, c.want)
		}
	}
	// What cannot say which requests failed is an error, never "all done".
	for _, body := range []string{`{"failures":"all of them"}`, `{"failures":{"id":1}}`, `[]`, ``, `null`, `ok`} {
		res, err := newClient(t, answer(t, 200, body)).DenyRequests(context.Background(), []apiclient.DenyRequest{{ID: 1, Reason: "r"}})
		if !errors.Is(err, apiclient.ErrMalformed) || res != nil {
			t.Errorf("%q: %+v, %v; want ErrMalformed", body, res, err)
		}
	}
}

// A write refused by the client: one clear line, ErrNotSent, no request.
func TestGovernanceWritesRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	s := answer(t, 200, `{"failures":[]}`)
	c := newClient(t, s)
	ctx := context.Background()
	zero := time.Time{}
	for _, w := range []struct {
		name, want string
		call       func() error
	}{
		{"approve none", "POST /subscription/approve: not sent: no requests", func() error {
			_, err := c.ApproveRequests(ctx, nil)
			return err
		}},
		{"approve id 0", "request id 0 is not a request id", func() error {
			_, err := c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: 1}, {ID: 0}})
			return err
		}},
		{"approve twice", "request 7 is listed twice", func() error {
			_, err := c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: 7}, {ID: 8}, {ID: 7}})
			return err
		}},
		{"approve zero date", "request 7: the expiration date is not set", func() error {
			_, err := c.ApproveRequests(ctx, []apiclient.ApproveRequest{{ID: 7, Expiration: &zero}})
			return err
		}},
		{"deny none", "POST /subscription/deny: not sent: no requests", func() error {
			_, err := c.DenyRequests(ctx, []apiclient.DenyRequest{})
			return err
		}},
		{"deny without reason", "POST /subscription/deny: not sent: request 8: a reason for the denial is required", func() error {
			_, err := c.DenyRequests(ctx, []apiclient.DenyRequest{{ID: 7, Reason: "x"}, {ID: 8, Reason: " \t\n"}})
			return err
		}},
		{"set unknown state", `PUT /dataSource/22/access/649: not sent: state "revoked" is not one of denied, subscribed, expert, owner, ingest`, func() error {
			_, err := c.SetAccess(ctx, 22, 649, apiclient.AccessChange{State: "revoked"})
			return err
		}},
		{"set nothing", "nothing to change", func() error {
			_, err := c.SetAccess(ctx, 22, 649, apiclient.AccessChange{})
			return err
		}},
		{"set no entry", "both ids are needed", func() error {
			_, err := c.SetAccess(ctx, 22, 0, apiclient.AccessChange{State: "denied"})
			return err
		}},
		{"set zero date", "the expiration date is not set", func() error {
			_, err := c.SetAccess(ctx, 22, 649, apiclient.AccessChange{State: "expert", Expiration: &zero})
			return err
		}},
		{"add denied", `POST /dataSource/22/access: not sent: state "denied" is not one of subscribed, expert, owner, ingest`, func() error {
			_, err := c.AddAccess(ctx, 22, apiclient.AddAccessRequest{State: "denied", ProfileID: 3})
			return err
		}},
		{"add no state", `state "" is not one of`, func() error {
			_, err := c.AddAccess(ctx, 22, apiclient.AddAccessRequest{ProfileID: 3})
			return err
		}},
		{"add both", "give either a user's profile id or a group id", func() error {
			_, err := c.AddAccess(ctx, 22, apiclient.AddAccessRequest{State: "subscribed", ProfileID: 3, GroupID: 12})
			return err
		}},
		{"add neither", "give either a user's profile id or a group id", func() error {
			_, err := c.AddAccess(ctx, 22, apiclient.AddAccessRequest{State: "subscribed"})
			return err
		}},
		{"add to source 0", "source id 0 is not a source id", func() error {
			_, err := c.AddAccess(ctx, 0, apiclient.AddAccessRequest{State: "subscribed", ProfileID: 3})
			return err
		}},
		{"unsubscribe 0", "DELETE /dataSource/0/unsubscribe: not sent: source id 0", func() error {
			_, err := c.Unsubscribe(ctx, 0)
			return err
		}},
	} {
		err := w.call()
		if !errors.Is(err, apiclient.ErrNotSent) || !strings.Contains(err.Error(), w.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want ErrNotSent saying %q", w.name, err, w.want)
		}
	}
	if s.count() != 0 {
		t.Errorf("the server saw %d requests", s.count())
	}
}

func TestSetAccessWire(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ch   apiclient.AccessChange
		want string
	}{
		{apiclient.AccessChange{State: "denied"}, `{"state":"denied"}`},
		{apiclient.AccessChange{State: "expert", Expiration: date(t, "2026-03-01T12:00:00+02:00")}, `{"state":"expert","expiration":"2026-03-01T10:00:00Z"}`},
		{apiclient.AccessChange{Expiration: date(t, "2026-03-01")}, `{"expiration":"2026-03-01T00:00:00Z"}`},
	} {
		s := route(t, http.MethodPut, "/dataSource/22/access/649", nil, 200, []byte(`{"id":649,"state":"expert"}`))
		a, err := newClient(t, s).SetAccess(context.Background(), 22, 649, c.ch)
		if err != nil {
			t.Fatal(err)
		}
		if h := onlyHit(t, s); !sameJSON(t, h.Body, []byte(c.want)) {
			t.Errorf("body %s, want %s", h.Body, c.want)
		}
		if string(a.Raw) != `{"id":649,"state":"expert"}` {
			t.Errorf("Raw %s", a.Raw)
		}
	}
}

func TestAddAccessWire(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		r    apiclient.AddAccessRequest
		want string
	}{
		{apiclient.AddAccessRequest{State: "subscribed", ProfileID: 3}, `{"state":"subscribed","profileId":3}`},
		{apiclient.AddAccessRequest{State: "owner", GroupID: 12, Expiration: date(t, "2026-12-31")},
			`{"state":"owner","groupId":12,"expiration":"2026-12-31T00:00:00Z"}`},
	} {
		s := route(t, http.MethodPost, "/dataSource/22/access", nil, 200, []byte(`"done"`))
		a, err := newClient(t, s).AddAccess(context.Background(), 22, c.r)
		if err != nil {
			t.Fatal(err)
		}
		if h := onlyHit(t, s); !sameJSON(t, h.Body, []byte(c.want)) {
			t.Errorf("body %s, want %s", h.Body, c.want)
		}
		// An untyped answer: any JSON value is kept as sent.
		if b, _ := a.MarshalJSON(); string(b) != `"done"` {
			t.Errorf("answer %s", b)
		}
	}
}

func TestUnsubscribeWire(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status  int
		body    string
		wantRaw string
	}{
		{200, `{"success":true}`, `{"success":true}`},
		{200, `[1]`, `[1]`},
		{200, ``, ``}, // empty: done, nothing to keep
		{204, ``, ``},
	} {
		s := route(t, http.MethodDelete, "/dataSource/22/unsubscribe", nil, c.status, []byte(c.body))
		a, err := newClient(t, s).Unsubscribe(context.Background(), 22)
		if err != nil {
			t.Fatalf("%d %q: %v", c.status, c.body, err)
		}
		if string(a.Raw) != c.wantRaw {
			t.Errorf("%d %q: Raw %s", c.status, c.body, a.Raw)
		}
		h := onlyHit(t, s)
		if len(h.Body) != 0 || h.Header.Get("Content-Type") != "" {
			t.Errorf("DELETE sent a body %q (%s)", h.Body, h.Header.Get("Content-Type"))
		}
	}
	if b, _ := (apiclient.WriteAnswer{}).MarshalJSON(); string(b) != "null" {
		t.Errorf("empty answer marshals as %s", b)
	}
	// Not JSON, or an error status: an error naming the call.
	for _, c := range []struct {
		status int
		body   string
		want   error
	}{
		{200, `OK`, apiclient.ErrMalformed},
		{200, `{"a":`, apiclient.ErrMalformed},
		{404, `{"message":"Data source not found"}`, apiclient.ErrNotFound},
		{403, `{"message":"no"}`, apiclient.ErrForbidden},
	} {
		s := answer(t, c.status, c.body)
		_, err := newClient(t, s).Unsubscribe(context.Background(), 22)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), "DELETE /dataSource/22/unsubscribe") {
			t.Errorf("%d %q: err = %v, want %v", c.status, c.body, err, c.want)
		}
	}
}

// A 500 on approve is not sent again, though reads are retried (the
// shared writes() table covers every failure kind for every write).
func TestApproveNotResentOn500(t *testing.T) {
	t.Parallel()
	s := answer(t, 500, `{"message":"boom"}`)
	c := newClient(t, s, apiclient.WithRetries(5, time.Millisecond))
	_, err := c.ApproveRequests(context.Background(), []apiclient.ApproveRequest{{ID: 652}})
	if !errors.Is(err, apiclient.ErrServer) || errors.Is(err, apiclient.ErrNotSent) {
		t.Errorf("err = %v", err)
	}
	if n := s.countPath(http.MethodPost, "/subscription/approve"); n != 1 || s.count() != 1 {
		t.Errorf("approve sent %d times (%d requests)", n, s.count())
	}
	// The read is retried: 1 + 5 requests.
	_, err = c.ListPendingRequests(context.Background(), apiclient.PendingOptions{})
	if !errors.Is(err, apiclient.ErrServer) || s.countPath(http.MethodGet, "/subscription/getPendingRequestsForUser") != 6 {
		t.Errorf("pending list: %v after %d requests", err, s.count())
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2026-01-31", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"  2026-01-31\n", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"2026-01-31T00:00:00Z", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)},
		{"2026-01-31T09:30:00+02:00", time.Date(2026, 1, 31, 7, 30, 0, 0, time.UTC)},
		{"2026-01-31T09:30:00.5Z", time.Date(2026, 1, 31, 9, 30, 0, 5e8, time.UTC)},
	} {
		got, err := apiclient.ParseDate(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "tomorrow", "31/01/2026", "2026-02-30", "2026-1-5", "2026-01-31 09:30",
		"\x1b[31m2026\x1b[0m", strings.Repeat("9", 200)} {
		_, err := apiclient.ParseDate(in)
		if err == nil {
			t.Errorf("ParseDate(%q) accepted", in)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "want YYYY-MM-DD or a time like 2026-01-31T00:00:00Z") || strings.ContainsAny(msg, "\x1b\n") || len(msg) > 150 {
			t.Errorf("ParseDate(%q): %q", in, msg)
		}
	}
}

// The governance answers never panic, and what decodes keeps its promises:
// a count of -1 or more, hits that are objects kept verbatim.
func FuzzDecodeGovernance(f *testing.F) {
	for _, s := range []string{pendingBody, `{"failures":[652,"x",{"id":"1"}]}`, `{"hits":[1,{"id":"2","count":"3"}]}`,
		`[{"approvals":[null,{"state":5}]}]`, `{"count":1e400,"hits":null}`, `{"failures":{}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p apiclient.PendingPage
		if err := json.Unmarshal(data, &p); err == nil {
			if p.Count < -1 || p.Hits == nil {
				t.Fatalf("Count %d, hits %v", p.Count, p.Hits)
			}
			for _, h := range p.Hits {
				if len(h.Raw) == 0 || h.Raw[0] != '{' || !bytes.Contains(data, h.Raw) {
					t.Fatalf("hit Raw %q", h.Raw)
				}
				_ = h.Waiting()
			}
		}
		var d apiclient.DecisionResult
		if err := json.Unmarshal(data, &d); err == nil {
			if b, err := d.MarshalJSON(); err != nil || !bytes.Equal(b, d.Raw) {
				t.Fatalf("MarshalJSON %s, %v", b, err)
			}
		}
		_, _ = apiclient.ParseDate(string(data))
	})
}
