package discord

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot/bot"
)

// Discord's JSON error codes after which retrying cannot help.
var permanentCodes = map[int]string{
	discordgo.ErrCodeUnknownUser:                      "unknown user",
	discordgo.ErrCodeUnknownChannel:                   "unknown channel",
	discordgo.ErrCodeMissingAccess:                    "missing access",
	discordgo.ErrCodeCannotSendMessagesToThisUser:     "cannot send messages to this user",
	discordgo.ErrCodeMissingPermissions:               "missing permissions",
	discordgo.ErrCodeCannotSendMessagesInVoiceChannel: "cannot send messages in this channel",
}

// minRateLimitWait is the least a 429 makes us wait, so a zero or missing
// retry_after does not turn into a busy loop.
const minRateLimitWait = 50 * time.Millisecond

// restError turns discordgo's errors into the ones the outbox and the
// card loop act on: *bot.RateLimited on 429 (wait retry_after), and
// *bot.Permanent when Discord says the user or channel cannot be reached.
// Anything else is returned wrapped and retried with back-off.
func restError(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		wait := minRateLimitWait
		if rl.RateLimit != nil && rl.TooManyRequests != nil {
			wait = max(rl.RetryAfter, minRateLimitWait)
		}
		return &bot.RateLimited{After: wait}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		if re.Message != nil {
			if why, ok := permanentCodes[re.Message.Code]; ok {
				return &bot.Permanent{Reason: fmt.Sprintf("discord %d: %s", re.Message.Code, why)}
			}
		}
		if re.Response != nil && (re.Response.StatusCode == http.StatusUnauthorized) {
			return &bot.NeedsOperator{Cause: "discord 401", Hint: "Discord refused the bot token: check DISCORD_BOT_TOKEN", Err: err}
		}
	}
	return err
}

// unknownMessage reports whether err says the message is gone (deleted by
// someone in the channel).
func unknownMessage(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == discordgo.ErrCodeUnknownMessage
}

// unknownChannel reports whether err says the channel is gone, such as a
// cached DM channel Discord no longer knows.
func unknownChannel(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == discordgo.ErrCodeUnknownChannel
}

// inboxHints are what to do when Discord refuses a post or edit in the
// inbox channel, by its JSON error code.
var inboxHints = map[int]string{
	discordgo.ErrCodeMissingAccess: "the bot cannot see DISCORD_INBOX_CHANNEL: give its role View Channel there " +
		"(a private channel needs the role added)",
	discordgo.ErrCodeMissingPermissions: "the bot lacks a permission in DISCORD_INBOX_CHANNEL: give its role " +
		"View Channel, Send Messages, Embed Links and Read Message History there",
	discordgo.ErrCodeUnknownChannel: "DISCORD_INBOX_CHANNEL names no channel the bot can see: check the id",
}

// cardError is restError for a call in the inbox channel: a 403 or 404 on
// the channel is the operator's to fix (*bot.NeedsOperator, with what to
// do), not a reason to give the card up.
func cardError(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		code := 0
		if re.Message != nil {
			code = re.Message.Code
		}
		hint, ok := inboxHints[code]
		switch {
		case ok:
		case re.Response.StatusCode == http.StatusForbidden:
			hint, ok = inboxHints[discordgo.ErrCodeMissingPermissions], true
		case re.Response.StatusCode == http.StatusNotFound:
			hint, ok = inboxHints[discordgo.ErrCodeUnknownChannel], true
		}
		if ok {
			return &bot.NeedsOperator{Cause: fmt.Sprintf("discord %d %d on the inbox channel", re.Response.StatusCode, code), Hint: hint, Err: err}
		}
	}
	return restError(err)
}
