package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// statsChunk bounds the ids one statement looks up.
const statsChunk = 1000

// TeamStats computes the team's figures since a moment (inboxbot.Stats): per
// member, conversations assigned to them and closed by them (the history,
// through its created_at index), replies they wrote (outbound messages,
// through a partial index on sent_at), and for each assignment in the
// window the time to their first reply after it (found per conversation
// through the messages' conversation index), and service-level breaches
// by the assignee at the breach (sla_breaches, through its index on at).
// It reads the window, never all conversations.
func (s *Store) TeamStats(ctx context.Context, since time.Time) (inboxbot.Stats, error) {
	since = since.UTC()
	st := inboxbot.Stats{Since: since, Until: s.now()}
	by := map[int64]*inboxbot.MemberStats{}
	member := func(id int64) *inboxbot.MemberStats {
		if by[id] == nil {
			by[id] = &inboxbot.MemberStats{MemberID: id}
		}
		return by[id]
	}
	var events []struct {
		MemberID int64  `bun:"member_id"`
		Kind     string `bun:"kind"`
		N        int    `bun:"n"`
	}
	err := s.db.NewRaw(`SELECT CASE WHEN kind = ? THEN actor_id ELSE to_id END AS member_id, kind, count(*) AS n
		FROM assignment_events WHERE created_at >= ? AND kind IN (?, ?)
		AND (CASE WHEN kind = ? THEN actor_id ELSE to_id END) IS NOT NULL GROUP BY 1, 2`,
		inboxbot.KindClose, since, inboxbot.KindAssign, inboxbot.KindClose, inboxbot.KindClose).Scan(ctx, &events)
	if err != nil {
		return st, wrap(err, "count assignments and closes")
	}
	for _, e := range events {
		if e.Kind == string(inboxbot.KindClose) {
			member(e.MemberID).Closed += e.N
		} else {
			member(e.MemberID).Assigned += e.N
		}
	}
	var replies []struct {
		AuthorID int64 `bun:"author_id"`
		N        int   `bun:"n"`
	}
	err = s.db.NewRaw(`SELECT author_id, count(*) AS n FROM messages
		WHERE direction = ? AND sent_at >= ? AND author_id IS NOT NULL GROUP BY author_id`,
		inboxbot.DirectionOutbound, since).Scan(ctx, &replies)
	if err != nil {
		return st, wrap(err, "count replies")
	}
	for _, r := range replies {
		member(r.AuthorID).Replied += r.N
	}
	if err := s.firstResponses(ctx, since, member); err != nil {
		return st, err
	}
	var breaches []struct {
		AssigneeID *int64 `bun:"assignee_id"`
		N          int    `bun:"n"`
	}
	err = s.db.NewRaw(`SELECT assignee_id, count(*) AS n FROM sla_breaches WHERE at >= ? GROUP BY assignee_id`, since).Scan(ctx, &breaches)
	if err != nil {
		return st, wrap(err, "count breaches")
	}
	for _, b := range breaches {
		st.Team.Breaches += b.N
		if b.AssigneeID != nil {
			member(*b.AssigneeID).Breaches += b.N
		}
	}
	if err := s.statsNames(ctx, by); err != nil {
		return st, err
	}
	for _, m := range by {
		st.Members = append(st.Members, *m)
		st.Team.Assigned += m.Assigned
		st.Team.Replied += m.Replied
		st.Team.Closed += m.Closed
		st.Team.FirstResponses = append(st.Team.FirstResponses, m.FirstResponses...)
	}
	slices.SortFunc(st.Members, func(a, b inboxbot.MemberStats) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.MemberID, b.MemberID))
	})
	return st, nil
}

// firstResponses finds, for each assignment since the moment, the
// assignee's first reply on that conversation after it, and adds the time
// it took to the assignee's figures.
func (s *Store) firstResponses(ctx context.Context, since time.Time, member func(int64) *inboxbot.MemberStats) error {
	var assigned []struct {
		ToID      int64     `bun:"to_id"`
		CreatedAt time.Time `bun:"created_at"`
		FirstID   *int64    `bun:"first_id"`
	}
	err := s.db.NewRaw(`SELECT e.to_id, e.created_at, (SELECT min(m.id) FROM messages AS m
			WHERE m.conversation_id = e.conversation_id AND m.direction = ? AND m.author_id = e.to_id
			AND m.sent_at >= e.created_at) AS first_id
		FROM assignment_events AS e WHERE e.created_at >= ? AND e.kind = ? AND e.to_id IS NOT NULL`,
		inboxbot.DirectionOutbound, since, inboxbot.KindAssign).Scan(ctx, &assigned)
	if err != nil {
		return wrap(err, "find first replies")
	}
	var ids []int64
	for _, a := range assigned {
		if a.FirstID != nil {
			ids = append(ids, *a.FirstID)
		}
	}
	sent := make(map[int64]time.Time, len(ids))
	for chunk := range slices.Chunk(ids, statsChunk) {
		var rows []struct {
			ID     int64     `bun:"id"`
			SentAt time.Time `bun:"sent_at"`
		}
		if err := s.db.NewSelect().Table("messages").Column("id", "sent_at").Where("id IN (?)", bun.List(chunk)).Scan(ctx, &rows); err != nil {
			return wrap(err, "read first replies")
		}
		for _, r := range rows {
			sent[r.ID] = r.SentAt
		}
	}
	for _, a := range assigned {
		if a.FirstID == nil {
			continue
		}
		if at, ok := sent[*a.FirstID]; ok {
			m := member(a.ToID)
			m.FirstResponses = append(m.FirstResponses, max(at.Sub(a.CreatedAt), 0))
		}
	}
	return nil
}

// statsNames fills in the names of the members with figures.
func (s *Store) statsNames(ctx context.Context, by map[int64]*inboxbot.MemberStats) error {
	if len(by) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	var rows []memberRow
	if err := s.db.NewSelect().Model(&rows).Column("id", "name").Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return wrap(err, "name members")
	}
	for _, r := range rows {
		by[r.ID].Name = r.Name
	}
	return nil
}
