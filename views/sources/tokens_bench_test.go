package sources

import (
	"testing"
	"time"
)

// BenchmarkFilterTokens is the `/` filter with field tokens (tokens.go), at
// the sizes of BenchmarkFilter and through the same path (computeView), so
// the figures stand beside its: from a keystroke to the new match list.
// "text-web_sales" is the plain fuzzy query, in the same run, as the
// baseline. Single-entry cases are a query pasted at once (every row is
// checked); "typing-…" is the query typed a key at a time, each key
// searching the previous matches when the query narrows them (narrows), as
// the list's recompute does. Every third row has tags ("PII, Finance"), as
// the corpus's list hits have none.
//
//	go test -run '^$' -bench 'FilterTokens/rows=100k' -benchmem ./views/sources/
func BenchmarkFilterTokens(b *testing.B) {
	cases := []struct {
		name string
		keys []string
	}{
		{"text-web_sales", []string{"web sales"}},
		{"token-status", []string{"status:failed"}},
		{"token-neg-status", []string{"-status:passed"}},
		{"token-sub", []string{"sub:subscribed"}},
		{"token-handler", []string{"handler:snow"}},
		{"token-id", []string{"id:12"}},
		{"token-table", []string{"table:pay"}},
		{"token-schema", []string{"schema:clin"}},
		{"token-tag", []string{"tag:pii"}},
		{"3tokens", []string{"status:passed handler:s table:pay"}},
		{"token+text", []string{"status:failed web sales"}},
		{"typing-status:failed_web_sales", prefixes("status:failed web sales")},
	}
	for _, size := range benchSizes[:2] {
		b.Run("rows="+size.name, func(b *testing.B) {
			c := corpusOf(b, size.n)
			rows := make([]Row, len(c.rows))
			copy(rows, c.rows)
			tags := symbols.intern("PII, Finance")
			for i := range rows {
				if i%3 == 0 {
					rows[i].tags = tags
				}
			}
			for _, fc := range cases {
				b.Run("q="+fc.name, func(b *testing.B) {
					var d durations
					var matches int
					cpu0 := cpuTime()
					for b.Loop() {
						var prev []int32
						prevQ := ""
						for _, q := range fc.keys {
							var narrowFrom []int32
							if narrows(prevQ, q) {
								narrowFrom = prev
							}
							t := time.Now()
							_, prev, _ = computeView(c.letters, rows, sortKey{}, c.sorted, narrowFrom, q, -1)
							d = append(d, time.Since(t))
							prevQ = q
						}
						matches = len(prev)
					}
					reportKeys(b, d, cpuTime()-cpu0)
					b.ReportMetric(float64(matches), "matches")
				})
			}
		})
	}
}
