package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// Outbox states.
const (
	statePending = "pending"
	stateSent    = "sent"
	stateDead    = "dead"
)

// maxAttempts is how often a notification is tried before it is given up.
const maxAttempts = 12

// recipient is a member to tell, and what to tell them.
type recipient struct {
	member inboxbot.Member
	event  inboxbot.Event
}

// recipientsOf pairs inboxbot's recipients with their members, loaded
// before; a member not in members (deleted meanwhile) is not told.
func recipientsOf(rs []inboxbot.Recipient, members map[int64]inboxbot.Member) []recipient {
	out := make([]recipient, 0, len(rs))
	for _, r := range rs {
		if m, ok := members[r.MemberID]; ok {
			out = append(out, recipient{member: m, event: r.Event})
		}
	}
	return out
}

// notify writes a direct message to each recipient into the outbox, one
// row per platform the member is linked to (the shell when none), unless
// the member turned that kind off; one statement for all of them. key
// identifies the causing event: the same event never queues a second
// message for the same member and platform.
func (s *Store) notify(ctx context.Context, tx bun.Tx, rs []recipient, n inboxbot.Notice, key string) error {
	q, err := s.notifyQuery(tx, rs, n, key)
	if err != nil || q == nil {
		return err
	}
	_, err = q.Exec(ctx)
	return wrap(err, "queue notification")
}

// notifyQuery is notify's statement; nil when nobody is to be told.
func (s *Store) notifyQuery(tx bun.Tx, rs []recipient, n inboxbot.Notice, key string) (*bun.InsertQuery, error) {
	now := s.now()
	var rows []notificationRow
	for _, r := range rs {
		m, kind := r.member, r.event.Kind()
		if !m.Wants(kind) {
			continue
		}
		n.Event = r.event
		data, err := json.Marshal(n)
		if err != nil {
			return nil, wrap(err, "encode notification")
		}
		targets := map[inboxbot.Platform]string{}
		if m.SlackID != "" {
			targets[inboxbot.PlatformSlack] = m.SlackID
		}
		if m.DiscordID != "" {
			targets[inboxbot.PlatformDiscord] = m.DiscordID
		}
		if len(targets) == 0 {
			targets[inboxbot.PlatformShell] = m.Name
		}
		for _, platform := range []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformDiscord, inboxbot.PlatformShell} {
			to, ok := targets[platform]
			if !ok {
				continue
			}
			rows = append(rows, notificationRow{
				Kind: kind, MemberID: m.ID, ConversationID: n.ConversationID, Platform: platform, Recipient: to,
				Notice: string(data), DedupeKey: fmt.Sprintf("%s:%s:%d:%s", key, kind, m.ID, platform),
				State: statePending, NextAttemptAt: now, CreatedAt: now,
			})
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	return tx.NewInsert().Model(&rows).On("CONFLICT (dedupe_key) DO NOTHING"), nil
}

// batch runs writes whose results nobody reads: on PostgreSQL in one round
// trip, as one text of several statements run in order and stopping at
// the first error (a pipeline of prepared statements under planned, see
// planned.go); on SQLite one by one.
func (s *Store) batch(ctx context.Context, tx bun.Tx, qs ...bun.Query) error {
	var text []byte
	for _, q := range qs {
		if !s.pg {
			if _, err := tx.NewRaw("?", q).Exec(ctx); err != nil {
				return err
			}
			continue
		}
		var err error
		if len(text) > 0 {
			text = append(text, ";\n"...)
		}
		if text, err = q.AppendQuery(s.db.QueryGen(), text); err != nil {
			return err
		}
	}
	if len(text) == 0 {
		return nil
	}
	_, err := tx.NewRaw("?", bun.Safe(text)).Exec(ctx)
	return err
}

// Lease hands out up to n due notifications for the platforms to owner for
// the lease duration. Replicas leasing at once never get the same row
// (FOR UPDATE SKIP LOCKED); a lease that ran out, because its owner died,
// makes the row due again. Leasing is not trying: Hold, just before the
// send, counts the attempt.
func (s *Store) Lease(ctx context.Context, owner string, platforms []inboxbot.Platform, n int, lease time.Duration) ([]inboxbot.Notification, error) {
	now := s.now()
	var rows []notificationRow
	err := s.tx(ctx, func(tx bun.Tx) error {
		sub := tx.NewSelect().Model((*notificationRow)(nil)).Column("id").
			Where("state = ? AND platform IN (?) AND next_attempt_at <= ?", statePending, bun.List(platforms), now).
			Where("(lease_until IS NULL OR lease_until < ?)", now).
			OrderExpr("id").Limit(int64(n))
		if s.pg {
			sub = sub.For("UPDATE SKIP LOCKED")
		}
		return tx.NewUpdate().Table("notifications").
			Set("lease_owner = ?", owner).Set("lease_until = ?", now.Add(lease)).
			Where("id IN (?)", sub).Returning("*").Scan(ctx, &rows)
	})
	if err != nil {
		return nil, wrap(err, "lease notifications")
	}
	return notifications(rows)
}

// notifications decodes outbox rows.
func notifications(rows []notificationRow) ([]inboxbot.Notification, error) {
	out := make([]inboxbot.Notification, len(rows))
	for i, r := range rows {
		out[i] = inboxbot.Notification{
			ID: r.ID, Kind: r.Kind, MemberID: r.MemberID, Platform: r.Platform, To: r.Recipient,
			DedupeKey: r.DedupeKey, Attempts: r.Attempts, CreatedAt: r.CreatedAt,
		}
		if err := json.Unmarshal([]byte(r.Notice), &out[i].Notice); err != nil {
			return nil, wrap(err, fmt.Sprintf("decode notification %d", r.ID))
		}
	}
	return out, nil
}

// QueuedAfter returns up to n notifications for the platforms queued after
// the one with id after, oldest first, whatever their state. It leases
// nothing and changes nothing: the console shows what the service delivers.
func (s *Store) QueuedAfter(ctx context.Context, after int64, platforms []inboxbot.Platform, n int) ([]inboxbot.Notification, error) {
	var rows []notificationRow
	err := s.db.NewSelect().Model(&rows).Where("id > ? AND platform IN (?)", after, bun.List(platforms)).
		OrderExpr("id").Limit(int64(n)).Scan(ctx)
	if err != nil {
		return nil, wrap(err, "list queued notifications")
	}
	return notifications(rows)
}

// LastQueued returns the id of the newest notification, 0 when there is none.
func (s *Store) LastQueued(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := s.db.NewSelect().Table("notifications").ColumnExpr("max(id)").Scan(ctx, &id)
	return id.Int64, wrap(err, "find the newest notification")
}

// Hold renews owner's lease on a notification just before it is sent and
// counts the attempt. It reports false when the row is no longer owner's
// to send (the lease ran out and another replica took it, or it was
// delivered meanwhile): the caller must then not send it.
func (s *Store) Hold(ctx context.Context, id int64, owner string, lease time.Duration) (attempts int, ok bool, err error) {
	err = s.db.NewUpdate().Table("notifications").
		Set("lease_until = ?", s.now().Add(lease)).Set("attempts = attempts + 1").
		Where("id = ? AND lease_owner = ? AND state = ?", id, owner, statePending).
		Returning("attempts").Scan(ctx, &attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, wrap(err, "hold notification")
	}
	return attempts, true, nil
}

// Sent marks a notification delivered, and a reply it carried. It holds
// whoever leases the row now: the platform has the message, so a replica
// that took the row over after an outage must not send it again.
func (s *Store) Sent(ctx context.Context, id int64) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		var msgID sql.NullInt64
		err := tx.NewUpdate().Table("notifications").
			Set("state = ?", stateSent).Set("sent_at = ?", s.now()).
			Set("lease_owner = NULL").Set("lease_until = NULL").
			Where("id = ? AND state = ?", id, statePending).Returning("message_id").Scan(ctx, &msgID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !msgID.Valid) {
			return nil // recorded before, or not a reply
		}
		if err != nil {
			return wrap(err, "mark notification sent")
		}
		var convID int64
		err = tx.NewUpdate().Table("messages").Set("delivery = ?", inboxbot.DeliverySent).
			Where("id = ?", msgID.Int64).Returning("conversation_id").Scan(ctx, &convID)
		if err != nil {
			return wrap(err, "mark reply sent")
		}
		// A reply delivered clears an earlier failure from the cards.
		_, err = tx.NewUpdate().Table("conversations").Set("reply_failed_at = NULL").Set("version = version + 1").
			Where("id = ? AND reply_failed_at IS NOT NULL", convID).Exec(ctx)
		return wrap(err, "clear failed reply")
	})
}

// Retry gives a leased notification back to be tried again at next, or
// gives it up once it has been tried maxAttempts times.
func (s *Store) Retry(ctx context.Context, id int64, owner string, next time.Time, cause error) error {
	return s.finish(ctx, id, owner, cause, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("state = CASE WHEN attempts >= ? THEN ? ELSE ? END", maxAttempts, stateDead, statePending).
			Set("next_attempt_at = ?", next.UTC())
	})
}

// Postpone gives a leased notification back to be tried again at next,
// however often it was tried: the failure is the operator's to fix (a
// refused token, a missing scope), and the message should go out once it
// is.
func (s *Store) Postpone(ctx context.Context, id int64, owner string, next time.Time, cause error) error {
	return s.finish(ctx, id, owner, cause, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("next_attempt_at = ?", next.UTC())
	})
}

// GiveUp marks a leased notification failed for good, with the cause.
func (s *Store) GiveUp(ctx context.Context, id int64, owner string, cause error) error {
	return s.finish(ctx, id, owner, cause, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("state = ?", stateDead)
	})
}

// finish ends owner's lease on a notification that failed, with set
// deciding its state. A reply given up is marked failed, its conversation's
// cards are refreshed, and its author is told.
func (s *Store) finish(ctx context.Context, id int64, owner string, cause error, set func(*bun.UpdateQuery) *bun.UpdateQuery) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		var out struct {
			State     string        `bun:"state"`
			MessageID sql.NullInt64 `bun:"message_id"`
		}
		err := set(tx.NewUpdate().Table("notifications")).Set("last_error = ?", cause.Error()).
			Set("lease_owner = NULL").Set("lease_until = NULL").
			Where("id = ? AND lease_owner = ?", id, owner).Returning("state, message_id").Scan(ctx, &out)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (out.State != stateDead || !out.MessageID.Valid)) {
			return nil
		}
		if err != nil {
			return wrap(err, "reschedule notification")
		}
		return s.replyFailed(ctx, tx, out.MessageID.Int64, cause)
	})
}

// Release gives back every lease owner holds, for a graceful shutdown.
func (s *Store) Release(ctx context.Context, owner string) error {
	_, err := s.db.NewUpdate().Table("notifications").
		Set("lease_owner = NULL").Set("lease_until = NULL").
		Where("lease_owner = ? AND state = ?", owner, statePending).Exec(ctx)
	return wrap(err, "release notifications")
}

// OutboxCounts returns the number of notifications in each state, for metrics.
func (s *Store) OutboxCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("notifications").
		ColumnExpr("state, count(*) AS n").GroupExpr("state").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "count notifications")
	}
	out := map[string]int{statePending: 0, stateSent: 0, stateDead: 0}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// PendingFor returns the number of notifications waiting to be delivered
// on the platforms: what a deployment that delivers them has to do.
func (s *Store) PendingFor(ctx context.Context, platforms []inboxbot.Platform) (int, error) {
	if len(platforms) == 0 {
		return 0, nil
	}
	n, err := s.db.NewSelect().Table("notifications").
		Where("state = ? AND platform IN (?)", statePending, bun.List(platforms)).Count(ctx)
	return int(n), wrap(err, "count pending notifications")
}

// AssignmentCounts returns the number of assignment events by the surface
// they came through (slack, discord, api, shell, workflow, contact), for metrics.
func (s *Store) AssignmentCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		Via string `bun:"via"`
		N   int    `bun:"n"`
	}
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("assignment_events").
		ColumnExpr("via, count(*) AS n").GroupExpr("via").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "count assignments")
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Via] = r.N
	}
	return out, nil
}
