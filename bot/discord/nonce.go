package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// maxNonce is the longest nonce Discord takes.
const maxNonce = 25

// nonceSend is a message create with a nonce that Discord enforces: the
// same nonce from the same bot within a few minutes returns the message
// created first instead of a second one. discordgo v0.29.0's MessageSend
// has no nonce field.
type nonceSend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// dmNonce is the nonce of a notification's DM: its outbox row, the same on
// every try.
func dmNonce(n inboxbot.Notification) string {
	return "n" + strconv.FormatInt(n.ID, 36)
}

// cardNonce is the nonce of a card's post: its conversation and the card
// it replaces (a deleted one), the same on every try of that post.
func cardNonce(job store.CardJob) string {
	nonce := "k" + strconv.FormatInt(job.Conversation.ID, 36)
	if r := job.Replaces; r != "" {
		nonce += "." + r[max(0, len(r)-(maxNonce-len(nonce)-1)):]
	}
	return nonce
}

// sendOnce posts m in channel with nonce (discordgo's ChannelMessageSendComplex
// without files, plus the nonce): a retry of a create whose answer was lost
// returns the first message.
func (b *Adapter) sendOnce(ctx context.Context, channel string, m message, nonce string) (*discordgo.Message, error) {
	endpoint := discordgo.EndpointChannelMessages(channel)
	body, err := b.session.RequestWithBucketID("POST", endpoint, nonceSend{m.send(), nonce, true}, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	var msg discordgo.Message
	if err := json.Unmarshal(body, &msg); err != nil {
		return nil, fmt.Errorf("read the created message: %w", err)
	}
	return &msg, nil
}
