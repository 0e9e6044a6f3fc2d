package discord

import (
	"context"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
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
func (b *Bot) handle(ctx context.Context, i *discordgo.Interaction, mode string, ack func(*discordgo.InteractionResponse) error) {
	b.metrics.interaction(interactionKind(i.Type), mode)
	if i.Type == discordgo.InteractionPing {
		if err := ack(&discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}); err != nil {
			b.log().Warn("discord: answering a ping failed", "err", err)
		}
		return
	}
	if resp, ok := b.instant(i); ok {
		if err := ack(resp); err != nil {
			b.log().Warn("discord: answering an interaction failed", "interaction", i.ID, "err", restError(err))
		}
		return
	}
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		// Suggestions cannot be deferred; late ones are simply not shown.
		defer cancel()
		if err := ack(b.work(work, i).resp); err != nil {
			b.log().Warn("discord: answering autocomplete failed", "err", restError(err))
		}
		return
	}
	done := make(chan answer, 1)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		done <- b.work(work, i)
	}()
	timer := time.NewTimer(b.cfg.Budget)
	defer timer.Stop()
	select {
	case a := <-done:
		cancel()
		if err := ack(a.resp); err != nil {
			b.log().Warn("discord: answering an interaction failed", "interaction", i.ID, "err", restError(err))
		}
		return
	case <-timer.C:
	}
	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
	ackErr := ack(deferred)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer cancel()
		a := <-done
		if ackErr != nil {
			b.log().Warn("discord: deferring an interaction failed; its answer is lost", "interaction", i.ID, "err", restError(ackErr))
			return
		}
		b.followUp(work, i, a)
	}()
}

// followUp sends the answer of deferred work. The first follow-up takes
// the place of the deferred (ephemeral) response; an answer for the team
// to see is posted as a second, public message.
func (b *Bot) followUp(ctx context.Context, i *discordgo.Interaction, a answer) {
	m := a.followUp
	if m == nil {
		m = &message{Content: "Done.", Ephemeral: true}
	}
	first := *m
	if !m.Ephemeral {
		first = message{Content: "Posted for the team below.", Ephemeral: true}
	}
	if _, err := b.session.FollowupMessageCreate(i, true, first.webhook(), discordgo.WithContext(ctx)); err != nil {
		b.log().Warn("discord: follow-up failed", "interaction", i.ID, "err", restError(err))
		return
	}
	if !m.Ephemeral {
		if _, err := b.session.FollowupMessageCreate(i, true, m.webhook(), discordgo.WithContext(ctx)); err != nil {
			b.log().Warn("discord: follow-up failed", "interaction", i.ID, "err", restError(err))
		}
	}
}

// work does what interaction i asks and says how to answer it.
func (b *Bot) work(ctx context.Context, i *discordgo.Interaction) answer {
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
func (b *Bot) command(ctx context.Context, i *discordgo.Interaction) message {
	d := i.ApplicationCommandData()
	text, err := commandText(d)
	if err != nil {
		return b.errorMessage(err)
	}
	req := b.request(i, text)
	if d.Resolved != nil && (strings.HasPrefix(text, "assign ") || strings.HasPrefix(text, "contact assign ")) {
		for id, u := range d.Resolved.Users {
			if err := b.ensureMember(ctx, id, u, d.Resolved.Members[id]); err != nil {
				return b.errorMessage(err)
			}
		}
	}
	if cmd, err := commands.Parse(text); err == nil && cmd.Name == "reply" {
		// The text goes to the contact: without Discord's markup.
		cmd.Text = b.contactText(ctx, cmd.Text)
		return renderResponse(b.cfg.Service.Exec(ctx, req, cmd))
	}
	return renderResponse(b.cfg.Service.Run(ctx, req))
}

// component runs a button press or a user select on a card or a DM.
func (b *Bot) component(ctx context.Context, i *discordgo.Interaction) answer {
	d := i.MessageComponentData()
	action, id, ok := parseCustomID(d.CustomID)
	if !ok {
		m := message{Content: "⚠️ This button is not one of inboxbot's.", Ephemeral: true}
		return answer{resp: reply(m), followUp: &m}
	}
	req := b.request(i, "")
	act := commands.ActionRequest{Platform: inboxbot.PlatformDiscord, UserID: req.UserID, UserName: req.UserName,
		ConversationID: id, Action: action}
	if action == commands.ActionAssign {
		target, u, member, ok := selection(d)
		if !ok {
			m := message{Content: "⚠️ Pick one member to assign.", Ephemeral: true}
			return answer{resp: reply(m), followUp: &m}
		}
		if err := b.ensureMember(ctx, target, u, member); err != nil {
			m := b.errorMessage(err)
			return answer{resp: reply(m), followUp: &m}
		}
		act.Target = "<@" + target + ">"
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
				Data: cardMessage(conv, b.cfg.Service.Replies).data()}, followUp: &m}
		}
		b.log().Warn("discord: reloading a conversation after a click failed", "conversation", id, "err", err)
	}
	m.Ephemeral = true
	return answer{resp: reply(m), followUp: &m}
}

// selection is the one user picked in a user select, with what Discord
// resolved of them (either may be nil); ok is false unless exactly one was
// picked.
func selection(d discordgo.MessageComponentInteractionData) (id string, u *discordgo.User, m *discordgo.Member, ok bool) {
	if len(d.Values) != 1 {
		return "", nil, nil, false
	}
	id = d.Values[0]
	return id, d.Resolved.Users[id], d.Resolved.Members[id], true
}

// request is a commands.Request for the person behind i.
func (b *Bot) request(i *discordgo.Interaction, text string) commands.Request {
	u, name := invoker(i)
	return commands.Request{Platform: inboxbot.PlatformDiscord, UserID: u, UserName: name, Text: text}
}

// invoker is the user id behind an interaction and the name a new member
// is given: the server nickname, else the global display name, else the
// username.
func invoker(i *discordgo.Interaction) (string, string) {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID, displayName(i.Member.User, i.Member)
	}
	if i.User != nil {
		return i.User.ID, displayName(i.User, nil)
	}
	return "", ""
}

func displayName(u *discordgo.User, m *discordgo.Member) string {
	switch {
	case m != nil && m.Nick != "":
		return m.Nick
	case u == nil:
		return ""
	case u.GlobalName != "":
		return u.GlobalName
	}
	return u.Username
}

// ensureMember makes a Discord user someone picked (in a user select or a
// member option) a member, the same way a first command would.
func (b *Bot) ensureMember(ctx context.Context, id string, u *discordgo.User, m *discordgo.Member) error {
	if !inboxbot.ValidUserID(inboxbot.PlatformDiscord, id) {
		return inboxbot.Errorf(inboxbot.EINVALID, "That is not a Discord user.")
	}
	if u != nil && u.Bot {
		return inboxbot.Errorf(inboxbot.EINVALID, "Bots cannot take conversations.")
	}
	name := displayName(u, m)
	if name == "" {
		name = id
	}
	_, err := b.cfg.Service.Store.EnsurePlatformMember(ctx, inboxbot.PlatformDiscord, id, name)
	return err
}

// errorMessage shows err to the person: its message when it has a code,
// else a short apology, and the detail goes to the log.
func (b *Bot) errorMessage(err error) message {
	switch inboxbot.ErrorCode(err) {
	case inboxbot.EINVALID, inboxbot.ENOTFOUND, inboxbot.ECONFLICT, inboxbot.EFORBIDDEN:
	default:
		b.log().Error("discord: interaction failed", "err", err)
	}
	return message{Content: "⚠️ " + Escape(inboxbot.ErrorMessage(err)), Ephemeral: true}
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
