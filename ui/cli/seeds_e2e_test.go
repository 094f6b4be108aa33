package cli

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// Every command works the same against a server that answers exactly the
// examples of Immuta's reference pages (shared/seeds).
func TestEveryCommandAgainstTheDocumentedExamples(t *testing.T) {
	srv := immutatest.NewSeedServer()
	t.Cleanup(srv.Close)
	r := newRunner(t)
	r.env["IMMUTA_URL"] = srv.URL
	r.env["IMMUTA_API_KEY"] = "dea464c07bd07300095caa8"

	cases := []struct {
		args []string
		want []string
	}{
		{[]string{"ls"}, []string{"Public Barfoo", "Public Aaa Tpc", "22", "39", "owner"}},
		{[]string{"get", "22"}, []string{"Public Barfoo", "barfoo", "queryable"}},
		{[]string{"get", "--name", "Public Barfoo"}, []string{"Public Barfoo"}},
		{[]string{"get", "--table", "customer_data"}, []string{"Dbo Customer Data", "customer_data"}},
		{[]string{"lineage", "4", "parents"}, []string{"Public Healthcare Data", "Derived Data Source"}},
		{[]string{"lineage", "4", "children"}, nil},
		{[]string{"access", "22"}, []string{"First Last", "Tommy Test", "subscribed"}},
		{[]string{"policy", "16", "--user", "2"}, []string{"WS_SOLD_DATE_SK", "Nullify"}},
		{[]string{"visibility", "16"}, []string{"Web Sales", "WS_BILL_CUSTOMER_SK", "Data Policy"}},
		{[]string{"visibility", "16", "--user", "2"}, []string{"WS_SOLD_DATE_SK"}},
		{[]string{"subscribe", "22"}, []string{"22", "subscribed"}},
		{[]string{"s3", "create", "--integration", "2", "--name", "research-data-source", "--prefix", "s3://research-data-source"}, []string{"research-data-source"}},
		{[]string{"s3", "get", "1"}, []string{"nativeS3Handler", "research-data-source"}},
	}
	for _, c := range cases {
		res := r.ok(c.args...)
		for _, w := range c.want {
			if !strings.Contains(res.out, w) {
				t.Errorf("dsbrowse %s: output lacks %q:\n%s", strings.Join(c.args, " "), w, res.out)
			}
		}
		res = r.ok(append(c.args, "--json")...)
		if !strings.HasPrefix(strings.TrimSpace(res.out), "{") && !strings.HasPrefix(strings.TrimSpace(res.out), "[") {
			t.Errorf("dsbrowse %s --json: not JSON:\n%s", strings.Join(c.args, " "), res.out)
		}
	}
	// The seed's source 22 is active, so delete disables it.
	res := r.ok("delete", "22", "--yes")
	if !strings.Contains(res.out+res.err, "Disabl") {
		t.Errorf("delete: %s", res)
	}
}
