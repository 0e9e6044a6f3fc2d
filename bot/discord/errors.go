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
			return fmt.Errorf("discord refused the bot token (401): %w", err)
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
