package apiclient_test

// Lenient decoding: tenants add fields and change types between versions;
// one odd field must never cost the user the whole object or page, and a
// body that is not JSON at all is an ErrMalformed error, never a panic.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

func TestDataSourceToleratesOddFields(t *testing.T) {
	t.Parallel()
	body := `{
		"id": 22, "name": "Public Barfoo",
		"recordCount": "many",
		"tags": "x",
		"createdBy": "jane",
		"rowCount": "six",
		"statusInfo": "fine",
		"blobHandler": [1, 2],
		"subscriptionPolicy": "automatic",
		"deleted": "no",
		"description": {"text": "an object"},
		"subscriptionId": "45",
		"approved": 1,
		"someFutureField": {"nested": [1, {"x": null}]},
		"status": "passed"
	}`
	var d apiclient.DataSource
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("one odd field failed the whole object: %v", err)
	}
	if d.ID != 22 || d.Name != "Public Barfoo" || d.Status != "passed" {
		t.Errorf("the good fields were lost: %+v", d)
	}
	// An odd value reads as "unknown", never as a made-up real value: no
	// "0 rows", no "not approved", no empty subscription policy.
	for _, c := range []struct {
		name string
		zero bool
	}{
		{"recordCount", d.RecordCount == 0},
		{"tags", d.Tags == nil},
		{"rowCount", d.RowCount == nil},
		{"statusInfo", d.StatusInfo == nil},
		{"blobHandler", d.BlobHandler == nil},
		{"subscriptionPolicy", d.SubscriptionPolicy == nil},
		{"deleted", !d.Deleted},
		{"description", d.Description == ""},
		{"subscriptionId", d.SubscriptionID == nil},
		{"approved", d.Approved == nil},
	} {
		if !c.zero {
			t.Errorf("%s of the wrong type should be left at its zero value", c.name)
		}
	}
	if d.CreatedBy != "jane" {
		t.Errorf("CreatedBy = %q, want jane (a user name instead of an id)", d.CreatedBy)
	}
	if !bytes.Equal(d.Raw, []byte(body)) {
		t.Error("Raw must keep every field as sent")
	}
}

func TestOddFieldsMatchedCaseInsensitively(t *testing.T) {
	t.Parallel()
	var d apiclient.DataSource
	if err := json.Unmarshal([]byte(`{"RowCount":"six","Approved":true,"NAME":"n"}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.RowCount != nil || ptrVal(d.Approved) != true || d.Name != "n" {
		t.Errorf("RowCount %v Approved %v Name %q", d.RowCount, d.Approved, d.Name)
	}
}

func TestNestedOddFields(t *testing.T) {
	t.Parallel()
	var r apiclient.VisibilityReport
	body := `{"dataSource":16,"masked":[{"name":"A","metadata":1},"x",{"name":5,"type":"T"}],"noVisibilities":"yes"}`
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	if r.DataSource != 16 || len(r.Masked) != 3 || r.Masked[0].Name != "A" || r.Masked[2].Type != "T" || r.Masked[2].Name != "" || r.NoVisibilities {
		t.Errorf("%+v", r)
	}
	var u apiclient.AccessUser
	if err := json.Unmarshal([]byte(`{"profile":2,"approvals":{"state":"x"},"name":"n"}`), &u); err != nil {
		t.Fatal(err)
	}
	if u.Profile != 2 || u.Name != "n" || u.Approvals != nil {
		t.Errorf("%+v", u)
	}
	var h apiclient.S3Handler
	if err := json.Unmarshal([]byte(`{"id":1,"metadata":{"prefix":"p","integrationId":"two"},"type":"nativeS3Handler"}`), &h); err != nil {
		t.Fatal(err)
	}
	if h.ID != 1 || h.Metadata.Prefix != "p" || h.Metadata.IntegrationID != 0 || h.Type != "nativeS3Handler" {
		t.Errorf("%+v", h)
	}
}

func TestDataSourceWrongIDTypeKeepsTheRest(t *testing.T) {
	t.Parallel()
	var d apiclient.DataSource
	if err := json.Unmarshal([]byte(`{"id":"22","name":"n","sqlTableName":"t"}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.ID != 0 || d.Name != "n" || d.SQLTableName != "t" {
		t.Errorf("%+v", d)
	}
}

func TestCreatedByShapes(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"createdBy":2}`:            "2",
		`{"createdBy":"jane"}`:       "jane",
		`{"createdBy":null}`:         "",
		`{"createdBy":{"id":2}}`:     `{"id":2}`,
		`{"createdBy":  12.5 }`:      "12.5",
		`{"createdBy":["a","b"]}`:    `["a","b"]`,
		`{"createdBy":"ünïcödé 名前"}`: "ünïcödé 名前",
	} {
		var d apiclient.DataSource
		if err := json.Unmarshal([]byte(body), &d); err != nil || d.CreatedBy.String() != want {
			t.Errorf("%s: CreatedBy = %q, %v; want %q", body, d.CreatedBy, err, want)
		}
	}
}

func TestTagShapes(t *testing.T) {
	t.Parallel()
	for body, want := range map[string][]string{
		`{"tags":["PII","Confidential"]}`:                         {"PII", "Confidential"},
		`{"tags":[{"name":"PII"},{"name":"Confidential","x":1}]}`: {"PII", "Confidential"},
		`{"tags":["PII",{"name":"Mixed"},5,null,{"id":3},[]]}`:    {"PII", "Mixed"},
		`{"tags":[]}`:                {},
		`{"tags":"x"}`:               nil,
		`{"tags":{"name":"single"}}`: nil,
		`{"tags":null}`:              nil,
		`{}`:                         nil,
	} {
		var d apiclient.DataSource
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		got := d.Tags.Names()
		if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Errorf("%s: tags = %q, want %q", body, got, want)
		}
	}
	var d apiclient.DataSource
	_ = json.Unmarshal([]byte(`{"tags":[{"name":"PII","source":"catalog"}]}`), &d)
	if string(d.Tags[0].Raw) != `{"name":"PII","source":"catalog"}` {
		t.Errorf("tag Raw = %s", d.Tags[0].Raw)
	}
}

func TestCatalogMetadataStringOrObject(t *testing.T) {
	t.Parallel()
	for _, v := range []string{`"from the catalog"`, `{"owner":"jane","tags":[1]}`, `null`, `42`} {
		var d apiclient.DataSource
		if err := json.Unmarshal([]byte(`{"id":1,"catalogMetadata":`+v+`}`), &d); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if string(d.CatalogMetadata) != v || d.ID != 1 {
			t.Errorf("catalogMetadata %s kept as %s", v, d.CatalogMetadata)
		}
	}
}

func TestPageShapes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body string
		count      int
		ids        []int64
	}{
		{"envelope", `{"count":5,"hits":[{"id":1},{"id":2}]}`, 5, []int64{1, 2}},
		{"bare array", `[{"id":1},{"id":2}]`, -1, []int64{1, 2}},
		{"count as string", `{"count":"5","hits":[{"id":1}]}`, 5, []int64{1}},
		{"count as float", `{"count":5.0,"hits":[{"id":1}]}`, 5, []int64{1}},
		{"count garbage", `{"count":"many","hits":[{"id":1}]}`, -1, []int64{1}},
		{"count NaN", `{"count":"NaN","hits":[{"id":1}]}`, -1, []int64{1}},
		{"count huge", `{"count":1e300,"hits":[{"id":1}]}`, -1, []int64{1}},
		{"count negative", `{"count":-5,"hits":[{"id":1}]}`, -1, []int64{1}},
		{"count null", `{"count":null,"hits":[]}`, -1, nil},
		{"count missing", `{"hits":[{"id":1}]}`, -1, []int64{1}},
		{"hits missing", `{"count":0}`, 0, nil},
		{"extra fields", `{"count":1,"hits":[{"id":1}],"facets":{"a":1},"took":3}`, 1, []int64{1}},
		{"odd hit among good ones", `[{"id":1},7,"x",null,{"id":"bad","name":"kept"},{"id":2}]`, -1, []int64{1, 0, 0, 0, 0, 2}},
		{"leading blanks", "\n\t [{\"id\":1}]", -1, []int64{1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p apiclient.DataSourcePage
			if err := json.Unmarshal([]byte(c.body), &p); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, h := range p.Hits {
				ids = append(ids, h.ID)
			}
			if p.Count != c.count || !reflect.DeepEqual(ids, c.ids) {
				t.Errorf("count %d ids %v, want %d %v", p.Count, ids, c.count, c.ids)
			}
			var a apiclient.AccessPage
			if err := json.Unmarshal([]byte(strings.ReplaceAll(c.body, `"hits"`, `"users"`)), &a); err != nil {
				t.Fatal(err)
			}
			if a.Count != c.count || len(a.Users) != len(c.ids) {
				t.Errorf("access page: count %d, %d users", a.Count, len(a.Users))
			}
		})
	}
}

func TestAccessPageAcceptsHits(t *testing.T) {
	t.Parallel()
	var a apiclient.AccessPage
	if err := json.Unmarshal([]byte(`{"count":1,"hits":[{"profile":9,"name":"x"}]}`), &a); err != nil {
		t.Fatal(err)
	}
	if a.Count != 1 || len(a.Users) != 1 || a.Users[0].Profile != 9 {
		t.Errorf("%+v", a)
	}
}

func TestPolicySetShapes(t *testing.T) {
	t.Parallel()
	const arr = `[{"type":"masking","rules":[{"type":"masking","config":{"fields":["A"]}}],"policyHash":"h"}]`
	str, _ := json.Marshal(arr)
	for _, c := range []struct {
		name, set string
		want      int
		fails     bool
	}{
		{"string holding an array", string(str), 1, false},
		{"the array itself", arr, 1, false},
		{"null", `null`, 0, false},
		{"empty string", `""`, 0, false},
		{"string holding null", `"null"`, 0, false},
		{"empty array", `[]`, 0, false},
		{"garbage string", `"not json ]["`, 0, true},
		{"number", `42`, 0, true},
		{"object", `{"type":"masking"}`, 0, true},
		{"string holding an object", `"{\"type\":\"masking\"}"`, 0, true},
		{"array of odd items", `[1,"x",null,{"type":"masking","rules":"bad"}]`, 4, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r apiclient.VisibilityReport
			if err := json.Unmarshal([]byte(`{"dataSource":16,"policySet":`+c.set+`}`), &r); err != nil {
				t.Fatalf("the report itself must decode: %v", err)
			}
			if r.DataSource != 16 {
				t.Errorf("DataSource = %d", r.DataSource)
			}
			ps, err := r.Policies()
			if (err != nil) != c.fails || len(ps) != c.want {
				t.Errorf("Policies() = %d policies, %v; want %d, fails=%v", len(ps), err, c.want, c.fails)
			}
			if c.want == 1 && (ps[0].PolicyHash != "h" || ps[0].Rules[0].Config.Fields[0] != "A") {
				t.Errorf("policy = %+v", ps[0])
			}
		})
	}
	var r apiclient.VisibilityReport
	if err := json.Unmarshal([]byte(`{"dataSource":16}`), &r); err != nil {
		t.Fatal(err)
	}
	if ps, err := r.Policies(); ps != nil || err != nil {
		t.Errorf("absent policySet: %v, %v", ps, err)
	}
}

// malformedCalls is every method that decodes a JSON answer, paired with the
// path it uses.
func malformedCalls() []struct {
	name, method, path string
	call               func(c *apiclient.Client) error
} {
	ctx := context.Background()
	return []struct {
		name, method, path string
		call               func(c *apiclient.Client) error
	}{
		{"ListDataSources", "GET", "/dataSource", func(c *apiclient.Client) error {
			_, err := c.ListDataSources(ctx, apiclient.ListOptions{})
			return err
		}},
		{"GetDataSource", "GET", "/dataSource/22", func(c *apiclient.Client) error { _, err := c.GetDataSource(ctx, 22); return err }},
		{"GetDataSourceByName", "GET", "/dataSource/name/x", func(c *apiclient.Client) error {
			_, err := c.GetDataSourceByName(ctx, "x")
			return err
		}},
		{"GetDataSourceBySQLTable", "GET", "/dataSource/sqlTableName/x", func(c *apiclient.Client) error {
			_, err := c.GetDataSourceBySQLTable(ctx, "x")
			return err
		}},
		{"Lineage", "GET", "/dataSource/4/lineage/parents", func(c *apiclient.Client) error {
			_, err := c.Lineage(ctx, 4, apiclient.LineageParents)
			return err
		}},
		{"ListAccess", "GET", "/dataSource/22/access", func(c *apiclient.Client) error {
			_, err := c.ListAccess(ctx, 22, apiclient.AccessOptions{})
			return err
		}},
		{"UserPolicyInfo", "GET", "/dataSource/16/users/2/policyInfo", func(c *apiclient.Client) error {
			_, err := c.UserPolicyInfo(ctx, 16, 2)
			return err
		}},
		{"UserVisibilityReport", "GET", "/dataSource/16/users/2/visibilityReport", func(c *apiclient.Client) error {
			_, err := c.UserVisibilityReport(ctx, 16, 2)
			return err
		}},
		{"MyVisibilityReport", "GET", "/dataSource/16/visibilityReport", func(c *apiclient.Client) error {
			_, err := c.MyVisibilityReport(ctx, 16)
			return err
		}},
		{"GetS3Handler", "GET", "/native-s3/handler/1", func(c *apiclient.Client) error { _, err := c.GetS3Handler(ctx, 1); return err }},
		{"Subscribe", "POST", "/dataSource/subscribe", func(c *apiclient.Client) error {
			_, err := c.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{22}})
			return err
		}},
		{"DeleteDataSource", "DELETE", "/dataSource/1", func(c *apiclient.Client) error { _, err := c.DeleteDataSource(ctx, 1); return err }},
		{"RestoreDataSource", "PUT", "/dataSource/1", func(c *apiclient.Client) error { _, err := c.RestoreDataSource(ctx, 1); return err }},
		{"CreateS3", "POST", "/native-s3/handler", func(c *apiclient.Client) error {
			_, err := c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 2})
			return err
		}},
	}
}

func TestMalformedBodyIsErrMalformed(t *testing.T) {
	t.Parallel()
	bodies := []string{
		`{"id":`,
		`<html><body>Sign in</body></html>`,
		`{"id":22}trailing`,
		"\x00\xff\xfe",
		`{"count":2,"hits":{"id":1}}`, // hits of the wrong type: the page is unusable
		testKey,                       // not JSON; must not be echoed either
	}
	for _, m := range malformedCalls() {
		for _, body := range bodies {
			if m.name != "ListDataSources" && m.name != "ListAccess" && strings.Contains(body, "hits") {
				continue
			}
			t.Run(m.name, func(t *testing.T) {
				s := route(t, m.method, m.path, nil, 200, []byte(body))
				err := m.call(newClient(t, s))
				if !errors.Is(err, apiclient.ErrMalformed) {
					t.Fatalf("body %q: err = %v, want ErrMalformed", body, err)
				}
				if !strings.Contains(err.Error(), m.method+" "+m.path) {
					t.Errorf("error %q does not say which call failed", err)
				}
				noSecret(t, err.Error())
				if s.count() != 1 {
					t.Errorf("a malformed answer was fetched %d times; it is not worth retrying", s.count())
				}
			})
		}
	}
}

func TestSeedBodiesDecodeEverywhere(t *testing.T) {
	t.Parallel()
	// Whatever seed body a call gets, it either decodes or returns an
	// error; no panic and no hang.
	for name, body := range fixtures(t) {
		for _, m := range malformedCalls() {
			s := route(t, m.method, m.path, nil, 200, body)
			err := m.call(newClient(t, s))
			if err != nil && !errors.Is(err, apiclient.ErrMalformed) {
				t.Errorf("%s with %s: %v", m.name, name, err)
			}
		}
	}
}

// An empty answer is never read as zero values (a source with id 0, a
// delete that "succeeded").
func TestNullAndEmptyBodies(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "null", "  \n"} {
		for _, m := range malformedCalls() {
			s := route(t, m.method, m.path, nil, 200, []byte(body))
			err := m.call(newClient(t, s))
			if !errors.Is(err, apiclient.ErrEmptyAnswer) || !errors.Is(err, apiclient.ErrMalformed) {
				t.Errorf("%s with %q: %v, want ErrEmptyAnswer", m.name, body, err)
			}
		}
	}
}
