package discord

import (
	"context"

	"github.com/inboxbot/inboxbot"
)

// firstDelivery reports whether this is the first time a gateway event
// (kind "interaction" or "message", with Discord's id) is handled, on this
// process or another: two sessions on one shard, or a resumed session
// replaying what it missed, deliver the same event again. The store
// remembers the ids, as it does Slack's event ids. When the store cannot
// say, the event is handled: a note kept twice is better than one lost.
func (b *Adapter) firstDelivery(ctx context.Context, kind, id string) bool {
	if id == "" {
		return true
	}
	first, err := b.cfg.Service.Store.FirstDelivery(ctx, inboxbot.PlatformDiscord, kind+":"+id)
	if err != nil {
		b.log().Warn("discord: could not record the event id; handling it anyway", "event", kind+":"+id, "err", err)
		return true
	}
	if !first {
		b.log().Info("discord: event already handled", "event", kind+":"+id)
	}
	return first
}
