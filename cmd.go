package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"supportaccess/models/store"
)

// env is what a command may touch of the outside world; tests pass their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one operator subcommand. Its name may have two words
// ("users create").
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// commands holds every subcommand; files register theirs in init.
var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// run picks the subcommand from the first one or two words and runs it;
// with no words it serves.
func run(ctx context.Context, args []string, e env) error {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c.run(ctx, e, args[2:])
		}
	}
	if len(args) >= 1 {
		if c, ok := commands[args[0]]; ok {
			return c.run(ctx, e, args[1:])
		}
		if args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
			usage(e.stdout)
			return nil
		}
		if !strings.HasPrefix(args[0], "-") {
			usage(e.stderr)
			return fmt.Errorf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))
		}
	}
	return commands["serve"].run(ctx, e, args)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: supportaccess [command] [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-26s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'supportaccess COMMAND --help' for a command's flags.")
}

// defaultDB is the embedded database a plain `go run .` serves: the only
// one seeded with the demo organization without being asked (serve's
// --seed-demo).
var defaultDB = filepath.Join("data", "supportaccess.db")

// config is what every command reads the same way: flags, falling back to
// environment variables, falling back to defaults.
type config struct {
	addr string
	db   string
	// sqliteOff names the pieces of SQLite's tuning to switch off (env
	// SUPPORTACCESS_SQLITE_OFF; see sqliteOptions).
	sqliteOff string
}

// flags makes a flag set with the shared flags.
func flags(name string, e env, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("supportaccess "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&cfg.addr, "addr", envOr(e, "SUPPORTACCESS_ADDR", "127.0.0.1:8080"), "address to listen on (env SUPPORTACCESS_ADDR)")
	fs.StringVar(&cfg.db, "db", envOr(e, "DATABASE_URL", defaultDB), "SQLite file path, or postgres://... (env DATABASE_URL)")
	cfg.sqliteOff = e.getenv("SUPPORTACCESS_SQLITE_OFF")
	return fs
}

// envFloat is the non-negative number in the environment variable key,
// def when it is unset; anything else is an error that names it.
func envFloat(e env, key string, def float64) (float64, error) {
	s := e.getenv(key)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%s=%q: want a number of 0 or more", key, s)
	}
	return v, nil
}

// envTrue says whether the environment variable key is set to 1 or true.
func envTrue(e env, key string) bool {
	v := strings.ToLower(e.getenv(key))
	return v == "1" || v == "true"
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// parse parses flags; --help prints the usage and ends the command without error.
func parse(fs *flag.FlagSet, args []string) (bool, error) {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return true, nil
}

// sqliteOptions reads a comma-separated list of the pieces of SQLite's
// tuning to switch off, to measure each or rule it out: stmtcache,
// groupcommit, checkpointer, or all. Empty keeps them all.
func sqliteOptions(list string) (store.Options, error) {
	var o store.Options
	for _, name := range strings.Split(list, ",") {
		switch strings.TrimSpace(name) {
		case "":
		case "stmtcache":
			o.NoStmtCache = true
		case "groupcommit":
			o.NoGroupCommit = true
		case "checkpointer":
			o.NoCheckpointer = true
		case "all":
			o = store.Options{NoStmtCache: true, NoGroupCommit: true, NoCheckpointer: true}
		default:
			return o, fmt.Errorf("SUPPORTACCESS_SQLITE_OFF: unknown piece %q; use stmtcache, groupcommit, checkpointer or all", name)
		}
	}
	return o, nil
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	o, err := sqliteOptions(cfg.sqliteOff)
	if err != nil {
		return nil, err
	}
	s, err := store.OpenWith(cfg.db, o)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func newLogger(e env) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
