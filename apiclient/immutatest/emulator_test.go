package immutatest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

const nSeeds = 12

func TestListPaging(t *testing.T) {
	_, c := start(t, Options{Sources: 1000})
	p := must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{Size: 7}))
	if p.Count != 1000+nSeeds || len(p.Hits) != 7 {
		t.Fatalf("first page: count %d, %d hits", p.Count, len(p.Hits))
	}
	if p.Hits[0].ID != 1 || p.Hits[0].Name != NameS3Research {
		t.Fatalf("first hit %d %q", p.Hits[0].ID, p.Hits[0].Name)
	}
	var ids []int64
	for d, err := range c.AllDataSources(ctx, apiclient.ListOptions{Size: 150}) {
		if err != nil {
			t.Fatal(err)
		}
		if d.Name == "" || d.CreatedAt == "" || d.BlobHandlerType == "" || d.Status == "" || d.SubscriptionStatus == "" || d.SubscriptionPolicy == nil {
			t.Fatalf("hit %d lacks list fields: %s", d.ID, d.Raw)
		}
		ids = append(ids, d.ID)
	}
	if len(ids) != 1000+nSeeds || !slices.IsSorted(ids) || ids[nSeeds] != FirstGeneratedID || ids[len(ids)-1] != FirstGeneratedID+999 {
		t.Fatalf("walked %d ids, sorted %v, %v..%v", len(ids), slices.IsSorted(ids), ids[0], ids[len(ids)-1])
	}
	if len(slices.Compact(ids)) != len(ids) {
		t.Fatal("duplicate ids across pages")
	}
	// Past the end: an empty page that still has the total.
	p = must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{Offset: 5000}))
	if p.Count != 1000+nSeeds || len(p.Hits) != 0 {
		t.Fatalf("past the end: %d %d", p.Count, len(p.Hits))
	}
	// Default size is 100; desc without sortField is id descending.
	p = must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{SortOrder: "desc"}))
	if len(p.Hits) != DefaultPageSize || p.Hits[0].ID != FirstGeneratedID+999 {
		t.Fatalf("desc: %d hits, first %d", len(p.Hits), p.Hits[0].ID)
	}
}

func TestListSearchAndFilters(t *testing.T) {
	s, c := start(t, Options{Sources: 800, Seed: 7})
	list := func(o apiclient.ListOptions) []apiclient.DataSource {
		t.Helper()
		var out []apiclient.DataSource
		for d, err := range c.AllDataSources(ctx, o) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d)
		}
		return out
	}
	// Search: case-insensitive substring of the name.
	target, _ := s.Handler.SourceName(FirstGeneratedID + 234)
	for _, q := range []string{target, strings.ToUpper(target), strings.ToLower(target[2:])} {
		got := list(apiclient.ListOptions{SearchText: q, NameOnly: true})
		if !slices.ContainsFunc(got, func(d apiclient.DataSource) bool { return d.ID == FirstGeneratedID+234 }) {
			t.Fatalf("search %q did not find %q", q, target)
		}
		for _, d := range got {
			if !strings.Contains(strings.ToLower(d.Name), strings.ToLower(q)) {
				t.Fatalf("search %q found %q", q, d.Name)
			}
		}
	}
	// nameOnly=false also matches the SQL table name and the description.
	if got := list(apiclient.ListOptions{SearchText: "customer_data", NameOnly: true}); len(got) != 0 {
		t.Fatalf("nameOnly search matched %d", len(got))
	}
	got := list(apiclient.ListOptions{SearchText: "customer_data"})
	if !slices.ContainsFunc(got, func(d apiclient.DataSource) bool { return d.ID == IDCustomerData }) {
		t.Fatal("table search did not find Dbo Customer Data")
	}
	if got := list(apiclient.ListOptions{SearchText: "refreshed nightly"}); len(got) == 0 || !strings.Contains(got[0].Description, "refreshed nightly") {
		t.Fatal("description search found nothing")
	}
	if got := list(apiclient.ListOptions{SearchText: "no such source anywhere"}); len(got) != 0 {
		t.Fatalf("nonsense search found %d", len(got))
	}

	all := list(apiclient.ListOptions{Size: 1000})
	count := func(pred func(d apiclient.DataSource) bool) int {
		n := 0
		for _, d := range all {
			if pred(d) {
				n++
			}
		}
		return n
	}
	check := func(name string, o apiclient.ListOptions, pred func(d apiclient.DataSource) bool) {
		t.Helper()
		got := list(o)
		if len(got) == 0 {
			t.Fatalf("%s: no hits", name)
		}
		for _, d := range got {
			if !pred(d) {
				t.Fatalf("%s: hit does not match: %s", name, d.Raw)
			}
		}
		if want := count(pred); len(got) != want {
			t.Fatalf("%s: %d hits, want %d", name, len(got), want)
		}
	}
	hasTag := func(d apiclient.DataSource, tag string) bool { return slices.Contains(d.Tags.Names(), tag) }
	check("subscription", apiclient.ListOptions{Subscription: []string{"owner", "pending"}}, func(d apiclient.DataSource) bool {
		return d.SubscriptionStatus == "owner" || d.SubscriptionStatus == "pending"
	})
	check("status", apiclient.ListOptions{Status: []string{"failed"}}, func(d apiclient.DataSource) bool { return d.Status == "failed" })
	check("tag", apiclient.ListOptions{Tag: []string{"PII"}}, func(d apiclient.DataSource) bool { return hasTag(d, "PII") })
	check("handler", apiclient.ListOptions{BlobHandlerType: []string{"Native S3"}}, func(d apiclient.DataSource) bool { return d.BlobHandlerType == "Native S3" })
	check("connection", apiclient.ListOptions{ConnectionString: []string{connStrings[4]}}, func(d apiclient.DataSource) bool { return d.ConnectionString == connStrings[4] })
	check("schema", apiclient.ListOptions{Schema: "public"}, func(d apiclient.DataSource) bool {
		return d.SQLSchemaName == "public"
	})
	check("and", apiclient.ListOptions{Status: []string{"passed"}, BlobHandlerType: []string{"Snowflake"}, Tag: []string{"Gold"}}, func(d apiclient.DataSource) bool {
		return d.Status == "passed" && d.BlobHandlerType == "Snowflake" && hasTag(d, "Gold")
	})
	check("disabled are listed", apiclient.ListOptions{}, func(d apiclient.DataSource) bool { return true })
	if count(func(d apiclient.DataSource) bool { return d.IsDisabled() && d.Deleted && d.Disabled }) == 0 {
		t.Fatal("no disabled source in the list")
	}
	// column filter: the seed Web Sales has WS_ITEM_SK.
	got = list(apiclient.ListOptions{Column: []string{"ws_item_sk"}})
	if len(got) != 1 || got[0].ID != IDWebSales {
		t.Fatalf("column filter: %d hits", len(got))
	}
	// Tags come both as strings and as objects.
	var strTags, objTags bool
	for _, d := range all {
		var raw struct{ Tags []json.RawMessage }
		_ = json.Unmarshal(d.Raw, &raw)
		for _, tg := range raw.Tags {
			strTags = strTags || tg[0] == '"'
			objTags = objTags || tg[0] == '{'
		}
	}
	if !strTags || !objTags {
		t.Fatalf("tags: strings %v objects %v", strTags, objTags)
	}
	// A bad sortField or sortOrder is a 400.
	for _, q := range []string{"sortField=bogus", "sortOrder=up", "size=-1", "offset=x", "nameOnly=maybe"} {
		code, _, b := do(t, s, "GET", "/dataSource?"+q, "", "Bearer demo-key")
		if code != 400 {
			t.Fatalf("%s: %d", q, code)
		}
		hapi(t, 400, b)
	}
}

func TestListSort(t *testing.T) {
	s, c := start(t, Options{Sources: 400, Seed: 3})
	// Custom names sort among generated ones.
	must[[]apiclient.S3Created](t)(c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 1, DataSources: []apiclient.S3Source{
		{DataSourceName: "aardvark sightings", Prefix: "zoo/a"}, {DataSourceName: "Sales Zzz", Prefix: "zoo/z"}}}))
	walk := func(o apiclient.ListOptions) []apiclient.DataSource {
		var out []apiclient.DataSource
		for d, err := range c.AllDataSources(ctx, o) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, d)
		}
		return out
	}
	ds := walk(apiclient.ListOptions{SortField: "name", Size: 500})
	if len(ds) != 400+nSeeds+2 {
		t.Fatalf("%d sources", len(ds))
	}
	for i := 1; i < len(ds); i++ {
		if strings.ToLower(ds[i-1].Name) > strings.ToLower(ds[i].Name) {
			t.Fatalf("not sorted by name at %d: %q > %q", i, ds[i-1].Name, ds[i].Name)
		}
	}
	if ds[0].Name != "aardvark sightings" {
		t.Fatalf("first by name: %q", ds[0].Name)
	}
	desc := walk(apiclient.ListOptions{SortField: "name", SortOrder: "desc", Size: 500})
	if desc[0].Name != ds[len(ds)-1].Name || desc[len(desc)-1].Name != ds[0].Name {
		t.Fatal("desc is not the reverse")
	}
	for _, f := range []string{"createdAt", "recordCount", "status", "blobHandlerType", "subscriptionStatus", "id"} {
		ds := walk(apiclient.ListOptions{SortField: f, SortOrder: "desc", Size: 1000})
		key := func(d apiclient.DataSource) string {
			switch f {
			case "createdAt":
				return d.CreatedAt
			case "recordCount":
				return fmt.Sprintf("%020d", d.RecordCount)
			case "status":
				return d.Status
			case "blobHandlerType":
				return d.BlobHandlerType
			case "subscriptionStatus":
				return d.SubscriptionStatus
			}
			return fmt.Sprintf("%020d", d.ID)
		}
		for i := 1; i < len(ds); i++ {
			if key(ds[i-1]) < key(ds[i]) {
				t.Fatalf("%s desc: %q before %q", f, key(ds[i-1]), key(ds[i]))
			}
		}
	}
	_ = s
}

// Names sort exactly like their lower-cased strings, also once the
// three-word combinations run out and names get a number.
func TestNameSortAcrossRepeats(t *testing.T) {
	if testing.Short() {
		t.Skip("70k sources")
	}
	h := NewHandler(Options{Sources: comboN + 4000, Seed: 11})
	h.mu.RLock()
	ids := h.view(&listQuery{sortField: "name"})
	h.mu.RUnlock()
	if len(ids) != comboN+4000+nSeeds {
		t.Fatalf("%d ids", len(ids))
	}
	prev := ""
	for i, id := range ids {
		name, _ := h.SourceName(int64(id))
		low := strings.ToLower(name)
		if i > 0 && low < prev {
			t.Fatalf("at %d: %q after %q", i, low, prev)
		}
		prev = low
	}
	// Names and tables round-trip to their index.
	for _, i := range []int{0, 1, 999, comboN - 1, comboN, comboN + 3999} {
		id := int64(FirstGeneratedID + i)
		name, _ := h.SourceName(id)
		if got := h.idByName(name); got != id {
			t.Fatalf("name %q -> %d, want %d", name, got, id)
		}
		if table, _ := h.SQLTableName(id); table != "" {
			if got := h.idByTable(table); got != id {
				t.Fatalf("table %q -> %d, want %d", table, got, id)
			}
		}
	}
}

func TestGetByIDNameTable(t *testing.T) {
	s, c := start(t, Options{Sources: 500})
	d := must[*apiclient.DataSource](t)(c.GetDataSource(ctx, IDWebSales))
	if d.Name != NameWebSales || d.SQLTableName != "web_sales" || d.RowCount == nil || d.Documentation == "" ||
		len(d.StatusInfo) < 3 || d.BlobHandler == nil || d.BlobHandler.URL == "" || d.SubscriptionID == nil ||
		d.Approved == nil || !*d.Approved || d.ColumnEvolutionEnabled == nil || d.UpdatedAt == "" {
		t.Fatalf("Web Sales detail incomplete: %s", d.Raw)
	}
	for _, name := range []string{NamePublicBarfoo, NameS3Research, NameNeedsApproval} {
		d := must[*apiclient.DataSource](t)(c.GetDataSourceByName(ctx, name))
		if d.Name != name {
			t.Fatalf("by name %q: got %q", name, d.Name)
		}
	}
	gname, _ := s.Handler.SourceName(FirstGeneratedID + 42)
	if d := must[*apiclient.DataSource](t)(c.GetDataSourceByName(ctx, gname)); d.ID != FirstGeneratedID+42 {
		t.Fatalf("generated by name: %d", d.ID)
	}
	if d := must[*apiclient.DataSource](t)(c.GetDataSourceBySQLTable(ctx, TableCustomerData)); d.ID != IDCustomerData {
		t.Fatalf("by table: %d", d.ID)
	}
	for id := int64(FirstGeneratedID); id < FirstGeneratedID+50; id++ {
		d := must[*apiclient.DataSource](t)(c.GetDataSource(ctx, id))
		if d.BlobHandlerType == "Native S3" {
			if d.SQLTableName != "" {
				t.Fatalf("S3 source %d has a table", id)
			}
			continue
		}
		if got := must[*apiclient.DataSource](t)(c.GetDataSourceBySQLTable(ctx, d.SQLTableName)); got.ID != id {
			t.Fatalf("table %q -> %d", d.SQLTableName, got.ID)
		}
	}
	for _, f := range []func() error{
		func() error { _, err := c.GetDataSource(ctx, 999); return err },
		func() error { _, err := c.GetDataSource(ctx, FirstGeneratedID+500); return err },
		func() error { _, err := c.GetDataSourceByName(ctx, "No Such Source"); return err },
		func() error { _, err := c.GetDataSourceBySQLTable(ctx, "no_such_table"); return err },
	} {
		err := f()
		var ae *apiclient.APIError
		if !errors.Is(err, apiclient.ErrNotFound) || !errors.As(err, &ae) || !strings.Contains(ae.Message, "not found") {
			t.Fatalf("want a 404 with a message, got %v", err)
		}
	}
	if _, err := c.GetDataSource(ctx, 999); !strings.Contains(err.Error(), "Data source 999 not found") {
		t.Fatalf("message: %v", err)
	}
	code, _, b := do(t, s, "GET", "/dataSource/abc", "", "Bearer demo-key")
	if code != 400 {
		t.Fatalf("non-numeric id: %d", code)
	}
	hapi(t, 400, b)
	// Catalog metadata comes as null, a string or an object across sources.
	kinds := map[byte]bool{}
	for id := int64(FirstGeneratedID); id < FirstGeneratedID+60; id++ {
		d := must[*apiclient.DataSource](t)(c.GetDataSource(ctx, id))
		kinds[bytes.TrimSpace(d.CatalogMetadata)[0]] = true
	}
	if !kinds['n'] || !kinds['"'] || !kinds['{'] {
		t.Fatalf("catalogMetadata kinds: %v", kinds)
	}
}

func TestLineage(t *testing.T) {
	_, c := start(t, Options{Sources: 2000})
	parents := must[[]apiclient.LineageEntry](t)(c.Lineage(ctx, IDDerived, apiclient.LineageParents))
	if len(parents) != 1 || parents[0].DataSourceID != IDParent || parents[0].DataSourceName != NameParent {
		t.Fatalf("parents of 4: %+v", parents)
	}
	children := must[[]apiclient.LineageEntry](t)(c.Lineage(ctx, IDParent, apiclient.LineageChildren))
	if !slices.ContainsFunc(children, func(e apiclient.LineageEntry) bool {
		return e.DataSourceID == IDDerived && e.DataSourceName == NameDerived
	}) {
		t.Fatalf("children of 3: %+v", children)
	}
	if got := must[[]apiclient.LineageEntry](t)(c.Lineage(ctx, IDWebSales, apiclient.LineageParents)); got == nil || len(got) != 0 {
		t.Fatalf("Web Sales parents: %+v", got)
	}
	// Generated: source derivedEvery-1 is derived from its predecessor.
	child := int64(FirstGeneratedID + derivedEvery - 1)
	p := must[[]apiclient.LineageEntry](t)(c.Lineage(ctx, child, apiclient.LineageParents))
	ch := must[[]apiclient.LineageEntry](t)(c.Lineage(ctx, child-1, apiclient.LineageChildren))
	if len(p) != 1 || p[0].DataSourceID != child-1 || len(ch) != 1 || ch[0].DataSourceID != child {
		t.Fatalf("generated lineage: %+v %+v", p, ch)
	}
	if _, err := c.Lineage(ctx, 99999, apiclient.LineageParents); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	// Disabling the parent shows in the child's lineage.
	must[*apiclient.DeleteResult](t)(c.DeleteDataSource(ctx, IDParent))
	p = must[[]apiclient.LineageEntry](t)(c.Lineage(ctx, IDDerived, apiclient.LineageParents))
	if len(p) != 1 || !p[0].Deleted {
		t.Fatalf("disabled parent: %+v", p)
	}
}

func TestBlob(t *testing.T) {
	s, c := start(t, Options{Sources: 10})
	for _, blob := range s.Handler.BlobIDs(IDPublicBarfoo) {
		var a, b bytes.Buffer
		n := must[int64](t)(c.DownloadBlob(ctx, IDPublicBarfoo, blob, &a))
		must[int64](t)(c.DownloadBlob(ctx, IDPublicBarfoo, blob, &b))
		if n < 1024 || int64(a.Len()) != n || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("blob %q: %d bytes, deterministic %v", blob, n, bytes.Equal(a.Bytes(), b.Bytes()))
		}
	}
	var w bytes.Buffer
	if _, err := c.DownloadBlob(ctx, IDPublicBarfoo, "nope", &w); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("unknown blob: %v", err)
	}
	_, h, _ := do(t, s, "GET", "/dataSource/22/blob/22", "", "Bearer demo-key")
	if h.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("content type %q", h.Get("Content-Type"))
	}
}

func TestAccess(t *testing.T) {
	_, c := start(t, Options{Sources: 300})
	p := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, IDWebSales, apiclient.AccessOptions{Size: 10}))
	if p.Count != WebSalesUsers || len(p.Users) != 10 {
		t.Fatalf("Web Sales: count %d, %d users", p.Count, len(p.Users))
	}
	seen := map[int64]bool{}
	var caller *apiclient.AccessUser
	states := map[string]int{}
	var walked []apiclient.AccessUser
	for u, err := range c.AllAccess(ctx, IDWebSales, apiclient.AccessOptions{Size: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, u)
		if seen[u.Profile] {
			t.Fatalf("profile %d twice", u.Profile)
		}
		seen[u.Profile] = true
		states[u.State]++
		if u.Profile == CallerProfile {
			caller = &u
		}
		if u.Name == "" || u.Email == "" || u.CreatedAt == "" || len(u.Approvals) != 1 || u.SubscriptionID == 0 {
			t.Fatalf("user incomplete: %s", u.Raw)
		}
	}
	if len(seen) != WebSalesUsers || caller == nil || caller.State != "owner" || caller.Name != CallerName {
		t.Fatalf("walked %d users, caller %+v", len(seen), caller)
	}
	if states["subscribed"] == 0 || states["pending"] == 0 || states["expert"] == 0 {
		t.Fatalf("states: %v", states)
	}
	// Most sources have 2..40 users.
	for id := int64(FirstGeneratedID); id < FirstGeneratedID+30; id++ {
		p := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, id, apiclient.AccessOptions{}))
		if p.Count < 2 || p.Count > 40 && p.Count < 1000 || len(p.Users) != min(p.Count, DefaultPageSize) {
			t.Fatalf("source %d: %d users", id, p.Count)
		}
	}
	// Search by name or email; order: owners first, then by name.
	p = must[*apiclient.AccessPage](t)(c.ListAccess(ctx, IDWebSales, apiclient.AccessOptions{SearchText: "first.last@"}))
	if p.Count != 1 || p.Users[0].Profile != CallerProfile {
		t.Fatalf("search: %+v", p)
	}
	rank := map[string]int{"owner": 0, "expert": 1, "subscribed": 2, "pending": 3}
	for i := 1; i < len(walked); i++ {
		a, b := walked[i-1], walked[i]
		if rank[a.State] > rank[b.State] || rank[a.State] == rank[b.State] && a.Name > b.Name {
			t.Fatalf("order at %d: %s/%s then %s/%s", i, a.State, a.Name, b.State, b.Name)
		}
	}
	if _, err := c.ListAccess(ctx, 999, apiclient.AccessOptions{}); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestPolicyInfoAndReports(t *testing.T) {
	_, c := start(t, Options{Sources: 50})
	// Different users of Finance Ledger see different things.
	var exempt, filtered, masked int
	for p := int64(2); p < 60; p++ {
		pi := must[*apiclient.PolicyInfo](t)(c.UserPolicyInfo(ctx, IDNeedsApproval, p))
		if len(pi.Masked) == 0 {
			exempt++
		} else {
			masked++
		}
		if string(pi.AdditionalFilters) != "{}" {
			filtered++
			if !pi.VisibilityRuleApplies {
				t.Fatalf("filter without visibilityRuleApplies: %s", pi.Raw)
			}
		}
		for _, m := range pi.Masked {
			if m.Name == "" || m.Type == "" || m.ActionType == "" || len(m.Metadata) == 0 {
				t.Fatalf("masked column incomplete: %s", pi.Raw)
			}
		}
		reps := must[[]apiclient.VisibilityReport](t)(c.UserVisibilityReport(ctx, IDNeedsApproval, p))
		if len(reps) != 1 || reps[0].DataSource != IDNeedsApproval || reps[0].DataSourceName != NameNeedsApproval {
			t.Fatalf("report: %+v", reps)
		}
		pols, err := apiclient.DecodePolicySet(reps[0].PolicySet)
		if err != nil || len(pols) != 3 {
			t.Fatalf("policySet: %d policies, %v", len(pols), err)
		}
		applied := 0
		for _, pol := range pols {
			if pol.Global == nil || pol.PolicyHash == "" || len(pol.Rules) != 1 {
				t.Fatalf("policy incomplete: %s", pol.Raw)
			}
			if pol.Type == "masking" && pol.Rules[0].RuleAppliedForUser {
				applied++
				if len(pol.Rules[0].Config.Fields) != 1 || pol.Rules[0].Config.MaskingConfig == nil {
					t.Fatalf("masking rule: %s", pol.Raw)
				}
			}
			if pol.Type == "where" && pol.Rules[0].Config.Predicate == "" {
				t.Fatalf("row rule: %s", pol.Raw)
			}
		}
		if applied != len(reps[0].Masked) || applied != len(pi.Masked) {
			t.Fatalf("profile %d: %d rules applied, %d masked", p, applied, len(reps[0].Masked))
		}
	}
	if exempt == 0 || filtered == 0 || masked == 0 {
		t.Fatalf("no variety: exempt %d filtered %d masked %d", exempt, filtered, masked)
	}
	me := must[*apiclient.VisibilityReport](t)(c.MyVisibilityReport(ctx, IDWebSales))
	pols := must[[]apiclient.Policy](t)(me.Policies())
	if len(pols) != 2 || pols[0].Rules[0].Config.Fields[0] != "WS_BILL_CUSTOMER_SK" || pols[0].Global.Name != "Data Policy" {
		t.Fatalf("Web Sales policies: %+v", pols)
	}
	if _, err := c.UserPolicyInfo(ctx, IDWebSales, 999999); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := c.MyVisibilityReport(ctx, 999); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("unknown source: %v", err)
	}
}

func TestSubscribe(t *testing.T) {
	s, c := start(t, Options{Sources: 400, Seed: 5})
	// Find a generated source with an automatic policy the caller is not on.
	var auto int64
	for d, err := range c.AllDataSources(ctx, apiclient.ListOptions{Subscription: []string{"not_subscribed"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if d.ID >= FirstGeneratedID && !d.IsDisabled() && d.SubscriptionPolicy.AutomaticSubscription != nil && *d.SubscriptionPolicy.AutomaticSubscription {
			auto = d.ID
			break
		}
	}
	if auto == 0 {
		t.Fatal("no automatic, unsubscribed source")
	}
	r := must[*apiclient.SubscribeResult](t)(c.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{auto, IDNeedsApproval, 99999, IDDisabled}}))
	if len(r.Success) != 2 || len(r.InError) != 2 {
		t.Fatalf("result: %s", r.Raw)
	}
	if r.Success[0].DataSourceID() != auto || r.Success[0].State != "subscribed" || !r.Success[0].Approved || r.Success[0].Profile != CallerProfile {
		t.Fatalf("automatic: %s", r.Success[0].Raw)
	}
	if r.Success[1].DataSourceID() != IDNeedsApproval || r.Success[1].State != "pending" || r.Success[1].Approved {
		t.Fatalf("approval: %s", r.Success[1].Raw)
	}
	if r.InError[0].DataSourceID != 99999 || !strings.Contains(r.InError[0].Message, "not found") ||
		r.InError[1].DataSourceID != IDDisabled || !strings.Contains(r.InError[1].Message, "disabled") {
		t.Fatalf("inError: %+v", r.InError)
	}
	// The new states show in details, the list and the access lists.
	for id, want := range map[int64]string{auto: "subscribed", IDNeedsApproval: "pending"} {
		d := must[*apiclient.DataSource](t)(c.GetDataSource(ctx, id))
		if d.SubscriptionStatus != want {
			t.Fatalf("%d: %q", id, d.SubscriptionStatus)
		}
		p := must[*apiclient.AccessPage](t)(c.ListAccess(ctx, id, apiclient.AccessOptions{SearchText: CallerEmail}))
		if p.Count != 1 || p.Users[0].State != want || p.Users[0].Approved != (want == "subscribed") {
			t.Fatalf("%d access: %+v", id, p.Users)
		}
		found := false
		for d, err := range c.AllDataSources(ctx, apiclient.ListOptions{Subscription: []string{want}}) {
			if err != nil {
				t.Fatal(err)
			}
			found = found || d.ID == id
		}
		if !found {
			t.Fatalf("%d not listed as %s", id, want)
		}
	}
	// Subscribing again keeps the same subscription.
	r2 := must[*apiclient.SubscribeResult](t)(c.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{auto}}))
	if r2.Success[0].ID != r.Success[0].ID || r2.Success[0].State != "subscribed" {
		t.Fatalf("again: %s", r2.Raw)
	}
	for _, body := range []string{`{}`, `{"dataSourceIds":[]}`, `{"dataSourceIds":["x"]}`, `not json`} {
		code, _, b := do(t, s, "POST", "/dataSource/subscribe", body, "Bearer demo-key")
		if code != 400 {
			t.Fatalf("%s: %d", body, code)
		}
		hapi(t, 400, b)
	}
}

func TestDeleteAndRestore(t *testing.T) {
	s, c := start(t, Options{Sources: 100})
	before := s.Handler.Len()
	for _, id := range []int64{FirstGeneratedID + 7, IDPublicBarfoo} {
		name, _ := s.Handler.SourceName(id)
		r := must[*apiclient.DeleteResult](t)(c.DeleteDataSource(ctx, id))
		if !r.Success || !r.Disabled || r.HardDelete || r.ID != id || r.Name != name || r.SchemaEvolutionID == 0 {
			t.Fatalf("soft delete %d: %s", id, r.Raw)
		}
		d := must[*apiclient.DataSource](t)(c.GetDataSource(ctx, id))
		if !d.Deleted || !d.Disabled {
			t.Fatalf("after soft delete: %s", d.Raw)
		}
		p := must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{SearchText: name, NameOnly: true}))
		if len(p.Hits) == 0 || !p.Hits[0].Deleted || !p.Hits[0].Disabled {
			t.Fatalf("list after soft delete: %+v", p)
		}
		d = must[*apiclient.DataSource](t)(c.RestoreDataSource(ctx, id))
		if d.IsDisabled() || d.ID != id {
			t.Fatalf("restore: %s", d.Raw)
		}
		if d := must[*apiclient.DataSource](t)(c.GetDataSource(ctx, id)); d.IsDisabled() {
			t.Fatalf("after restore: %s", d.Raw)
		}
		must[*apiclient.DeleteResult](t)(c.DeleteDataSource(ctx, id))
		r = must[*apiclient.DeleteResult](t)(c.DeleteDataSource(ctx, id))
		if !r.Success || !r.HardDelete {
			t.Fatalf("hard delete: %s", r.Raw)
		}
		if _, err := c.GetDataSource(ctx, id); !errors.Is(err, apiclient.ErrNotFound) {
			t.Fatalf("after hard delete: %v", err)
		}
		if _, err := c.GetDataSourceByName(ctx, name); !errors.Is(err, apiclient.ErrNotFound) {
			t.Fatalf("by name after hard delete: %v", err)
		}
		if _, err := c.DeleteDataSource(ctx, id); !errors.Is(err, apiclient.ErrNotFound) {
			t.Fatalf("third delete: %v", err)
		}
	}
	if got := s.Handler.Len(); got != before-2 {
		t.Fatalf("Len %d, want %d", got, before-2)
	}
	p := must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{}))
	if p.Count != before-2 {
		t.Fatalf("count %d, want %d", p.Count, before-2)
	}
	// The seed that starts disabled restores too; other PUT bodies are 400s.
	if d := must[*apiclient.DataSource](t)(c.RestoreDataSource(ctx, IDDisabled)); d.IsDisabled() {
		t.Fatal("seed not restored")
	}
	for _, body := range []string{`{"deleted":true}`, `{"name":"x"}`, `{"deleted":false,"name":"x"}`, `[]`} {
		code, _, b := do(t, s, "PUT", "/dataSource/16", body, "Bearer demo-key")
		if code != 400 {
			t.Fatalf("PUT %s: %d", body, code)
		}
		hapi(t, 400, b)
	}
	if _, err := c.RestoreDataSource(ctx, 99999); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("restore unknown: %v", err)
	}
}

func TestCreateS3(t *testing.T) {
	s, c := start(t, Options{Sources: 100})
	one := must[[]apiclient.S3Created](t)(c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 2,
		DataSources: []apiclient.S3Source{{DataSourceName: "Research Raw", Prefix: "research-raw"}}}))
	if len(one) != 1 || one[0].DataSourceName != "Research Raw" || one[0].Prefix != "research-raw" || one[0].DataSourceID < FirstGeneratedID+100 {
		t.Fatalf("one: %+v", one)
	}
	if one[0].Raw[0] != '{' {
		t.Fatalf("single create should answer an object: %s", one[0].Raw)
	}
	code, _, b := do(t, s, "POST", "/native-s3/handler", `{"type":"Native S3","integrationId":1,"dataSources":[{"dataSourceName":"A1","prefix":"a/1"},{"dataSourceName":"A2","prefix":"a/2"}]}`, "demo-key")
	if code != 200 || b[0] != '[' {
		t.Fatalf("multi: %d %s", code, b)
	}
	var many []apiclient.S3Created
	_ = json.Unmarshal(b, &many)
	if len(many) != 2 || many[1].DataSourceID != many[0].DataSourceID+1 {
		t.Fatalf("multi: %s", b)
	}
	h := must[*apiclient.S3Handler](t)(c.GetS3Handler(ctx, one[0].DataSourceID))
	if h.ID != one[0].DataSourceID || h.Type != "nativeS3Handler" || h.Metadata.Prefix != "research-raw" || h.Metadata.IntegrationID != 2 || h.AWSLocationPath == "" {
		t.Fatalf("handler: %s", h.Raw)
	}
	d := must[*apiclient.DataSource](t)(c.GetDataSourceByName(ctx, "A2"))
	if d.ID != many[1].DataSourceID || d.BlobHandlerType != "Native S3" || d.SubscriptionStatus != "owner" {
		t.Fatalf("created source: %s", d.Raw)
	}
	found := 0
	for d, err := range c.AllDataSources(ctx, apiclient.ListOptions{BlobHandlerType: []string{"Native S3"}, SearchText: "a", NameOnly: true}) {
		if err != nil {
			t.Fatal(err)
		}
		if d.Name == "A1" || d.Name == "A2" || d.Name == "Research Raw" {
			found++
		}
	}
	if found != 3 {
		t.Fatalf("created sources listed: %d", found)
	}
	genName, _ := s.Handler.SourceName(FirstGeneratedID + 3)
	for _, tc := range []struct {
		body string
		code int
		msg  string
	}{
		{`{"type":"Native S3","integrationId":1,"dataSources":[{"dataSourceName":"x","prefix":""}]}`, 400, `"dataSources[0].prefix" is not allowed to be empty`},
		{`{"type":"Native S3","integrationId":1,"dataSources":[{"dataSourceName":"x","prefix":"p"},{"dataSourceName":"","prefix":"p"}]}`, 400, `"dataSources[1].dataSourceName" is not allowed to be empty`},
		{`{"type":"Native S3","integrationId":1,"dataSources":[{"prefix":"p"}]}`, 400, `"dataSources[0].dataSourceName" is required`},
		{`{"type":"S3","integrationId":1,"dataSources":[{"dataSourceName":"x","prefix":"p"}]}`, 400, `"type" must be [Native S3]`},
		{`{"integrationId":1,"dataSources":[{"dataSourceName":"x","prefix":"p"}]}`, 400, `"type" is required`},
		{`{"type":"Native S3","integrationId":77,"dataSources":[{"dataSourceName":"x","prefix":"p"}]}`, 400, `"integrationId"`},
		{`{"type":"Native S3","integrationId":"one","dataSources":[{"dataSourceName":"x","prefix":"p"}]}`, 400, `"integrationId" must be a number`},
		{`{"type":"Native S3","dataSources":[{"dataSourceName":"x","prefix":"p"}]}`, 400, `"integrationId" is required`},
		{`{"type":"Native S3","integrationId":1,"dataSources":[]}`, 400, `"dataSources" must contain at least 1 items`},
		{`{"type":"Native S3","integrationId":1}`, 400, `"dataSources" is required`},
		{`{"type":"Native S3","integrationId":1,"dataSources":[{"dataSourceName":"Web Sales","prefix":"p"}]}`, 409, "already exists"},
		{`{"type":"Native S3","integrationId":1,"dataSources":[{"dataSourceName":"` + genName + `","prefix":"p"}]}`, 409, "already exists"},
		{`{"type":"Native S3","integrationId":1,"dataSources":[{"dataSourceName":"Dup","prefix":"p"},{"dataSourceName":"Dup","prefix":"q"}]}`, 409, "already exists"},
		{`{"type":"Native S3","integrationId":1,"dataSources":[{"dataSourceName":"A1","prefix":"p"}]}`, 409, "already exists"},
	} {
		code, _, b := do(t, s, "POST", "/native-s3/handler", tc.body, "demo-key")
		if code != tc.code {
			t.Fatalf("%s: %d %s", tc.body, code, b)
		}
		if e := hapi(t, code, b); !strings.Contains(e.Message, tc.msg) {
			t.Fatalf("%s: message %q, want %q", tc.body, e.Message, tc.msg)
		}
	}
	// The client's own call surfaces the 400 message.
	_, err := c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 1, DataSources: []apiclient.S3Source{{DataSourceName: "x"}}})
	if !errors.Is(err, apiclient.ErrBadRequest) || !strings.Contains(err.Error(), `"dataSources[0].prefix" is not allowed to be empty`) {
		t.Fatalf("client 400: %v", err)
	}
	// Handlers: seed, generated S3 sources, 404 for others.
	if h := must[*apiclient.S3Handler](t)(c.GetS3Handler(ctx, IDS3Research)); h.Metadata.DataSourceName != NameS3Research {
		t.Fatalf("seed handler: %s", h.Raw)
	}
	for _, id := range []int64{IDWebSales, 99999} {
		if _, err := c.GetS3Handler(ctx, id); !errors.Is(err, apiclient.ErrNotFound) {
			t.Fatalf("handler %d: %v", id, err)
		}
	}
	// A created source deletes like any other.
	must[*apiclient.DeleteResult](t)(c.DeleteDataSource(ctx, one[0].DataSourceID))
	r := must[*apiclient.DeleteResult](t)(c.DeleteDataSource(ctx, one[0].DataSourceID))
	if !r.HardDelete {
		t.Fatal("not hard deleted")
	}
	if _, err := c.GetS3Handler(ctx, one[0].DataSourceID); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("handler after delete: %v", err)
	}
	// The name is free again.
	must[[]apiclient.S3Created](t)(c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 2,
		DataSources: []apiclient.S3Source{{DataSourceName: "Research Raw", Prefix: "research-raw"}}}))
}

func TestAuth(t *testing.T) {
	s, c := start(t, Options{Key: "k-123"})
	if _, err := c.GetDataSource(ctx, IDWebSales); err != nil {
		t.Fatalf("bearer key: %v", err)
	}
	raw := must[*apiclient.Client](t)(apiclient.New(s.URL, "k-123", apiclient.WithAuthMode(apiclient.AuthRaw)))
	if _, err := raw.GetDataSource(ctx, IDWebSales); err != nil {
		t.Fatalf("raw key: %v", err)
	}
	bad := must[*apiclient.Client](t)(apiclient.New(s.URL, "wrong", apiclient.WithRetries(0, time.Millisecond)))
	if _, err := bad.GetDataSource(ctx, IDWebSales); !errors.Is(err, apiclient.ErrUnauthorized) {
		t.Fatalf("wrong key: %v", err)
	}
	for _, auth := range []string{"", "Bearer wrong", "wrong", "Bearer "} {
		code, _, b := do(t, s, "GET", "/dataSource", "", auth)
		if code != 401 {
			t.Fatalf("auth %q: %d", auth, code)
		}
		hapi(t, 401, b)
	}
	code, _, b := do(t, s, "POST", "/bim/apikey/authenticate", `{"apikey":"wrong"}`, "")
	if code != 401 {
		t.Fatalf("exchange with a wrong key: %d %s", code, b)
	}
	hapi(t, 401, b)
	code, _, b = do(t, s, "POST", "/bim/apikey/authenticate", `{"apikey":"k-123"}`, "")
	var tok struct{ Token string }
	if code != 200 || json.Unmarshal(b, &tok) != nil || tok.Token == "" || tok.Token == "k-123" {
		t.Fatalf("exchange: %d %s", code, b)
	}
	if code, _, _ := do(t, s, "GET", "/dataSource/22", "", "Bearer "+tok.Token); code != 200 {
		t.Fatalf("token: %d", code)
	}
	for _, r := range s.Handler.Requests() {
		if strings.Contains(r.Path+r.Query, "k-123") || strings.Contains(r.Path+r.Query, tok.Token) {
			t.Fatalf("secret in the log: %+v", r)
		}
	}
	// Unknown routes are JSON 404s (after auth).
	code, _, b = do(t, s, "GET", "/nope", "", "Bearer k-123")
	if code != 404 {
		t.Fatalf("unknown route: %d", code)
	}
	hapi(t, 404, b)
	if code, _, _ := do(t, s, "PATCH", "/dataSource/22", "{}", "Bearer k-123"); code != 404 {
		t.Fatalf("unknown method: %d", code)
	}
}

func TestRequireExchange(t *testing.T) {
	s, c := start(t, Options{RequireExchange: true, TokenTTL: time.Hour})
	code, _, b := do(t, s, "GET", "/dataSource/22", "", "Bearer demo-key")
	if code != 401 {
		t.Fatalf("raw key accepted: %d", code)
	}
	hapi(t, 401, b)
	s.Handler.ResetLog()
	if _, err := c.GetDataSource(ctx, IDPublicBarfoo); err != nil {
		t.Fatalf("client should exchange: %v", err)
	}
	paths := func() []string {
		var out []string
		for _, r := range s.Handler.Requests() {
			out = append(out, fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status))
		}
		return out
	}
	want := []string{"GET /dataSource/22 401", "POST /bim/apikey/authenticate 200", "GET /dataSource/22 200"}
	if got := paths(); !slices.Equal(got, want) {
		t.Fatalf("requests %v, want %v", got, want)
	}
	// The token keeps working; once it expires the client exchanges again.
	s.Handler.ResetLog()
	must[*apiclient.DataSource](t)(c.GetDataSource(ctx, IDWebSales))
	if got := paths(); len(got) != 1 {
		t.Fatalf("token reuse: %v", got)
	}
	s.Handler.ExpireTokens()
	s.Handler.ResetLog()
	must[*apiclient.DataSource](t)(c.GetDataSource(ctx, IDWebSales))
	if got := paths(); len(got) != 3 || !strings.HasPrefix(got[1], "POST /bim/apikey/authenticate") {
		t.Fatalf("after expiry: %v", got)
	}
	// TokenTTL expires tokens by time.
	s2, c2 := start(t, Options{RequireExchange: true, TokenTTL: 30 * time.Millisecond})
	must[*apiclient.DataSource](t)(c2.GetDataSource(ctx, IDWebSales))
	time.Sleep(50 * time.Millisecond)
	s2.Handler.ResetLog()
	must[*apiclient.DataSource](t)(c2.GetDataSource(ctx, IDWebSales))
	if n := len(s2.Handler.Requests()); n != 3 {
		t.Fatalf("after TTL: %d requests", n)
	}
}

// A tenant that accepts only some forms of the key: AuthAuto finds the
// one that works before the first write, and reports it once.
func TestStrictTenants(t *testing.T) {
	for _, c := range []struct {
		name  string
		opt   Options
		start apiclient.AuthMode
		want  apiclient.AuthMode
	}{
		{"documented only, raw first", Options{RejectBearerKey: true}, apiclient.AuthRaw, apiclient.AuthRaw},
		{"remembered bearer now refused", Options{RejectBearerKey: true}, apiclient.AuthBearer, apiclient.AuthRaw},
		{"no raw key", Options{RejectRawKey: true}, apiclient.AuthRaw, apiclient.AuthExchange},
		{"exchange only", Options{RequireExchange: true}, apiclient.AuthBearer, apiclient.AuthExchange},
	} {
		t.Run(c.name, func(t *testing.T) {
			var learned []apiclient.AuthMode
			s, cl := start(t, c.opt, apiclient.WithAuthStart(c.start),
				apiclient.WithAuthLearned(func(m apiclient.AuthMode) { learned = append(learned, m) }))
			must[*apiclient.SubscribeResult](t)(cl.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{IDPublicAaaTpc}}))
			must[*apiclient.DataSource](t)(cl.GetDataSource(ctx, IDWebSales))
			if !slices.Equal(learned, []apiclient.AuthMode{c.want}) || cl.AuthModeInUse() != c.want {
				t.Errorf("learned %v, in use %s; want %s", learned, cl.AuthModeInUse(), c.want)
			}
			writes, refused := 0, 0
			for _, r := range s.Handler.Requests() {
				if r.Method == "POST" && r.Path == "/dataSource/subscribe" {
					writes++
				}
				if r.Status == 401 {
					refused++
				}
			}
			if writes != 1 || refused > 2 {
				t.Errorf("%d subscribes, %d refused requests: %+v", writes, refused, s.Handler.Requests())
			}
		})
	}
}

func TestFaults(t *testing.T) {
	t.Run("FailEvery", func(t *testing.T) {
		s, c := start(t, Options{FailEvery: 2}, apiclient.WithRetries(2, time.Millisecond))
		for range 5 {
			must[*apiclient.DataSource](t)(c.GetDataSource(ctx, IDWebSales))
		}
		n503 := 0
		for _, r := range s.Handler.Requests() {
			if r.Status == 503 {
				n503++
			}
		}
		if n503 != 4 || len(s.Handler.Requests()) != 9 { // requests 2, 4, 6, 8 fail and are retried
			t.Fatalf("%d requests, %d 503s", len(s.Handler.Requests()), n503)
		}
		_, c0 := start(t, Options{FailEvery: 1})
		if _, err := c0.GetDataSource(ctx, IDWebSales); !errors.Is(err, apiclient.ErrServer) {
			t.Fatalf("FailEvery 1: %v", err)
		}
	})
	t.Run("RateLimitEvery", func(t *testing.T) {
		s, _ := start(t, Options{RateLimitEvery: 2, RetryAfter: 1500 * time.Millisecond})
		get(t, s, "/dataSource/16")
		code, h, b := do(t, s, "GET", "/dataSource/16", "", "Bearer demo-key")
		if code != 429 || h.Get("Retry-After") != "2" {
			t.Fatalf("429: %d Retry-After %q", code, h.Get("Retry-After"))
		}
		hapi(t, 429, b)
		_, c := start(t, Options{RateLimitEvery: 1})
		_, err := c.GetDataSource(ctx, IDWebSales)
		var ae *apiclient.APIError
		if !errors.Is(err, apiclient.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != time.Second {
			t.Fatalf("client: %v", err)
		}
	})
	t.Run("MalformedEvery", func(t *testing.T) {
		s, c := start(t, Options{MalformedEvery: 2, Sources: 10})
		must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{}))
		if _, err := c.ListDataSources(ctx, apiclient.ListOptions{}); !errors.Is(err, apiclient.ErrMalformed) {
			t.Fatalf("want a malformed answer, got %v", err)
		}
		// A garbled write is still carried out.
		must[*apiclient.DataSource](t)(c.GetDataSource(ctx, IDWebSales))
		if _, err := c.DeleteDataSource(ctx, IDWebSales); !errors.Is(err, apiclient.ErrMalformed) {
			t.Fatalf("delete: %v", err)
		}
		code, _, b := do(t, s, "GET", "/dataSource/16", "", "Bearer demo-key")
		if code != 200 || !bytes.Contains(b, []byte(`"disabled":true`)) {
			t.Fatalf("delete not carried out: %d %s", code, b)
		}
		if st := s.Handler.Requests()[3].Status; st != 200 {
			t.Fatalf("logged %d", st)
		}
	})
	t.Run("Latency", func(t *testing.T) {
		_, c := start(t, Options{Latency: 40 * time.Millisecond})
		t0 := time.Now()
		must[*apiclient.DataSource](t)(c.GetDataSource(ctx, IDWebSales))
		if d := time.Since(t0); d < 40*time.Millisecond {
			t.Fatalf("took %v", d)
		}
	})
	t.Run("MaxPageSize", func(t *testing.T) {
		_, c := start(t, Options{Sources: 200, MaxPageSize: 50})
		p := must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{Size: 100}))
		if len(p.Hits) != 50 || p.Count != 200+nSeeds {
			t.Fatalf("%d hits of %d", len(p.Hits), p.Count)
		}
	})
}

func TestRequestLog(t *testing.T) {
	s, c := start(t, Options{Sources: 5})
	s.Handler.ResetLog()
	t0 := time.Now()
	must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{Size: 3, SearchText: "web"}))
	_, _ = c.GetDataSource(ctx, 999)
	log := s.Handler.Requests()
	if len(log) != 2 || log[0].Method != "GET" || log[0].Path != "/dataSource" || !strings.Contains(log[0].Query, "searchText=web") ||
		log[0].Status != 200 || log[1].Status != 404 || log[0].At.Before(t0) {
		t.Fatalf("log: %+v", log)
	}
	log[0].Path = "changed"
	if s.Handler.Requests()[0].Path != "/dataSource" {
		t.Fatal("Requests is not a copy")
	}
	s.Handler.ResetLog()
	if len(s.Handler.Requests()) != 0 {
		t.Fatal("ResetLog")
	}
}

func TestDeterministic(t *testing.T) {
	a, b, c := NewServer(Options{Sources: 5000, Seed: 1}), NewServer(Options{Sources: 5000, Seed: 1}), NewServer(Options{Sources: 5000, Seed: 2})
	defer a.Close()
	defer b.Close()
	defer c.Close()
	for _, p := range []string{"/dataSource?size=200&offset=100", "/dataSource/4321", "/dataSource/777/access", "/dataSource/777/users/40/policyInfo",
		"/dataSource?sortField=name&size=50", "/dataSource?searchText=sales&size=50"} {
		pa, pb, pc := get(t, a, p), get(t, b, p), get(t, c, p)
		if !bytes.Equal(pa, pb) {
			t.Fatalf("%s differs for the same seed", p)
		}
		if bytes.Equal(pa, pc) {
			t.Fatalf("%s is the same for another seed", p)
		}
	}
}

func TestConcurrent(t *testing.T) {
	s, c := start(t, Options{Sources: 3000})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				id := int64(FirstGeneratedID + g*100 + i)
				var err error
				switch i % 7 {
				case 0:
					_, err = c.ListDataSources(ctx, apiclient.ListOptions{Size: 50, SortField: "name", Offset: i * 10})
				case 1:
					_, err = c.ListDataSources(ctx, apiclient.ListOptions{Size: 50, SearchText: "or", Status: []string{"passed"}})
				case 2:
					_, err = c.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{id, IDNeedsApproval}})
				case 3:
					_, err = c.DeleteDataSource(ctx, id)
				case 4:
					_, err = c.CreateS3(ctx, apiclient.S3CreateRequest{IntegrationID: 1, DataSources: []apiclient.S3Source{{DataSourceName: fmt.Sprintf("c-%d-%d", g, i), Prefix: "p"}}})
				case 5:
					_, err = c.ListAccess(ctx, IDNeedsApproval, apiclient.AccessOptions{Size: 10, Offset: i})
				case 6:
					_, err = c.GetDataSource(ctx, id-6)
					if errors.Is(err, apiclient.ErrNotFound) {
						err = nil
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := len(s.Handler.Requests()); n != 12*15 {
		t.Fatalf("%d requests logged", n)
	}
}

func TestLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	t0 := time.Now()
	s, c := start(t, Options{Sources: 100_000})
	built := time.Since(t0)
	p := must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{Size: 200, Offset: 50_000}))
	if p.Count != 100_000+nSeeds || len(p.Hits) != 200 || p.Hits[0].ID != int64(FirstGeneratedID+50_000-nSeeds) {
		t.Fatalf("page: count %d, %d hits, first %d", p.Count, len(p.Hits), p.Hits[0].ID)
	}
	p = must[*apiclient.DataSourcePage](t)(c.ListDataSources(ctx, apiclient.ListOptions{Size: 200, SearchText: "sales orders", SortField: "name"}))
	if p.Count == 0 {
		t.Fatal("search found nothing")
	}
	t.Logf("NewServer(100k) %v", built)
	_ = s
}
