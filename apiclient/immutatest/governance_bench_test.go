package immutatest

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// The pending-request list of a 1M-source tenant (about 250,000 requests):
// the first call builds the index; a new filter walks it; a page of the
// same query again comes from the cache.
func BenchmarkPendingFirstCall1M(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		h := NewHandler(Options{Sources: 1_000_000})
		b.StartTimer()
		serve(b, h, "/subscription/getPendingRequestsForUser?size=50")
	}
}

func BenchmarkPendingNewFilter1M(b *testing.B) {
	h := NewHandler(Options{Sources: 1_000_000})
	serve(b, h, "/subscription/getPendingRequestsForUser?size=50")
	names := []string{"ada", "ben", "chen", "mia", "zoe"}
	i := 0
	for b.Loop() {
		// A different query each time, so the cache does not answer.
		serve(b, h, "/subscription/getPendingRequestsForUser?size=50&name="+names[i%len(names)]+strings.Repeat("%20", i/len(names)%2))
		i++
	}
}

func BenchmarkPendingCachedPage1M(b *testing.B) {
	h := NewHandler(Options{Sources: 1_000_000})
	serve(b, h, "/subscription/getPendingRequestsForUser?size=50")
	for b.Loop() {
		serve(b, h, "/subscription/getPendingRequestsForUser?size=50&offset=1000")
	}
}

// An approval invalidates the cache: the next list walks the index again.
func BenchmarkApproveThenList1M(b *testing.B) {
	h := NewHandler(Options{Sources: 1_000_000})
	serve(b, h, "/subscription/getPendingRequestsForUser?size=50")
	h.mu.RLock()
	items := h.pendingItems(pendQuery{sortField: "name"})
	h.mu.RUnlock()
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/subscription/approve", strings.NewReader(`{"requests":[{"id":`+itoa(otherSubID(items[i].ref(h).src, int(items[i].ref(h).k)))+`}]}`))
		req.Header.Set("Authorization", "Bearer "+h.Key())
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"failures":[]`) {
			b.Fatalf("approve: %d %s", w.Code, w.Body)
		}
		serve(b, h, "/subscription/getPendingRequestsForUser?size=50")
		i++
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
