package tui

import (
	"strings"
	"testing"
	"testing/synctest"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// C opens the selected source's columns from the list and from the
// detail, named in the breadcrumb; esc comes back.
func TestColumnsOpenFromListAndDetail(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := fakeWithDetail()
		api.DictionaryFn = func(id int64) (*apiclient.Dictionary, error) {
			return &apiclient.Dictionary{DataSource: id, Columns: []apiclient.Column{
				{Name: "EMAIL", DataType: "text", RemoteType: "varchar", Tags: apiclient.Tags{{Name: "PII.Email"}}},
			}}, nil
		}
		api.TagsFn = func(int64) (*apiclient.SourceTags, error) {
			return &apiclient.SourceTags{Tags: apiclient.Tags{{Name: "PII"}}}, nil
		}
		m := newRoot(t, api, 100, 30, nil)
		run(t, m, press("C"))
		sc := screen(m)
		if !strings.Contains(sc, "› Columns") || !strings.Contains(sc, "PII.Email") || !strings.Contains(sc, "1 columns") {
			t.Fatalf("C in the list:\n%s", sc)
		}
		run(t, m, press("esc"))
		run(t, m, press("enter"))
		if sc := screen(m); !strings.Contains(sc, "• PII") {
			t.Fatalf("the detail does not show the tags:\n%s", sc)
		}
		run(t, m, press("C"))
		if sc := screen(m); !strings.Contains(sc, "› Columns") || !strings.Contains(sc, "EMAIL") {
			t.Fatalf("C in the detail:\n%s", sc)
		}
		calls := strings.Join(api.Calls, ",")
		if strings.Count(calls, "dictionary ") != 2 {
			t.Errorf("calls %s", calls)
		}
	})
}
