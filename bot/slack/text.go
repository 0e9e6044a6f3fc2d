package slack

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit). Slack
// refuses a message that breaks one (invalid_blocks), so the renderer
// truncates instead.
const (
	maxBlocks         = 50
	maxSectionText    = 3000
	maxFieldText      = 2000
	maxFields         = 10
	maxButtonText     = 75
	maxActionID       = 255
	maxValue          = 2000
	maxActionElements = 25
	maxContextItems   = 10
	maxOptionText     = 75
	maxMessageText    = 3000 // the notification fallback text; Slack allows 40,000
)

// escape makes text people wrote (contacts, members, messages) safe inside
// mrkdwn: Slack reads <...> as links and mentions (<!channel>, <@U1>,
// <https://evil|click>) and & as the start of an entity, so all three are
// written as entities and the text shows as typed, pinging nobody. Bidi
// controls, which would show the text in another order, are dropped; and
// as mrkdwn has no escape for *, _, ~ and `, a zero-width joiner beside
// each one at a word's edge keeps it from opening or closing bold, italics,
// strikethrough or code ("*urgent*" from a contact shows with its stars).
func escape(s string) string {
	return inertFormatting(mrkdwnEscaper.Replace(inboxbot.WithoutBidi(s)))
}

// zwj is the zero-width joiner that breaks mrkdwn formatting.
const zwj = "\u200d"

// inertFormatting wraps each *, _, ~ or ` at a word's edge (nothing
// alphanumeric on one side of it) in zero-width joiners, so that it can
// neither open nor close formatting. Inside a word, as in snake_case, they
// format nothing and are left alone, so names copy as they are.
func inertFormatting(s string) string {
	if !strings.ContainsAny(s, "*_~`") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	var prev rune
	for i, r := range s {
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		if strings.ContainsRune("*_~`", r) && !(alnum(prev) && alnum(next)) {
			b.WriteString(zwj)
			b.WriteRune(r)
			b.WriteString(zwj)
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func alnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// quote shows an excerpt on one line, escaped, in typographic quotes.
func quote(s string) string {
	return "“" + escape(oneLine(s)) + "”"
}

// oneLine folds line breaks into spaces so an excerpt cannot break out of
// a quote or a list row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// mrkdwnStyle is how notifications and cards show values in mrkdwn.
var mrkdwnStyle = bot.Style{Text: escape, Quote: quote, When: slackDate}

// clip shortens s to at most n characters, ending in "…" when it cut. A cut
// never leaves half an entity (&am…) behind.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	out := string(r)
	if amp := strings.LastIndexByte(out, '&'); amp >= 0 && !strings.Contains(out[amp:], ";") {
		out = out[:amp]
	}
	return out + "…"
}

// chunks splits s into pieces of at most n characters, at line breaks when
// it can, so long command output fills several sections instead of being
// refused.
func chunks(s string, n int) []string {
	var out []string
	for utf8.RuneCountInString(s) > n {
		r := []rune(s)
		cut := string(r[:n])
		if i := strings.LastIndexByte(cut, '\n'); i > 0 {
			cut = cut[:i]
		} else if amp := strings.LastIndexByte(cut, '&'); amp > 0 && !strings.Contains(cut[amp:], ";") {
			cut = cut[:amp]
		}
		out = append(out, cut)
		s = strings.TrimPrefix(s[len(cut):], "\n")
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
