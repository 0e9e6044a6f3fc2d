package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// decodeAction reads which action on which conversation a block action
// is: its action_id, or for an overflow menu the chosen option's value.
func decodeAction(act *slackapi.BlockAction) (commands.Action, int64, bool) {
	if act == nil {
		return "", 0, false
	}
	id := act.ActionID
	if act.Type == slackapi.ActionType(slackapi.METOverflow) {
		id = act.SelectedOption.Value
	}
	return parseAction(id)
}

// slash runs a /inbox command as the Slack user who typed it and answers
// within Slack's three seconds: through reply when the command is done
// within the reply budget, else with an empty reply (the acknowledgement)
// and the answer POSTed to response_url when ready. Answers are ephemeral
// unless the command layer made them public.
func (a *Adapter) slash(ctx context.Context, cmd slackapi.SlashCommand, reply func(*slackapi.Msg)) {
	a.metrics.interaction("slash_command")
	bot.Answer(ctx, a.deadline, func(ctx context.Context) *slackapi.Msg {
		chk := a.checks(ctx, cmd.APIAppID, cmd.TeamID, "", triggerKey(cmd.TriggerID))
		name := cmd.UserName
		if chk == (commands.Checks{}) {
			name = a.userName(ctx, cmd.UserID, cmd.UserName)
		}
		return replyMsg(a.service.Run(ctx, commands.Request{Platform: platform, UserID: cmd.UserID, UserName: name, Text: cmd.Text,
			Team: a.ourTeam(cmd.TeamID), People: a, ContactText: a.contactText, Checks: chk}))
	}, reply, func() error { reply(nil); return nil }, func(ctx context.Context, m *slackapi.Msg, _ error) {
		a.respond(ctx, cmd.ResponseURL, m)
	})
}

// replyMsg is a Response as a slash command or response_url message.
func replyMsg(r commands.Response) *slackapi.Msg {
	m := responseMessage(r)
	kind := slackapi.ResponseTypeEphemeral
	if !r.Ephemeral && r.Outcome == commands.OK {
		kind = slackapi.ResponseTypeInChannel
	}
	return &slackapi.Msg{ResponseType: kind, Text: m.Text, Blocks: slackapi.Blocks{BlockSet: m.Blocks}}
}

// interact runs the button presses and selections of one interaction as
// the person who clicked, and answers them ephemerally through
// response_url: a refusal says why (who holds the conversation, which role
// it needs), Show shows the conversation, anything else confirms in a line
// (the card itself is edited by the cards loop). Clicks on the App Home
// republish it.
func (a *Adapter) interact(ctx context.Context, ic slackapi.InteractionCallback) {
	a.metrics.interaction(string(ic.Type))
	if ic.Type == slackapi.InteractionTypeMessageAction && ic.CallbackID == ShortcutSend {
		a.sendToInbox(ctx, ic)
		return
	}
	if ic.Type != slackapi.InteractionTypeBlockActions {
		return
	}
	chk := a.checks(ctx, ic.APIAppID, ic.Team.ID, ic.User.TeamID, triggerKey(ic.TriggerID))
	name := firstOf(ic.User.Name, ic.User.Username)
	if chk == (commands.Checks{}) {
		name = a.userName(ctx, ic.User.ID, name)
	}
	for _, act := range ic.ActionCallback.BlockActions {
		resp, ok := a.act(ctx, ic, name, act, chk)
		if !ok {
			continue
		}
		if resp.Outcome == commands.OK && resp.Command != "show" {
			resp = commands.Response{Outcome: commands.OK, Ephemeral: true, Title: resp.Title}
		}
		m := replyMsg(resp)
		m.ResponseType, m.ReplaceOriginal = slackapi.ResponseTypeEphemeral, false
		if ic.ResponseURL != "" {
			a.respond(ctx, ic.ResponseURL, m)
		}
	}
	if ic.View.Type == slackapi.VTHomeTab && chk.Outsider == "" {
		a.publishHome(ctx, ic.User.ID, name)
	}
}

// act runs one block action; ok is false for actions that are not ours
// and for those that need no answer (a Reply that opened its form).
func (a *Adapter) act(ctx context.Context, ic slackapi.InteractionCallback, name string, act *slackapi.BlockAction, chk commands.Checks) (commands.Response, bool) {
	userID := ic.User.ID
	if act == nil {
		return commands.Response{}, false
	}
	if chk != (commands.Checks{}) {
		// From outside, or seen before: answered without acting (no
		// form opens either).
		return a.service.Act(ctx, commands.ActionRequest{Platform: platform, UserID: userID, Checks: chk}), true
	}
	switch act.ActionID {
	case actionAway, actionBack:
		text := "away"
		if act.ActionID == actionBack {
			text = "back"
		}
		return a.service.Run(ctx, commands.Request{Platform: platform, UserID: userID, UserName: name, Text: text}), true
	}
	action, convID, ok := decodeAction(act)
	if !ok {
		a.log.Warn("slack: unknown action", "action_id", clip(act.ActionID, 80))
		return commands.Response{}, false
	}
	req := commands.ActionRequest{Platform: platform, UserID: userID, UserName: name, ConversationID: convID, Action: action,
		Team: a.ourTeam(ic.Team.ID), People: a}
	if action == commands.ActionReply {
		return a.startReply(ctx, ic, req)
	}
	if action == commands.ActionAssign {
		if act.SelectedUser == "" {
			return commands.Response{}, false
		}
		// Someone who never used the bot joins on the way (commands'
		// member rules, with Person).
		req.Target = "<@" + act.SelectedUser + ">"
	}
	return a.service.Act(ctx, req), true
}

// respond posts m to a response_url. Slack keeps response URLs working
// for 30 minutes and five posts.
func (a *Adapter) respond(ctx context.Context, url string, m *slackapi.Msg) {
	if url == "" {
		a.log.Warn("slack: no response_url to answer on")
		return
	}
	body, err := json.Marshal(m)
	if err != nil {
		a.log.Error("slack: encode response", "err", err)
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		a.log.Warn("slack: bad response_url", "err", bot.Redact(err))
		return
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := a.http.Do(req)
	if err != nil {
		a.metrics.apiError("response_url", err)
		a.log.Warn("slack: posting to response_url failed", "err", bot.Redact(err))
		return
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		a.metrics.apiError("response_url", slackapi.StatusCodeError{Code: res.StatusCode, Status: res.Status})
		a.log.Warn("slack: response_url refused the answer", "status", res.StatusCode)
	}
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
