package discord

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
)

// contactClick answers a click on the panel's button: the Contact support
// form, which Discord accepts only as the first response. With the
// support channel off, it is a plain refusal.
func (b *Adapter) contactClick() *discordgo.InteractionResponse {
	if b.cfg.SupportChannel == "" {
		return reply(message{Content: "⚠️ Contact support is not open here at the moment.", Ephemeral: true})
	}
	return contactForm()
}

// contactSubmit opens a request from a submitted Contact support form: a
// private thread in the support channel with the person in it, their
// message posted there (pinging only them), and a conversation (channel
// discord) whose origin is the thread. The person is answered, for their
// eyes only, with a link to the thread. Each submission is a new thread
// and a new conversation.
func (b *Adapter) contactSubmit(ctx context.Context, i *discordgo.Interaction) answer {
	refuse := func(text string) answer {
		m := message{Content: "⚠️ " + text, Ephemeral: true}
		return answer{resp: reply(m), followUp: &m}
	}
	user, name := invoker(i)
	if b.cfg.SupportChannel == "" || user == "" {
		return refuse("Contact support is not open here at the moment.")
	}
	d := i.ModalSubmitData()
	topic, body := modalText(d, topicInputID), modalText(d, bodyInputID)
	switch {
	case topic == "" || body == "":
		return refuse("Write a topic and a message.")
	case length(topic) > maxTopic || length(body) > maxIntakeBody:
		return refuse(fmt.Sprintf("Keep the topic within %d characters and the message within %d.", maxTopic, maxIntakeBody))
	}
	thread, err := b.session.ThreadStartComplex(b.cfg.SupportChannel, supportThread(topic), discordgo.WithContext(ctx))
	if err != nil {
		b.log().Error("discord: creating a support thread failed", "err", supportError(err))
		return refuse("Your request could not be opened: please try again in a moment.")
	}
	if err := b.session.ThreadMemberAdd(thread.ID, user, discordgo.WithContext(ctx)); err != nil {
		b.log().Error("discord: adding a customer to their thread failed", "thread", thread.ID, "err", restError(err))
		return refuse("Your request could not be opened: please try again in a moment.")
	}
	posted, err := b.session.ChannelMessageSendComplex(thread.ID, requestMessage(user, topic, body).send(), discordgo.WithContext(ctx))
	if err != nil {
		b.log().Error("discord: posting a request in its thread failed", "thread", thread.ID, "err", restError(err))
		return refuse("Your request could not be opened: please try again in a moment.")
	}
	res, err := b.cfg.Service.Inbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundForm, Channel: string(inboxbot.PlatformDiscord),
		Contact: inboxbot.Contact{ExternalID: contactID(user), Name: name}, Subject: topic, Body: body,
		MessageID: messageID(thread.ID, posted.ID), SentAt: b.cfg.Now(),
		Origin: &inboxbot.Origin{Platform: inboxbot.PlatformDiscord, Channel: thread.ID, URL: threadURL(i.GuildID, thread.ID)}})
	if err != nil {
		b.log().Error("discord: opening a conversation for a support thread failed", "thread", thread.ID, "err", err)
		return refuse("Your request could not be opened: please try again in a moment.")
	}
	m := message{Ephemeral: true, Content: fmt.Sprintf("Your request %s is open in <#%s>; the team answers there: %s",
		res.Conversation.Ref(), thread.ID, threadURL(i.GuildID, thread.ID))}
	return answer{resp: reply(m), followUp: &m}
}

// requestMessage is the customer's request as posted in their thread: it
// pings them (they are in the thread, so they see the team's answers) and
// shows their topic and words as inert text.
func requestMessage(user, topic, body string) message {
	return message{Ping: user, Content: fmt.Sprintf("<@%s> wrote to the team:", user),
		Embeds: []*discordgo.MessageEmbed{{Type: discordgo.EmbedTypeRich, Title: truncate(escape(topic), maxEmbedTitle),
			Description: truncate(escape(body), maxDescription)}}}
}

// supportThread is the private thread of a request about topic: only
// those added (the person, then the assignee) and people with Manage
// Threads see it, and the person cannot invite others.
func supportThread(topic string) *discordgo.ThreadStart {
	return &discordgo.ThreadStart{Name: threadName(topic), Type: discordgo.ChannelTypeGuildPrivateThread,
		Invitable: false, AutoArchiveDuration: archiveAfter}
}

// threadName is a thread's name from a topic: one line without bidi
// controls, at most Discord's 100 characters.
func threadName(topic string) string {
	return truncate(strings.Join(strings.Fields(inboxbot.WithoutBidi(topic)), " "), maxTopic)
}

// contactID is the contact external id of a Discord user.
func contactID(user string) string { return "discord:" + user }

// messageID is the inbound message external id of a Discord message.
func messageID(channel, message string) string { return "discord:" + channel + ":" + message }

// threadURL opens a thread (or channel) of guild in Discord.
func threadURL(guild, channel string) string {
	if guild == "" {
		guild = "@me"
	}
	return "https://discord.com/channels/" + guild + "/" + channel
}
