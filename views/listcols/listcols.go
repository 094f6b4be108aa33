// Package listcols names the data sources list's columns, for the
// config's [list] columns and the list itself (which maps each name to its
// column), so that both agree on one set of names.
package listcols

import (
	"fmt"
	"slices"
	"strings"
)

// Names are the list's columns in their default order. "tags" shows only
// when the rows have tags.
var Names = []string{"name", "id", "handler", "status", "subscription", "schema", "created", "tags"}

// Check says, in one line, what is wrong with a chosen list of columns: it
// is empty, names a column that does not exist, or names one twice.
func Check(cols []string) error {
	if len(cols) == 0 {
		return fmt.Errorf("columns: name at least one of %s", strings.Join(Names, ", "))
	}
	for i, c := range cols {
		if !slices.Contains(Names, c) {
			return fmt.Errorf("columns: unknown column %q (known: %s)", c, strings.Join(Names, ", "))
		}
		if slices.Contains(cols[:i], c) {
			return fmt.Errorf("columns: %q is named twice", c)
		}
	}
	return nil
}
