package discord

import (
	"strings"
	"unicode/utf16"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

// escape makes text people wrote (a contact's name, a message, a member's
// name) inert in a Discord message: markdown characters are backslashed,
// `@` gets a zero-width space so @everyone and @here ping nobody, and `<`
// is escaped so <@123>, <@&123> and <#123> do not become mentions. Allowed
// mentions are off on every message as well; escaping also keeps the text
// looking as it was typed. Bidi controls (U+202E and the like) are dropped.
func escape(s string) string {
	// Bidi controls would show the text in another order than written.
	s = inboxbot.WithoutBidi(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	lineStart := true
	for _, r := range s {
		switch {
		case r == '@':
			b.WriteString("@\u200b")
		case r == '<':
			b.WriteString("<\u200b")
		case strings.ContainsRune("\\*_`~|>[]()", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case (r == '#' || r == '-') && lineStart:
			// Headings (#), list items and subtext (-#) only at a line's start.
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\r':
			continue
		default:
			b.WriteRune(r)
		}
		lineStart = r == '\n' || (lineStart && (r == ' ' || r == '\t'))
	}
	return b.String()
}

// quote shows an excerpt of a message as an escaped quotation on one line.
func quote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return "“" + escape(s) + "”"
}

// markdownStyle is how notifications and cards read on Discord: values escaped, excerpts
// quoted.
var markdownStyle = bot.Style{Text: escape, Quote: quote, When: discordDate}

// length is the length of s as Discord and JavaScript count it: in UTF-16
// code units, so an emoji counts two.
func length(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// truncate cuts s to at most n UTF-16 code units, ending with an ellipsis
// when it cut. A cut never leaves a dangling backslash of an escape.
func truncate(s string, n int) string {
	if length(s) <= n {
		return s
	}
	var out []rune
	used := 1 // the ellipsis
	for _, r := range s {
		w := max(utf16.RuneLen(r), 1)
		if used+w > n {
			break
		}
		out = append(out, r)
		used += w
	}
	for len(out) > 0 && out[len(out)-1] == '\\' {
		out = out[:len(out)-1]
	}
	return string(out) + "…"
}
