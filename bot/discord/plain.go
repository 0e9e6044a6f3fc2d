package discord

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// plainText turns Discord's markup in text a member typed into the plain
// text a contact reads: user mentions <@id> and <@!id> as the person's
// name (name returns it; "" falls back to "someone": a contact never sees
// an internal id), <#id> as #channel, <@&id> as @role, custom emoji
// <:name:id> as :name:, timestamps <t:unix> as a UTC time, command
// mentions </name:id> as /name and <https://…> as the address. Anything
// else in angle brackets ("a <b> c") is text and stays as typed.
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
		b.WriteString(s[:open])
		if plain, ok := discordMarkup(s[open+1:open+end], name); ok {
			b.WriteString(plain)
			s = s[open+end+1:]
			continue
		}
		b.WriteByte('<')
		s = s[open+1:]
	}
	b.WriteString(s)
	return b.String()
}

// discordMarkup is one <...> of Discord's markup, without its brackets, as
// plain text; ok is false when m is not markup.
func discordMarkup(m string, name func(userID string) string) (string, bool) {
	switch {
	case strings.HasPrefix(m, "@&"):
		return "@role", snowflake(m[2:])
	case strings.HasPrefix(m, "@"):
		id := strings.TrimPrefix(m[1:], "!")
		if !snowflake(id) {
			return "", false
		}
		if n := name(id); n != "" {
			return n, true
		}
		return "someone", true
	case strings.HasPrefix(m, "#"):
		return "#channel", snowflake(m[1:])
	case strings.HasPrefix(m, "t:"):
		sec, _, _ := strings.Cut(m[2:], ":")
		n, err := strconv.ParseInt(sec, 10, 64)
		if err != nil || n < 0 || n > 1<<40 {
			return "", false
		}
		return time.Unix(n, 0).UTC().Format("2006-01-02 15:04 UTC"), true
	case strings.HasPrefix(m, "/"):
		cmd, id, ok := strings.Cut(m[1:], ":")
		return "/" + cmd, ok && cmd != "" && snowflake(id)
	case strings.HasPrefix(m, "https://") || strings.HasPrefix(m, "http://"):
		return m, !strings.ContainsAny(m, " \t\n")
	}
	emoji := strings.TrimPrefix(m, "a")
	if parts := strings.Split(emoji, ":"); len(parts) == 3 && parts[0] == "" && parts[1] != "" && snowflake(parts[2]) {
		return ":" + parts[1] + ":", true
	}
	return "", false
}

// snowflake reports whether s is a Discord id: digits only.
func snowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// contactText is plainText with mentions named after the team's members.
func (b *Adapter) contactText(ctx context.Context, s string) string {
	return plainText(s, func(userID string) string {
		if m, err := b.cfg.Service.Store.MemberByPlatform(ctx, inboxbot.PlatformDiscord, userID); err == nil {
			return m.Name
		}
		return ""
	})
}
