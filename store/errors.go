package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// unavailable reports whether err means the database cannot be reached or
// is shutting down, as opposed to a bad query: the caller may retry later.
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 53: insufficient resources (too
		// many clients, out of memory or disk); 57P0x: shutdown, cannot
		// connect now; 57014: statement_timeout, a server too slow to answer.
		c := pgErr.Code
		return strings.HasPrefix(c, "08") || strings.HasPrefix(c, "53") ||
			strings.HasPrefix(c, "57P") || c == "57014"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	var liteErr *sqlite.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		// A connection lost mid-query ends a read early.
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	case errors.As(err, &liteErr):
		code := liteErr.Code() & 0xff
		return code == 5 || code == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// badValue reports whether the database refused a value itself: a NUL or
// a character it cannot encode, a date out of its range. Validation should
// have caught it first; this keeps a miss a 400, not a 500.
func badValue(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "22021", "22P05", "22008", "22007", "22003":
		// character_not_in_repertoire, untranslatable_character,
		// datetime_field_overflow, invalid_datetime_format,
		// numeric_value_out_of_range
		return true
	}
	return false
}

// retryable reports whether a transaction failed only because it raced
// another one (deadlock or serialisation failure) and may simply run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// uniqueViolation reports whether err is a unique-constraint violation of
// the index or constraint named index.
func uniqueViolation(err error, index string) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" && pgErr.ConstraintName == index
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		// SQLite names the columns, not the index; callers pass indexes
		// whose columns they know, and check the message for them.
		return liteErr.Code()&0xff == 19 && strings.Contains(liteErr.Error(), "UNIQUE") &&
			strings.Contains(liteErr.Error(), uniqueColumns[index])
	}
	return false
}

// uniqueColumns is how SQLite's message names the columns of each unique index.
var uniqueColumns = map[string]string{
	"messages_external_id_key": "messages.external_id",
	"conversations_open_key":   "conversations.contact_id",
	"conversations_origin_key": "conversations.origin_platform",
	"members_name_key":         "index 'members_name_key'",
	"views_shared_name_key":    "index 'views_shared_name_key'",
	"members_slack_id_key":     "members.slack_id",
	"members_discord_id_key":   "members.discord_id",
	"views_owner_name_key":     "index 'views_owner_name_key'",
	"rules_name_key":           "rules.name",
	"notifications_dedupe_key": "notifications.dedupe_key",
	"contacts_external_id_key": "contacts.external_id",
}
