package sources

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// Merging new rows into a sorted prefix must give the order a full sort
// gives, for every column and direction, whether the new rows interleave
// with the old ones or sort into one place.
func TestSortedOrderMergeEqualsFullSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	names := []string{"web", "Web", "sales", "Sales 2", "a", "zz", "orders", "web"}
	for trial := range 200 {
		n := 1 + r.IntN(300)
		rows := make([]Row, n)
		ids := r.Perm(n) // ids are unique, so the order is total
		for i := range rows {
			rows[i] = Row{ID: int64(ids[i]), Name: fmt.Sprintf("%s %d", names[r.IntN(len(names))], r.IntN(20)),
				status: symbols.intern([]string{"passed", "failed"}[r.IntN(2)]), created: symbols.intern(fmt.Sprintf("2023-0%d", r.IntN(9)))}
		}
		if trial%2 == 0 {
			slices.SortFunc(rows, func(a, b Row) int { return compareRows(&a, &b, colName) })
		}
		c := column(r.IntN(int(numColumns)))
		desc := r.IntN(2) == 0
		want := sortedOrder(rows, c, desc, nil)
		cut := r.IntN(n + 1)
		prev := sortedOrder(rows[:cut], c, desc, nil)
		got := sortedOrder(rows, c, desc, prev)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d (col %d desc %v, %d of %d old): merge %v, full sort %v", trial, c, desc, cut, n, got, want)
		}
	}
}

func TestGallop(t *testing.T) {
	for n := range 70 {
		for want := 0; want <= n; want++ {
			calls := 0
			got := gallop(n, func(x int) bool {
				calls++
				if x < 0 || x >= n {
					t.Fatalf("n=%d: probe %d out of range", n, x)
				}
				return x >= want
			})
			if got != want {
				t.Fatalf("n=%d: gallop %d, want %d", n, got, want)
			}
		}
	}
}

// A server that sends fewer rows than asked (it caps the page size) must
// not make the list skip the rows in between, even when the cap is only
// seen after the first (smaller) page.
func TestCappedPagesLeaveNoGaps(t *testing.T) {
	for _, c := range []struct{ cap, page, conc int }{{150, 500, 4}, {50, 500, 3}, {100, 100, 2}, {70, 1000, 8}} {
		srv := immutatest.NewServer(immutatest.Options{Sources: 1000, MaxPageSize: c.cap})
		client, err := apiclient.New(srv.URL, immutatest.DefaultKey)
		if err != nil {
			t.Fatal(err)
		}
		sess := viewtest.Context(client)
		sess.PageSize, sess.Concurrency = c.page, c.conc
		m := New(sess)
		viewtest.New(t, m, 120, 30)
		if loaded, total := m.Counts(); loaded != srv.Handler.Len() || total != loaded {
			t.Errorf("cap %d, page %d: loaded %d of %d, the server has %d", c.cap, c.page, loaded, total, srv.Handler.Len())
		}
		if !m.all.done {
			t.Errorf("cap %d, page %d: the load is not done", c.cap, c.page)
		}
		srv.Close()
	}
}

// A page converted at once (its strings in one block) gives the rows one
// conversion at a time gives, hostile text made safe the same way.
func TestRowsOfMatchesRowOf(t *testing.T) {
	hits := viewtest.GenSources(300)
	hits = append(hits,
		apiclient.DataSource{ID: 9001, Name: "\x1b[31mEVIL\u202e", BlobHandlerType: "\x1b[2J", Status: "passed", RemoteSchema: "s\tx", RemoteTable: "t\n"},
		apiclient.DataSource{ID: 9002, Name: "データ 🚀", SQLSchemaName: "only_schema", CreatedAt: "2024"},
		apiclient.DataSource{ID: 9003, Deleted: true})
	rows := rowsOf(hits)
	for i := range hits {
		if want := rowOf(&hits[i]); rows[i] != want {
			t.Fatalf("row %d: page conversion %+v, single %+v", i, rows[i], want)
		}
	}
	if r := rows[len(rows)-3]; r.Name != "␛[31mEVIL" || r.Handler() != "␛[2J" || r.SchemaTable != "s x.t " {
		t.Errorf("hostile row not made safe: %+v %q", r, r.Handler())
	}
	if r := rows[len(rows)-1]; !r.Disabled || r.statusWord() != "disabled" {
		t.Errorf("deleted source: %+v", r)
	}
}

// Symbols are interned from several fetches at once while rows are read.
func TestSymbolsConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 3000 {
				s := fmt.Sprintf("value-%d", (i*7+g)%2500)
				if got := symbols.intern(s).String(); got != s {
					t.Errorf("sym of %q reads %q", s, got)
					return
				}
			}
		})
	}
	wg.Wait()
}

// The info line joins its parts with one separator, whichever are shown.
func TestInfoLineSeparators(t *testing.T) {
	api := &viewtest.FakeAPI{Sources: viewtest.GenSources(20)}
	d, _ := newList(t, api, 120, 10)
	d.Key("space")
	scr := d.Screen()
	if !strings.Contains(scr, "1 marked · sort: name ↑") || strings.Contains(scr, "·  ·") {
		t.Errorf("info line: %q", strings.SplitN(scr, "\n", 2)[0])
	}
}
