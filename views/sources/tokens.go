package sources

// Field tokens in the `/` filter: `status:failed handler:snow claims` keeps
// the rows whose fields match every token and whose name matches the rest
// fuzzily. The tokens are checked off the UI goroutine (computeView,
// through filterRows), like the fuzzy filter.

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"
)

// field is a column a token filters on.
type field uint8

const (
	fieldNone field = iota
	fieldStatus
	fieldHandler
	fieldSub
	fieldID
	fieldTable
	fieldSchema
	fieldTag
)

// fieldNames are the words a token may start with (case-insensitive). The
// first of each field is the one the help and the chips show.
var fieldNames = map[string]field{
	"status": fieldStatus, "handler": fieldHandler, "sub": fieldSub, "subscription": fieldSub,
	"id": fieldID, "table": fieldTable, "schema": fieldSchema, "tag": fieldTag, "tags": fieldTag,
}

// tokenHint is the filter's placeholder: what / takes, shown until
// something is typed (in the input, which has half the width: the right
// of the line is taken by the counts).
const tokenHint = "name or status: sub: handler: id: table: schema: tag:"

// filterHelp is / in the ? help: the fields it takes besides the name.
const filterHelp = "filter, field:value"

// token is one field:value of a query.
type token struct {
	f   field
	neg bool   // -field:value: rows that do not match
	val string // lower-cased
	raw string // as typed (quotes kept), for the chip
}

// parsedQuery is a `/` filter split into field tokens and the free text
// the names are matched against fuzzily.
type parsedQuery struct {
	tokens []token
	text   string
}

// parseQuery splits q. A word `field:value` or `-field:value` with a known
// field is a token; the value may be quoted (`table:"a b"`). Every other
// word is free text, names may hold colons (`foo:bar`). Without tokens the
// text is q itself, so a plain query filters exactly as it always has.
func parseQuery(q string) parsedQuery {
	if !strings.Contains(q, ":") {
		return parsedQuery{text: q}
	}
	var p parsedQuery
	var words []string
	for i := 0; i < len(q); {
		if q[i] == ' ' {
			i++
			continue
		}
		start := i
		t, end, ok := tokenAt(q, i)
		if ok {
			t.raw = q[start:end]
			p.tokens = append(p.tokens, t)
			i = end
			continue
		}
		for i < len(q) && q[i] != ' ' {
			i++
		}
		words = append(words, q[start:i])
	}
	if len(p.tokens) == 0 {
		return parsedQuery{text: q}
	}
	p.text = strings.Join(words, " ")
	return p
}

// tokenAt reads a token at q[i:], if one starts there.
func tokenAt(q string, i int) (t token, end int, ok bool) {
	if q[i] == '-' {
		t.neg = true
		i++
	}
	c := strings.IndexByte(q[i:], ':')
	if c <= 0 || strings.IndexByte(q[i:i+c], ' ') >= 0 {
		return token{}, 0, false
	}
	f, known := fieldNames[strings.ToLower(q[i:i+c])]
	if !known {
		return token{}, 0, false
	}
	t.f = f
	i += c + 1
	var val string
	if i < len(q) && q[i] == '"' {
		// A quoted value runs to the closing quote, or to the end while
		// it is still being typed.
		j := strings.IndexByte(q[i+1:], '"')
		if j < 0 {
			val, end = q[i+1:], len(q)
		} else {
			val, end = q[i+1:i+1+j], i+2+j
		}
	} else {
		end = i
		for end < len(q) && q[end] != ' ' {
			end++
		}
		val = q[i:end]
	}
	t.val = strings.ToLower(val)
	return t, end, true
}

// tokensOnly is the query's tokens as typed, without the free text.
func (p parsedQuery) tokensOnly() string {
	raws := make([]string, len(p.tokens))
	for i, t := range p.tokens {
		raws[i] = t.raw
	}
	return strings.Join(raws, " ")
}

// narrows reports whether every row that matches next matches prev, so
// that next need only search prev's matches: the same tokens in order,
// each value extended (a longer prefix or substring keeps fewer rows; a
// negated one must stay as it was), and the text extended.
func narrows(prev, next string) bool {
	if prev == "" {
		return false
	}
	if !strings.Contains(prev, ":") && !strings.Contains(next, ":") {
		return strings.HasPrefix(next, prev)
	}
	a, b := parseQuery(prev), parseQuery(next)
	if len(a.tokens) != len(b.tokens) || !strings.HasPrefix(b.text, a.text) {
		return false
	}
	for i, t := range a.tokens {
		u := b.tokens[i]
		if t.f != u.f || t.neg != u.neg || (t.neg && t.val != u.val) || !strings.HasPrefix(u.val, t.val) {
			return false
		}
	}
	return true
}

// filterRows is the view of query q over candidates (row indices in
// display order): the rows matching every token, in candidates' order
// when there is no free text, else ranked by the fuzzy score of their
// names.
func filterRows(q string, candidates []int32, rows []Row, x *letterIndex) []int32 {
	p := parseQuery(q)
	if len(p.tokens) > 0 {
		candidates = newFieldFilter(p.tokens).filter(candidates, rows)
	}
	if p.text == "" {
		return candidates
	}
	return rankRows(p.text, candidates, rows, x)
}

// fieldFilter is a query's tokens, compiled: the symbol fields (status,
// handler, subscription, tags) are decided once per symbol, so a row costs
// a table read for each.
type fieldFilter struct {
	checks []check
}

type check struct {
	f   field
	neg bool
	val string
	// syms says, by symbol, whether the token matches it.
	syms []bool
	// disabled is whether a status token matches "disabled" (what the
	// STATUS column shows for a disabled source).
	disabled bool
	// ids are the id ranges an id token matches: [lo, hi) pairs.
	ids [][2]uint64
}

func newFieldFilter(tokens []token) *fieldFilter {
	ff := &fieldFilter{}
	var all []string
	for _, t := range tokens {
		if t.val == "" {
			continue // `status:` while typing: every row
		}
		c := check{f: t.f, neg: t.neg, val: t.val}
		switch t.f {
		case fieldStatus, fieldSub:
			if all == nil {
				all = symbols.all()
			}
			c.syms = symMatches(all, func(s string) bool { return hasPrefixFold(s, t.val) })
			c.disabled = strings.HasPrefix("disabled", t.val)
		case fieldHandler:
			if all == nil {
				all = symbols.all()
			}
			c.syms = symMatches(all, func(s string) bool { return containsFold(s, t.val) })
		case fieldTag:
			if all == nil {
				all = symbols.all()
			}
			c.syms = symMatches(all, func(s string) bool {
				for _, tag := range strings.Split(s, ", ") {
					if containsFold(tag, t.val) {
						return true
					}
				}
				return false
			})
		case fieldID:
			c.ids = idRanges(t.val)
		}
		ff.checks = append(ff.checks, c)
	}
	// The cheap checks first: a row the symbol tables rule out costs no
	// string search.
	slices.SortStableFunc(ff.checks, func(a, b check) int { return checkCost(a.f) - checkCost(b.f) })
	return ff
}

func checkCost(f field) int {
	switch f {
	case fieldTable, fieldSchema:
		return 2
	case fieldID:
		return 1
	}
	return 0
}

// all is every symbol's string, by symbol.
func (t *symtab) all() []string {
	t.mu.Lock()
	n := t.n
	dir := *t.dir.Load()
	t.mu.Unlock()
	out := make([]string, n)
	for i := range out {
		out[i] = dir[i/symChunkLen][i%symChunkLen]
	}
	return out
}

func symMatches(all []string, ok func(string) bool) []bool {
	out := make([]bool, len(all))
	for i, s := range all {
		out[i] = ok(s)
	}
	return out
}

// symOK is c.syms[s], or the match worked out for a symbol made after the
// filter was.
func (c *check) symOK(s sym) bool {
	if int(s) < len(c.syms) {
		return c.syms[s]
	}
	str := s.String()
	switch c.f {
	case fieldStatus, fieldSub:
		return hasPrefixFold(str, c.val)
	case fieldTag:
		for _, tag := range strings.Split(str, ", ") {
			if containsFold(tag, c.val) {
				return true
			}
		}
		return false
	}
	return containsFold(str, c.val)
}

// idRanges are the ids whose digits start with digits: digits·10^k up to
// (digits+1)·10^k for each k. Anything but digits matches no id; a leading
// zero only the id 0.
func idRanges(digits string) [][2]uint64 {
	var v uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' || i >= 19 {
			return nil
		}
		v = v*10 + uint64(c-'0')
	}
	if digits[0] == '0' {
		if v == 0 && len(digits) == 1 {
			return [][2]uint64{{0, 1}}
		}
		return nil
	}
	var out [][2]uint64
	for lo, hi := v, v+1; ; lo, hi = lo*10, hi*10 {
		out = append(out, [2]uint64{lo, hi})
		if lo > math.MaxInt64/10 {
			return out
		}
	}
}

// match reports whether row r satisfies every check.
func (ff *fieldFilter) match(r *Row) bool {
	for i := range ff.checks {
		c := &ff.checks[i]
		var ok bool
		switch c.f {
		case fieldStatus:
			if r.Disabled {
				ok = c.disabled
			} else {
				ok = c.symOK(r.status)
			}
		case fieldSub:
			ok = c.symOK(r.subscription)
		case fieldHandler:
			ok = c.symOK(r.handler)
		case fieldTag:
			ok = c.symOK(r.tags)
		case fieldID:
			if r.ID >= 0 {
				id := uint64(r.ID)
				for _, rg := range c.ids { // increasing
					if id < rg[1] {
						ok = id >= rg[0]
						break
					}
				}
			}
		case fieldSchema:
			s, _ := splitSchemaTable(r.SchemaTable)
			ok = containsFold(s, c.val)
		case fieldTable:
			_, t := splitSchemaTable(r.SchemaTable)
			ok = containsFold(t, c.val)
		}
		if ok == c.neg {
			return false
		}
	}
	return true
}

// splitSchemaTable splits the SCHEMA.TABLE cell at its first dot. A cell
// without one is the only name the source gave, schema or table: it counts
// as both.
func splitSchemaTable(st string) (schema, table string) {
	if i := strings.IndexByte(st, '.'); i >= 0 {
		return st[:i], st[i+1:]
	}
	return st, st
}

// filter returns the candidates that match, in order. Large candidate
// lists are split across cores as the fuzzy filter's are.
func (ff *fieldFilter) filter(candidates []int32, rows []Row) []int32 {
	if len(ff.checks) == 0 {
		return candidates
	}
	if len(candidates) >= parallelMin && len(candidates) >= len(rows)/2 {
		return ff.filterScan(candidates, rows)
	}
	nparts, part := split(candidates)
	outs := make([][]int32, nparts)
	inParallel(nparts, func(w int) {
		var out []int32
		for _, i := range part(w) {
			if ff.match(&rows[i]) {
				out = append(out, i)
			}
		}
		outs[w] = out
	})
	if nparts == 1 {
		if outs[0] == nil {
			return []int32{}
		}
		return outs[0]
	}
	n := 0
	for _, o := range outs {
		n += len(o)
	}
	view := make([]int32, 0, n)
	for _, o := range outs {
		view = append(view, o...)
	}
	return view
}

// filterScan is filter for candidates that are most of rows: the rows
// are checked in their own order, which reads rows and their strings
// front to back (in display order they are all over memory: 6 against
// 2 CPU-ms at 100k for table:), into a bitmap that candidates are then
// taken from, in order.
func (ff *fieldFilter) filterScan(candidates []int32, rows []Row) []int32 {
	keep := make([]uint64, (len(rows)+63)/64)
	// Parts of whole words, so no two goroutines write one.
	words := len(keep)
	nparts := min(runtime.GOMAXPROCS(0)*partsPerCore, words)
	per := (words + nparts - 1) / nparts
	inParallel(nparts, func(w int) {
		lo, hi := min(w*per*64, len(rows)), min((w+1)*per*64, len(rows))
		for i := lo; i < hi; i++ {
			if ff.match(&rows[i]) {
				keep[i>>6] |= 1 << (i & 63)
			}
		}
	})
	n := 0
	for _, k := range keep {
		n += bits.OnesCount64(k)
	}
	out := make([]int32, 0, n)
	for _, i := range candidates {
		if keep[i>>6]&(1<<(i&63)) != 0 {
			out = append(out, i)
		}
	}
	return out
}

// hasPrefixFold reports whether s starts with lower (lower-cased).
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		if toLowerASCII(s[i]) != lower[i] {
			return isNonASCII(lower) && strings.HasPrefix(strings.ToLower(s), lower)
		}
	}
	return true
}

// containsFold reports whether s contains lower (lower-cased),
// ignoring case. ASCII needles, the common case, are found without
// allocating: the first byte is looked for in both cases with
// strings.IndexByte, then the rest compared.
func containsFold(s, lower string) bool {
	if lower == "" {
		return true
	}
	if isNonASCII(lower) {
		return strings.Contains(strings.ToLower(s), lower)
	}
	c := lower[0]
	if len(s) <= 48 {
		return containsFoldShort(s, lower)
	}
	u := c
	if 'a' <= c && c <= 'z' {
		u = c - 'a' + 'A'
	}
	for len(s) >= len(lower) {
		i := strings.IndexByte(s, c)
		if u != c {
			if j := strings.IndexByte(s, u); j >= 0 && (i < 0 || j < i) {
				i = j
			}
		}
		if i < 0 || len(s)-i < len(lower) {
			return false
		}
		if equalFoldASCII(s[i+1:i+len(lower)], lower[1:]) {
			return true
		}
		s = s[i+1:]
	}
	return false
}

// containsFoldShort is containsFold for a short s, as most cells are:
// the first byte of lower is looked for eight bytes at a time (SWAR, as
// the fuzzy filter reads names), each hit then compared. A letter matches
// either case: x|0x20 equals a lower-case letter only for it and its
// upper case, whatever x is.
func containsFoldShort(s, lower string) bool {
	c := lower[0]
	var fold uint64
	if 'a' <= c && c <= 'z' {
		fold = 0x20 * ones
	}
	want := uint64(c) * ones
	last := len(s) - len(lower) // the last place a match can start
	for i := 0; i <= last; i += 8 {
		var x uint64
		valid := uint64(highs)
		if i+8 <= len(s) {
			x = load64(s, i)
		} else {
			for k := len(s) - 1; k >= i; k-- {
				x = x<<8 | uint64(s[k])
			}
			valid >>= 8 * (8 - (len(s) - i))
		}
		for hit := zeroBytes((x|fold)^want) & valid; hit != 0; hit &= hit - 1 {
			at := i + bits.TrailingZeros64(hit)>>3
			if at > last {
				return false
			}
			if equalFoldASCII(s[at+1:at+len(lower)], lower[1:]) {
				return true
			}
		}
	}
	return false
}

func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		if toLowerASCII(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

func isNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// chips are the active tokens as the filter line shows them.
func (p parsedQuery) chips() []string {
	out := make([]string, 0, len(p.tokens))
	for _, t := range p.tokens {
		out = append(out, t.raw)
	}
	return slices.Clip(out)
}

// chipLine is the active tokens as highlighted chips ([status:failed]),
// brackets included so they read as chips without colour too; "" when
// the query has none.
func (m *Model) chipLine(p parsedQuery) string {
	if len(p.tokens) == 0 {
		return ""
	}
	var b strings.Builder
	for i, c := range p.chips() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(m.styles.match.pre + "[" + c + "]" + m.styles.match.post)
	}
	return b.String()
}

// tagsUnknownFor reports whether q asks for a tag while no loaded row has
// any: then the empty list says why, not just that nothing matched.
func (m *Model) tagsUnknownFor(q string) bool {
	if m.viewDS == nil {
		return false
	}
	for _, t := range parseQuery(q).tokens {
		if t.f == fieldTag && !t.neg && t.val != "" {
			return !m.tagCol.known(m.viewDS, nil)
		}
	}
	return false
}
