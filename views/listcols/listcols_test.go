package listcols

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	if err := Check([]string{"status", "name", "tags"}); err != nil {
		t.Fatalf("a good list refused: %v", err)
	}
	for _, tc := range []struct {
		cols []string
		want string
	}{
		{nil, "name at least one of name, id, handler"},
		{[]string{"name", "owner"}, `unknown column "owner" (known: name, id, handler, status, subscription, schema, created, tags)`},
		{[]string{"id", "name", "id"}, `"id" is named twice`},
	} {
		err := Check(tc.cols)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Check(%q) = %v, want one line with %q", tc.cols, err, tc.want)
		}
	}
}
