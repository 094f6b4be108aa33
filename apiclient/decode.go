package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// lenient decodes b into v, keeping a copy of b in raw (when raw is not nil).
// encoding/json already skips a field of the wrong type and finishes the rest
// of the object, reporting only an *UnmarshalTypeError; that error is dropped
// here so one odd field never loses the whole object. A body that is not JSON
// at all still fails.
func lenient(b []byte, v any, raw *json.RawMessage) error {
	if raw != nil {
		*raw = append(json.RawMessage(nil), b...)
	}
	err := json.Unmarshal(b, v)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
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
	if f, err := strconv.ParseFloat(string(b), 64); err == nil {
		return int64(f), true
	}
	return 0, false
}
