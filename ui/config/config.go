// Package config loads dsbrowse's TOML configuration (profiles, key
// overrides, theme) and resolves which Immuta tenant to talk to.
//
// Every error it returns is one line that names the file and, when it can,
// the line: `config /home/me/.config/dsbrowse/config.toml: line 7: unknown
// key "profils.prod"`.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/paging"
	"github.com/dsbrowse/dsbrowse/keymap"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/styles"
	"github.com/dsbrowse/dsbrowse/views/weblink"
)

// Defaults for settings a profile leaves out.
const (
	DefaultTimeout = 30 * time.Second
	// The list paging defaults are the page loader's (apiclient/paging).
	DefaultPageSize    = paging.DefaultFirstPage
	DefaultMaxPageSize = paging.DefaultMaxPage
	DefaultConcurrency = paging.DefaultConcurrency
	// DefaultAuth tries the documented forms in turn on a 401 and remembers
	// per profile which one the tenant took.
	DefaultAuth = "auto"
	// DefaultMaxBodyBytes caps one response body after decompression.
	DefaultMaxBodyBytes int64 = 64 << 20
	// DefaultMaxRows caps how many rows the terminal UI's list loads.
	DefaultMaxRows = 2_000_000
)

// Config is a loaded configuration file. The zero value (no file) is valid.
type Config struct {
	// Path is the file this came from; empty when no file was read.
	Path string
	// DefaultProfile is used when neither --profile nor IMMUTA_URL is given.
	DefaultProfile string
	// RequestLogSize is how many requests the TUI's request log keeps
	// (request_log_size; 0 when the file does not say: the client's
	// default, apiclient.DefaultRequestLogSize).
	RequestLogSize int
	// Profiles by name.
	Profiles map[string]Profile
	// Keys are the terminal UI's bindings: the defaults with the [keys]
	// table applied (a user binding replaces the default keys of its
	// action), built and checked once, at load.
	Keys keymap.KeyMap
	// Theme holds the [theme] table, parsed and checked.
	Theme Theme
	// Views are the saved views ([views.NAME], views.go): server filters
	// and a sort, opened in the TUI with :NAME.
	Views map[string]apiclient.ListOptions
	// ListColumns are the list's columns in order ([list] columns, list.go);
	// nil when the file does not say (the list's default).
	ListColumns []string
}

// Profile is one [profiles.NAME] table: the settings the views read, how
// to reach the tenant, and where its key comes from.
type Profile struct {
	// Settings: Profile is the table's NAME, TenantURL its url (with
	// https:// added when the file had no scheme), ListColumns unset (the
	// file's [list] is not a profile's: Resolve adds it).
	views.Settings
	Connection
	APIKeyEnv     string // read the key from this environment variable
	APIKeyCommand string // or run this with sh -c; first line of stdout is the key
}

// Connection is how the client reaches a tenant, besides its URL and key.
type Connection struct {
	CAFile       string // extra CA bundle (PEM), ~ expanded
	Auth         string // auto | raw | exchange | bearer
	AllowHTTP    bool   // plain http:// to a host that is not loopback
	MaxBodyBytes int64  // cap on one response body, after decompression
}

// withDefaults fills in what a profile (or the environment, or --demo)
// leaves out.
func withDefaults(s views.Settings, c Connection) (views.Settings, Connection) {
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	if s.PageSize == 0 {
		s.PageSize = DefaultPageSize
	}
	if s.MaxPageSize == 0 {
		s.MaxPageSize = DefaultMaxPageSize
	}
	if s.Concurrency == 0 {
		s.Concurrency = DefaultConcurrency
	}
	if s.MaxRows == 0 {
		s.MaxRows = DefaultMaxRows
	}
	if c.Auth == "" {
		c.Auth = DefaultAuth
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return s, c
}

// Theme is the [theme] table, checked as it is read: the mode ("" when the
// file does not say, which is auto) and the colours that replace the
// built-in palette's (nil keeps it). Colours are a hex colour ("#rgb" or
// "#rrggbb") or an ANSI colour number ("0" to "255").
type Theme struct {
	Mode styles.Mode
	styles.Overrides
}

// DefaultPath is $XDG_CONFIG_HOME/dsbrowse/config.toml, falling back to
// ~/.config/dsbrowse/config.toml.
func DefaultPath() string {
	dir := xdgDir("XDG_CONFIG_HOME", ".config")
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "dsbrowse", "config.toml")
}

// xdgDir is the base directory an XDG variable names, or ~/fallback when it
// is unset or relative (the spec says to ignore a relative one); "" when
// there is no home either.
func xdgDir(env, fallback string) string {
	if dir := os.Getenv(env); dir != "" && filepath.IsAbs(dir) {
		return dir
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, fallback)
}

// Load reads the configuration at path. An empty path means DefaultPath(),
// and a missing default file gives an empty configuration; a file named
// explicitly must exist.
func Load(path string) (*Config, error) {
	explicit := path != ""
	if !explicit {
		path = DefaultPath()
		if path == "" {
			return &Config{Keys: keymap.Default()}, nil
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return &Config{Keys: keymap.Default()}, nil
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("config %s: %v", path, err)
	}
	c, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %s", path, oneLine(err.Error()))
	}
	c.Path = path
	if err := c.checkOwnership(); err != nil {
		return nil, err
	}
	return c, nil
}

// checkOwnership refuses, as ssh does for its config, a file that another
// user could have changed, when it names an api_key_command: that command
// runs as the user, so whoever can write the file can run anything as them.
// The file must belong to the user (or root) and be writable by no one else.
func (c *Config) checkOwnership() error {
	var cmdProfile string
	for _, name := range c.ProfileNames() {
		if c.Profiles[name].APIKeyCommand != "" {
			cmdProfile = name
			break
		}
	}
	if cmdProfile == "" {
		return nil
	}
	fi, err := os.Stat(c.Path)
	if err != nil {
		return fmt.Errorf("config %s: %v", c.Path, err)
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("config %s: refusing a file other users can write (mode %04o, %s) that names an api_key_command (profile %q), which runs as you; fix it with: chmod go-w %s",
			c.Path, perm, perm, cmdProfile, shellQuote(c.Path))
	}
	if uid, ok := fileOwner(fi); ok && uid != 0 && uid != os.Getuid() {
		return fmt.Errorf("config %s: refusing a file owned by another user (uid %d) that names an api_key_command (profile %q), which runs as you; copy it to a file of your own",
			c.Path, uid, cmdProfile)
	}
	return nil
}

// shellQuote quotes s for sh when it needs it, so a fix can be pasted.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@%+=,", c))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Parse decodes configuration text; errors carry the line but no file name.
func Parse(data []byte) (*Config, error) { return parse(data) }

// file is the decoding shape; its field types validate values as they are
// decoded, so a bad value is reported with its line.
type file struct {
	DefaultProfile string                 `toml:"default_profile"`
	RequestLogSize positiveInt            `toml:"request_log_size"`
	Profiles       map[string]fileProfile `toml:"profiles"`
	Keys           map[string]keyList     `toml:"keys"`
	Theme          fileTheme              `toml:"theme"`
	Views          map[string]fileView    `toml:"views"`
	List           fileList               `toml:"list"`
}

type fileProfile struct {
	URL           urlValue    `toml:"url"`
	APIKeyEnv     string      `toml:"api_key_env"`
	APIKeyCommand string      `toml:"api_key_command"`
	Timeout       duration    `toml:"timeout"`
	CAFile        string      `toml:"ca_file"`
	Auth          authValue   `toml:"auth"`
	AllowHTTP     bool        `toml:"allow_http"`
	ReadOnly      bool        `toml:"read_only"`
	Protected     bool        `toml:"protected"`
	PageSize      positiveInt `toml:"page_size"`
	MaxPageSize   positiveInt `toml:"max_page_size"`
	Concurrency   positiveInt `toml:"concurrency"`
	FixedPaging   bool        `toml:"fixed_paging"`
	MaxBodyBytes  byteSize    `toml:"max_body_bytes"`
	MaxRows       rowCap      `toml:"max_rows"`
	WebURL        string      `toml:"web_url"`
}

type fileTheme struct {
	Mode    modeValue `toml:"mode"`
	Accent  colour    `toml:"accent"`
	Muted   colour    `toml:"muted"`
	Text    colour    `toml:"text"`
	Border  colour    `toml:"border"`
	Error   colour    `toml:"error"`
	Warning colour    `toml:"warning"`
	Success colour    `toml:"success"`
}

func parse(data []byte) (*Config, error) {
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, decodeError(err)
	}
	// The toml package quietly skips a non-table where a map is wanted.
	for _, k := range []string{"profiles", "keys", "views"} {
		if t := md.Type(k); t != "" && t != "Hash" {
			return nil, lineErr(findLine(data, toml.Key{k}), "%s: want a table, not %s", k, article(md.Type(k)))
		}
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, lineErr(findLine(data, k), "unknown key %q", k.String())
	}
	c := &Config{
		DefaultProfile: f.DefaultProfile,
		RequestLogSize: int(f.RequestLogSize),
		Profiles:       make(map[string]Profile, len(f.Profiles)),
		Theme: Theme{Mode: f.Theme.Mode.m, Overrides: styles.Overrides{
			Accent: f.Theme.Accent.c, Muted: f.Theme.Muted.c, Text: f.Theme.Text.c, Border: f.Theme.Border.c,
			Error: f.Theme.Error.c, Warning: f.Theme.Warning.c, Success: f.Theme.Success.c,
		}},
	}
	overrides := make(map[string][]string, len(f.Keys))
	for action, keys := range f.Keys {
		overrides[action] = []string(keys)
	}
	// Checked once, here, so a bad [keys] stops every command at start;
	// the terminal UI takes the keymap built here.
	keys, err := keymap.Default().Apply(overrides)
	if err != nil {
		return nil, lineErr(findLine(data, toml.Key{"keys"}), "%v", err)
	}
	c.Keys = keys
	names := make([]string, 0, len(f.Profiles))
	for name := range f.Profiles {
		names = append(names, name)
	}
	// Report problems in file order, so the first one in the file comes first.
	sort.Slice(names, func(i, j int) bool {
		return findLine(data, toml.Key{"profiles", names[i]}) < findLine(data, toml.Key{"profiles", names[j]})
	})
	for _, name := range names {
		fp := f.Profiles[name]
		at := findLine(data, toml.Key{"profiles", name})
		if strings.TrimSpace(name) == "" {
			return nil, lineErr(at, "a profile needs a name")
		}
		if fp.URL == "" {
			return nil, lineErr(at, "profile %q has no url", name)
		}
		if fp.APIKeyEnv == "" && fp.APIKeyCommand == "" {
			return nil, lineErr(at, "profile %q has no API key source: set api_key_env or api_key_command", name)
		}
		p := Profile{
			Settings: views.Settings{
				Profile:     name,
				TenantURL:   string(fp.URL),
				Timeout:     time.Duration(fp.Timeout),
				ReadOnly:    fp.ReadOnly,
				Protected:   fp.Protected,
				PageSize:    int(fp.PageSize),
				MaxPageSize: int(fp.MaxPageSize),
				Concurrency: int(fp.Concurrency),
				FixedPaging: fp.FixedPaging,
				MaxRows:     int(fp.MaxRows),
				WebURL:      strings.TrimSpace(fp.WebURL),
			},
			Connection: Connection{
				CAFile:       expandHome(fp.CAFile),
				Auth:         string(fp.Auth),
				AllowHTTP:    fp.AllowHTTP,
				MaxBodyBytes: int64(fp.MaxBodyBytes),
			},
			APIKeyEnv:     strings.TrimSpace(fp.APIKeyEnv),
			APIKeyCommand: fp.APIKeyCommand,
		}
		p.Settings, p.Connection = withDefaults(p.Settings, p.Connection)
		if p.WebURL != "" {
			if err := weblink.CheckTemplate(p.WebURL); err != nil {
				return nil, lineErr(findLine(data, toml.Key{"profiles", name, "web_url"}), "%v", err)
			}
		}
		c.Profiles[name] = p
	}
	if c.Views, err = parseViews(data, f.Views); err != nil {
		return nil, err
	}
	if c.ListColumns, err = parseList(data, f.List, md); err != nil {
		return nil, err
	}
	if c.DefaultProfile != "" {
		if _, ok := c.Profiles[c.DefaultProfile]; !ok {
			return nil, lineErr(findLine(data, toml.Key{"default_profile"}),
				"default_profile %q is not a profile (%s)", c.DefaultProfile, c.known())
		}
	}
	return c, nil
}

// ProfileNames lists the profiles, sorted.
func (c *Config) ProfileNames() []string {
	names := make([]string, 0, len(c.Profiles))
	for n := range c.Profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// known describes the defined profiles for an error message.
func (c *Config) known() string {
	names := c.ProfileNames()
	if len(names) == 0 {
		if c.Path != "" {
			return "no profiles are defined in " + c.Path
		}
		return "no profiles are defined"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return "known: " + strings.Join(q, ", ")
}

func lineErr(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("line %d: %s", line, msg)
	}
	return errors.New(msg)
}

var (
	// md.e() errors: `toml: line 3 (last key "profiles.a.page_size"): incompatible types: ...`
	reTypeErr = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "((?:[^"\\]|\\.)*)"\): (.*)$`)
	reBadType = regexp.MustCompile(`^incompatible types: TOML value has type (.+); destination has type (.+)$`)
	reNotMap  = regexp.MustCompile(`^type mismatch for .+: expected table but found (.+)$`)
)

// decodeError turns the toml package's errors into "line N: what".
func decodeError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		// A value rejected by one of the types in values.go: name its key.
		if m, ok := strings.CutPrefix(msg, valueErrMark); ok {
			msg = m
			if pe.LastKey != "" {
				msg = pe.LastKey + ": " + m
			}
		}
		return lineErr(pe.Position.Line, "%s", msg)
	}
	s := err.Error()
	if m := reTypeErr.FindStringSubmatch(s); m != nil {
		line, _ := strconv.Atoi(m[1])
		key, _ := strconv.Unquote(`"` + m[2] + `"`)
		msg := m[3]
		if t := reBadType.FindStringSubmatch(msg); t != nil {
			msg = fmt.Sprintf("want %s, not %s", article(t[2]), article(t[1]))
		} else if t := reNotMap.FindStringSubmatch(msg); t != nil {
			msg = "want a table, not " + article(t[1])
		}
		return lineErr(line, "%s: %s", key, msg)
	}
	return errors.New(strings.TrimPrefix(s, "toml: "))
}

func article(t string) string {
	switch t {
	case "map", "table", "Hash", "map[string]interface {}", "map[string]any":
		return "a table"
	case "integer", "Integer", "int64":
		return "an integer"
	case "float", "Float", "float64":
		return "a float"
	case "Array", "slice", "[]interface {}", "[]any", "[]map[string]interface {}":
		return "a list"
	case "String", "string":
		return "a string"
	case "Bool", "boolean", "bool":
		return "true or false"
	case "time.Time":
		return "a date"
	}
	if t == "" {
		return "something else"
	}
	if strings.ContainsAny(t[:1], "aeiouAEIOU") {
		return "an " + strings.ToLower(t)
	}
	return "a " + strings.ToLower(t)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func expandHome(p string) string {
	p = strings.TrimSpace(p)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// normalizeURL adds https:// to a bare host and drops trailing slashes.
func normalizeURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	return strings.TrimRight(s, "/")
}
