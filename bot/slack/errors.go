package slack

import (
	"github.com/inboxbot/inboxbot/bot"
)

// operatorHints are the Web API errors only an operator can fix, with what
// to do; the delivery loops log each once and back off (bot.NeedsOperator).
var operatorHints = map[string]string{
	"invalid_auth":     "Slack refused the bot token: check SLACK_BOT_TOKEN (and SLACK_APP_TOKEN in Socket Mode)",
	"not_authed":       "no bot token reached Slack: set SLACK_BOT_TOKEN",
	"token_revoked":    "the bot token was revoked: reinstall the app and set the new SLACK_BOT_TOKEN",
	"account_inactive": "the app was removed or its workspace deleted: reinstall the app and set the new SLACK_BOT_TOKEN",
	"missing_scope":    "the bot token lacks a scope this call needs: add the scopes docs/slack.md lists and reinstall the app",
}

// cardHints are the errors of posting in the inbox channel that only an
// operator can fix.
var cardHints = map[string]string{
	"not_in_channel":    "invite the bot to the inbox channel: /invite @inboxbot",
	"channel_not_found": "SLACK_INBOX_CHANNEL names no channel the bot can see: use the channel id (C…) and invite the bot",
	"is_archived":       "the inbox channel is archived: unarchive it or set another SLACK_INBOX_CHANNEL",
}

// needsOperator returns err as a *bot.NeedsOperator when Slack's error code
// is one only an operator can fix: among operatorHints, or among cardHints
// when the call posts in the inbox channel. Otherwise it returns nil.
func needsOperator(err error, inboxChannel bool) error {
	code := slackError(err)
	hint, ok := operatorHints[code]
	if !ok && inboxChannel {
		hint, ok = cardHints[code]
	}
	if !ok {
		return nil
	}
	return &bot.NeedsOperator{Cause: "slack " + code, Hint: hint, Err: err}
}
