package store

import (
	"cmp"
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// SetStatus closes or reopens a conversation and records it in the
// history. It reports false, and changes nothing, when the conversation
// already has that status. Reopening fails with ECONFLICT when the contact
// has another open conversation on the channel. The assignee stays: a
// closed conversation leaves the inboxes because it is closed.
func (s *Store) SetStatus(ctx context.Context, ch inboxbot.StatusChange) (inboxbot.Conversation, bool, error) {
	if !ch.Status.Valid() {
		return inboxbot.Conversation{}, false, inboxbot.Errorf(inboxbot.EINVALID, "Status must be open or closed (got %q).", ch.Status)
	}
	ctx = planned(ctx)
	var (
		conv    inboxbot.Conversation
		changed bool
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		if conv, err = s.lockChecked(ctx, tx, ch.ConversationID, ch.Check); err != nil {
			return err
		}
		if changed = conv.Status != ch.Status; !changed {
			return nil
		}
		conv, err = s.setStatus(ctx, tx, conv, ch)
		return err
	})
	if err != nil {
		return inboxbot.Conversation{}, false, wrap(err, "set status of "+inboxbot.Ref(ch.ConversationID))
	}
	return conv, changed, nil
}

// setStatus applies a status change to a locked conversation, keeps the
// holder's open count, and records it in the history.
func (s *Store) setStatus(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, ch inboxbot.StatusChange) (inboxbot.Conversation, error) {
	now := s.now()
	q := tx.NewUpdate().Table("conversations").Set("status = ?", ch.Status).
		Set("updated_at = ?", now).Set("version = version + 1").Where("id = ?", conv.ID)
	if ch.Status == inboxbot.StatusOpen && !conv.Assigned() {
		// Back in the Team inbox: its wait starts now, and the drain may
		// offer it to the rules again.
		q = q.Set("unassigned_since = ?", now).Set("alerted_at = NULL").Set("passed_over = NULL")
	}
	if ch.Status == inboxbot.StatusClosed {
		// A closed conversation waits for no answer.
		q = q.Set("reassign_due_at = NULL").Set("first_response_since = NULL")
	} else {
		// Reopening restarts the first response.
		q = q.Set("first_response_since = ?", now)
	}
	_, err := q.Exec(ctx)
	if uniqueViolation(err, "conversations_open_key") {
		return conv, inboxbot.Errorf(inboxbot.ECONFLICT, "The contact already has another open conversation on %s.", conv.Channel)
	}
	if err != nil {
		return conv, wrap(err, "set status")
	}
	// The holder's open count follows the status of what they hold.
	kind := inboxbot.KindClose
	if ch.Status == inboxbot.StatusOpen {
		kind, err = inboxbot.KindReopen, s.shiftOpenCount(ctx, tx, 0, conv.AssigneeID)
	} else {
		err = s.shiftOpenCount(ctx, tx, conv.AssigneeID, 0)
	}
	if err != nil {
		return conv, err
	}
	ev := eventRow{ConversationID: conv.ID, Kind: kind, FromID: conv.AssigneeID, ToID: conv.AssigneeID,
		ActorID: ch.Actor, Via: ch.Via, Reason: ch.Reason, CreatedAt: now}
	if _, err := tx.NewInsert().Model(&ev).Returning("id").Exec(ctx); err != nil {
		return conv, wrap(err, "record status change")
	}
	conv.Status, conv.UpdatedAt = ch.Status, now
	clock := slaClosed
	if ch.Status == inboxbot.StatusOpen {
		clock = slaOpened
	}
	if err = s.slaTrack(ctx, tx, conv, clock); err != nil {
		return conv, err
	}
	// The outbox row needs a member: the actor, else the holder. A contact
	// reopening an unassigned conversation leaves the thread as it was.
	if by := cmp.Or(ch.Actor, conv.AssigneeID); by != 0 {
		err = s.queueThread(ctx, tx, conv, by, ch.Status == inboxbot.StatusClosed, fmt.Sprintf("thread:%d", ev.ID))
	}
	return conv, err
}

// placeReopened decides who holds a conversation the contact's message
// just reopened: its holder when route finds them available, else the
// published rules as for a new conversation, else the Team inbox. The
// holder, when it stays or goes, and the followers are told.
func (s *Store) placeReopened(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, route inboxbot.RouteFunc, key string) (inboxbot.Conversation, inboxbot.Decision, error) {
	holder := conv.AssigneeID
	if route == nil {
		return conv, inboxbot.Decision{AssigneeID: holder}, s.tellReopened(ctx, tx, conv, holder, key)
	}
	in, err := s.routeInput(ctx, tx, conv, []inboxbot.Trigger{inboxbot.TriggerConversationCreated}, false, 0)
	if err != nil {
		return conv, inboxbot.Decision{}, err
	}
	known := byID(in.Members)
	if _, ok := known[holder]; holder != 0 && !ok {
		if known, err = s.membersByID(ctx, tx, known, holder); err != nil {
			return conv, inboxbot.Decision{}, err
		}
		if m, ok := known[holder]; ok {
			in.Members = append(in.Members, m)
		}
	}
	in.Holder = holder
	d, counted, err := s.place(ctx, tx, &in, route, holder)
	if err != nil {
		return conv, d, err
	}
	if holder != 0 && d.AssigneeID == holder {
		return conv, d, s.tellReopened(ctx, tx, conv, holder, key)
	}
	switch {
	case d.Rule != nil && d.AssigneeID != 0:
		ch := ruleChange(conv.ID, d)
		ch.Via = inboxbot.ViaInbound
		conv, err = s.applyCounted(ctx, tx, conv, ch, known, counted...)
	case holder != 0:
		conv, err = s.applyChange(ctx, tx, conv, inboxbot.Change{ConversationID: conv.ID, Via: inboxbot.ViaInbound, Reason: d.Reason}, known)
	}
	if err == nil && d.Rule != nil && d.AssigneeID == 0 {
		err = s.alertUnplaced(ctx, tx, conv, d, key)
	}
	if err != nil {
		return conv, d, err
	}
	return conv, d, s.tellReopened(ctx, tx, conv, 0, key)
}

// tellReopened notifies the holder (0 for none) and the followers that
// the contact's message reopened the conversation.
func (s *Store) tellReopened(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, holder int64, key string) error {
	rs := inboxbot.ReopenRecipients(conv, holder)
	if len(rs) == 0 {
		return nil
	}
	known, err := s.membersByID(ctx, tx, byID(conv.Followers), holder)
	if err != nil {
		return err
	}
	return s.notify(ctx, tx, recipientsOf(rs, known), inboxbot.NoticeOf(inboxbot.EventReopened, conv), key)
}
