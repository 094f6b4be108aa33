package immutatest

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// listQuery is what GET /dataSource selects and how it orders it.
type listQuery struct {
	search    string // lower-cased
	nameOnly  bool
	subs      []string
	statuses  []string
	tags      []string
	handlers  []string
	conns     []string
	schemas   []string
	columns   []string
	sortField string
	desc      bool
}

func (q *listQuery) key() string { return fmt.Sprintf("%#v", *q) }

var sortFields = []string{"name", "id", "createdAt", "status", "blobHandlerType", "subscriptionStatus", "recordCount"}

func parseListQuery(v url.Values) (listQuery, response, bool) {
	q := listQuery{
		search:    strings.ToLower(strings.TrimSpace(v.Get("searchText"))),
		subs:      v["subscription"],
		statuses:  v["status"],
		tags:      v["tag"],
		handlers:  v["blobHandlerType"],
		conns:     v["connectionString"],
		schemas:   v["schema"],
		columns:   v["column"],
		sortField: v.Get("sortField"),
	}
	switch strings.ToLower(v.Get("nameOnly")) {
	case "", "false":
	case "true":
		q.nameOnly = true
	default:
		return q, errResponse(http.StatusBadRequest, `"nameOnly" must be a boolean`), false
	}
	switch v.Get("sortOrder") {
	case "", "asc":
	case "desc":
		q.desc = true
	default:
		return q, errResponse(http.StatusBadRequest, `"sortOrder" must be one of [asc, desc]`), false
	}
	if q.sortField != "" && !slices.Contains(sortFields, q.sortField) {
		return q, errResponse(http.StatusBadRequest, `"sortField" must be one of [`+strings.Join(sortFields, ", ")+`]`), false
	}
	return q, response{}, true
}

// filter is a listQuery compiled for fast matching of generated sources.
type filter struct {
	q *listQuery

	subOK     [nSubStates]bool
	statusOK  [2]bool
	tagMask   uint16
	handlerOK [nHandlers]bool
	connOK    []bool
	schemaOK  [nAreas]bool
	colMask   uint16
	colBase   bool

	nameHits  []uint64 // bit per generated index
	tableHits []uint64
	areaHit   [nAreas]bool
	descHit   [nAreas][nEntities]bool
}

func foldIn(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func (h *Handler) compile(q *listQuery) *filter {
	f := &filter{q: q, connOK: make([]bool, len(connStrings))}
	for i, n := range subNames {
		f.subOK[i] = foldIn(q.subs, n)
	}
	f.statusOK = [2]bool{foldIn(q.statuses, "passed"), foldIn(q.statuses, "failed")}
	for i, t := range tagNames {
		if foldIn(q.tags, t) {
			f.tagMask |= 1 << i
		}
	}
	for i, n := range handlerNames {
		f.handlerOK[i] = foldIn(q.handlers, n)
	}
	for i, c := range connStrings {
		f.connOK[i] = slices.Contains(q.conns, c)
	}
	for i, a := range areasLower {
		f.schemaOK[i] = foldIn(q.schemas, a)
	}
	for i, c := range piiColumns {
		if foldIn(q.columns, c) {
			f.colMask |= 1 << i
		}
	}
	for _, c := range baseColumns {
		f.colBase = f.colBase || foldIn(q.columns, c)
	}
	if q.search != "" && h.n > 0 {
		f.nameHits = h.searchArena(q.search)
		if !q.nameOnly {
			// sqlTableName is the lower-cased name with "_" for " ".
			if strings.Contains(q.search, "_") && !strings.Contains(q.search, " ") {
				f.tableHits = h.searchArena(strings.ReplaceAll(q.search, "_", " "))
			}
			for a := range nAreas {
				f.areaHit[a] = strings.Contains(areasLower[a], q.search)
				for e := range nEntities {
					f.descHit[a][e] = strings.Contains(strings.ToLower(descFor(a, e)), q.search)
				}
			}
		}
	}
	return f
}

// searchArena marks the generated sources whose lower-cased name contains s.
func (h *Handler) searchArena(s string) []uint64 {
	bits := make([]uint64, (h.n+63)/64)
	if strings.Contains(s, "\n") {
		return bits
	}
	arena, off := h.nameArena()
	needle := []byte(s)
	pos := 0
	for {
		j := bytes.Index(arena[pos:], needle)
		if j < 0 {
			return bits
		}
		at := uint32(pos + j)
		i, found := slices.BinarySearch(off, at)
		if !found {
			i--
		}
		bits[i>>6] |= 1 << (i & 63)
		pos = int(off[i+1])
	}
}

func bit(bits []uint64, i int) bool { return bits[i>>6]&(1<<(i&63)) != 0 }

func (f *filter) matchGen(i int, fc facet) bool {
	q := f.q
	if len(q.subs) > 0 && !f.subOK[fc.sub()] {
		return false
	}
	if len(q.statuses) > 0 && !f.statusOK[b2i(fc.failed())] {
		return false
	}
	if len(q.tags) > 0 && fc.tags()&f.tagMask == 0 {
		return false
	}
	if len(q.handlers) > 0 && !f.handlerOK[fc.handler()] {
		return false
	}
	if len(q.conns) > 0 && !f.connOK[fc.conn()] {
		return false
	}
	sql := fc.handler() != hNativeS3
	if len(q.schemas) > 0 && (!sql || !f.schemaOK[fc.area()]) {
		return false
	}
	if len(q.columns) > 0 && (!sql || (!f.colBase && fc.cols()&f.colMask == 0)) {
		return false
	}
	if q.search != "" {
		ok := bit(f.nameHits, i)
		if !ok && !q.nameOnly {
			ok = (sql && f.tableHits != nil && bit(f.tableHits, i)) || (sql && f.areaHit[fc.area()]) ||
				(fc.hasDesc() && f.descHit[fc.area()][fc.entity()])
		}
		if !ok {
			return false
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (f *filter) matchCustom(s *src) bool {
	q := f.q
	if len(q.subs) > 0 && !foldIn(q.subs, subNames[s.sub]) {
		return false
	}
	if len(q.statuses) > 0 && !foldIn(q.statuses, s.statusName()) {
		return false
	}
	if len(q.tags) > 0 && !slices.ContainsFunc(s.tags, func(t string) bool { return foldIn(q.tags, t) }) {
		return false
	}
	if len(q.handlers) > 0 && !foldIn(q.handlers, handlerNames[s.handler]) {
		return false
	}
	if len(q.conns) > 0 && !slices.Contains(q.conns, s.conn) {
		return false
	}
	if len(q.schemas) > 0 && (s.schema == "" || !foldIn(q.schemas, s.schema)) {
		return false
	}
	if len(q.columns) > 0 && !slices.ContainsFunc(s.cols, func(c column) bool { return foldIn(q.columns, c.name) }) {
		return false
	}
	if q.search != "" {
		in := func(x string) bool { return strings.Contains(strings.ToLower(x), q.search) }
		if !in(s.name) && (q.nameOnly || !(in(s.schema) || in(s.table) || (s.hasDesc && in(s.desc)))) {
			return false
		}
	}
	return true
}

// Alphabetical ranks, for sorting by these fields.
var (
	handlerAlpha = alphaRanks(handlerNames[:])
	subAlpha     = alphaRanks(subNames[:])
)

func alphaRanks(names []string) []uint64 {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	out := make([]uint64, len(names))
	for i, n := range names {
		out[i] = uint64(slices.Index(sorted, n))
	}
	return out
}

// facet packs what the filters need of a generated source into 64 bits. The
// table of them is built on the first query that filters, and never changes
// (writes are applied on top from the overrides).
type facet uint64

const (
	fArea    = 0  // 5 bits
	fEntity  = 5  // 6 bits
	fHandler = 11 // 3 bits
	fConn    = 14 // 3 bits
	fFailed  = 17
	fSub     = 18 // 3 bits
	fHasDesc = 21
	fTags    = 22 // 16 bits
	fCols    = 38 // 14 bits
)

func packFacet(l *lite) facet {
	return facet(l.area)<<fArea | facet(l.entity)<<fEntity | facet(l.handler)<<fHandler |
		facet(l.conn)<<fConn | facet(b2i(l.failed))<<fFailed | facet(l.sub)<<fSub |
		facet(b2i(l.hasDesc))<<fHasDesc | facet(l.tags)<<fTags | facet(l.cols)<<fCols
}

func (f facet) area() int     { return int(f>>fArea) & 31 }
func (f facet) entity() int   { return int(f>>fEntity) & 63 }
func (f facet) handler() int  { return int(f>>fHandler) & 7 }
func (f facet) conn() int     { return int(f>>fConn) & 7 }
func (f facet) failed() bool  { return f&(1<<fFailed) != 0 }
func (f facet) sub() int      { return int(f>>fSub) & 7 }
func (f facet) hasDesc() bool { return f&(1<<fHasDesc) != 0 }
func (f facet) tags() uint16  { return uint16(f >> fTags) }
func (f facet) cols() uint16  { return uint16(f>>fCols) & (1<<len(piiColumns) - 1) }

func (f facet) withSub(s int) facet { return f&^(7<<fSub) | facet(s)<<fSub }

func (h *Handler) facetTable() []facet {
	h.facetOnce.Do(func() {
		t := make([]facet, h.n)
		for i := range t {
			l := h.lite(i)
			t[i] = packFacet(&l)
		}
		h.facets = t
	})
	return h.facets
}

// permIndexBits is how many low bits of a permutation sort key hold the
// index (MaxSources < 1<<24).
const permIndexBits = 24

// sortedPerm is the generated indexes ordered by name, createdAt or
// recordCount, then by index. Those fields never change, so each is built
// once, on first use.
func (h *Handler) sortedPerm(field string) []int32 {
	h.permMu.Lock()
	defer h.permMu.Unlock()
	if p, ok := h.perms[field]; ok {
		return p
	}
	keys := make([]uint64, h.n)
	for i := range h.n {
		l := h.lite(i)
		var k uint64
		switch field {
		case "name":
			k = h.nameKey(&l)
		case "createdAt":
			k = uint64(l.createdAt - epochStart)
		case "recordCount":
			k = uint64(l.recordCount)
		}
		keys[i] = k<<permIndexBits | uint64(i)
	}
	slices.Sort(keys)
	p := make([]int32, h.n)
	for j, k := range keys {
		p[j] = int32(k & (1<<permIndexBits - 1))
	}
	h.perms[field] = p
	return p
}

type viewEntry struct {
	key     string
	version uint64
	ids     []int32
}

const viewCacheSize = 8

// view is the ordered ids a query selects. Results are cached (a few, most
// recent first) until the next write. Callers hold h.mu for reading.
func (h *Handler) view(q *listQuery) []int32 {
	key := q.key()
	h.cacheMu.Lock()
	for i, e := range h.cache {
		if e.key == key && e.version == h.version {
			h.cache = slices.Insert(slices.Delete(h.cache, i, i+1), 0, e)
			h.cacheMu.Unlock()
			return e.ids
		}
	}
	h.cacheMu.Unlock()

	ids := h.computeView(q)

	h.cacheMu.Lock()
	h.cache = slices.DeleteFunc(h.cache, func(e viewEntry) bool { return e.version != h.version || e.key == key })
	h.cache = slices.Insert(h.cache, 0, viewEntry{key, h.version, ids})
	if len(h.cache) > viewCacheSize {
		h.cache = h.cache[:viewCacheSize]
	}
	h.cacheMu.Unlock()
	return ids
}

// eachID calls fn for every source in id order: seed sources, generated
// ones (gen >= 0 is their index), created ones.
func (h *Handler) eachID(custom func(s *src), gen func(i int)) {
	c := 0
	for ; c < len(h.customIDs) && h.customIDs[c] < FirstGeneratedID; c++ {
		custom(h.customs[h.customIDs[c]])
	}
	for i := range h.n {
		gen(i)
	}
	for ; c < len(h.customIDs); c++ {
		custom(h.customs[h.customIDs[c]])
	}
}

func (h *Handler) computeView(q *listQuery) []int32 {
	f := h.compile(q)
	field := q.sortField
	if field == "id" {
		field = ""
	}
	filtering := q.search != "" || len(q.subs)+len(q.statuses)+len(q.tags)+len(q.handlers)+len(q.conns)+len(q.schemas)+len(q.columns) > 0
	bucketed := field == "status" || field == "blobHandlerType" || field == "subscriptionStatus"
	var fac []facet
	if filtering || bucketed {
		fac = h.facetTable()
	}
	anyOvr := len(h.ovr) > 0
	// genOK says whether generated source i is listed; fc is its facet with
	// the overrides applied (zero when no facet is needed).
	genOK := func(i int) (fc facet, ok bool) {
		if fac != nil {
			fc = fac[i]
		}
		if anyOvr && h.hasOvr(i) {
			o := h.ovr[int32(i)]
			if o.gone {
				return fc, false
			}
			if o.hasSub {
				fc = fc.withSub(o.sub)
			}
			if o.hasTags && filtering {
				// Written tags may be any name, not one of the facet's 16:
				// such a source is matched whole (there are few).
				return fc, f.matchCustom(h.lookup(int64(FirstGeneratedID + i)))
			}
		}
		return fc, !filtering || f.matchGen(i, fc)
	}
	customOK := func(s *src) bool { return !filtering || f.matchCustom(s) }

	var ids []int32
	switch {
	case field == "":
		if !filtering {
			ids = make([]int32, 0, len(h.customIDs)+h.n)
		}
		h.eachID(func(s *src) {
			if customOK(s) {
				ids = append(ids, int32(s.id))
			}
		}, func(i int) {
			if _, ok := genOK(i); ok {
				ids = append(ids, int32(FirstGeneratedID+i))
			}
		})
	case bucketed:
		// Few distinct values: a stable bucket sort of the id order.
		var buckets [nSubStates][]int32
		key := func(handler, sub int, failed bool) int {
			switch field {
			case "status":
				return 1 - b2i(failed)
			case "blobHandlerType":
				return int(handlerAlpha[handler])
			}
			return int(subAlpha[sub])
		}
		h.eachID(func(s *src) {
			if customOK(s) {
				k := key(s.handler, s.sub, s.failed)
				buckets[k] = append(buckets[k], int32(s.id))
			}
		}, func(i int) {
			if fc, ok := genOK(i); ok {
				k := key(fc.handler(), fc.sub(), fc.failed())
				buckets[k] = append(buckets[k], int32(FirstGeneratedID+i))
			}
		})
		for _, b := range buckets {
			ids = append(ids, b...)
		}
	default:
		ids = h.mergeSorted(field, func(i int) bool { _, ok := genOK(i); return ok }, customOK, filtering)
	}
	if q.desc {
		slices.Reverse(ids)
	}
	if cap(ids) > len(ids)+len(ids)/4+64 {
		ids = slices.Clone(ids) // do not cache append's slack
	}
	return ids
}

// mergeSorted orders by name, createdAt or recordCount: the generated
// sources come from their permutation, the few others are put in place by
// binary search.
func (h *Handler) mergeSorted(field string, genOK func(i int) bool, customOK func(s *src) bool, filtering bool) []int32 {
	perm := h.sortedPerm(field)
	var gens []int32
	if !filtering {
		gens = make([]int32, 0, h.n)
	}
	for _, i := range perm {
		if genOK(int(i)) {
			gens = append(gens, FirstGeneratedID+i)
		}
	}
	var cs []int32
	lower := map[int32]string{}
	for _, id := range h.customIDs {
		if s := h.customs[id]; customOK(s) {
			cs = append(cs, int32(id))
			lower[int32(id)] = strings.ToLower(s.name)
		}
	}
	if len(cs) == 0 {
		return gens
	}
	name := func(id int32) string {
		if n, ok := lower[id]; ok {
			return n
		}
		l := h.lite(int(id) - FirstGeneratedID)
		return string(l.appendLowerName(nil))
	}
	num := func(id int32) int64 {
		if s, ok := h.customs[int64(id)]; ok {
			if field == "createdAt" {
				return s.createdAt
			}
			return s.recordCount
		}
		l := h.lite(int(id) - FirstGeneratedID)
		if field == "createdAt" {
			return l.createdAt
		}
		return l.recordCount
	}
	order := func(a, b int32) int {
		var c int
		if field == "name" {
			c = strings.Compare(name(a), name(b))
		} else {
			c = cmp.Compare(num(a), num(b))
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	slices.SortFunc(cs, order)
	out := make([]int32, 0, len(gens)+len(cs))
	j := 0
	for _, c := range cs {
		k := j + sort.Search(len(gens)-j, func(x int) bool { return order(c, gens[j+x]) < 0 })
		out = append(out, gens[j:k]...)
		out = append(out, c)
		j = k
	}
	return append(out, gens[j:]...)
}

// list answers GET /dataSource.
func (h *Handler) list(v url.Values) response {
	size, offset, res, ok := pageParams(v, h.opt.MaxPageSize)
	if !ok {
		return res
	}
	q, res, ok := parseListQuery(v)
	if !ok {
		return res
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	ids := h.view(&q)
	page := ids[min(offset, len(ids)):min(offset+size, len(ids))]
	b := make([]byte, 0, 64+len(page)*900)
	b = append(b, `{"count":`...)
	b = strconv.AppendInt(b, int64(len(ids)), 10)
	b = append(b, `,"hits":[`...)
	for i, id := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, h.lookup(int64(id)).listHit()...)
	}
	b = append(b, "]}"...)
	return rawJSON(http.StatusOK, b)
}
