package tui_test

// End-to-end test of issue 10 §2 (filter by any column) on the built
// binary in tmux, on --demo: `/status:failed` keeps only the failed
// sources, shown as a chip; free text narrows them by name; esc brings
// every row back. Helpers are in e2e_helpers_test.go.

import (
	"regexp"
	"strings"
	"testing"
)

var tokLoaded = regexp.MustCompile(`(\d+) of (\d+) loaded`)

var tokMatches = regexp.MustCompile(`(\d+) of (\d+) m`) // "match" may be cut at 120 columns

// onlyStatus reports whether every row shown has status in its STATUS
// column (a cell of its own, spaces around it), and there are some.
func onlyStatus(rows []row, status string) bool {
	for _, r := range rows {
		if !strings.Contains(r.Line, " "+status+" ") || strings.Contains(r.Line, " passed ") && status != "passed" {
			return false
		}
	}
	return len(rows) > 0
}

func TestE2EFilterTokensOnDemo(t *testing.T) {
	t.Parallel()
	s := startTUI(t, tuiOpts{Args: []string{"--demo"}, W: 160, H: 40}) // room for the chips and the counts
	// Every row loaded, passed ones among them (which the token must hide).
	s.waitUntil("the list loaded", startTimeout, func(sc string) bool {
		m := tokLoaded.FindStringSubmatch(line(sc, 2))
		return m != nil && m[1] == m[2] && strings.Contains(sc, " passed ")
	})
	s.send("/")
	s.waitFor(waitTimeout, "status: sub: handler: id: table: schema: tag:") // the hint, while empty
	s.typeText("status:failed")
	sc := s.waitUntil("only failed sources", waitTimeout, func(sc string) bool {
		return strings.Contains(line(sc, 2), "[status:failed]") && tokMatches.MatchString(line(sc, 2)) && onlyStatus(listRows(sc), "failed")
	})
	failed := tokMatches.FindStringSubmatch(line(sc, 2))
	if failed[1] == failed[2] || failed[1] == "0" {
		t.Fatalf("status:failed should keep some rows, not all: %q", line(sc, 2))
	}

	// Kept with enter: the line says which tokens are on.
	s.send("Enter")
	s.waitUntil("the filter kept", waitTimeout, func(sc string) bool {
		return strings.HasPrefix(line(sc, 2), "/[status:failed]") && strings.HasPrefix(s.footer(sc), "enter open")
	})

	// Negated, the same count of rows is gone.
	s.send("/")
	s.send("Home")
	s.typeText("-")
	sc = s.waitUntil("the failed sources hidden", waitTimeout, func(sc string) bool {
		rs := listRows(sc)
		if !strings.Contains(line(sc, 2), "[-status:failed]") || len(rs) == 0 {
			return false
		}
		for _, r := range rs {
			if strings.Contains(r.Line, " failed ") {
				return false
			}
		}
		return true
	})
	neg := tokMatches.FindStringSubmatch(line(sc, 2))
	if neg == nil || atoi(neg[1])+atoi(failed[1]) != atoi(failed[2]) {
		t.Errorf("status:failed %v and -status:failed %v do not add up to every row", failed, neg)
	}

	// esc clears: every row is back.
	s.esc()
	s.waitUntil("every row back", waitTimeout, func(sc string) bool {
		return !tokMatches.MatchString(line(sc, 2)) && strings.Contains(sc, " passed ") && tokLoaded.MatchString(line(sc, 2))
	})
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
