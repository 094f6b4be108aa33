package config

import (
	"strings"
	"testing"
)

// web_url reaches the target as written; a template that cannot make an
// http(s) URL with the source's id is an error naming its line.
func TestWebURL(t *testing.T) {
	c := mustParse(t, `
[profiles.prod]
url = "acme.immuta.com"
api_key_env = "K"
web_url = "{base}/#/datasource/{id}"
`)
	tg, err := c.target(c.Profiles["prod"], env(map[string]string{"K": "k-0123456789"}))
	if err != nil || tg.WebURL != "{base}/#/datasource/{id}" {
		t.Fatalf("target %v: %v", tg, err)
	}
	if p := mustParse(t, "[profiles.a]\nurl = \"x.com\"\napi_key_env = \"K\"\n").Profiles["a"]; p.WebURL != "" {
		t.Errorf("no web_url gave %q", p.WebURL)
	}
	for tmpl, want := range map[string]string{
		`"{base}/#/data-source/"`:  "line 5: web_url \"{base}/#/data-source/\" has no {id}",
		`"{base}/{name}/{id}"`:     "unknown placeholder",
		`"javascript:alert({id})"`: "not an http(s) URL",
		`"{base}/x {id}"`:          "spaces",
	} {
		_, err := Parse([]byte("\n[profiles.prod]\nurl = \"acme.immuta.com\"\napi_key_env = \"K\"\nweb_url = " + tmpl + "\n"))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Count(err.Error(), "\n") > 0 {
			t.Errorf("web_url = %s: %v, want one line with %q", tmpl, err, want)
		}
	}
}
