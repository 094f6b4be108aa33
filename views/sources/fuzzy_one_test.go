package sources

import (
	"math/rand/v2"
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
// nowhere; through rankRows, the order must be sahilm's too.
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
			got := rankRows(q, order, rows)
			if len(got) != len(want) {
				t.Fatalf("%q: %d matches, sahilm %d", q, len(got), len(want))
			}
			for i, w := range want {
				if got[i] != int32(w.Index) {
					t.Fatalf("%q: result %d is %q, sahilm has %q", q, i, names[got[i]], w.Str)
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
