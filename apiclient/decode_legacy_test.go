package apiclient

// The decoders of DataSource and DataSourcePage as they were before the
// one-pass decoder (decode.go), frozen here as the baseline of
// BenchmarkDecodePage and the reference of the differential tests in
// decode_diff_test.go. This copy is the one allowed duplication: it is never
// used outside tests, and it must not change, so that "before" stays
// "before". (The nested types' UnmarshalJSON methods it reaches through
// reflection, SubscriptionPolicy, StatusCheck, BlobHandler, Tags and
// FlexString, are still the ones in types.go, which this change left as
// they were.)

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

// legacyDataSource is DataSource with the old UnmarshalJSON.
type legacyDataSource DataSource

func (d *legacyDataSource) UnmarshalJSON(b []byte) error {
	type plain DataSource
	return legacyLenient(b, (*plain)(d), &d.Raw)
}

// legacyPage is DataSourcePage with the old UnmarshalJSON.
type legacyPage struct {
	Count int
	Hits  []legacyDataSource
}

func (p *legacyPage) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		p.Count = -1 // unknown: the caller stops at a short page
		return json.Unmarshal(b, &p.Hits)
	}
	var env struct {
		Count json.RawMessage    `json:"count"`
		Hits  []legacyDataSource `json:"hits"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	p.Hits = env.Hits
	p.Count = -1
	if n, ok := legacyFlexInt(env.Count); ok && n >= 0 { // a negative total means nothing
		p.Count = int(n)
	}
	return nil
}

// page converts p to the exported type, keeping nil and empty apart.
func (p *legacyPage) page() DataSourcePage {
	out := DataSourcePage{Count: p.Count}
	if p.Hits != nil {
		out.Hits = make([]DataSource, len(p.Hits))
		for i, h := range p.Hits {
			out.Hits[i] = DataSource(h)
		}
	}
	return out
}

func legacyLenient(b []byte, v any, raw *json.RawMessage) error {
	if raw != nil {
		*raw = append(json.RawMessage(nil), b...)
	}
	err := json.Unmarshal(b, v)
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return err
	}
	legacyClearMisfits(b, v)
	return nil
}

var legacyUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func legacyClearMisfits(b []byte, v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return
	}
	sv := rv.Elem()
	var obj, folded map[string]json.RawMessage
	for _, f := range legacyCheckedFields(sv.Type()) {
		fv := sv.Field(f.index)
		if !legacyLeftover(fv) {
			continue
		}
		if obj == nil {
			if json.Unmarshal(b, &obj) != nil || obj == nil {
				return
			}
		}
		val, ok := obj[f.name]
		if !ok {
			if folded == nil {
				folded = make(map[string]json.RawMessage, len(obj))
				for k, v := range obj {
					folded[strings.ToLower(k)] = v
				}
			}
			val, ok = folded[strings.ToLower(f.name)]
		}
		if ok && !legacyFits(val, fv.Type()) {
			fv.SetZero()
		}
	}
}

func legacyLeftover(v reflect.Value) bool {
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

var legacyCheckedFieldsCache sync.Map // reflect.Type -> []checkedField

func legacyCheckedFields(t reflect.Type) []checkedField {
	if cf, ok := legacyCheckedFieldsCache.Load(t); ok {
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
			if reflect.PointerTo(f.Type).Implements(legacyUnmarshalerType) {
				continue
			}
		case reflect.Pointer, reflect.Struct:
		default:
			continue
		}
		out = append(out, checkedField{i, name})
	}
	legacyCheckedFieldsCache.Store(t, out)
	return out
}

func legacyFits(raw json.RawMessage, t reflect.Type) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == 'n' {
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct && reflect.PointerTo(t).Implements(legacyUnmarshalerType) {
		return true
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

func legacyFlexInt(b json.RawMessage) (int64, bool) {
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
	if f, err := strconv.ParseFloat(string(b), 64); err == nil && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f), true
	}
	return 0, false
}
