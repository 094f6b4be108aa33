package sources

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"unique"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/ui/safe"
)

// Row is what the list keeps of a source: the columns, already made safe to
// draw. It is compact on purpose (100,000 of them must stay small), so the
// detail view fetches the full source again.
type Row struct {
	ID           int64
	Name         string
	Handler      string // blobHandlerType
	Status       string
	Subscription string
	SchemaTable  string
	Created      string // YYYY-MM-DD
	Disabled     bool
}

// intern shares the few distinct handler/status/subscription strings
// between all rows.
func intern(s string) string { return unique.Make(s).Value() }

func rowOf(d *apiclient.DataSource) Row {
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
	created := d.CreatedAt
	if len(created) >= 10 {
		created = created[:10]
	}
	return Row{
		ID:           d.ID,
		Name:         safe.Line(d.Name),
		Handler:      intern(safe.Line(d.BlobHandlerType)),
		Status:       intern(safe.Line(d.Status)),
		Subscription: intern(safe.Line(d.SubscriptionStatus)),
		SchemaTable:  safe.Line(st),
		Created:      intern(safe.Line(created)),
		Disabled:     d.IsDisabled(),
	}
}

// RowOf converts a source to a row (for other packages' tests and actions).
func RowOf(d apiclient.DataSource) Row { return rowOf(&d) }

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
	return r.Status
}

// compareRows orders two rows by a column, then by name and id so the
// order is total and stable across reloads.
func compareRows(a, b *Row, c column) int {
	var d int
	switch c {
	case colID:
		return cmp.Compare(a.ID, b.ID)
	case colHandler:
		d = foldCompare(a.Handler, b.Handler)
	case colStatus:
		d = strings.Compare(a.statusWord(), b.statusWord())
	case colSubscription:
		d = strings.Compare(a.Subscription, b.Subscription)
	case colSchema:
		d = foldCompare(a.SchemaTable, b.SchemaTable)
	case colCreated:
		d = strings.Compare(a.Created, b.Created)
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
// is reused: only the new rows are sorted, then merged in.
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
	i, j := 0, 0
	for i < len(prev) && j < len(fresh) {
		if less(fresh[j], prev[i]) < 0 {
			out = append(out, fresh[j])
			j++
		} else {
			out = append(out, prev[i])
			i++
		}
	}
	out = append(out, prev[i:]...)
	return append(out, fresh[j:]...)
}

// listOpts is what a load asks the server for.
type listOpts struct {
	search string
}

// pageMsg is one page of a load.
type pageMsg struct {
	load   int // load generation; stale loads are dropped
	offset int
	rows   []Row
	count  int // -1 when the server did not say
	short  bool
	err    error
}

// fetchPage fetches one page and converts it to rows off the UI goroutine.
func fetchPage(ctx context.Context, api interface {
	ListDataSources(context.Context, apiclient.ListOptions) (*apiclient.DataSourcePage, error)
}, load, offset, size int, o listOpts) tea.Cmd {
	return func() tea.Msg {
		p, err := api.ListDataSources(ctx, apiclient.ListOptions{
			Size: size, Offset: offset, SearchText: o.search, SortField: "name", SortOrder: "asc",
		})
		if err != nil {
			return pageMsg{load: load, offset: offset, err: err}
		}
		rows := make([]Row, len(p.Hits))
		for i := range p.Hits {
			rows[i] = rowOf(&p.Hits[i])
		}
		return pageMsg{load: load, offset: offset, rows: rows, count: p.Count, short: len(p.Hits) < size}
	}
}

func humanCount(n int) string {
	s := strconv.Itoa(n)
	if n < 10000 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
