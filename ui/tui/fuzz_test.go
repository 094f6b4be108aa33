package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/dsbrowse/dsbrowse/apiclient"
	"github.com/dsbrowse/dsbrowse/apiclient/immutatest"
	"github.com/dsbrowse/dsbrowse/views"
	"github.com/dsbrowse/dsbrowse/views/actions"
	"github.com/dsbrowse/dsbrowse/views/viewtest"
)

// FuzzRoot drives the whole TUI (the root model with the real views and a
// real client) with random keys against the emulator, whose answers are
// made to fail, go missing, come back empty or hostile, and checks after
// every step what a user relies on:
//
//   - nothing panics (the root turns a panic into "internal error");
//   - no line of the frame is wider than the terminal, and the frame is no
//     taller than it; nothing in it is for the terminal to act on (escape
//     sequences other than colours, control characters, bidi overrides);
//   - every DELETE comes from a key pressed in a confirm dialog, names a
//     source that exists, and a dialog sends at most one DELETE per source;
//   - a DELETE that the server carries out as a permanent delete comes from
//     a dialog in which the source's name (or, for a bulk, the count) had
//     been typed;
//   - a read-only session sends no POST, PUT or DELETE at all (the key
//     exchange aside), by the emulator's own request log;
//   - the app settles: a load that never ends fails the input.
//
// The input is the session's mode (read-only, protected, the emulator's
// fault options), the seed of the per-request faults, and a script of ops:
// keys, typed text, running one pending command, letting the app settle,
// moving the clock, resizing, and another client changing a source.
//
// Commands run one at a time inside a synctest bubble, so the order of
// everything is the script's: a command still blocked once every goroutine
// waits on the fake clock is a timer (blink, spinner, status expiry, a
// retry's backoff) and is delivered when the script moves the clock, never
// dropped. A slow request is simply a command the script has not run yet,
// which is how a second key can arrive while a check is in flight.
func FuzzRoot(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s.mode, s.faults, s.ops)
	}
	f.Fuzz(func(t *testing.T, mode uint8, faults uint64, ops []byte) {
		if len(ops) > maxFuzzOps {
			ops = ops[:maxFuzzOps]
		}
		t.Chdir(t.TempDir()) // an export writes its file in the working directory
		srv := newFuzzServer(mode, faults)
		defer srv.Close()
		synctest.Test(t, func(t *testing.T) { runFuzzSession(t, srv, mode, ops, fuzzRig{}) })
	})
}

// maxFuzzOps bounds a script, so that one input stays well under a second.
const maxFuzzOps = 400

// Mode bits.
const (
	modeReadOnly  = 1 << 0
	modeProtected = 1 << 1
	// Bits 2-3 pick the emulator's FailEvery, 4-5 its MalformedEvery.
	modeRateLimit       = 1 << 6
	modeRequireExchange = 1 << 7
)

// fuzzProfile is the profile name, typed on a protected profile.
const fuzzProfile = "prod"

// fuzzSources is the emulator's size: a few pages, so that loads, marks and
// bulk actions happen, while an input stays fast.
const fuzzSources = 30

// Op bytes: the top two bits say what kind of op a byte is.
const (
	opKey     = 0x00 // | index into fuzzKeys: press it, then let the app settle
	opKeyFast = 0x40 // | index into fuzzKeys: press it, nothing runs meanwhile
	opRune    = 0x80 // | index into fuzzRunes: type it, nothing runs meanwhile
	opControl = 0xC0 // | one of the ctl* below
)

const (
	ctlRunOne   = 0  // 0..14: run the pending command at that index (mod their count)
	ctlRunLast  = 15 // run the newest pending command
	ctlSettle   = 16 // 16..31: run everything pending until the app is idle
	ctlClock    = 32 // 32..39: move the fake clock by fuzzClock[n]
	ctlResize   = 40 // 40..47: resize to fuzzSizes[n]
	ctlOther    = 48 // 48..51: another client acts (the next byte picks the source)
	ctlTypeName = 56 // 56..59: type a source's name (the next byte picks it)
	ctlTypeProf = 60 // 60..63: type the profile name
)

const (
	otherDisable = iota // another client disables a source
	otherRestore        // or restores it
	otherDelete         // or deletes it (permanently when it was disabled)
	otherExpire         // the server forgets every session token
)

var fuzzClock = [8]time.Duration{10 * time.Millisecond, 60 * time.Millisecond, 200 * time.Millisecond,
	600 * time.Millisecond, time.Second, 3 * time.Second, 7 * time.Second, 30 * time.Second}

var fuzzSizes = [8][2]int{{100, 30}, {80, 24}, {60, 15}, {40, 8}, {39, 7}, {120, 40}, {200, 60}, {45, 10}}

// fuzzKeys are the keys a script presses: every binding of every screen,
// keys read together in one burst, a paste, and the mouse.
var fuzzKeys = func() []tea.Msg {
	var out []tea.Msg
	for _, k := range fuzzKeyNames {
		switch {
		case strings.HasPrefix(k, "paste:"):
			out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k[len("paste:"):]), Paste: true})
		case k == "wheel-down", k == "wheel-up":
			b := tea.MouseButtonWheelDown
			if k == "wheel-up" {
				b = tea.MouseButtonWheelUp
			}
			out = append(out, tea.MouseMsg{X: 10, Y: 8, Action: tea.MouseActionPress, Button: b})
		case k == "click":
			out = append(out, tea.MouseMsg{X: 10, Y: 9, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft})
		default:
			out = append(out, viewtest.KeyMsg(k)) // a key name as a binding holds it
		}
	}
	return out
}()

var fuzzKeyNames = []string{
	"j", "k", "down", "up", "g", "G", "pgdown", "pgup", // 0-7
	"enter", "esc", "/", "tab", "shift+tab", "space", "s", "D", // 8-15
	"u", "c", "y", "n", "a", "v", "r", "o", // 16-23
	"O", "?", "left", "right", "backspace", "ctrl+s", "ctrl+n", "h", // 24-31
	"l", "q", "ctrl+c", "home", "end", "x", "ctrl+u", "ctrl+w", // 32-39
	"ctrl+f", "ctrl+b", "paste:Public Barfoo", "DD", "Dy", "wheel-down", "wheel-up", "click", // 40-47
}

// fuzzRunes are the characters a script types one by one (64 of them).
const fuzzRunes = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _"

// fuzzIDs are the sources a script's "another client" and "type a name"
// ops pick from: the seed examples and the generated ones.
var fuzzIDs = func() []int64 {
	ids := slices.Clone(immutatest.SeedIDs)
	for i := range int64(fuzzSources) {
		ids = append(ids, immutatest.FirstGeneratedID+i)
	}
	return ids
}()

// --- the server side: the emulator behind a proxy that injects faults and
// records what each write did. It lives outside the bubble. ---

type fault int

const (
	faultNone         fault = iota
	fault500                // refused, nothing done
	fault503                // unavailable, nothing done
	fault404                // "not found", nothing done
	faultEmpty              // 200 with an empty body, nothing done
	faultNull               // 200 "null", nothing done
	faultEmptyObj           // 200 "{}", nothing done
	faultOtherID            // a read of one source answers another (a disabled one)
	faultLost               // done, but the connection closes before any answer
	faultTruncated          // done, answered with half of its JSON
	faultHostile            // done, with every name made hostile (escapes, wide, bidi, long)
	faultHugeCount          // done, with a list's count of a billion
	faultHostileError       // refused, with a hostile message
	numFaults
)

// hostileName is put before every name a hostile answer carries.
const hostileName = "\x1b]0;pwned\x07\x1b[2J\x1b[31m界界🧑‍🤝‍🧑\u202eevil\t\r\n\u0085" +
	"WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW "

// wireReq is one request the app made, as the proxy saw it.
type wireReq struct {
	method, path string
	id           int64 // of DELETE /dataSource/{id}; -1 otherwise
	causes       []int // the key steps whose commands were running
	status       int
	fault        fault
	hard         bool   // the emulator deleted the source for good
	name         string // the source's name before the request
}

type fuzzServer struct {
	h    *immutatest.Handler
	srv  *httptest.Server
	rate uint64
	seed uint64

	mu     sync.Mutex
	seen   map[string]int
	causes []int
	log    []wireReq
	writes sync.Mutex // one write at a time, to tell a permanent delete
}

func newFuzzServer(mode uint8, faults uint64) *fuzzServer {
	opt := immutatest.Options{
		Sources:         fuzzSources,
		Seed:            1,
		FailEvery:       []int{0, 5, 11, 23}[mode>>2&3],
		MalformedEvery:  []int{0, 7, 13, 29}[mode>>4&3],
		RequireExchange: mode&modeRequireExchange != 0,
	}
	if mode&modeRateLimit != 0 {
		opt.RateLimitEvery = 17
	}
	s := &fuzzServer{h: immutatest.NewHandler(opt), rate: faults & 0xF, seed: faults >> 4, seen: map[string]int{}}
	s.srv = httptest.NewServer(s) // 127.0.0.1
	return s
}

func (s *fuzzServer) Close() { s.srv.Close() }

// pick chooses the fault for the nth request of a kind: by what is asked
// and how often it was asked before, not by arrival order, so that an input
// replays the same way when requests run concurrently.
func (s *fuzzServer) pick(what string, n int) fault {
	if s.rate == 0 {
		return faultNone
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d %s %d", s.seed, what, n)
	x := h.Sum64()
	x ^= x >> 29
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 32
	if x%32 >= s.rate {
		return faultNone
	}
	return 1 + fault((x>>8)%uint64(numFaults-1))
}

var (
	sourcePath = regexp.MustCompile(`^/dataSource/(-?\d+)$`)
	countField = regexp.MustCompile(`"count":\d+`)
)

func (s *fuzzServer) setCauses(c []int) {
	s.mu.Lock()
	s.causes = c
	s.mu.Unlock()
}

func (s *fuzzServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	what := r.Method + " " + r.URL.RequestURI()
	s.mu.Lock()
	n := s.seen[what]
	s.seen[what]++
	e := wireReq{method: r.Method, path: r.URL.Path, id: -1, causes: s.causes}
	s.mu.Unlock()
	e.fault = s.pick(what, n)
	m := sourcePath.FindStringSubmatch(r.URL.Path)
	if m != nil && r.Method == http.MethodDelete {
		e.id, _ = strconv.ParseInt(m[1], 10, 64)
	}
	defer func() {
		s.mu.Lock()
		s.log = append(s.log, e)
		s.mu.Unlock()
	}()
	refuse := func(status int, body string) {
		e.status = status
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
	switch e.fault {
	case fault500:
		refuse(500, `{"statusCode":500,"error":"Internal Server Error","message":"injected"}`)
		return
	case fault503:
		refuse(503, `{"statusCode":503,"error":"Service Unavailable","message":"injected"}`)
		return
	case fault404:
		refuse(404, `{"statusCode":404,"error":"Not Found","message":"injected"}`)
		return
	case faultEmpty:
		refuse(200, "")
		return
	case faultNull:
		refuse(200, "null")
		return
	case faultEmptyObj:
		refuse(200, "{}")
		return
	case faultHostileError:
		msg, _ := json.Marshal(hostileName)
		refuse(400, `{"statusCode":400,"error":"Bad Request","message":`+string(msg)+`}`)
		return
	}
	if e.fault == faultOtherID && m != nil && r.Method == http.MethodGet {
		r.URL.Path = fmt.Sprintf("/dataSource/%d", immutatest.IDDisabled)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writes.Lock()
		defer s.writes.Unlock()
	}
	name, existed := s.h.SourceName(e.id)
	e.name = name
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	if _, after := s.h.SourceName(e.id); e.id >= 0 && existed && !after {
		e.hard = true
	}
	e.status = rec.Code
	body := rec.Body.Bytes()
	switch e.fault {
	case faultLost:
		e.status = 0
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case faultTruncated:
		body = body[:len(body)/2]
	case faultHostile:
		q, _ := json.Marshal(hostileName)
		body = bytes.ReplaceAll(body, []byte(`"name":"`), append([]byte(`"name":`), q[:len(q)-1]...))
	case faultHugeCount:
		body = countField.ReplaceAll(body, []byte(`"count":1000000000`))
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

func (s *fuzzServer) wire(from int) []wireReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log[from:])
}

// other is another client acting on the tenant: straight to the emulator,
// so it is not in the app's wire log.
func (s *fuzzServer) other(kind int, id int64) {
	path := fmt.Sprintf("/dataSource/%d", id)
	var r *http.Request
	switch kind {
	case otherDisable:
		if _, ok := s.h.SourceName(id); !ok || s.disabled(id) {
			return // disabling a disabled source would delete it for good
		}
		r = httptest.NewRequest(http.MethodDelete, path, nil)
	case otherRestore:
		r = httptest.NewRequest(http.MethodPut, path, strings.NewReader(`{"deleted":false}`))
	case otherDelete:
		r = httptest.NewRequest(http.MethodDelete, path, nil)
	case otherExpire:
		s.h.ExpireTokens()
		return
	}
	r.Header.Set("Authorization", s.h.Key())
	s.writes.Lock()
	defer s.writes.Unlock()
	s.h.ServeHTTP(httptest.NewRecorder(), r)
}

// disabled asks the emulator directly whether a source is disabled.
func (s *fuzzServer) disabled(id int64) bool {
	r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/dataSource/%d", id), nil)
	r.Header.Set("Authorization", s.h.Key())
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	var v struct {
		Deleted  bool `json:"deleted"`
		Disabled bool `json:"disabled"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &v)
	return v.Deleted || v.Disabled
}

// --- the client side: the session, run inside the bubble. ---

// pend is a command waiting to run, with the key step it follows from.
type pend struct {
	cmd   tea.Cmd
	cause int
}

// parked is a command that is waiting on the clock.
type parked struct {
	ch    chan cmdResult
	cause int
}

type cmdResult struct {
	msg   tea.Msg
	panic any
	stack []byte
}

// dialogKey is what the user saw in a confirm dialog when pressing a key.
type dialogKey struct {
	modal  int      // the dialog's id on the root
	screen string   // the dialog drawn in full, before the key
	typed  []string // the text fields' contents, as shown
}

type fuzzSession struct {
	t        testing.TB
	srv      *fuzzServer
	m        *Model
	readOnly bool
	w, h     int

	pending []pend
	parked  []parked
	steps   int               // key presses so far (causes are step numbers)
	dialogs map[int]dialogKey // key step -> the dialog it went to
	sent    map[[2]int64]bool // (dialog, source id) pairs that sent a DELETE
	wireAt  int               // wire log entries checked
	emuAt   int               // emulator log entries checked (read-only)
	msgs    int               // messages since the current op began
	quit    bool              // the program has quit: nothing more is delivered
	ended   bool              // and every command has finished
	trail   []string          // what happened, for a failure's message
}

// fuzzMsgBudget bounds the messages that one op may cause (a full load is
// about 30): a load that never ends (a server's count of a billion) must
// end the input with a failure, not hang the fuzzer.
const fuzzMsgBudget = 3000

// fuzzRig changes a session for the tests that show the checks can fail;
// the fuzz target uses the zero value.
type fuzzRig struct {
	// api wraps the client the views use.
	api func(views.API, *fuzzServer) views.API
}

// runFuzzSession plays one input: a session of the TUI against srv.
func runFuzzSession(t testing.TB, srv *fuzzServer, mode uint8, ops []byte, rig fuzzRig) {
	ro := mode&modeReadOnly != 0
	client, err := apiclient.New(srv.srv.URL, srv.h.Key(),
		// No idle connections: a goroutine reading an idle socket is
		// not blocked on the fake clock, and synctest.Wait would wait
		// on it forever.
		apiclient.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}),
		apiclient.WithReadOnly(ro))
	if err != nil {
		t.Fatal(err)
	}
	var api views.API = client
	if rig.api != nil {
		api = rig.api(client, srv)
	}
	sess := NewSession(Options{Session: views.Session{API: api, Host: client.Host(), Settings: views.Settings{
		Profile: fuzzProfile, ReadOnly: ro, Protected: mode&modeProtected != 0, PageSize: 10, Concurrency: 2, Timeout: 10 * time.Second}}})
	s := &fuzzSession{t: t, srv: srv, readOnly: ro, m: NewModel(sess, DefaultOpener()),
		dialogs: map[int]dialogKey{}, sent: map[[2]int64]bool{}}
	s.resize(100, 30)
	s.push(s.m.Init(), 0)
	s.settle()
	for i := 0; i < len(ops) && !s.quit; i++ {
		s.msgs = 0
		b := ops[i]
		next := byte(0)
		if i+1 < len(ops) {
			next = ops[i+1]
		}
		switch b & 0xC0 {
		case opKey:
			s.key(fuzzKeys[int(b&0x3F)%len(fuzzKeys)])
			s.settle()
		case opKeyFast:
			s.key(fuzzKeys[int(b&0x3F)%len(fuzzKeys)])
		case opRune:
			s.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{rune(fuzzRunes[b&0x3F])}})
		default:
			if s.control(b&0x3F, next) {
				i++ // the op used the next byte
			}
		}
	}
	if !s.quit {
		s.msgs = 0
		s.settle()
	}
	s.end()
	s.checkWire()
}

func (s *fuzzSession) note(format string, args ...any) {
	s.trail = append(s.trail, fmt.Sprintf(format, args...))
	if len(s.trail) > 40 {
		s.trail = s.trail[len(s.trail)-40:]
	}
}

func (s *fuzzSession) fail(format string, args ...any) {
	s.t.Helper()
	msg := fmt.Sprintf("%s\n\nlast steps:\n  %s\n\nscreen (%dx%d):\n%s", fmt.Sprintf(format, args...),
		strings.Join(s.trail, "\n  "), s.w, s.h, ansi.Strip(s.m.View()))
	s.end()
	s.t.Fatal(msg)
}

// end stops the program as Bubble Tea would, and lets every command still
// waiting finish (their contexts are cancelled now): a bubble may not end
// with goroutines blocked in it.
func (s *fuzzSession) end() {
	if s.ended {
		return
	}
	s.ended, s.quit = true, true
	s.m.quit()
	time.Sleep(time.Hour)
	synctest.Wait()
	parked := s.parked
	s.parked = nil
	for _, p := range parked {
		if r := <-p.ch; r.panic != nil {
			s.t.Errorf("a command panicked after quitting: %v\n%s", r.panic, r.stack)
		}
	}
}

func (s *fuzzSession) control(c, next byte) (usedNext bool) {
	switch {
	case c < ctlSettle:
		if len(s.pending) > 0 {
			i := int(c) % len(s.pending)
			if c == ctlRunLast {
				i = len(s.pending) - 1
			}
			p := s.pending[i]
			s.pending = slices.Delete(s.pending, i, i+1)
			s.run(p)
		}
	case c < ctlClock:
		s.settle()
	case c < ctlResize:
		s.advance(fuzzClock[c-ctlClock])
	case c < ctlOther:
		sz := fuzzSizes[c-ctlResize]
		s.resize(sz[0], sz[1])
	case c < ctlOther+4:
		kind := int(c - ctlOther)
		id := fuzzIDs[int(next)%len(fuzzIDs)]
		// Another client changes a source only while nothing of ours is
		// in flight and no dialog is open: between a check and its DELETE
		// no client can stop someone else's change, so a change there
		// would make any app fail; a stale row is what the check is for.
		// Sessions may expire at any time.
		idle := s.m.modal == nil && len(s.pending) == 0 && s.m.busy == 0
		if kind == otherExpire || (idle && !s.readOnly) {
			s.note("another client: %s %d", []string{"disable", "restore", "delete", "expire tokens"}[kind], id)
			s.srv.other(kind, id)
		}
		return true
	case c < ctlTypeName:
		// 52..55: no op
	case c < ctlTypeProf:
		id := fuzzIDs[int(next)%len(fuzzIDs)]
		if name, ok := s.srv.h.SourceName(id); ok {
			s.typeText(name)
		}
		return true
	default:
		s.typeText(fuzzProfile)
	}
	return false
}

func (s *fuzzSession) typeText(text string) {
	for _, r := range text {
		s.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (s *fuzzSession) resize(w, h int) {
	s.w, s.h = w, h
	s.note("resize %dx%d", w, h)
	s.deliver(tea.WindowSizeMsg{Width: w, Height: h}, 0)
}

// key presses a key (or clicks) as step number steps+1, remembering what a
// confirm dialog showed when it got the key.
func (s *fuzzSession) key(k tea.Msg) {
	s.steps++
	if d, ok := s.dialog(); ok {
		s.dialogs[s.steps] = d
	}
	s.note("step %d: %s", s.steps, describe(k))
	s.deliver(k, s.steps)
}

func describe(k tea.Msg) string {
	switch k := k.(type) {
	case tea.KeyMsg:
		if k.Paste {
			return fmt.Sprintf("paste %q", string(k.Runes))
		}
		return fmt.Sprintf("key %q", k.String())
	case tea.MouseMsg:
		return "mouse " + k.String()
	}
	return fmt.Sprintf("%T", k)
}

// dialog is the open confirm dialog, drawn at a size where nothing of it is
// cut, with the contents of its text fields as drawn.
func (s *fuzzSession) dialog() (dialogKey, bool) {
	if s.m.modal == nil {
		return dialogKey{}, false
	}
	d, ok := s.m.modal.v.(*actions.Dialog)
	if !ok {
		return dialogKey{}, false
	}
	d.SetSize(200, 100)
	screen := ansi.Strip(d.View())
	w, h := s.m.bodySize()
	d.SetSize(w, h)
	_ = d.View() // back to the fields' widths at the real size
	dk := dialogKey{modal: s.m.modal.id, screen: screen}
	for _, l := range strings.Split(screen, "\n") {
		l = strings.TrimFunc(l, func(r rune) bool { return unicode.IsSpace(r) || (r >= 0x2500 && r <= 0x257F) })
		if v, ok := strings.CutPrefix(l, "> "); ok {
			dk.typed = append(dk.typed, strings.TrimSpace(v))
		} else if l == ">" {
			dk.typed = append(dk.typed, "")
		}
	}
	return dk, true
}

func (s *fuzzSession) push(cmd tea.Cmd, cause int) {
	if cmd != nil {
		s.pending = append(s.pending, pend{cmd, cause})
	}
}

// deliver gives msg to the root and checks the frame that follows.
func (s *fuzzSession) deliver(msg tea.Msg, cause int) {
	if s.quit {
		return
	}
	s.msgs++
	if s.msgs > fuzzMsgBudget {
		s.fail("more than %d messages after one step: the app never settles (a load that does not end?)", fuzzMsgBudget)
	}
	_, cmd := s.m.Update(msg)
	s.push(cmd, cause)
	s.check(msg)
}

// run executes one command until it returns or waits on the clock.
func (s *fuzzSession) run(p pend) {
	ch := make(chan cmdResult, 1)
	s.srv.setCauses([]int{p.cause})
	go func() {
		defer func() {
			if v := recover(); v != nil {
				ch <- cmdResult{panic: v, stack: debug.Stack()}
			}
		}()
		ch <- cmdResult{msg: p.cmd()}
	}()
	synctest.Wait()
	s.srv.setCauses(nil)
	select {
	case r := <-ch:
		s.result(r, p.cause)
	default:
		s.parked = append(s.parked, parked{ch, p.cause})
	}
	s.checkWire()
}

// advance moves the fake clock; commands that were waiting on it finish
// (timers fire, retries are sent) and their messages are delivered.
func (s *fuzzSession) advance(d time.Duration) {
	s.note("clock +%v", d)
	var causes []int
	for _, p := range s.parked {
		causes = append(causes, p.cause)
	}
	s.srv.setCauses(causes) // whichever of them sends a request
	time.Sleep(d)
	synctest.Wait()
	s.srv.setCauses(nil)
	var still []parked
	var done []cmdResult
	var doneCause []int
	for _, p := range s.parked {
		select {
		case r := <-p.ch:
			done = append(done, r)
			doneCause = append(doneCause, p.cause)
		default:
			still = append(still, p)
		}
	}
	s.parked = still
	for i, r := range done {
		s.result(r, doneCause[i])
	}
	s.checkWire()
}

func (s *fuzzSession) result(r cmdResult, cause int) {
	if r.panic != nil {
		s.fail("a command panicked: %v\n%s", r.panic, r.stack)
	}
	if r.msg == nil || s.quit {
		return
	}
	if _, ok := r.msg.(tea.QuitMsg); ok {
		s.note("quit")
		s.quit = true
		return
	}
	// A batch, or a sequence (bubbletea's unexported sequenceMsg): both are
	// slices of commands.
	if v := reflect.ValueOf(r.msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeFor[tea.Cmd]() {
		for i := range v.Len() {
			if c, _ := v.Index(i).Interface().(tea.Cmd); c != nil {
				s.push(c, cause)
			}
		}
		return
	}
	s.deliver(r.msg, cause)
}

// settle runs what is pending until the app is idle: no command to run and
// no request in flight (one waiting on a retry's backoff gets the clock).
func (s *fuzzSession) settle() {
	for round := 0; round < 60 && !s.quit; round++ {
		for len(s.pending) > 0 && !s.quit {
			p := s.pending[0]
			s.pending = s.pending[1:]
			s.run(p)
		}
		if s.m.busy == 0 || s.quit {
			return
		}
		s.advance(time.Second)
	}
}

// check runs after every message: the invariants of the screen.
func (s *fuzzSession) check(after tea.Msg) {
	s.t.Helper()
	if strings.Contains(s.m.errText, "internal error") {
		s.fail("panic after %T: %s", after, s.m.errText)
	}
	if p := frameProblem(s.m.View(), s.w, s.h); p != "" {
		s.fail("after %T %s", after, p)
	}
}

// frameProblem says what is wrong with a frame for a w×h terminal: a line
// wider than w cells, more than h lines, or something in it that the
// terminal would act on. "" when it is fine.
func frameProblem(frame string, w, h int) string {
	if frame == "" {
		return ""
	}
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		return fmt.Sprintf("the frame has %d lines, more than the terminal's %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			return fmt.Sprintf("line %d is %d cells wide, more than the terminal's %d: %q", i, lw, w, ansi.Strip(l))
		}
		if seq := driving(l); seq != "" {
			return fmt.Sprintf("line %d holds %q, which the terminal would act on: %q", i, seq, l)
		}
	}
	return ""
}

// driving returns the first thing in a frame's line that a terminal would
// act on rather than draw: an escape sequence other than styling (SGR), a
// control character, or a bidi override.
func driving(line string) string {
	var state byte
	for len(line) > 0 {
		seq, _, n, next := ansi.DecodeSequence(line, state, nil)
		state, line = next, line[n:]
		if strings.HasPrefix(seq, "\x1b[") && strings.HasSuffix(seq, "m") {
			continue // colour and weight
		}
		for _, r := range seq {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				return seq
			}
		}
	}
	return ""
}

// knownID reports whether id names a source the emulator has or had.
func knownID(id int64) bool {
	return slices.Contains(immutatest.SeedIDs, id) || id >= immutatest.FirstGeneratedID
}

// checkWire checks the requests made since the last check.
func (s *fuzzSession) checkWire() {
	s.t.Helper()
	if s.readOnly {
		log := s.srv.h.Requests()
		for _, r := range log[s.emuAt:] {
			if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Path != "/bim/apikey/authenticate" {
				s.fail("a read-only session sent %s %s (answered %d)", r.Method, r.Path, r.Status)
			}
		}
		s.emuAt = len(log)
	}
	news := s.srv.wire(s.wireAt)
	s.wireAt += len(news)
	for _, r := range news {
		if r.method != http.MethodDelete {
			continue
		}
		s.note("DELETE %s (%s, answered %d, fault %d, permanent %v)", r.path, strconv.Quote(r.name), r.status, r.fault, r.hard)
		if r.id < 0 || !knownID(r.id) {
			s.fail("DELETE %s names no source: its id did not come from a row", r.path)
		}
		var from []int
		for _, c := range r.causes {
			if _, ok := s.dialogs[c]; ok {
				from = append(from, c)
			}
		}
		if len(from) == 0 {
			s.fail("DELETE %s was sent without a key pressed in a confirm dialog (it followed steps %v)", r.path, r.causes)
		}
		ok := false
		var why string
		for _, c := range from {
			d := s.dialogs[c]
			if s.sent[[2]int64{int64(d.modal), r.id}] {
				why = fmt.Sprintf("a second DELETE %s from one confirmed dialog:\n%s", r.path, d.screen)
				continue
			}
			if r.hard && !typedFor(d, r.name) {
				why = fmt.Sprintf("DELETE %s deleted %q permanently, but the dialog confirmed at step %d had no name typed:\n%s",
					r.path, r.name, c, d.screen)
				continue
			}
			s.sent[[2]int64{int64(d.modal), r.id}] = true
			ok = true
			break
		}
		if !ok {
			s.fail("%s", why)
		}
	}
}

// typedFor reports whether a dialog showed name typed into one of its
// fields, or a count (a bulk delete that includes permanent deletes asks
// for the number of sources).
func typedFor(d dialogKey, name string) bool {
	for _, v := range d.typed {
		if v == "" {
			continue
		}
		if v == name {
			return true
		}
		if n, err := strconv.Atoi(v); err == nil && n >= 2 {
			return true
		}
	}
	return false
}

// --- the seed corpus ---

type fuzzSeed struct {
	name   string
	mode   uint8
	faults uint64
	ops    []byte
}

// script builds an op script.
type script []byte

func keyIndex(name string) byte {
	i := slices.Index(fuzzKeyNames, name)
	if i < 0 {
		panic("no fuzz key " + name)
	}
	return byte(i)
}

// key presses keys, letting the app settle after each.
func (s script) key(names ...string) script {
	for _, n := range names {
		s = append(s, opKey|keyIndex(n))
	}
	return s
}

// fast presses keys with nothing running in between.
func (s script) fast(names ...string) script {
	for _, n := range names {
		s = append(s, opKeyFast|keyIndex(n))
	}
	return s
}

// typ types text (letters, digits, space and _).
func (s script) typ(text string) script {
	for _, r := range text {
		i := strings.IndexRune(fuzzRunes, r)
		if i < 0 {
			panic(fmt.Sprintf("cannot type %q", r))
		}
		s = append(s, opRune|byte(i))
	}
	return s
}

func (s script) runFirst(n int) script {
	for range n {
		s = append(s, opControl|ctlRunOne)
	}
	return s
}

func (s script) runLast(n int) script {
	for range n {
		s = append(s, opControl|ctlRunLast)
	}
	return s
}

func (s script) settle() script { return append(s, opControl|ctlSettle) }

// pick filters the list down to name and keeps the filter: the cursor is
// then on that source.
func (s script) pick(name string) script {
	return s.key("/").typ(name).key("enter")
}

func fuzzSeeds() []fuzzSeed {
	var s script
	all := []fuzzSeed{
		{name: "disable an active source, then undo", ops: s.pick(immutatest.NamePublicBarfoo).key("D", "y", "u", "y", "enter")},
		// Both checks read "active"; the first dialog is confirmed and its
		// DELETE sent before the second dialog opens (issue 8, 1a).
		{name: "D twice while the check is in flight", ops: s.pick(immutatest.NamePublicBarfoo).fast("D", "D").
			runFirst(7).fast("y").runLast(10).settle().key("y", "enter")},
		{name: "D twice, FIFO", ops: s.pick(immutatest.NamePublicBarfoo).fast("D", "D").
			runFirst(12).fast("y").runFirst(12).fast("y").settle().key("enter")},
		// The check's GET answers an empty 200 (issue 8, 1b).
		{name: "empty answer to the check", faults: 0x2bf1, ops: s.pick(immutatest.NamePublicBarfoo).key("D", "y", "enter")},
		// The session ends between the check and the DELETE: the DELETE
		// gets a 401 (issue 8, 2a).
		{name: "token expires before the DELETE", mode: modeRequireExchange, ops: append(s.pick(immutatest.NamePublicBarfoo).key("D"),
			opControl|ctlOther+otherExpire, 0, opKey|keyIndex("y"), opKey|keyIndex("enter"))},
		// The read just before the DELETE is refused with a hostile
		// message (issue 8, 5: every rendered server string is made safe).
		{name: "hostile error from the read before the DELETE", faults: 0xbd2, ops: s.pick(immutatest.NamePublicBarfoo).key("D", "y")},
		// The first page says there are a billion sources (issue 8, 3).
		{name: "a count of a billion", faults: 0x1c31, ops: s.key("G", "j", "enter", "esc")},
		{name: "D twice, each check answered at once", ops: s.pick(immutatest.NamePublicBarfoo).key("D", "D", "y").key("enter", "D", "y")},
		{name: "keys read together: DD", ops: s.pick(immutatest.NamePublicBarfoo).key("DD", "y", "enter", "Dy")},
		{name: "delete a disabled source with its name typed", ops: s.pick(immutatest.NameDisabled).key("D").
			typ(immutatest.NameDisabled).key("enter", "enter")},
		{name: "delete a disabled source, name typed wrong, then y", ops: s.pick(immutatest.NameDisabled).key("D").
			typ("Legacy").key("enter", "tab", "right", "y", "enter", "esc")},
		{name: "bulk marks and D", ops: s.key("space", "j", "space", "j", "space", "D", "y", "enter")},
		{name: "bulk with a disabled source, count typed", ops: s.pick(immutatest.NameDisabled).key("space", "esc").
			pick(immutatest.NamePublicBarfoo).key("space", "esc", "D").typ("2").key("enter", "enter")},
		{name: "from the detail view", ops: s.pick(immutatest.NamePublicBarfoo).key("enter", "D", "y", "enter", "D").
			typ(immutatest.NamePublicBarfoo).key("enter", "enter", "esc")},
		{name: "read-only: every write key, everywhere", mode: modeReadOnly, ops: s.key("s", "D", "c", "u", "space", "j", "space", "s", "D", "u").
			key("enter", "s", "D", "u", "esc", "c").typ("x").key("ctrl+s", "esc").pick(immutatest.NameDisabled).key("D", "u", "y", "enter")},
		{name: "read-only with the key exchange and faults", mode: modeReadOnly | modeRequireExchange | 1<<2 | 1<<4, faults: 0x5c,
			ops: s.key("s", "y", "D", "y", "u", "y", "c", "ctrl+s", "r", "enter", "D", "y", "esc", "esc")},
		{name: "protected profile", mode: modeProtected, ops: s.pick(immutatest.NamePublicBarfoo).key("D").typ(fuzzProfile).key("enter", "enter")},
		{name: "token expires before the check", mode: modeRequireExchange, ops: append(s.pick(immutatest.NamePublicBarfoo), opControl|ctlOther+otherExpire, 0).
			key("D", "y", "enter")},
		{name: "another client disabled the row first", ops: append(s.pick(immutatest.NamePublicBarfoo),
			opControl|ctlOther+otherDisable, byte(slices.Index(fuzzIDs, immutatest.IDPublicBarfoo))).key("D", "y", "enter", "D", "y")},
		{name: "faults everywhere", mode: 1<<2 | 2<<4 | modeRateLimit, faults: 0xf3,
			ops: s.key("j", "j", "enter", "esc", "D", "y", "enter", "r", "a", "esc", "v", "esc", "space", "j", "space", "D", "y")},
		{name: "hostile, narrow", faults: 0x28a, ops: append(s.key("j", "enter"), opControl|ctlResize+3, opControl|ctlResize+4, opControl|ctlResize+7).
			key("esc", "D", "?", "x", "/").typ("W").key("enter")},
		{name: "create an S3 source", ops: s.key("c").typ("1").key("tab").typ("new_source").key("tab").typ("bucket").key("ctrl+s", "enter")},
		{name: "clock and timers", ops: append(s.key("s"), opControl|ctlClock+7, opControl|ctlClock+2).key("y", "enter")},
	}
	return all
}

// --- the checks themselves: each catches what it is for ---

// failTB records a session's failure instead of failing the test, so that
// a test can show that a check catches the bug it is for. A fatal failure
// ends the session by panicking with sessionFailed.
type failTB struct {
	testing.TB
	msg string
}

type sessionFailedT struct{}

var sessionFailed sessionFailedT

func (f *failTB) Fatal(args ...any) { f.msg = fmt.Sprint(args...); panic(sessionFailed) }
func (f *failTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	panic(sessionFailed)
}
func (f *failTB) Errorf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

// staleAPI reads every source as active: a disable dialog for a source
// that is already disabled.
type staleAPI struct{ views.API }

func (a staleAPI) GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error) {
	d, err := a.API.GetDataSource(ctx, id)
	if d != nil {
		c := *d
		c.Deleted, c.Disabled = false, false
		d = &c
	}
	return d, err
}

// twiceAPI sends every DELETE twice.
type twiceAPI struct{ views.API }

func (a twiceAPI) DeleteDataSource(ctx context.Context, id int64) (*apiclient.DeleteResult, error) {
	_, _ = a.API.DeleteDataSource(ctx, id)
	return a.API.DeleteDataSource(ctx, id)
}

// leakyAPI subscribes, through a client that may write, whenever a source
// is read.
type leakyAPI struct {
	views.API
	w *apiclient.Client
}

func (a leakyAPI) GetDataSource(ctx context.Context, id int64) (*apiclient.DataSource, error) {
	_, _ = a.w.Subscribe(ctx, apiclient.SubscribeRequest{DataSourceIDs: []int64{id}})
	return a.API.GetDataSource(ctx, id)
}

func TestFuzzChecksCatchTheirBugs(t *testing.T) {
	var s script
	for _, tc := range []struct {
		name string
		mode uint8
		ops  []byte
		api  func(views.API, *fuzzServer) views.API
		want string
	}{
		{"a stale read turns a disable into a delete", 0, s.pick(immutatest.NameDisabled).key("D", "y"),
			func(a views.API, _ *fuzzServer) views.API { return staleAPI{a} }, `deleted "Legacy Claims Archive" permanently`},
		{"a DELETE sent twice", 0, s.pick(immutatest.NamePublicBarfoo).key("D", "y"),
			func(a views.API, _ *fuzzServer) views.API { return twiceAPI{a} }, "a second DELETE /dataSource/22"},
		{"a write in a read-only session", modeReadOnly, s.key("enter"),
			func(a views.API, srv *fuzzServer) views.API {
				w, err := apiclient.New(srv.srv.URL, srv.h.Key(),
					apiclient.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
				if err != nil {
					t.Fatal(err)
				}
				return leakyAPI{a, w}
			}, "a read-only session sent POST /dataSource/subscribe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newFuzzServer(tc.mode, 0)
			defer srv.Close()
			rec := &failTB{TB: t}
			synctest.Test(t, func(t *testing.T) {
				defer func() {
					if r := recover(); r != nil && r != sessionFailed {
						panic(r)
					}
				}()
				rec.TB = t
				runFuzzSession(rec, srv, tc.mode, tc.ops, fuzzRig{api: tc.api})
			})
			if !strings.Contains(rec.msg, tc.want) {
				t.Errorf("the session should fail with %q; it said %q", tc.want, rec.msg)
			}
		})
	}
}

func TestFuzzFrameProblem(t *testing.T) {
	for _, tc := range []struct {
		frame string
		want  string // "" when the frame is fine
	}{
		{"abc\n\x1b[1mbold\x1b[0m de", ""},
		{"界界界", ""},
		{"abcdefghijk", "11 cells wide"},
		{"界界界界界1", "11 cells wide"},
		{"🧑‍🤝‍🧑🧑‍🤝‍🧑🧑‍🤝‍🧑🧑‍🤝‍🧑🧑‍🤝‍🧑x", "11 cells wide"},
		{"a\nb\nc\nd", "4 lines"},
		{"\x1b]0;title\x07", `"\x1b]0;title\a"`},
		{"\x1b[2J", `"\x1b[2J"`},
		{"ab\u202ecd", `"\u202e"`},
		{"ab\u2067", `"\u2067"`},
		{"a\tb", `"\t"`},
		{"a\u009bb", `"\u009b"`},
	} {
		got := frameProblem(tc.frame, 10, 3)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("frameProblem(%q) = %q, want %q", tc.frame, got, tc.want)
		}
	}
}
