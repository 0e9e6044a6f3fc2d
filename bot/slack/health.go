package slack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// Identity is who the bot is in Slack, as auth.test and bots.info tell:
// the workspace, the bot's user and the app. Requests can be checked
// against it (a team id that is not ours, a message the bot wrote).
type Identity struct {
	TeamID, BotUserID, AppID string
}

// RefusedError is a token Slack refused: only an operator can fix it, so
// trying again does not help. Variable names the environment variable
// that holds the token.
type RefusedError struct {
	Variable string
	// Code is Slack's error, such as invalid_auth.
	Code string
}

// Error names the variable and says what to do, without the token.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("Slack refused %s (%s): check that it is the current token of the app installed in the workspace", e.Variable, e.Code)
}

// refusals are Slack's answers to a token that will never work as it is.
var refusals = []string{"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
	"not_allowed_token_type", "team_access_not_granted"}

// refused turns Slack's refusal of a token into a RefusedError naming the
// variable; any other error (the network, a 5xx, a rate limit) is kept, to
// be tried again.
func refused(err error, variable string) error {
	var se slackapi.SlackErrorResponse
	if errors.As(err, &se) && slices.Contains(refusals, se.Err) {
		return &RefusedError{Variable: variable, Code: se.Err}
	}
	if err != nil && slices.Contains(refusals, err.Error()) {
		// Socket Mode's connect returns the bare code.
		return &RefusedError{Variable: variable, Code: err.Error()}
	}
	return err
}

// Check asks Slack who the bot is (auth.test, then bots.info for the app
// id) and, in Socket Mode, whether the app token opens a connection
// (apps.connections.open; the URL it returns is not used). A refused
// token is a *RefusedError naming SLACK_BOT_TOKEN or SLACK_APP_TOKEN; any
// other error means Slack could not be asked. On success the identity is
// kept for Identity.
func (a *Adapter) Check(ctx context.Context) (Identity, error) {
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return Identity{}, fmt.Errorf("slack: auth.test: %w", refused(err, "SLACK_BOT_TOKEN"))
	}
	id := Identity{TeamID: auth.TeamID, BotUserID: auth.UserID}
	if auth.BotID != "" {
		bot, err := a.api.GetBotInfoContext(ctx, slackapi.GetBotInfoParameters{Bot: auth.BotID, TeamID: auth.TeamID})
		switch {
		case err == nil:
			id.AppID = bot.AppID
		case errors.As(err, new(slackapi.SlackErrorResponse)):
			// A missing scope costs only the app id; the bot still works.
			a.log.Warn("slack: bots.info refused; the app id is unknown", "err", err)
		default:
			return Identity{}, fmt.Errorf("slack: bots.info: %w", err)
		}
	}
	if a.cfg.AppToken != "" {
		if _, _, err := a.api.StartSocketModeContext(ctx); err != nil {
			return Identity{}, fmt.Errorf("slack: apps.connections.open: %w", refused(err, "SLACK_APP_TOKEN"))
		}
	}
	a.identity.Store(&id)
	return id, nil
}

// Identity is the bot's identity from the last successful Check; ok is
// false until one succeeded.
func (a *Adapter) Identity() (id Identity, ok bool) {
	if p := a.identity.Load(); p != nil {
		return *p, true
	}
	return Identity{}, false
}

// connected reports a change of the Socket Mode connection.
func (a *Adapter) connected(up bool) {
	if a.cfg.Connected != nil {
		a.cfg.Connected(up)
	}
}

// socketProblem logs a Socket Mode event that is not a request, with its
// reason: a failed connection attempt (and when the next one is), Slack
// asking to reconnect, a message that could not be read or written.
func (a *Adapter) socketProblem(ev socketmode.Event) {
	switch d := ev.Data.(type) {
	case *slackapi.ConnectionErrorEvent:
		a.connected(false)
		a.log.Warn("slack: Socket Mode could not connect; retrying", "attempt", d.Attempt,
			"retry_in", d.Backoff.Round(time.Millisecond).String(), "err", refused(d.ErrorObj, "SLACK_APP_TOKEN"))
	case error:
		a.log.Warn("slack: Socket Mode problem", "event", string(ev.Type), "err", d)
	default:
		if ev.Type == socketmode.EventTypeDisconnect {
			// Slack asks the app to reconnect (a refresh, a deploy); slack-go does.
			a.connected(false)
			reason := ""
			if ev.Request != nil {
				reason = ev.Request.Reason
			}
			a.log.Info("slack: Slack asked to reconnect Socket Mode; reconnecting", "reason", reason)
			return
		}
		if ev.Type == socketmode.EventTypeInvalidAuth {
			a.connected(false)
			a.log.Error("slack: Socket Mode refused SLACK_APP_TOKEN: check that it is the app-level token (xapp-...) of this app, with connections:write")
			return
		}
		a.log.Warn("slack: Socket Mode problem", "event", string(ev.Type))
	}
}
