package store

import (
	"context"
	"fmt"
	"maps"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// A round-robin rule's turns are numbered 1, 2, ... and turn n goes to
// the ((n-1) mod k)-th of the k members eligible then (see routing). On
// PostgreSQL the numbers come from a sequence of the rule's own,
// rule_turn_<id>: nextval holds no lock to COMMIT, so the routed
// conversations of one rule commit side by side rather than one at a
// time, and replicas still share one count. A transaction that takes a
// turn and then rolls back (a racing twin of the same message, say)
// loses that turn: the member it would have gone to is passed by once.
// SQLite, with its one writer, counts in the rule_turns row.

// turnSequence is the name of rule id's turn sequence on PostgreSQL.
func turnSequence(id int64) string { return fmt.Sprintf("rule_turn_%d", id) }

// createTurns makes sure rule id has somewhere to count its turns.
func (s *Store) createTurns(ctx context.Context, tx bun.Tx, id int64) error {
	var err error
	if s.pg {
		_, err = tx.ExecContext(ctx, "CREATE SEQUENCE IF NOT EXISTS "+turnSequence(id))
	} else {
		_, err = tx.NewInsert().Model(&ruleTurnRow{RuleID: id}).On("CONFLICT DO NOTHING").Exec(ctx)
	}
	return wrap(err, "save rule turns")
}

// dropTurns forgets the turns of deleted rules (their rule_turns rows go
// with them).
func (s *Store) dropTurns(ctx context.Context, tx bun.Tx, ids []int64) error {
	if !s.pg {
		return nil
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "DROP SEQUENCE IF EXISTS "+turnSequence(id)); err != nil {
			return wrap(err, "drop rule turns")
		}
	}
	return nil
}

// nextTurn takes rule id's next round-robin turn and returns its number.
func (s *Store) nextTurn(ctx context.Context, tx bun.Tx, id int64) (int64, error) {
	var n int64
	var err error
	if s.pg {
		err = tx.QueryRowContext(ctx, "SELECT nextval(?::regclass)", turnSequence(id)).Scan(&n)
	} else {
		err = tx.QueryRowContext(ctx, "INSERT INTO rule_turns (rule_id, turns) VALUES (?, 1) "+
			"ON CONFLICT (rule_id) DO UPDATE SET turns = rule_turns.turns + 1 RETURNING turns", id).Scan(&n)
	}
	return n, wrap(err, "take round-robin turn")
}

// peekTurns fills turns with the number of the turn each of the rules
// ids would take next, without taking it, in one statement.
func (s *Store) peekTurns(ctx context.Context, tx bun.Tx, ids []int64, turns map[int64]int64) error {
	var rows []struct {
		RuleID int64 `bun:"rule_id"`
		Next   int64 `bun:"next"`
	}
	var err error
	if s.pg {
		q := tx.NewSelect().ColumnExpr("? AS rule_id", ids[0]).
			ColumnExpr("last_value + CASE WHEN is_called THEN 1 ELSE 0 END AS next").TableExpr(turnSequence(ids[0]))
		for _, id := range ids[1:] {
			q = q.UnionAll(tx.NewSelect().ColumnExpr("? AS rule_id", id).
				ColumnExpr("last_value + CASE WHEN is_called THEN 1 ELSE 0 END AS next").TableExpr(turnSequence(id)))
		}
		err = q.Scan(ctx, &rows)
	} else {
		err = tx.NewSelect().Model((*ruleTurnRow)(nil)).ColumnExpr("rule_id, turns + 1 AS next").
			Where("rule_id IN (?)", bun.List(ids)).Scan(ctx, &rows)
	}
	if err != nil {
		return wrap(err, "read round-robin turns")
	}
	for _, r := range rows {
		turns[r.RuleID] = r.Next
	}
	return nil
}

// place decides where the rules put in.Conversation and moves one open
// conversation from from (0: none) to the assignee. A round-robin
// decision first takes the rule's next turn, and is made again with it.
// A rule that respects capacity reserves the assignee's place at once:
// when they filled up since the facts were read (another transaction took
// their last place), they count as full and the rules decide again; the
// turn taken is spent. Otherwise the move cannot fail, and place returns
// it as writes for the caller to send with the change. A decision without
// a rule, or with nobody, moves nothing.
func (s *Store) place(ctx context.Context, tx bun.Tx, in *inboxbot.RouteInput, route inboxbot.RouteFunc, from int64) (inboxbot.Decision, []bun.Query, error) {
	for {
		d := route(*in)
		if d.Rule == nil || d.AssigneeID == 0 {
			return d, nil, nil
		}
		if d.Rule.Assign.Method == inboxbot.MethodRoundRobin {
			n, err := s.nextTurn(ctx, tx, d.Rule.ID)
			if err != nil {
				return d, nil, err
			}
			turns := maps.Clone(in.Turn)
			if turns == nil {
				turns = map[int64]int64{}
			}
			turns[d.Rule.ID] = n
			in.Turn = turns
			if d = route(*in); d.AssigneeID == 0 {
				return d, nil, nil
			}
		}
		if !d.Rule.Assign.RespectCapacity {
			return d, openCountShift(tx, from, d.AssigneeID), nil
		}
		ok, err := s.reserve(ctx, tx, from, d.AssigneeID)
		if err != nil || ok {
			return d, nil, err
		}
		in.Members = filled(in.Members, d.AssigneeID)
	}
}

// reserve moves one open conversation from from (0: none) to to in the
// members' open counts while to is below their capacity, and returns
// false, changing nothing, when they are not. The update is the guard: of
// two transactions after a member's last place, one waits for the other's
// commit and then finds them full.
func (s *Store) reserve(ctx context.Context, tx bun.Tx, from, to int64) (bool, error) {
	res, err := tx.NewUpdate().Table("members").Set("open_count = open_count + 1").
		Where("id = ? AND (capacity = 0 OR open_count < capacity)", to).Exec(ctx)
	if err != nil {
		return false, wrap(err, "count open conversations")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, s.shiftOpenCount(ctx, tx, from, 0)
}

// filled marks member id as at capacity in members (a copy).
func filled(members []inboxbot.Member, id int64) []inboxbot.Member {
	out := make([]inboxbot.Member, len(members))
	copy(out, members)
	for i := range out {
		if out[i].ID == id {
			out[i].OpenCount = max(out[i].OpenCount, out[i].Capacity)
		}
	}
	return out
}
