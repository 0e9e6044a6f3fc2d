package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// digestRow is a manager's alert message on one platform.
type digestRow struct {
	bun.BaseModel `bun:"table:alert_digests"`

	MemberID   int64             `bun:"member_id,pk"`
	Platform   inboxbot.Platform `bun:"platform,pk"`
	Channel    string            `bun:"channel"`
	MessageID  string            `bun:"message_id"`
	Shown      string            `bun:"shown"`
	ShownTotal int               `bun:"shown_total"`
	PostedAt   time.Time         `bun:"posted_at,nullzero"`
	LeaseOwner string            `bun:"lease_owner,nullzero"`
	LeaseUntil time.Time         `bun:"lease_until,nullzero"`
	UpdatedAt  time.Time         `bun:"updated_at"`
}

// DigestMessage is a manager's alert message on one platform: where it
// is (empty before the first post) and when it was posted.
type DigestMessage struct {
	MemberID  int64
	Platform  inboxbot.Platform
	Channel   string
	MessageID string
	PostedAt  time.Time
}

// DigestJob is an alert message an adapter must post or edit to show Text.
type DigestJob struct {
	Message DigestMessage
	// To is the manager's user id on the platform.
	To string
	// Digest is what Text says; Text is the words of it, the same for
	// every manager.
	Digest inboxbot.Digest
	Text   string
	// ShownTotal is the Total the message showed before.
	ShownTotal int
	// Replaces is the message id of an older alert message that this post
	// supersedes: the adapter deletes it once the new one is posted.
	Replaces string
}

// Digest computes what the managers' alert message says: the open
// conversations waiting unassigned since before cutoff (counted up to
// inboxbot.DigestCountCap, through the Team inbox's partial index), the
// oldest few, and those past their service level. Three statements,
// however many conversations there are.
func (s *Store) Digest(ctx context.Context, cutoff time.Time, after time.Duration) (inboxbot.Digest, error) {
	d := inboxbot.Digest{After: after}
	cutoff = cutoff.UTC()
	var n int
	err := s.db.NewRaw(`SELECT count(*) FROM (SELECT 1 FROM conversations
		WHERE assignee_id IS NULL AND status = ? AND unassigned_since < ? LIMIT ?) AS w`,
		inboxbot.StatusOpen, cutoff, inboxbot.DigestCountCap+1).Scan(ctx, &n)
	if err != nil {
		return d, wrap(err, "count waiting conversations")
	}
	d.Unassigned, d.More = min(n, inboxbot.DigestCountCap), n > inboxbot.DigestCountCap
	if n > 0 {
		var rows []conversationRow
		err = s.db.NewSelect().Model(&rows).Column("id", "unassigned_since").
			Where("assignee_id IS NULL AND status = ? AND unassigned_since < ?", inboxbot.StatusOpen, cutoff).
			OrderExpr("unassigned_since, id").Limit(inboxbot.DigestOldest).Scan(ctx)
		if err != nil {
			return d, wrap(err, "find the oldest waiting conversations")
		}
		for _, r := range rows {
			d.Oldest = append(d.Oldest, inboxbot.WaitingSince{ID: r.ID, Since: r.UnassignedSince})
		}
	}
	d.Breached, err = s.pastServiceLevel(ctx, cutoff)
	return d, err
}

// pastServiceLevel counts the open conversations past their service level
// whose escalation reached the managers (sla_escalation, set by the
// service-level timer) and that the digest does not already count as
// waiting unassigned: an indexed count bounded by inboxbot.DigestCountCap,
// like the waiting count.
func (s *Store) pastServiceLevel(ctx context.Context, cutoff time.Time) (int, error) {
	var n int
	err := s.db.NewRaw(`SELECT count(*) FROM (SELECT 1 FROM conversations
		WHERE sla_breached_at IS NOT NULL AND sla_escalation > 0 AND status = ?
		AND NOT (assignee_id IS NULL AND unassigned_since < ?) LIMIT ?) AS b`,
		inboxbot.StatusOpen, cutoff, inboxbot.DigestCountCap).Scan(ctx, &n)
	return n, wrap(err, "count conversations past their service level")
}

// PendingDigests leases to owner the alert messages of platform that must
// show text (the words of d): one per manager and admin who has a user on
// platform and has not turned alerts off. A manager without a message gets
// one only when something needs someone; one with a message sees it edited
// either way. Replicas never lease the same message at once. Managers are
// few: this reads the members, not the conversations.
func (s *Store) PendingDigests(ctx context.Context, platform inboxbot.Platform, owner string, d inboxbot.Digest, text string, lease time.Duration) ([]DigestJob, error) {
	if _, err := cardColumn(platform); err != nil {
		return nil, err
	}
	now := s.now()
	var jobs []DigestJob
	err := s.tx(ctx, func(tx bun.Tx) error {
		managers, err := s.managers(ctx, tx)
		if err != nil {
			return err
		}
		to := map[int64]string{}
		for _, m := range managers {
			if id := platformUser(m, platform); id != "" && m.Wants(inboxbot.NotifyAlerts) {
				to[m.ID] = id
			}
		}
		if len(to) == 0 {
			return nil
		}
		ids := make([]int64, 0, len(to))
		for id := range to {
			ids = append(ids, id)
		}
		if !d.Empty() {
			rows := make([]digestRow, 0, len(ids))
			for _, id := range ids {
				rows = append(rows, digestRow{MemberID: id, Platform: platform, UpdatedAt: now})
			}
			if _, err := tx.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
				return wrap(err, "add alert messages")
			}
		}
		q := tx.NewUpdate().Table("alert_digests").
			Set("lease_owner = ?", owner).Set("lease_until = ?", now.Add(lease)).
			Where("platform = ? AND member_id IN (?) AND shown <> ?", platform, bun.List(ids), text).
			Where("(lease_until IS NULL OR lease_until < ?)", now)
		if d.Empty() {
			q = q.Where("message_id <> ''")
		}
		var rows []digestRow
		if err := q.Returning("*").Scan(ctx, &rows); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return wrap(err, "lease alert messages")
		}
		for _, r := range rows {
			jobs = append(jobs, DigestJob{Message: r.message(), To: to[r.MemberID], Digest: d, Text: text, ShownTotal: r.ShownTotal})
		}
		return nil
	})
	return jobs, err
}

func (r digestRow) message() DigestMessage {
	return DigestMessage{MemberID: r.MemberID, Platform: r.Platform, Channel: r.Channel, MessageID: r.MessageID, PostedAt: r.PostedAt}
}

// platformUser is m's user id on platform, or "".
func platformUser(m inboxbot.Member, platform inboxbot.Platform) string {
	switch platform {
	case inboxbot.PlatformSlack:
		return m.SlackID
	case inboxbot.PlatformDiscord:
		return m.DiscordID
	}
	return ""
}

// HoldDigest renews owner's lease on an alert message just before it is
// posted or edited, and returns the message as recorded now. It reports
// false when the message is no longer owner's: the caller must leave it.
func (s *Store) HoldDigest(ctx context.Context, m DigestMessage, owner string, lease time.Duration) (DigestMessage, bool, error) {
	var row digestRow
	err := s.db.NewUpdate().Model(&row).
		Set("lease_until = ?", s.now().Add(lease)).
		Where("member_id = ? AND platform = ? AND lease_owner = ?", m.MemberID, m.Platform, owner).
		Returning("*").Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, wrap(err, "hold alert message")
	}
	return row.message(), true, nil
}

// DigestRendered records that owner posted or edited the alert message m
// to show text (total conversations), and gives the lease back. A record
// that comes late (after an outage) still counts unless another replica
// holds the message now.
func (s *Store) DigestRendered(ctx context.Context, m DigestMessage, text string, total int, owner string) error {
	now := s.now()
	_, err := s.db.NewUpdate().Table("alert_digests").
		Set("channel = ?", m.Channel).Set("message_id = ?", m.MessageID).Set("posted_at = ?", m.PostedAt.UTC()).
		Set("shown = ?", text).Set("shown_total = ?", total).Set("updated_at = ?", now).
		Set("lease_owner = NULL").Set("lease_until = NULL").
		Where("member_id = ? AND platform = ?", m.MemberID, m.Platform).
		Where("(lease_owner = ? OR lease_owner IS NULL OR lease_until < ?)", owner, now).Exec(ctx)
	return wrap(err, "record alert message")
}

// RetryDigest gives back owner's lease on an alert message that could not
// be posted or edited; no replica takes it again before at.
func (s *Store) RetryDigest(ctx context.Context, m DigestMessage, owner string, at time.Time) error {
	_, err := s.db.NewUpdate().Table("alert_digests").
		Set("lease_owner = NULL").Set("lease_until = ?", at.UTC()).
		Where("member_id = ? AND platform = ? AND lease_owner = ?", m.MemberID, m.Platform, owner).Exec(ctx)
	return wrap(err, "retry alert message")
}

// ReleaseDigests gives back every alert message lease owner holds.
func (s *Store) ReleaseDigests(ctx context.Context, owner string) error {
	_, err := s.db.NewUpdate().Table("alert_digests").
		Set("lease_owner = NULL").Set("lease_until = NULL").
		Where("lease_owner = ?", owner).Exec(ctx)
	return wrap(err, "release alert messages")
}
