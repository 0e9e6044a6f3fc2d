package inboxbot_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
)

// TestCheckMemberName_RefusesMixedScripts: "dаna" with a Cyrillic а sat
// next to dana in every list.
func TestCheckMemberName_RefusesMixedScripts(t *testing.T) {
	for _, tc := range []struct{ name, why string }{
		{"d\u0430na", "mixes Latin and Cyrillic"},
		{"\u03bfscar", "mixes Greek and Latin"},
		{"ivan\u0418", "mixes Latin and Cyrillic"},
	} {
		err := inboxbot.CheckMemberName(tc.name)
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID || !strings.Contains(inboxbot.ErrorMessage(err), tc.why) {
			t.Errorf("CheckMemberName(%q) = %v, want EINVALID saying %q", tc.name, err, tc.why)
		}
	}
	for _, good := range []string{"dana", "Иван", "Σοφία", "李娜", "田中さん", "tanaka-タナカ", "김민수", "zoë.o'brien", "dana2"} {
		if err := inboxbot.CheckMemberName(good); err != nil {
			t.Errorf("CheckMemberName(%q) = %v, want nil", good, err)
		}
	}
}

func TestCheckMemberNameAmong_RefusesLookAlikes(t *testing.T) {
	existing := []string{"dana", "Sam", "kim", "cope", "Axe"}
	for _, tc := range []struct{ name, like string }{
		{"\u0441\u043e\u0440\u0435", "cope"}, // all Cyrillic: соре
		{"\u0410\u0425\u0415", "Axe"},        // all Cyrillic: АХЕ
		{"\u0391\u03a7\u0395", "Axe"},        // all Greek: ΑΧΕ
		{"S\u0430m", ""},                     // mixed: refused as such
		{"klm", ""},                          // no look-alike of kim
		{"DANA", ""},                         // the same member
		{"danа", ""},                         // mixed
	} {
		err := inboxbot.CheckMemberNameAmong(tc.name, existing)
		switch {
		case tc.like != "":
			if inboxbot.ErrorCode(err) != inboxbot.ECONFLICT || !strings.Contains(inboxbot.ErrorMessage(err), "looks like the member "+tc.like) {
				t.Errorf("%q among %v = %v, want it refused as like %s", tc.name, existing, err, tc.like)
			}
		case tc.name == "klm" || tc.name == "DANA":
			if err != nil {
				t.Errorf("%q = %v, want nil", tc.name, err)
			}
		default:
			if inboxbot.ErrorCode(err) != inboxbot.EINVALID {
				t.Errorf("%q = %v, want EINVALID", tc.name, err)
			}
		}
	}
}

func TestSkeleton_LatinCyrillicGreekLookAlikesMeet(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"d\u0430na", "dana"}, {"\u0421\u0410\u041c", "cam"}, {"\u0391lex", "alex"}, {"Ian", "lan"}, {"rnary", "mary"}, {"b0b", "bob"},
	} {
		if inboxbot.Skeleton(tc.a) != inboxbot.Skeleton(tc.b) {
			t.Errorf("Skeleton(%q) = %q, Skeleton(%q) = %q; want equal", tc.a, inboxbot.Skeleton(tc.a), tc.b, inboxbot.Skeleton(tc.b))
		}
	}
	if inboxbot.Skeleton("dana") == inboxbot.Skeleton("diana") {
		t.Error("different names share a skeleton")
	}
}

func TestWithoutBidi_DropsEveryBidiControl(t *testing.T) {
	in := "a\u202ab\u202ec\u2066d\u2069e\u200ef\u200fg\u061ch"
	if got := inboxbot.WithoutBidi(in); got != "abcdefgh" {
		t.Fatalf("WithoutBidi = %q", got)
	}
	if got := inboxbot.WithoutBidi("שלום dana"); got != "שלום dana" {
		t.Fatalf("right-to-left letters are not controls: %q", got)
	}
}
