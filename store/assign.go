package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// Assign sets (or, with To 0, clears) a conversation's assignee and records
// the event and the notifications in one transaction. It reports false, and
// changes nothing, when the conversation already is where the change would
// put it.
func (s *Store) Assign(ctx context.Context, ch inboxbot.Change) (inboxbot.Conversation, bool, error) {
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
		if row.Status != inboxbot.StatusOpen {
			return inboxbot.Errorf(inboxbot.ECONFLICT, "%s is closed; reopen it first.", conv.Ref())
		}
		if row.AssigneeID == ch.To {
			changed = false
			return nil
		}
		if ch.To != 0 {
			if _, err := s.memberWhere(ctx, tx, "m.id = ?", ch.To); err != nil {
				return err
			}
		}
		if err := s.applyChange(ctx, tx, row, ch); err != nil {
			return err
		}
		changed = true
		conv, err = s.conversation(ctx, tx, row.ID)
		return err
	})
	if err != nil {
		return inboxbot.Conversation{}, false, wrap(err, "assign "+inboxbot.Ref(ch.ConversationID))
	}
	return conv, changed, nil
}

// Claim gives an unassigned conversation to actor. Of many concurrent
// claimers exactly one wins: the update is conditional on the conversation
// being unassigned. The others get ECONFLICT naming the winner. Claiming
// one's own conversation changes nothing and reports false.
func (s *Store) Claim(ctx context.Context, id, actor int64, via inboxbot.Via) (inboxbot.Conversation, bool, error) {
	var (
		conv    inboxbot.Conversation
		changed bool
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		now := s.now()
		res, err := tx.NewUpdate().Table("conversations").
			Set("assignee_id = ?", actor).Set("updated_at = ?", now).Set("version = version + 1").
			Set("unassigned_since = NULL").Set("alerted_at = NULL").
			Where("id = ? AND status = ? AND assignee_id IS NULL", id, inboxbot.StatusOpen).Exec(ctx)
		if err != nil {
			return wrap(err, "claim")
		}
		conv, err = s.conversation(ctx, tx, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			switch {
			case conv.Status != inboxbot.StatusOpen:
				return inboxbot.Errorf(inboxbot.ECONFLICT, "%s is closed.", conv.Ref())
			case conv.AssigneeID == actor:
				return nil
			}
			return inboxbot.Errorf(inboxbot.ECONFLICT, "%s is already assigned to %s.", conv.Ref(), conv.AssigneeName)
		}
		changed = true
		_, err = s.recordChange(ctx, tx, conv, 0, inboxbot.Change{ConversationID: id, To: actor, Actor: actor, Via: via, Reason: "claimed"})
		return err
	})
	if err != nil {
		return inboxbot.Conversation{}, false, wrap(err, "claim "+inboxbot.Ref(id))
	}
	return conv, changed, nil
}

// applyChange moves a locked conversation row to ch.To and records it.
func (s *Store) applyChange(ctx context.Context, tx bun.Tx, row conversationRow, ch inboxbot.Change) error {
	now := s.now()
	q := tx.NewUpdate().Table("conversations").Set("updated_at = ?", now).Set("alerted_at = NULL").
		Set("version = version + 1").Where("id = ?", row.ID)
	if ch.To == 0 {
		q = q.Set("assignee_id = NULL").Set("unassigned_since = ?", now)
	} else {
		q = q.Set("assignee_id = ?", ch.To).Set("unassigned_since = NULL")
	}
	if _, err := q.Exec(ctx); err != nil {
		return wrap(err, "update assignee")
	}
	conv, err := s.conversation(ctx, tx, row.ID)
	if err != nil {
		return err
	}
	_, err = s.recordChange(ctx, tx, conv, row.AssigneeID, ch)
	return err
}

// recordChange writes the assignment event of a change already applied to
// conv, and notifies whom inboxbot.ChangeRecipients names.
func (s *Store) recordChange(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, from int64, ch inboxbot.Change) (int64, error) {
	ev := eventRow{
		ConversationID: conv.ID, Kind: inboxbot.KindAssign, FromID: from, ToID: ch.To, ActorID: ch.Actor, Via: ch.Via,
		RuleID: ch.RuleID, RuleName: ch.RuleName, Reason: ch.Reason, CreatedAt: s.now(),
	}
	if _, err := tx.NewInsert().Model(&ev).Returning("id").Exec(ctx); err != nil {
		return 0, wrap(err, "record assignment")
	}
	recipients := inboxbot.ChangeRecipients(from, ch.To, ch.Actor)
	if len(recipients) == 0 {
		return ev.ID, nil
	}
	var actor string
	if ch.Actor != 0 {
		m, err := s.memberWhere(ctx, tx, "m.id = ?", ch.Actor)
		if err != nil {
			return 0, err
		}
		actor = m.Name
	}
	key := fmt.Sprintf("event:%d", ev.ID)
	for _, r := range recipients {
		n := inboxbot.NoticeOf(r.Event, conv)
		n.Actor, n.Via, n.Rule, n.Reason = actor, ch.Via, ch.RuleName, ch.Reason
		if err := s.notify(ctx, tx, r, n, key); err != nil {
			return 0, err
		}
	}
	return ev.ID, nil
}

// Follow makes member follow a conversation; false when they already did.
func (s *Store) Follow(ctx context.Context, convID, member int64) (bool, error) {
	return s.setFollowing(ctx, convID, member, true)
}

// Unfollow stops member following a conversation; false when they did not.
func (s *Store) Unfollow(ctx context.Context, convID, member int64) (bool, error) {
	return s.setFollowing(ctx, convID, member, false)
}

func (s *Store) setFollowing(ctx context.Context, convID, member int64, follow bool) (bool, error) {
	var changed bool
	err := s.tx(ctx, func(tx bun.Tx) error {
		if _, err := s.lockConversation(ctx, tx, convID); err != nil {
			return err
		}
		var (
			res sql.Result
			err error
		)
		if follow {
			res, err = tx.NewInsert().Model(&followerRow{ConversationID: convID, MemberID: member, CreatedAt: s.now()}).
				On("CONFLICT DO NOTHING").Exec(ctx)
		} else {
			res, err = tx.NewDelete().Model((*followerRow)(nil)).
				Where("conversation_id = ? AND member_id = ?", convID, member).Exec(ctx)
		}
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if changed = n > 0; changed {
			_, err = tx.NewUpdate().Table("conversations").Set("version = version + 1").Where("id = ?", convID).Exec(ctx)
		}
		return err
	})
	if err != nil {
		return false, wrap(err, "follow "+inboxbot.Ref(convID))
	}
	return changed, nil
}

// AssignContact makes owner the owner of the contact named by ref (external
// id or e-mail) and assigns all of the contact's open conversations to them.
// It returns the contact and the conversations that changed hands.
func (s *Store) AssignContact(ctx context.Context, ref string, owner, actor int64) (inboxbot.Contact, []inboxbot.Conversation, error) {
	var (
		contact inboxbot.Contact
		moved   []inboxbot.Conversation
	)
	err := s.tx(ctx, func(tx bun.Tx) error {
		moved = nil
		c, err := s.contact(ctx, tx, ref)
		if err != nil {
			return err
		}
		if _, err := s.lockContact(ctx, tx, c.ID); err != nil {
			return err
		}
		ownerM, err := s.memberWhere(ctx, tx, "m.id = ?", owner)
		if err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Table("contacts").Set("owner_id = ?", owner).Set("updated_at = ?", s.now()).
			Where("id = ?", c.ID).Exec(ctx); err != nil {
			return wrap(err, "set contact owner")
		}
		var rows []conversationRow
		if err := s.forUpdate(tx.NewSelect().Model(&rows).
			Where("contact_id = ? AND status = ?", c.ID, inboxbot.StatusOpen).OrderExpr("id")).Scan(ctx); err != nil {
			return wrap(err, "lock contact conversations")
		}
		for _, row := range rows {
			if row.AssigneeID == owner {
				continue
			}
			ch := inboxbot.Change{ConversationID: row.ID, To: owner, Actor: actor, Via: inboxbot.ViaContact,
				Reason: fmt.Sprintf("contact owner is %s", ownerM.Name)}
			if err := s.applyChange(ctx, tx, row, ch); err != nil {
				return err
			}
			conv, err := s.conversation(ctx, tx, row.ID)
			if err != nil {
				return err
			}
			moved = append(moved, conv)
		}
		contact, err = s.contact(ctx, tx, c.ExternalID)
		return err
	})
	if err != nil {
		return inboxbot.Contact{}, nil, wrap(err, "contact assign "+ref)
	}
	return contact, moved, nil
}
