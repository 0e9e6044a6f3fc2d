package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// MaxViews is how many views one member may keep.
const MaxViews = 50

// SaveView creates or replaces the owner's view of that name. Names of
// shared views are unique team-wide: a name another member shares is
// refused (ECONFLICT, naming them), shared or not, so that no view shadows
// one the team uses. A member keeps at most MaxViews views.
func (s *Store) SaveView(ctx context.Context, v inboxbot.View) (inboxbot.View, error) {
	if strings.TrimSpace(v.Name) == "" {
		return inboxbot.View{}, inboxbot.Errorf(inboxbot.EINVALID, "A view needs a name.")
	}
	r := viewRow{OwnerID: v.OwnerID, Name: v.Name, Query: v.Query, Shared: v.Shared, CreatedAt: s.now()}
	err := s.tx(ctx, func(tx bun.Tx) error {
		// The owner's row lock makes their saves take turns, so the count
		// below stays true until the insert.
		var owner memberRow
		if err := s.forUpdate(tx.NewSelect().Model(&owner).Column("id").Where("id = ?", v.OwnerID)).Scan(ctx); err != nil {
			return err
		}
		if err := sharedByOther(ctx, tx, v.OwnerID, v.Name); err != nil {
			return err
		}
		var own []viewRow
		if err := tx.NewSelect().Model(&own).Column("name").Where("owner_id = ?", v.OwnerID).Scan(ctx); err != nil {
			return err
		}
		replacing := slices.ContainsFunc(own, func(o viewRow) bool { return strings.EqualFold(o.Name, v.Name) })
		if !replacing && len(own) >= MaxViews {
			return inboxbot.Errorf(inboxbot.EINVALID, "You have %d views, the most one member may keep; delete one first (/inbox view delete <name>).", len(own))
		}
		_, err := tx.NewInsert().Model(&r).
			On("CONFLICT (owner_id, lower(name)) DO UPDATE").
			Set("query = EXCLUDED.query, shared = EXCLUDED.shared").
			Returning("id").Exec(ctx)
		return err
	})
	if uniqueViolation(err, "views_shared_name_key") {
		// Another member shared the name since the check above; the
		// transaction is over, so look them up outside it.
		if err = sharedByOther(ctx, s.db, v.OwnerID, v.Name); err == nil {
			err = inboxbot.Errorf(inboxbot.ECONFLICT, "Someone else just shared a view named %q; choose another name.", inboxbot.Clip(v.Name))
		}
	}
	if err != nil {
		return inboxbot.View{}, wrap(err, "save view "+inboxbot.Clip(v.Name))
	}
	v.ID = r.ID
	return v, nil
}

// sharedByOther is ECONFLICT when a member other than owner shares a view
// called name.
func sharedByOther(ctx context.Context, tx bun.IDB, owner int64, name string) error {
	var other viewRow
	err := tx.NewSelect().Model(&other).ModelTableExpr("views AS v").Column("v.name").
		ColumnExpr("m.name AS owner_name").Join("JOIN members AS m ON m.id = v.owner_id").
		Where("v.shared AND lower(v.name) = lower(?) AND v.owner_id <> ?", name, owner).Limit(1).Scan(ctx)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return inboxbot.Errorf(inboxbot.ECONFLICT, "%s already shares a view named %q with the team; choose another name.", other.OwnerName, inboxbot.Clip(other.Name))
}

// Views returns the member's own views and the views others shared, by name.
func (s *Store) Views(ctx context.Context, member int64) ([]inboxbot.View, error) {
	var rows []viewRow
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("views AS v").Column("v.*").
		ColumnExpr("m.name AS owner_name").Join("JOIN members AS m ON m.id = v.owner_id").
		Where("v.owner_id = ? OR v.shared", member).
		OrderExpr("lower(v.name), v.owner_id <> ?, v.id", member).Scan(ctx)
	if err != nil {
		return nil, wrap(err, "list views")
	}
	out := make([]inboxbot.View, len(rows))
	for i, r := range rows {
		out[i] = inboxbot.View{ID: r.ID, OwnerID: r.OwnerID, OwnerName: r.OwnerName, Name: r.Name, Query: r.Query, Shared: r.Shared}
	}
	return out, nil
}

// View returns the view called name that member can use: their own first,
// else the one shared by someone else; ENOTFOUND when there is none, and
// EINVALID when several teammates share one of that name.
func (s *Store) View(ctx context.Context, member int64, name string) (inboxbot.View, error) {
	vs, err := s.Views(ctx, member)
	if err != nil {
		return inboxbot.View{}, err
	}
	var shared []inboxbot.View
	for _, v := range vs {
		switch {
		case !strings.EqualFold(v.Name, name):
		case v.OwnerID == member:
			return v, nil
		default:
			shared = append(shared, v)
		}
	}
	switch len(shared) {
	case 0:
		return inboxbot.View{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "There is no view named %q.", name)
	case 1:
		return shared[0], nil
	}
	owners := make([]string, len(shared))
	for i, v := range shared {
		owners[i] = v.OwnerName
	}
	return inboxbot.View{}, inboxbot.Errorf(inboxbot.EINVALID,
		"Several teammates share a view named %q (%s); save one under a name of your own.", name, strings.Join(owners, ", "))
}

// DeleteView deletes one of the member's own views.
func (s *Store) DeleteView(ctx context.Context, member int64, name string) error {
	res, err := s.db.NewDelete().Model((*viewRow)(nil)).
		Where("owner_id = ? AND lower(name) = lower(?)", member, name).Exec(ctx)
	if err != nil {
		return wrap(err, "delete view "+name)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return inboxbot.Errorf(inboxbot.ENOTFOUND, "You have no view named %q.", inboxbot.Clip(name))
	}
	return nil
}

// DeleteSharedView deletes the shared view named name, whoever owns it,
// and returns it: an admin's way to remove a shared view that its owner
// cannot or will not. Exactly one view is deleted (the oldest, should
// several predate the unique names); ENOTFOUND when none is shared.
func (s *Store) DeleteSharedView(ctx context.Context, name string) (inboxbot.View, error) {
	var r viewRow
	err := s.tx(ctx, func(tx bun.Tx) error {
		err := tx.NewSelect().Model(&r).ModelTableExpr("views AS v").Column("v.*").
			ColumnExpr("m.name AS owner_name").Join("JOIN members AS m ON m.id = v.owner_id").
			Where("v.shared AND lower(v.name) = lower(?)", name).OrderExpr("v.id").Limit(1).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return inboxbot.Errorf(inboxbot.ENOTFOUND, "Nobody shares a view named %q.", inboxbot.Clip(name))
		}
		if err != nil {
			return err
		}
		_, err = tx.NewDelete().Model((*viewRow)(nil)).Where("id = ?", r.ID).Exec(ctx)
		return err
	})
	if err != nil {
		return inboxbot.View{}, wrap(err, "delete shared view")
	}
	return inboxbot.View{ID: r.ID, OwnerID: r.OwnerID, OwnerName: r.OwnerName, Name: r.Name, Query: r.Query, Shared: r.Shared}, nil
}
