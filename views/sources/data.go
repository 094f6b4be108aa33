package sources

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/format"
	"github.com/dsbrowse/dsbrowse/views/safe"
)

// Row is what the list keeps of a source: the columns, already made safe to
// draw. It is compact on purpose (100,000 of them must stay small: 64
// bytes and the two strings), so the detail view fetches the full source
// again. The values many rows share (handler, status, subscription state,
// creation date) are symbols, 4 bytes each.
type Row struct {
	ID           int64
	Name         string
	SchemaTable  string
	handler      sym // blobHandlerType
	status       sym
	subscription sym
	created      sym // YYYY-MM-DD
	tags         sym // the tag names, ", "-joined ("" when none or unknown)
	Disabled     bool
	// wordTop is the mask of the letters Name has where a one-character
	// filter scores the most (topOf), so that filter reads only the
	// name's first eight bytes; absent is the mask of the characters Name
	// lacks (absentOf), so the filter can skip the row without reading
	// the name, and 0 rules nothing out (nor is wordTop then used). Both
	// fit in what would be padding after Disabled; indexRow sets them.
	wordTop [3]byte
	absent  uint32
}

// indexRow fills in what the filter keeps about r.Name. Every Row built
// from a source goes through it (rowOf, rowsOf).
func indexRow(r *Row) {
	r.absent = absentOf(r.Name)
	r.wordTop = [3]byte{}
	if r.absent != 0 {
		t := topOf(r.Name)
		r.wordTop = [3]byte{byte(t), byte(t >> 8), byte(t >> 16)}
	}
}

// top is wordTop as a mask (see topBit).
func (r *Row) top() uint32 {
	return uint32(r.wordTop[0]) | uint32(r.wordTop[1])<<8 | uint32(r.wordTop[2])<<16
}

// Handler is the source's blobHandlerType.
func (r *Row) Handler() string { return r.handler.String() }

// Status is the source's status (passed, failed).
func (r *Row) Status() string { return r.status.String() }

// Subscription is the caller's subscription state.
func (r *Row) Subscription() string { return r.subscription.String() }

// Created is the creation date, YYYY-MM-DD.
func (r *Row) Created() string { return r.created.String() }

// Tags are the source's tag names as the list hit gave them, ", "-joined
// ("" when it gave none).
func (r *Row) Tags() string { return r.tags.String() }

// maxTagsText bounds a row's tags text: a source with thousands of tags
// shows what fits a column, the rest is in the detail.
const maxTagsText = 256

// rowText is the two strings of a row, made safe to draw.
func rowText(d *apiclient.DataSource) (name, schemaTable string) {
	// The remote location where the server gives it (list hits do), else
	// Immuta's SQL names, so a row reads the same before and after a refetch.
	schema, table := d.RemoteSchema, d.RemoteTable
	if schema == "" {
		schema = d.SQLSchemaName
	}
	if table == "" {
		table = d.SQLTableName
	}
	st := ""
	switch {
	case schema != "" && table != "":
		st = schema + "." + table
	case schema != "":
		st = schema
	default:
		st = table
	}
	// Bounded, as all server text on screen: a 10 MB name would cost its
	// length on every key typed into the filter. The whole name stays in
	// the detail's raw JSON.
	return format.Inline(d.Name), format.Inline(st)
}

// tagsText joins tag names, made safe and bounded.
func tagsText(tags apiclient.Tags) string {
	var b strings.Builder
	for _, t := range tags {
		n := strings.TrimSpace(format.Inline(t.Name))
		if n == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
		if b.Len() >= maxTagsText {
			break
		}
	}
	s := b.String()
	if len(s) > maxTagsText {
		s, _ = format.Head(s, maxTagsText)
		s += "…"
	}
	return s
}

// rowSyms fills in the shared values of a row.
func rowSyms(r *Row, d *apiclient.DataSource) {
	created := d.CreatedAt
	if len(created) >= 10 {
		created = created[:10]
	}
	r.handler = symbols.intern(safe.Line(d.BlobHandlerType))
	r.status = symbols.intern(safe.Line(d.Status))
	r.subscription = symbols.intern(safe.Line(d.SubscriptionStatus))
	r.created = symbols.intern(safe.Line(created))
	r.tags = 0
	if len(d.Tags) > 0 {
		// Interned: tenants reuse a few tag sets across many sources.
		r.tags = symbols.intern(tagsText(d.Tags))
	}
	r.Disabled = d.IsDisabled()
}

func rowOf(d *apiclient.DataSource) Row {
	r := Row{ID: d.ID}
	r.Name, r.SchemaTable = rowText(d)
	r.Name, r.SchemaTable = strings.Clone(r.Name), strings.Clone(r.SchemaTable) // not the decoder's buffers
	indexRow(&r)
	rowSyms(&r, d)
	return r
}

// rowsOf converts a page. The page's strings are copied into one block:
// one allocation instead of two per row, rows that sort next to each other
// read memory next to each other, and nothing of the decoded page (which
// is large: every field, and its raw JSON) stays reachable. The names
// come first, then the schema.tables: the filter reads only names, so
// these sit closer (at 1M rows, a first keystroke reads a third less
// memory).
func rowsOf(hits []apiclient.DataSource) []Row {
	rows := make([]Row, len(hits))
	size := 0
	for i := range hits {
		r := &rows[i]
		r.ID = hits[i].ID
		r.Name, r.SchemaTable = rowText(&hits[i])
		indexRow(r)
		size += len(r.Name) + len(r.SchemaTable)
		rowSyms(r, &hits[i])
	}
	var b strings.Builder
	b.Grow(size)
	for i := range rows {
		b.WriteString(rows[i].Name)
	}
	for i := range rows {
		b.WriteString(rows[i].SchemaTable)
	}
	block, at := b.String(), 0
	for i := range rows {
		r := &rows[i]
		r.Name = block[at : at+len(r.Name)]
		at += len(r.Name)
	}
	for i := range rows {
		r := &rows[i]
		r.SchemaTable = block[at : at+len(r.SchemaTable)]
		at += len(r.SchemaTable)
	}
	return rows
}

// RowOf converts a source to a row (for other packages' tests and actions).
func RowOf(d apiclient.DataSource) Row { return rowOf(&d) }

// sym names a short string many rows share. Symbols are never forgotten:
// the table holds each distinct handler, status, subscription state and
// date once (a few thousand strings), for the life of the process.
type sym uint32

// symtab is the table of symbols. Interning locks; reading a symbol does
// not: the string is written before its sym is handed out, and every
// reader got the sym through a channel (a page message) or a goroutine
// start after that.
type symtab struct {
	mu  sync.Mutex
	ids map[string]sym
	n   int
	dir atomic.Pointer[[]*symChunk]
}

const symChunkLen = 1024

type symChunk [symChunkLen]string

// symbols is the process's symbol table; sym 0 is "".
var symbols = func() *symtab {
	t := &symtab{ids: map[string]sym{}}
	t.dir.Store(&[]*symChunk{})
	t.intern("")
	return t
}()

func (t *symtab) intern(s string) sym {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[s]; ok {
		return id
	}
	dir := *t.dir.Load()
	if t.n/symChunkLen == len(dir) {
		grown := append(slices.Clip(dir), new(symChunk))
		t.dir.Store(&grown)
		dir = grown
	}
	s = strings.Clone(s)
	dir[t.n/symChunkLen][t.n%symChunkLen] = s
	id := sym(t.n)
	t.ids[s] = id
	t.n++
	return id
}

func (id sym) String() string {
	return (*symbols.dir.Load())[id/symChunkLen][id%symChunkLen]
}

// column identifies a table column.
type column int

const (
	colName column = iota
	colID
	colHandler
	colStatus
	colSubscription
	colSchema
	colCreated
	numColumns
)

var columnTitles = [numColumns]string{"NAME", "ID", "HANDLER", "STATUS", "SUBSCRIPTION", "SCHEMA.TABLE", "CREATED"}

// sortable names for the status line.
var columnWords = [numColumns]string{"name", "id", "handler", "status", "subscription", "schema.table", "created"}

func (r *Row) statusWord() string {
	if r.Disabled {
		return "disabled"
	}
	return r.Status()
}

// compareRows orders two rows by a column, then by name and id so the
// order is total and stable across reloads.
func compareRows(a, b *Row, c column) int {
	var d int
	switch c {
	case colID:
		return cmp.Compare(a.ID, b.ID)
	case colHandler:
		d = foldCompare(a.Handler(), b.Handler())
	case colStatus:
		d = strings.Compare(a.statusWord(), b.statusWord())
	case colSubscription:
		d = strings.Compare(a.Subscription(), b.Subscription())
	case colSchema:
		d = foldCompare(a.SchemaTable, b.SchemaTable)
	case colCreated:
		d = strings.Compare(a.Created(), b.Created())
	}
	if d != 0 {
		return d
	}
	if d = foldCompare(a.Name, b.Name); d != 0 {
		return d
	}
	return cmp.Compare(a.ID, b.ID)
}

// foldCompare compares case-insensitively without allocating (ASCII fold;
// other runes compare by code point).
func foldCompare(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := toLowerASCII(a[i]), toLowerASCII(b[i])
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// sortedOrder returns rows' indices sorted by c (descending when desc).
// prev, when it is the sorted order of a prefix of rows by the same key,
// is reused: only the new rows are sorted, then merged in. The merge
// gallops: it finds where each new row goes by exponential search, and
// copies the old rows between in bulk, so a page that sorts into one
// place (the server sends pages in name order) costs a few compares and
// a copy rather than a compare per loaded row.
func sortedOrder(rows []Row, c column, desc bool, prev []int32) []int32 {
	less := func(a, b int32) int {
		d := compareRows(&rows[a], &rows[b], c)
		if desc {
			return -d
		}
		return d
	}
	fresh := make([]int32, 0, len(rows)-len(prev))
	for i := len(prev); i < len(rows); i++ {
		fresh = append(fresh, int32(i))
	}
	slices.SortFunc(fresh, less)
	if len(prev) == 0 {
		return fresh
	}
	out := make([]int32, 0, len(rows))
	i := 0
	for _, f := range fresh {
		// prev[i:k] sort before f (ties keep the old row first).
		k := i + gallop(len(prev)-i, func(x int) bool { return less(f, prev[i+x]) < 0 })
		out = append(out, prev[i:k]...)
		out = append(out, f)
		i = k
	}
	return append(out, prev[i:]...)
}

// gallop returns the first x in [0, n) for which after(x) holds (n if
// none), after being false then true. It probes 0, 1, 3, 7, ... first, so
// it costs O(log x) calls rather than O(log n).
func gallop(n int, after func(int) bool) int {
	lo, hi := 0, 1
	for hi <= n && !after(hi-1) {
		lo = hi
		hi = 2*hi + 1
	}
	hi = min(hi, n+1) // after(hi-1) holds, or hi-1 == n
	// The answer is in [lo, hi-1].
	return lo + sort.Search(hi-1-lo, func(x int) bool { return after(lo + x) })
}
