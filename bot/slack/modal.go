package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// A reply to the contact is deliberate: Reply on a card, a DM or the App
// Home opens a form (a modal, views.open with the click's trigger_id), and
// its submission runs the same use case as /inbox reply. Messages in a
// card's thread are notes instead (notes.go).
const (
	// replyCallback is the callback_id of the reply form.
	replyCallback = "inboxbot_reply"
	// replyBlock and replyInput are the block_id and action_id of the
	// form's text input; errors are shown on replyBlock.
	replyBlock = "reply"
	replyInput = "text"
)

// Modal limits (https://docs.slack.dev/reference/views). Slack refuses a
// view that breaks one, and the form would not open.
const (
	maxViewTitle       = 24
	maxViewButton      = 24
	maxInputLabel      = 2000
	maxInputHint       = 2000
	maxPlaceholder     = 150
	maxReplyInput      = 3000
	maxPrivateMetadata = 3000
	// maxViewError keeps a refusal shown under the input readable.
	maxViewError = 1000
)

// replyMeta is what the reply form carries in its private_metadata: the
// conversation, and the response_url of the click that opened the form,
// which a submission (that has none of its own) answers on.
type replyMeta struct {
	ConversationID int64  `json:"conversation_id"`
	ResponseURL    string `json:"response_url,omitempty"`
}

// encode writes m as private_metadata, leaving out a response_url that
// would not fit.
func (m replyMeta) encode() string {
	b, _ := json.Marshal(m)
	if len(b) > maxPrivateMetadata {
		m.ResponseURL = ""
		b, _ = json.Marshal(m)
	}
	return string(b)
}

// parseReplyMeta reads the private_metadata written by replyMeta.encode.
func parseReplyMeta(s string) (replyMeta, error) {
	var m replyMeta
	if len(s) > maxPrivateMetadata {
		return m, errors.New("private_metadata too long")
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return m, fmt.Errorf("private_metadata: %w", err)
	}
	if m.ConversationID <= 0 {
		return m, errors.New("private_metadata names no conversation")
	}
	return m, nil
}

// replyModal is the form that writes to the contact of a conversation.
func replyModal(m replyMeta) slackapi.ModalViewRequest {
	input := slackapi.NewPlainTextInputBlockElement(plain("Write to the contact…", maxPlaceholder), replyInput)
	input.Multiline, input.MaxLength, input.FocusOnLoad = true, maxReplyInput, true
	ref := inboxbot.Ref(m.ConversationID)
	intro := fmt.Sprintf("This goes to the contact of *%s*, through the system the conversation came from. "+
		"To write to the team only, reply in the thread under the card.", ref)
	return slackapi.ModalViewRequest{
		Type:       slackapi.VTModal,
		CallbackID: replyCallback,
		Title:      plain("Reply to "+ref, maxViewTitle),
		Submit:     plain("Send", maxViewButton),
		Close:      plain("Cancel", maxViewButton),
		Blocks: slackapi.Blocks{BlockSet: []slackapi.Block{
			section(intro),
			slackapi.NewInputBlock(replyBlock, plain("Message", maxInputLabel),
				plain(fmt.Sprintf("Up to %d characters. The contact sees it as written.", maxReplyInput), maxInputHint), input),
		}},
		PrivateMetadata: m.encode(),
	}
}

// replySubmission reads a submitted reply form: its metadata and the text.
// A plain_text_input's value is the text as typed, not Slack's wire
// format (no entities, no <...> markup), so unlike /inbox reply it goes to
// the contact unchanged.
func replySubmission(v slackapi.View) (replyMeta, string, error) {
	m, err := parseReplyMeta(v.PrivateMetadata)
	if err != nil {
		return m, "", err
	}
	if v.State == nil {
		return m, "", errors.New("the form has no state")
	}
	return m, v.State.Values[replyBlock][replyInput].Value, nil
}

// startReply answers a Reply click by opening the reply form. When the
// contact cannot be reached it runs the reply anyway, to be refused with
// the command layer's words on why; ok is false when the form opened
// (there is nothing to say).
func (a *Adapter) startReply(ctx context.Context, ic slackapi.InteractionCallback, req commands.ActionRequest) (commands.Response, bool) {
	if !a.service.ReplyOffered(ctx, req.ConversationID) {
		return a.service.Act(ctx, req), true
	}
	view := replyModal(replyMeta{ConversationID: req.ConversationID, ResponseURL: ic.ResponseURL})
	if _, err := a.api.OpenViewContext(ctx, ic.TriggerID, view); err != nil {
		a.metrics.apiError("views.open", err)
		a.log.Warn("slack: views.open failed", "err", err)
		return commands.Response{Command: "reply", Outcome: commands.Failed, Ephemeral: true, Error: fmt.Sprintf(
			"The reply form did not open. Press Reply again, or type /inbox reply %d followed by your message.",
			req.ConversationID)}, true
	}
	return commands.Response{}, false
}

// submit runs a submitted reply form as the person who submitted it and
// answers Slack through answer, once: nil closes the form, errors keep it
// open with the refusal under the text (not allowed, replies off, empty,
// closed conversation). A reply slower than the reply budget closes the
// form and its outcome follows at the click's response_url. A sent reply
// is confirmed ephemerally at that response_url when there is one.
func (a *Adapter) submit(ctx context.Context, ic slackapi.InteractionCallback, answer func(*slackapi.ViewSubmissionResponse)) {
	a.metrics.interaction(string(ic.Type))
	if ic.View.CallbackID != replyCallback {
		answer(nil)
		return
	}
	meta, text, err := replySubmission(ic.View)
	if err != nil {
		a.log.Warn("slack: malformed reply form", "err", err)
		answer(slackapi.NewErrorsViewSubmissionResponse(map[string]string{
			replyBlock: "This form cannot be sent; close it and press Reply again."}))
		return
	}
	bot.Answer(ctx, a.deadline, func(ctx context.Context) commands.Response {
		chk := a.checks(ctx, ic.APIAppID, ic.Team.ID, ic.User.TeamID, viewKey(ic.View))
		if chk.Repeat {
			// The reply went out the first time: close the form.
			return commands.Response{Outcome: commands.OK, Ephemeral: true}
		}
		name := a.userName(ctx, ic.User.ID, firstOf(ic.User.Name, ic.User.Username))
		return a.service.Act(ctx, commands.ActionRequest{Platform: platform, UserID: ic.User.ID, UserName: name,
			ConversationID: meta.ConversationID, Action: commands.ActionReply, Text: text, Checks: chk})
	}, func(resp commands.Response) {
		if resp.Outcome != commands.OK {
			answer(slackapi.NewErrorsViewSubmissionResponse(map[string]string{replyBlock: clip(resp.Error, maxViewError)}))
			return
		}
		answer(nil)
		a.deadline.Go(func() { a.confirmReply(context.WithoutCancel(ctx), meta.ResponseURL, resp) })
	}, func() error { answer(nil); return nil }, func(ctx context.Context, resp commands.Response, _ error) {
		a.confirmReply(ctx, meta.ResponseURL, resp)
	})
}

// confirmReply tells the person who sent a reply how it went, ephemerally
// at url; without one a sent reply closes its form silently.
func (a *Adapter) confirmReply(ctx context.Context, url string, resp commands.Response) {
	if url == "" {
		if resp.Outcome != commands.OK {
			a.log.Warn("slack: a slow reply was refused and there is no response_url to say so", "error", resp.Error)
		}
		return
	}
	if resp.Outcome == commands.OK {
		resp = commands.Response{Outcome: commands.OK, Ephemeral: true, Title: resp.Title}
	}
	m := replyMsg(resp)
	m.ResponseType, m.ReplaceOriginal = slackapi.ResponseTypeEphemeral, false
	a.respond(ctx, url, m)
}
