package sources

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The filter ranks exactly as github.com/sahilm/fuzzy (and so bubbles'
// list.DefaultFilter) does: matcher.score is a port of its scoring loop
// (bonus and penalty rules included) that allocates nothing, and the
// results are stably sorted by score. What makes it fast at 100,000 rows:
//   - a mask of the letters each name lacks rejects most non-matches
//     without reading the name, and a cheap case-folded subsequence test
//     most of the others, before scoring;
//   - ASCII names (nearly all) are scored by byte compares (scoreASCII,
//     scoreOne), the rest by the port;
//   - a one-character query (the first keystroke, when nearly every row
//     matches) puts each match straight into a list per score (rankOne);
//     for a letter, each row's masks (absent, wordTop: built with the row,
//     off the UI goroutine) and the name's first eight bytes give the
//     score (scoreHead), other names are read eight bytes at a time
//     (scoreClean);
//   - when the query grows, only the previous matches are searched again;
//   - the rows are split across cores, in more parts than cores so a core
//     that another process holds up does not hold up the keystroke;
//   - the stable sort by score is a counting sort (scores are small ints),
//     itself split across cores.
// TestMatcherAgreesWithSahilm, TestASCIIScorerAgreesWithSahilm,
// TestAbsentMaskRulesOutOnlyNonMatches, TestOneByteScorerAgreesWithSahilm,
// TestRowIndexAgreesWithSahilm and TestParallelRankAgreesWithSahilm hold
// them to the same answers.

const (
	firstCharMatchBonus            = 10
	matchFollowingSeparatorBonus   = 20
	camelCaseMatchBonus            = 20
	adjacentMatchBonus             = 5
	unmatchedLeadingCharPenalty    = -5
	maxUnmatchedLeadingCharPenalty = -15
)

type matcher struct {
	runes []rune
	lower []byte // ASCII-lowered pattern, when the pattern is ASCII
	ascii bool
	needs uint32 // the letters (and digit groups) of an ASCII pattern, as in charBit
}

func newMatcher(pattern string) *matcher {
	m := &matcher{runes: []rune(pattern), ascii: true}
	for _, r := range m.runes {
		if r >= utf8.RuneSelf {
			m.ascii, m.needs = false, 0
			break
		}
		m.lower = append(m.lower, toLowerASCII(byte(r)))
		m.needs |= charBit(byte(r))
	}
	return m
}

// charBit is the bit of a letter (either case) or a digit group in the
// masks that let the filter skip a name without reading it: 26 letters,
// digits 0-4 one each, 5-9 together. Other characters have none.
func charBit(c byte) uint32 {
	switch {
	case 'a' <= c && c <= 'z':
		return 1 << (c - 'a')
	case 'A' <= c && c <= 'Z':
		return 1 << (c - 'A')
	case '0' <= c && c <= '4':
		return 1 << (26 + c - '0')
	case '5' <= c && c <= '9':
		return 1 << 31
	}
	return 0
}

// absentOf is the mask of the characters name lacks (see charBit): a name
// that lacks one the pattern needs cannot match. A name with a non-ASCII
// rune gets 0, which rules nothing out, because such runes can fold to
// ASCII letters (the Kelvin sign to k, long s to s); so does a name with a
// NUL. A mask that is not 0 so also says the name is ASCII without a NUL,
// which scoreByte relies on.
func absentOf(name string) uint32 {
	var present uint32
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf || c == 0 {
			return 0
		}
		present |= charBit(c)
	}
	return ^present
}

func toLowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// scan is the cheap test: is the pattern a case-folded subsequence of s?
// sahilm matches exactly the strings for which this holds. start is where
// the pattern's first character first occurs: nothing before it changes
// the score. slow says a non-ASCII rune was seen (in s or the pattern), so
// only score can decide; ok is then true. A NUL ends s, as for sahilm.
func (m *matcher) scan(s string) (start int, ok, slow bool) {
	if !m.ascii {
		return 0, true, true
	}
	p := m.lower
	k := 0
	start = -1
	for i := 0; i < len(s) && k < len(p); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			// A non-ASCII rune can fold to ASCII (K → Kelvin sign k);
			// let the full scorer decide.
			return 0, true, true
		}
		if c == 0 {
			// sahilm stops reading at a NUL: the rest cannot match. (The
			// scorers check for a NUL only from start on.)
			return 0, false, false
		}
		if toLowerASCII(c) == p[k] {
			if k == 0 {
				start = i
			}
			k++
		}
	}
	return start, k == len(p), false
}

// scoreASCII is score for an ASCII pattern and an ASCII s, from start (see
// scan) on. It gives up, with slow set, at the first byte that is not
// ASCII (or a NUL, where sahilm stops reading). Bytes are runes here, so
// the rules reduce to byte compares, and sahilm's "last" and "lastIndex"
// are simply the byte before.
func (m *matcher) scoreASCII(s string, start int, idx *[]int) (score int, ok, slow bool) {
	const none = 0xff // never a lower-cased ASCII byte
	p := m.lower
	np := len(p)
	if np == 1 {
		return scoreOne(s, start, p[0], idx)
	}
	total, matched, lastMatch := 0, 0, -1
	pi, best, matchedIndex, adj := 0, -1, -1, 0
	want, next := p[0], byte(none)
	if np > 1 {
		next = p[1]
	}
	n := len(s)
	for j := start; j < n; j++ {
		c := s[j]
		if c-1 >= utf8.RuneSelf-1 { // NUL, or not ASCII
			return 0, false, true
		}
		if toLowerASCII(c) == want {
			sc := 0
			if j == 0 {
				sc = firstCharMatchBonus
			} else {
				last := s[j-1]
				if 'a' <= last && last <= 'z' && 'A' <= c && c <= 'Z' {
					sc += camelCaseMatchBonus
				}
				if isSeparatorByte(last) {
					sc += matchFollowingSeparatorBonus
				}
			}
			if matched > 0 {
				bonus := 0
				if lastMatch == j-1 {
					bonus = adj*2 + adjacentMatchBonus
				}
				sc += bonus
				adj += bonus
			}
			if sc > best {
				best, matchedIndex = sc, j
			}
		}
		// The best match of p[pi] is kept when the next character is the
		// next pattern character, or at the end.
		if matchedIndex > -1 && (j+1 == n || toLowerASCII(s[j+1]) == next) {
			if matched == 0 {
				best += max(matchedIndex*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty)
			}
			total += best
			matched++
			lastMatch = matchedIndex
			if idx != nil {
				*idx = append(*idx, matchedIndex)
			}
			best = -1
			pi++
			want, next = none, none
			if pi < np {
				want = p[pi]
			}
			if pi+1 < np {
				next = p[pi+1]
			}
		}
	}
	total += matched - n
	return total, matched == np, false
}

// scoreOne is scoreASCII for a one-character pattern. sahilm then keeps
// the first position with the highest bonus and commits it at the end of
// the string. No bonus exceeds 20 (the first character gets 10; one after
// a separator, or a capital after a small letter, 20, never both), so the
// first position worth 20 is the answer: the rest of s only needs checking
// for a NUL, where sahilm stops reading. A non-ASCII rune further on cannot
// change the answer, as it cannot score more than 20 either.
func scoreOne(s string, start int, want byte, idx *[]int) (score int, ok, slow bool) {
	best, at := -1, -1
	n := len(s)
	for j := start; j < n; j++ {
		c := s[j]
		if c-1 >= utf8.RuneSelf-1 { // NUL, or not ASCII
			return 0, false, true
		}
		if toLowerASCII(c) != want {
			continue
		}
		sc := 0
		if j == 0 {
			sc = firstCharMatchBonus
		} else {
			last := s[j-1]
			if 'a' <= last && last <= 'z' && 'A' <= c && c <= 'Z' {
				sc = camelCaseMatchBonus
			} else if isSeparatorByte(last) {
				sc = matchFollowingSeparatorBonus
			}
		}
		if sc > best {
			best, at = sc, j
			if sc >= matchFollowingSeparatorBonus {
				if strings.IndexByte(s[j+1:], 0) >= 0 {
					return 0, false, true
				}
				break
			}
		}
	}
	if at < 0 {
		return 0, false, false
	}
	if idx != nil {
		*idx = append(*idx, at)
	}
	best += max(at*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty)
	return best + 1 - n, true, false
}

// Bytes eight at a time (SWAR): a uint64 holds eight bytes of a name.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	lows7 = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes has the high bit set in each byte of x that is 0, and nothing
// else: adding 0x7f to the low seven bits cannot carry into the next byte,
// so unlike the usual (x-0x01…)&^x trick it has no false positives.
func zeroBytes(x uint64) uint64 { return ^((x&lows7 + lows7) | x) & highs }

// load64 is s[i:i+8] as a little-endian word; the compiler makes it one
// load.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// scoreByte is scan and scoreOne for the one-character pattern want
// (lower-cased ASCII), eight bytes at a time (see scoreClean). It answers
// only for names that are ASCII with no NUL, and says slow for any other,
// for matchIn to decide; so it never differs from it.
func scoreByte(s string, want byte) (score int, ok, slow bool) {
	if !cleanASCII(s) {
		return 0, false, true
	}
	score, ok = scoreClean(s, want)
	return score, ok, false
}

// cleanASCII says s is ASCII with no NUL.
func cleanASCII(s string) bool {
	var bad uint64 // high bits: a byte that is not ASCII, or a NUL
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s, i)
		bad |= x&highs | zeroBytes(x)
	}
	for ; i < len(s); i++ {
		if c := s[i]; c-1 >= utf8.RuneSelf-1 {
			return false
		}
	}
	return bad == 0
}

// scoreClean is scoreOne for a one-character pattern want (lower-cased
// ASCII) and a name s that is ASCII with no NUL (a name whose absentOf
// mask is not 0), with few branches: for each word of s it makes masks of
// where want is and where a match would be worth the most (after a
// separator, or a capital after a small letter), and stops at the first
// such match. sahilm keeps the first match with the highest bonus, so
// without one the answer is the first character (worth 10) or the first
// match (worth 0).
func scoreClean(s string, want byte) (score int, ok bool) {
	pat := uint64(want) * ones
	var fold uint64
	if 'a' <= want && want <= 'z' {
		fold = 0x20 * ones // c|0x20 == want exactly when c is want in either case
	}
	n := len(s)
	first := -1
	for i := 0; i < n; i += 8 {
		var x uint64
		valid := uint64(highs)
		switch rest := n - i; {
		case rest >= 8:
			x = load64(s, i)
		case n >= 8:
			// The last bytes, as the low bytes of a word whose high bytes
			// are 0 and do not count.
			x = load64(s, n-8) >> (8 * (8 - rest))
			valid >>= 8 * (8 - rest)
		default:
			for k := rest - 1; k >= 0; k-- {
				x = x<<8 | uint64(s[i+k])
			}
			valid >>= 8 * (8 - rest)
		}
		hit := zeroASCII((x|fold)^pat) & valid
		if hit == 0 {
			continue
		}
		var prev uint64 // the byte before the word; none (0) at the start
		if i > 0 {
			prev = uint64(s[i-1])
		}
		p := x<<8 | prev // each byte's previous byte
		top := (separators(p) | inRange(p, 'a', 'z')&inRange(x, 'A', 'Z')) & hit
		if top != 0 {
			at := i + bits.TrailingZeros64(top)>>3
			return matchFollowingSeparatorBonus + max(at*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty) + 1 - n, true
		}
		if first < 0 {
			first = i + bits.TrailingZeros64(hit)>>3
		}
	}
	switch {
	case first < 0:
		return 0, false
	case first == 0:
		return firstCharMatchBonus + 1 - n, true
	}
	return max(first*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty) + 1 - n, true
}

// zeroASCII is zeroBytes for a word of ASCII bytes.
func zeroASCII(x uint64) uint64 { return ^(x + lows7) & highs }

// inRange has the high bit set in each byte of x (ASCII) from lo to hi:
// neither sum carries into the next byte.
func inRange(x uint64, lo, hi byte) uint64 {
	return (x + (0x80-uint64(lo))*ones) &^ (x + (0x7f-uint64(hi))*ones) & highs
}

// separators is isSeparatorByte for each byte of x (ASCII): ' ', '-', '.',
// '/', '\\' and '_'.
func separators(x uint64) uint64 {
	return zeroASCII(x^' '*ones) | inRange(x, '-', '/') | zeroASCII(x^'\\'*ones) | zeroASCII(x^'_'*ones)
}

func isSeparatorByte(c byte) bool {
	switch c {
	case '/', '-', '_', ' ', '.', '\\':
		return true
	}
	return false
}

// matchIn scores s, taking the ASCII path when it can.
func (m *matcher) matchIn(s string, idx *[]int) (int, bool) {
	start, ok, slow := m.scan(s)
	if !ok {
		return 0, false
	}
	if !slow {
		var sc int
		mark := 0
		if idx != nil {
			mark = len(*idx)
		}
		if sc, ok, slow = m.scoreASCII(s, start, idx); !slow {
			return sc, ok
		}
		if idx != nil {
			*idx = (*idx)[:mark]
		}
	}
	return m.score(s, idx)
}

// score ports sahilm/fuzzy's FindFromIterNoSort for one string. When idx is
// not nil the matched byte offsets are appended to it.
func (m *matcher) score(s string, idx *[]int) (int, bool) {
	runes := m.runes
	if len(runes) == 0 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			s = s[:i]
			break
		}
	}
	total := 0
	matched := 0
	lastMatch := -1
	patternIndex := 0
	bestScore := -1
	matchedIndex := -1
	currAdjacentMatchBonus := 0
	var last rune
	var lastIndex int
	nextc, nextSize := utf8.DecodeRuneInString(s)
	var candidate rune
	var candidateSize int
	for j := 0; j < len(s); j += candidateSize {
		candidate, candidateSize = nextc, nextSize
		if equalFold(candidate, runes[patternIndex]) {
			sc := 0
			if j == 0 {
				sc += firstCharMatchBonus
			}
			if unicode.IsLower(last) && unicode.IsUpper(candidate) {
				sc += camelCaseMatchBonus
			}
			if j != 0 && isSeparator(last) {
				sc += matchFollowingSeparatorBonus
			}
			if matched > 0 {
				bonus := 0
				if lastMatch == lastIndex {
					bonus = currAdjacentMatchBonus*2 + adjacentMatchBonus
				}
				sc += bonus
				currAdjacentMatchBonus += bonus
			}
			if sc > bestScore {
				bestScore = sc
				matchedIndex = j
			}
		}
		var nextp rune
		if patternIndex < len(runes)-1 {
			nextp = runes[patternIndex+1]
		}
		if j+candidateSize < len(s) {
			if s[j+candidateSize] < utf8.RuneSelf {
				nextc, nextSize = rune(s[j+candidateSize]), 1
			} else {
				nextc, nextSize = utf8.DecodeRuneInString(s[j+candidateSize:])
			}
		} else {
			nextc, nextSize = 0, 0
		}
		if equalFold(nextp, nextc) || nextc == 0 {
			if matchedIndex > -1 {
				if matched == 0 {
					penalty := matchedIndex * unmatchedLeadingCharPenalty
					bestScore += max(penalty, maxUnmatchedLeadingCharPenalty)
				}
				total += bestScore
				matched++
				lastMatch = matchedIndex
				if idx != nil {
					*idx = append(*idx, matchedIndex)
				}
				bestScore = -1
				patternIndex++
			}
		}
		lastIndex = j
		last = candidate
	}
	total += matched - len(s)
	return total, matched == len(runes)
}

func equalFold(tr, sr rune) bool {
	if tr == sr {
		return true
	}
	if tr < sr {
		tr, sr = sr, tr
	}
	if tr < utf8.RuneSelf {
		return 'A' <= sr && sr <= 'Z' && tr == sr+'a'-'A'
	}
	r := unicode.SimpleFold(sr)
	for r != sr && r < tr {
		r = unicode.SimpleFold(r)
	}
	return r == tr
}

func isSeparator(r rune) bool {
	switch r {
	case '/', '-', '_', ' ', '.', '\\':
		return true
	}
	return false
}

// scored is one match: the row index and its score.
type scored struct {
	row   int32
	score int32
}

// parallelMin is the candidate count below which splitting across cores
// costs more than it saves.
const parallelMin = 4096

// partsPerCore is how many parts per core the candidates are split into.
// With one part per core, a core that another process takes for a few
// milliseconds holds up the whole keystroke; smaller parts let the other
// core take up the slack.
const partsPerCore = 4

// rank filters candidates (row indices, in display order) by pattern and
// returns the matching ones best first, ties in candidate order.
func rank(pattern string, candidates []int32, name func(int32) string) []int32 {
	return rankWith(pattern, candidates, func(i int32) (string, uint32) { return name(i), 0 })
}

// rankRows is rank over rows, which the list keeps: a one-letter pattern
// (the first keystroke, when nearly every row matches) is scored from
// what each row keeps about its name (absent, wordTop) and the name's
// first eight bytes (scoreHead), without reading the rest of the name.
//
// x, when not nil, is the letterIndex of rows, brought up to date by the
// caller: then a one-letter pattern reads the index, not the rows.
func rankRows(pattern string, candidates []int32, rows []Row, x *letterIndex) []int32 {
	if len(pattern) == 1 && topBit(pattern[0]) != 0 {
		tb := topBit(pattern[0])
		m := newMatcher(pattern)
		nparts, part := split(candidates)
		if x != nil && x.n == len(rows) && x.n > 0 {
			return rankOne(nparts, func(w int, lists *[][]int32) { x.bucket(m, tb, part(w), rows, lists) })
		}
		return rankOne(nparts, func(w int, lists *[][]int32) { m.bucketRows(part(w), rows, lists) })
	}
	return rankWith(pattern, candidates, func(i int32) (string, uint32) { return rows[i].Name, rows[i].absent })
}

// split cuts candidates into the parts rank scores on their own
// goroutines: part(0), …, part(nparts-1).
func split(candidates []int32) (nparts int, part func(int) []int32) {
	nparts = 1
	if cores := runtime.GOMAXPROCS(0); len(candidates) >= parallelMin && cores > 1 {
		nparts = cores * partsPerCore
	}
	chunk := (len(candidates) + nparts - 1) / nparts
	return nparts, func(w int) []int32 {
		return candidates[min(w*chunk, len(candidates)):min((w+1)*chunk, len(candidates))]
	}
}

// rankWith is rank where get gives each candidate's name and the mask of
// the characters it lacks: absentOf(name), or 0 when not known.
func rankWith(pattern string, candidates []int32, get func(int32) (string, uint32)) []int32 {
	if pattern == "" {
		return candidates
	}
	m := newMatcher(pattern)
	cores := runtime.GOMAXPROCS(0)
	nparts, part := split(candidates)
	if m.ascii && len(m.lower) == 1 {
		return rankOne(nparts, func(w int, lists *[][]int32) { m.bucketOne(part(w), get, lists) })
	}
	parts := make([]scoredPart, nparts)
	inParallel(nparts, func(w int) {
		buf := scoredPool.Get().(*[]scored)
		parts[w] = m.rankPart(part(w), get, (*buf)[:0])
		parts[w].buf = buf
	})
	view := sortScored(parts, cores)
	for _, p := range parts {
		*p.buf = p.s[:0]
		scoredPool.Put(p.buf)
	}
	return view
}

// inParallel runs f(0), …, f(n-1), each on its own goroutine when n > 1,
// and returns when all have.
func inParallel(n int, f func(int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// scoredPart is the matches of one part of the candidates, in candidate
// order, with the range of their scores (lo > hi when there are none).
type scoredPart struct {
	s      []scored
	lo, hi int32
	buf    *[]scored // where s came from, for scoredPool
}

// rankPart scores the candidates cands into out.
func (m *matcher) rankPart(cands []int32, get func(int32) (string, uint32), out []scored) scoredPart {
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, c := range cands {
		name, absent := get(c)
		if absent&m.needs != 0 {
			continue
		}
		if sc, ok := m.matchIn(name, nil); ok {
			out = append(out, scored{c, int32(sc)})
			lo, hi = min(lo, int32(sc)), max(hi, int32(sc))
		}
	}
	return scoredPart{s: out, lo: lo, hi: hi}
}

// oneTop is the highest score a one-character pattern can get: a bonus of
// at most 20, no more leading penalty than 0, and 1 - len(s) ≤ 0.
const oneTop = matchFollowingSeparatorBonus

// rankOne is rankWith for a one-character pattern: the first keystroke,
// when nearly every row matches and so nearly every name is read. Each
// part (fill(w, lists), see bucketOne) puts its matches straight into a
// list per score (the scores are few), so the sort is only copying the
// lists into place, highest score first, part after part within a score:
// stable, as the counting sort.
func rankOne(nparts int, fill func(w int, lists *[][]int32)) []int32 {
	lists := make([]*[][]int32, nparts)
	inParallel(nparts, func(w int) {
		lists[w] = bucketPool.Get().(*[][]int32)
		fill(w, lists[w])
	})
	nb := 0
	for _, l := range lists {
		nb = max(nb, len(*l))
	}
	starts := make([][]int, nparts)
	for w := range starts {
		starts[w] = make([]int, len(*lists[w]))
	}
	n := 0
	for k := range nb {
		for w, l := range lists {
			if k < len(*l) {
				starts[w][k] = n
				n += len((*l)[k])
			}
		}
	}
	out := make([]int32, n)
	inParallel(nparts, func(w int) {
		for k, l := range *lists[w] {
			copy(out[starts[w][k]:], l)
		}
	})
	for _, l := range lists {
		bucketPool.Put(l)
	}
	return out
}

// bucketOne scores cands for the one-character pattern m into per-score
// lists: (*lists)[oneTop-score] are the matching candidates with that
// score, in order.
// fileByScore files candidate c under its one-letter score sc: b holds
// the candidates by rank, best first (rank oneTop-sc), grown as needed.
func fileByScore(b [][]int32, sc int, c int32) [][]int32 {
	k := oneTop - sc
	for k >= len(b) {
		b = append(b, nil)
	}
	b[k] = append(b[k], c)
	return b
}

func (m *matcher) bucketOne(cands []int32, get func(int32) (string, uint32), lists *[][]int32) {
	want := m.lower[0]
	b := *lists
	for k := range b {
		b[k] = b[k][:0]
	}
	for _, c := range cands {
		name, absent := get(c)
		if absent&m.needs != 0 {
			continue
		}
		var sc int
		var ok, slow bool
		if absent != 0 {
			sc, ok = scoreClean(name, want)
		} else if sc, ok, slow = scoreByte(name, want); slow {
			sc, ok = m.matchIn(name, nil)
		}
		if !ok {
			continue
		}
		b = fileByScore(b, sc, c)
	}
	*lists = b
}

// bucketRows is bucketOne for rows and a one-letter pattern that has a
// topBit: a row whose name is ASCII without a NUL is scored by
// scoreHead, from its masks and the name's first eight bytes.
func (m *matcher) bucketRows(cands []int32, rows []Row, lists *[][]int32) {
	want := m.lower[0]
	pat, fold := uint64(want)*ones, uint64(0x20*ones) // a letter: either case
	tb := topBit(want)
	b := *lists
	for k := range b {
		b[k] = b[k][:0]
	}
	for _, c := range cands {
		r := &rows[c]
		absent := r.absent
		if absent&m.needs != 0 {
			continue
		}
		var sc int
		var ok, slow bool
		if absent != 0 {
			sc, ok = scoreHead(r.Name, pat, fold, r.top()&tb != 0)
		} else if sc, ok, slow = scoreByte(r.Name, want); slow {
			sc, ok = m.matchIn(r.Name, nil)
		}
		if !ok {
			continue
		}
		b = fileByScore(b, sc, c)
	}
	*lists = b
}

// topBit is the bit of a letter (either case) in a row's wordTop mask:
// a to p, then r to y. q and z, the rarest in names, have none (so a row
// stays 64 bytes); neither has any other character, and a query of one
// of them reads the whole name (scoreClean).
func topBit(c byte) uint32 {
	c = toLowerASCII(c)
	switch {
	case c < 'a' || c > 'y' || c == 'q':
		return 0
	case c < 'q':
		return 1 << (c - 'a')
	}
	return 1 << (c - 'a' - 1)
}

// topOf is the mask (topBit) of the letters name has where a
// one-character pattern gets the highest bonus, 20: after a separator, or
// a capital after a small letter. For a name that is ASCII without a NUL.
func topOf(name string) uint32 {
	var top uint32
	for j := 1; j < len(name); j++ {
		last, c := name[j-1], name[j]
		if isSeparatorByte(last) || 'a' <= last && last <= 'z' && 'A' <= c && c <= 'Z' {
			top |= topBit(c)
		}
	}
	return top
}

// scoreHead is scoreClean for a letter (pat and fold as there), reading
// only the first eight bytes of s, a name that is ASCII without a NUL and
// has the letter (its absent mask says so). topAnywhere says the letter
// has a match worth 20 in s (the row's wordTop). sahilm keeps the first
// match with the highest bonus, so: the first match worth 20 when there
// is one, at position 8 or later (penalty -15) when it is not in the first
// word; else the first match, at 8 or later when not in the first word.
func scoreHead(s string, pat, fold uint64, topAnywhere bool) (score int, ok bool) {
	n := len(s)
	var x uint64
	valid := uint64(highs)
	if n >= 8 {
		x = load64(s, 0)
	} else {
		for k := n - 1; k >= 0; k-- {
			x = x<<8 | uint64(s[k])
		}
		valid >>= 8 * (8 - n)
	}
	hit := zeroASCII((x|fold)^pat) & valid
	if topAnywhere {
		p := x << 8 // each byte's previous byte; none (0) before the first
		if top := (separators(p) | inRange(p, 'a', 'z')&inRange(x, 'A', 'Z')) & hit; top != 0 {
			at := bits.TrailingZeros64(top) >> 3
			return matchFollowingSeparatorBonus + max(at*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty) + 1 - n, true
		}
		if n > 8 {
			return matchFollowingSeparatorBonus + maxUnmatchedLeadingCharPenalty + 1 - n, true
		}
	}
	switch first := bits.TrailingZeros64(hit) >> 3; {
	case hit == 0 && n <= 8:
		return 0, false
	case hit == 0:
		return maxUnmatchedLeadingCharPenalty + 1 - n, true
	case first == 0:
		return firstCharMatchBonus + 1 - n, true
	default:
		return max(first*unmatchedLeadingCharPenalty, maxUnmatchedLeadingCharPenalty) + 1 - n, true
	}
}

// bucketPool keeps rankOne's lists between keystrokes: after the first,
// a keystroke appends to lists that are already large enough.
var bucketPool = sync.Pool{New: func() any { return new([][]int32) }}

// scoredPool keeps rank's scratch buffers between keystrokes.
var scoredPool = sync.Pool{New: func() any { return new([]scored) }}

// sortByScore is a stable sort by descending score of the parts taken in
// order.
func sortByScore(parts ...[]scored) []int32 {
	ps := make([]scoredPart, len(parts))
	for i, p := range parts {
		ps[i] = scoredPart{s: p, lo: math.MaxInt32, hi: math.MinInt32}
		for _, m := range p {
			ps[i].lo, ps[i].hi = min(ps[i].lo, m.score), max(ps[i].hi, m.score)
		}
	}
	return sortScored(ps, runtime.GOMAXPROCS(0))
}

// sortScored is sortByScore on parts whose score ranges are known. Scores
// fall in a small range, so a counting sort beats a comparison sort by
// far at 100k matches. With many matches the parts are counted and placed
// on their own goroutines: part w's matches of score k go after those of
// score k in parts before w, so the sort stays stable.
func sortScored(parts []scoredPart, cores int) []int32 {
	n := 0
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, p := range parts {
		if len(p.s) > 0 {
			n += len(p.s)
			lo, hi = min(lo, p.lo), max(hi, p.hi)
		}
	}
	out := make([]int32, n)
	if n == 0 {
		return out
	}
	span := int(hi) - int(lo) + 1
	if span > 4*n+1024 {
		all := make([]scored, 0, n)
		for _, p := range parts {
			all = append(all, p.s...)
		}
		slices.SortStableFunc(all, func(a, b scored) int { return int(b.score - a.score) })
		for i, m := range all {
			out[i] = m.row
		}
		return out
	}
	if n < parallelMin || cores < 2 || len(parts) < 2 || span*len(parts) > n/4 {
		counts := make([]int, span+1)
		for _, p := range parts {
			for _, m := range p.s {
				counts[int(hi-m.score)+1]++ // descending: highest score first
			}
		}
		for i := 1; i < len(counts); i++ {
			counts[i] += counts[i-1]
		}
		for _, p := range parts {
			for _, m := range p.s {
				k := int(hi - m.score)
				out[counts[k]] = m.row
				counts[k]++
			}
		}
		return out
	}
	counts := make([][]int, len(parts))
	inParallel(len(parts), func(w int) {
		c := make([]int, span)
		for _, m := range parts[w].s {
			c[int(hi-m.score)]++
		}
		counts[w] = c
	})
	at := 0
	for k := range span {
		for _, c := range counts {
			c[k], at = at, at+c[k]
		}
	}
	inParallel(len(parts), func(w int) {
		c := counts[w]
		for _, m := range parts[w].s {
			k := int(hi - m.score)
			out[c[k]] = m.row
			c[k]++
		}
	})
	return out
}

// matchedBytes appends to idx the byte offsets in s of the runes the
// pattern matches, in increasing order, for highlighting; nothing when it
// does not match.
func matchedBytes(m *matcher, s string, idx []int) []int {
	mark := len(idx)
	if _, ok := m.matchIn(s, &idx); !ok {
		return idx[:mark]
	}
	return idx
}

// matchedRunes returns which runes of s (by rune position) the pattern
// matched.
func matchedRunes(pattern, s string) map[int]bool {
	if pattern == "" {
		return nil
	}
	idx := matchedBytes(newMatcher(pattern), s, nil)
	if len(idx) == 0 {
		return nil
	}
	set := make(map[int]bool, len(idx))
	ri := 0
	for bi := range s {
		if len(idx) > 0 && idx[0] == bi {
			set[ri] = true
			idx = idx[1:]
		}
		ri++
	}
	return set
}
