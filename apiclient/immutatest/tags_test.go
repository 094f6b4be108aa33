package immutatest

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// Tags and dictionaries, through the real client and raw HTTP: the V1
// shapes, deterministic answers, and tag writes that the list, its tag
// filter and the source's tags all follow.

func TestSourceTagsV1Shape(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	var raw struct {
		Tags []map[string]any `json:"tags"`
	}
	if err := json.Unmarshal(get(t, s, "/dataSource/28/tags"), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Tags) != 2 {
		t.Fatalf("tags of 28 = %v, want PII and Sensitive", raw.Tags)
	}
	for _, k := range []string{"id", "name", "displayName", "context", "systemCreated", "deleted", "hasLeafNodes"} {
		if _, ok := raw.Tags[0][k]; !ok {
			t.Errorf("tag has no %q: %v", k, raw.Tags[0])
		}
	}
	got, err := c.ListSourceTags(ctx, IDPending)
	if err != nil {
		t.Fatal(err)
	}
	if n := got.Tags.Names(); !slices.Equal(n, []string{"PII", "Sensitive"}) || got.Tags[0].TagContext() != "catalog" {
		t.Errorf("client read %q (context %q)", n, got.Tags[0].TagContext())
	}
	// Same answer twice: deterministic.
	if a, b := get(t, s, "/dataSource/4/tags"), get(t, s, "/dataSource/4/tags"); string(a) != string(b) {
		t.Errorf("answers differ:\n%s\n%s", a, b)
	}
	if _, err := c.ListSourceTags(ctx, 99_999); !errors.Is(err, apiclient.ErrNotFound) {
		t.Errorf("unknown source: %v, want not found", err)
	}
}

func TestPIITaggedSources(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Sources: 300, Seed: 1})
	p, err := c.ListDataSources(ctx, apiclient.ListOptions{Tag: []string{"PII"}, Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Hits) < 5 {
		t.Fatalf("%d sources tagged PII, want several", len(p.Hits))
	}
	for _, d := range p.Hits {
		if !d.Tags.Has("PII") {
			t.Errorf("%d %s listed for tag=PII without it: %q", d.ID, d.Name, d.Tags.Names())
		}
	}
}

func TestDictionaryColumns(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	d, err := c.GetDictionary(ctx, IDCustomerData)
	if err != nil {
		t.Fatal(err)
	}
	if d.DataSource != IDCustomerData || len(d.Columns) < 4 || len(d.Types) == 0 {
		t.Fatalf("dictionary = %+v", d)
	}
	first := d.Columns[0]
	if first.Name != "CUSTOMER_ID" || first.DataType != "integer" || first.RemoteType != "NUMBER(38,0)" ||
		first.IsNullable() || !first.IsPrimaryKey {
		t.Errorf("key column = %+v", first)
	}
	var email *apiclient.Column
	for i := range d.Columns {
		if d.Columns[i].Name == "EMAIL" {
			email = &d.Columns[i]
		}
	}
	if email == nil || !email.IsNullable() || email.Description == "" || email.RemoteType != "VARCHAR(16777216)" ||
		!slices.Equal(email.Tags.Names(), []string{"PII.Email", "PII"}) {
		t.Errorf("email column = %+v", email)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(get(t, s, "/dictionary/26"), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "dataSource", "metadata", "types", "createdAt", "updatedAt"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("dictionary has no %q", k)
		}
	}
	if a, b := get(t, s, "/dictionary/26"), get(t, s, "/dictionary/26"); string(a) != string(b) {
		t.Error("dictionary not deterministic")
	}
	// Native S3: no columns, no dictionary.
	if _, err := c.GetDictionary(ctx, IDS3Research); !errors.Is(err, apiclient.ErrNotFound) {
		t.Errorf("S3 dictionary: %v, want not found", err)
	}
}

func TestTagWritesAreFollowedEverywhere(t *testing.T) {
	t.Parallel()
	for _, id := range []int64{IDPublicBarfoo, FirstGeneratedID + 7} {
		s, c := start(t, Options{Sources: 50, Seed: 3})
		added, err := c.AddSourceTags(ctx, id, []string{"PII.Email", "Zeta Tag/1"})
		if err != nil {
			t.Fatal(err)
		}
		if !added.Known || !slices.Equal(added.Tags.Names(), []string{"PII.Email", "Zeta Tag/1"}) || added.Tags[0].TagContext() != "manual" {
			t.Errorf("%d: answer %s", id, added.Raw)
		}
		tags, _ := c.ListSourceTags(ctx, id)
		if !tags.Tags.Has("PII.Email") || !tags.Tags.Has("Zeta Tag/1") {
			t.Errorf("%d: tags after add = %q", id, tags.Tags.Names())
		}
		inList := func(query, tag string) bool {
			p, err := c.ListDataSources(ctx, apiclient.ListOptions{Tag: []string{query}, Size: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(p.Hits, func(d apiclient.DataSource) bool { return d.ID == id && d.Tags.Has(tag) })
		}
		if !inList("pii.email", "PII.Email") {
			t.Errorf("%d: GET /dataSource?tag=pii.email does not list it with the tag", id)
		}
		got, _ := c.GetDataSource(ctx, id)
		if !got.Tags.Has("PII.Email") {
			t.Errorf("%d: detail tags = %q", id, got.Tags.Names())
		}
		if _, err := c.RemoveSourceTag(ctx, id, "Zeta Tag/1"); err != nil {
			t.Fatal(err)
		}
		if inList("Zeta Tag/1", "Zeta Tag/1") {
			t.Errorf("%d: still listed for a removed tag", id)
		}
		if _, err := c.RemoveSourceTag(ctx, id, "Zeta Tag/1"); !errors.Is(err, apiclient.ErrNotFound) {
			t.Errorf("%d: removing a tag it no longer has: %v, want 404", id, err)
		}
		var writes []string
		for _, r := range s.Handler.Requests() {
			if r.Method != http.MethodGet {
				writes = append(writes, strings.TrimSpace(r.Method+" "+r.Path+" "+r.Body))
			}
		}
		want := []string{
			"POST /tag/datasource/" + idStr(id) + ` [{"name":"PII.Email"},{"name":"Zeta Tag/1"}]`,
			"DELETE /tag/datasource/" + idStr(id) + "/Zeta Tag/1 ",
			"DELETE /tag/datasource/" + idStr(id) + "/Zeta Tag/1 ",
		}
		for i := range want {
			want[i] = strings.TrimSpace(want[i])
		}
		if !slices.Equal(writes, want) {
			t.Errorf("%d: writes recorded = %q, want %q", id, writes, want)
		}
	}
}

func TestSeedListUnchangedUntilATagWrite(t *testing.T) {
	t.Parallel()
	s, c := start(t, Options{})
	before := get(t, s, "/dataSource/22")
	if strings.Contains(string(before), `"tags"`) {
		t.Fatalf("the seed's detail of 22 has no tags; got %s", before)
	}
	if _, err := c.AddSourceTags(ctx, IDPublicBarfoo, []string{"Gold"}); err != nil {
		t.Fatal(err)
	}
	d, _ := c.GetDataSource(ctx, IDPublicBarfoo)
	if !slices.Equal(d.Tags.Names(), []string{"Gold"}) {
		t.Errorf("after the write the detail says %q", d.Tags.Names())
	}
}

func TestTagWriteRefusals(t *testing.T) {
	t.Parallel()
	s, _ := start(t, Options{})
	auth := "Bearer " + s.Handler.Key()
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/tag/datasource/22", `[]`, 400},
		{"POST", "/tag/datasource/22", `{"name":"x"}`, 400},
		{"POST", "/tag/datasource/22", `[{"id":3}]`, 400},
		{"POST", "/tag/datasource/22", `[{"name":"` + strings.Repeat("x", 501) + `"}]`, 400},
		{"POST", "/tag/datasource/99999", `[{"name":"x"}]`, 404},
		{"POST", "/tag/project/22", `[{"name":"x"}]`, 404},
		{"DELETE", "/tag/datasource/22/NotThere", ``, 404},
	} {
		if code, _, b := do(t, s, c.method, c.path, c.body, auth); code != c.want {
			t.Errorf("%s %s %s: %d %s, want %d", c.method, c.path, c.body, code, b, c.want)
		}
	}
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

// The demo notes on tags (demo.go) stay true.
func TestDemoTagNotes(t *testing.T) {
	t.Parallel()
	_, c := start(t, Options{Sources: 300})
	for id, want := range map[int64][]string{IDPending: {"PII", "Sensitive"}, IDParent: {"Healthcare", "PII"}} {
		got, err := c.ListSourceTags(ctx, id)
		if err != nil || !slices.Equal(got.Tags.Names(), want) {
			t.Errorf("tags of %d: %v %v, want %q", id, got, err, want)
		}
	}
	d, err := c.GetDictionary(ctx, IDCustomerData)
	if err != nil || !slices.ContainsFunc(d.Columns, func(col apiclient.Column) bool { return col.Name == "EMAIL" && col.Tags.Has("PII.Email") }) {
		t.Errorf("26's EMAIL is not tagged PII.Email: %v", err)
	}
}
