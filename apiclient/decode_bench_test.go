package apiclient

// BenchmarkDecodePage: the cost of decoding one GET /dataSource page, per
// source, for today's decoder beside the one it replaced (legacy..., in
// decode_legacy_test.go). "interleaved" times both in the same loop, so
// both see the same load on a shared machine; compare medians of five runs:
//
//	go test -run '^$' -bench 'DecodePage/.*/interleaved' -count=5 ./apiclient/
//	go test -run '^$' -bench DecodePage -benchmem -count=5 ./apiclient/   # allocations too
//
// "client" is what Client does with an answer, before (json.Unmarshal) and
// now (decodeBody); "unmarshal/new" is json.Unmarshal into the new type.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
)

// emulatorPage renders a page of n hits from the emulator, sorted by name
// from the middle of 100,000 sources, as the TUI asks for them.
func emulatorPage(tb testing.TB, n int) []byte {
	tb.Helper()
	h := immutatest.NewHandler(immutatest.Options{Sources: 100_000})
	req := httptest.NewRequest(http.MethodGet, "/dataSource?sortField=name&sortOrder=asc&offset=50000&size="+itoa(n), nil)
	req.Header.Set("Authorization", "Bearer "+h.Key())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("emulator: %d %s", rec.Code, rec.Body.Bytes())
	}
	var p DataSourcePage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || len(p.Hits) != n {
		tb.Fatalf("emulator page: %d hits, %v", len(p.Hits), err)
	}
	return rec.Body.Bytes()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func BenchmarkDecodePage(b *testing.B) {
	seed, err := os.ReadFile(filepath.Join("testdata", "list_envelope.json"))
	if err != nil {
		b.Fatal(err)
	}
	bodies := []struct {
		name string
		body []byte
		hits int
	}{
		{"emulator-1000", emulatorPage(b, 1000), 1000},
		{"seed", seed, 2},
	}
	for _, c := range bodies {
		perSource := func(b *testing.B) {
			b.SetBytes(int64(len(c.body)))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.hits), "ns/source")
		}
		// The headline: each iteration decodes the page with the old
		// client path and the new one, alternating which goes first, so
		// that both see the same machine (it is shared) and each other's
		// garbage. Median of -count=5 runs of this line.
		b.Run(c.name+"/interleaved", func(b *testing.B) {
			var old, cur time.Duration
			legacy := func() {
				start := time.Now()
				var p legacyPage
				if err := json.Unmarshal(c.body, &p); err != nil || len(p.Hits) != c.hits {
					b.Fatal(len(p.Hits), err)
				}
				old += time.Since(start)
			}
			now := func() {
				start := time.Now()
				var p DataSourcePage
				if err := (sizedPage{&p, c.hits}).decodeBody(c.body); err != nil || len(p.Hits) != c.hits {
					b.Fatal(len(p.Hits), err)
				}
				cur += time.Since(start)
			}
			n := 0
			for b.Loop() {
				if n++; n%2 == 0 {
					legacy()
					now()
				} else {
					now()
					legacy()
				}
			}
			per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(n) / float64(c.hits) }
			b.ReportMetric(per(old), "legacy-ns/source")
			b.ReportMetric(per(cur), "new-ns/source")
			b.ReportMetric(float64(old)/float64(cur), "speed-up")
		})
		// What the client did with an answer: json.Unmarshal, which
		// scans the body twice before UnmarshalJSON sees it.
		b.Run(c.name+"/client/legacy", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var p legacyPage
				if err := json.Unmarshal(c.body, &p); err != nil || len(p.Hits) != c.hits {
					b.Fatal(len(p.Hits), err)
				}
			}
			perSource(b)
		})
		// What the client does now: ListDataSources asks for c.hits, and
		// Client.decode calls decodeBody.
		b.Run(c.name+"/client/new", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var p DataSourcePage
				if err := (sizedPage{&p, c.hits}).decodeBody(c.body); err != nil || len(p.Hits) != c.hits {
					b.Fatal(len(p.Hits), err)
				}
			}
			perSource(b)
		})
		// Other callers of json.Unmarshal: the new UnmarshalJSON behind
		// encoding/json's two scans.
		b.Run(c.name+"/unmarshal/new", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var p DataSourcePage
				if err := json.Unmarshal(c.body, &p); err != nil || len(p.Hits) != c.hits {
					b.Fatal(len(p.Hits), err)
				}
			}
			perSource(b)
		})
	}
}
