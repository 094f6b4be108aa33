package immutatest

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
)

func BenchmarkNewHandler100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NewHandler(Options{Sources: 100_000})
	}
}

func BenchmarkNewHandler1M(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NewHandler(Options{Sources: 1_000_000})
	}
}

// serve runs one request through the handler (no network).
func serve(b *testing.B, h *Handler, path string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Authorization", "Bearer "+h.Key())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s: %d %s", path, w.Code, w.Body.Bytes())
	}
}

// A page of 200 hits from a warm list (the usual case while paging).
func BenchmarkListPage200(b *testing.B) {
	for _, c := range []struct {
		name, path string
		n          int
	}{
		{"100k/id", "/dataSource?size=200&offset=50000", 100_000},
		{"100k/name", "/dataSource?size=200&offset=50000&sortField=name", 100_000},
		{"100k/search", "/dataSource?size=200&searchText=orders&status=passed", 100_000},
		{"1M/id", "/dataSource?size=200&offset=500000", 1_000_000},
		{"1M/name", "/dataSource?size=200&offset=500000&sortField=name", 1_000_000},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := NewHandler(Options{Sources: c.n})
			serve(b, h, c.path)
			b.ReportAllocs()
			for b.Loop() {
				serve(b, h, c.path)
			}
		})
	}
}

var coldCases = []struct {
	name string
	q    listQuery
	n    int
}{
	{"100k/id", listQuery{}, 100_000},
	{"100k/name", listQuery{sortField: "name"}, 100_000},
	{"100k/createdAt", listQuery{sortField: "createdAt"}, 100_000},
	{"100k/subscriptionStatus", listQuery{sortField: "subscriptionStatus"}, 100_000},
	{"100k/search", listQuery{search: "sales"}, 100_000},
	{"100k/filters", listQuery{statuses: []string{"passed"}, handlers: []string{"Snowflake"}, tags: []string{"PII"}}, 100_000},
	{"1M/id", listQuery{}, 1_000_000},
	{"1M/name", listQuery{sortField: "name"}, 1_000_000},
	{"1M/search", listQuery{search: "sales orders"}, 1_000_000},
	{"1M/filters", listQuery{subs: []string{"owner"}, statuses: []string{"failed"}}, 1_000_000},
	{"1M/filters+name", listQuery{subs: []string{"owner"}, sortField: "name"}, 1_000_000},
}

// A query not in the view cache (a new filter, or any query after a
// write), once the per-handler tables it uses exist.
func BenchmarkListCold(b *testing.B) {
	for _, c := range coldCases {
		b.Run(c.name, func(b *testing.B) {
			h := NewHandler(Options{Sources: c.n})
			h.computeView(&c.q)
			b.ReportAllocs()
			for b.Loop() {
				h.computeView(&c.q)
			}
		})
	}
}

// The first query of its kind on a new handler: it also builds the tables
// (facets, names arena, sort permutation) that later queries reuse.
func BenchmarkListFirst(b *testing.B) {
	for _, c := range coldCases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				h := NewHandler(Options{Sources: c.n})
				b.StartTimer()
				h.computeView(&c.q)
			}
		})
	}
}

func BenchmarkDetail(b *testing.B) {
	h := NewHandler(Options{Sources: 100_000})
	b.ReportAllocs()
	for b.Loop() {
		serve(b, h, "/dataSource/54321")
	}
}

func BenchmarkAccessWebSales(b *testing.B) {
	h := NewHandler(Options{})
	b.ReportAllocs()
	for b.Loop() {
		serve(b, h, "/dataSource/16/access?size=100&offset=1000")
	}
}

// Heap held by a handler with a million sources, before and after the
// first search and name sort (which cache the names arena and one view).
func BenchmarkMemory1M(b *testing.B) {
	for b.Loop() {
		var m0, m1, m2 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		h := NewHandler(Options{Sources: 1_000_000})
		runtime.GC()
		runtime.ReadMemStats(&m1)
		serve(b, h, "/dataSource?searchText=sales&size=200")
		serve(b, h, "/dataSource?sortField=name&size=200")
		serve(b, h, "/dataSource?size=200")
		runtime.GC()
		runtime.ReadMemStats(&m2)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/(1<<20), "MiB-new")
		b.ReportMetric(float64(m2.HeapAlloc-m0.HeapAlloc)/(1<<20), "MiB-used")
		runtime.KeepAlive(h)
	}
}
