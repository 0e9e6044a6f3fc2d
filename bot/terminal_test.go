package bot_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inboxbot/inboxbot/bot"
)

// dangerous are the runes a terminal acts on instead of showing.
func dangerous(r rune, multiline bool) bool {
	if r == '\t' || r == '\n' && multiline {
		return false
	}
	return r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

func TestTerminalText_EscapesWhatATerminalWouldActOn(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[2J\x1b[HEVIL":  `\x1b[2J\x1b[HEVIL`,
		"bell\a":             `bell\x07`,
		"evil\u202egnp.exe":  `evil\u202egnp.exe`,
		"iso\u2066late":      `iso\u2066late`,
		"c1\u009b31m":        `c1\x9b31m`,
		"bad \xff byte":      `bad \xff byte`,
		"back\rspace\x7f":    `back\x0dspace\x7f`,
		"Zoë 李 → ok\ttabbed": "Zoë 李 → ok\ttabbed",
		"two\nlines":         `two\x0alines`,
	} {
		if got := bot.TerminalText(in, false); got != want {
			t.Errorf("TerminalText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := bot.TerminalText("two\nlines\x1b", true); got != "two\nlines\\x1b" {
		t.Errorf("multiline: %q", got)
	}
}

func TestTerminalWriter_EscapesEverythingWritten(t *testing.T) {
	var b bytes.Buffer
	w := bot.TerminalWriter(&b)
	n, err := w.Write([]byte("Jane \x1b[2J\n"))
	if err != nil || n != len("Jane \x1b[2J\n") || b.String() != "Jane \\x1b[2J\n" {
		t.Fatalf("wrote %d %v: %q", n, err, b.String())
	}
}

// FuzzTerminalText: whatever goes in, nothing a terminal acts on comes
// out, the output is valid UTF-8, and safe text is left as it is.
func FuzzTerminalText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J\x1b[HEVIL", "a\u202eb", "\xff\xfe", "multi\nline\r\n", "\u009b", "李\u2069"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		out := bot.TerminalText(s, multiline)
		if !utf8.ValidString(out) {
			t.Fatalf("TerminalText(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if dangerous(r, multiline) {
				t.Fatalf("TerminalText(%q) = %q keeps %U", s, out, r)
			}
		}
		safe := utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return dangerous(r, multiline) }) < 0
		if safe && out != s {
			t.Fatalf("TerminalText(%q) = %q changed safe text", s, out)
		}
	})
}
