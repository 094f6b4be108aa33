package sources

import (
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
//   - when the query grows, only the previous matches are searched again;
//   - the rows are split across cores;
//   - the stable sort by score is a counting sort (scores are small ints).
// TestMatcherAgreesWithSahilm, TestASCIIScorerAgreesWithSahilm and
// TestAbsentMaskRulesOutOnlyNonMatches hold them to the same answers.

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
// ASCII letters (the Kelvin sign to k, long s to s).
func absentOf(name string) uint32 {
	var present uint32
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
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
// only score can decide; ok is then true.
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

// rank filters candidates (row indices, in display order) by pattern and
// returns the matching ones best first, ties in candidate order.
func rank(pattern string, candidates []int32, name func(int32) string) []int32 {
	return rankWith(pattern, candidates, func(i int32) (string, uint32) { return name(i), 0 })
}

// rankWith is rank where get gives each candidate's name and the mask of
// the characters it lacks (absentOf; 0 when not known).
func rankWith(pattern string, candidates []int32, get func(int32) (string, uint32)) []int32 {
	if pattern == "" {
		return candidates
	}
	m := newMatcher(pattern)
	workers := runtime.GOMAXPROCS(0)
	if len(candidates) < parallelMin || workers < 2 {
		workers = 1
	}
	parts := make([][]scored, workers)
	bufs := make([]*[]scored, workers)
	chunk := (len(candidates) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(candidates))
		if lo >= hi {
			continue
		}
		bufs[w] = scoredPool.Get().(*[]scored)
		wg.Go(func() {
			out := (*bufs[w])[:0]
			for _, c := range candidates[lo:hi] {
				name, absent := get(c)
				if absent&m.needs != 0 {
					continue
				}
				if sc, ok := m.matchIn(name, nil); ok {
					out = append(out, scored{c, int32(sc)})
				}
			}
			parts[w] = out
		})
	}
	wg.Wait()
	view := sortByScore(parts...)
	for w, b := range bufs {
		if b != nil {
			*b = parts[w][:0]
			scoredPool.Put(b)
		}
	}
	return view
}

// scoredPool keeps rank's scratch buffers between keystrokes.
var scoredPool = sync.Pool{New: func() any { return new([]scored) }}

// sortByScore is a stable sort by descending score of the parts taken in
// order. Scores fall in a small range, so a counting sort beats a
// comparison sort by far at 100k matches.
func sortByScore(parts ...[]scored) []int32 {
	n := 0
	var lo, hi int32
	for _, p := range parts {
		for _, m := range p {
			if n == 0 {
				lo, hi = m.score, m.score
			}
			lo, hi = min(lo, m.score), max(hi, m.score)
			n++
		}
	}
	out := make([]int32, n)
	if n == 0 {
		return out
	}
	if span := int(hi - lo + 1); span <= 4*n+1024 {
		counts := make([]int, span+1)
		for _, p := range parts {
			for _, m := range p {
				counts[int(hi-m.score)+1]++ // descending: highest score first
			}
		}
		for i := 1; i < len(counts); i++ {
			counts[i] += counts[i-1]
		}
		for _, p := range parts {
			for _, m := range p {
				k := int(hi - m.score)
				out[counts[k]] = m.row
				counts[k]++
			}
		}
		return out
	}
	all := slices.Concat(parts...)
	slices.SortStableFunc(all, func(a, b scored) int { return int(b.score - a.score) })
	for i, m := range all {
		out[i] = m.row
	}
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
