package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/dustin/go-humanize"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/views/styles"
)

// valueErrMark starts the message of an error returned by the types below,
// so decodeError can tell a rejected value (name its key) from a syntax
// error. The toml package keeps only the message of such an error.
const valueErrMark = "\x00"

func valueErr(format string, args ...any) error {
	return errors.New(valueErrMark + fmt.Sprintf(format, args...))
}

// urlValue is an http(s) URL; a bare host gets https://.
type urlValue string

func (u *urlValue) UnmarshalText(b []byte) error {
	s := normalizeURL(string(b))
	if s == "" {
		*u = ""
		return nil
	}
	p, err := url.Parse(s)
	if err != nil || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
		return valueErr("%q is not an http(s) URL (want something like \"https://acme.immuta.com\")", string(b))
	}
	if p.User != nil {
		return valueErr("the URL must not carry credentials; use api_key_env or api_key_command")
	}
	*u = urlValue(s)
	return nil
}

// duration is a Go duration string such as "30s" or "2m", above zero.
type duration time.Duration

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil || v <= 0 {
		return valueErr("%q is not a positive duration (want something like \"30s\" or \"2m\")", string(b))
	}
	*d = duration(v)
	return nil
}

// authValue is how the key is sent: apiclient.ParseAuthMode's spellings.
type authValue string

func (a *authValue) UnmarshalText(b []byte) error {
	m, err := apiclient.ParseAuthMode(string(b))
	if err != nil {
		return valueErr("%q is not an auth mode (want \"auto\", \"raw\", \"exchange\" or \"bearer\")", string(b))
	}
	*a = authValue(m)
	return nil
}

// Bounds of max_body_bytes: below 1 KiB not even an error answer fits; past
// 16 GiB the cap protects nothing.
const (
	minBodyBytes int64 = 1 << 10
	maxBodyBytes int64 = 16 << 30
)

// byteSize is a size in bytes: a whole number, or a string with a unit,
// "64MiB", "512 KiB", "1GB" (KiB, MiB, GiB are powers of 1024; KB, MB, GB
// of 1000; B or no unit is bytes), read by go-humanize.
type byteSize int64

func (n *byteSize) UnmarshalTOML(v any) error {
	var size int64
	switch v := v.(type) {
	case int64:
		size = v
	case string:
		s, err := humanize.ParseBytes(v)
		if err != nil || s > math.MaxInt64 {
			return valueErr("%q is not a size (want bytes, or a number with a unit: \"64MiB\", \"512KiB\", \"1GB\")", v)
		}
		size = int64(s)
	default:
		return valueErr("want a size (\"64MiB\" or a number of bytes), not %s", tomlKind(v))
	}
	if size < minBodyBytes || size > maxBodyBytes {
		return valueErr("%d bytes is out of range (1KiB to 16GiB)", size)
	}
	*n = byteSize(size)
	return nil
}

// rowCap is max_rows: a whole number from 1 to 1,000,000,000.
type rowCap int

func (n *rowCap) UnmarshalTOML(v any) error {
	i, err := wholeIn(v, 1, 1_000_000_000)
	*n = rowCap(i)
	return err
}

// positiveInt is an integer from 1 to 100000.
type positiveInt int

func (n *positiveInt) UnmarshalTOML(v any) error {
	i, err := wholeIn(v, 1, 100000)
	*n = positiveInt(i)
	return err
}

// wholeIn reads a whole number from lo to hi (0 with the error).
func wholeIn(v any, lo, hi int64) (int64, error) {
	i, ok := v.(int64)
	if !ok {
		return 0, valueErr("want a whole number, not %s", tomlKind(v))
	}
	if i < lo || i > hi {
		return 0, valueErr("%d is out of range (%d to %d)", i, lo, hi)
	}
	return i, nil
}

// modeValue is the theme mode, read by styles.ParseMode; m stays "" when
// the file does not say.
type modeValue struct{ m styles.Mode }

func (v *modeValue) UnmarshalText(b []byte) error {
	m, err := styles.ParseMode(string(b))
	if err != nil {
		return valueErr("%v", err)
	}
	v.m = m
	return nil
}

// colour is a [theme] colour, read by styles.ParseColour: a hex colour
// (#rgb, #rrggbb) or an ANSI colour number (0-255); c stays nil for ""
// (keep the default).
type colour struct{ c lipgloss.TerminalColor }

func (v *colour) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "" {
		v.c = nil
		return nil
	}
	c, err := styles.ParseColour(string(b))
	if err != nil {
		return valueErr("%v", err)
	}
	v.c = c
	return nil
}

// keyList is one [keys] entry: a key or a list of keys.
type keyList []string

func (k *keyList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return valueErr("a key binding cannot be empty")
		}
		*k = keyList{v}
		return nil
	case []any:
		out := make(keyList, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return valueErr("want a key or a list of keys (strings), not a list holding %s", tomlKind(e))
			}
			if strings.TrimSpace(s) == "" {
				return valueErr("a key binding cannot be empty")
			}
			out = append(out, s)
		}
		*k = out
		return nil
	}
	return valueErr("want a key or a list of keys, like [\"j\", \"down\"], not %s", tomlKind(v))
}

func tomlKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "true/false"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("%T", v)
}
