package bot

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/inboxbot/inboxbot"
)

// Terminal is the style of a terminal (the shell console): what people
// wrote is shown with every control character escaped, so a contact named
// "\x1b[2J" cannot clear the agent's screen or forge a line.
var Terminal = Style{Text: func(s string) string { return TerminalText(s, false) }, Quote: strconv.Quote}

// TerminalText returns s with everything a terminal would act on instead
// of showing written as an escape (\x1b, \u202e): C0 controls (but tab, and
// newline when multiline), DEL, C1 controls, bidi embeddings, overrides and
// isolates, and bytes that are not UTF-8. The stored text is left alone;
// this is for printing only.
func TerminalText(s string, multiline bool) string {
	if !needsEscape(s, multiline) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r, multiline) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r, multiline):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unsafeRune(r, multiline) {
			return true
		}
	}
	return false
}

// unsafeRune reports whether a terminal would act on r rather than show it.
func unsafeRune(r rune, multiline bool) bool {
	switch {
	case r == '\t', r == '\n' && multiline:
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case inboxbot.BidiControl(r):
		return true // bidi embeddings, overrides, isolates and marks
	}
	return false
}

// TerminalWriter returns a writer that escapes, as TerminalText does with
// newlines kept, everything written to w. The console writes through one,
// so that no path to the screen is forgotten. Each Write is escaped on its
// own: callers write whole strings, not split runes.
func TerminalWriter(w io.Writer) io.Writer {
	if _, ok := w.(terminalWriter); ok {
		return w
	}
	return terminalWriter{w}
}

type terminalWriter struct{ w io.Writer }

func (t terminalWriter) Write(p []byte) (int, error) {
	s := string(p)
	if !needsEscape(s, true) {
		return t.w.Write(p)
	}
	if _, err := io.WriteString(t.w, TerminalText(s, true)); err != nil {
		return 0, err
	}
	return len(p), nil
}
