package sources

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sahilm/fuzzy"
)

// The ASCII scorer (the path nearly every name takes) must give sahilm's
// score and matched positions for every string, matching or not. The
// alphabet is small so patterns match often and in many ways: repeated
// letters, camel case, every separator, a leading match and none.
func TestASCIIScorerAgreesWithSahilm(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 5))
	const alpha = "aAbBcCsS_- ./\\x1"
	gen := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	}
	names := make([]string, 4000)
	for i := range names {
		names[i] = gen(r.IntN(24))
	}
	names = append(names, "Web Sales 2023", "web_sales", "WebSales", "xWeb", "Sales Orders Daily 2", "")
	order := make([]int32, len(names))
	for i := range order {
		order[i] = int32(i)
	}
	for range 300 {
		q := gen(1 + r.IntN(6))
		want := fuzzy.Find(q, names)
		got := rank(q, order, func(i int32) string { return names[i] })
		if len(got) != len(want) {
			t.Fatalf("%q: %d matches, sahilm %d", q, len(got), len(want))
		}
		m := newMatcher(q)
		for i, w := range want {
			if int(got[i]) != w.Index {
				t.Fatalf("%q: result %d is %q, sahilm has %q", q, i, names[got[i]], w.Str)
			}
			start, ok, slow := m.scan(w.Str)
			if !ok || slow {
				t.Fatalf("%q on %q: scan says ok=%v slow=%v", q, w.Str, ok, slow)
			}
			var idx []int
			sc, ok, slow := m.scoreASCII(w.Str, start, &idx)
			if !ok || slow || sc != w.Score || !slices.Equal(idx, w.MatchedIndexes) {
				t.Fatalf("%q on %q: score %d %v, sahilm %d %v", q, w.Str, sc, idx, w.Score, w.MatchedIndexes)
			}
		}
	}
}

// Names with a non-ASCII rune after the part scan reads must still be
// scored by the full scorer.
func TestASCIIScorerHandsOverNonASCII(t *testing.T) {
	names := []string{"ab Kelvin", "ab \u212aelvin", "sales ü", "Sales データ s", "a\x00b",
		"x_s \u017f", "x_s\x00yy", "aS s\x00", "\u017f_s"}
	for _, q := range []string{"ab", "abk", "s", "ss", "ab", "S"} {
		want := fuzzy.Find(q, names)
		order := make([]int32, len(names))
		for i := range order {
			order[i] = int32(i)
		}
		got := rank(q, order, func(i int32) string { return names[i] })
		if len(got) != len(want) {
			t.Fatalf("%q: %d matches, sahilm %d", q, len(got), len(want))
		}
		for i, w := range want {
			if int(got[i]) != w.Index {
				t.Fatalf("%q: result %d is %q, sahilm has %q", q, i, names[got[i]], w.Str)
			}
			var idx []int
			sc, ok := newMatcher(q).matchIn(w.Str, &idx)
			if !ok || sc != w.Score || !slices.Equal(idx, w.MatchedIndexes) {
				t.Fatalf("%q on %q: score %d %v, sahilm %d %v", q, w.Str, sc, idx, w.Score, w.MatchedIndexes)
			}
		}
	}
}

// The masks of missing letters must never rule out a name sahilm matches:
// not for names with runes that fold to ASCII (K, ſ), not for digits.
func TestAbsentMaskRulesOutOnlyNonMatches(t *testing.T) {
	names := append(randomNames(3000, 9), "\u212aelvin", "\u017fales", "Sales 2023", "sales_2019", "x9y", "Web5")
	order := make([]int32, len(names))
	masks := make([]uint32, len(names))
	for i := range order {
		order[i] = int32(i)
		masks[i] = absentOf(names[i])
	}
	for _, q := range []string{"s", "k", "kelvin", "sales", "2023", "219", "x9", "w5", "eu raw", "web_sales", "données", "zzz", "9"} {
		want := fuzzy.Find(q, names)
		got := rankWith(q, order, func(i int32) (string, uint32) { return names[i], masks[i] })
		if len(got) != len(want) {
			t.Fatalf("%q: %d matches, sahilm %d", q, len(got), len(want))
		}
		for i, w := range want {
			if int(got[i]) != w.Index {
				t.Fatalf("%q: result %d is %q, sahilm has %q", q, i, names[got[i]], w.Str)
			}
		}
	}
}
