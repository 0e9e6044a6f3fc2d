// Package store keeps inboxbot's state in PostgreSQL (production, several
// replicas) or SQLite (the embedded default) through bun. Every operation
// that changes hands writes its assignment event and its notifications in
// the same transaction; concurrency is coordinated by the database.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"github.com/inboxbot/inboxbot"
)

// Store is the inbox's persistent state.
type Store struct {
	db *bun.DB
	pg bool
	// Now is the clock; tests replace it.
	Now func() time.Time
	// SLA, when set, hears service-level breaches and first responses
	// (the metrics).
	SLA SLAObserver
	// PolicyCache is how long the service-level policies read are used
	// before reading them again; 0 means DefaultPolicyCache.
	PolicyCache time.Duration
	// policies are the service-level policies last read (slapolicies.go).
	policies policyCache
	// publishedCache holds the published rules last read (rules.go).
	publishedCache rulesCache
}

// Open connects to the database named by url: postgres://... (or
// postgresql://...), sqlite:PATH or sqlite::memory:. It does not migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	var (
		sqldb *sql.DB
		db    *bun.DB
		err   error
	)
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		cfg, err := pgx.ParseConfig(url)
		if err != nil {
			// pgx's message may quote the URL, password included.
			return nil, inboxbot.Errorf(inboxbot.EINVALID, "DATABASE_URL is not a valid PostgreSQL URL (%s)", redact(url))
		}
		boundWaits(cfg)
		if cfg.DefaultQueryExecMode == pgx.QueryExecModeSimpleProtocol {
			// The URL asked for no prepared statements
			// (default_query_exec_mode=simple_protocol), as a pooler in
			// transaction mode without prepared-statement support needs.
			sqldb = stdlib.OpenDB(*cfg)
		} else {
			// The hot paths' statements are kept prepared (planned.go);
			// every other one goes with the simple protocol.
			cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
			sqldb = sql.OpenDB(plannedConnector{stdlib.GetConnector(*cfg)})
		}
		sqldb.SetMaxOpenConns(20)
		sqldb.SetMaxIdleConns(10)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db = bun.NewDB(sqldb, pgdialect.New())
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		if path == "" {
			return nil, inboxbot.Errorf(inboxbot.EINVALID, "DATABASE_URL: sqlite: needs a path, such as sqlite:inboxbot.db or sqlite::memory:")
		}
		// Transactions start IMMEDIATE: a deferred one that read first and
		// then writes while another process holds the lock fails at once
		// with "database is locked", busy_timeout unused. Immediate ones
		// wait their turn, up to the busy timeout.
		dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate"
		if path != ":memory:" {
			dsn += "&_pragma=journal_mode(WAL)"
		}
		sqldb, err = sql.Open("sqlite", dsn)
		if err != nil {
			return nil, inboxbot.Errorf(inboxbot.EINVALID, "DATABASE_URL: %v", err)
		}
		// SQLite has one writer; one connection serialises transactions
		// instead of failing them with SQLITE_BUSY, and keeps an in-memory
		// database alive.
		sqldb.SetMaxOpenConns(1)
		db = bun.NewDB(sqldb, sqlitedialect.New())
	default:
		return nil, inboxbot.Errorf(inboxbot.EINVALID, "DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got %q)", redact(url))
	}
	s := &Store{db: db, pg: db.Dialect().Name().String() == "pg", Now: time.Now}
	if err := s.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// ConnectTimeout bounds opening a PostgreSQL connection, unless the URL's
// connect_timeout says otherwise.
const ConnectTimeout = 5 * time.Second

// StatementTimeout is the PostgreSQL statement_timeout of every connection,
// unless the URL sets one: a backstop, should a request's deadline not
// reach a server that stalls.
const StatementTimeout = 15 * time.Second

// boundWaits sets the connect and statement timeouts the URL leaves unset,
// so that no database wait is unbounded.
func boundWaits(cfg *pgx.ConnConfig) {
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = ConnectTimeout
	}
	if _, set := cfg.RuntimeParams["statement_timeout"]; !set {
		cfg.RuntimeParams["statement_timeout"] = fmt.Sprint(StatementTimeout.Milliseconds())
	}
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return wrap(err, "ping")
	}
	return nil
}

// Stats returns the connection pool statistics, for metrics.
func (s *Store) Stats() sql.DBStats { return s.db.DB.Stats() }

func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// tx runs fn in a transaction. On PostgreSQL a deadlock or serialisation
// failure is retried a few times, so fn must be safe to run again.
func (s *Store) tx(ctx context.Context, fn func(tx bun.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return fn(tx) })
		if !retryable(err) {
			return err
		}
	}
	return err
}

// forUpdate adds a row lock where the dialect has one; SQLite's single
// writer makes it unnecessary there.
func (s *Store) forUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if s.pg {
		return q.For("UPDATE")
	}
	return q
}

// redact hides the password of a database URL.
func redact(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		if j := strings.LastIndex(url, "@"); j > i {
			return url[:i+3] + "***" + url[j:]
		}
	}
	return url
}

// notFound is ENOTFOUND for a conversation id.
func notFound(id int64) error {
	return inboxbot.Errorf(inboxbot.ENOTFOUND, "There is no conversation %s.", inboxbot.Ref(id))
}

// wrap gives err context and turns a database outage into EUNAVAILABLE.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *inboxbot.Error
	if errors.As(err, &e) {
		return err
	}
	if badValue(err) {
		return fmt.Errorf("%s: %w: %v", what, inboxbot.Errorf(inboxbot.EINVALID, "A value is out of range or contains a character the database cannot store."), err)
	}
	if unavailable(err) {
		return fmt.Errorf("%s: %w: %v", what, inboxbot.Errorf(inboxbot.EUNAVAILABLE, "The database is unavailable right now; please try again in a moment."), err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
