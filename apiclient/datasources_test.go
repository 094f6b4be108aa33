package apiclient_test

// Every method against the seeds' own example answers (fixture: FixtureDirs): the
// request the server sees, the values a user would be shown, and the raw
// JSON kept for the "raw" view and --json.

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

	"github.com/dsbrowse/dsbrowse/apiclient"
)

func TestListDataSourcesSendsEveryDocumentedParam(t *testing.T) {
	t.Parallel()
	want := url.Values{
		"size":             {"50"},
		"offset":           {"100"},
		"searchText":       {"bar foo&x"},
		"nameOnly":         {"true"},
		"subscription":     {"owner", "subscribed"},
		"status":           {"passed", "failed"},
		"tag":              {"PII", "Confidential", "PII"},
		"blobHandlerType":  {"Snowflake", "Native S3"},
		"connectionString": {"a@b:1/c", "d"},
		"column":           {"email", "ssn"},
		"schema":           {"public"},
		"sortField":        {"name"},
		"sortOrder":        {"desc"},
	}
	s := route(t, http.MethodGet, "/dataSource", want, 200, fixture(t, "list_envelope.json"))
	_, err := newClient(t, s).ListDataSources(context.Background(), apiclient.ListOptions{
		Size: 50, Offset: 100, SearchText: "bar foo&x", NameOnly: true,
		Subscription: []string{"owner", "subscribed"},
		// Unique lists send a value once; tag may repeat one; schema is single.
		Status:           []string{"passed", "failed", "passed"},
		Tag:              []string{"PII", "Confidential", "PII"},
		BlobHandlerType:  []string{"Snowflake", "Native S3", "Snowflake"},
		ConnectionString: []string{"a@b:1/c", "d"},
		Column:           []string{"email", "ssn", "email"},
		Schema:           "public",
		SortField:        "name", SortOrder: "desc",
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.count() != 1 {
		t.Errorf("server hits = %d, want 1", s.count())
	}
}

func TestListDataSourcesZeroOptionsSendNoQuery(t *testing.T) {
	t.Parallel()
	s := route(t, http.MethodGet, "/dataSource", nil, 200, fixture(t, "list_envelope.json"))
	if _, err := newClient(t, s).ListDataSources(context.Background(), apiclient.ListOptions{}); err != nil {
		t.Fatal(err)
	}
}

// checkSeedHits asserts the two list hits of the seed.
func checkSeedHits(t *testing.T, hits []apiclient.DataSource, body []byte) {
	t.Helper()
	if len(hits) != 2 {
		t.Fatalf("got %d hits, want 2", len(hits))
	}
	a, b := hits[0], hits[1]
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"hit0.ID", a.ID, int64(22)},
		{"hit0.Name", a.Name, "Public Barfoo"},
		{"hit0.Status", a.Status, "passed"},
		{"hit0.SubscriptionStatus", a.SubscriptionStatus, "subscribed"},
		{"hit0.SubscriptionType", a.SubscriptionType, "automatic"},
		{"hit0.BlobHandlerType", a.BlobHandlerType, "Snowflake"},
		{"hit0.ConnectionString", a.ConnectionString, "test@immuta.connection.source.com:###/test"},
		{"hit0.SQLSchemaName", a.SQLSchemaName, "public"},
		{"hit0.RecordCount", a.RecordCount, int64(0)},
		{"hit0.RecordFormat", a.RecordFormat, "Not Provided"},
		{"hit0.CreatedAt", a.CreatedAt, "2021-07-22T14:11:55.539Z"},
		{"hit0.Description (null)", a.Description, ""},
		{"hit0.PolicyHandlerType", a.PolicyHandlerType, "None"},
		{"hit0.SchemaEvolutionID", a.SchemaEvolutionID, int64(1)},
		{"hit0.IsDisabled", a.IsDisabled(), false},
		{"hit0.SubscriptionPolicy.Type", a.SubscriptionPolicy.Type, "subscription"},
		{"hit0.AutomaticSubscription", ptrVal(a.SubscriptionPolicy.AutomaticSubscription), true},
		{"hit0.AllowDiscovery (absent)", a.SubscriptionPolicy.AllowDiscovery == nil, true},
		{"hit1.ID", b.ID, int64(39)},
		{"hit1.Name", b.Name, "Public Aaa Tpc"},
		{"hit1.SubscriptionStatus", b.SubscriptionStatus, "owner"},
		{"hit1.SubscriptionType", b.SubscriptionType, "policy"},
		{"hit1.RemoteSchema", b.RemoteSchema, "public"},
		{"hit1.RemoteTable", b.RemoteTable, "tpc"},
		{"hit1.DomainName (null)", b.DomainName, ""},
		{"hit1.AllowDiscovery", ptrVal(b.SubscriptionPolicy.AllowDiscovery), true},
		{"hit1.Exceptions names the group", strings.Contains(string(b.SubscriptionPolicy.Exceptions), `"alpha"`), true},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	for i, h := range hits {
		checkRaw(t, "hit", h.Raw, body, h.MarshalJSON)
		// Fields the client does not model are still in Raw.
		var m map[string]any
		if err := json.Unmarshal(h.Raw, &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["workspace"]; !ok {
			t.Errorf("hit %d: Raw lost the undocumented field workspace: %s", i, h.Raw)
		}
	}
}

func TestListDataSourcesEnvelope(t *testing.T) {
	t.Parallel()
	body := fixture(t, "list_envelope.json")
	s := route(t, http.MethodGet, "/dataSource", url.Values{"size": {"2"}}, 200, body)
	p, err := newClient(t, s).ListDataSources(context.Background(), apiclient.ListOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 2 {
		t.Errorf("Count = %d, want 2", p.Count)
	}
	checkSeedHits(t, p.Hits, body)
	// A whole page marshals back to the same hits (--json output).
	out, err := json.Marshal(p.Hits)
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Hits json.RawMessage }
	_ = json.Unmarshal(body, &env)
	if !sameJSON(t, out, env.Hits) {
		t.Errorf("json.Marshal(hits) differs from the hits sent:\n%s", out)
	}
}

func TestListDataSourcesBareArray(t *testing.T) {
	t.Parallel()
	body := fixture(t, "list_array.json")
	s := route(t, http.MethodGet, "/dataSource", url.Values{"size": {"2"}}, 200, body)
	p, err := newClient(t, s).ListDataSources(context.Background(), apiclient.ListOptions{Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != -1 {
		t.Errorf("Count = %d, want -1 (unknown) for a bare array", p.Count)
	}
	checkSeedHits(t, p.Hits, body)
}

func TestGetDataSource22(t *testing.T) {
	t.Parallel()
	body := fixture(t, "get_22.json")
	s := route(t, http.MethodGet, "/dataSource/22", nil, 200, body)
	d, err := newClient(t, s).GetDataSource(context.Background(), 22)
	if err != nil {
		t.Fatal(err)
	}
	checkDetail22(t, d, body)
}

func checkDetail22(t *testing.T, d *apiclient.DataSource, body []byte) {
	t.Helper()
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"ID", d.ID, int64(22)},
		{"Name", d.Name, "Public Barfoo"},
		{"SQLSchemaName", d.SQLSchemaName, "public"},
		{"SQLTableName", d.SQLTableName, "barfoo"},
		{"BlobHandler.URL", d.BlobHandler.URL, "https://your-url/snowflake/handler/22"},
		{"BlobHandler.ManualDictionary", d.BlobHandler.ManualDictionary, false},
		{"CreatedBy (a number)", d.CreatedBy.String(), "2"},
		{"Type", d.Type, "queryable"},
		{"RecordCount", d.RecordCount, int64(0)},
		{"RowCount", ptrVal(d.RowCount), int64(6)},
		{"Documentation", d.Documentation, "# Public Barfoo"},
		{"StatsExpiration", d.StatsExpiration, "2021-08-27T16:34:47.846Z"},
		{"PolicyHandlerType", d.PolicyHandlerType, "None"},
		{"SubscriptionType", d.SubscriptionType, "automatic"},
		{"AutomaticSubscription", ptrVal(d.SubscriptionPolicy.AutomaticSubscription), true},
		{"Status", d.Status, "passed"},
		{"StatusInfo", d.StatusInfo, map[string]apiclient.StatusCheck{"sql": {Status: "passed", Message: "Passed"}}},
		{"Deleted", d.IsDisabled(), false},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	if !bytes.Equal(d.Raw, bytes.TrimSpace(body)) {
		t.Errorf("Raw is not the body as sent:\n%s", d.Raw)
	}
	checkRaw(t, "detail", d.Raw, body, d.MarshalJSON)
	out, err := json.Marshal(d) // through a pointer, as --json does
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, out, body) {
		t.Errorf("json.Marshal lost data:\n%s", out)
	}
}

func TestGetDataSourceByNameEscapesTheName(t *testing.T) {
	t.Parallel()
	body := fixture(t, "name_public_barfoo.json")
	s := route(t, http.MethodGet, "/dataSource/name/Public%20Barfoo", nil, 200, body)
	d, err := newClient(t, s).GetDataSourceByName(context.Background(), "Public Barfoo")
	if err != nil {
		t.Fatal(err)
	}
	checkDetail22(t, d, body)

	// A slash or a question mark in a name stays inside the one segment.
	s = route(t, http.MethodGet, "/dataSource/name/a%2Fb%3Fc=d%23e", nil, 200, body)
	if _, err := newClient(t, s).GetDataSourceByName(context.Background(), "a/b?c=d#e"); err != nil {
		t.Fatal(err)
	}
}

func TestGetDataSourceBySQLTable(t *testing.T) {
	t.Parallel()
	body := fixture(t, "sqltable_customer_data.json")
	s := route(t, http.MethodGet, "/dataSource/sqlTableName/customer_data", nil, 200, body)
	d, err := newClient(t, s).GetDataSourceBySQLTable(context.Background(), "customer_data")
	if err != nil {
		t.Fatal(err)
	}
	var ph struct {
		HandlerID    int64 `json:"handlerId"`
		DataSourceID int64 `json:"dataSourceId"`
	}
	if err := json.Unmarshal(d.PolicyHandler, &ph); err != nil || ph.HandlerID != 55 || ph.DataSourceID != 26 {
		t.Errorf("PolicyHandler = %s (%v)", d.PolicyHandler, err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"ID", d.ID, int64(26)},
		{"Name", d.Name, "Dbo Customer Data"},
		{"SQLTableName", d.SQLTableName, "customer_data"},
		{"SQLSchemaName", d.SQLSchemaName, "dbo"},
		{"PolicyHandlerType", d.PolicyHandlerType, "Builder"},
		{"RowCount", ptrVal(d.RowCount), int64(1000)},
		{"BlobHandler.URL", d.BlobHandler.URL, "https://1.1.1.1.1/snowflake/testhandler/26"},
		{"AutomaticSubscription", ptrVal(d.SubscriptionPolicy.AutomaticSubscription), false},
		{"StatusInfo.stats", d.StatusInfo["stats"], apiclient.StatusCheck{Status: "passed", LastAttempted: "2021-10-06T19:37:43.337Z"}},
		{"StatusInfo.lastAttempt", d.StatusInfo["lastAttempt"], apiclient.StatusCheck{Date: "2021-10-06T19:39:39.821Z"}},
		{"StatusInfo.highCardinality", d.StatusInfo["highCardinality"].Status, "passed"},
		{"len(StatusInfo)", len(d.StatusInfo), 4},
		{"Expiration (null)", d.Expiration, ""},
		{"CatalogMetadata (null)", string(d.CatalogMetadata), "null"},
		{"SchemaEvolutionID", d.SchemaEvolutionID, int64(4)},
		{"ColumnEvolutionEnabled", ptrVal(d.ColumnEvolutionEnabled), true},
		{"CreatedAt", d.CreatedAt, "2021-10-01T14:23:27.225Z"},
		{"UpdatedAt", d.UpdatedAt, "2021-10-06T19:39:39.145Z"},
		{"SubscriptionID", ptrVal(d.SubscriptionID), int64(45)},
		{"SubscriptionStatus", d.SubscriptionStatus, "owner"},
		{"Approved", ptrVal(d.Approved), true},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	// The seed's body starts with blanks: Raw is the object itself.
	if !bytes.Equal(d.Raw, bytes.TrimSpace(body)) {
		t.Error("Raw is not the object as sent")
	}
	checkRaw(t, "detail", d.Raw, body, d.MarshalJSON)
}

func TestLineageParents(t *testing.T) {
	t.Parallel()
	body := fixture(t, "lineage_parents.json")
	s := route(t, http.MethodGet, "/dataSource/4/lineage/parents", nil, 200, body)
	got, err := newClient(t, s).Lineage(context.Background(), 4, apiclient.LineageParents)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d parents, want 1", len(got))
	}
	p := got[0]
	want := apiclient.LineageEntry{DataSourceID: 3, DataSourceName: "Public Healthcare Data", CreatedAt: "2022-08-17T13:41:38.381Z",
		ProjectID: 2, ProjectName: "Derived Data Source", CreatedBy: "Your Username", Raw: p.Raw}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("parent = %+v\nwant %+v", p, want)
	}
	checkRaw(t, "parent", p.Raw, body, p.MarshalJSON)
	if !bytes.Contains(p.Raw, []byte("policyHandlerDiff")) {
		t.Error("Raw lost policyHandlerDiff")
	}
}

func TestLineageChildrenAndShapes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
		want       int
	}{
		{"children envelope", `{"children":[{"dataSourceId":5},{"dataSourceId":6}]}`, 2},
		{"bare array", `[{"dataSourceId":5}]`, 1},
		{"key missing", `{}`, 0},
		{"key null", `{"children":null}`, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := route(t, http.MethodGet, "/dataSource/4/lineage/children", nil, 200, []byte(c.body))
			got, err := newClient(t, s).Lineage(context.Background(), 4, apiclient.LineageChildren)
			if err != nil || len(got) != c.want {
				t.Fatalf("got %d entries, %v; want %d", len(got), err, c.want)
			}
			if c.want > 0 && got[0].DataSourceID != 5 {
				t.Errorf("DataSourceID = %d", got[0].DataSourceID)
			}
		})
	}
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	if _, err := newClient(t, s).Lineage(context.Background(), 4, "siblings"); err == nil {
		t.Error("lineage type siblings accepted")
	}
	if s.count() != 0 {
		t.Error("a bad lineage type reached the server")
	}
}

func TestDownloadBlob(t *testing.T) {
	t.Parallel()
	content := bytes.Repeat([]byte("blob\x00\xff"), 10_000)
	for _, c := range []struct{ blobID, path string }{
		{"22", "/dataSource/22/blob/22"},
		{"dir/sub dir/file#1.csv", "/dataSource/22/blob/dir/sub%20dir/file%231.csv"},
	} {
		s := route(t, http.MethodGet, c.path, nil, 200, content)
		var buf bytes.Buffer
		n, err := newClient(t, s).DownloadBlob(context.Background(), 22, c.blobID, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(content)) || !bytes.Equal(buf.Bytes(), content) {
			t.Errorf("blob %q: wrote %d bytes (%d buffered), want %d identical", c.blobID, n, buf.Len(), len(content))
		}
	}
}

func TestListAccess(t *testing.T) {
	t.Parallel()
	body := fixture(t, "access.json")
	q := url.Values{"sortOrder": {"desc"}, "size": {"20"}, "offset": {"40"}, "searchText": {"tommy"}}
	s := route(t, http.MethodGet, "/dataSource/22/access", q, 200, body)
	p, err := newClient(t, s).ListAccess(context.Background(), 22, apiclient.AccessOptions{SortOrder: "desc", Size: 20, Offset: 40, SearchText: "tommy"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 2 || len(p.Users) != 2 {
		t.Fatalf("Count = %d, %d users; want 2, 2", p.Count, len(p.Users))
	}
	u0, u1 := p.Users[0], p.Users[1]
	want0 := apiclient.AccessUser{Profile: 2, Name: "First Last", IAMID: "bim", UserID: "first.last@immuta.com",
		Email: "first.last@immuta.com", Type: "user", Admin: "First Last", Approved: true, State: "owner",
		LastExternalRefresh: "2021-10-06T14:58:46.983Z", SubscriptionID: 586,
		CreatedAt: "2021-10-05T14:33:01.518Z", UpdatedAt: "2021-10-05T14:33:01.518Z",
		Approvals: []apiclient.Approval{{RequiredPermission: "OWNER", State: "approved", Approver: "First Last"}},
		Raw:       u0.Raw}
	if !reflect.DeepEqual(u0, want0) {
		t.Errorf("user 0 = %+v\nwant %+v", u0, want0)
	}
	if u1.Profile != 3 || u1.Name != "Tommy Test" || u1.State != "subscribed" || u1.SubscriptionID != 649 {
		t.Errorf("user 1 = %+v", u1)
	}
	for _, u := range p.Users {
		checkRaw(t, "user", u.Raw, body, u.MarshalJSON)
	}
	// The seed's own request: only sortOrder.
	s = route(t, http.MethodGet, "/dataSource/22/access", url.Values{"sortOrder": {"desc"}}, 200, body)
	if _, err := newClient(t, s).ListAccess(context.Background(), 22, apiclient.AccessOptions{SortOrder: "desc"}); err != nil {
		t.Fatal(err)
	}
}

func TestUserPolicyInfo(t *testing.T) {
	t.Parallel()
	body := fixture(t, "policy_info.json")
	s := route(t, http.MethodGet, "/dataSource/16/users/2/policyInfo", nil, 200, body)
	p, err := newClient(t, s).UserPolicyInfo(context.Background(), 16, 2)
	if err != nil {
		t.Fatal(err)
	}
	if p.VisibilityRuleApplies || string(p.Visibilities) != "[]" || string(p.AdditionalFilters) != "{}" {
		t.Errorf("policy info = %+v", p)
	}
	want := []apiclient.MaskedColumn{
		{Name: "WS_SOLD_DATE_SK", Type: "Consistent Value", ActionType: "Nullify"},
		{Name: "WS_BILL_CUSTOMER_SK", Type: "Consistent Value", ActionType: "Nullify"},
	}
	if len(p.Masked) != 2 {
		t.Fatalf("masked = %+v", p.Masked)
	}
	for i := range want {
		m := p.Masked[i]
		if !sameJSON(t, m.Metadata, []byte(`{"constant":null}`)) {
			t.Errorf("masked[%d].Metadata = %s", i, m.Metadata)
		}
		m.Metadata = nil
		if !reflect.DeepEqual(m, want[i]) {
			t.Errorf("masked[%d] = %+v, want %+v", i, m, want[i])
		}
	}
	checkRaw(t, "policyInfo", p.Raw, body, p.MarshalJSON)
}

// checkSeedReport asserts the seeds' visibility report, policySet included.
func checkSeedReport(t *testing.T, r apiclient.VisibilityReport, body []byte) {
	t.Helper()
	if !r.NoVisibilities || r.DataSourceVisibilitiesCount != 0 || r.UserVisibilitiesCount != 0 ||
		r.DataSource != 16 || r.DataSourceName != "Web Sales" || r.AllowMaskedJoins || len(r.Masked) != 2 ||
		r.Masked[1].Name != "WS_BILL_CUSTOMER_SK" || string(r.AdditionalFilters) != "{}" {
		t.Errorf("report = %+v", r)
	}
	checkRaw(t, "report", r.Raw, body, r.MarshalJSON)
	ps, err := r.Policies()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 {
		t.Fatalf("%d policies, want 2", len(ps))
	}
	for i, field := range []string{"WS_BILL_CUSTOMER_SK", "WS_SOLD_DATE_SK"} {
		p := ps[i]
		if p.Type != "masking" || len(p.Rules) != 1 || p.Global == nil || p.Description != "" {
			t.Fatalf("policy %d = %+v", i, p)
		}
		rule := p.Rules[0]
		if rule.Type != "masking" || !rule.RuleAppliedForUser || !reflect.DeepEqual(rule.Config.Fields, []string{field}) ||
			rule.Config.MaskingConfig == nil || rule.Config.MaskingConfig.Type != "Consistent Value" {
			t.Errorf("policy %d rule = %+v", i, rule)
		}
		g := *p.Global
		if g.ID != 9 || g.Name != "Data Policy" || g.Tag != "Confidential" || !g.Live || g.CreatedBy != "jane" ||
			g.CreatedByName != "jane" || g.CreatedAt != "2022-08-09T17:23:02.634Z" {
			t.Errorf("policy %d global = %+v", i, g)
		}
		if !bytes.Contains(p.Raw, []byte("ownerRestrictions")) {
			t.Errorf("policy %d Raw lost undocumented fields", i)
		}
	}
	if ps[0].PolicyHash != "3a2faac13e332cca1829ed773afa298a5455ac5bb54e68c53ae00991575d2a4b" ||
		ps[1].PolicyHash != "2877a1ace4cfa6427370fd39b254ce0ea75dc22cb024a2f857e033c82a987f9a" {
		t.Errorf("policy hashes = %q, %q", ps[0].PolicyHash, ps[1].PolicyHash)
	}
}

func TestUserVisibilityReport(t *testing.T) {
	t.Parallel()
	body := fixture(t, "user_visibility_report.json")
	s := route(t, http.MethodGet, "/dataSource/16/users/2/visibilityReport", nil, 200, body)
	rs, err := newClient(t, s).UserVisibilityReport(context.Background(), 16, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 {
		t.Fatalf("%d reports, want 1", len(rs))
	}
	checkSeedReport(t, rs[0], body)

	// A tenant that answers one object instead of an array.
	one := fixture(t, "my_visibility_report.json")
	s = route(t, http.MethodGet, "/dataSource/16/users/2/visibilityReport", nil, 200, one)
	rs, err = newClient(t, s).UserVisibilityReport(context.Background(), 16, 2)
	if err != nil || len(rs) != 1 {
		t.Fatalf("object answer: %d reports, %v", len(rs), err)
	}
	checkSeedReport(t, rs[0], one)
}

func TestMyVisibilityReport(t *testing.T) {
	t.Parallel()
	body := fixture(t, "my_visibility_report.json")
	s := route(t, http.MethodGet, "/dataSource/16/visibilityReport", nil, 200, body)
	r, err := newClient(t, s).MyVisibilityReport(context.Background(), 16)
	if err != nil {
		t.Fatal(err)
	}
	checkSeedReport(t, *r, body)
	if r.PolicySet[0] != '"' {
		t.Errorf("PolicySet should keep the string as sent, got %.20s", r.PolicySet)
	}
}

func TestSubscribe(t *testing.T) {
	t.Parallel()
	resp := fixture(t, "subscribe_response.json")
	s := route(t, http.MethodPost, "/dataSource/subscribe", nil, 200, resp)
	c := newClient(t, s)

	// The seed's full payload goes out unchanged.
	payload := fixture(t, "subscribe_request.json")
	var req apiclient.SubscribeRequest
	if err := json.Unmarshal(payload, &req); err != nil {
		t.Fatal(err)
	}
	r, err := c.Subscribe(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	h := s.Hits()[0]
	if !sameJSON(t, h.Body, payload) {
		t.Errorf("body = %s, want the seed payload", h.Body)
	}
	if ct := h.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if len(r.InError) != 0 || len(r.Success) != 1 {
		t.Fatalf("result = %+v", r)
	}
	sub := r.Success[0]
	if sub.ID != 64 || sub.ModelID != "22" || sub.DataSourceID() != 22 || sub.ModelType != "datasource" ||
		sub.State != "subscribed" || !sub.Approved || sub.Profile != 2 || sub.AcknowledgeRequired ||
		sub.CreatedAt != "2021-08-26T16:36:09.587Z" {
		t.Errorf("subscription = %+v", sub)
	}
	checkRaw(t, "subscribe", r.Raw, resp, r.MarshalJSON)

	// Subscribing yourself needs only the ids.
	if _, err := c.Subscribe(context.Background(), apiclient.SubscribeRequest{DataSourceIDs: []int64{22, 39}}); err != nil {
		t.Fatal(err)
	}
	if got := s.Hits()[1].Body; !sameJSON(t, got, []byte(`{"dataSourceIds":[22,39]}`)) {
		t.Errorf("minimal body = %s", got)
	}
}

func TestSubscribeNothingSendsNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {})
	if _, err := newClient(t, s).Subscribe(context.Background(), apiclient.SubscribeRequest{}); err == nil {
		t.Error("empty subscribe accepted")
	}
	if s.count() != 0 {
		t.Error("empty subscribe reached the server")
	}
}

func TestSubscribePendingAndFailures(t *testing.T) {
	t.Parallel()
	body := `{"inError":[39,{"dataSourceId":"40","message":"no access"},{"modelId":41,"error":"denied"},"odd"],
	"success":[{"id":65,"modelId":22,"state":"pending","approved":false,"future":1}]}`
	s := route(t, http.MethodPost, "/dataSource/subscribe", nil, 200, []byte(body))
	r, err := newClient(t, s).Subscribe(context.Background(), apiclient.SubscribeRequest{DataSourceIDs: []int64{22}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Success) != 1 || r.Success[0].State != "pending" || r.Success[0].DataSourceID() != 22 || r.Success[0].Approved {
		t.Errorf("success = %+v", r.Success)
	}
	want := []struct {
		id  int64
		msg string
	}{{39, ""}, {40, "no access"}, {41, "denied"}, {0, ""}}
	if len(r.InError) != len(want) {
		t.Fatalf("inError = %+v", r.InError)
	}
	for i, w := range want {
		if f := r.InError[i]; f.DataSourceID != w.id || f.Message != w.msg {
			t.Errorf("inError[%d] = %+v, want %d %q", i, f, w.id, w.msg)
		}
	}
}

func TestDeleteDataSource(t *testing.T) {
	t.Parallel()
	body := fixture(t, "delete_response.json")
	s := route(t, http.MethodDelete, "/dataSource/1", nil, 200, body)
	r, err := newClient(t, s).DeleteDataSource(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := apiclient.DeleteResult{Success: true, ID: 1, SchemaEvolutionID: 1, Name: "s3://research-data-source (64*****50499/us-east-2)",
		Disabled: true, Raw: r.Raw}
	if !reflect.DeepEqual(*r, want) {
		t.Errorf("result = %+v\nwant %+v", *r, want)
	}
	checkRaw(t, "delete", r.Raw, body, r.MarshalJSON)
	if h := s.Hits()[0]; len(h.Body) != 0 {
		t.Errorf("DELETE sent a body: %q", h.Body)
	}
}

func TestRestoreDataSource(t *testing.T) {
	t.Parallel()
	body := fixture(t, "get_22.json")
	s := route(t, http.MethodPut, "/dataSource/22", nil, 200, body)
	d, err := newClient(t, s).RestoreDataSource(context.Background(), 22)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Hits()[0].Body; !sameJSON(t, got, []byte(`{"deleted":false}`)) {
		t.Errorf("body = %s", got)
	}
	checkDetail22(t, d, body)
}

func TestCreateS3(t *testing.T) {
	t.Parallel()
	one := fixture(t, "s3_create_response.json")
	req := apiclient.S3CreateRequest{IntegrationID: 2, DataSources: []apiclient.S3Source{{DataSourceName: "research", Prefix: "research-data-source"}}}
	wantBody := `{"type":"Native S3","integrationId":2,"dataSources":[{"dataSourceName":"research","prefix":"research-data-source"}]}`

	s := route(t, http.MethodPost, "/native-s3/handler", nil, 200, one)
	got, err := newClient(t, s).CreateS3(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if body := s.Hits()[0].Body; !sameJSON(t, body, []byte(wantBody)) {
		t.Errorf("body = %s\nwant %s", body, wantBody)
	}
	if len(got) != 1 || got[0].DataSourceID != 1 || got[0].Prefix != "research-data-source" ||
		got[0].DataSourceName != "s3://research-data-source (64*****50499/us-east-2)" {
		t.Fatalf("created = %+v", got)
	}
	checkRaw(t, "s3", got[0].Raw, one, got[0].MarshalJSON)

	// With several sources some tenants answer an array.
	arr := []byte(`[` + string(one) + `, {"dataSourceId": 2, "prefix": "p2", "dataSourceName": "n2"}]`)
	s = route(t, http.MethodPost, "/native-s3/handler", nil, 200, arr)
	got, err = newClient(t, s).CreateS3(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].DataSourceID != 1 || got[1].DataSourceID != 2 || got[1].Prefix != "p2" {
		t.Errorf("created = %+v", got)
	}
	checkRaw(t, "s3[0]", got[0].Raw, arr, got[0].MarshalJSON)

	// An empty 201 says nothing of what was created: an error, not "none".
	s = route(t, http.MethodPost, "/native-s3/handler", nil, 201, nil)
	if got, err = newClient(t, s).CreateS3(context.Background(), req); !errors.Is(err, apiclient.ErrEmptyAnswer) || got != nil {
		t.Errorf("empty answer: %+v, %v", got, err)
	}
}

func TestGetS3Handler(t *testing.T) {
	t.Parallel()
	body := fixture(t, "s3_handler_response.json")
	s := route(t, http.MethodGet, "/native-s3/handler/1", nil, 200, body)
	h, err := newClient(t, s).GetS3Handler(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if h.ID != 1 || h.Type != "nativeS3Handler" || h.AWSLocationPath != "s3://" || h.Metadata.Prefix != "research-data-source" ||
		h.Metadata.IntegrationID != 2 || h.Metadata.DataSourceName != "s3://research-data-source (64*****50499/us-east-2)" {
		t.Errorf("handler = %+v", h)
	}
	checkRaw(t, "s3 handler", h.Raw, body, h.MarshalJSON)
}

// A value built in code (no Raw) marshals from its fields, without
// recursing into MarshalJSON.
func TestMarshalWithoutRaw(t *testing.T) {
	t.Parallel()
	for _, v := range []any{
		apiclient.DataSource{ID: 7, Name: "built"},
		&apiclient.DataSource{ID: 7, Name: "built"},
		apiclient.AccessUser{Profile: 7, Name: "built"},
		apiclient.VisibilityReport{DataSource: 7, DataSourceName: "built"},
		apiclient.PolicyInfo{Masked: []apiclient.MaskedColumn{{Name: "c7"}}},
		apiclient.LineageEntry{DataSourceID: 7, DataSourceName: "built"},
		apiclient.SubscribeResult{Success: []apiclient.Subscription{{ID: 7}}},
		apiclient.SubscribeFailure{DataSourceID: 7, Message: "built"},
		apiclient.DeleteResult{ID: 7, Name: "built"},
		apiclient.S3Created{DataSourceID: 7, DataSourceName: "built"},
		apiclient.S3Handler{ID: 7},
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%T: %v", v, err)
			continue
		}
		if !bytes.Contains(b, []byte("7")) {
			t.Errorf("%T marshals to %s", v, b)
		}
	}
}
