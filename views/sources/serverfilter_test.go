package sources

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// newestQuery is the list's last request, without the loader's size and
// offset.
func newestQuery(t *testing.T, api *viewtest.FakeAPI) url.Values {
	t.Helper()
	qs := api.ListQueries()
	v, err := url.ParseQuery(qs[len(qs)-1])
	if err != nil {
		t.Fatal(err)
	}
	v.Del("size")
	v.Del("offset")
	return v
}

// The server filters ride on every load of the list: the reload they
// start, a refresh, and a server search (whose text replaces theirs).
func TestServerFiltersOnEveryLoad(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(90)}
	d, m := newList(t, api, 120, 30)
	d.Key(" ")
	if len(m.marks) != 1 {
		t.Fatal("no mark")
	} // a mark: dropped with the rows it was made on
	d.Send(views.ServerFilterMsg{Opts: apiclient.ListOptions{Status: []string{"failed"}, Tag: []string{"PII", "PII"},
		BlobHandlerType: []string{"Redshift"}, Schema: "public", SortField: "createdAt", SortOrder: "desc", Size: 5, Offset: 7}})
	want := url.Values{"status": {"failed"}, "tag": {"PII", "PII"}, "blobHandlerType": {"Redshift"}, "schema": {"public"},
		"sortField": {"createdAt"}, "sortOrder": {"desc"}}
	if got := newestQuery(t, api); !reflect.DeepEqual(got, want) {
		t.Errorf("reload asked %v, want %v", got, want)
	}
	scr := d.Screen()
	if !strings.Contains(scr, "30 of 30 loaded") || strings.Contains(scr, "passed") || len(m.marks) != 0 {
		t.Errorf("list after the filter:\n%s", scr)
	}
	if !strings.Contains(scr, "CREATED↓") {
		t.Errorf("the view's sort is not the list's:\n%s", scr)
	}

	d.Key("r")
	if got := newestQuery(t, api); !reflect.DeepEqual(got, want) {
		t.Errorf("refresh asked %v", got)
	}

	d.Key("/")
	d.Type("Orders")
	d.Key("tab")
	want.Set("searchText", "Orders")
	if got := newestQuery(t, api); !reflect.DeepEqual(got, want) {
		t.Errorf("server search asked %v", got)
	}

	d.Send(views.ServerFilterMsg{Opts: apiclient.ListOptions{Status: []string{"nothing"}}})
	if scr := d.Screen(); !strings.Contains(scr, "No data source matches the server filters (status:nothing); :all clears them.") {
		t.Errorf("empty filtered list:\n%s", scr)
	}
	d.Send(views.ServerFilterMsg{})
	if got := newestQuery(t, api); !reflect.DeepEqual(got, url.Values{"sortField": {"name"}, "sortOrder": {"asc"}}) {
		t.Errorf("cleared filters asked %v", got)
	}
}
