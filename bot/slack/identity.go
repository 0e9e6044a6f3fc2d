package slack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/inboxbot/inboxbot/commands"
)

// Refusals of requests from outside this installation, as people read them.
const (
	otherApp       = "This request was meant for another Slack app, so inboxbot did nothing."
	otherWorkspace = "inboxbot serves only the workspace it is installed in; people of other workspaces (Slack Connect) cannot use it."
)

// checks is the one place a slash command, an action or a form submission
// is tied to this installation and to its first delivery, before anything
// runs: appID is the request's api_app_id, team its team_id, userTeam the
// user's own team (user.team_id of an interaction, "" for a command) and
// key what identifies this very request (a trigger_id, or a view id and
// hash). A request for another app or from a user of another workspace is
// an outsider; one whose key was recorded before is a repeat. While the
// identity is unknown (Slack was unreachable at start) nothing is refused
// on it. Recording the key is one statement; when the store cannot, the
// request runs (refusing everything during an outage would be worse).
func (a *Adapter) checks(ctx context.Context, appID, team, userTeam, key string) commands.Checks {
	if id, ok := a.Identity(); ok {
		if id.AppID != "" && appID != id.AppID {
			a.log.Warn("slack: refused a request for another app", "api_app_id", clip(appID, 40))
			return commands.Checks{Outsider: otherApp}
		}
		if userTeam == "" {
			userTeam = team
		}
		if id.TeamID != "" && (team != id.TeamID || userTeam != id.TeamID) {
			a.log.Info("slack: refused a request from another workspace", "team_id", clip(userTeam, 40))
			return commands.Checks{Outsider: otherWorkspace}
		}
	}
	if key == "" {
		return commands.Checks{}
	}
	first, err := a.service.Store.FirstDelivery(ctx, platform, key)
	if err != nil {
		a.log.Warn("slack: could not record the request; running it anyway", "err", err)
		return commands.Checks{}
	}
	if !first {
		a.log.Info("slack: request received before; answering without running it again")
	}
	return commands.Checks{Repeat: !first}
}

// ourTeam is the workspace a request's People rules compare with: ours
// when known, else what the request says.
func (a *Adapter) ourTeam(team string) string {
	if id, ok := a.Identity(); ok && id.TeamID != "" {
		return id.TeamID
	}
	return team
}

// triggerKey and viewKey are how FirstDelivery tells a request from its
// replay: a slash command's or an action's trigger_id, a submission's view
// id with its hash (which changes with every update of the view).
func triggerKey(id string) string {
	if id == "" {
		return ""
	}
	return "trigger:" + id
}

// A form refused with errors stays open with the same id and hash, and the
// person corrects it and sends it again: the values sent are part of the
// key (as a digest), so a corrected submission runs while a replayed one,
// byte for byte the same, does not.
func viewKey(v slackapi.View) string {
	if v.ID == "" {
		return ""
	}
	state, _ := json.Marshal(v.State)
	sum := sha256.Sum256(state)
	return "view:" + v.ID + ":" + v.Hash + ":" + hex.EncodeToString(sum[:12])
}

// envelope is what an Events API envelope says of the installation an
// event was delivered for, beyond slackevents' fields.
type envelope struct {
	ContextTeamID string `json:"context_team_id"`
}

// contextTeam reads an envelope's context_team_id ("" when it has none or
// is not JSON).
func contextTeam(raw []byte) string {
	var e envelope
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	return e.ContextTeamID
}

// ourEvent reports whether an event was delivered for this installation:
// for our app, and for our workspace as its authorizations (else its
// context_team_id) say. The envelope's team_id is not used: in a Slack
// Connect channel it can be the sender's workspace. While the identity is
// unknown every event is ours.
func (a *Adapter) ourEvent(cb *slackevents.EventsAPICallbackEvent, ctxTeam string) bool {
	id, ok := a.Identity()
	if !ok {
		return true
	}
	if id.AppID != "" && cb.APIAppID != id.AppID {
		a.log.Warn("slack: ignored an event for another app", "api_app_id", clip(cb.APIAppID, 40))
		return false
	}
	installed := ctxTeam
	if len(cb.Authorizations) > 0 && cb.Authorizations[0].TeamID != "" {
		installed = cb.Authorizations[0].TeamID
	}
	if id.TeamID != "" && installed != id.TeamID {
		a.log.Warn("slack: ignored an event delivered for another workspace", "team_id", clip(installed, 40))
		return false
	}
	return true
}
