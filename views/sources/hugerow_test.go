package sources

import (
	"strings"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
)

// Issue 8, Found 3: a 10 MB name froze the TUI for seconds per key, since
// every filter key and frame went over the whole name kept in the row. The
// row now keeps a bounded head of it (cut with …); the whole name stays in
// the detail's raw JSON. On 5249a89 rowText returned all 10 MB.
func TestHugeNameRowKeepsABoundedHead(t *testing.T) {
	d := &apiclient.DataSource{
		ID:            1,
		Name:          "Web Sales " + strings.Repeat("ledger sales ", 10<<20/13),
		SQLSchemaName: strings.Repeat("schema", 1<<20),
		SQLTableName:  "t",
	}
	name, st := rowText(d)
	for what, s := range map[string]string{"name": name, "schema.table": st} {
		if len(s) > 8<<10 {
			t.Errorf("the row keeps %d bytes of a huge %s; want a bounded head", len(s), what)
		}
		if !strings.HasSuffix(s, "…") {
			t.Errorf("the cut %s does not end with …: %q", what, s[max(len(s)-20, 0):])
		}
	}
	if !strings.HasPrefix(name, "Web Sales ledger sales") {
		t.Errorf("the name's head is lost: %q", name[:min(len(name), 40)])
	}
}
