package store

import (
	"context"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// SaveView creates or replaces the owner's view of that name.
func (s *Store) SaveView(ctx context.Context, v inboxbot.View) (inboxbot.View, error) {
	if strings.TrimSpace(v.Name) == "" {
		return inboxbot.View{}, inboxbot.Errorf(inboxbot.EINVALID, "A view needs a name.")
	}
	r := viewRow{OwnerID: v.OwnerID, Name: v.Name, Query: v.Query, Shared: v.Shared, CreatedAt: s.now()}
	_, err := s.db.NewInsert().Model(&r).
		On("CONFLICT (owner_id, lower(name)) DO UPDATE").
		Set("query = EXCLUDED.query, shared = EXCLUDED.shared").
		Returning("id").Exec(ctx)
	if err != nil {
		return inboxbot.View{}, wrap(err, "save view "+v.Name)
	}
	v.ID = r.ID
	return v, nil
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

// DeleteSharedViews deletes every shared view named name, whoever owns it,
// and returns how many there were: an admin's way to remove a shared view
// that its owner cannot or will not.
func (s *Store) DeleteSharedViews(ctx context.Context, name string) (int, error) {
	res, err := s.db.NewDelete().Model((*viewRow)(nil)).
		Where("shared AND lower(name) = lower(?)", name).Exec(ctx)
	if err != nil {
		return 0, wrap(err, "delete shared views")
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
