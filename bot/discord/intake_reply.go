package discord

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

// replyChunk is how much of a reply (in UTF-16 units, before escaping)
// one message carries: escaped, at most twice as long, plus the header,
// it stays within a message's 2000 characters.
const replyChunk = 900

// SendReply posts a member's reply in the thread or DM its conversation
// came from: the bot.ReplySender. A long reply is several messages. Each
// is created with a nonce from r.Key and enforce_nonce, so a retry of a
// create whose answer was lost returns the message created first. In a
// thread the message pings the contact alone; nothing else pings anyone.
func (b *Adapter) SendReply(ctx context.Context, r inboxbot.OutboundReply) error {
	if r.Origin.Platform != inboxbot.PlatformDiscord {
		return &bot.Permanent{Reason: fmt.Sprintf("a %s thread is not Discord's", r.Origin.Platform)}
	}
	ping := ""
	if !directMessage(r.Origin) {
		conv, err := b.cfg.Service.Store.Conversation(ctx, r.ConversationID)
		if err != nil {
			return fmt.Errorf("reply to %s: %w", inboxbot.Ref(r.ConversationID), err)
		}
		ping, _ = strings.CutPrefix(conv.Contact.ExternalID, "discord:")
	}
	for i, m := range replyMessages(r.Author, r.Body, ping) {
		if _, err := b.sendOnce(ctx, r.Origin.Channel, m, replyNonce(r.Key, i)); err != nil {
			return fmt.Errorf("reply to %s: %w", inboxbot.Ref(r.ConversationID), threadError(err))
		}
	}
	return nil
}

// replyMessages is a reply by author as messages: the first names the
// author (and pings ping, when set), every part is inert text.
func replyMessages(author, body, ping string) []message {
	var out []message
	parts := split(body, replyChunk)
	for i, p := range parts {
		text := escape(p)
		if i == 0 {
			text = fmt.Sprintf("**%s:** %s", escape(author), text)
			if ping != "" {
				text = fmt.Sprintf("<@%s> %s", ping, text)
			}
		}
		m := message{Content: truncate(text, maxContent)}
		if i == 0 {
			m.Ping = ping
		}
		out = append(out, m)
	}
	return out
}

// split cuts s into pieces of at most n UTF-16 units, at a line break or
// space when one is near the end, never inside a character.
func split(s string, n int) []string {
	var out []string
	for length(s) > n {
		cut, used := 0, 0
		for i, r := range s {
			w := length(string(r))
			if used+w > n {
				break
			}
			used += w
			cut = i + len(string(r))
		}
		if k := strings.LastIndexAny(s[:cut], "\n "); k > cut/2 {
			cut = k + 1
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// replyNonce is the nonce of part i of the reply with outbox key key: the
// same on every try, at most 25 characters whatever the key's length.
func replyNonce(key string, i int) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return "r" + strconv.FormatUint(h.Sum64(), 36) + "." + strconv.Itoa(i)
}

// ThreadState archives and locks the thread of a closed conversation, and
// opens it again on reopening: the bot.ThreadMarker. The customer keeps
// reading it but cannot write in a locked thread. A DM has no state to
// show. Setting the state it already has changes nothing.
func (b *Adapter) ThreadState(ctx context.Context, o inboxbot.Origin, closed bool) error {
	if o.Platform != inboxbot.PlatformDiscord || directMessage(o) {
		return nil
	}
	_, err := b.session.ChannelEdit(o.Channel, &discordgo.ChannelEdit{Archived: &closed, Locked: &closed}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("set the state of thread %s: %w", o.Channel, threadError(err))
	}
	return nil
}

// directMessage reports whether o is a DM channel rather than a thread:
// its link is in no guild.
func directMessage(o inboxbot.Origin) bool {
	return strings.HasPrefix(o.URL, "https://discord.com/channels/@me/")
}

// threadError is restError, and a thread archived and locked (the
// conversation was closed) is a reason to give up: only reopening the
// conversation opens it again.
func threadError(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil && re.Message.Code == discordgo.ErrCodePerformedOperationOnArchivedThread {
		return &bot.Permanent{Reason: "discord 50083: the thread is archived and locked (reopen the conversation first)"}
	}
	return restError(err)
}

// joinAssignee adds the assignee of an open conversation from a support
// thread to that thread, when they are linked to Discord, so that the
// card's link opens for them. Adding someone twice changes nothing; a
// failure is logged and tried again with the next change of the card.
func (b *Adapter) joinAssignee(ctx context.Context, conv inboxbot.Conversation) {
	o := conv.Origin
	if o == nil || o.Platform != inboxbot.PlatformDiscord || directMessage(*o) || conv.AssigneeID == 0 ||
		conv.Status != inboxbot.StatusOpen {
		return
	}
	m, err := b.cfg.Service.Store.Member(ctx, conv.AssigneeID)
	if err != nil || m.DiscordID == "" {
		return
	}
	if err := b.session.ThreadMemberAdd(o.Channel, m.DiscordID, discordgo.WithContext(ctx)); err != nil {
		b.log().Warn("discord: adding the assignee to a support thread failed", "conversation", conv.ID,
			"thread", o.Channel, "err", restError(err))
	}
}
