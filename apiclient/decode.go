package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
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
