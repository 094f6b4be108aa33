package keymap

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
)

// Unsubscribe is a write key: S by default, rebindable as "unsubscribe",
// gone in read-only mode, and still known to WriteKeys so the root can say
// "read-only" when it is pressed.
func TestUnsubscribeKey(t *testing.T) {
	k := Default()
	if !key.Matches(press("S"), k.Unsubscribe) || k.Unsubscribe.Help().Desc != "unsubscribe" || k.Unsubscribe.Help().Key != "S" {
		t.Fatalf("default %+v", k.Unsubscribe.Help())
	}
	ro := k.WithoutWrites()
	if ro.Unsubscribe.Enabled() || key.Matches(press("S"), ro.Unsubscribe) {
		t.Error("unsubscribe still enabled in read-only")
	}
	found := false
	for _, b := range ro.WriteKeys() {
		found = found || key.Matches(press("S"), b)
	}
	if !found {
		t.Error("WriteKeys does not know S")
	}
	if !key.Matches(press("u"), ro.WriteKeys()[3]) {
		t.Error("WriteKeys()[3] must stay restore (the undo key)")
	}
	k2, err := k.Apply(map[string][]string{"unsubscribe": {"ctrl+u"}})
	if err != nil {
		t.Fatal(err)
	}
	if key.Matches(press("S"), k2.Unsubscribe) || k2.Unsubscribe.Help().Key != "ctrl+u" || k2.Unsubscribe.Help().Desc != "unsubscribe" {
		t.Errorf("rebound %+v", k2.Unsubscribe.Help())
	}
}
