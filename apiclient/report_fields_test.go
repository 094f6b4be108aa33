package apiclient_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// The fields that say why a user cannot see a source decode when present,
// stay unknown when absent, and a value of the wrong kind costs only itself.
func TestVisibilityReportWhyFields(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, body         string
		reason, where, sql string
		met                *bool
		purpose, noVis     bool
	}{
		{"all", `{"dataSource":7,"denialReason":"not in group Finance","subscriptionPolicyMet":false,"hasPurposeRule":true,
			"noVisibilities":true,"whereClause":"region = 'EU'","sqlStatement":"SELECT * FROM t"}`,
			"not in group Finance", "region = 'EU'", "SELECT * FROM t", reportBool(false), true, true},
		{"met", `{"dataSource":7,"subscriptionPolicyMet":true}`, "", "", "", reportBool(true), false, false},
		{"absent is unknown", `{"dataSource":7}`, "", "", "", nil, false, false},
		{"wrong kinds", `{"dataSource":7,"denialReason":5,"subscriptionPolicyMet":"no","hasPurposeRule":"yes",
			"whereClause":["a"],"sqlStatement":"SELECT 1"}`, "", "", "SELECT 1", nil, false, false},
		{"nulls", `{"dataSource":7,"denialReason":null,"subscriptionPolicyMet":null,"whereClause":null}`, "", "", "", nil, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r apiclient.VisibilityReport
			if err := json.Unmarshal([]byte(c.body), &r); err != nil {
				t.Fatal(err)
			}
			if r.DataSource != 7 || r.DenialReason != c.reason || r.WhereClause != c.where || r.SQLStatement != c.sql ||
				r.HasPurposeRule != c.purpose || r.NoVisibilities != c.noVis {
				t.Errorf("%+v", r)
			}
			switch {
			case c.met == nil && r.SubscriptionPolicyMet != nil:
				t.Errorf("subscriptionPolicyMet = %v, want unknown", *r.SubscriptionPolicyMet)
			case c.met != nil && (r.SubscriptionPolicyMet == nil || *r.SubscriptionPolicyMet != *c.met):
				t.Errorf("subscriptionPolicyMet = %v, want %v", r.SubscriptionPolicyMet, *c.met)
			}
			// --json keeps the server's bytes.
			b, _ := json.Marshal(r)
			var want bytes.Buffer
			_ = json.Compact(&want, []byte(c.body))
			if string(b) != want.String() {
				t.Errorf("marshal changed the answer: %s", b)
			}
		})
	}
}

func reportBool(v bool) *bool { return &v }
