package discord_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// newIntakeEnv is a bot with Contact support on, on a service that
// delivers replies to Discord threads.
func newIntakeEnv(t *testing.T, st *store.Store, fake *discordtest.Server, owner string) *env {
	t.Helper()
	e := newEnvOnWith(t, st, fake, owner, withSupport)
	e.svc.Chats = []inboxbot.Platform{inboxbot.PlatformDiscord}
	return e
}

// contactForm submits the Contact support form as who.
func (e *env) contactForm(who map[string]any, topic, text string) map[string]any {
	i := e.interaction(5, who, map[string]any{"custom_id": "intake:form", "components": []any{
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "topic", "value": topic}}},
		map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": "message", "value": text}}},
	}}, nil)
	i["channel_id"] = supportCh
	return i
}

// request submits the form as kim and returns the thread and its
// conversation.
func (e *env) request(topic, text string) (discordtest.Thread, inboxbot.Conversation) {
	e.t.Helper()
	before := len(e.fake.Threads(supportCh))
	out := e.do(e.contactForm(user(kim, "Kim"), topic, text))
	valid(e.t, out)
	threads := e.fake.Threads(supportCh)
	if len(threads) != before+1 {
		e.t.Fatalf("%d threads after a request, want %d (answer %s)", len(threads), before+1, mustJSON(out))
	}
	th := threads[len(threads)-1]
	conv, err := e.st.ConversationByOrigin(ctx, inboxbot.Origin{Platform: inboxbot.PlatformDiscord, Channel: th.ID})
	if err != nil {
		e.t.Fatalf("no conversation for thread %s: %v", th.ID, err)
	}
	if c, eph := content(out); !eph || !strings.Contains(c, "<#"+th.ID+">") ||
		!strings.Contains(c, "https://discord.com/channels/"+guildID+"/"+th.ID) || !strings.Contains(c, conv.Ref()) {
		e.t.Fatalf("the answer to a request: %q (ephemeral %v)", c, eph)
	}
	return th, conv
}

// sent is what the bot posted in channel, decoded.
type sent struct {
	Content         string `json:"content"`
	Nonce           string `json:"nonce"`
	EnforceNonce    bool   `json:"enforce_nonce"`
	AllowedMentions struct {
		Parse []string `json:"parse"`
		Users []string `json:"users"`
	} `json:"allowed_mentions"`
}

func posted(fake *discordtest.Server, channel string) []sent {
	var out []sent
	for _, m := range fake.Messages(channel) {
		var s sent
		json.Unmarshal(m.Body, &s)
		out = append(out, s)
	}
	return out
}

func TestIntake_AContactSupportFormOpensAConversationInAPrivateThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIntakeEnv(t, st, discordtest.New(t, token), "replica-1")
		th, conv := e.request("Invoice @everyone", "My invoice is wrong <@&1>")

		if th.Type != discordtest.TypePrivateThread || th.Invitable || th.Name != "Invoice @everyone" {
			t.Fatalf("thread %+v, want a private, not invitable thread named by the topic", th)
		}
		if strings.Join(th.Members, ",") != discordtest.BotUserID+","+kim {
			t.Fatalf("thread members %v, want the bot and the person", th.Members)
		}
		msgs := posted(e.fake, th.ID)
		if len(msgs) != 1 || strings.Join(msgs[0].AllowedMentions.Users, ",") != kim || len(msgs[0].AllowedMentions.Parse) != 0 {
			t.Fatalf("the request in its thread: %+v, want one message pinging only the person", msgs)
		}
		if conv.Channel != "discord" || conv.Contact.ExternalID != "discord:"+kim || conv.Contact.Name != "Kim" ||
			conv.Origin.URL != "https://discord.com/channels/"+guildID+"/"+th.ID {
			t.Fatalf("conversation %+v (origin %+v)", conv, conv.Origin)
		}
		in := messagesOf(t, st, conv.ID, inboxbot.DirectionInbound)
		if len(in) != 1 || in[0].Body != "My invoice is wrong <@&1>" {
			t.Fatalf("inbound messages %+v", in)
		}
		e.flush()
		card := cardOf(t, e.fake, conv.ID)
		if !strings.Contains(string(card.Body), `"url":"https://discord.com/channels/`+guildID+`/`+th.ID+`"`) {
			t.Fatalf("the card does not link to the thread: %s", card.Body)
		}

		// A second click is a second request: its own thread and conversation.
		th2, conv2 := e.request("Another thing", "And one more question")
		if th2.ID == th.ID || conv2.ID == conv.ID {
			t.Fatalf("a second request joined the first: thread %s conversation %d", th2.ID, conv2.ID)
		}
		if v := e.fake.Violations(); len(v) > 0 {
			t.Fatalf("Discord would refuse: %v", v)
		}
	})
}

func TestIntake_FormRefusesWhatDiscordWouldNotSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIntakeEnv(t, st, discordtest.New(t, token), "replica-1")
		for _, tc := range []struct{ topic, text, want string }{
			{"", "hello", "Write a topic and a message."},
			{"topic", "   ", "Write a topic and a message."},
			{strings.Repeat("x", 101), "hello", "Keep the topic within 100"},
			{"topic", strings.Repeat("x", 2001), "within 2000"},
		} {
			out := e.do(e.contactForm(user(kim, "Kim"), tc.topic, tc.text))
			if c, eph := content(out); !eph || !strings.Contains(c, tc.want) {
				t.Errorf("topic %d, text %d characters: %q", len(tc.topic), len(tc.text), c)
			}
		}
		if n := len(e.fake.Threads(supportCh)); n != 0 {
			t.Fatalf("%d threads for refused forms", n)
		}
	})
}

func TestIntake_RepliesGoToTheThreadOnceWithANonce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIntakeEnv(t, st, discordtest.New(t, token), "replica-1")
		th, conv := e.request("Invoice", "My invoice is wrong")
		e.flush()

		out := e.do(e.slash(user(dana, "Dana"), "reply", intOpt("id", conv.ID),
			map[string]any{"name": "text", "type": 3, "value": "Fixed **now**, <@" + lee + "> checked"}))
		valid(t, out)
		e.flush()
		msgs := posted(e.fake, th.ID)
		if len(msgs) != 2 {
			t.Fatalf("%d messages in the thread, want the request and the reply", len(msgs))
		}
		r := msgs[1]
		if !r.EnforceNonce || r.Nonce == "" || len(r.Nonce) > 25 {
			t.Fatalf("reply without an enforced nonce of at most 25 characters: %+v", r)
		}
		if strings.Join(r.AllowedMentions.Users, ",") != kim || !strings.Contains(r.Content, "<@"+kim+">") ||
			!strings.Contains(r.Content, "**dana:**") || !strings.Contains(r.Content, `Fixed \*\*now\*\*`) {
			t.Fatalf("reply %+v: want it to ping only the contact, name the author and show the text inert", r)
		}

		// The Reply button: the form, then the post in the thread.
		card := cardOf(t, e.fake, conv.ID)
		if !strings.Contains(string(card.Body), fmt.Sprintf(`"inbox:reply:%d"`, conv.ID)) {
			t.Fatalf("the card offers no Reply: %s", card.Body)
		}
		out = e.do(e.click(user(dana, "Dana"), fmt.Sprintf("inbox:reply:%d", conv.ID), inboxCh, card.ID))
		if out["type"] != 9.0 {
			t.Fatalf("Reply opened %s", mustJSON(out))
		}
		e.do(e.submit(user(dana, "Dana"), conv.ID, "Anything else?", card.ID))
		e.flush()
		if msgs := posted(e.fake, th.ID); len(msgs) != 3 || !strings.Contains(msgs[2].Content, "Anything else?") {
			t.Fatalf("after the Reply form: %+v", msgs)
		}

		// A retry of a create whose answer was lost posts nothing new.
		rep := inboxbot.OutboundReply{ConversationID: conv.ID, Origin: *conv.Origin, Author: "dana", Body: "Once", Key: "reply:999"}
		for range 2 {
			if err := e.bot.SendReply(ctx, rep); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(posted(e.fake, th.ID)); n != 4 {
			t.Fatalf("%d messages after a reply sent twice with one key, want 4", n)
		}
		if v := e.fake.Violations(); len(v) > 0 {
			t.Fatalf("Discord would refuse: %v", v)
		}
	})
}

func TestIntake_CloseLocksTheThreadAndReopenOpensIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIntakeEnv(t, st, discordtest.New(t, token), "replica-1")
		th, conv := e.request("Invoice", "My invoice is wrong")
		e.do(e.slash(user(dana, "Dana"), "close", intOpt("id", conv.ID)))
		e.flush()
		if got, _ := e.fake.Thread(th.ID); !got.Archived || !got.Locked {
			t.Fatalf("after close the thread is %+v, want archived and locked", got)
		}
		patches := e.fake.Calls(`PATCH /channels/` + th.ID)
		if len(patches) != 1 || string(patches[0].Body) != `{"archived":true,"locked":true}` {
			t.Fatalf("close sent %+v", patches)
		}
		// Discord refuses a post in a locked thread; the reply gives up.
		err := e.bot.SendReply(ctx, inboxbot.OutboundReply{ConversationID: conv.ID, Origin: *conv.Origin, Author: "dana",
			Body: "late", Key: "reply:1000"})
		var p *bot.Permanent
		if !errors.As(err, &p) {
			t.Fatalf("a reply in a locked thread: %v, want a permanent failure", err)
		}

		e.do(e.slash(user(dana, "Dana"), "reopen", intOpt("id", conv.ID)))
		e.flush()
		if got, _ := e.fake.Thread(th.ID); got.Archived || got.Locked {
			t.Fatalf("after reopen the thread is %+v", got)
		}
		patches = e.fake.Calls(`PATCH /channels/` + th.ID)
		if len(patches) != 2 || string(patches[1].Body) != `{"archived":false,"locked":false}` {
			t.Fatalf("reopen sent %+v", patches)
		}
	})
}

func TestIntake_TheAssigneeJoinsThePrivateThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIntakeEnv(t, st, discordtest.New(t, token), "replica-1")
		th, conv := e.request("Invoice", "My invoice is wrong")
		e.do(e.slash(user(dana, "Dana"), "claim", intOpt("id", conv.ID)))
		e.flush()
		got, _ := e.fake.Thread(th.ID)
		if strings.Join(got.Members, ",") != discordtest.BotUserID+","+kim+","+dana {
			t.Fatalf("thread members %v, want the assignee added", got.Members)
		}
	})
}

// sayIn dispatches a MESSAGE_CREATE by author in channel (a DM when guild
// is "").
func (e *env) sayIn(id, channel, guild, author, nick, text string) {
	e.t.Helper()
	m := map[string]any{"id": id, "channel_id": channel, "author": map[string]any{"id": author, "username": "u" + author[len(author)-3:]},
		"content": text, "type": 0, "timestamp": time.Now().Format(time.RFC3339)}
	if guild != "" {
		m["guild_id"] = guild
		m["member"] = map[string]any{"nick": nick}
	}
	b, _ := json.Marshal(m)
	if err := e.fake.DispatchEvent("MESSAGE_CREATE", b); err != nil {
		e.t.Fatal(err)
	}
}

func TestIntake_ThreadMessagesJoinOnceAndMembersAreNotEchoed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fake := discordtest.New(t, token)
		e := newIntakeEnv(t, st, fake, "replica-1")
		// A second session of the same bot sees every event too.
		other := newIntakeEnv(t, st, fake, "replica-2")
		th, conv := e.request("Invoice", "My invoice is wrong")
		e.do(e.slash(user(dana, "Dana"), "claim", intOpt("id", conv.ID)))
		e.flush()
		e.runGateway()
		other.runGateway()
		var ids struct {
			Intents int `json:"intents"`
		}
		json.Unmarshal(fake.Identified()[0], &ids)
		if ids.Intents&(1<<12|1<<15) != 1<<12|1<<15 {
			t.Fatalf("identified with intents %b, without Direct Messages and Message Content", ids.Intents)
		}

		e.sayIn("800000000000000011", th.ID, guildID, kim, "Kim", "It says 40 instead of 30")
		e.sayIn("800000000000000012", th.ID, guildID, dana, "Dana", "Looking at it now")
		// A resumed session replays both.
		e.sayIn("800000000000000011", th.ID, guildID, kim, "Kim", "It says 40 instead of 30")
		e.sayIn("800000000000000012", th.ID, guildID, dana, "Dana", "Looking at it now")
		waitFor(t, "both messages stored", 10*time.Second, func() bool {
			return len(messagesOf(t, st, conv.ID, inboxbot.DirectionInbound)) == 2 &&
				len(messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound)) == 1
		})
		e.flush()
		e.bot.Wait()
		other.bot.Wait()
		in := messagesOf(t, st, conv.ID, inboxbot.DirectionInbound)
		out := messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound)
		if len(in) != 2 || in[1].Body != "It says 40 instead of 30" || len(out) != 1 || out[0].AuthorName != "dana" {
			t.Fatalf("inbound %+v, outbound %+v", in, out)
		}
		if n := len(posted(fake, th.ID)); n != 1 {
			t.Fatalf("%d bot messages in the thread, want only the request: a member's reply is not echoed", n)
		}
	})
}

func TestIntake_ADirectMessageOpensAConversationAnsweredByDM(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIntakeEnv(t, st, discordtest.New(t, token), "replica-1")
		e.runGateway()
		dm := discordtest.DMChannel(kim)
		e.sayIn("800000000000000021", dm, "", kim, "", "Hello, anyone there?")
		e.sayIn("800000000000000022", dm, "", kim, "", "About my order")
		var conv inboxbot.Conversation
		waitFor(t, "the DM conversation", 10*time.Second, func() bool {
			c, err := st.ConversationByOrigin(ctx, inboxbot.Origin{Platform: inboxbot.PlatformDiscord, Channel: dm})
			conv = c
			return err == nil && len(messagesOf(t, st, c.ID, inboxbot.DirectionInbound)) == 2
		})
		if conv.Contact.ExternalID != "discord:"+kim {
			t.Fatalf("DM conversation %+v", conv)
		}
		e.do(e.slash(user(dana, "Dana"), "reply", intOpt("id", conv.ID), map[string]any{"name": "text", "type": 3, "value": "Yes, hello!"}))
		e.flush()
		msgs := posted(e.fake, dm)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Content, "Yes, hello!") || len(msgs[0].AllowedMentions.Users) != 0 || !msgs[0].EnforceNonce {
			t.Fatalf("DMs to the contact %+v, want the reply pinging nobody, with a nonce", msgs)
		}
		// A member's DM to the bot opens nothing.
		e.sayIn("800000000000000023", discordtest.DMChannel(dana), "", dana, "", "hi bot")
		e.sayIn("800000000000000024", dm, "", kim, "", "Thanks!")
		waitFor(t, "the contact's third DM", 10*time.Second, func() bool {
			return len(messagesOf(t, st, conv.ID, inboxbot.DirectionInbound)) == 3
		})
		if _, err := st.ConversationByOrigin(ctx, inboxbot.Origin{Platform: inboxbot.PlatformDiscord, Channel: discordtest.DMChannel(dana)}); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
			t.Fatalf("a member's DM opened a conversation: %v", err)
		}
	})
}

func TestIntake_WithAnAgentRoleOnlyItsHoldersReplyInAThread(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		const role = "100000000000000950"
		e := newEnvOnWith(t, st, discordtest.New(t, token), "replica-1", func(c *discord.Config) {
			withSupport(c)
			c.AgentRole = role
		})
		e.svc.Chats = []inboxbot.Platform{inboxbot.PlatformDiscord}
		// A customer has no role: the form still opens their request.
		th, conv := e.request("Invoice", "My invoice is wrong")
		e.runGateway()
		say := func(id, author string, roles []string, text string) {
			m := map[string]any{"id": id, "channel_id": th.ID, "guild_id": guildID, "type": 0, "content": text,
				"author": map[string]any{"id": author, "username": "u" + author[len(author)-3:]},
				"member": map[string]any{"nick": "N", "roles": roles}, "timestamp": time.Now().Format(time.RFC3339)}
			b, _ := json.Marshal(m)
			if err := e.fake.DispatchEvent("MESSAGE_CREATE", b); err != nil {
				t.Fatal(err)
			}
		}
		say("800000000000000031", sam, []string{}, "I moderate here, not support")
		say("800000000000000032", lee, []string{role}, "Support here, checking")
		waitFor(t, "both messages handled", 10*time.Second, func() bool {
			return e.counter("inboxbot_discord_messages_total", "outcome", "refused") == 1 &&
				e.counter("inboxbot_discord_messages_total", "outcome", "reply") == 1
		})
		out := messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound)
		if len(out) != 1 || out[0].Body != "Support here, checking" {
			t.Fatalf("recorded replies %+v, want only the agent's", out)
		}
		if _, err := st.MemberByPlatform(ctx, inboxbot.PlatformDiscord, sam); inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
			t.Fatalf("someone without the agent role became a member: %v", err)
		}
	})
}
