package sources

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// The benchmarks run on what the emulator serves: its generated names
// ("Web Sessions Daily 3"), handlers, statuses and tables, fetched through
// its http.Handler exactly as a client would page through them.

// benchSizes are the row counts of the growth curve. The emulator adds its
// twelve seed sources to the generated ones.
var benchSizes = []struct {
	name string
	n    int
}{{"10k", 10_000}, {"100k", 100_000}, {"1M", 1_000_000}}

// corpus is n sources as the list holds them.
type corpus struct {
	rows   []Row
	sorted []int32 // rows by name, as the list shows them
	// letters is the rows' letterIndex, as the list keeps it once loaded
	// (nil below letterIndexMin rows).
	letters *letterIndex
	names   []string // names in sorted order (what bubbles' list filters)
}

var (
	corpusMu sync.Mutex
	corpora  = map[int]*corpus{}
)

// listHit is the part of a list hit a row needs. Decoding only these
// fields keeps building a million-row corpus to seconds; the load
// benchmarks use the real client.
type listHit struct {
	ID                 int64  `json:"id"`
	Name               string `json:"name"`
	Status             string `json:"status"`
	SubscriptionStatus string `json:"subscriptionStatus"`
	BlobHandlerType    string `json:"blobHandlerType"`
	SQLSchemaName      string `json:"sqlSchemaName"`
	SQLTableName       string `json:"sqlTableName"`
	RemoteSchema       string `json:"remoteSchema"`
	RemoteTable        string `json:"remoteTable"`
	CreatedAt          string `json:"createdAt"`
	Deleted            bool   `json:"deleted"`
	Disabled           bool   `json:"disabled"`
}

func (h *listHit) source() apiclient.DataSource {
	return apiclient.DataSource{
		ID: h.ID, Name: h.Name, Status: h.Status, SubscriptionStatus: h.SubscriptionStatus,
		BlobHandlerType: h.BlobHandlerType, SQLSchemaName: h.SQLSchemaName, SQLTableName: h.SQLTableName,
		RemoteSchema: h.RemoteSchema, RemoteTable: h.RemoteTable, CreatedAt: h.CreatedAt,
		Deleted: h.Deleted, Disabled: h.Disabled,
	}
}

func sourcesOf(hits []listHit) []apiclient.DataSource {
	out := make([]apiclient.DataSource, len(hits))
	for i := range hits {
		out[i] = hits[i].source()
	}
	return out
}

// emuPage is one GET /dataSource page served by h, as the list asks for it.
func emuPage(tb testing.TB, h http.Handler, offset, size int) []byte {
	req := httptest.NewRequest(http.MethodGet,
		fmt.Sprintf("/dataSource?size=%d&offset=%d&sortField=name&sortOrder=asc", size, offset), nil)
	req.Header.Set("Authorization", "Bearer "+immutatest.DefaultKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("emulator: %d %s", rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

// emuRows pages through an emulator with n generated sources and converts
// every hit with rowOf, in the order the server sends them.
func emuRows(tb testing.TB, n int) []Row {
	h := immutatest.NewHandler(immutatest.Options{Sources: n})
	total := h.Len()
	const size = 1000
	rows := make([]Row, total)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for off := w * size; off < total; off += workers * size {
				var p struct {
					Hits []listHit `json:"hits"`
				}
				if err := json.Unmarshal(emuPage(tb, h, off, size), &p); err != nil {
					errs <- err
					return
				}
				copy(rows[off:], rowsOf(sourcesOf(p.Hits)))
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		tb.Fatal(err)
	}
	return rows
}

// corpusOf returns (building once per process) the corpus of n generated
// sources.
func corpusOf(tb testing.TB, n int) *corpus {
	corpusMu.Lock()
	defer corpusMu.Unlock()
	if c, ok := corpora[n]; ok {
		return c
	}
	rows := emuRows(tb, n)
	c := &corpus{rows: rows, sorted: sortedOrder(rows, colName, false, nil)}
	if len(rows) >= letterIndexMin {
		c.letters = &letterIndex{}
		c.letters.update(rows)
	}
	c.names = make([]string, len(c.sorted))
	for i, r := range c.sorted {
		c.names[i] = rows[r].Name
	}
	corpora[n] = c
	return c
}
