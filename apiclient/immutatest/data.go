package immutatest

import (
	"math/bits"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

var pathUnescape = url.PathUnescape

// src is one data source with everything the handlers render. Seed and
// created sources are stored as *src; generated ones are built on demand
// from their index (see gen) with any override applied.
type src struct {
	id  int64
	gen bool // generated: gi and l are set
	gi  int
	l   lite

	name          string
	desc          string
	hasDesc       bool
	handler       int
	failed        bool
	sub           int // the caller's state (subOwner...)
	subType       int
	autoSub       bool
	subPolicy     []byte // subscriptionPolicy JSON; nil: built from subType
	createdAt     int64  // unix ms
	updatedAt     int64
	subAt         int64 // when the caller's subscription was made
	schema        string
	table         string
	remoteSchema  string
	remoteTable   string
	conn          string
	recordCount   int64
	rowCount      int64 // -1: null
	tags          []string
	tagObjects    bool
	manualTags    []string // tags added through the API (tags.go)
	tagsWritten   bool     // a tag write touched it: raw seeds show tags then
	domain        string
	disabled      bool
	schemaEvo     int64
	createdBy     int64
	subID         int64
	policyHandler string // "None" or "Builder"
	catalog       int    // 0 null, 1 string, 2 object
	cols          []column
	masks         []maskSpec
	rowRule       bool
	others        int // access-list users besides the caller
	othersStride  int
	othersOff     int
	s3            *s3meta

	// Seeds that reproduce an example exactly.
	rawList    []byte
	rawDetail  []byte
	initSub    int
	initDis    bool
	fixedUsers []user // the whole access list, caller included
	parents    []lineageLink
	children   []lineageLink
}

type column struct{ name, typ string }

type s3meta struct {
	integrationID int64
	prefix        string
}

type lineageLink struct {
	id          int64
	createdAt   int64
	projectID   int64
	projectName string
	createdBy   string
}

// override records writes to a generated source.
type override struct {
	hasSub   bool
	sub      int
	subID    int64
	subAt    int64
	hasDis   bool
	disabled bool
	gone     bool
	// Tag writes (tags.go): the whole tag list once one was written.
	hasTags          bool
	tags, manualTags []string
}

// lite is the part of a generated source that filters and sorts need; it is
// computed from the index alone, in a few nanoseconds.
type lite struct {
	area, entity, suffix, rep uint8
	handler, conn             uint8
	failed                    bool
	sub, subType              uint8
	disabled, hasDesc         bool
	tagObjects, rowRule       bool
	domain, catalog           uint8
	tags                      uint16
	cols, masked              uint16
	createdAt                 int64 // unix ms
	recordCount               int64
	others                    int32
	r                         uint64 // spare randomness
}

func mix(x uint64) uint64 { // splitmix64 finaliser
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func hash2(a, b uint64) uint64 { return mix(mix(a+0x9e3779b97f4a7c15) ^ b) }

// below maps r to [0, n) without a division (Lemire's multiply-shift).
func below(r uint64, n int) uint64 {
	hi, _ := bits.Mul64(r, uint64(n))
	return hi
}

var (
	epochStart = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	epochSpan  = time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC).UnixMilli() - epochStart
)

func (h *Handler) lite(i int) lite {
	x := i % comboN
	c := int(h.perm[x])
	l := lite{
		area:   uint8(c % nAreas),
		entity: uint8(c / nAreas % nEntities),
		suffix: uint8(c / (nAreas * nEntities)),
		rep:    uint8(i / comboN),
	}
	r1 := mix(h.seedKey + uint64(i+1)*0x9e3779b97f4a7c15)
	r2 := mix(r1 ^ 0xd1b54a32d192ed03)
	r3 := mix(r2 ^ 0x8cb92ba72f3d8dd7)
	switch p := r1 & 0xff; {
	case p < 90:
		l.handler = hSnowflake
	case p < 154:
		l.handler = hDatabricks
	case p < 192:
		l.handler = hRedshift
	case p < 230:
		l.handler = hNativeS3
	default:
		l.handler = hPostgres
	}
	cs := connByHandler[l.handler]
	l.conn = cs[below(r1>>8, len(cs))]
	l.failed = (r1>>16)%100 < 7
	switch q := (r1 >> 24) % 100; {
	case q < 10:
		l.sub = subOwner
	case q < 40:
		l.sub = subSubscribed
	case q < 85:
		l.sub = subNone
	case q < 93:
		l.sub = subPending
	default:
		l.sub = subExpert
	}
	switch t := (r1 >> 32) % 100; {
	case t < 55:
		l.subType = stAutomatic
	case t < 85:
		l.subType = stApproval
	default:
		l.subType = stPolicy
	}
	if l.sub == subPending {
		l.subType = stApproval
	}
	l.disabled = (r1>>40)%100 < 3
	l.hasDesc = (r1>>48)%100 < 70
	l.tagObjects = (r1>>56)&1 == 1
	for k := range int(r2 % 4) {
		l.tags |= 1 << ((r2 >> (2 + 4*k)) & 15)
	}
	l.createdAt = epochStart + int64(below(r2, int(epochSpan)))
	if l.handler == hNativeS3 {
		l.recordCount = int64(r3 % 5000)
	} else {
		l.recordCount = int64((r3>>8)%1000) * pow10[r3%7]
		l.cols = uint16(r3>>20) & uint16(r3>>34) & (1<<len(piiColumns) - 1)
		if (r3>>48)%100 < 45 {
			l.masked = l.cols & (uint16(r2>>40) | uint16(r2>>50))
		}
		if (r3>>56)%100 < 12 {
			l.rowRule = true
			l.cols |= 1 << colRegion
		}
	}
	if (r2>>56)%200 == 0 {
		l.others = int32(1000 + (r2>>24)%4000)
	} else {
		l.others = int32(2 + (r2>>24)%38) // 2..40 users with the caller, when subscribed
	}
	if d := (r2 >> 48) % 10; d >= 5 {
		l.domain = uint8(1 + d%5)
	}
	l.catalog = uint8((r3 >> 60) & 3)
	if l.catalog == 1 {
		l.catalog = 0
	} else if l.catalog > 1 {
		l.catalog--
	}
	l.r = r3
	return l
}

var pow10 = [7]int64{1, 10, 100, 1000, 10000, 100000, 1000000}

// initNames builds the name permutation (seeded) and its inverse, and the
// sort rank of the " <n>" suffixes.
func (h *Handler) initNames() {
	h.perm = make([]uint16, comboN)
	h.inv = make([]uint16, comboN)
	for i := range h.perm {
		h.perm[i] = uint16(i)
	}
	rng := rand.New(rand.NewPCG(h.seedKey, 0x6e616d6573))
	rng.Shuffle(comboN, func(i, j int) { h.perm[i], h.perm[j] = h.perm[j], h.perm[i] })
	for i, c := range h.perm {
		h.inv[c] = uint16(i)
	}
	reps := max((h.n-1)/comboN+1, 1)
	strs := make([]string, reps)
	for r := 1; r < reps; r++ {
		strs[r] = strconv.Itoa(r + 1)
	}
	order := make([]int, reps)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return strs[order[a]] < strs[order[b]] })
	h.repRank = make([]uint8, reps)
	for rank, r := range order {
		h.repRank[r] = uint8(rank)
	}
}

// Lower-case words and rank (sorted position) of each word in its list.
var (
	areasLower, entitiesLower, suffixesLower []string
	areaRank, entityRank, suffixRank         []uint8
	areaIdx, entityIdx, suffixIdx            map[string]int // by exact word
	areaLowIdx, entityLowIdx, suffixLowIdx   map[string]int // by lower-case word
)

func init() {
	prep := func(words []string) (lower []string, rank []uint8, idx, lowIdx map[string]int) {
		lower = make([]string, len(words))
		idx, lowIdx = map[string]int{}, map[string]int{}
		for i, w := range words {
			lower[i] = strings.ToLower(w)
			idx[w], lowIdx[lower[i]] = i, i
		}
		sorted := slices.Clone(lower)
		slices.Sort(sorted)
		rank = make([]uint8, len(words))
		for i, w := range lower {
			rank[i] = uint8(slices.Index(sorted, w))
		}
		return
	}
	areasLower, areaRank, areaIdx, areaLowIdx = prep(areas[:])
	entitiesLower, entityRank, entityIdx, entityLowIdx = prep(entities[:])
	suffixesLower, suffixRank, suffixIdx, suffixLowIdx = prep(suffixes[:])
}

func (l *lite) appendName(b []byte) []byte {
	return l.appendWords(b, areas[:], entities[:], suffixes[:])
}

func (l *lite) appendLowerName(b []byte) []byte {
	return l.appendWords(b, areasLower, entitiesLower, suffixesLower)
}

// appendWords writes "area entity suffix [rep]" from the given word tables
// (as shown, or lower-cased), without allocating.
func (l *lite) appendWords(b []byte, area, entity, suffix []string) []byte {
	b = append(b, area[l.area]...)
	b = append(b, ' ')
	b = append(b, entity[l.entity]...)
	b = append(b, ' ')
	b = append(b, suffix[l.suffix]...)
	if l.rep > 0 {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(l.rep)+1, 10)
	}
	return b
}

// nameKey orders generated names exactly as their lower-cased strings
// compare: words are letters and digits, which all sort after the space.
func (h *Handler) nameKey(l *lite) uint64 {
	return uint64(areaRank[l.area])<<24 | uint64(entityRank[l.entity])<<16 |
		uint64(suffixRank[l.suffix])<<8 | uint64(h.repRank[l.rep])
}

func descFor(area, entity int) string {
	a, e := areas[area], entities[entity]
	el := entitiesLower[entity]
	switch (area + entity) % 4 {
	case 0:
		return e + " records maintained by the " + a + " team."
	case 1:
		return "Curated " + el + " data for " + a + " reporting."
	case 2:
		return a + " " + el + " feed, refreshed nightly from the source system."
	}
	return "Analytical copy of " + a + " " + el + ". Contains personal data; request access through Immuta."
}

// genIndexByName inverts the name generation: "Sales Orders 2023 2" gives
// the index of that source, if it is within range.
func (h *Handler) genIndexByName(name string, table bool) (int, bool) {
	sep := " "
	ai, ei, si := areaIdx, entityIdx, suffixIdx
	if table {
		sep = "_"
		ai, ei, si = areaLowIdx, entityLowIdx, suffixLowIdx
	}
	parts := strings.Split(name, sep)
	if len(parts) != 3 && len(parts) != 4 {
		return 0, false
	}
	a, ok1 := ai[parts[0]]
	e, ok2 := ei[parts[1]]
	s, ok3 := si[parts[2]]
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	rep := 0
	if len(parts) == 4 {
		n, err := strconv.Atoi(parts[3])
		if err != nil || n < 2 || strconv.Itoa(n) != parts[3] {
			return 0, false
		}
		rep = n - 1
	}
	i := rep*comboN + int(h.inv[a+nAreas*(e+nEntities*s)])
	if i >= h.n {
		return 0, false
	}
	return i, true
}

// --- source access --------------------------------------------------------

func (h *Handler) addCustom(s *src) {
	h.customs[s.id] = s
	i, _ := slices.BinarySearch(h.customIDs, s.id)
	h.customIDs = slices.Insert(h.customIDs, i, s.id)
	h.byName[s.name] = s.id
	if s.table != "" {
		h.byTable[s.table] = s.id
	}
}

func (h *Handler) removeCustom(s *src) {
	delete(h.customs, s.id)
	if i, ok := slices.BinarySearch(h.customIDs, s.id); ok {
		h.customIDs = slices.Delete(h.customIDs, i, i+1)
	}
	delete(h.byName, s.name)
	if s.table != "" {
		delete(h.byTable, s.table)
	}
}

func (h *Handler) genIndex(id int64) (int, bool) {
	i := id - FirstGeneratedID
	if i < 0 || i >= int64(h.n) {
		return 0, false
	}
	return int(i), true
}

func (h *Handler) hasOvr(i int) bool { return h.ovrBits[i>>6]&(1<<(i&63)) != 0 }

func (h *Handler) getOvr(i int) *override {
	o := h.ovr[int32(i)]
	if o == nil {
		o = &override{}
		h.ovr[int32(i)] = o
		h.ovrBits[i>>6] |= 1 << (i & 63)
	}
	return o
}

// liteOf is the filter view of generated source i with overrides applied;
// ok is false when it has been hard-deleted.
func (h *Handler) liteOf(i int) (lite, bool) {
	l := h.lite(i)
	if h.hasOvr(i) {
		o := h.ovr[int32(i)]
		if o.gone {
			return l, false
		}
		if o.hasSub {
			l.sub = uint8(o.sub)
		}
		if o.hasDis {
			l.disabled = o.disabled
		}
	}
	return l, true
}

// lookup returns source id (nil when it does not exist). Generated sources
// come back as a fresh copy; callers must hold h.mu.
func (h *Handler) lookup(id int64) *src {
	if s, ok := h.customs[id]; ok {
		return s
	}
	i, ok := h.genIndex(id)
	if !ok {
		return nil
	}
	l, ok := h.liteOf(i)
	if !ok {
		return nil
	}
	s := h.build(i, l)
	if h.hasOvr(i) {
		o := h.ovr[int32(i)]
		if o.hasSub {
			s.subID, s.subAt = o.subID, o.subAt
		}
		if o.hasTags {
			s.tags, s.manualTags, s.tagsWritten = o.tags, o.manualTags, true
		}
	}
	return s
}

func (h *Handler) idByName(name string) int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if id, ok := h.byName[name]; ok {
		return id
	}
	if i, ok := h.genIndexByName(name, false); ok {
		return int64(FirstGeneratedID + i)
	}
	return -1
}

func (h *Handler) idByTable(t string) int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if id, ok := h.byTable[t]; ok {
		return id
	}
	if i, ok := h.genIndexByName(t, true); ok {
		if h.lite(i).handler != hNativeS3 {
			return int64(FirstGeneratedID + i)
		}
	}
	return -1
}

// nameExists reports whether a live source has this exact name.
func (h *Handler) nameExists(name string) bool {
	if _, ok := h.byName[name]; ok {
		return true
	}
	if i, ok := h.genIndexByName(name, false); ok {
		_, live := h.liteOf(i)
		return live
	}
	return false
}

// build expands generated source i.
func (h *Handler) build(i int, l lite) *src {
	id := int64(FirstGeneratedID + i)
	s := &src{
		id: id, gen: true, gi: i, l: l,
		name:        string(l.appendName(make([]byte, 0, 40))),
		hasDesc:     l.hasDesc,
		handler:     int(l.handler),
		failed:      l.failed,
		sub:         int(l.sub),
		subType:     int(l.subType),
		autoSub:     l.subType != stApproval,
		createdAt:   l.createdAt,
		conn:        connStrings[l.conn],
		recordCount: l.recordCount,
		rowCount:    l.recordCount,
		tagObjects:  l.tagObjects,
		domain:      domainNames[l.domain],
		disabled:    l.disabled,
		schemaEvo:   int64(1 + (l.r>>4)%5),
		catalog:     int(l.catalog),
		rowRule:     l.rowRule,
		others:      int(l.others),
	}
	s.updatedAt = s.createdAt + int64((l.r>>8)%(400*86400000))
	s.subAt = s.createdAt + int64((l.r>>16)%(30*86400000))
	if l.hasDesc {
		s.desc = descFor(int(l.area), int(l.entity))
	}
	for t := range 16 {
		if l.tags&(1<<t) != 0 {
			s.tags = append(s.tags, tagNames[t])
		}
	}
	if s.sub != subNone {
		s.subID = 10_000_000 + int64(i)
	}
	al, el, sl := areasLower[l.area], entitiesLower[l.entity], suffixesLower[l.suffix]
	repS := ""
	if l.rep > 0 {
		repS = strconv.Itoa(int(l.rep) + 1)
	}
	if l.handler == hNativeS3 {
		p := "acme-data-lake/" + al + "/" + el + "-" + sl
		if repS != "" {
			p += "-" + repS
		}
		s.s3 = &s3meta{integrationID: 1, prefix: p}
		s.rowCount = -1
	} else {
		s.schema = al
		s.table = al + "_" + el + "_" + sl
		rt := el + "_" + sl
		if repS != "" {
			s.table += "_" + repS
			rt += "_" + repS
		}
		s.remoteSchema, s.remoteTable = al, rt
		if l.handler == hSnowflake {
			s.remoteSchema, s.remoteTable = strings.ToUpper(al), strings.ToUpper(rt)
		}
		for k, c := range baseColumns {
			s.cols = append(s.cols, column{c, baseTypes[k]})
		}
		for k, c := range piiColumns {
			if l.cols&(1<<k) != 0 {
				s.cols = append(s.cols, column{c, piiTypes[k]})
			}
			if l.masked&(1<<k) != 0 {
				m := hash2(l.r, uint64(k))
				s.masks = append(s.masks, maskSpec{col: c, mtype: maskTypeFor(c, m), global: int(m>>8) % len(globals)})
			}
		}
	}
	if len(s.masks) > 0 || s.rowRule {
		s.policyHandler = "Builder"
	} else {
		s.policyHandler = "None"
	}
	s.othersStride = strides[(l.r>>40)%uint64(len(strides))]
	s.othersOff = int((l.r >> 24) % profilePool)
	if s.sub == subOwner {
		s.createdBy = CallerProfile
	} else {
		s.createdBy = h.otherProfile(s, 0)
	}
	return s
}

// strides are coprime with profilePool (6000 = 2^4*3*5^3), so k -> profile
// is one-to-one.
var strides = []int{7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83}

// otherProfile is the profile of the k-th user (besides the caller) with
// access to s.
func (h *Handler) otherProfile(s *src, k int) int64 {
	return int64(3 + (k*s.othersStride+s.othersOff)%profilePool)
}

// --- names arena (search) -------------------------------------------------

func (h *Handler) nameArena() ([]byte, []uint32) {
	h.arenaOnce.Do(func() {
		arena := make([]byte, 0, h.n*24)
		off := make([]uint32, h.n+1)
		for i := range h.n {
			off[i] = uint32(len(arena))
			l := h.lite(i)
			arena = l.appendLowerName(arena)
			arena = append(arena, '\n')
		}
		off[h.n] = uint32(len(arena))
		h.arena, h.arenaOff = arena, off
	})
	return h.arena, h.arenaOff
}

// --- people -----------------------------------------------------------------

type person struct {
	name, email, iamid string
	search             string // lower-case name and email
}

// people is the user pool, the same for every handler.
var people = sync.OnceValue(func() []person {
	out := make([]person, profilePool+3)
	set := func(p int, name, email, iam string) {
		out[p] = person{name: name, email: email, iamid: iam, search: strings.ToLower(name + "\n" + email)}
	}
	set(CallerProfile, CallerName, CallerEmail, "bim")
	set(3, "Tommy Test", "tommy.test@immuta.com", "bim")
	for p := 4; p < len(out); p++ {
		k := p - 4
		f, l := firstNames[k%64], lastNames[k/64%64]
		local := strings.ToLower(f + "." + l)
		if k >= 64*64 {
			local += strconv.Itoa(k / 4096)
		}
		iam := "bim"
		if p%5 == 0 {
			iam = "okta"
		}
		set(p, f+" "+l, local+"@immuta.com", iam)
	}
	return out
})

func (h *Handler) person(p int64) (person, bool) {
	if p < CallerProfile || p >= int64(len(h.people)) {
		return person{}, false
	}
	return h.people[p], true
}
