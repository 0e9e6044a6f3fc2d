package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

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
	ctx = planned(ctx)
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		if conv, err = s.lockChecked(ctx, tx, ch.ConversationID, ch.Check); err != nil {
			return err
		}
		if conv.Status != inboxbot.StatusOpen {
			return inboxbot.Errorf(inboxbot.ECONFLICT, "%s is closed; reopen it first.", conv.Ref())
		}
		if changed = conv.AssigneeID != ch.To; !changed {
			return nil
		}
		conv, err = s.applyChange(ctx, tx, conv, ch, nil)
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
	ctx = planned(ctx)
	err := s.tx(ctx, func(tx bun.Tx) error {
		now := s.now()
		upd := tx.NewUpdate().Table("conversations").
			Set("assignee_id = ?", actor).Set("updated_at = ?", now).Set("version = version + 1").
			Set("unassigned_since = NULL").Set("alerted_at = NULL").
			Set("assigned_rule_id = NULL").Set("reassign_due_at = NULL").Set("passed_over = NULL").
			Where("id = ? AND status = ? AND assignee_id IS NULL", id, inboxbot.StatusOpen)
		ch := inboxbot.Change{ConversationID: id, To: actor, Actor: actor, Via: via, Reason: "claimed"}
		if s.pg && len(inboxbot.ChangeRecipients(0, actor, actor)) == 0 {
			// One round trip writes the claim, the open count and the
			// event, and reads the conversation back; nobody is told of
			// their own claim.
			var err error
			if conv, changed, err = s.claimAtOnce(ctx, tx, upd, ch, now); err != nil || changed {
				if err == nil {
					err = s.slaTrack(ctx, tx, conv, slaReassigned)
				}
				return err
			}
			if conv, err = s.conversation(ctx, tx, id); err != nil {
				return err
			}
			return s.claimLost(ctx, tx, conv, actor)
		}
		res, err := upd.Exec(ctx)
		if err != nil {
			return wrap(err, "claim")
		}
		conv, err = s.conversation(ctx, tx, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.claimLost(ctx, tx, conv, actor)
		}
		changed = true
		if err := s.shiftOpenCount(ctx, tx, 0, actor); err != nil {
			return err
		}
		if err = s.recordChange(ctx, tx, conv, 0, ch, nil); err != nil {
			return err
		}
		return s.slaTrack(ctx, tx, conv, slaReassigned)
	})
	if err != nil {
		return inboxbot.Conversation{}, false, wrap(err, "claim "+inboxbot.Ref(id))
	}
	return conv, changed, nil
}

// claimAtOnce runs a claim's update, the claimer's open count and the
// assignment event as one statement (PostgreSQL runs every
// data-modifying WITH to completion, referenced or not), which returns the
// claimed conversation; false when it was not there to claim.
func (s *Store) claimAtOnce(ctx context.Context, tx bun.Tx, upd *bun.UpdateQuery, ch inboxbot.Change, now time.Time) (inboxbot.Conversation, bool, error) {
	var rows []conversationView
	err := s.conversationSelect(tx.NewSelect().Model(&rows), "claimed AS c").
		With("claimed", upd.Returning("*")).
		With("counted", tx.NewRaw("UPDATE members SET open_count = open_count + 1 WHERE id = ? AND EXISTS (SELECT 1 FROM claimed) RETURNING id", ch.To)).
		With("recorded", tx.NewRaw(`INSERT INTO assignment_events (conversation_id, kind, to_id, actor_id, via, rule_name, reason, created_at)
			SELECT id, ?, ?, ?, ?, '', ?, ? FROM claimed RETURNING id`, inboxbot.KindAssign, ch.To, ch.Actor, ch.Via, ch.Reason, now)).
		Scan(ctx)
	if err != nil || len(rows) == 0 {
		return inboxbot.Conversation{}, false, wrap(err, "claim")
	}
	followers, err := s.followersOf(ctx, tx, rows)
	return rows[0].domain(followers[rows[0].ID]), true, err
}

// claimLost says why a claim found nothing to claim: the conversation is
// closed, or someone holds it; claiming one's own conversation by hand
// answers its reassign_after, and changes nothing else.
func (s *Store) claimLost(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, actor int64) error {
	switch {
	case conv.Status != inboxbot.StatusOpen:
		return inboxbot.Errorf(inboxbot.ECONFLICT, "%s is closed.", conv.Ref())
	case conv.AssigneeID == actor:
		return s.acknowledge(ctx, tx, conv)
	}
	return inboxbot.Errorf(inboxbot.ECONFLICT, "%s is already assigned to %s.", conv.Ref(), conv.AssigneeName)
}

// applyChange moves a locked, open conversation to ch.To, records it and
// returns the conversation as it is now, built from conv without reading it
// again. known holds members already loaded (the assignee, say); the
// others the change needs are loaded in one statement.
func (s *Store) applyChange(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, ch inboxbot.Change, known map[int64]inboxbot.Member) (inboxbot.Conversation, error) {
	return s.applyCounted(ctx, tx, conv, ch, known, openCountShift(tx, conv.AssigneeID, ch.To)...)
}

// applyCounted is applyChange when the open counts have moved already
// (place reserved the assignee's place), or move with writes.
func (s *Store) applyCounted(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, ch inboxbot.Change, known map[int64]inboxbot.Member, writes ...bun.Query) (inboxbot.Conversation, error) {
	from := conv.AssigneeID
	members, err := s.changeMembers(ctx, tx, from, ch, known)
	if err != nil {
		return conv, err
	}
	now := s.now()
	q := tx.NewUpdate().Table("conversations").Set("updated_at = ?", now).Set("alerted_at = NULL").
		Set("version = version + 1").Where("id = ?", conv.ID)
	if ch.To == 0 {
		q = q.Set("assignee_id = NULL").Set("unassigned_since = ?", now)
	} else {
		q = q.Set("assignee_id = ?", ch.To).Set("unassigned_since = NULL")
	}
	q = holdBy(q, ch, now)
	conv.AssigneeID, conv.AssigneeName, conv.UpdatedAt = ch.To, members[ch.To].Name, now
	if err := s.recordChange(ctx, tx, conv, from, ch, members, append(writes, q)...); err != nil {
		return conv, err
	}
	return conv, s.slaTrack(ctx, tx, conv, slaReassigned)
}

// changeMembers loads, in at most one statement, the members a change
// names: the new assignee (ENOTFOUND when there is none such) and, when
// anyone is to be told, the previous one and the actor.
func (s *Store) changeMembers(ctx context.Context, tx bun.Tx, from int64, ch inboxbot.Change, known map[int64]inboxbot.Member) (map[int64]inboxbot.Member, error) {
	ids := []int64{ch.To}
	if len(inboxbot.ChangeRecipients(from, ch.To, ch.Actor)) > 0 {
		ids = append(ids, from, ch.Actor)
	}
	members, err := s.membersByID(ctx, tx, known, ids...)
	if err != nil {
		return nil, err
	}
	if _, ok := members[ch.To]; !ok && ch.To != 0 {
		return nil, inboxbot.Errorf(inboxbot.ENOTFOUND, "No such member.")
	}
	return members, nil
}

// recordChange writes the assignment event of a change applied to conv,
// and notifies whom inboxbot.ChangeRecipients names, in one round trip
// with writes, the change itself when it is not written yet. known holds
// members already loaded; the others are loaded in one statement before.
func (s *Store) recordChange(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, from int64, ch inboxbot.Change, known map[int64]inboxbot.Member, writes ...bun.Query) error {
	writes = append(writes, tx.NewInsert().Model(&eventRow{
		ConversationID: conv.ID, Kind: inboxbot.KindAssign, FromID: from, ToID: ch.To, ActorID: ch.Actor, Via: ch.Via,
		RuleID: ch.RuleID, RuleName: ch.RuleName, Reason: ch.Reason, CreatedAt: s.now(),
	}))
	if recipients := inboxbot.ChangeRecipients(from, ch.To, ch.Actor); len(recipients) > 0 {
		ids := []int64{ch.Actor}
		for _, r := range recipients {
			ids = append(ids, r.MemberID)
		}
		members, err := s.membersByID(ctx, tx, known, ids...)
		if err != nil {
			return err
		}
		n := inboxbot.NoticeOf("", conv)
		n.Actor, n.Via, n.Rule, n.Reason = members[ch.Actor].Name, ch.Via, ch.RuleName, ch.Reason
		// Each change is recorded once, in its transaction: any key of its
		// own will do, and one not read back lets the event and the
		// messages go in one round trip.
		key := fmt.Sprintf("change:%d:%016x", conv.ID, rand.Uint64())
		told, err := s.notifyQuery(tx, recipientsOf(recipients, members), n, key)
		if err != nil {
			return err
		}
		if told != nil {
			writes = append(writes, told)
		}
	}
	return wrap(s.batch(ctx, tx, writes...), "record assignment")
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
	ctx = planned(ctx)
	err := s.tx(ctx, func(tx bun.Tx) error {
		if _, err := s.lockConversationRow(ctx, tx, convID); err != nil {
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
		convs, err := s.conversations(ctx, tx, true, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("c.contact_id = ? AND c.status = ?", c.ID, inboxbot.StatusOpen).OrderExpr("c.id")
		})
		if err != nil {
			return wrap(err, "lock contact conversations")
		}
		known := map[int64]inboxbot.Member{owner: ownerM}
		for _, conv := range convs {
			if conv.AssigneeID == owner {
				continue
			}
			conv.Contact.OwnerID, conv.Contact.OwnerName = owner, ownerM.Name
			ch := inboxbot.Change{ConversationID: conv.ID, To: owner, Actor: actor, Via: inboxbot.ViaContact,
				Reason: fmt.Sprintf("contact owner is %s", ownerM.Name)}
			conv, err = s.applyChange(ctx, tx, conv, ch, known)
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
