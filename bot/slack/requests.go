package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// Routes are the HTTP handlers of HTTP mode, by ServeMux pattern. Each
// verifies the request's signature first.
func (a *Adapter) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /slack/commands":     a.verified(a.serveCommand),
		"POST /slack/interactions": a.verified(a.serveInteraction),
		"POST /slack/events":       a.verified(a.serveEvent),
	}
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	cmd, ok := decodeSlash(r)
	if !ok {
		a.refuse(w, http.StatusBadRequest, "malformed", "not a slash command")
		return
	}
	a.slash(r.Context(), cmd, func(m *slack.Msg) {
		if m == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(m)
	})
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	ic, ok := decodeInteraction(r)
	if !ok {
		a.refuse(w, http.StatusBadRequest, "malformed", "not an interaction payload")
		return
	}
	if ic.Type == slack.InteractionTypeViewSubmission {
		// The answer to a form goes in the HTTP response: it closes the
		// modal or shows errors on its fields.
		a.submit(r.Context(), ic, func(resp *slack.ViewSubmissionResponse) {
			if resp == nil {
				w.WriteHeader(http.StatusOK)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(resp)
		})
		return
	}
	a.later(r.Context(), func(ctx context.Context) { a.interact(ctx, ic) })
	w.WriteHeader(http.StatusOK)
}

// decodeSlash reads a slash command's form; ok is false when it is not
// one (no user to run it as).
func decodeSlash(r *http.Request) (slack.SlashCommand, bool) {
	cmd, err := slack.SlashCommandParse(r)
	return cmd, err == nil && cmd.UserID != ""
}

// decodeInteraction reads an interaction's payload field; ok is false when
// it is not one (no user to run it as).
func decodeInteraction(r *http.Request) (slack.InteractionCallback, bool) {
	ic, err := slack.InteractionCallbackParse(r)
	return ic, err == nil && ic.User.ID != ""
}

// decodeAction reads which action on which conversation a block action
// is: its action_id, or for an overflow menu the chosen option's value.
func decodeAction(act *slack.BlockAction) (commands.Action, int64, bool) {
	if act == nil {
		return "", 0, false
	}
	id := act.ActionID
	if act.Type == slack.ActionType(slack.METOverflow) {
		id = act.SelectedOption.Value
	}
	return parseAction(id)
}

// slash runs a /inbox command as the Slack user who typed it and answers
// within Slack's three seconds: through reply when the command is done
// within the reply budget, else with an empty reply (the acknowledgement)
// and the answer POSTed to response_url when ready. Answers are ephemeral
// unless the command layer made them public.
func (a *Adapter) slash(ctx context.Context, cmd slack.SlashCommand, reply func(*slack.Msg)) {
	a.metrics.interaction("slash_command")
	answer := make(chan *slack.Msg, 1)
	inTime := a.later(ctx, func(ctx context.Context) {
		name := a.userName(ctx, cmd.UserID, cmd.UserName)
		resp := a.run(ctx, commands.Request{Platform: platform, UserID: cmd.UserID, UserName: name, Text: cmd.Text})
		a.count(resp)
		answer <- replyMsg(resp)
	})
	if inTime {
		reply(<-answer)
		return
	}
	reply(nil)
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		m := <-answer
		a.respond(context.WithoutCancel(ctx), cmd.ResponseURL, m)
	}()
}

// run runs a slash command. The text of /inbox reply goes to the contact,
// so it is turned from Slack's wire format into plain text first; the rest
// of the grammar reads Slack's mentions itself.
func (a *Adapter) run(ctx context.Context, req commands.Request) commands.Response {
	cmd, err := commands.Parse(req.Text)
	if err != nil || cmd.Name != "reply" {
		return a.service.Run(ctx, req)
	}
	cmd.Text = a.contactText(ctx, cmd.Text)
	return a.service.Exec(ctx, req, cmd)
}

// replyMsg is a Response as a slash command or response_url message.
func replyMsg(r commands.Response) *slack.Msg {
	m := responseMessage(r)
	kind := slack.ResponseTypeEphemeral
	if !r.Ephemeral && r.Outcome == commands.OK {
		kind = slack.ResponseTypeInChannel
	}
	return &slack.Msg{ResponseType: kind, Text: m.Text, Blocks: slack.Blocks{BlockSet: m.Blocks}}
}

// interact runs the button presses and selections of one interaction as
// the person who clicked, and answers them ephemerally through
// response_url: a refusal says why (who holds the conversation, which role
// it needs), Show shows the conversation, anything else confirms in a line
// (the card itself is edited by the cards loop). Clicks on the App Home
// republish it.
func (a *Adapter) interact(ctx context.Context, ic slack.InteractionCallback) {
	a.metrics.interaction(string(ic.Type))
	if ic.Type != slack.InteractionTypeBlockActions {
		return
	}
	name := a.userName(ctx, ic.User.ID, firstOf(ic.User.Name, ic.User.Username))
	for _, act := range ic.ActionCallback.BlockActions {
		resp, ok := a.act(ctx, ic, name, act)
		if !ok {
			continue
		}
		a.count(resp)
		if resp.Outcome == commands.OK && resp.Command != "show" {
			resp = commands.Response{Outcome: commands.OK, Ephemeral: true, Title: resp.Title}
		}
		m := replyMsg(resp)
		m.ResponseType, m.ReplaceOriginal = slack.ResponseTypeEphemeral, false
		if ic.ResponseURL != "" {
			a.respond(ctx, ic.ResponseURL, m)
		}
	}
	if ic.View.Type == slack.VTHomeTab {
		a.publishHome(ctx, ic.User.ID, name)
	}
}

// act runs one block action; ok is false for actions that are not ours
// and for those that need no answer (a Reply that opened its form).
func (a *Adapter) act(ctx context.Context, ic slack.InteractionCallback, name string, act *slack.BlockAction) (commands.Response, bool) {
	userID := ic.User.ID
	if act == nil {
		return commands.Response{}, false
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
	req := commands.ActionRequest{Platform: platform, UserID: userID, UserName: name, ConversationID: convID, Action: action}
	if action == commands.ActionReply {
		return a.startReply(ctx, ic, req)
	}
	if action == commands.ActionAssign {
		if act.SelectedUser == "" {
			return commands.Response{}, false
		}
		// Someone who never used the bot becomes a member first, named
		// as Slack names them, so the assignment can find them.
		if err := a.ensureMember(ctx, act.SelectedUser, ""); err != nil {
			a.log.Error("slack: could not add the selected user as a member", "user", act.SelectedUser, "err", err)
			return commands.Response{Command: "assign", Outcome: commands.Failed, Ephemeral: true, Error: inboxbot.ErrorMessage(err)}, true
		}
		req.Target = "<@" + act.SelectedUser + ">"
	}
	return a.service.Act(ctx, req), true
}

// respond posts m to a response_url. Slack keeps response URLs working
// for 30 minutes and five posts.
func (a *Adapter) respond(ctx context.Context, url string, m *slack.Msg) {
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
		a.log.Warn("slack: bad response_url", "err", err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := a.http.Do(req)
	if err != nil {
		a.metrics.apiError("response_url", err)
		a.log.Warn("slack: posting to response_url failed", "err", err)
		return
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		a.metrics.apiError("response_url", slack.StatusCodeError{Code: res.StatusCode, Status: res.Status})
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
