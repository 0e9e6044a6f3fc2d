package slack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// Buttons and selects carry what they do and to which conversation in
// their action_id, "<action>:<conversation id>" ("claim:1042"), and the
// conversation id again in their value. Overflow menus carry it in each
// option's value. The App Home's own buttons are "home:away" and "home:back".
const (
	actionAway = "home:away"
	actionBack = "home:back"
	// rowMenu prefixes the action_id of a list row's overflow menu.
	rowMenu = "row"
)

// actionID is the action_id of action on conversation id.
func actionID(a commands.Action, id int64) string {
	return clip(string(a)+":"+strconv.FormatInt(id, 10), maxActionID)
}

// parseAction reads an action_id or option value written by actionID.
func parseAction(s string) (commands.Action, int64, bool) {
	verb, num, ok := strings.Cut(s, ":")
	if !ok {
		return "", 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, false
	}
	switch a := commands.Action(verb); a {
	case commands.ActionShow, commands.ActionClaim, commands.ActionAssign, commands.ActionUnassign,
		commands.ActionFollow, commands.ActionUnfollow, commands.ActionClose, commands.ActionReopen,
		commands.ActionReply:
		return a, id, true
	}
	return "", 0, false
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string, n int) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, clip(inboxbot.WithoutBidi(s), n), false, false)
}

// section is a mrkdwn section; text must already be escaped.
func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(clip(text, maxSectionText)), nil, nil)
}

// channelActions are the actions a conversation's inbox-channel card
// offers. Everyone sees the card, so it offers what makes sense for the
// conversation's state; the command layer checks each clicker's rights.
// Reply is offered only while replies are on (an outbound webhook is set).
func channelActions(conv inboxbot.Conversation, replies bool) []commands.Action {
	if conv.Status != inboxbot.StatusOpen {
		return []commands.Action{commands.ActionReopen, commands.ActionShow, commands.ActionFollow}
	}
	var out []commands.Action
	if !conv.Assigned() {
		out = append(out, commands.ActionClaim, commands.ActionAssign)
	} else {
		out = append(out, commands.ActionAssign, commands.ActionUnassign)
	}
	if replies {
		out = append(out, commands.ActionReply)
	}
	out = append(out, commands.ActionFollow)
	if len(conv.Followers) > 0 {
		out = append(out, commands.ActionUnfollow)
	}
	return append(out, commands.ActionClose, commands.ActionShow)
}

// replyFailedText marks a card whose last reply did not reach the contact.
const replyFailedText = ":warning: The last reply to the contact was not delivered — *Show* for why."

// cardBlocks shows one conversation in full: contact, channel, lead
// source, tags, assignee, followers, the last message, and acts as buttons
// (Assign as a users select).
func cardBlocks(conv inboxbot.Conversation, acts []commands.Action) []slack.Block {
	head := fmt.Sprintf("*%s · %s* via %s", conv.Ref(), escape(conv.Contact.DisplayName()), escape(conv.Channel))
	if conv.Status != inboxbot.StatusOpen {
		head += " · *" + escape(string(conv.Status)) + "*"
	}
	if conv.Subject != "" {
		head += "\n*Subject:* " + escape(oneLine(conv.Subject))
	}
	assignee := "_Team inbox_"
	if conv.Assigned() {
		assignee = escape(conv.AssigneeName)
	}
	fields := []*slack.TextBlockObject{
		field("Assignee", assignee),
		field("Followers", orNone(followerNames(conv))),
		field("Lead source", orNone(escape(conv.Contact.LeadSource))),
		field("Tags", orNone(escape(strings.Join(conv.Contact.Tags, ", ")))),
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(clip(head, maxSectionText)), fields, nil)}
	if conv.Preview != "" {
		blocks = append(blocks, section("> "+escape(oneLine(conv.Preview))))
	}
	if conv.ReplyFailed {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(replyFailedText)))
	}
	if els := actionElements(conv, acts); len(els) > 0 {
		blocks = append(blocks, slack.NewActionBlock("", els...))
	}
	return blocks
}

func field(name, value string) *slack.TextBlockObject {
	return mrkdwn(clip("*"+name+"*\n"+value, maxFieldText))
}

func orNone(s string) string {
	if s == "" {
		return "_none_"
	}
	return s
}

func followerNames(conv inboxbot.Conversation) string {
	names := make([]string, len(conv.Followers))
	for i, f := range conv.Followers {
		names[i] = escape(f.Name)
	}
	return strings.Join(names, ", ")
}

// buttonLabels are the words on the buttons of each action.
var buttonLabels = map[commands.Action]string{
	commands.ActionShow: "Show", commands.ActionClaim: "Claim", commands.ActionUnassign: "Unassign",
	commands.ActionFollow: "Follow", commands.ActionUnfollow: "Unfollow",
	commands.ActionClose: "Close", commands.ActionReopen: "Reopen", commands.ActionReply: "Reply",
}

// actionElements are acts as interactive elements: buttons, and a users
// select for Assign.
func actionElements(conv inboxbot.Conversation, acts []commands.Action) []slack.BlockElement {
	value := clip(strconv.FormatInt(conv.ID, 10), maxValue)
	var els []slack.BlockElement
	for _, a := range acts {
		if len(els) == maxActionElements {
			break
		}
		if a == commands.ActionAssign {
			placeholder := "Assign to…"
			if conv.Assigned() {
				placeholder = "Reassign to…"
			}
			els = append(els, slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(placeholder, 150), actionID(a, conv.ID)))
			continue
		}
		b := slack.NewButtonBlockElement(actionID(a, conv.ID), value, plain(buttonLabels[a], maxButtonText))
		switch a {
		case commands.ActionClaim, commands.ActionReopen:
			b = b.WithStyle(slack.StylePrimary)
		}
		els = append(els, b)
	}
	return els
}

// rowBlock shows a conversation in one section, for lists: the id,
// contact, channel, who holds it and the start of the last message, with
// its actions in an overflow menu (Assign needs a card: Show opens one).
func rowBlock(c commands.Card) slack.Block {
	conv := c.Conversation
	who := "_Team inbox_"
	if conv.Assigned() {
		who = escape(conv.AssigneeName)
	}
	text := fmt.Sprintf("*%s* %s · %s · %s", conv.Ref(), escape(conv.Contact.DisplayName()), escape(conv.Channel), who)
	if conv.Status != inboxbot.StatusOpen {
		text += " · " + escape(string(conv.Status))
	}
	if conv.Preview != "" {
		text += "\n" + quote(clip(oneLine(conv.Preview), 150))
	}
	var opts []*slack.OptionBlockObject
	for _, a := range c.Actions {
		if label, ok := buttonLabels[a]; ok && len(opts) < 5 {
			opts = append(opts, slack.NewOptionBlockObject(actionID(a, conv.ID), plain(label, maxOptionText), nil))
		}
	}
	var acc *slack.Accessory
	switch {
	case len(opts) == 1:
		acc = slack.NewAccessory(slack.NewButtonBlockElement(opts[0].Value, strconv.FormatInt(conv.ID, 10), opts[0].Text))
	case len(opts) > 1:
		acc = slack.NewAccessory(slack.NewOverflowBlockElement(rowMenu+":"+strconv.FormatInt(conv.ID, 10), opts...))
	}
	return slack.NewSectionBlock(mrkdwn(clip(text, maxSectionText)), nil, acc)
}

// message is a rendered reply: fallback text and blocks.
type message struct {
	Text   string
	Blocks []slack.Block
}

// responseMessage renders a command's Response in Block Kit: the title, the
// body, and one full card for a single conversation or a compact row per
// conversation for a list.
func responseMessage(r commands.Response) message {
	if r.Outcome != commands.OK {
		text := ":warning: " + escape(r.Error)
		if r.Usage != "" {
			text += "\nUsage: `" + escape(r.Usage) + "`"
		}
		return message{Text: clip(escape(r.Error), maxMessageText), Blocks: []slack.Block{section(text)}}
	}
	var blocks []slack.Block
	if r.Title != "" {
		blocks = append(blocks, section("*"+escape(r.Title)+"*"))
	}
	for _, part := range chunks(escape(r.Text), maxSectionText) {
		blocks = append(blocks, section(part))
	}
	if len(r.Cards) == 1 {
		blocks = append(blocks, cardBlocks(r.Cards[0].Conversation, r.Cards[0].Actions)...)
	} else {
		for _, c := range r.Cards {
			blocks = append(blocks, rowBlock(c))
		}
	}
	fallback := r.Title
	if fallback == "" {
		fallback = r.Text
	}
	return message{Text: clip(escape(fallback), maxMessageText), Blocks: fit(blocks)}
}

// fit keeps a message within Slack's 50 blocks, saying how many were left out.
func fit(blocks []slack.Block) []slack.Block {
	if len(blocks) <= maxBlocks {
		return blocks
	}
	left := len(blocks) - (maxBlocks - 1)
	out := append(blocks[:maxBlocks-1:maxBlocks-1],
		slack.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more not shown; narrow it with filters.", left))))
	return out
}
