package immutatest

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The seed examples come back exactly (compared as JSON values).
func TestSeedExamplesExact(t *testing.T) {
	s, _ := start(t, Options{Sources: 500})
	for _, c := range []struct{ path, file string }{
		{"/dataSource/22", "get_22.json"},
		{"/dataSource/name/Public%20Barfoo", "name_public_barfoo.json"},
		{"/dataSource/sqlTableName/customer_data", "sqltable_customer_data.json"},
		{"/dataSource/4/lineage/parents", "lineage_parents.json"},
		{"/dataSource/22/access?sortOrder=desc", "access.json"},
		{"/dataSource/16/users/2/policyInfo", "policy_info.json"},
		{"/dataSource/16/users/2/visibilityReport", "user_visibility_report.json"},
		{"/dataSource/16/visibilityReport", "my_visibility_report.json"},
		{"/native-s3/handler/1", "s3_handler_response.json"},
	} {
		sameJSON(t, c.path, get(t, s, c.path), seedBody(c.file))
	}
	// The policySet string is byte-for-byte the seed's.
	var got, want struct{ PolicySet string }
	_ = json.Unmarshal(get(t, s, "/dataSource/16/visibilityReport"), &got)
	_ = json.Unmarshal(seedBody("my_visibility_report.json"), &want)
	if got.PolicySet != want.PolicySet {
		t.Fatalf("policySet:\n got %s\nwant %s", got.PolicySet, want.PolicySet)
	}

	// The list hits of 22 and 39 are the seed's list example.
	var page struct{ Hits []json.RawMessage }
	_ = json.Unmarshal(get(t, s, "/dataSource?size=20"), &page)
	hits := map[int64]json.RawMessage{}
	for _, h := range page.Hits {
		var id struct{ ID int64 }
		_ = json.Unmarshal(h, &id)
		hits[id.ID] = h
	}
	sameJSON(t, "list hit 22", hits[22], seedListHit(22))
	sameJSON(t, "list hit 39", hits[39], seedListHit(39))

	// Subscribing to 22 answers the seed's subscribe example.
	code, _, b := do(t, s, http.MethodPost, "/dataSource/subscribe?dataSourceId=22", `{"dataSourceIds":[22],"metadata":{}}`, "Bearer demo-key")
	if code != 200 {
		t.Fatalf("subscribe: %d %s", code, b)
	}
	sameJSON(t, "subscribe 22", b, seedBody("subscribe_response.json"))

	// Deleting the S3 seed answers the seed's delete example.
	code, _, b = do(t, s, http.MethodDelete, "/dataSource/1", "", "demo-key")
	if code != 200 {
		t.Fatalf("delete: %d %s", code, b)
	}
	sameJSON(t, "delete 1", b, seedBody("delete_response.json"))
}

func TestSeedNamesAreNotGenerated(t *testing.T) {
	h := NewHandler(Options{Sources: MaxSources})
	for _, id := range SeedIDs {
		name, ok := h.SourceName(id)
		if !ok {
			t.Fatalf("seed %d missing", id)
		}
		if i, ok := h.genIndexByName(name, false); ok {
			t.Errorf("seed name %q is also generated source %d", name, i)
		}
		table, _ := h.SQLTableName(id)
		if i, ok := h.genIndexByName(table, true); ok && table != "" {
			t.Errorf("seed table %q is also generated source %d", table, i)
		}
	}
}
