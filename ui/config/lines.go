package config

import (
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// findLine returns the 1-based line where key (or, failing that, its
// nearest parent) is first defined in the TOML text, or 0. The toml package
// keeps key positions private, so this reads the text itself: table headers,
// key = value lines and dotted keys. It skips multi-line strings and
// comments; keys inside inline tables resolve to their table's line.
func findLine(data []byte, key toml.Key) int {
	lines := keyLines(string(data))
	for k := key; len(k) > 0; k = k[:len(k)-1] {
		if n, ok := lines[k.String()]; ok {
			return n
		}
	}
	return 0
}

// keyLines maps every key (and each of its parents) to its first line.
func keyLines(text string) map[string]int {
	out := map[string]int{}
	record := func(k toml.Key, line int) {
		for i := 1; i <= len(k); i++ {
			s := k[:i].String()
			if _, ok := out[s]; !ok {
				out[s] = line
			}
		}
	}
	var table toml.Key
	inString := "" // the delimiter of the multi-line string we are in
	for i, raw := range strings.Split(text, "\n") {
		line := i + 1
		s := strings.TrimSpace(raw)
		if inString != "" {
			if strings.Count(s, inString)%2 == 1 {
				inString = ""
			}
			continue
		}
		if s == "" || s[0] == '#' {
			continue
		}
		if strings.HasPrefix(s, "[") {
			inner := strings.TrimPrefix(s, "[")
			inner = strings.TrimPrefix(inner, "[")
			if end := indexOutsideQuotes(inner, ']'); end >= 0 {
				if k, ok := splitKey(inner[:end]); ok {
					table = k
					record(k, line)
				}
			}
			continue
		}
		eq := indexOutsideQuotes(s, '=')
		if eq <= 0 {
			continue
		}
		if k, ok := splitKey(s[:eq]); ok {
			full := append(append(toml.Key{}, table...), k...)
			record(full, line)
		}
		value := s[eq+1:]
		for _, d := range []string{`"""`, `'''`} {
			if strings.Count(value, d)%2 == 1 {
				inString = d
				break
			}
		}
	}
	return out
}

// indexOutsideQuotes finds c outside "..." and '...' in s.
func indexOutsideQuotes(s string, c byte) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch {
		case quote != 0:
			if s[i] == '\\' && quote == '"' {
				i++
			} else if s[i] == quote {
				quote = 0
			}
		case s[i] == '"' || s[i] == '\'':
			quote = s[i]
		case s[i] == c:
			return i
		}
	}
	return -1
}

// splitKey reads a (possibly dotted, possibly quoted) TOML key.
func splitKey(s string) (toml.Key, bool) {
	var k toml.Key
	for {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, false
		}
		var part string
		switch s[0] {
		case '"':
			j := 1 // the closing, unescaped quote
			for ; j < len(s); j++ {
				if s[j] == '\\' {
					j++
					continue
				}
				if s[j] == '"' {
					break
				}
			}
			if j >= len(s) {
				return nil, false
			}
			u, err := strconv.Unquote(s[:j+1])
			if err != nil {
				return nil, false
			}
			part, s = u, s[j+1:]
		case '\'':
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, false
			}
			part, s = s[1:1+end], s[end+2:]
		default:
			end := strings.IndexByte(s, '.')
			if end < 0 {
				end = len(s)
			}
			part, s = strings.TrimSpace(s[:end]), s[end:]
			if part == "" {
				return nil, false
			}
		}
		k = append(k, part)
		s = strings.TrimSpace(s)
		if s == "" {
			return k, true
		}
		if s[0] != '.' {
			return nil, false
		}
		s = s[1:]
	}
}
