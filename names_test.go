package inboxbot_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
)

// TestCheckMemberName_RefusesInvisibleCharacters: "dana\u200b" listed beside
// "dana" looks like the same member; ESC and BEL rewrite terminals.
func TestCheckMemberName_RefusesInvisibleCharacters(t *testing.T) {
	for _, bad := range []string{"dana\u200b", "dana\x1b[2J", "da\ana", "\u202edana", "dana\u2066", "\u3164", "dana\x7f", "dana\u0085", "dana\ufeff"} {
		err := inboxbot.CheckMemberName(bad)
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID {
			t.Errorf("CheckMemberName(%q) = %v, want EINVALID", bad, err)
		} else if strings.ContainsAny(inboxbot.ErrorMessage(err), "\x1b\a\u202e\u2066") {
			t.Errorf("the message quotes the raw character: %q", inboxbot.ErrorMessage(err))
		}
	}
	for _, good := range []string{"dana", "Zoë", "李娜", "o'brien", "ana-maria"} {
		if err := inboxbot.CheckMemberName(good); err != nil {
			t.Errorf("CheckMemberName(%q) = %v, want nil", good, err)
		}
	}
}

func TestCheckLabel_RuleAndViewNamesAreVisibleAndBounded(t *testing.T) {
	for _, bad := range []string{"", " ", "VIP\u200b", "leads\x1b]0;pwned\a", "a\u202eb", "two\tparts", "line\nbreak", strings.Repeat("x", inboxbot.MaxLabelLength+1)} {
		if err := inboxbot.CheckLabel("the rule name", bad, inboxbot.MaxLabelLength); inboxbot.ErrorCode(err) != inboxbot.EINVALID {
			t.Errorf("CheckLabel(%q) = %v, want EINVALID", inboxbot.Clip(bad), err)
		} else if len(inboxbot.ErrorMessage(err)) > 200 {
			t.Errorf("the message quotes the whole value: %d bytes", len(inboxbot.ErrorMessage(err)))
		}
	}
	for _, good := range []string{"Facebook leads to sales", "VIP → Sam", strings.Repeat("x", inboxbot.MaxLabelLength)} {
		if err := inboxbot.CheckLabel("the rule name", good, inboxbot.MaxLabelLength); err != nil {
			t.Errorf("CheckLabel(%q) = %v", good, err)
		}
	}
}
