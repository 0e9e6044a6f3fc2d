package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/inboxbot/inboxbot"
)

// TestWrap_LostConnectionsAndFullServersAreOutages lists the ways a database
// goes away mid-query or refuses new work: each is EUNAVAILABLE (503, retry
// later), never EINTERNAL (500); a bad query stays internal.
func TestWrap_LostConnectionsAndFullServersAreOutages(t *testing.T) {
	pg := func(code string) error { return &pgconn.PgError{Code: code, Message: "x"} }
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"unexpected EOF mid-query", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"plain EOF", io.EOF, true},
		{"broken pipe", &net.OpError{Op: "write", Err: syscall.EPIPE}, true},
		{"connection reset", fmt.Errorf("x: %w", syscall.ECONNRESET), true},
		{"bad conn", driver.ErrBadConn, true},
		{"pgconn conn closed", errors.New("conn closed"), true},
		{"too many clients", pg("53300"), true},
		{"out of memory", pg("53200"), true},
		{"cannot connect now", pg("57P03"), true},
		{"admin shutdown", pg("57P01"), true},
		{"connection failure", pg("08006"), true},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), true},
		{"statement timeout", pg("57014"), true},
		{"syntax error", pg("42601"), false},
		{"NUL in a value is bad input, not an outage", pg("22021"), false},
		{"unique violation", pg("23505"), false},
		{"no rows", sql.ErrNoRows, false},
		{"other", errors.New("boom"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := wrap(tc.err, "lock round-robin turns")
			got := inboxbot.ErrorCode(err) == inboxbot.EUNAVAILABLE
			if got != tc.want {
				t.Fatalf("wrap(%v) = %v (code %q), want unavailable=%v", tc.err, err, inboxbot.ErrorCode(err), tc.want)
			}
		})
	}
}

// TestWrap_ValuesTheDatabaseRefusesAreBadInput: a NUL or a year the
// database cannot store is EINVALID (400), should validation miss one.
func TestWrap_ValuesTheDatabaseRefusesAreBadInput(t *testing.T) {
	for _, code := range []string{"22021", "22P05", "22008", "22007", "22003"} {
		err := wrap(&pgconn.PgError{Code: code}, "list")
		if inboxbot.ErrorCode(err) != inboxbot.EINVALID {
			t.Errorf("SQLSTATE %s: %v, want EINVALID", code, err)
		}
	}
}
