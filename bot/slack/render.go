package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

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
	if verb == string(commands.ActionWaiting) && err == nil && id == 0 {
		return commands.ActionWaiting, 0, true // the alert digest's button: no conversation
	}
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

func mrkdwn(s string) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.MarkdownType, s, false, false)
}

func plain(s string, n int) *slackapi.TextBlockObject {
	return slackapi.NewTextBlockObject(slackapi.PlainTextType, clip(inboxbot.WithoutBidi(s), n), false, false)
}

// section is a mrkdwn section; text must already be escaped.
func section(text string) *slackapi.SectionBlock {
	return slackapi.NewSectionBlock(mrkdwn(clip(text, maxSectionText)), nil, nil)
}

// replyFailedText marks a card whose last reply did not reach the contact.
const replyFailedText = ":warning: The last reply to the contact was not delivered — *Show* for why."

// cardBlocks shows one conversation in full: contact, channel, lead
// source, tags, assignee, followers, the last message, and acts as buttons
// (Assign as a users select).
func cardBlocks(conv inboxbot.Conversation, acts []commands.Action) []slackapi.Block {
	head := fmt.Sprintf("*%s · %s* via %s", conv.Ref(), escape(conv.Contact.DisplayName()), escape(conv.Channel))
	if conv.Status != inboxbot.StatusOpen {
		head += " · *" + escape(string(conv.Status)) + "*"
	}
	if conv.Subject != "" {
		head += "\n*Subject:* " + escape(oneLine(conv.Subject))
	}
	assignee := "_Team inbox_"
	if conv.Assigned() {
		assignee = escape(commands.Holder(conv))
	}
	fields := []*slackapi.TextBlockObject{
		field("Assignee", assignee),
		field("Followers", orNone(followerNames(conv))),
		field("Lead source", orNone(escape(conv.Contact.LeadSource))),
		field("Tags", orNone(escape(strings.Join(conv.Contact.Tags, ", ")))),
	}
	blocks := []slackapi.Block{slackapi.NewSectionBlock(mrkdwn(clip(head, maxSectionText)), fields, nil)}
	if conv.Preview != "" {
		blocks = append(blocks, section("> "+escape(oneLine(conv.Preview))))
	}
	if conv.ReplyFailed {
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(replyFailedText)))
	}
	if link := threadLink(conv.Origin); link != "" {
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(link)))
	}
	if line := commands.SLALine(conv, escape, slackDate); line != "" {
		blocks = append(blocks, slackapi.NewContextBlock("", mrkdwn(clip(":stopwatch: "+line, maxSectionText))))
	}
	if els := actionElements(conv, acts); len(els) > 0 {
		blocks = append(blocks, slackapi.NewActionBlock("", els...))
	}
	return blocks
}

// slackDate is a time in Slack's date format, which each reader sees in
// their own time zone; the fallback is UTC.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}

func field(name, value string) *slackapi.TextBlockObject {
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
	commands.ActionWaiting: "List them",
}

// actionElements are acts as interactive elements: buttons, and a users
// select for Assign.
func actionElements(conv inboxbot.Conversation, acts []commands.Action) []slackapi.BlockElement {
	value := clip(strconv.FormatInt(conv.ID, 10), maxValue)
	var els []slackapi.BlockElement
	for _, a := range acts {
		if len(els) == maxActionElements {
			break
		}
		if a == commands.ActionAssign {
			placeholder := "Assign to…"
			if conv.Assigned() {
				placeholder = "Reassign to…"
			}
			els = append(els, slackapi.NewOptionsSelectBlockElement(slackapi.OptTypeUser, plain(placeholder, 150), actionID(a, conv.ID)))
			continue
		}
		b := slackapi.NewButtonBlockElement(actionID(a, conv.ID), value, plain(buttonLabels[a], maxButtonText))
		switch a {
		case commands.ActionClaim, commands.ActionReopen:
			b = b.WithStyle(slackapi.StylePrimary)
		}
		els = append(els, b)
	}
	return els
}

// rowBlock shows a conversation in one section, for lists: the id,
// contact, channel, who holds it and the start of the last message, with
// its actions in an overflow menu (Assign needs a card: Show opens one).
func rowBlock(c commands.Card) slackapi.Block {
	conv := c.Conversation
	who := "_Team inbox_"
	if conv.Assigned() {
		who = escape(commands.Holder(conv))
	}
	text := fmt.Sprintf("*%s* %s · %s · %s", conv.Ref(), escape(conv.Contact.DisplayName()), escape(conv.Channel), who)
	if conv.Status != inboxbot.StatusOpen {
		text += " · " + escape(string(conv.Status))
	}
	if conv.Preview != "" {
		text += "\n" + quote(clip(oneLine(conv.Preview), 150))
	}
	var opts []*slackapi.OptionBlockObject
	for _, a := range c.Actions {
		if label, ok := buttonLabels[a]; ok && len(opts) < 5 {
			opts = append(opts, slackapi.NewOptionBlockObject(actionID(a, conv.ID), plain(label, maxOptionText), nil))
		}
	}
	var acc *slackapi.Accessory
	switch {
	case len(opts) == 1:
		acc = slackapi.NewAccessory(slackapi.NewButtonBlockElement(opts[0].Value, strconv.FormatInt(conv.ID, 10), opts[0].Text))
	case len(opts) > 1:
		acc = slackapi.NewAccessory(slackapi.NewOverflowBlockElement(rowMenu+":"+strconv.FormatInt(conv.ID, 10), opts...))
	}
	return slackapi.NewSectionBlock(mrkdwn(clip(text, maxSectionText)), nil, acc)
}

// message is a rendered reply: fallback text and blocks.
type message struct {
	Text   string
	Blocks []slackapi.Block
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
		return message{Text: clip(escape(r.Error), maxMessageText), Blocks: []slackapi.Block{section(text)}}
	}
	var blocks []slackapi.Block
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
func fit(blocks []slackapi.Block) []slackapi.Block {
	if len(blocks) <= maxBlocks {
		return blocks
	}
	left := len(blocks) - (maxBlocks - 1)
	out := append(blocks[:maxBlocks-1:maxBlocks-1],
		slackapi.NewContextBlock("", mrkdwn(fmt.Sprintf("…and %d more not shown; narrow it with filters.", left))))
	return out
}

// threadLink links a card to the customer's thread it came from; "" for
// conversations from the API and links that could break out of mrkdwn's
// <url|label> (Slack's own permalinks never do).
func threadLink(o *inboxbot.Origin) string {
	if o == nil || !strings.HasPrefix(o.URL, "https://") || strings.ContainsAny(o.URL, "<>| \t\n") {
		return ""
	}
	where := "Slack"
	if o.Platform == inboxbot.PlatformDiscord {
		where = "Discord"
	}
	return "<" + o.URL + "|Open the customer's " + where + " thread>"
}
