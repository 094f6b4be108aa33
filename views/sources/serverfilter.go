package sources

import (
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/cmdline"
)

// serverFilter is the server filters a load asks with: GET /dataSource's
// own parameters (Size and Offset are the loader's).
type serverFilter = apiclient.ListOptions

// request is the page at offset the loader asks for. Without a sort of
// the filters', the server is asked by name, as the list shows it.
func (o listOpts) request(offset, size int) apiclient.ListOptions {
	r := o.filter
	r.Size, r.Offset = size, offset
	if o.search != "" {
		r.SearchText = o.search
	}
	switch {
	case r.SortField == "":
		r.SortField, r.SortOrder = "name", "asc"
	case r.SortOrder == "":
		r.SortOrder = "asc"
	}
	return r
}

// setServerFilter reloads the list with o: every load in flight is
// stopped, a server search and the marks are dropped (a mark on a row no
// longer shown must not be written to unseen), and a sort of o's that is
// a column of the list becomes the list's sort.
func (m *Model) setServerFilter(o serverFilter) tea.Cmd {
	o.Size, o.Offset = 0, 0
	for _, d := range []*dataset{m.all, m.reload, m.search} {
		stopLoad(d)
	}
	m.filter = o
	m.search, m.reload = nil, nil
	m.view, m.viewDS = nil, nil
	m.resetCursor()
	m.ClearMarks()
	if c, ok := sortColumns[o.SortField]; ok {
		m.sort = sortKey{col: c, desc: o.SortOrder == "desc"}
	}
	m.all = m.newDataset(listOpts{filter: o})
	return m.startLoad(m.all)
}

// sortColumns are the server's sortField values that are list columns.
var sortColumns = map[string]column{
	"name": colName, "createdAt": colCreated, "blobHandlerType": colHandler,
	"subscriptionStatus": colSubscription, "status": colStatus,
}

// ServerFilter is the server filters the list loads with.
func (m *Model) ServerFilter() apiclient.ListOptions { return m.filter }

// filterEmptyText says that no source matched the server filters, "" when
// none is on.
func (m *Model) filterEmptyText() string {
	if l := cmdline.Label(m.filter); l != "" {
		return "No data source matches the server filters (" + l + "); :all clears them."
	}
	return ""
}

// knownScan bounds the rows Known reads: it runs on the UI goroutine when
// the command line opens, and the first rows hold nearly every handler.
const knownScan = 20_000

// Known lists the handler types and tags of the loaded rows (the first
// knownScan of them), sorted, for the command line's completion of
// :handler and :tag.
func (m *Model) Known() (handlers, tags []string) {
	d := m.all
	if d == nil {
		return nil, nil
	}
	hs, ts := map[sym]bool{}, map[sym]bool{}
	for i := range min(len(d.rows), knownScan) {
		r := &d.rows[i]
		hs[r.handler] = true
		ts[r.tags] = true
	}
	seen := map[string]bool{}
	for s := range hs {
		if n := s.String(); n != "" && !seen[n] {
			seen[n] = true
			handlers = append(handlers, n)
		}
	}
	clear(seen)
	for s := range ts {
		for _, n := range strings.Split(s.String(), ", ") {
			if n = strings.TrimSuffix(n, "…"); n != "" && !seen[n] {
				seen[n] = true
				tags = append(tags, n)
			}
		}
	}
	slices.Sort(handlers)
	slices.Sort(tags)
	return handlers, tags
}
