package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
)

// slaEvent is what moves a conversation's service-level clock.
type slaEvent int

const (
	// slaOpened: opened or reopened; the first response and the
	// resolution start, and the policy is chosen.
	slaOpened slaEvent = iota
	// slaInbound: the contact wrote; the next response starts unless one
	// (or the first) is pending.
	slaInbound
	// slaReplied: an outbound message to the contact.
	slaReplied
	// slaClosed: nothing is due any more.
	slaClosed
	// slaRetagged: the contact's tags changed; the policy is chosen again.
	slaRetagged
	// slaReassigned: the assignee changed; under business hours the due
	// times follow the new one's working hours.
	slaReassigned
)

// SLAObserver hears what the metrics count: a target missed, and how long
// a contact waited for a first reply. Calls come after the transaction
// that recorded them committed.
type SLAObserver interface {
	SLABreached(target string)
	FirstResponse(d time.Duration)
}

// slaColumns are the service-level columns slaTrack and the timer write.
var slaColumns = []string{"sla_policy_id", "sla_first_due", "sla_next_due", "sla_resolution_due", "sla_breached",
	"sla_breached_at", "sla_step", "sla_warned_for", "sla_escalation", "sla_due_at", "sla_timer_at", "sla_started_at", "sla_next_since", "first_response_since"}

// sla is the conversation's service-level state as the domain shows it.
func (r conversationView) sla() inboxbot.SLA {
	if r.SLAPolicyID == 0 || r.SLAPolicyName == "" {
		return inboxbot.SLA{AwaitingSince: r.FirstResponseSince}
	}
	return inboxbot.SLA{AwaitingSince: r.FirstResponseSince, Policy: r.SLAPolicyName, FirstResponseDue: timePtr(r.SLAFirstDue), NextResponseDue: timePtr(r.SLANextDue),
		ResolutionDue: timePtr(r.SLAResolutionDue), Breached: splitList(r.SLABreached), BreachedAt: timePtr(r.SLABreachedAt),
		Escalation: r.SLAEscalation}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// slaTrack moves the service-level clock of conv (locked in tx, as loaded
// before the change) for ev. Without policies, and for a message that
// starts nothing, it costs no statement: the opening and the reply set
// and clear first_response_since in statements they make anyway. A change
// of hands costs none either (with the policies cached) unless the
// conversation's policy counts business hours.
func (s *Store) slaTrack(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, ev slaEvent) error {
	switch {
	case ev == slaInbound && (conv.SLA.Policy == "" || conv.SLA.FirstResponseDue != nil || conv.SLA.NextResponseDue != nil):
		return nil
	case (ev == slaReplied || ev == slaClosed || ev == slaReassigned) && conv.SLA.Policy == "":
		return nil
	}
	policies, err := s.cachedPolicies(ctx, tx)
	if err != nil || len(policies) == 0 && conv.SLA.Policy == "" {
		return err
	}
	if ev == slaReassigned && !slices.ContainsFunc(policies, func(p inboxbot.Policy) bool {
		return p.Name == conv.SLA.Policy && p.Hours == inboxbot.HoursBusiness
	}) {
		return nil
	}
	id := conv.ID
	var row conversationRow
	if err := tx.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return wrap(err, "read service level")
	}
	now := s.now()
	p := policyByID(policies, row.SLAPolicyID)
	if ev == slaOpened || ev == slaRetagged {
		if len(policies) == 0 && ev == slaRetagged {
			return nil
		}
		p = nil
		if i := routing.PolicyFor(policies, conv, now); i >= 0 {
			p = &policies[i]
		}
		if ev == slaRetagged && policyID(p) == row.SLAPolicyID {
			return nil
		}
	}
	due, err := s.dueFunc(ctx, tx, row, p)
	if err != nil {
		return err
	}
	switch ev {
	case slaOpened:
		row = restart(row, p, now, due)
	case slaRetagged:
		row.SLAPolicyID = policyID(p)
		if p != nil && !row.FirstResponseSince.IsZero() && p.FirstResponse > 0 {
			row.SLAFirstDue = due(row.FirstResponseSince, p.FirstResponse)
		}
		if p != nil && p.Resolution > 0 {
			row.SLAResolutionDue = due(row.CreatedAt, p.Resolution)
		}
	case slaInbound:
		if p != nil && p.NextResponse > 0 && row.SLANextDue.IsZero() && row.SLAFirstDue.IsZero() {
			row.SLANextDue, row.SLANextSince = due(now, p.NextResponse), now
		}
	case slaReassigned:
		if p == nil || p.Hours != inboxbot.HoursBusiness {
			return nil
		}
		reclock(&row, p, due)
	case slaReplied:
		row.SLAFirstDue, row.SLANextDue, row.SLANextSince = time.Time{}, time.Time{}, time.Time{}
		row.SLABreached = dropTargets(row.SLABreached, inboxbot.TargetFirstResponse, inboxbot.TargetNextResponse)
	case slaClosed:
		row = restart(row, nil, now, due)
		row.SLAPolicyID, row.SLAStartedAt = policyID(p), time.Time{}
	}
	schedule(&row, p)
	_, err = tx.NewUpdate().Model(&row).Column(slaColumns[:len(slaColumns)-1]...).Where("id = ?", id).Exec(ctx)
	return wrap(err, "save service level")
}

// restart starts the clocks of an opening under p (none when p is nil).
func restart(row conversationRow, p *inboxbot.Policy, now time.Time, due func(time.Time, time.Duration) time.Time) conversationRow {
	row.SLAPolicyID = policyID(p)
	row.SLAFirstDue, row.SLANextDue, row.SLAResolutionDue = time.Time{}, time.Time{}, time.Time{}
	row.SLABreached, row.SLABreachedAt, row.SLAStep, row.SLAWarnedFor, row.SLAEscalation = "", time.Time{}, 0, time.Time{}, 0
	row.SLAStartedAt, row.SLANextSince = now, time.Time{}
	if p != nil && p.FirstResponse > 0 {
		row.SLAFirstDue = due(now, p.FirstResponse)
	}
	if p != nil && p.Resolution > 0 {
		row.SLAResolutionDue = due(now, p.Resolution)
	}
	return row
}

// reclock counts the due times of the targets not missed yet again from
// when their clocks started, with due (the new assignee's working hours,
// or always in the Team inbox). Rows from before the starts were stored
// count from the conversation's creation and its first_response_since.
func reclock(row *conversationRow, p *inboxbot.Policy, due func(time.Time, time.Duration) time.Time) {
	missed := splitList(row.SLABreached)
	started := cmp.Or(row.SLAStartedAt, row.FirstResponseSince, row.CreatedAt)
	if !row.SLAFirstDue.IsZero() && p.FirstResponse > 0 && !slices.Contains(missed, inboxbot.TargetFirstResponse) {
		row.SLAFirstDue = due(started, p.FirstResponse)
	}
	if !row.SLANextDue.IsZero() && !row.SLANextSince.IsZero() && p.NextResponse > 0 && !slices.Contains(missed, inboxbot.TargetNextResponse) {
		row.SLANextDue = due(row.SLANextSince, p.NextResponse)
	}
	if !row.SLAResolutionDue.IsZero() && p.Resolution > 0 && !slices.Contains(missed, inboxbot.TargetResolution) {
		row.SLAResolutionDue = due(cmp.Or(row.SLAStartedAt, row.CreatedAt), p.Resolution)
	}
}

// dueFunc returns how due times are counted for the conversation under p:
// by the assignee's working hours (business) or the clock.
func (s *Store) dueFunc(ctx context.Context, db bun.IDB, row conversationRow, p *inboxbot.Policy) (func(time.Time, time.Duration) time.Time, error) {
	var assignee *inboxbot.Member
	if p != nil && p.Hours == inboxbot.HoursBusiness && row.AssigneeID != 0 {
		m, err := s.memberWhere(ctx, db, "m.id = ?", row.AssigneeID)
		if err != nil {
			return nil, err
		}
		assignee = &m
	}
	hours := inboxbot.HoursAlways
	if p != nil {
		hours = p.Hours
	}
	return func(start time.Time, d time.Duration) time.Time {
		return routing.Due(hours, assignee, start, d).UTC().Truncate(time.Microsecond)
	}, nil
}

// schedule sets the earliest due time not yet missed and when the timer
// next has something to do: a warning, a breach, or an escalation step.
// Out of breach, the escalation starts over.
func schedule(row *conversationRow, p *inboxbot.Policy) {
	if p == nil || row.Status == inboxbot.StatusClosed {
		row.SLAFirstDue, row.SLANextDue, row.SLAResolutionDue = time.Time{}, time.Time{}, time.Time{}
		row.SLABreached = ""
	}
	if row.SLABreached == "" {
		row.SLABreachedAt, row.SLAStep, row.SLAEscalation = time.Time{}, 0, 0
	}
	row.SLADueAt, row.SLATimerAt = time.Time{}, time.Time{}
	if p == nil {
		return
	}
	missed := splitList(row.SLABreached)
	for _, t := range targets(*row) {
		if !t.due.IsZero() && !slices.Contains(missed, t.name) && (row.SLADueAt.IsZero() || t.due.Before(row.SLADueAt)) {
			row.SLADueAt = t.due
		}
	}
	timer := row.SLADueAt
	if !timer.IsZero() && p.WarnBefore > 0 && !row.SLAWarnedFor.Equal(row.SLADueAt) {
		timer = timer.Add(-p.WarnBefore)
	}
	if !row.SLABreachedAt.IsZero() && row.SLAStep < len(p.Escalate) {
		if at := row.SLABreachedAt.Add(p.Escalate[row.SLAStep].After); timer.IsZero() || at.Before(timer) {
			timer = at
		}
	}
	row.SLATimerAt = timer
}

// target is one of a conversation's targets and its due time.
type target struct {
	name string
	due  time.Time
}

func targets(row conversationRow) []target {
	return []target{{inboxbot.TargetFirstResponse, row.SLAFirstDue}, {inboxbot.TargetNextResponse, row.SLANextDue},
		{inboxbot.TargetResolution, row.SLAResolutionDue}}
}

func dropTargets(list string, drop ...string) string {
	var keep []string
	for _, t := range splitList(list) {
		if !slices.Contains(drop, t) {
			keep = append(keep, t)
		}
	}
	return strings.Join(keep, ",")
}

func policyByID(ps []inboxbot.Policy, id int64) *inboxbot.Policy {
	for i := range ps {
		if ps[i].ID == id && id != 0 {
			return &ps[i]
		}
	}
	return nil
}

func policyID(p *inboxbot.Policy) int64 {
	if p == nil {
		return 0
	}
	return p.ID
}

// answered records an outbound message to the contact on conv (locked
// in tx, as loaded before): the first and next responses are met. Every
// path that stores an outbound message calls it in its transaction, after
// its own update of the conversation; notes do not. It returns how long
// the contact waited for a first reply, when this was it.
func (s *Store) answered(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation) (time.Duration, error) {
	var waited time.Duration
	if since := conv.SLA.AwaitingSince; !since.IsZero() {
		waited = s.now().Sub(since)
		if _, err := tx.NewUpdate().Table("conversations").Set("first_response_since = NULL").
			Where("id = ?", conv.ID).Exec(ctx); err != nil {
			return 0, wrap(err, "record first response")
		}
	}
	return waited, s.slaTrack(ctx, tx, conv, slaReplied)
}

// slaRetag chooses the policy again for the open conversations of
// contact, whose tags changed.
func (s *Store) slaRetag(ctx context.Context, tx bun.Tx, contact int64) error {
	if ps, err := s.cachedPolicies(ctx, tx); err != nil || len(ps) == 0 {
		return err
	}
	convs, err := s.conversations(ctx, tx, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("c.contact_id = ? AND c.status = ?", contact, inboxbot.StatusOpen)
	})
	if err != nil {
		return err
	}
	for _, conv := range convs {
		if err := s.slaTrack(ctx, tx, conv, slaRetagged); err != nil {
			return err
		}
	}
	return nil
}

// SLAEscalation is the highest escalation step of conversation id that
// told the managers (1 for the first step, ...), 0 when none did. The
// managers' alert digest counts conversations in breach by it
// (sla_breached_at IS NOT NULL AND sla_escalation > 0).
func (s *Store) SLAEscalation(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.db.NewSelect().Table("conversations").Column("sla_escalation").Where("id = ?", id).Scan(ctx, &n)
	return n, wrap(err, "read escalation")
}
