package commands

import (
	"context"

	"github.com/inboxbot/inboxbot"
)

// Inbound adds a message or form submission from outside to the contact's
// open conversation on its channel, or opens one, and routes a new
// conversation with the Service's rules engine. Every surface that takes
// customer messages (the API, the console) enters here.
func (s *Service) Inbound(ctx context.Context, in inboxbot.Inbound) (inboxbot.InboundResult, error) {
	return s.Store.AddInbound(ctx, in, s.Route)
}

// TagContact adds and removes a contact's tags and, when a tag was added,
// routes the contact's open unassigned conversations with contact.tagged
// rules. The tag lists are checked first; the error names add or remove.
func (s *Service) TagContact(ctx context.Context, externalID string, add, remove []string) (inboxbot.Contact, []inboxbot.InboundResult, error) {
	for _, list := range []struct {
		field string
		tags  []string
	}{{"add", add}, {"remove", remove}} {
		if err := inboxbot.CheckTags(list.field, list.tags); err != nil {
			return inboxbot.Contact{}, nil, err
		}
	}
	return s.Store.TagContact(ctx, externalID, add, remove, s.Route)
}
