package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"supportaccess/handlers"
	"supportaccess/models"
	"supportaccess/models/store"
)

func init() {
	register(command{name: "serve", summary: "serve the console (the default)", run: serve})
	register(command{name: "migrate", summary: "bring the database schema up to date and exit", run: migrate})
}

func serve(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("serve", e, &cfg)
	sweep := fs.Duration("sweep-interval", 5*time.Second, "how often expired grants are recorded")
	rowCache := fs.Bool("row-cache", true, "write the clusters rows that are the same for every user from HTML kept of an earlier page (false renders every row; the pages are the same)")
	poll := fs.Int("poll-seconds", 5, "how often an open clusters page re-syncs with the server")
	alerts := declareAlertFlags(fs, e)
	proxies := fs.String("trusted-proxies", e.getenv("SUPPORTACCESS_TRUSTED_PROXIES"), "reverse proxies whose X-Forwarded-For/-Proto are believed: addresses, CIDR ranges or \"loopback\" (a proxy on this host), comma-separated; none by default (env SUPPORTACCESS_TRUSTED_PROXIES)")
	supportRateDef, err := envFloat(e, "SUPPORTACCESS_SUPPORT_RATE", handlers.DefaultRateLimits.SupportDecisionsPerSecond)
	if err != nil {
		return err
	}
	oauthRateDef, err := envFloat(e, "SUPPORTACCESS_OAUTH_RATE", handlers.DefaultRateLimits.OAuthTokensPerMinute)
	if err != nil {
		return err
	}
	supportRate := fs.Float64("support-rate", supportRateDef, "access decisions one support token may record per second, bursts of twice that; 0 for no limit (env SUPPORTACCESS_SUPPORT_RATE)")
	oauthRate := fs.Float64("oauth-rate", oauthRateDef, "OAuth token requests one client may make per minute; 0 for no limit (env SUPPORTACCESS_OAUTH_RATE)")
	demo := fs.Bool("seed-demo", envTrue(e, "SUPPORTACCESS_SEED_DEMO"), "fill an empty configured database with the demo organization (env SUPPORTACCESS_SEED_DEMO=1); the default database ("+defaultDB+") is seeded without it, a configured one never is")
	sealEvery := fs.Duration("seal-interval", time.Second, "how often the record's new rows are sealed")
	sealKeyFile := sealKeyFlag(fs)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	if *supportRate < 0 || *oauthRate < 0 {
		return errors.New("--support-rate and --oauth-rate must be 0 (no limit) or more")
	}
	trusted, err := handlers.ParseTrustedProxies(*proxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	sk, err := sealKey(e, *sealKeyFile)
	if err != nil {
		return err
	}
	start := time.Now()
	log := newLogger(e)
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if *demo || cfg.db == defaultDB {
		if err := seedDemo(ctx, e, store); err != nil {
			return err
		}
	}
	keys, err := sessionKeys(ctx, e, store)
	if err != nil {
		return err
	}
	worker, err := alerts.worker(store, log)
	if err != nil {
		return err
	}
	go models.PrepareLogin()
	srv := handlers.New(store, log, handlers.Config{SessionKeys: keys, PollSeconds: *poll, TrustedProxies: trusted, PublicURL: *alerts.publicURL,
		SweepInterval: *sweep, NoRowCache: !*rowCache, Alerts: worker, AlertPoll: *alerts.poll,
		RateLimits: handlers.RateLimits{SupportDecisionsPerSecond: *supportRate, OAuthTokensPerMinute: *oauthRate},
		SealKey:    sk, SealInterval: *sealEvery})
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	hs, ln := newHTTPServer(srv.Echo(), ln, defaultLimits)
	// The background jobs stop with the server and are waited for before
	// the store closes (the deferred Close above runs after this): an
	// alert delivery in flight records its attempt first.
	bgCtx, stopBg := context.WithCancel(ctx)
	bgDone := make(chan struct{})
	go func() { srv.Background(bgCtx); close(bgDone) }()
	defer func() { stopBg(); <-bgDone }()
	log.Info("serving", "url", "http://"+ln.Addr().String(), "db", redactDSN(cfg.db), "ready_ms", time.Since(start).Milliseconds())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// tuneGC trades memory the server has to spare for CPU it does not: with
// Go's default the collector took about a sixth of the CPU of a recorded
// access decision under load, while the heap stayed near 10 MB. The
// collector now runs when the heap has grown by 400 % (to five times the
// live heap), and in any case before it passes a soft limit of 64 MiB.
// GOGC or GOMEMLIMIT in the environment keep their usual meaning and turn
// this off.
func tuneGC(e env) {
	if e.getenv("GOGC") != "" || e.getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(64 << 20)
}

// seedDemo fills an empty database with the demo organization and prints
// the owner's login once. Serve calls it only for the default database or
// when asked: a production database that happens to be empty (a new
// deployment, a wrong DATABASE_URL) must not get an owner whose password
// went to a log.
func seedDemo(ctx context.Context, e env, store *store.Store) error {
	pw := e.getenv("SUPPORTACCESS_DEMO_PASSWORD")
	printed := pw == ""
	if pw == "" {
		pw = models.RandomToken(9)
	}
	seeded, err := store.SeedDemo(ctx, pw)
	if err != nil || !seeded {
		return err
	}
	if printed {
		fmt.Fprintf(e.stdout, "Seeded demo organization \"Acme Corp\". Log in as %s with password %s\n", models.DemoOwnerEmail, pw)
	} else {
		fmt.Fprintf(e.stdout, "Seeded demo organization \"Acme Corp\". Log in as %s with SUPPORTACCESS_DEMO_PASSWORD.\n", models.DemoOwnerEmail)
	}
	return nil
}

// sessionKeys returns the keys that sign and encrypt session cookies:
// SUPPORTACCESS_SESSION_KEYS (space-separated base64 pairs "hash:block",
// newest first, for rotation) or, if unset, a pair generated once and kept
// in the database so that every replica shares it.
func sessionKeys(ctx context.Context, e env, store *store.Store) ([][]byte, error) {
	if v := e.getenv("SUPPORTACCESS_SESSION_KEYS"); v != "" {
		var keys [][]byte
		for _, pair := range strings.Fields(v) {
			hash, block, ok := strings.Cut(pair, ":")
			h, err1 := base64.StdEncoding.DecodeString(hash)
			b, err2 := base64.StdEncoding.DecodeString(block)
			if !ok || err1 != nil || err2 != nil || len(h) < 32 || len(b) != 32 {
				return nil, errors.New("SUPPORTACCESS_SESSION_KEYS: each entry is base64(hash key, 32+ bytes):base64(block key, 32 bytes)")
			}
			keys = append(keys, h, b)
		}
		return keys, nil
	}
	// Keys beside the data they protect: whoever reads a copy of the
	// database (a backup, a replica, a stolen disk) can sign a cookie for
	// any session. Fine for a trial; said loudly, so that production sets
	// the environment variable.
	newLogger(e).Warn("SESSION COOKIE KEYS ARE READ FROM THE DATABASE: a copy of the database can forge logins; set SUPPORTACCESS_SESSION_KEYS in production")
	gen := func() string { return models.RandomToken(64) + ":" + models.RandomToken(32) }
	v, err := store.SettingOrCreate(ctx, "session_keys", gen)
	if err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	hash, block, _ := strings.Cut(v, ":")
	h, err1 := hex.DecodeString(hash)
	b, err2 := hex.DecodeString(block)
	if err1 != nil || err2 != nil || len(h) != 64 || len(b) != 32 {
		return nil, errors.New("session keys stored in the database are damaged; delete the session_keys setting to make new ones")
	}
	return [][]byte{h, b}, nil
}

// redactDSN hides the passwords in a database URL for logs: the one in
// its user information, any password parameter of its query
// (postgres://host/db?password=...) and any password=... of a key/value
// connection string. A URL too damaged to parse loses everything between
// the user name and the last @.
func redactDSN(dsn string) string {
	scheme, rest, isURL := strings.Cut(dsn, "://")
	if !isURL {
		return maskPasswordParams(dsn, " ")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if user, _, ok := strings.Cut(rest[:at], ":"); ok {
				rest = user + ":***" + rest[at:]
			}
		}
		if q := strings.IndexByte(rest, '?'); q >= 0 {
			rest = rest[:q+1] + maskPasswordParams(rest[q+1:], "&")
		}
		return scheme + "://" + rest
	}
	hidden := ""
	if _, has := u.User.Password(); has {
		// url.URL would escape "***"; the mask goes in after.
		u.User, hidden = url.User(u.User.Username()), ":***"
	}
	u.RawQuery = maskPasswordParams(u.RawQuery, "&")
	out := u.String()
	if hidden != "" {
		out = strings.Replace(out, "@", hidden+"@", 1)
	}
	return out
}

// maskPasswordParams replaces the value of every password-like key in a
// list of key=value pairs separated by sep.
func maskPasswordParams(list, sep string) string {
	parts := strings.Split(list, sep)
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if ok && strings.Contains(strings.ToLower(strings.TrimSpace(k)), "password") {
			parts[i] = k + "=***"
		}
	}
	return strings.Join(parts, sep)
}

func migrate(ctx context.Context, e env, args []string) error {
	var cfg config
	fs := flags("migrate", e, &cfg)
	if ok, err := parse(fs, args); !ok {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	v, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "schema at version %d\n", v)
	return nil
}
