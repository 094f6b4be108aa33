package access

// rowSource feeds the rows' search strings to fuzzy directly, as the
// filter did before it moved to views/filtered: filteredBefore uses it as
// the reference that filtered.Match must agree with.
type rowSource []row

func (s rowSource) String(i int) string { return s[i].search }
func (s rowSource) Len() int            { return len(s) }
