package slack

import (
	"cmp"
	"context"
	"strings"
)

// entities are the only ones Slack writes: it escapes &, < and > in text
// and nothing else.
var entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// plainText turns text in Slack's wire format, as a slash command carries
// it, into the plain text a contact reads: entities decoded (&lt; is <),
// <url|label> as "label (url)", <url> as the url, <mailto:x|x> as x, user
// mentions <@U…> as the person's name (name returns it; "" falls back to
// the mention's label, then to "someone": a contact never sees an internal
// id), channels <#C…|name> as #name, and <!here>, <!channel>,
// <!everyone> as the plain words @here, @channel, @everyone.
func plainText(s string, name func(userID string) string) string {
	var b strings.Builder
	b.Grow(len(s))
	for {
		open := strings.IndexByte(s, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '>')
		if end < 0 {
			break
		}
		b.WriteString(entities.Replace(s[:open]))
		b.WriteString(markup(s[open+1:open+end], name))
		s = s[open+end+1:]
	}
	b.WriteString(entities.Replace(s))
	return b.String()
}

// markup is one <...> of Slack's special parsing, without its brackets, as
// plain text.
func markup(m string, name func(userID string) string) string {
	target, label, labelled := strings.Cut(m, "|")
	target, label = entities.Replace(target), entities.Replace(label)
	switch {
	case strings.HasPrefix(target, "@"):
		if n := name(target[1:]); n != "" {
			return n
		}
		if label = strings.TrimPrefix(label, "@"); label != "" {
			return label
		}
		return "someone"
	case strings.HasPrefix(target, "#"):
		if label == "" {
			label = "channel"
		}
		return "#" + label
	case strings.HasPrefix(target, "!"):
		// <!here>, <!channel>, <!everyone>; <!subteam^S1|@team> and
		// <!date^…|fallback> carry their words as the label.
		if labelled && label != "" {
			return label
		}
		word, _, _ := strings.Cut(target[1:], "^")
		return "@" + word
	}
	if addr, ok := strings.CutPrefix(target, "mailto:"); ok {
		if !labelled || label == "" || label == addr {
			return addr
		}
		return label + " (" + addr + ")"
	}
	if !labelled || label == "" || label == target || label == strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://") {
		return cmp.Or(label, target)
	}
	return label + " (" + target + ")"
}

// contactText is plainText with mentions named after the team's members.
// Other users are named by the mention's label or not at all: looking up
// every id typed in a message would let one reply spend the API's budget.
func (a *Adapter) contactText(ctx context.Context, s string) string {
	return plainText(s, func(userID string) string {
		if m, err := a.service.Store.MemberByPlatform(ctx, platform, userID); err == nil {
			return m.Name
		}
		return ""
	})
}
