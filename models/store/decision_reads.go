package store

import "sync"

// On SQLite every decision is recorded by the group committer, one after
// another, and each began with the same read: the employee by the token's
// hash, the cluster, its organization and its open grant, one statement
// of four joins that cost a quarter of the committer's time per decision,
// to read the same rows again and again. So the committer keeps the rows
// each question read, under the committer's Epoch they were read in, and
// a question reads the database again only once the Epoch has moved on.
// Any change but a recorded decision moves it before it runs, and so does
// a commit from another connection of this process or of another one
// (a CLI revoking a token, say), and a group that failed
// (sqlite/groupcommit.go). So a decision still rests on what the
// database holds in the transaction that records it; only the read is
// spared. The checks of time, an employee's expiry and a grant's, run on
// the kept rows at the decision's own moment.

// maxDecisionReads bounds the questions kept in one Epoch; a full cache
// starts over. Each holds about a kilobyte.
const maxDecisionReads = 4096

// decisionReadKey is what a question asks about, and who asks.
type decisionReadKey struct{ tokenHash, projectID, clusterName string }

// decisionReads keeps, for one Epoch, the rows qDecisionState found.
type decisionReads struct {
	mu    sync.Mutex
	epoch uint64
	rows  map[decisionReadKey]decisionStateRow
}

func newDecisionReads() *decisionReads {
	return &decisionReads{rows: map[decisionReadKey]decisionStateRow{}}
}

// kept is what the question k read in epoch, if it was kept; on a
// store without a committer (d nil), nothing is.
func (d *decisionReads) kept(epoch uint64, k decisionReadKey) (decisionStateRow, bool) {
	if d == nil {
		return decisionStateRow{}, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.epoch != epoch {
		clear(d.rows)
		d.epoch = epoch
		return decisionStateRow{}, false
	}
	r, ok := d.rows[k]
	return r, ok
}

// keep keeps r, what the question k read in epoch. Only a question about
// a cluster that exists is kept; a miss reads the database each time.
func (d *decisionReads) keep(epoch uint64, k decisionReadKey, r decisionStateRow) {
	if d == nil || !r.cluster.ID.Valid {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.epoch == epoch {
		if len(d.rows) >= maxDecisionReads {
			clear(d.rows)
		}
		d.rows[k] = r
	}
}
