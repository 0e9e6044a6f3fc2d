package store

import (
	"context"
	"database/sql"
	"errors"
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
	var (
		conv    inboxbot.Conversation
		changed bool
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		row, err := s.lockConversation(ctx, tx, ch.ConversationID)
		if err != nil {
			return err
		}
		if conv, err = s.conversation(ctx, tx, row.ID); err != nil {
			return err
		}
		if ch.Check != nil {
			if err := ch.Check(conv); err != nil {
				return err
			}
		}
		if changed = row.Status != ch.Status; !changed {
			return nil
		}
		if err := s.setStatus(ctx, tx, row, ch); err != nil {
			return err
		}
		conv, err = s.conversation(ctx, tx, row.ID)
		return err
	})
	if err != nil {
		return inboxbot.Conversation{}, false, wrap(err, "set status of "+inboxbot.Ref(ch.ConversationID))
	}
	return conv, changed, nil
}

// setStatus applies a status change to a locked row and records it.
func (s *Store) setStatus(ctx context.Context, tx bun.Tx, row conversationRow, ch inboxbot.StatusChange) error {
	now := s.now()
	q := tx.NewUpdate().Table("conversations").Set("status = ?", ch.Status).
		Set("updated_at = ?", now).Set("version = version + 1").Where("id = ?", row.ID)
	if ch.Status == inboxbot.StatusOpen && row.AssigneeID == 0 {
		// Back in the Team inbox: its wait starts now.
		q = q.Set("unassigned_since = ?", now).Set("alerted_at = NULL")
	}
	_, err := q.Exec(ctx)
	if uniqueViolation(err, "conversations_open_key") {
		return inboxbot.Errorf(inboxbot.ECONFLICT, "The contact already has another open conversation on %s.", row.Channel)
	}
	if err != nil {
		return wrap(err, "set status")
	}
	kind := inboxbot.KindClose
	if ch.Status == inboxbot.StatusOpen {
		kind = inboxbot.KindReopen
	}
	ev := eventRow{ConversationID: row.ID, Kind: kind, FromID: row.AssigneeID, ToID: row.AssigneeID,
		ActorID: ch.Actor, Via: ch.Via, Reason: ch.Reason, CreatedAt: now}
	_, err = tx.NewInsert().Model(&ev).Exec(ctx)
	return wrap(err, "record status change")
}

// reopenLatest reopens the contact's most recent closed conversation on
// channel, locked, for a new message from the contact; ok is false when
// there is none.
func (s *Store) reopenLatest(ctx context.Context, tx bun.Tx, contactID int64, channel string) (conversationRow, bool, error) {
	var row conversationRow
	err := s.forUpdate(tx.NewSelect().Model(&row).
		Where("contact_id = ? AND channel = ? AND status = ?", contactID, channel, inboxbot.StatusClosed).
		OrderExpr("id DESC").Limit(1)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return row, false, nil
	}
	if err != nil {
		return row, false, wrap(err, "find closed conversation")
	}
	ch := inboxbot.StatusChange{ConversationID: row.ID, Status: inboxbot.StatusOpen, Via: inboxbot.ViaInbound,
		Reason: "the contact wrote again"}
	if err := s.setStatus(ctx, tx, row, ch); err != nil {
		return row, false, err
	}
	row.Status = inboxbot.StatusOpen
	return row, true, nil
}

// placeReopened decides who holds a conversation the contact's message
// just reopened: its holder when route finds them available, else the
// published rules as for a new conversation. The holder, when the
// conversation stays, and the followers are told.
func (s *Store) placeReopened(ctx context.Context, tx bun.Tx, row conversationRow, route inboxbot.RouteFunc, key string) (inboxbot.Decision, error) {
	holder := row.AssigneeID
	if route == nil {
		return inboxbot.Decision{AssigneeID: holder}, s.tellReopened(ctx, tx, row.ID, holder, key)
	}
	in, err := s.routeInput(ctx, tx, row.ID, []inboxbot.Trigger{inboxbot.TriggerConversationCreated}, true)
	if err != nil {
		return inboxbot.Decision{}, err
	}
	in.Holder = holder
	d := route(in)
	if holder != 0 && d.AssigneeID == holder {
		return d, s.tellReopened(ctx, tx, row.ID, holder, key)
	}
	// The holder cannot take it now: it goes where the rules say, or to
	// the Team inbox, and the holder hears why.
	if d.Rule != nil && d.AssigneeID != 0 {
		ch := inboxbot.Change{ConversationID: row.ID, To: d.AssigneeID, Via: inboxbot.ViaInbound,
			RuleID: d.Rule.ID, RuleName: d.Rule.Name, Reason: d.Reason}
		if err := s.applyChange(ctx, tx, row, ch); err != nil {
			return d, err
		}
		if err := s.takeTurn(ctx, tx, d); err != nil {
			return d, err
		}
	} else if holder != 0 {
		ch := inboxbot.Change{ConversationID: row.ID, To: 0, Via: inboxbot.ViaInbound, Reason: d.Reason}
		if err := s.applyChange(ctx, tx, row, ch); err != nil {
			return d, err
		}
	}
	if d.Rule != nil && d.AssigneeID == 0 {
		n := inboxbot.NoticeOf(inboxbot.EventUnplaced, in.Conversation)
		n.Rule, n.Reason = d.Rule.Name, d.Reason
		if err := s.alertManagers(ctx, tx, in.Members, n, fmt.Sprintf("unplaced:%s", key)); err != nil {
			return d, err
		}
	}
	return d, s.tellReopened(ctx, tx, row.ID, 0, key)
}

// tellReopened notifies the holder (0 for none) and the followers that
// the contact's message reopened the conversation.
func (s *Store) tellReopened(ctx context.Context, tx bun.Tx, convID, holder int64, key string) error {
	conv, err := s.conversation(ctx, tx, convID)
	if err != nil {
		return err
	}
	for _, r := range inboxbot.ReopenRecipients(conv, holder) {
		if err := s.notify(ctx, tx, r, inboxbot.NoticeOf(r.Event, conv), key); err != nil {
			return err
		}
	}
	return nil
}
