package config

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

func TestSavedViews(t *testing.T) {
	c := mustParse(t, `
[views.broken]
status = "failed"
sort = "createdAt"
order = "desc"

[views.pii-snowflake]
tag = ["PII", "PII"]
handler = ["Snowflake", "Snowflake"]
subscription = ["owner", "expert"]
schema = "public"
search = "claims"
sort = "name"
`)
	want := map[string]apiclient.ListOptions{
		"broken": {Status: []string{"failed"}, SortField: "createdAt", SortOrder: "desc"},
		// tag may repeat a value on the server; the unique lists may not.
		"pii-snowflake": {Tag: []string{"PII", "PII"}, BlobHandlerType: []string{"Snowflake"}, Subscription: []string{"owner", "expert"},
			Schema: "public", SearchText: "claims", SortField: "name", SortOrder: "asc"},
	}
	if !reflect.DeepEqual(c.Views, want) {
		t.Errorf("views = %#v\nwant %#v", c.Views, want)
	}
	if got := c.ViewNames(); !reflect.DeepEqual(got, []string{"broken", "pii-snowflake"}) {
		t.Errorf("ViewNames = %v", got)
	}
	if c := mustParse(t, ""); len(c.Views) != 0 {
		t.Errorf("no views: %v", c.Views)
	}
}

func TestSavedViewErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"[views.Bad]\nstatus = \"failed\"\n", `line 1: view "Bad": a view name is lower-case letters`},
		{"[views.\"a b\"]\n", `line 1: view "a b": a view name`},
		{"[views.failed]\nstatus = \"failed\"\n", `line 1: view "failed": the name is a built-in command`},
		{"[views.x]\nstatus = \"broken\"\n", `line 2: view "x": status "broken": use passed or failed`},
		{"[views.x]\nsubscription = [\"owned\"]\n", `line 2: view "x": subscription "owned": use pending, owner, subscribed`},
		{"\n[views.x]\nsort = \"id\"\n", `line 3: view "x": sort "id": use createdAt, name, blobHandlerType`},
		{"[views.x]\nsort = \"name\"\norder = \"up\"\n", `line 3: view "x": order "up": use asc or desc`},
		{"[views.x]\ntag = 3\n", `line 2: views.x.tag: want a string or a list of strings, not an integer`},
		{"[views.x]\ntag = [\"\"]\n", `line 2: views.x.tag: cannot hold an empty string`},
		{"[views.x]\nstatuz = \"failed\"\n", `line 2: unknown key "views.x.statuz"`},
		{"views = 1\n", `line 1: views: want a table`},
	} {
		_, err := Parse([]byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is not one line: %q", tc.text, err)
		}
	}
}

// The example config's views load, so what it documents works.
func TestExampleConfigViews(t *testing.T) {
	b, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Views["broken"]; !ok || len(c.Views) < 2 {
		t.Errorf("views of the example: %v", c.Views)
	}
}
