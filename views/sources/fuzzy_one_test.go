package sources

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sahilm/fuzzy"
)

// The word-at-a-time scorer for one-character queries (the first
// keystroke) must give sahilm's score for every name, at every length
// around the 8-byte word and with the match in every place: first byte,
// after a separator, camel case, the last byte, a NUL or a non-ASCII rune
// before or after it (which it leaves to the full scorer).
func TestOneByteScorerAgreesWithSahilm(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 17))
	const alpha = "aAsSzZ09_- ./\\x@`[{"
	var names []string
	for n := range 40 {
		for range 60 {
			b := make([]byte, n)
			for i := range b {
				b[i] = alpha[r.IntN(len(alpha))]
			}
			names = append(names, string(b))
		}
	}
	names = append(names, "a\x00s", "s\x00", "xx\x00xxxxxxxxS", "\u017fales", "\u212a", "Sales データ",
		"データ sales", "ab"+strings.Repeat("x", 30)+"\u00e9s", "aaaaaaaS", "aaaaaaaaS", "aaaaaaa_s")
	queries := []string{"a", "A", "s", "S", "z", "0", "9", "_", "-", " ", ".", "/", "\\", "x", "@", "`", "[", "{", "k"}
	for _, q := range queries {
		m := newMatcher(q)
		for _, s := range names {
			want := fuzzy.Find(q, []string{s})
			clean := absentOf(s) != 0
			if clean != (strings.IndexByte(s, 0) < 0 && isASCII(s)) && len(s) > 0 {
				t.Fatalf("%q: absentOf is %x", s, absentOf(s))
			}
			sc, ok, slow := scoreByte(s, m.lower[0])
			if slow {
				if clean {
					t.Fatalf("%q on %q: slow on an ASCII name without NUL", q, s)
				}
				sc, ok = m.matchIn(s, nil)
			}
			if ok != (len(want) == 1) || ok && sc != want[0].Score {
				t.Fatalf("%q on %q: score %d ok=%v, sahilm %v", q, s, sc, ok, want)
			}
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Split across cores and counted in parts, the ranking stays sahilm's,
// ties in candidate order, for one-character queries and longer ones.
func TestParallelRankAgreesWithSahilm(t *testing.T) {
	names := append(randomNames(50_000, 23), "\u017fales", "\u212aelvin", "a\x00s")
	order := make([]int32, len(names))
	masks := make([]uint32, len(names))
	for i := range order {
		order[i] = int32(len(names) - 1 - i) // not the names' own order
		masks[i] = absentOf(names[i])
	}
	inOrder := make([]string, len(names))
	for i, r := range order {
		inOrder[i] = names[r]
	}
	for _, q := range []string{"s", "e", "k", "2", "_", "ü", "sa", "web"} {
		want := fuzzy.Find(q, inOrder)
		got := rankWith(q, order, func(i int32) (string, uint32) { return names[i], masks[i] })
		if len(got) != len(want) {
			t.Fatalf("%q: %d matches, sahilm %d", q, len(got), len(want))
		}
		for i, w := range want {
			if got[i] != order[w.Index] {
				t.Fatalf("%q: result %d is %q, sahilm has %q", q, i, names[got[i]], w.Str)
			}
		}
	}
}

// What a row keeps about its name (absent, wordTop) and the name's first
// eight bytes must give sahilm's score for every one-letter query, at
// every length around the word, with the letter at the start, after a
// separator, in camel case, only in the first word, only past it, or
// nowhere; through rankRows, with and without the letterIndex, the order
// must be sahilm's too.
func TestRowIndexAgreesWithSahilm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 29))
	const alpha = "aAsSeEqQzZyY09_- ./x"
	var rows []Row
	for n := range 40 {
		for range 80 {
			b := make([]byte, n)
			for i := range b {
				b[i] = alpha[r.IntN(len(alpha))]
			}
			rows = append(rows, Row{Name: string(b)})
		}
	}
	for _, s := range []string{"xxxxxxxxS", "xxxxxxx_s", "aaaaaaaS", "aaaaaaaaS", "xxxxxxxxxs", "s", "S", "", "xS",
		"x_S", "xx_S", "Web Sessions Daily 3", "sales", "\u017fales", "\u212aelvin", "a\x00s", "Sales データ"} {
		rows = append(rows, Row{Name: s})
	}
	for _, s := range randomNames(20_000, 31) {
		rows = append(rows, Row{Name: s})
	}
	names := make([]string, len(rows))
	order := make([]int32, len(rows))
	for i := range rows {
		indexRow(&rows[i])
		names[i] = rows[i].Name
		order[i] = int32(i)
	}
	defer func(n int) { letterIndexMin = n }(letterIndexMin)
	letterIndexMin = 1
	letters := &letterIndex{}
	letters.update(rows)
	if letters.n != len(rows) {
		t.Fatalf("the index covers %d of %d rows", letters.n, len(rows))
	}
	for c := byte('a'); c <= 'z'; c++ {
		for _, q := range []string{string(c), string(c - 'a' + 'A')} {
			m := newMatcher(q)
			pat, fold := uint64(m.lower[0])*ones, uint64(0x20*ones)
			for i := range rows {
				row := &rows[i]
				if row.absent == 0 || row.absent&m.needs != 0 || topBit(q[0]) == 0 {
					continue
				}
				want := fuzzy.Find(q, []string{row.Name})
				sc, ok := scoreHead(row.Name, pat, fold, row.top()&topBit(q[0]) != 0)
				if ok != (len(want) == 1) || ok && sc != want[0].Score {
					t.Fatalf("%q on %q: score %d ok=%v, sahilm %v", q, row.Name, sc, ok, want)
				}
			}
			want := fuzzy.Find(q, names)
			for _, x := range []*letterIndex{nil, letters} {
				got := rankRows(q, order, rows, x)
				if len(got) != len(want) {
					t.Fatalf("%q (index %v): %d matches, sahilm %d", q, x != nil, len(got), len(want))
				}
				for i, w := range want {
					if got[i] != int32(w.Index) {
						t.Fatalf("%q (index %v): result %d is %q, sahilm has %q", q, x != nil, i, names[got[i]], w.Str)
					}
				}
			}
		}
	}
}

// A row's wordTop holds a letter exactly when a one-character query for
// it finds a match worth 20 somewhere in the name; q and z have no bit.
func TestTopOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		want string
	}{
		{"web sales", "s"},
		{"Web_Sales.daily", "sd"},
		{"webSales", "s"},
		{"WEBSALES", ""},
		{"a-Queue z/Zone x", "x"}, // q and z: no bit
		{"Sales", ""},             // the first byte is worth 10, not 20
		{"ab  cd", "c"},
		{"a/9b", ""},
	} {
		var want uint32
		for i := 0; i < len(tc.want); i++ {
			want |= topBit(tc.want[i])
		}
		if got := topOf(tc.name); got != want {
			t.Errorf("topOf(%q) = %b, want %b (%s)", tc.name, got, want, tc.want)
		}
	}
	if topBit('q') != 0 || topBit('z') != 0 || topBit('Z') != 0 || topBit('_') != 0 {
		t.Error("q, z and non-letters have no bit")
	}
	seen := uint32(0)
	for c := byte('a'); c <= 'y'; c++ {
		if c == 'q' {
			continue
		}
		if b := topBit(c); b == 0 || b&seen != 0 || b >= 1<<24 || topBit(c-'a'+'A') != b {
			t.Fatalf("topBit(%q) = %b", c, b)
		}
		seen |= topBit(c)
	}
}

// The letterIndex follows the rows it was built from: rows appended are
// added, another slice (rows are copied before one is replaced) is
// described again, and a small dataset drops it. A query through it
// always gives what the rows give.
func TestLetterIndexFollowsTheRows(t *testing.T) {
	defer func(n int) { letterIndexMin = n }(letterIndexMin)
	letterIndexMin = 100
	mk := func(names ...string) []Row {
		rows := make([]Row, len(names))
		for i, s := range names {
			rows[i] = Row{Name: s}
			indexRow(&rows[i])
		}
		return rows
	}
	check := func(x *letterIndex, rows []Row, what string) {
		t.Helper()
		x.update(rows)
		order := make([]int32, len(rows))
		names := make([]string, len(rows))
		for i := range rows {
			order[i], names[i] = int32(i), rows[i].Name
		}
		for _, q := range []string{"s", "w", "e", "x"} {
			want := rankRows(q, order, rows, nil)
			if got := rankRows(q, order, rows, x); !slices.Equal(got, want) {
				t.Fatalf("%s: %q through the index %v, from the rows %v", what, q, got, want)
			}
			if len(want) != len(fuzzy.Find(q, names)) {
				t.Fatalf("%s: %q: not sahilm's matches", what, q)
			}
		}
	}
	rows := make([]Row, 0, 400)
	rows = append(rows, mk(randomNames(150, 41)...)...)
	var x letterIndex
	check(&x, rows, "built")
	if x.n != 150 {
		t.Fatalf("covers %d rows, want 150", x.n)
	}
	rows = append(rows, mk(randomNames(100, 43)...)...) // same slice, longer
	base := x.base
	check(&x, rows, "appended")
	if x.n != 250 || x.base != base {
		t.Fatalf("appended rows: covers %d, same slice %v", x.n, x.base == base)
	}
	// A row replaced: the list copies the rows first, so the index sees
	// another slice and describes it again.
	changed := slices.Clone(rows)
	changed[3] = mk("Web Sales Weekly")[0]
	changed[7] = mk("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxs")[0]
	check(&x, changed, "replaced")
	if x.base != &changed[0] {
		t.Fatal("a copied slice was not described again")
	}
	small := mk(randomNames(20, 47)...)
	x.update(small)
	if x.n != 0 || x.base != nil {
		t.Fatalf("a small dataset keeps an index of %d rows", x.n)
	}
	check(&x, changed, "again")
}

// The list keeps its letterIndex up to date as it computes, so a first
// keystroke finds it ready, and what it shows is what the rows give.
func TestListFiltersThroughItsLetterIndex(t *testing.T) {
	defer func(n int) { letterIndexMin = n }(letterIndexMin)
	letterIndexMin = 100
	names := randomNames(2000, 53)
	rows := make([]Row, len(names))
	for i, s := range names {
		rows[i] = Row{ID: int64(i + 1), Name: s}
		indexRow(&rows[i])
	}
	m := loadedModel(rows, 120, 40)
	if m.letters.n != len(rows) {
		t.Fatalf("after the load's compute the index covers %d of %d rows", m.letters.n, len(rows))
	}
	for _, q := range []string{"s", "W", "k", "q", "2"} {
		m.query = q
		m.Update(m.recompute()())
		want := fuzzy.Find(q, func() []string {
			out := make([]string, len(m.all.sorted))
			for i, r := range m.all.sorted {
				out[i] = rows[r].Name
			}
			return out
		}())
		if len(m.view) != len(want) {
			t.Fatalf("%q: %d rows shown, sahilm %d", q, len(m.view), len(want))
		}
		for i, w := range want {
			if got := rows[m.view[i]].Name; got != w.Str {
				t.Fatalf("%q: row %d is %q, sahilm has %q", q, i, got, w.Str)
			}
		}
	}
}
