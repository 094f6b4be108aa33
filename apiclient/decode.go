package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// lenient decodes b into v, keeping a copy of b in raw (when raw is not nil).
// encoding/json already skips a field of the wrong type and finishes the rest
// of the object, reporting only an *UnmarshalTypeError; that error is dropped
// here so one odd field never loses the whole object, and the odd field is
// set back to its zero value (see clearMisfits). A body that is not JSON at
// all still fails.
func lenient(b []byte, v any, raw *json.RawMessage) error {
	if raw != nil {
		*raw = append(json.RawMessage(nil), b...)
	}
	err := json.Unmarshal(b, v)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return err
	}
	clearMisfits(b, v)
	return nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// clearMisfits sets back to zero each field of the struct v points to whose
// JSON value is of the wrong kind. encoding/json skips such a value, but what
// it allocated first stays behind: "approved": 1 would leave a *bool pointing
// to false, "rowCount": "six" a *int64 pointing to 0, "blobHandler": [] a
// zero handler, and each would show as a real value instead of "unknown".
// (A nested lenient type cannot report its misfit without failing its
// parent, so this looks at the kinds itself.) Only a field that looks like
// such a leftover (a pointer to a zero value, an empty map or slice, a zero
// struct) is checked against the JSON, so well-formed objects cost nothing.
func clearMisfits(b []byte, v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return
	}
	sv := rv.Elem()
	var obj, folded map[string]json.RawMessage
	for _, f := range checkedFields(sv.Type()) {
		fv := sv.Field(f.index)
		if !leftover(fv) {
			continue
		}
		if obj == nil {
			if json.Unmarshal(b, &obj) != nil || obj == nil {
				return
			}
		}
		val, ok := obj[f.name]
		if !ok { // encoding/json matches keys case-insensitively too
			if folded == nil {
				folded = make(map[string]json.RawMessage, len(obj))
				for k, v := range obj {
					folded[strings.ToLower(k)] = v
				}
			}
			val, ok = folded[strings.ToLower(f.name)]
		}
		if ok && !fits(val, fv.Type()) {
			fv.SetZero()
		}
	}
}

// leftover reports whether v may be what a skipped value left behind.
func leftover(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return !v.IsNil() && v.Elem().IsZero()
	case reflect.Map, reflect.Slice:
		return !v.IsNil() && v.Len() == 0
	case reflect.Struct:
		return v.IsZero()
	}
	return false
}

type checkedField struct {
	index int
	name  string
}

var checkedFieldsCache sync.Map // reflect.Type -> []checkedField

// checkedFields lists the JSON fields of struct type t that a misfit can
// leave non-zero: pointers, maps, slices and structs, except types that
// take any JSON (json.RawMessage, Tags).
func checkedFields(t reflect.Type) []checkedField {
	if cf, ok := checkedFieldsCache.Load(t); ok {
		return cf.([]checkedField)
	}
	var out []checkedField
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		switch f.Type.Kind() {
		case reflect.Map, reflect.Slice:
			if reflect.PointerTo(f.Type).Implements(unmarshalerType) {
				continue // json.RawMessage, Tags: any JSON is fine
			}
		case reflect.Pointer, reflect.Struct:
		default:
			continue
		}
		out = append(out, checkedField{i, name})
	}
	checkedFieldsCache.Store(t, out)
	return out
}

// fits reports whether a JSON value can decode into type t.
func fits(raw json.RawMessage, t reflect.Type) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == 'n' { // null suits every type
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(unmarshalerType) {
		return true // FlexString, Tags, json.RawMessage take anything
	}
	c := raw[0]
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return c == '{'
	case reflect.Slice, reflect.Array:
		return c == '['
	case reflect.String:
		return c == '"'
	case reflect.Bool:
		return c == 't' || c == 'f'
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return c == '-' || (c >= '0' && c <= '9')
	}
	return true
}

// rawOrEncode returns the server's JSON when there is one; otherwise it
// encodes the typed value (made by build, to avoid recursing into MarshalJSON).
func rawOrEncode(raw json.RawMessage, build func() any) ([]byte, error) {
	if len(raw) > 0 {
		return raw, nil
	}
	return json.Marshal(build())
}

// flexInt reads a number that may come as a JSON number or a numeric string.
func flexInt(b json.RawMessage) (int64, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return 0, false
	}
	if b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) != nil {
			return 0, false
		}
		b = []byte(s)
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, true
	}
	// 1e3 or 2.0; NaN, ±Inf and values beyond int64 are not counts.
	if f, err := strconv.ParseFloat(string(b), 64); err == nil && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f), true
	}
	return 0, false
}

// The list's pages are decoded by hand, in one pass over the bytes, instead
// of through lenient: encoding/json validated each hit again inside every
// custom UnmarshalJSON (the page, each hit, each nested object, and once
// more into a map to look for misfits), which cost 27 µs per source. The
// rules are encoding/json's, kept exactly (decode_diff_test.go checks them
// against the old decoder): keys match exactly or case-insensitively, the
// last duplicate wins, a value of the wrong type leaves its field as it
// was, null clears pointers, maps and slices, and a pointer, map or struct
// left at its zero value by a misfit reads as absent (clearMisfits).

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// scanner walks JSON text, validating as it goes.
type scanner struct {
	b     []byte
	i     int
	depth int
	err   error
	key   []byte // scratch for keys that hold escapes
	hint  int    // the number of hits the caller asked for, or 0
}

// fail records the first syntax error, at the current offset.
func (s *scanner) fail(what string) bool {
	if s.err == nil {
		if s.i >= len(s.b) {
			s.err = fmt.Errorf("invalid JSON: unexpected end of input (%s)", what)
		} else {
			s.err = fmt.Errorf("invalid JSON: unexpected %q at byte %d (%s)", s.b[s.i], s.i, what)
		}
	}
	return false
}

// peek skips blanks and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// str reads the string at s.i and returns its body b[lo:hi]; plain is
// false when it holds escapes or non-ASCII bytes (see text).
func (s *scanner) str() (lo, hi int, plain, ok bool) {
	b := s.b
	i := s.i + 1
	lo, plain = i, true
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return lo, i, plain, true
		case c == '\\':
			plain = false
			if i+1 >= len(b) {
				s.i = len(b)
				return 0, 0, false, s.fail("in a string")
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(b) || !isHex(b[k]) {
						s.i = min(k, len(b))
						return 0, 0, false, s.fail("in a \\u escape")
					}
				}
				i += 6
			default:
				s.i = i + 1
				return 0, 0, false, s.fail("in a string escape")
			}
		case c < 0x20:
			s.i = i
			return 0, 0, false, s.fail("in a string")
		case c >= 0x80:
			plain = false
			i++
		default:
			i++
		}
	}
	s.i = len(b)
	return 0, 0, false, s.fail("in a string")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// text returns the string b[lo:hi] unquoted; invalid UTF-8 and lone
// surrogates become U+FFFD, as with encoding/json.
func (s *scanner) text(lo, hi int, plain bool) string {
	if plain {
		return string(s.b[lo:hi])
	}
	return string(unescape(nil, s.b[lo:hi]))
}

// keyText is text for a key: a slice of the input when it has no escapes
// (no copy), else the scratch buffer, valid until the next key.
func (s *scanner) keyText(lo, hi int, plain bool) []byte {
	if plain {
		return s.b[lo:hi]
	}
	s.key = unescape(s.key[:0], s.b[lo:hi])
	return s.key
}

// unescape appends the unquoted form of a string body that str accepted.
func unescape(out, s []byte) []byte {
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch e := s[r+1]; e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				rr := hex4(s[r+2:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if r+6 <= len(s) && s[r] == '\\' && s[r+1] == 'u' {
						if dec := utf16.DecodeRune(rr, hex4(s[r+2:])); dec != unicode.ReplacementChar {
							out = utf8.AppendRune(out, dec)
							r += 6
							continue
						}
					}
					rr = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, rr)
				continue
			default: // " \ /
				out = append(out, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			out = utf8.AppendRune(out, rr)
			r += size
		}
	}
	return out
}

func hex4(s []byte) rune {
	var r rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r*16 + rune(c)
	}
	return r
}

// number reads a JSON number and returns its text.
func (s *scanner) number() ([]byte, bool) {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	default:
		s.i = i
		return nil, s.fail("in a number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.i = i
			return nil, s.fail("after a decimal point")
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			s.i = i
			return nil, s.fail("in an exponent")
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	lit := b[s.i:i]
	s.i = i
	return lit, true
}

// word reads true, false or null.
func (s *scanner) word(w string) bool {
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	for k := 0; k < len(w) && s.i < len(s.b) && s.b[s.i] == w[k]; k++ {
		s.i++
	}
	return s.fail("in a literal")
}

// skip reads any value without keeping it.
func (s *scanner) skip() bool {
	switch s.peek() {
	case '{':
		return s.object(func([]byte) bool { return s.skip() })
	case '[':
		return s.array(s.skip)
	case '"':
		_, _, _, ok := s.str()
		return ok
	case 't':
		return s.word("true")
	case 'f':
		return s.word("false")
	case 'n':
		return s.word("null")
	default:
		_, ok := s.number()
		return ok
	}
}

// value skips any value and returns its bytes.
func (s *scanner) value() ([]byte, bool) {
	s.peek()
	start := s.i
	ok := s.skip()
	return s.b[start:s.i], ok
}

// object reads the object at s.i, calling member for each key (valid until
// the next call) with s at the value, which member must read.
func (s *scanner) object(member func(key []byte) bool) bool {
	if s.depth++; s.depth > maxDepth {
		return s.fail("nested too deeply")
	}
	s.i++ // {
	if s.peek() == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		if s.peek() != '"' {
			return s.fail("want a key")
		}
		lo, hi, plain, ok := s.str()
		if !ok {
			return false
		}
		if s.peek() != ':' {
			return s.fail("want ':'")
		}
		s.i++
		if s.peek() == 0 {
			return s.fail("want a value")
		}
		if !member(s.keyText(lo, hi, plain)) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return s.fail("want ',' or '}'")
		}
	}
}

// array reads the array at s.i, calling elem with s at each element.
func (s *scanner) array(elem func() bool) bool {
	if s.depth++; s.depth > maxDepth {
		return s.fail("nested too deeply")
	}
	s.i++ // [
	if s.peek() == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		if s.peek() == 0 {
			return s.fail("want a value")
		}
		if !elem() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return s.fail("want ',' or ']'")
		}
	}
}

// end checks that nothing but blanks follows the value.
func (s *scanner) end() bool {
	if s.peek(); s.i < len(s.b) { // peek's 0 may be a NUL byte
		return s.fail("after the value")
	}
	return true
}

// The typed readers below each read one value into a field the way
// encoding/json would: a value of the wrong type is skipped and leaves the
// field as it was.

func (s *scanner) readString(p *string) bool {
	if s.peek() != '"' {
		return s.skip()
	}
	lo, hi, plain, ok := s.str()
	if ok {
		*p = s.text(lo, hi, plain)
	}
	return ok
}

func (s *scanner) readInt(p *int64) bool {
	c := s.peek()
	if c != '-' && (c < '0' || c > '9') {
		return s.skip()
	}
	lit, ok := s.number()
	if ok {
		if n, err := strconv.ParseInt(string(lit), 10, 64); err == nil {
			*p = n
		}
	}
	return ok
}

func (s *scanner) readBool(p *bool) bool {
	switch s.peek() {
	case 't':
		*p = true
		return s.word("true")
	case 'f':
		*p = false
		return s.word("false")
	}
	return s.skip()
}

// readIntPtr and readBoolPtr allocate for any value but null, as
// encoding/json does; clearMisfits-style checks drop what a misfit left.
func (s *scanner) readIntPtr(p **int64) bool {
	if s.peek() == 'n' {
		*p = nil
		return s.word("null")
	}
	if *p == nil {
		*p = new(int64)
	}
	return s.readInt(*p)
}

func (s *scanner) readBoolPtr(p **bool) bool {
	if s.peek() == 'n' {
		*p = nil
		return s.word("null")
	}
	if *p == nil {
		*p = new(bool)
	}
	return s.readBool(*p)
}

// readRaw keeps a copy of the value's bytes (json.RawMessage).
func (s *scanner) readRaw(p *json.RawMessage) bool {
	v, ok := s.value()
	if ok {
		*p = append((*p)[:0], v...)
	}
	return ok
}

// readFlex reads a FlexString: a string unquoted, null as "", anything
// else verbatim.
func (s *scanner) readFlex(p *FlexString) bool {
	switch s.peek() {
	case '"':
		var t string
		ok := s.readString(&t)
		*p = FlexString(t)
		return ok
	case 'n':
		*p = ""
		return s.word("null")
	}
	v, ok := s.value()
	if ok {
		*p = FlexString(v)
	}
	return ok
}

// readTags reads Tags as Tags.UnmarshalJSON does: a list of strings or
// {name} objects, skipping what it cannot read; anything but a list is no
// tags (null an empty list).
func (s *scanner) readTags(p *Tags) bool {
	switch s.peek() {
	case '[':
	case 'n':
		*p = Tags{}
		return s.word("null")
	default:
		*p = nil
		return s.skip()
	}
	out := Tags{}
	ok := s.array(func() bool {
		start := s.i
		var name string
		var ok bool
		switch s.peek() {
		case '"':
			ok = s.readString(&name)
		case '{':
			ok = s.tagObject(&name)
		default:
			ok = s.skip()
		}
		if ok && name != "" {
			out = append(out, Tag{Name: name, Raw: append(json.RawMessage(nil), s.b[start:s.i]...)})
		}
		return ok
	})
	if ok {
		*p = out
	}
	return ok
}

// tagObject reads a tag object's name; a name of the wrong type anywhere
// fails the whole tag, as a plain json.Unmarshal would.
func (s *scanner) tagObject(name *string) bool {
	bad := false
	ok := s.object(func(key []byte) bool {
		if string(key) != "name" && !bytes.EqualFold(key, []byte("name")) {
			return s.skip()
		}
		switch s.peek() {
		case '"', 'n':
			return s.readString(name)
		}
		bad = true
		return s.skip()
	})
	if bad {
		*name = ""
	}
	return ok
}

// misfits tracks, for the fields clearMisfits checks, whether the last
// value given for each was of the wrong kind: by exact key, and by a key
// equal once lower-cased (clearMisfits' fallback).
type misfits struct {
	exact, folded uint16 // bit i: field i was seen
	exactBad      uint16 // bit i: its last exact value was a misfit
	foldedBad     uint16
}

// note records the kind of the value at s for checked field i.
func (m *misfits) note(s *scanner, i int, key []byte, name string, fits func(c byte) bool) {
	c := s.peek()
	bad := c != 'n' && !fits(c)
	bit := uint16(1) << i
	set := func(seen, misfit *uint16) {
		*seen |= bit
		if bad {
			*misfit |= bit
		} else {
			*misfit &^= bit
		}
	}
	if string(key) == name {
		set(&m.exact, &m.exactBad)
	} else if lowerEqual(key, name) {
		set(&m.folded, &m.foldedBad)
	}
}

// lowerEqual is clearMisfits' fallback lookup: equal once lower-cased,
// which is not strings.EqualFold ("ſ" folds to "s" but stays "ſ" lower-cased).
func lowerEqual(key []byte, name string) bool {
	//lint:ignore SA6005 the old decoder compared lower-cased keys; EqualFold would differ
	return strings.ToLower(string(key)) == strings.ToLower(name)
}

// bad reports whether field i's value, as clearMisfits would look it up,
// was of the wrong kind.
func (m *misfits) bad(i int) bool {
	bit := uint16(1) << i
	if m.exact&bit != 0 {
		return m.exactBad&bit != 0
	}
	return m.foldedBad&bit != 0
}

func fitsObject(c byte) bool { return c == '{' }
func fitsBool(c byte) bool   { return c == 't' || c == 'f' }
func fitsNumber(c byte) bool { return c == '-' || '0' <= c && c <= '9' }

// match finds which of names key selects: the exact name, else one equal
// under Unicode case folding (encoding/json's rule). -1 if none.
func match(key []byte, names []string) int {
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	for i, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return i
		}
	}
	return -1
}

// dataSourceFolded maps DataSource's JSON names, lower-cased, to their
// index in dataSourceFields: unknown keys are common (a tenant sends
// dozens), and an ASCII key needs one lookup instead of 36 comparisons.
var dataSourceFolded = func() map[string]int {
	m := make(map[string]int, len(dataSourceFields))
	for i, n := range dataSourceFields {
		m[strings.ToLower(n)] = i
	}
	return m
}()

// matchDataSource is match(key, dataSourceFields) for a key that is not
// exactly a field name.
func matchDataSource(key []byte) int {
	var buf [32]byte
	if len(key) > len(buf) {
		return match(key, dataSourceFields) // rare: the slow way
	}
	for i, c := range key {
		switch {
		case c >= utf8.RuneSelf:
			return match(key, dataSourceFields) // ſ and K fold to ASCII letters
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	if i, ok := dataSourceFolded[string(buf[:len(key)])]; ok {
		return i
	}
	return -1
}

// DataSource's JSON names, in the order of the switch in dataSource.
var dataSourceFields = []string{
	"id", "name", "description", "status", "subscriptionStatus", "subscriptionType",
	"subscriptionPolicy", "blobHandlerType", "policyHandlerType", "connectionString",
	"sqlSchemaName", "sqlTableName", "remoteSchema", "remoteTable", "recordCount",
	"rowCount", "recordFormat", "type", "documentation", "domainName", "createdAt",
	"updatedAt", "createdBy", "statsExpiration", "deleted", "disabled", "statusInfo",
	"blobHandler", "policyHandler", "columnEvolutionEnabled", "subscriptionId",
	"approved", "expiration", "catalogMetadata", "tags", "schemaEvolutionId",
}

// The fields clearMisfits checks (bits of misfits).
const (
	misSubscriptionPolicy = iota
	misRowCount
	misStatusInfo
	misBlobHandler
	misColumnEvolution
	misSubscriptionID
	misApproved
)

// dataSource reads one hit into d, which may hold an earlier value (a
// duplicate key merges into it, as with encoding/json), and sets d.Raw to
// a copy of its bytes.
func (s *scanner) dataSource(d *DataSource) bool {
	start := s.i
	var ok bool
	if s.peek() != '{' {
		ok = s.skip() // null or a misfit: nothing to read
	} else {
		var m misfits
		ok = s.object(func(key []byte) bool { return s.dataSourceField(d, key, &m) })
		if ok {
			m.clear(d)
		}
	}
	if ok {
		d.Raw = append(json.RawMessage(nil), s.b[start:s.i]...)
	}
	return ok
}

func (s *scanner) dataSourceField(d *DataSource, key []byte, m *misfits) bool {
	return s.dataSourceFieldAs(d, key, key, false, m)
}

// dataSourceFieldAs reads the value of member key into the field named
// name (key itself, or the name key matches case-insensitively).
func (s *scanner) dataSourceFieldAs(d *DataSource, name, key []byte, folded bool, m *misfits) bool {
	switch string(name) {
	case "id":
		return s.readInt(&d.ID)
	case "name":
		return s.readString(&d.Name)
	case "description":
		return s.readString(&d.Description)
	case "status":
		return s.readString(&d.Status)
	case "subscriptionStatus":
		return s.readString(&d.SubscriptionStatus)
	case "subscriptionType":
		return s.readString(&d.SubscriptionType)
	case "subscriptionPolicy":
		m.note(s, misSubscriptionPolicy, key, "subscriptionPolicy", fitsObject)
		return s.subscriptionPolicy(&d.SubscriptionPolicy)
	case "blobHandlerType":
		return s.readString(&d.BlobHandlerType)
	case "policyHandlerType":
		return s.readString(&d.PolicyHandlerType)
	case "connectionString":
		return s.readString(&d.ConnectionString)
	case "sqlSchemaName":
		return s.readString(&d.SQLSchemaName)
	case "sqlTableName":
		return s.readString(&d.SQLTableName)
	case "remoteSchema":
		return s.readString(&d.RemoteSchema)
	case "remoteTable":
		return s.readString(&d.RemoteTable)
	case "recordCount":
		return s.readInt(&d.RecordCount)
	case "rowCount":
		m.note(s, misRowCount, key, "rowCount", fitsNumber)
		return s.readIntPtr(&d.RowCount)
	case "recordFormat":
		return s.readString(&d.RecordFormat)
	case "type":
		return s.readString(&d.Type)
	case "documentation":
		return s.readString(&d.Documentation)
	case "domainName":
		return s.readString(&d.DomainName)
	case "createdAt":
		return s.readString(&d.CreatedAt)
	case "updatedAt":
		return s.readString(&d.UpdatedAt)
	case "createdBy":
		return s.readFlex(&d.CreatedBy)
	case "statsExpiration":
		return s.readString(&d.StatsExpiration)
	case "deleted":
		return s.readBool(&d.Deleted)
	case "disabled":
		return s.readBool(&d.Disabled)
	case "statusInfo":
		m.note(s, misStatusInfo, key, "statusInfo", fitsObject)
		return s.statusInfo(&d.StatusInfo)
	case "blobHandler":
		m.note(s, misBlobHandler, key, "blobHandler", fitsObject)
		return s.blobHandler(&d.BlobHandler)
	case "policyHandler":
		return s.readRaw(&d.PolicyHandler)
	case "columnEvolutionEnabled":
		m.note(s, misColumnEvolution, key, "columnEvolutionEnabled", fitsBool)
		return s.readBoolPtr(&d.ColumnEvolutionEnabled)
	case "subscriptionId":
		m.note(s, misSubscriptionID, key, "subscriptionId", fitsNumber)
		return s.readIntPtr(&d.SubscriptionID)
	case "approved":
		m.note(s, misApproved, key, "approved", fitsBool)
		return s.readBoolPtr(&d.Approved)
	case "expiration":
		return s.readString(&d.Expiration)
	case "catalogMetadata":
		return s.readRaw(&d.CatalogMetadata)
	case "tags":
		return s.readTags(&d.Tags)
	case "schemaEvolutionId":
		return s.readInt(&d.SchemaEvolutionID)
	}
	if folded {
		return s.skip()
	}
	i := matchDataSource(key)
	if i < 0 {
		return s.skip()
	}
	return s.dataSourceFieldAs(d, []byte(dataSourceFields[i]), key, true, m)
}

// clear zeroes what a misfit left behind, as clearMisfits does.
func (m *misfits) clear(d *DataSource) {
	if m.exact|m.folded == 0 {
		return
	}
	if p := d.SubscriptionPolicy; p != nil && p.Type == "" && p.AutomaticSubscription == nil && p.AllowDiscovery == nil && p.Exceptions == nil && m.bad(misSubscriptionPolicy) {
		d.SubscriptionPolicy = nil
	}
	if d.RowCount != nil && *d.RowCount == 0 && m.bad(misRowCount) {
		d.RowCount = nil
	}
	if d.StatusInfo != nil && len(d.StatusInfo) == 0 && m.bad(misStatusInfo) {
		d.StatusInfo = nil
	}
	if d.BlobHandler != nil && *d.BlobHandler == (BlobHandler{}) && m.bad(misBlobHandler) {
		d.BlobHandler = nil
	}
	if d.ColumnEvolutionEnabled != nil && !*d.ColumnEvolutionEnabled && m.bad(misColumnEvolution) {
		d.ColumnEvolutionEnabled = nil
	}
	if d.SubscriptionID != nil && *d.SubscriptionID == 0 && m.bad(misSubscriptionID) {
		d.SubscriptionID = nil
	}
	if d.Approved != nil && !*d.Approved && m.bad(misApproved) {
		d.Approved = nil
	}
}

var subscriptionPolicyFields = []string{"type", "automaticSubscription", "allowDiscovery", "exceptions"}

// subscriptionPolicy reads a *SubscriptionPolicy: null clears it, any other
// value allocates it (a misfit leaves it zero, for the caller to drop).
func (s *scanner) subscriptionPolicy(pp **SubscriptionPolicy) bool {
	if s.peek() == 'n' {
		*pp = nil
		return s.word("null")
	}
	if *pp == nil {
		*pp = new(SubscriptionPolicy)
	}
	p := *pp
	if s.peek() != '{' {
		return s.skip()
	}
	var m misfits
	ok := s.object(func(key []byte) bool {
		switch i := match(key, subscriptionPolicyFields); i {
		case 0:
			return s.readString(&p.Type)
		case 1:
			m.note(s, 0, key, subscriptionPolicyFields[i], fitsBool)
			return s.readBoolPtr(&p.AutomaticSubscription)
		case 2:
			m.note(s, 1, key, subscriptionPolicyFields[i], fitsBool)
			return s.readBoolPtr(&p.AllowDiscovery)
		case 3:
			return s.readRaw(&p.Exceptions)
		}
		return s.skip()
	})
	if p.AutomaticSubscription != nil && !*p.AutomaticSubscription && m.bad(0) {
		p.AutomaticSubscription = nil
	}
	if p.AllowDiscovery != nil && !*p.AllowDiscovery && m.bad(1) {
		p.AllowDiscovery = nil
	}
	return ok
}

var blobHandlerFields = []string{"url", "manualDictionary"}

func (s *scanner) blobHandler(pp **BlobHandler) bool {
	if s.peek() == 'n' {
		*pp = nil
		return s.word("null")
	}
	if *pp == nil {
		*pp = new(BlobHandler)
	}
	h := *pp
	if s.peek() != '{' {
		return s.skip()
	}
	return s.object(func(key []byte) bool {
		switch match(key, blobHandlerFields) {
		case 0:
			return s.readString(&h.URL)
		case 1:
			return s.readBool(&h.ManualDictionary)
		}
		return s.skip()
	})
}

var statusCheckFields = []string{"status", "message", "lastAttempted", "date"}

// statusInfo reads the statusInfo map; each entry starts from zero, and an
// entry of the wrong type is kept as a zero StatusCheck.
func (s *scanner) statusInfo(p *map[string]StatusCheck) bool {
	switch s.peek() {
	case 'n':
		*p = nil
		return s.word("null")
	case '{':
	default:
		return s.skip()
	}
	if *p == nil {
		*p = map[string]StatusCheck{}
	}
	m := *p
	return s.object(func(key []byte) bool {
		name := string(key)
		var c StatusCheck
		ok := true
		if s.peek() == '{' {
			ok = s.object(func(key []byte) bool {
				switch match(key, statusCheckFields) {
				case 0:
					return s.readString(&c.Status)
				case 1:
					return s.readString(&c.Message)
				case 2:
					return s.readString(&c.LastAttempted)
				case 3:
					return s.readString(&c.Date)
				}
				return s.skip()
			})
		} else {
			ok = s.skip()
		}
		m[name] = c
		return ok
	})
}

// hits reads a list of sources into hits, reusing its elements as
// encoding/json does, and returns it.
func (s *scanner) hits(hits []DataSource) ([]DataSource, bool) {
	if hits == nil && s.hint > 0 {
		// The page size asked for, instead of growing ten times to it.
		hits = make([]DataSource, 0, min(s.hint, len(s.b)/16))
	}
	n := 0
	ok := s.array(func() bool {
		if n%64 == 63 {
			// A page of 1000 takes milliseconds to read: let a goroutine
			// waiting for this core (a UI's) run between hits, or it waits
			// for the scheduler's 10 ms preemption.
			runtime.Gosched()
		}
		if n < len(hits) {
			n++
			return s.dataSource(&hits[n-1])
		}
		if n < cap(hits) {
			hits = hits[:n+1] // encoding/json reuses what lies beyond len too
		} else {
			hits = append(hits, DataSource{})
		}
		n++
		return s.dataSource(&hits[n-1])
	})
	if n == 0 {
		return []DataSource{}, ok
	}
	if n < cap(hits)/2 && s.hint > 0 {
		// A server that caps its pages sent far fewer than asked for:
		// don't keep the unused room alive with the page.
		hits = append([]DataSource(nil), hits[:n]...)
	}
	return hits[:n], ok
}

// decodeDataSource decodes one source, as DataSource.UnmarshalJSON. Raw
// is b as given, even when b is not JSON.
func decodeDataSource(b []byte, d *DataSource) error {
	s := scanner{b: b}
	var into DataSource
	if !reflect.ValueOf(d).Elem().IsZero() {
		// Merging into an earlier value: as with json.Unmarshal, a syntax
		// error must leave it untouched, so check before writing.
		if !json.Valid(b) {
			d.Raw = append(json.RawMessage(nil), b...)
			return syntaxError(b, nil)
		}
		into = *d
	}
	if s.peek() == 0 {
		s.fail("no value")
	} else if s.dataSource(&into) {
		s.end()
	}
	if s.err != nil {
		d.Raw = append(json.RawMessage(nil), b...)
		return syntaxError(b, s.err)
	}
	*d = into
	d.Raw = append(d.Raw[:0:0], b...)
	return nil
}

// syntaxError is encoding/json's own error for b (its wording and
// *json.SyntaxError type, as callers saw before), or mine when it has none.
func syntaxError(b []byte, mine error) error {
	if err := json.Unmarshal(b, new(json.RawMessage)); err != nil {
		return err
	}
	if mine == nil {
		mine = errors.New("invalid JSON")
	}
	return mine
}

// decodePage decodes a page of GET /dataSource, as DataSourcePage's
// UnmarshalJSON always has: a bare array (Count -1) or a {count,hits}
// envelope whose count may be a string or a float.
//
// hint is the number of hits asked for (0 if unknown), to size the list.
func decodePage(b []byte, p *DataSourcePage, hint int) error {
	s := scanner{b: b, hint: hint}
	switch s.peek() {
	case 0:
		return syntaxError(b, nil)
	case '[':
		p.Count = -1 // unknown: the caller stops at a short page
		prev := p.Hits
		if cap(prev) > 0 && !json.Valid(b) {
			return syntaxError(b, nil) // nothing is touched on a syntax error
		}
		hits, ok := s.hits(prev)
		if !ok || !s.end() {
			return syntaxError(b, s.err)
		}
		p.Hits = hits
		return nil
	case 'n':
		if !s.word("null") || !s.end() {
			return syntaxError(b, s.err)
		}
		p.Hits, p.Count = nil, -1
		return nil
	case '{':
	default:
		c := s.peek()
		if !s.skip() || !s.end() {
			return syntaxError(b, s.err)
		}
		return &json.UnmarshalTypeError{Value: jsonKindWord(c), Type: reflect.TypeFor[DataSourcePage](), Offset: int64(len(b))}
	}
	var count json.RawMessage
	var hits []DataSource
	var typeErr error
	ok := s.object(func(key []byte) bool {
		switch match(key, pageFields) {
		case 0:
			return s.readRaw(&count)
		case 1:
			switch c := s.peek(); c {
			case '[':
				var ok bool
				hits, ok = s.hits(hits)
				return ok
			case 'n':
				hits = nil
				return s.word("null")
			default:
				if typeErr == nil {
					typeErr = &json.UnmarshalTypeError{Value: jsonKindWord(c), Type: reflect.TypeFor[[]DataSource](), Offset: int64(s.i), Field: "hits"}
				}
				return s.skip()
			}
		}
		return s.skip()
	})
	if !ok || !s.end() {
		return syntaxError(b, s.err)
	}
	if typeErr != nil {
		return typeErr
	}
	p.Hits = hits
	p.Count = -1
	if n, ok := flexInt(count); ok && n >= 0 { // a negative total means nothing
		p.Count = int(n)
	}
	return nil
}

var pageFields = []string{"count", "hits"}

// jsonKindWord names a JSON value by its first byte, as UnmarshalTypeError does.
func jsonKindWord(c byte) string {
	switch {
	case c == '"':
		return "string"
	case c == 't' || c == 'f':
		return "bool"
	case c == '[':
		return "array"
	case c == '{':
		return "object"
	}
	return "number"
}

// bodyDecoder is a type that validates and decodes a whole answer itself.
// The client calls it instead of json.Unmarshal, which scans a body twice
// (once to validate it, once to find the end of the value) before handing
// it to UnmarshalJSON: for a list page that is two thirds of the time.
type bodyDecoder interface {
	decodeBody(b []byte) error
}

// sizedPage decodes a page into p, knowing that size hits were asked for.
type sizedPage struct {
	p    *DataSourcePage
	size int
}

// decodeBody leaves p as it was on an error, as json.Unmarshal does.
func (sp sizedPage) decodeBody(b []byte) error {
	q := *sp.p
	if err := decodePage(b, &q, sp.size); err != nil {
		return err
	}
	*sp.p = q
	return nil
}
