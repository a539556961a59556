package models

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"time"
)

// LogSource reads a cluster's logs from wherever the provider keeps them.
// It offers the database log only: audit logs are a separate product of
// the cluster and are never part of a database-log download, whatever
// grant is in force.
type LogSource interface {
	// DatabaseLog opens the cluster's database (mongod) log, oldest line
	// first. Reading stops with ctx.
	DatabaseLog(ctx context.Context, c Cluster) (io.ReadCloser, error)
}

// DemoLogSource makes a deterministic, realistic database log for any
// cluster: the same cluster always gives the same lines. It hands lines
// out in batches with a pause between them, as reading a real archive
// would, so that a download takes noticeable time.
type DemoLogSource struct {
	Lines      int           // lines in a log
	BatchLines int           // lines produced between pauses
	Pause      time.Duration // wait before each batch but the first
}

// NewDemoLogSource is the demo source the server uses: 12,000 lines
// (about 3 MB) in about two seconds.
func NewDemoLogSource() DemoLogSource {
	return DemoLogSource{Lines: 12000, BatchLines: 120, Pause: 20 * time.Millisecond}
}

// DatabaseLog implements LogSource.
func (d DemoLogSource) DatabaseLog(ctx context.Context, c Cluster) (io.ReadCloser, error) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(c.ID + "/" + c.Name))
	seed := h.Sum64()
	start := c.CreatedAt.Time()
	if start.IsZero() {
		start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	batch := d.BatchLines
	if batch <= 0 {
		batch = 100
	}
	return &demoLog{ctx: ctx, src: d, batch: batch, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), at: start, cluster: c}, nil
}

// demoLog produces the lines lazily, one batch at a time.
type demoLog struct {
	ctx     context.Context
	src     DemoLogSource
	batch   int
	rng     *rand.Rand
	at      time.Time
	cluster Cluster
	n       int
	buf     bytes.Buffer
}

func (l *demoLog) Read(p []byte) (int, error) {
	if l.buf.Len() == 0 {
		if l.n >= l.src.Lines {
			return 0, io.EOF
		}
		if l.n > 0 && l.src.Pause > 0 {
			t := time.NewTimer(l.src.Pause)
			select {
			case <-l.ctx.Done():
				t.Stop()
				return 0, l.ctx.Err()
			case <-t.C:
			}
		}
		for i := 0; i < l.batch && l.n < l.src.Lines; i++ {
			l.line()
		}
	}
	return l.buf.Read(p)
}

func (l *demoLog) Close() error { return nil }

var (
	demoCollections = []string{"orders.orders", "orders.customers", "orders.inventory", "analytics.events", "admin.system.sessions"}
	demoShapes      = []string{`{"status":"?"}`, `{"customerId":"?","createdAt":{"$gte":"?"}}`, `{"sku":"?"}`, `{"_id":"?"}`, `{"region":"?","total":{"$gt":"?"}}`}
	demoAppNames    = []string{"orders-api", "billing-worker", "MongoDB Compass", "mongosh 2.3.8", "reporting-cron"}
)

// line appends one log line in mongod's structured JSON format. Query
// shapes carry "?" for every value, as mongod's own redaction does: a
// database log tells support how the cluster behaves, not what it holds.
func (l *demoLog) line() {
	r := l.rng
	l.at = l.at.Add(time.Duration(1+r.IntN(900)) * time.Millisecond)
	l.n++
	ts := l.at.Format("2006-01-02T15:04:05.000-07:00")
	conn := 1000 + r.IntN(8000)
	remote := fmt.Sprintf("10.%d.%d.%d:%d", r.IntN(4), r.IntN(255), 1+r.IntN(254), 40000+r.IntN(20000))
	var body string
	switch k := r.IntN(100); {
	case k < 25:
		body = fmt.Sprintf(`"s":"I",  "c":"NETWORK",  "id":22943,   "ctx":"listener","msg":"Connection accepted","attr":{"remote":%q,"connectionId":%d,"connectionCount":%d}`, remote, conn, 20+r.IntN(200))
	case k < 45:
		body = fmt.Sprintf(`"s":"I",  "c":"NETWORK",  "id":51800,   "ctx":"conn%d","msg":"client metadata","attr":{"remote":%q,"client":"conn%d","doc":{"application":{"name":%q},"driver":{"name":"mongo-go-driver","version":"v1.17.1"},"os":{"type":"linux"}}}`, conn, remote, conn, demoAppNames[r.IntN(len(demoAppNames))])
	case k < 65:
		body = fmt.Sprintf(`"s":"I",  "c":"NETWORK",  "id":22944,   "ctx":"conn%d","msg":"Connection ended","attr":{"remote":%q,"connectionId":%d,"connectionCount":%d}`, conn, remote, conn, 20+r.IntN(200))
	case k < 85:
		body = fmt.Sprintf(`"s":"I",  "c":"COMMAND",  "id":51803,   "ctx":"conn%d","msg":"Slow query","attr":{"type":"command","ns":%q,"command":{"find":"?","filter":%s},"planSummary":"IXSCAN","keysExamined":%d,"docsExamined":%d,"numYields":%d,"nreturned":%d,"durationMillis":%d}`,
			conn, demoCollections[r.IntN(len(demoCollections))], demoShapes[r.IntN(len(demoShapes))], r.IntN(5000), r.IntN(5000), r.IntN(40), r.IntN(200), 100+r.IntN(2400))
	case k < 93:
		body = fmt.Sprintf(`"s":"I",  "c":"STORAGE",  "id":22430,   "ctx":"Checkpointer","msg":"WiredTiger message","attr":{"message":{"ts_sec":%d,"thread":"%d:0x7f%x","session_name":"WT_SESSION.checkpoint","category":"WT_VERB_CHECKPOINT_PROGRESS","verbose_level":"DEBUG_1","msg":"saving checkpoint snapshot min: %d, snapshot max: %d"}}}`,
			l.at.Unix(), 1000+r.IntN(9000), r.Uint32(), r.IntN(1_000_000), 1_000_000+r.IntN(1_000_000))
	case k < 98:
		body = fmt.Sprintf(`"s":"I",  "c":"ACCESS",   "id":20250,   "ctx":"conn%d","msg":"Authentication succeeded","attr":{"mechanism":"SCRAM-SHA-256","speculative":true,"principalName":"app-user","authenticationDatabase":"admin","remote":%q}`, conn, remote)
	default:
		body = fmt.Sprintf(`"s":"W",  "c":"REPL",     "id":21405,   "ctx":"ReplCoordExtern-%d","msg":"Heartbeat to member took longer than expected","attr":{"target":"%s-shard-00-0%d.mongodb.net:27017","durationMillis":%d}`, r.IntN(8), l.cluster.Name, r.IntN(3), 1000+r.IntN(3000))
	}
	fmt.Fprintf(&l.buf, `{"t":{"$date":%q},%s}`+"\n", ts, body)
}
