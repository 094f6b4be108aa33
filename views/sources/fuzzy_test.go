package sources

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sahilm/fuzzy"
)

var words = []string{"Sales", "Orders", "web", "Web_Sales", "HR", "employees", "clickStream", "EU", "raw",
	"Finance", "ledger", "Kelvin", "données", "Ünïcode", "データ", "2023", "dbo", "Customer-Data", "public.barfoo", "x"}

func randomNames(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]string, n)
	for i := range out {
		k := 1 + r.IntN(4)
		s := ""
		for j := 0; j < k; j++ {
			if j > 0 {
				s += []string{" ", "_", "", "."}[r.IntN(4)]
			}
			s += words[r.IntN(len(words))]
		}
		out[i] = s
	}
	return out
}

// The filter must give exactly sahilm/fuzzy's matches, in its order.
func TestMatcherAgreesWithSahilm(t *testing.T) {
	names := randomNames(3000, 7)
	order := make([]int32, len(names))
	for i := range order {
		order[i] = int32(i)
	}
	for _, q := range []string{"s", "sa", "sal", "web", "WS", "es", "clk", "eu raw", "kelvin", "ü", "デ", "données", "2023", "zzz", "_", "o.b"} {
		want := fuzzy.Find(q, names)
		got := rank(q, order, func(i int32) string { return names[i] })
		if len(got) != len(want) {
			t.Fatalf("%q: %d matches, sahilm %d", q, len(got), len(want))
		}
		for i := range want {
			if int(got[i]) != want[i].Index {
				t.Fatalf("%q: result %d is %q, sahilm has %q", q, i, names[got[i]], want[i].Str)
			}
		}
		for _, w := range want[:min(20, len(want))] {
			var idx []int
			sc, ok := newMatcher(q).score(w.Str, &idx)
			if !ok || sc != w.Score || !slices.Equal(idx, w.MatchedIndexes) {
				t.Fatalf("%q on %q: score %d %v, sahilm %d %v", q, w.Str, sc, idx, w.Score, w.MatchedIndexes)
			}
		}
	}
}

func TestMatchedRunesCountsRunesNotBytes(t *testing.T) {
	got := matchedRunes("ds", "データ ds")
	if !got[4] || !got[5] || len(got) != 2 {
		t.Fatalf("got %v, want runes 4 and 5", got)
	}
}

func TestSortByScoreIsStable(t *testing.T) {
	ms := []scored{{1, 5}, {2, 9}, {3, 5}, {4, -3}, {5, 9}}
	if got := sortByScore(ms); fmt.Sprint(got) != "[2 5 1 3 4]" {
		t.Fatalf("got %v", got)
	}
}
