package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// workTimeout bounds the work behind one interaction, which goes on after
// a deferred answer; Discord's interaction token lives 15 minutes.
const workTimeout = time.Minute

// answer is what the bot does with one interaction: the first response,
// and maybe a follow-up message once the work is done.
type answer struct {
	resp     *discordgo.InteractionResponse
	followUp *message
}

// handle answers interaction i through ack, which delivers the first
// response (the HTTP body, or a callback request over the gateway). Work
// done within the budget is answered at once; slower work is acknowledged
// with a deferred response and followed up when it is done.
func (b *Adapter) handle(ctx context.Context, i *discordgo.Interaction, mode string, ack func(*discordgo.InteractionResponse) error) {
	b.metrics.interaction(interactionKind(i.Type), mode)
	if i.Type == discordgo.InteractionPing {
		if err := ack(&discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}); err != nil {
			b.log().Warn("discord: answering a ping failed", "err", bot.Redact(err))
		}
		return
	}
	// Identity and replay, once for every kind of interaction.
	if c := b.checks(ctx, i, mode == "http"); c.Outsider != "" || c.Repeat || b.strangerSuggestions(ctx, i, c) {
		if err := ack(b.refusal(ctx, i, c)); err != nil {
			b.log().Warn("discord: answering an interaction failed", "interaction", i.ID, "err", bot.Redact(restError(err)))
		}
		return
	}
	if resp, ok := b.instant(ctx, i); ok {
		if err := ack(resp); err != nil {
			b.log().Warn("discord: answering an interaction failed", "interaction", i.ID, "err", bot.Redact(restError(err)))
		}
		return
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		// Suggestions cannot be deferred; late ones are simply not shown.
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
		defer cancel()
		if err := ack(b.work(work, i).resp); err != nil {
			b.log().Warn("discord: answering autocomplete failed", "err", bot.Redact(restError(err)))
		}
		return
	}
	bot.Answer(ctx, b.deadline, func(ctx context.Context) answer { return b.work(ctx, i) }, func(a answer) {
		if err := ack(a.resp); err != nil {
			b.log().Warn("discord: answering an interaction failed", "interaction", i.ID, "err", bot.Redact(restError(err)))
		}
	}, func() error {
		return ack(&discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}})
	}, func(ctx context.Context, a answer, ackErr error) {
		if ackErr != nil {
			b.log().Warn("discord: deferring an interaction failed; its answer is lost", "interaction", i.ID, "err", bot.Redact(restError(ackErr)))
			return
		}
		b.followUp(ctx, i, a)
	})
}

// followUp sends the answer of deferred work. The first follow-up takes
// the place of the deferred (ephemeral) response; an answer for the team
// to see is posted as a second, public message.
func (b *Adapter) followUp(ctx context.Context, i *discordgo.Interaction, a answer) {
	m := a.followUp
	if m == nil {
		m = &message{Content: "Done.", Ephemeral: true}
	}
	first := *m
	if !m.Ephemeral {
		first = message{Content: "Posted for the team below.", Ephemeral: true}
	}
	if _, err := b.session.FollowupMessageCreate(i, true, first.webhook(), discordgo.WithContext(ctx)); err != nil {
		b.log().Warn("discord: follow-up failed", "interaction", i.ID, "err", bot.Redact(restError(err)))
		return
	}
	if !m.Ephemeral {
		if _, err := b.session.FollowupMessageCreate(i, true, m.webhook(), discordgo.WithContext(ctx)); err != nil {
			b.log().Warn("discord: follow-up failed", "interaction", i.ID, "err", bot.Redact(restError(err)))
		}
	}
}

// work does what interaction i asks and says how to answer it.
func (b *Adapter) work(ctx context.Context, i *discordgo.Interaction) answer {
	if b.workGate != nil {
		<-b.workGate
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		m := b.command(ctx, i)
		return answer{resp: reply(m), followUp: &m}
	case discordgo.InteractionApplicationCommandAutocomplete:
		return answer{resp: b.autocomplete(ctx, i)}
	case discordgo.InteractionMessageComponent:
		return b.component(ctx, i)
	case discordgo.InteractionModalSubmit:
		return b.modalSubmit(ctx, i)
	}
	m := message{Content: "inboxbot does not handle this kind of interaction.", Ephemeral: true}
	return answer{resp: reply(m), followUp: &m}
}

// reply is a type 4 response carrying m.
func reply(m message) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: m.data()}
}

// command runs a slash command.
func (b *Adapter) command(ctx context.Context, i *discordgo.Interaction) message {
	d := i.ApplicationCommandData()
	text, err := commandText(d)
	if err != nil {
		return b.errorMessage(err)
	}
	req := b.request(i, text)
	if d.Resolved != nil {
		req.People = resolved{users: d.Resolved.Users, members: d.Resolved.Members, role: b.cfg.AgentRole}
	}
	// A reply's text goes to the contact without Discord's markup.
	req.ContactText = b.contactText
	return renderResponse(b.cfg.Service.Run(ctx, req))
}

// component runs a button press or a user select on a card or a DM.
func (b *Adapter) component(ctx context.Context, i *discordgo.Interaction) answer {
	d := i.MessageComponentData()
	action, id, ok := parseCustomID(d.CustomID)
	if !ok {
		m := message{Content: "⚠️ This button is not one of inboxbot's.", Ephemeral: true}
		return answer{resp: reply(m), followUp: &m}
	}
	req := b.request(i, "")
	act := commands.ActionRequest{Platform: inboxbot.PlatformDiscord, UserID: req.UserID, UserName: req.UserName,
		ConversationID: id, Action: action, Team: req.Team, Checks: req.Checks,
		People: resolved{users: d.Resolved.Users, members: d.Resolved.Members, role: b.cfg.AgentRole}}
	if action == commands.ActionAssign {
		if len(d.Values) != 1 {
			m := message{Content: "⚠️ Pick one member to assign.", Ephemeral: true}
			return answer{resp: reply(m), followUp: &m}
		}
		act.Target = "<@" + d.Values[0] + ">"
	}
	r := b.cfg.Service.Act(ctx, act)
	m := renderResponse(r)
	onCard := i.Message != nil && i.Message.ChannelID == b.inbox
	if r.Outcome == commands.OK && !r.Ephemeral && onCard {
		// A change of hands on the card itself: show it at once. The card
		// loop edits it too (every replica's view of it converges).
		conv, err := b.cfg.Service.Store.Conversation(ctx, id)
		if err == nil {
			return answer{resp: &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
				Data: cardMessage(conv, b.cfg.Service.CanReply(conv.Origin)).data()}, followUp: &m}
		}
		b.log().Warn("discord: reloading a conversation after a click failed", "conversation", id, "err", err)
	}
	m.Ephemeral = true
	return answer{resp: reply(m), followUp: &m}
}

// errorMessage shows err to the person: its message when it has a code,
// else a short apology, and the detail goes to the log.
func (b *Adapter) errorMessage(err error) message {
	switch inboxbot.ErrorCode(err) {
	case inboxbot.EINVALID, inboxbot.ENOTFOUND, inboxbot.ECONFLICT, inboxbot.EFORBIDDEN:
	default:
		b.log().Error("discord: interaction failed", "err", err)
	}
	return message{Content: "⚠️ " + escape(inboxbot.ErrorMessage(err)), Ephemeral: true}
}

// interactionKind names an interaction type in metrics.
func interactionKind(t discordgo.InteractionType) string {
	switch t {
	case discordgo.InteractionPing:
		return "ping"
	case discordgo.InteractionApplicationCommand:
		return "command"
	case discordgo.InteractionMessageComponent:
		return "component"
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "autocomplete"
	case discordgo.InteractionModalSubmit:
		return "modal"
	}
	return "other"
}
