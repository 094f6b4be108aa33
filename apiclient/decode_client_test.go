package apiclient_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// The client sizes a page's list to the size it asked for; a server that
// caps its pages and sends far fewer must not leave the unused room (about
// half a kilobyte per source asked for) held for as long as the page is.
func TestShortPageKeepsNoUnusedRoom(t *testing.T) {
	t.Parallel()
	pad := strings.Repeat("x", 3000) // real hits are long: room for every source asked for
	body := []byte(`{"count":5000,"hits":[{"id":1,"name":"a"},{"id":2,"name":"b","description":"` + pad + `"},{"id":3,"name":"c"}]}`)
	s := route(t, "GET", "/dataSource", url.Values{"size": {"1000"}}, 200, body)
	p, err := newClient(t, s).ListDataSources(context.Background(), apiclient.ListOptions{Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 5000 || len(p.Hits) != 3 || p.Hits[2].Name != "c" || string(p.Hits[0].Raw) != `{"id":1,"name":"a"}` {
		t.Fatalf("page = %+v", p)
	}
	if cap(p.Hits) > 6 {
		t.Errorf("3 hits hold room for %d", cap(p.Hits))
	}
}
