package sources

import (
	"math/bits"
	"runtime"
	"sync"
)

// letterIndexMin is the row count from which a dataset keeps a
// letterIndex: below it the rows themselves are read fast enough (a
// one-letter filter takes under 2 ms at 100k), and the index's 14 bytes a
// row are not spent.
var letterIndexMin = 200_000

// letterIndex is, for each row of a large dataset, what a one-letter
// filter needs to score its name without reading the row or the name: for
// each letter that has a topBit, a class (letterClass) in a nibble, kept
// by letter (a column of bytes per two letters), and the name's length. A
// one-letter query then reads one byte and two for each row, about 3 MB at
// a million rows instead of the rows' 64 MB and the names.
//
// It follows one rows slice: the list's compute (computeView) brings it up
// to date off the UI goroutine, extending it when rows were appended and
// building it again when the slice is another (rows are copied before any
// row a compute may read is replaced, so a replaced row comes in a new
// slice). A compute for another dataset, or a small one, drops it, so it
// never outlives the slice it was built from while that slice is written
// in place (only a dataset no compute is reading is).
type letterIndex struct {
	mu    sync.Mutex
	base  *Row // &rows[0] of the slice it covers
	n     int  // rows covered
	class [12][]byte
	nlen  []uint16 // len(Name); slowRow when the row must be read
}

// slowRow marks a row the index does not describe: its name is not ASCII,
// holds a NUL, or is too long for nlen.
const slowRow = 0xffff

// The letter classes: where a letter first scores the most for a
// one-character query, and, failing that, where it first appears. sahilm
// keeps the first position with the highest bonus (20 after a separator
// or as a capital after a small letter, 10 for the first byte), then takes
// the leading-position penalty (5 a position, at most 15). classScore is
// the bonus and penalty; the score is that + 1 - len(name).
const (
	classNone   = iota // the letter is not in the name
	classTop1          // worth 20 at position 1
	classTop2          // at 2
	classTop3          // at 3 or later
	classFirst0        // not worth 20 anywhere; the first byte
	classFirst1        // first at 1
	classFirst2        // at 2
	classFirst3        // at 3 or later
)

var classScore = [8]int{0, 15, 10, 5, 10, -5, -10, -15}

// update brings x up to date with rows (see letterIndex).
func (x *letterIndex) update(rows []Row) {
	if len(rows) < letterIndexMin {
		x.reset(nil)
		return
	}
	if x.base != &rows[0] || x.n > len(rows) {
		x.reset(&rows[0])
	}
	if x.n == len(rows) {
		return
	}
	add := rows[x.n:]
	x.nlen = append(x.nlen, make([]uint16, len(add))...)
	for k := range x.class {
		x.class[k] = append(x.class[k], make([]byte, len(add))...)
	}
	parts, part := splitRange(len(add))
	inParallel(parts, func(w int) {
		lo, hi := part(w)
		for i := lo; i < hi; i++ {
			x.describe(x.n+i, &add[i])
		}
	})
	x.n = len(rows)
}

// reset empties x (its lock stays as it is), for the rows at base.
func (x *letterIndex) reset(base *Row) {
	x.base, x.n, x.nlen = base, 0, nil
	for k := range x.class {
		x.class[k] = nil
	}
}

// splitRange cuts [0, n) into parts for inParallel, one a core.
func splitRange(n int) (parts int, part func(int) (lo, hi int)) {
	parts = 1
	if cores := runtime.GOMAXPROCS(0); n >= parallelMin && cores > 1 {
		parts = cores
	}
	chunk := (n + parts - 1) / parts
	return parts, func(w int) (int, int) { return min(w*chunk, n), min((w+1)*chunk, n) }
}

// describe fills in row i's classes and length, from what the row keeps
// (absent, wordTop) and its name's first three bytes.
func (x *letterIndex) describe(i int, r *Row) {
	name := r.Name
	if len(name) >= slowRow || r.absent == 0 {
		x.nlen[i] = slowRow
		return
	}
	x.nlen[i] = uint16(len(name))
	p := ^r.absent // charBit: a-z at bits 0-25
	present := p&0xffff | (p>>17&0xff)<<16
	top := r.top()
	// The letters of the first three bytes, and where each is worth 20.
	var head [3]int8
	var headTop [3]bool
	for j := range head {
		head[j] = -1
		if j < len(name) {
			if b := topBit(name[j]); b != 0 {
				head[j] = int8(letterOf(b))
				if j > 0 {
					last, c := name[j-1], name[j]
					headTop[j] = isSeparatorByte(last) || 'a' <= last && last <= 'z' && 'A' <= c && c <= 'Z'
				}
			}
		}
	}
	for rest := present; rest != 0; rest &= rest - 1 {
		l := bits.TrailingZeros32(rest)
		cl := byte(classFirst3)
		if top&(1<<l) != 0 {
			cl = classTop3
			for j := 1; j < 3; j++ {
				if head[j] == int8(l) && headTop[j] {
					cl = classTop1 + byte(j-1)
					break
				}
			}
		} else {
			for j := 0; j < 3; j++ {
				if head[j] == int8(l) {
					cl = classFirst0 + byte(j)
					break
				}
			}
		}
		x.class[l>>1][i] |= cl << (4 * (l & 1))
	}
}

// letterOf is the index (0-23) of a topBit.
func letterOf(b uint32) int { return bits.TrailingZeros32(b) }

// bucket is bucketRows for the letter whose topBit is tb, from the index:
// rows it does not describe are scored from the row.
func (x *letterIndex) bucket(m *matcher, tb uint32, cands []int32, rows []Row, lists *[][]int32) {
	l := letterOf(tb)
	col, shift := x.class[l>>1], uint(4*(l&1))
	b := *lists
	for k := range b {
		b[k] = b[k][:0]
	}
	for _, c := range cands {
		n := x.nlen[c]
		var sc int
		if n != slowRow {
			cl := col[c] >> shift & 15
			if cl == classNone {
				continue
			}
			sc = classScore[cl] + 1 - int(n)
		} else {
			var ok, slow bool
			name := rows[c].Name
			if sc, ok, slow = scoreByte(name, m.lower[0]); slow {
				sc, ok = m.matchIn(name, nil)
			}
			if !ok {
				continue
			}
		}
		b = fileByScore(b, sc, c)
	}
	*lists = b
}
