package config

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient/paging"
)

// max_page_size and fixed_paging reach the target; left out, they are the
// loader's defaults, and a bad value is one clear line.
func TestPagingKeys(t *testing.T) {
	c := mustParse(t, `
[profiles.a]
url = "a.example.com"
api_key_env = "A_KEY"
max_page_size = 500
fixed_paging = true

[profiles.b]
url = "b.example.com"
api_key_env = "B_KEY"
`)
	a, b := c.Profiles["a"], c.Profiles["b"]
	if a.MaxPageSize != 500 || !a.FixedPaging {
		t.Errorf("a = %+v", a)
	}
	if b.MaxPageSize != paging.DefaultMaxPage || b.FixedPaging || b.PageSize != paging.DefaultFirstPage || b.Concurrency != paging.DefaultConcurrency {
		t.Errorf("b = %+v", b)
	}
	tg, err := c.Resolve("a", env(map[string]string{"A_KEY": "k"}))
	if err != nil {
		t.Fatal(err)
	}
	if tg.MaxPageSize != 500 || !tg.FixedPaging {
		t.Errorf("target %+v", tg)
	}
	_, err = parse([]byte("[profiles.a]\nurl = \"a.example.com\"\napi_key_env = \"A\"\nmax_page_size = 0\n"))
	if err == nil || !strings.Contains(err.Error(), "max_page_size") || strings.Count(err.Error(), "\n") > 0 {
		t.Errorf("max_page_size = 0: %v", err)
	}
}
