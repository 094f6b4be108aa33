package tui

import (
	"net/http"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// The browse walkthrough works against a server that answers exactly the
// examples of Immuta's reference pages (shared/seeds), not only against the
// emulator.
//
// The server runs outside the bubble (network I/O is not durably blocking)
// and the client keeps no idle connection, whose reader would keep the
// driver's synctest.Wait waiting.
func TestWalkthroughAgainstTheDocumentedExamples(t *testing.T) {
	srv := immutatest.NewSeedServer()
	defer srv.Close()
	synctest.Test(t, func(t *testing.T) { walkthroughAgainst(t, srv.URL) })
}

func walkthroughAgainst(t *testing.T, url string) {
	c, err := apiclient.New(url, "dea464c07bd07300095caa8",
		apiclient.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	if err != nil {
		t.Fatal(err)
	}
	m := newRoot(t, c, 120, 40, nil)

	expect := func(step string, wants ...string) {
		t.Helper()
		scr := screen(m)
		for _, w := range wants {
			if !strings.Contains(scr, w) {
				t.Fatalf("%s: screen lacks %q:\n%s", step, w, scr)
			}
		}
	}
	expect("list", "2 of ? loaded", "Public Aaa Tpc", "Public Barfoo")
	run(t, m, press("/"))
	for _, r := range "barfoo" {
		run(t, m, press(string(r)))
	}
	run(t, m, press("enter"))
	expect("filter", "1 of 2 match", "Public Barfoo")
	run(t, m, press("enter"))
	expect("detail", "Data sources › Public Barfoo", "barfoo", "Anyone can subscribe", "Public Healthcare Data")
	run(t, m, press("a"))
	expect("access", "2 of 2 loaded", "First Last", "Tommy Test")
	run(t, m, press("j"))
	run(t, m, press("enter"))
	expect("user", "Tommy Test", "WS_SOLD_DATE_SK", "Nullify", "Visibility report")
	run(t, m, press("esc"))
	run(t, m, press("esc"))
	run(t, m, press("v"))
	expect("my visibility", "My visibility", "WS_BILL_CUSTOMER_SK", "Data Policy", "applies to you")
	run(t, m, press("esc"))
	run(t, m, press("tab"))
	run(t, m, press("enter"))
	expect("lineage jump", "Data sources › Public Barfoo › Public Barfoo", "#3") // the seed server answers the same body for any id
	// Back: the parent's detail, the lineage selection, the detail, the
	// filter: each esc undoes one thing.
	for range 4 {
		run(t, m, press("esc"))
	}
	expect("back home", "Public Aaa Tpc")
	if len(m.stack) != 1 || m.quitting {
		t.Fatalf("stack %d, quitting %v", len(m.stack), m.quitting)
	}
}
