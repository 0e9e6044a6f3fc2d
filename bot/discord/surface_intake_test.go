package discord_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// The intake half of the surface contract's Driver: customers write
// through the Contact support form and in their private thread, over the
// fake's gateway.

// CustomerWrites submits the Contact support form as the customer name
// when id is 0 (a new private thread), else writes in conversation id's
// thread; it returns once the bot has stored the message.
func (d *discordDriver) CustomerWrites(name, text string, id int64) int64 {
	e := d.e
	e.t.Helper()
	author := d.person(name)
	if id == 0 {
		before := len(e.fake.Threads(supportCh))
		valid(e.t, e.do(e.contactForm(user(author, name), "Request from "+name, text)))
		threads := e.fake.Threads(supportCh)
		if len(threads) != before+1 {
			e.t.Fatalf("%d threads after %s's request, want %d", len(threads), name, before+1)
		}
		return d.conversationOf(threads[len(threads)-1].ID).ID
	}
	d.write(author, name, id, text, inboxbot.DirectionInbound)
	return id
}

// MemberWrites writes in conversation id's thread as member as; it
// returns once the bot has recorded it as a reply.
func (d *discordDriver) MemberWrites(as inboxbot.Member, id int64, text string) {
	d.names[as.DiscordID] = as.Name
	d.write(as.DiscordID, as.Name, id, text, inboxbot.DirectionOutbound)
}

// Thread is what conversation id's thread holds, oldest first: the bot's
// posts and people's messages, each as "author: content" (an embed's
// title and description on lines of their own).
func (d *discordDriver) Thread(id int64) []string {
	var out []string
	for _, m := range d.e.fake.Messages(d.threadOf(id)) {
		var body struct {
			Content string `json:"content"`
			Embeds  []struct {
				Title       string `json:"title"`
				Description string `json:"description"`
			} `json:"embeds"`
		}
		json.Unmarshal(m.Body, &body)
		shown := []string{body.Content}
		for _, em := range body.Embeds {
			shown = append(shown, em.Title, em.Description)
		}
		author := "inboxbot"
		if m.Author != "" {
			author = d.names[m.Author]
		}
		out = append(out, author+": "+strings.Join(shown, "\n"))
	}
	return out
}

// ThreadClosed reports whether conversation id's thread is archived and
// locked, as close leaves it.
func (d *discordDriver) ThreadClosed(id int64) bool {
	th, ok := d.e.fake.Thread(d.threadOf(id))
	return ok && th.Archived && th.Locked
}

// person is the Discord user id of the customer name, who is no member.
func (d *discordDriver) person(name string) string {
	for id, n := range d.names {
		if n == name {
			return id
		}
	}
	id := fmt.Sprintf("1000000000000002%02d", len(d.names))
	d.names[id] = name
	return id
}

// write has author post text in conversation id's thread, delivers the
// MESSAGE_CREATE and waits until the store holds one more message of dir.
func (d *discordDriver) write(author, nick string, id int64, text string, dir inboxbot.Direction) {
	e := d.e
	e.t.Helper()
	if !d.gateway {
		e.runGateway()
		d.gateway = true
	}
	thread := d.threadOf(id)
	n := len(messagesOf(e.t, e.st, id, dir))
	m := e.fake.Write(thread, author, text)
	e.sayIn(m.ID, thread, guildID, author, nick, text)
	waitFor(e.t, "the message in the thread stored", 10*time.Second, func() bool {
		return len(messagesOf(e.t, e.st, id, dir)) == n+1
	})
}

// threadOf is the private thread conversation id came from.
func (d *discordDriver) threadOf(id int64) string {
	c, err := d.e.st.Conversation(ctx, id)
	if err != nil || c.Origin == nil {
		d.e.t.Fatalf("#%d came from no thread (%v)", id, err)
	}
	return c.Origin.Channel
}

// conversationOf is the conversation thread opened.
func (d *discordDriver) conversationOf(thread string) inboxbot.Conversation {
	c, err := d.e.st.ConversationByOrigin(ctx, inboxbot.Origin{Platform: inboxbot.PlatformDiscord, Channel: thread})
	if err != nil {
		d.e.t.Fatalf("no conversation for thread %s: %v", thread, err)
	}
	return c
}
